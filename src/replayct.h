/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFJUDGE_REPLAYCT_H
#define NFJUDGE_REPLAYCT_H

#include <stdbool.h>

#include "newflow.h"

struct flow;

/*
 * What replay must reconstruct of a live packet from a capture: the state
 * conntrack would give it, from the flows the capture opened so far.
 */
enum replayct_state {
	REPLAYCT_NEW,
	REPLAYCT_ESTABLISHED,
	REPLAYCT_RELATED,
	REPLAYCT_INVALID,
};

/*
 * conntrack's state for the packet, given what the flow table knows of its
 * flow.  TCP with a flag combination conntrack refuses (SYN with FIN,
 * none, FIN without ACK, ...) is INVALID whatever the flow; a TCP packet of
 * no flow is NEW only when conntrack would start one from it (a SYN, or an
 * ACK it picks up mid-stream); an ICMP error is RELATED; an ICMP message
 * that neither asks nor belongs to a flow (an echo reply out of the blue)
 * is INVALID.
 */
enum replayct_state replayct_state(const struct flow *f,
				   enum newflow_state flow);

/* What the fence does with a packet (SPEC.md §2). */
enum replayct_class {
	REPLAYCT_JUDGE, /* the policy decides */
	REPLAYCT_PASS,	/* part of a judged flow, or not ours to judge */
	REPLAYCT_DROP,	/* dropped in the kernel, and recorded */
};

/*
 * The fence's decision for a packet in a conntrack state; *reason names a
 * drop ("invalid", "tcp-not-new", "ip-options", "routing-header").  The
 * packet's direction is f->direction.
 */
enum replayct_class replayct_classify(const struct flow *f,
				      enum replayct_state ct,
				      const char **reason);

#endif
