// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Replay's stand-in for the kernel: the conntrack state a captured packet
 * would have had live, and what the fence's chain does with it.  The
 * classification follows the chain that `nfjudge rules` writes, rule by
 * rule in its order.
 */
#include "config.h"

#include "decode.h"
#include "replayct.h"

#define PROTO_ICMP   1
#define PROTO_TCP    6
#define PROTO_ICMPV6 58

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

static enum replayct_state tcp_state(const struct flow *f,
				     enum newflow_state flow)
{
	if (!tcp_flags_valid(f->tcp_flags))
		return REPLAYCT_INVALID;
	if (flow == NEWFLOW_OPEN)
		return REPLAYCT_ESTABLISHED;
	return tcp_starts_flow(f->tcp_flags) ? REPLAYCT_NEW : REPLAYCT_INVALID;
}

enum replayct_state replayct_state(const struct flow *f,
				   enum newflow_state flow)
{
	if (f->proto == PROTO_TCP)
		return tcp_state(f, flow);
	if (is_icmp(f) && icmp_error(f))
		return REPLAYCT_RELATED;
	if (flow == NEWFLOW_OPEN)
		return REPLAYCT_ESTABLISHED;
	if (is_icmp(f) && !icmp_request(f))
		return REPLAYCT_INVALID;
	return REPLAYCT_NEW;
}

static bool plain_syn(const struct flow *f)
{
	return f->proto == PROTO_TCP &&
	       (f->tcp_flags & (TCP_FIN | TCP_SYN | TCP_RST | TCP_ACK)) ==
		       TCP_SYN;
}

/* IPv6 itself: neighbour discovery and MLD reports, which pass. */
static bool ipv6_itself(const struct flow *f)
{
	return f->ip_version == 6 && f->proto == PROTO_ICMPV6 && f->has_ports &&
	       (f->sport == 133 || f->sport == 135 || f->sport == 136 ||
		f->sport == 143);
}

static enum replayct_class drop(const char **reason, const char *why)
{
	*reason = why;
	return REPLAYCT_DROP;
}

/* The INPUT chain: what the outside opens is judged, the rest passes. */
static enum replayct_class classify_in(const struct flow *f,
				       enum replayct_state ct)
{
	if (ct == REPLAYCT_ESTABLISHED || ct == REPLAYCT_RELATED)
		return plain_syn(f) ? REPLAYCT_JUDGE : REPLAYCT_PASS;
	if (plain_syn(f) || ct == REPLAYCT_NEW)
		return REPLAYCT_JUDGE;
	return REPLAYCT_PASS;
}

enum replayct_class replayct_classify(const struct flow *f,
				      enum replayct_state ct,
				      const char **reason)
{
	bool est = ct == REPLAYCT_ESTABLISHED || ct == REPLAYCT_RELATED;

	*reason = NULL;
	if (f->direction == FLOW_DIR_IN)
		return classify_in(f, ct);
	if (f->ip_version == 4 && (f->ip_flags & FLOW_IP_OPTIONS))
		return drop(reason, "ip-options");
	if (f->ip_version == 6 && (f->ip_flags & FLOW_IP_ROUTING))
		return drop(reason, "routing-header");
	if ((est && !plain_syn(f)) || ipv6_itself(f))
		return REPLAYCT_PASS;
	if (plain_syn(f))
		return REPLAYCT_JUDGE;
	if (ct == REPLAYCT_INVALID)
		return drop(reason, "invalid");
	if (f->proto == PROTO_TCP)
		return drop(reason, "tcp-not-new");
	if (ct == REPLAYCT_NEW)
		return REPLAYCT_JUDGE;
	return drop(reason, "invalid");
}
