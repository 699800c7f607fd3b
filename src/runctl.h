/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFJUDGE_RUNCTL_H
#define NFJUDGE_RUNCTL_H

#include <stdint.h>

struct record_stats;

/* The daemon's conversations with its service manager and monitoring. */

struct runctl_queue {
	uint16_t queue;
	uint64_t queue_dropped; /* the kernel's: queue full */
	uint64_t user_dropped;	/* the kernel's: our socket full */
	uint64_t lost_queue;	/* of those, in lost records so far */
	uint64_t lost_user;
	uint64_t flushed; /* verdicts for packets the kernel had flushed */
};

/* Send a state line to the service manager ($NOTIFY_SOCKET), if any. */
void runctl_notify(const char *state);

/* RELOADING=1 with the monotonic time, as Type=notify-reload wants. */
void runctl_notify_reloading(void);

/*
 * The watchdog interval the service manager asked for, in microseconds,
 * or 0: $WATCHDOG_USEC, when $WATCHDOG_PID is unset or names us.  Both
 * are removed from the environment so that no child takes them as its own.
 */
uint64_t runctl_watchdog_usec(void);

/* Write our pid to path, replacing it.  0 or -errno. */
int runctl_write_pidfile(const char *path);

/*
 * Write the counters in Prometheus text format, atomically (a temporary
 * file renamed over path), for a node exporter's textfile collector.
 * 0 or -errno.
 */
int runctl_write_metrics(const char *path, const struct record_stats *st,
			 const struct runctl_queue *q, int nq);

#endif
