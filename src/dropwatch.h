/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFJUDGE_DROPWATCH_H
#define NFJUDGE_DROPWATCH_H

#include <stdint.h>

struct record_event;
struct dropwatch;

/*
 * The kernel drops packets of a full queue (and of a full socket) without
 * telling anyone but its counters; the daemon watches them so that every
 * packet that never got a verdict is still accounted for in the log.
 */

typedef int (*dropwatch_emit_fn)(void *ctx, const struct record_event *ev);
/* As nfqueue_kernel_drops(); tests plug in their own. */
typedef int (*dropwatch_read_fn)(uint16_t queue, uint64_t *queue_dropped,
				 uint64_t *user_dropped);

struct dropwatch_cfg {
	uint16_t first; /* queues first .. first + n - 1 */
	int n;
	dropwatch_emit_fn emit;
	void *ctx;
	dropwatch_read_fn read; /* NULL: the kernel's */
};

/*
 * Watch the queues from their counters now (a queue bound afresh starts
 * at 0).  NULL with errno on failure.
 */
struct dropwatch *dropwatch_new(const struct dropwatch_cfg *cfg);
void dropwatch_free(struct dropwatch *dw);

/*
 * Read the counters and write a lost record for each that grew since the
 * last record; from any thread.  A record the sink refuses is retried at
 * the next check, so the counts stay whole.
 */
void dropwatch_check(struct dropwatch *dw);

/* Packets of the queue counted in lost records so far. */
void dropwatch_totals(struct dropwatch *dw, uint16_t queue,
		      uint64_t *queue_dropped, uint64_t *user_dropped);

#endif
