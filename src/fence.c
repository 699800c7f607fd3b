// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The fence as one table.  Order is the chain's order and matters: the
 * drops that hold in every conntrack state come before the pass of
 * established traffic, so a judged flow cannot later pick up a source
 * route or send raw fragments; the spoofed-source drop comes before the
 * rejects, so a REJECT never answers a third host.
 */
#include "config.h"

#include <string.h>

#include "fence.h"
#include "flow.h"

#define PROTO_TCP     6
#define PROTO_UDP     17
#define PROTO_UDPLITE 136
#define PROTO_ICMPV6  58

#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_ACK 0x10

#define M_PLAIN_SYN "-p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN"
#define M_EST	    "-m conntrack --ctstate RELATED,ESTABLISHED"
#define M_NEW	    "-m conntrack --ctstate NEW"
#define M_DNS_ANSWER \
	"-p udp -m udp --sport 53 -m conntrack --ctstate ESTABLISHED"
#define M_NDP(t) "-p ipv6-icmp -m icmp6 --icmpv6-type " #t

static const char *const reasons[FENCE__MAX] = {
	[FENCE_JUDGE] = "judge",
	[FENCE_PASS] = "pass",
	[FENCE_DROP_IP_OPTIONS] = "ip-options",
	[FENCE_DROP_ROUTING_HEADER] = "routing-header",
	[FENCE_DROP_FRAGMENT] = "fragment",
	[FENCE_DROP_SPOOFED] = "spoofed",
	[FENCE_DROP_INVALID] = "invalid",
	[FENCE_DROP_TCP_NOT_NEW] = "tcp-not-new",
	[FENCE_DROP_NO_UDP] = "no-udp",
	[FENCE_DROP_PREMARKED] = "premarked",
};

static bool is_v4(const struct fence_pkt *p)
{
	return p->flow->ip_version == 4;
}

static bool is_tcp(const struct fence_pkt *p)
{
	return p->flow->proto == PROTO_TCP;
}

static bool plain_syn(const struct fence_pkt *p)
{
	uint8_t fl =
		p->flow->tcp_flags & (TCP_FIN | TCP_SYN | TCP_RST | TCP_ACK);

	return is_tcp(p) && !p->flow->frag && fl == TCP_SYN;
}

static bool established(const struct fence_pkt *p)
{
	return p->ct == FENCE_CT_ESTABLISHED || p->ct == FENCE_CT_RELATED;
}

static bool m_premarked(const struct fence_pkt *p)
{
	return p->premarked;
}

static bool m_ip_options(const struct fence_pkt *p)
{
	return is_v4(p) && (p->flow->ip_flags & FLOW_IP_OPTIONS);
}

static bool m_routing_header(const struct fence_pkt *p)
{
	return !is_v4(p) && (p->flow->ip_flags & FLOW_IP_ROUTING);
}

/* IPv4 by the header's MF bit and offset; IPv6 by any fragment header. */
static bool m_fragment(const struct fence_pkt *p)
{
	if (is_v4(p))
		return p->flow->frag != 0;
	return (p->flow->ip_flags & FLOW_IP_FRAGHDR) != 0;
}

/* A non-first fragment has no TCP header: the chain's tcp match fails. */
static bool m_tcp_established(const struct fence_pkt *p)
{
	return is_tcp(p) && !p->flow->frag && !plain_syn(p) && established(p);
}

static bool m_other_established(const struct fence_pkt *p)
{
	return !is_tcp(p) && established(p);
}

static bool icmpv6_type(const struct fence_pkt *p, unsigned int type)
{
	return !is_v4(p) && p->flow->proto == PROTO_ICMPV6 &&
	       p->flow->has_ports && p->flow->sport == type;
}

static bool m_ndp_rs(const struct fence_pkt *p)
{
	return icmpv6_type(p, 133);
}

static bool m_ndp_ns(const struct fence_pkt *p)
{
	return icmpv6_type(p, 135);
}

static bool m_ndp_na(const struct fence_pkt *p)
{
	return icmpv6_type(p, 136);
}

static bool m_mld2_report(const struct fence_pkt *p)
{
	return icmpv6_type(p, 143);
}

static bool m_spoofed(const struct fence_pkt *p)
{
	return p->src_foreign;
}

static bool m_plain_syn(const struct fence_pkt *p)
{
	return plain_syn(p);
}

static bool m_invalid(const struct fence_pkt *p)
{
	return p->ct == FENCE_CT_INVALID || p->ct == FENCE_CT_UNTRACKED;
}

static bool m_tcp(const struct fence_pkt *p)
{
	return is_tcp(p);
}

static bool m_udp(const struct fence_pkt *p)
{
	return p->flow->proto == PROTO_UDP;
}

static bool m_udplite(const struct fence_pkt *p)
{
	return p->flow->proto == PROTO_UDPLITE;
}

static bool m_new(const struct fence_pkt *p)
{
	return p->ct == FENCE_CT_NEW;
}

static bool m_any(const struct fence_pkt *p)
{
	(void)p;
	return true;
}

static bool m_loopback(const struct fence_pkt *p)
{
	return p->loopback;
}

/* Only answers conntrack ties to a query: the rest reach no resolver. */
static bool m_dns_answer(const struct fence_pkt *p)
{
	return m_udp(p) && p->flow->has_ports && p->flow->sport == 53 &&
	       p->ct == FENCE_CT_ESTABLISHED;
}

static bool m_new_udp(const struct fence_pkt *p)
{
	return m_new(p) && (m_udp(p) || m_udplite(p));
}

#define OUT_E FENCE_OUT_EARLY
#define OUT_L FENCE_OUT_LATE
#define IN_E  FENCE_IN_EARLY
#define IN_L  FENCE_IN_LATE

static const struct fence_rule table[] = {
	{FENCE_DROP_PREMARKED, FENCE_PREMARK, FENCE_F_MARK, NULL, NULL,
	 m_premarked},
	{FENCE_DROP_IP_OPTIONS, OUT_E, 0,
	 "-m u32 --u32 \"0x0>>0x18&0xf=0x6:0xf\"", NULL, m_ip_options},
	{FENCE_DROP_ROUTING_HEADER, OUT_E, 0, NULL, "-m rt", m_routing_header},
	{FENCE_DROP_FRAGMENT, OUT_E, 0,
	 "-m u32 --u32 \"0x4&0x3fff=0x1:0x3fff\"", "-m frag", m_fragment},
	{FENCE_PASS, OUT_E, 0,
	 "-p tcp -m tcp ! --tcp-flags FIN,SYN,RST,ACK SYN " M_EST,
	 "-p tcp -m tcp ! --tcp-flags FIN,SYN,RST,ACK SYN " M_EST,
	 m_tcp_established},
	{FENCE_PASS, OUT_E, 0, "! -p tcp " M_EST, "! -p tcp " M_EST,
	 m_other_established},
	/* Neighbour discovery and MLD: IPv6 itself, before its source is
	 * known (DAD sends from ::) and which conntrack calls INVALID. */
	{FENCE_PASS, OUT_E, 0, NULL, M_NDP(133), m_ndp_rs},
	{FENCE_PASS, OUT_E, 0, NULL, M_NDP(135), m_ndp_ns},
	{FENCE_PASS, OUT_E, 0, NULL, M_NDP(136), m_ndp_na},
	{FENCE_PASS, OUT_E, 0, NULL, M_NDP(143), m_mld2_report},
	{FENCE_DROP_SPOOFED, OUT_E, 0, "-m addrtype ! --src-type LOCAL",
	 "-m addrtype ! --src-type LOCAL", m_spoofed},
	/* Whatever its conntrack state: a SYN that reuses a remembered
	 * 5-tuple can be classed ESTABLISHED. */
	{FENCE_JUDGE, OUT_L, 0, M_PLAIN_SYN, M_PLAIN_SYN, m_plain_syn},
	{FENCE_DROP_INVALID, OUT_L, 0,
	 "-m conntrack --ctstate INVALID,UNTRACKED",
	 "-m conntrack --ctstate INVALID,UNTRACKED", m_invalid},
	{FENCE_DROP_TCP_NOT_NEW, OUT_L, 0, "-p tcp", "-p tcp", m_tcp},
	{FENCE_DROP_NO_UDP, OUT_L, FENCE_F_NO_UDP, "-p udp", "-p udp", m_udp},
	{FENCE_DROP_NO_UDP, OUT_L, FENCE_F_NO_UDP, "-p udplite", "-p udplite",
	 m_udplite},
	{FENCE_JUDGE, OUT_L, 0, M_NEW, M_NEW, m_new},
	/* Nothing is left but what conntrack has no state for. */
	{FENCE_DROP_INVALID, OUT_L, 0, "", "", m_any},

	{FENCE_PASS, IN_E, 0, "-i lo", "-i lo", m_loopback},
	/* After lo: any program in the sandbox can answer on loopback. */
	{FENCE_PASS, IN_E, FENCE_F_LOG_DNS, M_DNS_ANSWER, M_DNS_ANSWER,
	 m_dns_answer},
	{FENCE_PASS, IN_E, 0,
	 "-p tcp -m tcp ! --tcp-flags FIN,SYN,RST,ACK SYN " M_EST,
	 "-p tcp -m tcp ! --tcp-flags FIN,SYN,RST,ACK SYN " M_EST,
	 m_tcp_established},
	{FENCE_PASS, IN_E, 0, "! -p tcp " M_EST, "! -p tcp " M_EST,
	 m_other_established},
	{FENCE_JUDGE, IN_L, 0, M_PLAIN_SYN, M_PLAIN_SYN, m_plain_syn},
	{FENCE_DROP_NO_UDP, IN_L, FENCE_F_NO_UDP, "-p udp " M_NEW,
	 "-p udp " M_NEW, m_new_udp},
	{FENCE_DROP_NO_UDP, IN_L, FENCE_F_NO_UDP, "-p udplite " M_NEW,
	 "-p udplite " M_NEW, m_new_udp},
	{FENCE_JUDGE, IN_L, 0, M_NEW, M_NEW, m_new},
};

const struct fence_rule *fence_rules(size_t *n)
{
	*n = sizeof(table) / sizeof(table[0]);
	return table;
}

static bool stage_inbound(enum fence_stage s)
{
	return s == FENCE_IN_EARLY || s == FENCE_IN_LATE;
}

/* Whether rule r is in the chain p passes through, as the options say. */
static bool rule_applies(const struct fence_rule *r, const struct fence_pkt *p)
{
	const char *text = is_v4(p) ? r->v4 : r->v6;

	if (stage_inbound(r->stage) != (p->flow->direction == FLOW_DIR_IN))
		return false;
	if ((r->flags & FENCE_F_NO_UDP) && !p->no_udp)
		return false;
	if (r->flags & FENCE_F_LOG_DNS)
		return false;
	return text || (r->flags & FENCE_F_MARK);
}

enum fence_class fence_classify(const struct fence_pkt *p)
{
	size_t i;

	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (rule_applies(&table[i], p) && table[i].match(p))
			return table[i].cls;
	return FENCE_PASS;
}

bool fence_is_drop(enum fence_class c)
{
	return c != FENCE_JUDGE && c != FENCE_PASS && c < FENCE__MAX;
}

const char *fence_reason(enum fence_class c)
{
	return (unsigned int)c < FENCE__MAX ? reasons[c] : "unknown";
}

enum fence_class fence_from_reason(const char *reason, size_t len)
{
	unsigned int c;

	for (c = 0; c < FENCE__MAX; c++)
		if (strlen(reasons[c]) == len &&
		    !memcmp(reasons[c], reason, len))
			return (enum fence_class)c;
	return FENCE__MAX;
}

enum fence_class fence_from_prefix(const char *prefix, size_t len)
{
	size_t n = sizeof(FENCE_PREFIX) - 1;
	enum fence_class c;

	/* The kernel hands the prefix over with its NUL. */
	while (len && prefix[len - 1] == '\0')
		len--;
	if (len <= n || memcmp(prefix, FENCE_PREFIX, n))
		return FENCE__MAX;
	c = fence_from_reason(prefix + n, len - n);
	return fence_is_drop(c) ? c : FENCE__MAX;
}
