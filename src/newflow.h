/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFJUDGE_NEWFLOW_H
#define NFJUDGE_NEWFLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct flow;
struct newflow;

/* conntrack's timeout for an unreplied UDP flow, which SPEC.md adopts */
#define NEWFLOW_UDP_TIMEOUT_US (30 * 1000000LL)

struct newflow_stats {
	uint64_t evicted; /* open flows dropped because the table was full */
	size_t open;	  /* flows open now */
};

/*
 * "Does this packet open a flow?" as the live rules would see it: a TCP SYN
 * without ACK, or a UDP datagram of a 5-tuple that no packet (either
 * direction) let through in the last timeout_us.  The UDP flow table holds
 * at most capacity flows, preallocated: memory stays flat however long the
 * capture, and time is capture time, never the wall clock.
 */
struct newflow *newflow_new(size_t capacity, int64_t timeout_us);
void newflow_free(struct newflow *nf);

/*
 * True when the packet must be judged.  A UDP datagram of an open flow
 * refreshes it and is not judged; a non-first fragment, and anything but
 * TCP and UDP, is never judged.
 */
bool newflow_check(struct newflow *nf, const struct flow *f, int64_t ts_us);

/*
 * A UDP packet was let through (accepted, or not judged at all): open its
 * flow or keep it open.  Rejected and dropped datagrams open nothing.
 */
void newflow_pass(struct newflow *nf, const struct flow *f, int64_t ts_us);

void newflow_get_stats(const struct newflow *nf, struct newflow_stats *st);

#endif
