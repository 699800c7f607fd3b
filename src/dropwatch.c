// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Lost packets: the kernel's per-queue drop counters turned into lost
 * records.  Each counter keeps a base (its value when we bound the queue)
 * and what has been reported; a check writes the difference.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "dropwatch.h"
#include "nfqueue.h"
#include "record.h"
#include "timefmt.h"

struct counter {
	uint64_t base;	   /* the kernel's value at the start */
	uint64_t reported; /* since the base, in lost records */
};

struct dw_queue {
	struct counter queue_dropped;
	struct counter user_dropped;
};

struct dropwatch {
	pthread_mutex_t lock;
	struct dropwatch_cfg cfg;
	struct dw_queue q[];
};

struct dropwatch *dropwatch_new(const struct dropwatch_cfg *cfg)
{
	struct dropwatch *dw;
	uint64_t qd, ud;
	int i;

	if (cfg->n <= 0 || cfg->first + cfg->n > 65536 || !cfg->emit) {
		errno = EINVAL;
		return NULL;
	}
	dw = calloc(1, sizeof(*dw) + (size_t)cfg->n * sizeof(dw->q[0]));
	if (!dw)
		return NULL;
	pthread_mutex_init(&dw->lock, NULL);
	dw->cfg = *cfg;
	if (!dw->cfg.read)
		dw->cfg.read = nfqueue_kernel_drops;
	for (i = 0; i < cfg->n; i++)
		if (!dw->cfg.read((uint16_t)(cfg->first + i), &qd, &ud)) {
			dw->q[i].queue_dropped.base = qd;
			dw->q[i].user_dropped.base = ud;
		}
	return dw;
}

void dropwatch_free(struct dropwatch *dw)
{
	if (!dw)
		return;
	pthread_mutex_destroy(&dw->lock);
	free(dw);
}

/* One counter read as now: a record for what grew, lock held. */
static void report(struct dropwatch *dw, int queue, const char *what,
		   struct counter *c, uint64_t now)
{
	struct record_lost lost = {.what = what, .queue = queue};
	struct record_event ev = {.type = RECORD_LOST, .lost = &lost};

	/* A counter below its base: the queue was bound anew; start again. */
	if (now < c->base)
		c->base = c->reported = 0;
	if (now - c->base <= c->reported)
		return;
	lost.total = now - c->base;
	lost.count = lost.total - c->reported;
	ev.ts_us = timefmt_clock_us(CLOCK_REALTIME);
	if (dw->cfg.emit(dw->cfg.ctx, &ev) == 0)
		c->reported = lost.total;
}

void dropwatch_check(struct dropwatch *dw)
{
	uint64_t qd, ud;
	int i, queue;

	pthread_mutex_lock(&dw->lock);
	for (i = 0; i < dw->cfg.n; i++) {
		queue = dw->cfg.first + i;
		if (dw->cfg.read((uint16_t)queue, &qd, &ud))
			continue;
		report(dw, queue, RECORD_LOST_QUEUE, &dw->q[i].queue_dropped,
		       qd);
		report(dw, queue, RECORD_LOST_USER, &dw->q[i].user_dropped, ud);
	}
	pthread_mutex_unlock(&dw->lock);
}

void dropwatch_totals(struct dropwatch *dw, uint16_t queue,
		      uint64_t *queue_dropped, uint64_t *user_dropped)
{
	int i = queue - dw->cfg.first;

	*queue_dropped = *user_dropped = 0;
	if (i < 0 || i >= dw->cfg.n)
		return;
	pthread_mutex_lock(&dw->lock);
	*queue_dropped = dw->q[i].queue_dropped.reported;
	*user_dropped = dw->q[i].user_dropped.reported;
	pthread_mutex_unlock(&dw->lock);
}
