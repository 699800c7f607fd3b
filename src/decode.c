// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Packet decoder: link layer, IPv4 (with its options) and IPv6 (with its
 * extension headers), and the first bytes of TCP, UDP, UDP-Lite, SCTP, ICMP
 * and ICMPv6; any other protocol decodes without ports.  Every read is checked
 * against the captured length; nothing here trusts a length field.
 *
 * Captured packets may be shorter than the IP header says (a snap length,
 * NFQUEUE's copy range): that is fine as long as the headers we need were
 * captured.  A length field that contradicts the headers themselves is not.
 */
#include "config.h"

#include <string.h>

#include "decode.h"
#include "flow.h"

#define ETH_HLEN	   14
#define SLL_HLEN	   16
#define SLL2_HLEN	   20
#define VLAN_TAG_LEN	   4
#define VLAN_MAX_DEPTH	   4
#define IPV6_EXT_MAX_DEPTH 16

#define ETHERTYPE_IPV4	   0x0800
#define ETHERTYPE_IPV6	   0x86dd
#define ETHERTYPE_8021Q	   0x8100
#define ETHERTYPE_8021AD   0x88a8
#define ETHERTYPE_QINQ_OLD 0x9100

#define PROTO_HOPOPTS  0
#define PROTO_ICMP     1
#define PROTO_TCP      6
#define PROTO_UDP      17
#define PROTO_ROUTING  43
#define PROTO_FRAGMENT 44
#define PROTO_AH       51
#define PROTO_ICMPV6   58
#define PROTO_DSTOPTS  60
#define PROTO_SCTP     132
#define PROTO_UDPLITE  136

#define ICMP_ECHOREPLY	    0
#define ICMP_ECHO	    8
#define ICMPV6_ECHO_REQUEST 128
#define ICMPV6_ECHO_REPLY   129

#define IPOPT_EOL  0
#define IPOPT_NOP  1
#define IPOPT_LSRR 131
#define IPOPT_SSRR 137

/* A bounded view of the packet: [p, p + len). */
struct cursor {
	const uint8_t *p;
	size_t len;
	const uint8_t *start; /* the packet's first byte, for offsets */
};

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32be(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static uint32_t get32le(const uint8_t *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[1] << 8 | p[0];
}

static void skip(struct cursor *c, size_t n)
{
	c->p += n;
	c->len -= n;
}

static enum decode_result decode_tcp(struct cursor c, struct flow *f)
{
	size_t doff;

	if (c.len < 20)
		return DECODE_ERR_L4_TRUNC;
	doff = (size_t)(c.p[12] >> 4) * 4;
	if (doff < 20 || doff > c.len)
		return DECODE_ERR_TCP_HLEN;
	f->tcp_flags = c.p[13];
	return DECODE_OK;
}

static enum decode_result decode_udp(struct cursor c, size_t stated,
				     struct flow *f)
{
	uint16_t ulen;

	if (c.len < 8)
		return DECODE_ERR_L4_TRUNC;
	ulen = get16(c.p + 4);
	/* Length 0 is legal for IPv6 jumbograms only; a first fragment
	 * carries less than the whole datagram. */
	if (ulen != 0 && ulen < 8)
		return DECODE_ERR_UDP_LEN;
	if (!(f->frag & FLOW_FRAG_MF) && ulen > stated)
		return DECODE_ERR_UDP_LEN;
	return DECODE_OK;
}

static bool icmp_is_echo(uint8_t proto, uint8_t type)
{
	if (proto == PROTO_ICMP)
		return type == ICMP_ECHO || type == ICMP_ECHOREPLY;
	return type == ICMPV6_ECHO_REQUEST || type == ICMPV6_ECHO_REPLY;
}

/* Type and code in the port fields; an echo's identifier keys its flow. */
static enum decode_result decode_icmp(struct cursor c, struct flow *f)
{
	if (c.len < 2)
		return DECODE_ERR_L4_TRUNC;
	if (icmp_is_echo(f->proto, c.p[0])) {
		if (c.len < 8)
			return DECODE_ERR_L4_TRUNC;
		f->echo_id = get16(c.p + 4);
		f->has_echo_id = true;
	}
	f->sport = c.p[0];
	f->dport = c.p[1];
	f->has_ports = true;
	return DECODE_OK;
}

static enum decode_result decode_l4(struct cursor c, size_t stated,
				    struct flow *f)
{
	enum decode_result res;

	f->l4_off = (uint32_t)(c.p - c.start);
	switch (f->proto) {
	case PROTO_TCP:
		res = decode_tcp(c, f);
		break;
	case PROTO_UDP:
		res = decode_udp(c, stated, f);
		break;
	case PROTO_UDPLITE: /* its length field is a checksum coverage */
		res = c.len < 8 ? DECODE_ERR_L4_TRUNC : DECODE_OK;
		break;
	case PROTO_SCTP: /* the ports are all the common header we need */
		res = c.len < 4 ? DECODE_ERR_L4_TRUNC : DECODE_OK;
		break;
	case PROTO_ICMP:
	case PROTO_ICMPV6:
		return decode_icmp(c, f);
	default:
		return DECODE_OK;
	}
	if (res != DECODE_OK)
		return res;
	f->sport = get16(c.p);
	f->dport = get16(c.p + 2);
	f->has_ports = true;
	return DECODE_OK;
}

/*
 * Walk the IPv4 options (RFC 791): EOL ends the list, NOP is one byte, every
 * other option has a length byte that must keep it inside the header.  The
 * kernel drops a packet whose list does not parse; so do we.
 */
static enum decode_result ipv4_options(const uint8_t *p, size_t len,
				       struct flow *f)
{
	size_t i = 0, olen;

	f->ip_flags |= FLOW_IP_OPTIONS;
	while (i < len && p[i] != IPOPT_EOL) {
		if (p[i] == IPOPT_NOP) {
			i++;
			continue;
		}
		if (len - i < 2)
			return DECODE_ERR_IP_OPTS;
		olen = p[i + 1];
		if (olen < 2 || olen > len - i)
			return DECODE_ERR_IP_OPTS;
		if (p[i] == IPOPT_LSRR || p[i] == IPOPT_SSRR)
			f->ip_flags |= FLOW_IP_SRCROUTE;
		i += olen;
	}
	return DECODE_OK;
}

static enum decode_result decode_ipv4(struct cursor c, struct flow *f)
{
	size_t hlen, tot;
	uint16_t frag;

	if (c.len < 20)
		return DECODE_ERR_IP_TRUNC;
	hlen = (size_t)(c.p[0] & 0x0f) * 4;
	if (hlen < 20 || hlen > c.len)
		return DECODE_ERR_IP_HLEN;
	tot = get16(c.p + 2);
	/* Outbound captures taken before segmentation offload may carry
	 * total length 0; the captured length is then all we know. */
	if (tot == 0)
		tot = c.len;
	if (tot < hlen)
		return DECODE_ERR_IP_LEN;
	f->ip_version = 4;
	f->ip_len = (uint32_t)tot;
	f->proto = c.p[9];
	memcpy(f->src, c.p + 12, 4);
	memcpy(f->dst, c.p + 16, 4);
	if (hlen > 20 && ipv4_options(c.p + 20, hlen - 20, f) != DECODE_OK)
		return DECODE_ERR_IP_OPTS;
	frag = get16(c.p + 6);
	if (frag & 0x2000)
		f->frag |= FLOW_FRAG_MF;
	if (frag & 0x1fff) {
		f->frag |= FLOW_FRAG_LATER;
		return DECODE_OK;
	}
	if (c.len > tot)
		c.len = tot; /* link-layer padding */
	skip(&c, hlen);
	return decode_l4(c, tot - hlen, f);
}

static bool ipv6_is_ext(uint8_t nh)
{
	return nh == PROTO_HOPOPTS || nh == PROTO_ROUTING ||
	       nh == PROTO_FRAGMENT || nh == PROTO_DSTOPTS || nh == PROTO_AH;
}

/* The length of one extension header (at least 8 bytes are there). */
static size_t ipv6_ext_len(const uint8_t *p, uint8_t nh, struct flow *f)
{
	uint16_t off;

	switch (nh) {
	case PROTO_FRAGMENT:
		f->ip_flags |= FLOW_IP_FRAGHDR;
		off = get16(p + 2);
		if (off & 0x0001)
			f->frag |= FLOW_FRAG_MF;
		if (off & 0xfff8)
			f->frag |= FLOW_FRAG_LATER;
		return 8;
	case PROTO_AH:
		return ((size_t)p[1] + 2) * 4;
	case PROTO_ROUTING:
		f->ip_flags |= FLOW_IP_ROUTING;
		__attribute__((fallthrough));
	default:
		return ((size_t)p[1] + 1) * 8;
	}
}

/* Walk the extension headers; on return c is at the upper-layer header. */
static enum decode_result ipv6_walk(struct cursor *c, size_t *stated,
				    struct flow *f)
{
	uint8_t nh = f->proto;
	int depth;

	for (depth = 0; ipv6_is_ext(nh); depth++) {
		size_t elen;

		if (depth == IPV6_EXT_MAX_DEPTH)
			return DECODE_ERR_EXT_DEPTH;
		if (c->len < 8)
			return DECODE_ERR_EXT_TRUNC;
		elen = ipv6_ext_len(c->p, nh, f);
		if (elen > c->len || elen > *stated)
			return DECODE_ERR_EXT_TRUNC;
		nh = c->p[0];
		skip(c, elen);
		*stated -= elen;
		if (f->frag & FLOW_FRAG_LATER)
			break;
	}
	f->proto = nh;
	return DECODE_OK;
}

static enum decode_result decode_ipv6(struct cursor c, struct flow *f)
{
	enum decode_result res;
	size_t plen;

	if (c.len < 40)
		return DECODE_ERR_IP_TRUNC;
	plen = get16(c.p + 4);
	/* Payload length 0 means a jumbogram (RFC 2675); use what we have. */
	if (plen == 0)
		plen = c.len - 40;
	f->ip_version = 6;
	f->ip_len = (uint32_t)(plen + 40);
	f->proto = c.p[6];
	memcpy(f->src, c.p + 8, 16);
	memcpy(f->dst, c.p + 24, 16);
	if (c.len > plen + 40)
		c.len = plen + 40;
	skip(&c, 40);
	res = ipv6_walk(&c, &plen, f);
	if (res != DECODE_OK || (f->frag & FLOW_FRAG_LATER))
		return res;
	return decode_l4(c, plen, f);
}

static enum decode_result decode_ip(struct cursor c, struct flow *f)
{
	if (c.len < 1)
		return DECODE_ERR_IP_TRUNC;
	switch (c.p[0] >> 4) {
	case 4:
		return decode_ipv4(c, f);
	case 6:
		return decode_ipv6(c, f);
	default:
		return DECODE_ERR_IP_VERSION;
	}
}

/* An ethertype, possibly behind VLAN tags, at c->p - 2: the IP version. */
static enum decode_result strip_ethertype(struct cursor *c, uint16_t type,
					  int *version)
{
	int depth;

	for (depth = 0; type == ETHERTYPE_8021Q || type == ETHERTYPE_8021AD ||
			type == ETHERTYPE_QINQ_OLD;
	     depth++) {
		if (depth == VLAN_MAX_DEPTH)
			return DECODE_ERR_VLAN_DEPTH;
		if (c->len < VLAN_TAG_LEN)
			return DECODE_ERR_LINK_TRUNC;
		type = get16(c->p + 2);
		skip(c, VLAN_TAG_LEN);
	}
	if (type == ETHERTYPE_IPV4 || type == ETHERTYPE_IPV6) {
		*version = type == ETHERTYPE_IPV4 ? 4 : 6;
		return DECODE_OK;
	}
	return DECODE_ERR_NOT_IP;
}

static bool af_is_inet(uint32_t af)
{
	return af == 2;
}

/* AF_INET6 differs between the systems a capture may come from. */
static bool af_is_inet6(uint32_t af)
{
	return af == 10 || af == 24 || af == 28 || af == 30;
}

/*
 * DLT_NULL's family is in the capturing host's order, which need not be
 * ours, and DLT_LOOP's is meant to be in network order but captures from
 * little-endian hosts exist with it the other way round: accept either
 * order for both, as tcpdump does.  Families are small numbers, so one
 * read in the wrong order is no family at all.
 */
static enum decode_result strip_loopback(struct cursor *c)
{
	uint32_t a, b;

	if (c->len < 4)
		return DECODE_ERR_LINK_TRUNC;
	a = get32be(c->p);
	b = get32le(c->p);
	skip(c, 4);
	if (af_is_inet(a) || af_is_inet(b) || af_is_inet6(a) || af_is_inet6(b))
		return DECODE_OK;
	return DECODE_ERR_NOT_IP;
}

/* A fixed-size header with the ethertype at type_at. */
static enum decode_result strip_header(struct cursor *c, size_t hlen,
				       size_t type_at, int *version)
{
	uint16_t type;

	if (c->len < hlen)
		return DECODE_ERR_LINK_TRUNC;
	type = get16(c->p + type_at);
	skip(c, hlen);
	return strip_ethertype(c, type, version);
}

/* Move c to the IP header; *version: the one the link announces, or 0. */
static enum decode_result strip_link(struct cursor *c, int link, int *version)
{
	*version = 0;
	switch (link) {
	case DECODE_LINK_ETHERNET:
		return strip_header(c, ETH_HLEN, 12, version);
	case DECODE_LINK_LINUX_SLL:
		return strip_header(c, SLL_HLEN, 14, version);
	case DECODE_LINK_LINUX_SLL2:
		return strip_header(c, SLL2_HLEN, 0, version);
	case DECODE_LINK_NULL:
	case DECODE_LINK_LOOP:
		return strip_loopback(c);
	case DECODE_LINK_RAW:
	case DECODE_LINK_RAW_DLT:
	case DECODE_LINK_RAW_DLT14:
	case DECODE_LINK_IP:
		return DECODE_OK;
	case DECODE_LINK_IPV4:
		*version = 4;
		return DECODE_OK;
	case DECODE_LINK_IPV6:
		*version = 6;
		return DECODE_OK;
	default:
		return DECODE_ERR_LINKTYPE;
	}
}

enum decode_result decode_link(const uint8_t *data, size_t len, int link,
			       size_t *ip_off, int *version)
{
	struct cursor c = {.p = data, .len = len, .start = data};
	enum decode_result res = strip_link(&c, link, version);

	*ip_off = (size_t)(c.p - data);
	return res;
}

enum decode_result decode_packet(const uint8_t *data, size_t len, int link,
				 struct flow *flow)
{
	struct cursor c = {.p = data, .len = len, .start = data};
	enum decode_result res;
	int version;

	memset(flow, 0, sizeof(*flow));
	res = strip_link(&c, link, &version);
	if (res != DECODE_OK)
		return res;
	res = decode_ip(c, flow);
	/* The link layer and the IP version must agree. */
	if (res == DECODE_OK && version && flow->ip_version != version)
		return DECODE_ERR_IP_VERSION;
	return res;
}

bool decode_link_supported(int link)
{
	struct flow f;

	return decode_packet(NULL, 0, link, &f) != DECODE_ERR_LINKTYPE;
}

const char *decode_result_str(enum decode_result res)
{
	static const char *const names[DECODE_ERR__MAX] = {
		[DECODE_OK] = "ok",
		[DECODE_ERR_LINKTYPE] = "unsupported-link-type",
		[DECODE_ERR_LINK_TRUNC] = "link-truncated",
		[DECODE_ERR_NOT_IP] = "not-ip",
		[DECODE_ERR_VLAN_DEPTH] = "vlan-too-deep",
		[DECODE_ERR_IP_VERSION] = "bad-ip-version",
		[DECODE_ERR_IP_TRUNC] = "ip-truncated",
		[DECODE_ERR_IP_HLEN] = "bad-ip-header-length",
		[DECODE_ERR_IP_LEN] = "bad-ip-length",
		[DECODE_ERR_EXT_TRUNC] = "ipv6-ext-truncated",
		[DECODE_ERR_EXT_DEPTH] = "ipv6-ext-too-deep",
		[DECODE_ERR_L4_TRUNC] = "l4-truncated",
		[DECODE_ERR_TCP_HLEN] = "bad-tcp-header-length",
		[DECODE_ERR_UDP_LEN] = "bad-udp-length",
		[DECODE_ERR_IP_OPTS] = "bad-ip-options",
	};

	if ((unsigned)res >= DECODE_ERR__MAX)
		return "unknown";
	return names[res];
}
