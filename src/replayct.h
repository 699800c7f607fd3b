/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFJUDGE_REPLAYCT_H
#define NFJUDGE_REPLAYCT_H

#include <stdbool.h>

#include "fence.h"
#include "newflow.h"

struct flow;

/*
 * What replay must rebuild of a live packet from a capture, so that the
 * fence (fence_classify()) can class it as live: the state conntrack would
 * give it, from what the flow table knows of its flow.  TCP with a flag
 * combination conntrack refuses (SYN with FIN, none, FIN without ACK, ...)
 * is INVALID whatever the flow; a TCP packet of no flow is NEW only when
 * conntrack would start one from it (a SYN, or an ACK it picks up
 * mid-stream); an ICMP message that neither asks nor belongs to a flow (an
 * echo reply out of the blue) is INVALID.  For an ICMP error, flow is the
 * state of the flow it quotes: RELATED when that flow was let through,
 * INVALID otherwise (an error about nothing carries only its payload).
 */
enum fence_ct replayct_state(const struct flow *f, enum newflow_state flow);

/* Whether the packet is an ICMP or ICMPv6 error, which quotes a packet. */
bool replayct_icmp_error(const struct flow *f);

#endif
