/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFJUDGE_REPLAYCT_H
#define NFJUDGE_REPLAYCT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decode.h"
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

/*
 * Whether conntrack calls INVALID a packet that the decoder gave up on at
 * its transport header (res; f is what it decoded, of data[0..len)): UDP
 * or UDP-Lite cut short or with a bad length, ICMP cut short, TCP with a
 * bad data offset.  Live such a packet meets the fence; the others the
 * fence's own matches drop without a record (its tcp and icmp6 matches
 * drop a header they cannot read), as replay does.  For TCP, f->tcp_flags
 * is set: the fence's tcp match reads them, the header's first 20 bytes
 * being there.
 */
bool replayct_l4_invalid(enum decode_result res, const uint8_t *data,
			 size_t len, struct flow *f);

/* Whether the packet is an ICMP or ICMPv6 error, which quotes a packet. */
bool replayct_icmp_error(const struct flow *f);

#endif
