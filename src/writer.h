/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFJUDGE_WRITER_H
#define NFJUDGE_WRITER_H

/*
 * The thread that drains a sink's queue, with the lock that guards the
 * queue and the condition its producers wake the thread with: the verdict
 * log (logsink.c) and the OCSF stream (ocsfsink.c) start and stop theirs
 * the same way.  The thread's function waits on wake until it has work
 * or stop is set, with lock held.
 */

#include <pthread.h>
#include <stdbool.h>

struct writer {
	pthread_mutex_t lock;
	pthread_cond_t wake; /* the thread: work, or stop */
	pthread_t thread;
	bool running, stop;
};

/* The lock, and wake timed on CLOCK_MONOTONIC. */
void writer_init(struct writer *w);
/* Run fn(arg) in the thread, once: 0 or -errno. */
int writer_start(struct writer *w, void *(*fn)(void *), void *arg);
/* Set stop, wake the thread and wait for it to end; nothing if none runs.
 * running is false after. */
void writer_stop(struct writer *w);
void writer_destroy(struct writer *w);

#endif
