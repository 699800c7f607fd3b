// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The lines of a batch parsed on both cores: one call split in two
 * halves, or a pool whose helper thread stays for every batch.
 */
#include "config.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#include "logread.h"

struct lpar {
	void (*fn)(void *ctx, size_t i, int half);
	void *ctx;
	size_t from, to;
	int half;
};

static void *logread_half(void *arg)
{
	struct lpar *p = arg;
	size_t i;

	for (i = p->from; i < p->to; i++)
		p->fn(p->ctx, i, p->half);
	return NULL;
}

void logread_parallel(size_t n, void (*fn)(void *ctx, size_t i, int half),
		      void *ctx)
{
	struct lpar here = {fn, ctx, 0, n, 0}, there = {fn, ctx, n / 2, n, 1};
	pthread_t t;

	/* a thread costs tens of microseconds: worth it for many lines */
	if (n >= 512 && !pthread_create(&t, NULL, logread_half, &there)) {
		here.to = n / 2;
		logread_half(&here);
		pthread_join(t, NULL);
		return;
	}
	logread_half(&here);
}

/*
 * The pool: one helper thread, woken per batch.  Lines are handed out in
 * chunks under the mutex, tagged with the batch's generation, so that a
 * helper late to a batch takes nothing from the next.
 */
#define LPOOL_CHUNK 256

struct logread_pool {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t t;
	bool thread, quit;
	void (*fn)(void *ctx, size_t i, int half);
	void *ctx;
	size_t n, next, done; /* lines in the batch, handed out, finished */
	unsigned long gen;
};

/* Finish k lines, then take the next chunk of batch gen: false if none.
 * Called with mu held. */
static bool lpool_claim(struct logread_pool *p, unsigned long gen, size_t k,
			size_t *from, size_t *to)
{
	p->done += k;
	if (k && p->done == p->n)
		pthread_cond_broadcast(&p->cv);
	if (p->gen != gen || p->next >= p->n)
		return false;
	*from = p->next;
	p->next = p->n - p->next > LPOOL_CHUNK ? p->next + LPOOL_CHUNK : p->n;
	*to = p->next;
	return true;
}

/* Chunks of batch gen until none is left (mu held on entry and exit). */
static void lpool_work(struct logread_pool *p, unsigned long gen, int half)
{
	size_t from, to, k = 0;

	while (lpool_claim(p, gen, k, &from, &to)) {
		void (*fn)(void *ctx, size_t i, int half) = p->fn;
		void *ctx = p->ctx;

		pthread_mutex_unlock(&p->mu);
		for (k = from; k < to; k++)
			fn(ctx, k, half);
		k = to - from;
		pthread_mutex_lock(&p->mu);
	}
}

static void *lpool_main(void *arg)
{
	struct logread_pool *p = arg;
	unsigned long seen = 0;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (p->gen == seen && !p->quit)
			pthread_cond_wait(&p->cv, &p->mu);
		if (p->quit)
			break;
		seen = p->gen;
		lpool_work(p, seen, 1);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

struct logread_pool *logread_pool_new(void)
{
	struct logread_pool *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	/* without the thread, logread_pool_finish() does all the work */
	p->thread = !pthread_create(&p->t, NULL, lpool_main, p);
	return p;
}

void logread_pool_start(struct logread_pool *p,
			void (*fn)(void *ctx, size_t i, int half), void *ctx,
			size_t n)
{
	pthread_mutex_lock(&p->mu);
	p->fn = fn;
	p->ctx = ctx;
	p->n = n;
	p->next = p->done = 0;
	p->gen++;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

void logread_pool_finish(struct logread_pool *p)
{
	pthread_mutex_lock(&p->mu);
	lpool_work(p, p->gen, 0);
	while (p->done < p->n)
		pthread_cond_wait(&p->cv, &p->mu);
	p->n = p->done = 0;
	pthread_mutex_unlock(&p->mu);
}

void logread_pool_free(struct logread_pool *p)
{
	if (!p)
		return;
	if (p->thread) {
		pthread_mutex_lock(&p->mu);
		p->quit = true;
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
		pthread_join(p->t, NULL);
	}
	pthread_cond_destroy(&p->cv);
	pthread_mutex_destroy(&p->mu);
	free(p);
}
