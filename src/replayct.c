// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Replay's stand-in for conntrack: the state a captured packet would have
 * had live.  What the fence then does with it is fence_classify()'s, the
 * one definition the rules and the daemon share.
 */
#include "config.h"

#include "flow.h"
#include "replayct.h"

#define PROTO_ICMP    1
#define PROTO_TCP     6
#define PROTO_UDP     17
#define PROTO_ICMPV6  58
#define PROTO_UDPLITE 136

#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_ACK 0x10
#define TCP_URG 0x20

/* The combinations conntrack accepts; PSH, ECE and CWR do not count. */
static bool tcp_flags_valid(uint8_t flags)
{
	switch (flags & (TCP_FIN | TCP_SYN | TCP_RST | TCP_ACK | TCP_URG)) {
	case TCP_SYN:
	case TCP_SYN | TCP_URG:
	case TCP_SYN | TCP_ACK:
	case TCP_RST:
	case TCP_RST | TCP_ACK:
	case TCP_FIN | TCP_ACK:
	case TCP_FIN | TCP_ACK | TCP_URG:
	case TCP_ACK:
	case TCP_ACK | TCP_URG:
		return true;
	default:
		return false;
	}
}

/* A SYN starts a connection; so does an ACK, which conntrack picks up. */
static bool tcp_starts_flow(uint8_t flags)
{
	uint8_t f = flags & (TCP_FIN | TCP_SYN | TCP_RST | TCP_ACK);

	return f == TCP_SYN || f == TCP_ACK;
}

static bool is_icmp(const struct flow *f)
{
	return (f->proto == PROTO_ICMP || f->proto == PROTO_ICMPV6) &&
	       f->has_ports;
}

/* Destination unreachable, time exceeded, parameter problem, ... */
static bool icmp_error(const struct flow *f)
{
	if (f->proto == PROTO_ICMP)
		return f->sport == 3 || f->sport == 4 || f->sport == 5 ||
		       f->sport == 11 || f->sport == 12;
	return f->sport >= 1 && f->sport <= 4;
}

/* Requests, from which conntrack starts a flow. */
static bool icmp_request(const struct flow *f)
{
	if (f->proto == PROTO_ICMP)
		return f->sport == 8 || f->sport == 13 || f->sport == 15 ||
		       f->sport == 17;
	return f->sport == 128 || f->sport == 139;
}

static enum fence_ct tcp_state(const struct flow *f, enum newflow_state flow)
{
	if (!tcp_flags_valid(f->tcp_flags))
		return FENCE_CT_INVALID;
	if (flow == NEWFLOW_OPEN)
		return FENCE_CT_ESTABLISHED;
	return tcp_starts_flow(f->tcp_flags) ? FENCE_CT_NEW : FENCE_CT_INVALID;
}

enum fence_ct replayct_state(const struct flow *f, enum newflow_state flow)
{
	if (f->proto == PROTO_TCP)
		return tcp_state(f, flow);
	if (is_icmp(f) && icmp_error(f))
		return flow == NEWFLOW_OPEN ? FENCE_CT_RELATED
					    : FENCE_CT_INVALID;
	if (flow == NEWFLOW_OPEN)
		return FENCE_CT_ESTABLISHED;
	if (is_icmp(f) && !icmp_request(f))
		return FENCE_CT_INVALID;
	return FENCE_CT_NEW;
}

bool replayct_icmp_error(const struct flow *f)
{
	return is_icmp(f) && icmp_error(f);
}

bool replayct_l4_invalid(enum decode_result res, const uint8_t *data,
			 size_t len, struct flow *f)
{
	switch (res) {
	case DECODE_ERR_UDP_LEN:
		return true;
	case DECODE_ERR_L4_TRUNC:
		return f->proto == PROTO_UDP || f->proto == PROTO_UDPLITE ||
		       f->proto == PROTO_ICMP;
	case DECODE_ERR_TCP_HLEN:
		if (len < 14 || f->l4_off > len - 14)
			return false;
		f->tcp_flags = data[f->l4_off + 13];
		return true;
	default:
		return false;
	}
}
