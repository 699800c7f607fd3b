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
/* conntrack's timeout for an established TCP connection: five days */
#define NEWFLOW_TCP_TIMEOUT_US (5 * 86400 * 1000000LL)

struct newflow_stats {
	uint64_t evicted; /* live flows dropped because the table was full */
	size_t open;	  /* entries the table holds now: refused flows too, and
			   * expired ones no packet has looked up since */
};

/*
 * The flows a capture opened, as conntrack would remember them live: a
 * flow is keyed by protocol, addresses and ports (an ICMP echo by its
 * identifier, a protocol without ports by its addresses), the same in both
 * directions, and stays open while no more than timeout_us of capture time
 * passes between its packets (each flow by its own packets: a packet
 * stamped far ahead closes no other flow).  The table holds at most capacity
 * flows, preallocated: memory stays flat however long the capture, and time is
 * capture time, never the wall clock.
 */
struct newflow *newflow_new(size_t capacity, int64_t timeout_us);
void newflow_free(struct newflow *nf);

enum newflow_state {
	NEWFLOW_NONE,	 /* no flow: conntrack would call the packet NEW */
	NEWFLOW_OPEN,	 /* a flow that was let through */
	NEWFLOW_REFUSED, /* its first packet was rejected or dropped */
};

/*
 * The state of the packet's flow; an open flow is refreshed.  *reply is
 * set when the packet goes against the direction of the flow's first
 * packet.  A non-first fragment belongs to no flow.
 */
enum newflow_state newflow_lookup(struct newflow *nf, const struct flow *f,
				  int64_t ts_us, bool *reply);

/* The same, without touching the flow: for a packet that only quotes it. */
enum newflow_state newflow_peek(const struct newflow *nf, const struct flow *f,
				int64_t ts_us);

/*
 * A packet that will be looked up soon: start fetching the memory its
 * lookup, and the recycling of the oldest entry, will touch.  Changes
 * nothing; results do not depend on it.
 */
void newflow_prefetch(const struct newflow *nf, const struct flow *f);

/* The packet was let through: open its flow or keep it open. */
void newflow_pass(struct newflow *nf, const struct flow *f, int64_t ts_us);

/*
 * The packet that would have opened its flow was refused: the flow opens
 * nothing (the next packet is judged again), but its direction is kept, so
 * that what comes back is known for a reply.
 */
void newflow_refuse(struct newflow *nf, const struct flow *f, int64_t ts_us);

void newflow_get_stats(const struct newflow *nf, struct newflow_stats *st);

#endif
