/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFJUDGE_REPLAYCT_H
#define NFJUDGE_REPLAYCT_H

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
 * mid-stream); an ICMP error is RELATED; an ICMP message that neither asks
 * nor belongs to a flow (an echo reply out of the blue) is INVALID.
 */
enum fence_ct replayct_state(const struct flow *f, enum newflow_state flow);

#endif
