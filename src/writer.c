// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <time.h>

#include "writer.h"

void writer_init(struct writer *w)
{
	pthread_condattr_t attr;

	pthread_mutex_init(&w->lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&w->wake, &attr);
	pthread_condattr_destroy(&attr);
	w->running = false;
	w->stop = false;
}

int writer_start(struct writer *w, void *(*fn)(void *), void *arg)
{
	int err;

	if (w->running)
		return 0;
	err = pthread_create(&w->thread, NULL, fn, arg);
	if (err)
		return -err;
	w->running = true;
	return 0;
}

void writer_stop(struct writer *w)
{
	if (!w->running)
		return;
	pthread_mutex_lock(&w->lock);
	w->stop = true;
	pthread_cond_signal(&w->wake);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	w->running = false;
}

void writer_destroy(struct writer *w)
{
	pthread_cond_destroy(&w->wake);
	pthread_mutex_destroy(&w->lock);
}
