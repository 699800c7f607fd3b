// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <arpa/inet.h>

#include "decode.h"
#include "flow.h"
#include "flowfmt.h"
#include "pktbuild.h"

#define TCP_SYN 0x02
#define TCP_ACK 0x10

/* Decode from an exact-size heap copy, so ASan sees any over-read. */
static enum decode_result decode_exact(const uint8_t *b, size_t len, int link,
				       struct flow *f)
{
	uint8_t *copy = malloc(len ? len : 1);
	enum decode_result r;

	assert_non_null(copy);
	if (len)
		memcpy(copy, b, len);
	r = decode_packet(copy, len, link, f);
	free(copy);
	return r;
}

static enum decode_result decode_pkt(const struct pkt *p, int link,
				     struct flow *f)
{
	return decode_exact(p->b, p->len, link, f);
}

static void assert_addr(const struct flow *f, const uint8_t *a,
			const char *want)
{
	char buf[FLOWFMT_ADDR_LEN];

	assert_string_equal(flowfmt_addr(f->ip_version, a, buf), want);
}

static void assert_v4_syn(const struct flow *f)
{
	assert_int_equal(f->ip_version, 4);
	assert_int_equal(f->proto, 6);
	assert_true(f->has_ports);
	assert_int_equal(f->sport, 40000);
	assert_int_equal(f->dport, 443);
	assert_int_equal(f->tcp_flags, TCP_SYN);
	assert_int_equal(f->frag, 0);
	assert_addr(f, f->src, "10.0.0.2");
	assert_addr(f, f->dst, "93.184.216.34");
}

static void put_v4_syn(struct pkt *p)
{
	pkt_ipv4(p, 6, "10.0.0.2", "93.184.216.34", 20, 5, 0);
	pkt_tcp(p, 40000, 443, TCP_SYN);
}

/* Every prefix of a well-formed packet shorter than its headers fails. */
static void assert_prefixes_fail(const struct pkt *p, int link, size_t need)
{
	struct flow f;
	size_t n;

	for (n = 0; n < need; n++)
		assert_int_not_equal(decode_exact(p->b, n, link, &f),
				     DECODE_OK);
	assert_int_equal(decode_exact(p->b, need, link, &f), DECODE_OK);
}

static void test_ethernet(void **state)
{
	struct pkt p = {0};
	struct flow f;

	pkt_eth(&p, 0x0800);
	put_v4_syn(&p);
	assert_int_equal(decode_pkt(&p, DECODE_LINK_ETHERNET, &f), DECODE_OK);
	assert_v4_syn(&f);
	assert_int_equal(f.ip_len, 40);
	assert_int_equal(f.l4_off, 14 + 20);
	assert_prefixes_fail(&p, DECODE_LINK_ETHERNET, p.len);
}

static void test_ethernet_padding(void **state)
{
	struct pkt p = {0};
	struct flow f;

	/* A 60-byte minimum frame: padding after the IP packet is ignored. */
	pkt_eth(&p, 0x0800);
	pkt_ipv4(&p, 17, "10.0.0.2", "10.0.0.3", 8, 5, 0);
	pkt_udp(&p, 5353, 53, 0);
	pkt_zero(&p, 18);
	assert_int_equal(decode_pkt(&p, DECODE_LINK_ETHERNET, &f), DECODE_OK);
	assert_int_equal(f.proto, 17);
	assert_int_equal(f.dport, 53);
}

static void test_vlan_tags(void **state)
{
	static const uint16_t tpids[][2] = {
		{0x8100, 0},
		{0x88a8, 0x8100},
		{0x9100, 0x8100},
		{0x8100, 0x8100},
	};
	size_t i;

	for (i = 0; i < sizeof(tpids) / sizeof(tpids[0]); i++) {
		struct pkt p = {0};
		struct flow f;

		pkt_eth(&p, tpids[i][0]);
		pkt_put16(&p, 100); /* TCI */
		if (tpids[i][1]) {
			pkt_put16(&p, tpids[i][1]);
			pkt_put16(&p, 200);
		}
		pkt_put16(&p, 0x0800);
		put_v4_syn(&p);
		assert_int_equal(decode_pkt(&p, DECODE_LINK_ETHERNET, &f),
				 DECODE_OK);
		assert_v4_syn(&f);
		assert_prefixes_fail(&p, DECODE_LINK_ETHERNET, p.len);
	}
}

static void test_vlan_too_deep(void **state)
{
	struct pkt p = {0};
	struct flow f;
	int i;

	pkt_eth(&p, 0x8100);
	for (i = 0; i < 5; i++) {
		pkt_put16(&p, 1);
		pkt_put16(&p, 0x8100);
	}
	pkt_put16(&p, 1);
	pkt_put16(&p, 0x0800);
	put_v4_syn(&p);
	assert_int_equal(decode_pkt(&p, DECODE_LINK_ETHERNET, &f),
			 DECODE_ERR_VLAN_DEPTH);
}

static void test_not_ip(void **state)
{
	struct pkt p = {0};
	struct flow f;

	pkt_eth(&p, 0x0806); /* ARP */
	pkt_zero(&p, 28);
	assert_int_equal(decode_pkt(&p, DECODE_LINK_ETHERNET, &f),
			 DECODE_ERR_NOT_IP);
}

static void test_ethertype_version_mismatch(void **state)
{
	struct pkt p = {0};
	struct flow f;

	pkt_eth(&p, 0x86dd);
	put_v4_syn(&p);
	assert_int_equal(decode_pkt(&p, DECODE_LINK_ETHERNET, &f),
			 DECODE_ERR_IP_VERSION);
}

static void test_linux_sll(void **state)
{
	struct pkt p = {0};
	struct flow f;

	pkt_put16(&p, 4); /* outgoing */
	pkt_put16(&p, 1); /* ARPHRD_ETHER */
	pkt_put16(&p, 6);
	pkt_zero(&p, 8);
	pkt_put16(&p, 0x0800);
	put_v4_syn(&p);
	assert_int_equal(decode_pkt(&p, DECODE_LINK_LINUX_SLL, &f), DECODE_OK);
	assert_v4_syn(&f);
	assert_prefixes_fail(&p, DECODE_LINK_LINUX_SLL, p.len);
}

static void test_linux_sll2(void **state)
{
	struct pkt p = {0};
	struct flow f;

	pkt_put16(&p, 0x86dd);
	pkt_put16(&p, 0);
	pkt_put32(&p, 2); /* ifindex */
	pkt_put16(&p, 1);
	pkt_put8(&p, 4);
	pkt_put8(&p, 6);
	pkt_zero(&p, 8);
	pkt_ipv6(&p, 17, "2001:db8::1", "2001:db8::35", 8 + 4);
	pkt_udp(&p, 5000, 53, 4);
	assert_int_equal(decode_pkt(&p, DECODE_LINK_LINUX_SLL2, &f), DECODE_OK);
	assert_int_equal(f.ip_version, 6);
	assert_int_equal(f.proto, 17);
	assert_int_equal(f.sport, 5000);
	assert_int_equal(f.dport, 53);
	assert_addr(&f, f.src, "2001:db8::1");
	assert_addr(&f, f.dst, "2001:db8::35");
	assert_prefixes_fail(&p, DECODE_LINK_LINUX_SLL2, p.len - 4);
}

static void test_raw_links(void **state)
{
	static const int links[] = {
		DECODE_LINK_RAW, DECODE_LINK_RAW_DLT, DECODE_LINK_RAW_DLT14,
		DECODE_LINK_IP,	 DECODE_LINK_IPV4,
	};
	struct pkt p = {0};
	struct flow f;
	size_t i;

	put_v4_syn(&p);
	for (i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
		assert_int_equal(decode_pkt(&p, links[i], &f), DECODE_OK);
		assert_v4_syn(&f);
	}
	/* LINKTYPE_IPV6 promises IPv6: an IPv4 packet there is wrong. */
	assert_int_equal(decode_pkt(&p, DECODE_LINK_IPV6, &f),
			 DECODE_ERR_IP_VERSION);
	assert_prefixes_fail(&p, DECODE_LINK_IP, p.len);
}

static void test_loopback(void **state)
{
	/* DLT_NULL and DLT_LOOP in either byte order (a DLT_LOOP capture of a
	 * little-endian host has the family in host order); AF_INET6 as Linux
	 * (10), the BSDs (24, 28) and macOS (30) number it. */
	static const uint32_t v6afs[] = {10, 24, 28, 30};
	struct pkt p = {0};
	struct flow f;
	size_t i;

	pkt_put(&p, (uint8_t[]){2, 0, 0, 0}, 4);
	put_v4_syn(&p);
	assert_int_equal(decode_pkt(&p, DECODE_LINK_NULL, &f), DECODE_OK);
	assert_v4_syn(&f);
	assert_int_equal(decode_pkt(&p, DECODE_LINK_LOOP, &f), DECODE_OK);
	assert_v4_syn(&f);
	memcpy(p.b, (uint8_t[]){0, 0, 0, 2}, 4);
	assert_int_equal(decode_pkt(&p, DECODE_LINK_NULL, &f), DECODE_OK);
	assert_int_equal(decode_pkt(&p, DECODE_LINK_LOOP, &f), DECODE_OK);
	assert_v4_syn(&f);
	assert_prefixes_fail(&p, DECODE_LINK_LOOP, p.len);
	memcpy(p.b, (uint8_t[]){0, 0, 0, 7}, 4);
	assert_int_equal(decode_pkt(&p, DECODE_LINK_LOOP, &f),
			 DECODE_ERR_NOT_IP);

	for (i = 0; i < sizeof(v6afs) / sizeof(v6afs[0]); i++) {
		p.len = 0;
		pkt_put32(&p, v6afs[i]);
		pkt_ipv6(&p, 6, "::1", "::1", 20);
		pkt_tcp(&p, 1, 2, TCP_SYN);
		assert_int_equal(decode_pkt(&p, DECODE_LINK_LOOP, &f),
				 DECODE_OK);
		assert_int_equal(f.ip_version, 6);
		assert_int_equal(decode_pkt(&p, DECODE_LINK_NULL, &f),
				 DECODE_OK);
		/* the same family in little-endian order */
		memcpy(p.b, (uint8_t[]){(uint8_t)v6afs[i], 0, 0, 0}, 4);
		assert_int_equal(decode_pkt(&p, DECODE_LINK_LOOP, &f),
				 DECODE_OK);
		assert_int_equal(f.ip_version, 6);
		assert_int_equal(decode_pkt(&p, DECODE_LINK_NULL, &f),
				 DECODE_OK);
	}
	/* a family that is neither, in either order */
	memcpy(p.b, (uint8_t[]){7, 0, 0, 0}, 4);
	assert_int_equal(decode_pkt(&p, DECODE_LINK_LOOP, &f),
			 DECODE_ERR_NOT_IP);
	assert_int_equal(decode_pkt(&p, DECODE_LINK_NULL, &f),
			 DECODE_ERR_NOT_IP);
}

static void test_ipv4_options(void **state)
{
	unsigned ihl;

	for (ihl = 5; ihl <= 15; ihl++) {
		struct pkt p = {0};
		struct flow f;

		pkt_ipv4(&p, 6, "10.0.0.2", "93.184.216.34", 20, ihl, 0);
		pkt_tcp(&p, 40000, 443, TCP_SYN);
		assert_int_equal(decode_pkt(&p, DECODE_LINK_IP, &f), DECODE_OK);
		assert_v4_syn(&f);
		assert_prefixes_fail(&p, DECODE_LINK_IP, p.len);
	}
}

/* An IPv4 header whose 40 option bytes are opts, then a TCP SYN. */
static enum decode_result decode_v4_opts(const uint8_t *opts, size_t n,
					 struct flow *f)
{
	struct pkt p = {0};

	pkt_ipv4(&p, 6, "10.0.0.2", "93.184.216.34", 20, 15, 0);
	memset(p.b + 20, 0, 40);
	memcpy(p.b + 20, opts, n);
	pkt_tcp(&p, 40000, 443, TCP_SYN);
	return decode_pkt(&p, DECODE_LINK_IP, f);
}

static void test_ipv4_option_flags(void **state)
{
	/* NOP, record route (7 bytes), then LSRR of one hop */
	static const uint8_t lsrr[] = {1,   7, 7, 4,  0,   0, 0, 0,
				       131, 7, 4, 10, 200, 0, 1};
	static const uint8_t ssrr[] = {137, 7, 4, 10, 200, 0, 1};
	/* EOL ends the list: what follows is padding, not an option */
	static const uint8_t after_eol[] = {0, 131, 7, 4, 10, 200, 0, 1};
	static const uint8_t rr[] = {7, 7, 4, 0, 0, 0, 0};
	struct pkt p = {0};
	struct flow f;

	put_v4_syn(&p);
	assert_int_equal(decode_pkt(&p, DECODE_LINK_IP, &f), DECODE_OK);
	assert_int_equal(f.ip_flags, 0);
	assert_int_equal(decode_v4_opts(lsrr, sizeof(lsrr), &f), DECODE_OK);
	assert_int_equal(f.ip_flags, FLOW_IP_OPTIONS | FLOW_IP_SRCROUTE);
	assert_v4_syn(&f);
	assert_int_equal(decode_v4_opts(ssrr, sizeof(ssrr), &f), DECODE_OK);
	assert_int_equal(f.ip_flags, FLOW_IP_OPTIONS | FLOW_IP_SRCROUTE);
	assert_int_equal(decode_v4_opts(after_eol, sizeof(after_eol), &f),
			 DECODE_OK);
	assert_int_equal(f.ip_flags, FLOW_IP_OPTIONS);
	assert_int_equal(decode_v4_opts(rr, sizeof(rr), &f), DECODE_OK);
	assert_int_equal(f.ip_flags, FLOW_IP_OPTIONS);
}

static void test_ipv4_bad_options(void **state)
{
	static const uint8_t zero_len[] = {131, 0};
	static const uint8_t one_len[] = {1, 1, 137, 1};
	struct flow f;
	uint8_t over[40];

	assert_int_equal(decode_v4_opts(zero_len, sizeof(zero_len), &f),
			 DECODE_ERR_IP_OPTS);
	assert_int_equal(decode_v4_opts(one_len, sizeof(one_len), &f),
			 DECODE_ERR_IP_OPTS);
	/* An LSRR whose length runs past the header hides nothing. */
	memset(over, 1, sizeof(over));
	over[36] = 131;
	over[37] = 7;
	assert_int_equal(decode_v4_opts(over, sizeof(over), &f),
			 DECODE_ERR_IP_OPTS);
	/* A type byte alone in the last option byte. */
	over[36] = 1;
	over[39] = 131;
	assert_int_equal(decode_v4_opts(over, sizeof(over), &f),
			 DECODE_ERR_IP_OPTS);
	assert_string_equal(decode_result_str(DECODE_ERR_IP_OPTS),
			    "bad-ip-options");
}

static void test_ipv4_bad_ihl(void **state)
{
	struct pkt p = {0};
	struct flow f;
	unsigned ihl;

	put_v4_syn(&p);
	for (ihl = 0; ihl < 5; ihl++) {
		p.b[0] = (uint8_t)(0x40 | ihl);
		assert_int_equal(decode_pkt(&p, DECODE_LINK_IP, &f),
				 DECODE_ERR_IP_HLEN);
	}
	/* IHL 15 = 60 bytes, but only 40 were captured. */
	p.b[0] = 0x4f;
	assert_int_equal(decode_exact(p.b, 40, DECODE_LINK_IP, &f),
			 DECODE_ERR_IP_HLEN);
}

static void test_ipv4_bad_total_length(void **state)
{
	struct pkt p = {0};
	struct flow f;

	put_v4_syn(&p);
	p.b[2] = 0;
	p.b[3] = 19; /* shorter than the header */
	assert_int_equal(decode_pkt(&p, DECODE_LINK_IP, &f), DECODE_ERR_IP_LEN);
	/* Stated 30: the TCP header does not fit inside the IP packet. */
	p.b[3] = 30;
	assert_int_equal(decode_pkt(&p, DECODE_LINK_IP, &f),
			 DECODE_ERR_L4_TRUNC);
	/* 0 = segmentation offload: take the captured length. */
	p.b[3] = 0;
	assert_int_equal(decode_pkt(&p, DECODE_LINK_IP, &f), DECODE_OK);
	assert_v4_syn(&f);
}

static void test_ip_version(void **state)
{
	struct pkt p = {0};
	struct flow f;

	put_v4_syn(&p);
	p.b[0] = 0x55;
	assert_int_equal(decode_pkt(&p, DECODE_LINK_IP, &f),
			 DECODE_ERR_IP_VERSION);
	assert_int_equal(decode_exact(p.b, 0, DECODE_LINK_IP, &f),
			 DECODE_ERR_IP_TRUNC);
}

static void test_snaplen_truncation(void **state)
{
	struct pkt p = {0};
	struct flow f;

	/* A capture cut after the TCP header of a packet carrying data. */
	pkt_ipv4(&p, 6, "10.0.0.2", "93.184.216.34", 20 + 1000, 5, 0);
	pkt_tcp(&p, 40000, 443, TCP_SYN);
	assert_int_equal(decode_pkt(&p, DECODE_LINK_IP, &f), DECODE_OK);
	assert_v4_syn(&f);
	assert_int_equal(f.ip_len, 1040);
}

static void test_tcp_bad_doff(void **state)
{
	struct pkt p = {0};
	struct flow f;

	put_v4_syn(&p);
	p.b[20 + 12] = 4 << 4;
	assert_int_equal(decode_pkt(&p, DECODE_LINK_IP, &f),
			 DECODE_ERR_TCP_HLEN);
	p.b[20 + 12] = 6 << 4; /* options promised but not present */
	assert_int_equal(decode_pkt(&p, DECODE_LINK_IP, &f),
			 DECODE_ERR_TCP_HLEN);
}

static void test_udp_bad_length(void **state)
{
	struct pkt p = {0};
	struct flow f;

	pkt_ipv4(&p, 17, "10.0.0.2", "10.0.0.3", 12, 5, 0);
	pkt_udp(&p, 1000, 53, 4);
	assert_int_equal(decode_pkt(&p, DECODE_LINK_IP, &f), DECODE_OK);
	p.b[20 + 5] = 7;
	assert_int_equal(decode_pkt(&p, DECODE_LINK_IP, &f),
			 DECODE_ERR_UDP_LEN);
	p.b[20 + 5] = 13; /* longer than the IP payload */
	assert_int_equal(decode_pkt(&p, DECODE_LINK_IP, &f),
			 DECODE_ERR_UDP_LEN);
}

static void test_ipv4_fragments(void **state)
{
	struct pkt p = {0};
	struct flow f;

	/* First fragment: MF set, ports decoded, UDP length may exceed it. */
	pkt_ipv4(&p, 17, "10.0.0.2", "10.0.0.3", 16, 5, 0x2000);
	pkt_udp(&p, 1000, 53, 8);
	p.b[20 + 5] = 200;
	assert_int_equal(decode_pkt(&p, DECODE_LINK_IP, &f), DECODE_OK);
	assert_int_equal(f.frag, FLOW_FRAG_MF);
	assert_true(f.has_ports);
	assert_int_equal(f.dport, 53);

	/* A later fragment has no transport header: no ports. */
	p.len = 0;
	pkt_ipv4(&p, 17, "10.0.0.2", "10.0.0.3", 8, 5, 0x2000 | 185);
	pkt_zero(&p, 8);
	assert_int_equal(decode_pkt(&p, DECODE_LINK_IP, &f), DECODE_OK);
	assert_true(f.frag & FLOW_FRAG_LATER);
	assert_false(f.has_ports);
	assert_int_equal(f.proto, 17);
	/* ... even one too short to hold one. */
	assert_int_equal(decode_exact(p.b, 21, DECODE_LINK_IP, &f), DECODE_OK);
	assert_false(f.has_ports);
}

static void build_v6_chain(struct pkt *p)
{
	/* hop-by-hop -> routing -> destination options -> fragment -> UDP */
	pkt_ipv6(p, 0, "fe80::1", "2001:db8::53", 8 + 24 + 16 + 8 + 12);
	pkt_ipv6_ext(p, 43, 0);
	pkt_ipv6_ext(p, 60, 2);
	pkt_ipv6_ext(p, 44, 1);
	pkt_ipv6_frag(p, 17, 0, 0);
	pkt_udp(p, 33000, 53, 4);
}

static void test_ipv6_ext_chain(void **state)
{
	struct pkt p = {0};
	struct flow f;

	build_v6_chain(&p);
	assert_int_equal(decode_pkt(&p, DECODE_LINK_RAW, &f), DECODE_OK);
	assert_int_equal(f.ip_version, 6);
	assert_int_equal(f.proto, 17);
	assert_int_equal(f.sport, 33000);
	assert_int_equal(f.dport, 53);
	assert_int_equal(f.frag, 0);
	assert_int_equal(f.l4_off, p.len - 12); /* UDP header and 4 bytes */
	assert_addr(&f, f.src, "fe80::1");
	assert_prefixes_fail(&p, DECODE_LINK_RAW, p.len - 4);
}

static void test_ipv6_routing_flag(void **state)
{
	struct pkt p = {0};
	struct flow f;

	build_v6_chain(&p);
	assert_int_equal(decode_pkt(&p, DECODE_LINK_RAW, &f), DECODE_OK);
	assert_int_equal(f.ip_flags, FLOW_IP_ROUTING | FLOW_IP_FRAGHDR);
	/* The same chain without the routing header. */
	p.len = 0;
	pkt_ipv6(&p, 60, "fe80::1", "2001:db8::53", 24 + 8 + 12);
	pkt_ipv6_ext(&p, 44, 2);
	pkt_ipv6_frag(&p, 17, 0, 0);
	pkt_udp(&p, 33000, 53, 4);
	assert_int_equal(decode_pkt(&p, DECODE_LINK_RAW, &f), DECODE_OK);
	/* an atomic fragment (offset 0, no MF) is flagged all the same */
	assert_int_equal(f.ip_flags, FLOW_IP_FRAGHDR);
	assert_int_equal(f.frag, 0);
	assert_int_equal(f.dport, 53);
	/* A routing header as the first header of all. */
	p.len = 0;
	pkt_ipv6(&p, 43, "2001:db8::1", "::1", 24 + 20);
	pkt_ipv6_ext(&p, 6, 2);
	pkt_tcp(&p, 40000, 443, TCP_SYN);
	assert_int_equal(decode_pkt(&p, DECODE_LINK_RAW, &f), DECODE_OK);
	assert_int_equal(f.ip_flags, FLOW_IP_ROUTING);
	assert_int_equal(f.proto, 6);
}

static void test_ipv6_ah(void **state)
{
	struct pkt p = {0};
	struct flow f;

	pkt_ipv6(&p, 51, "2001:db8::1", "2001:db8::2", 16 + 20);
	pkt_put8(&p, 6);
	pkt_put8(&p, 2); /* (2 + 2) * 4 = 16 bytes */
	pkt_zero(&p, 14);
	pkt_tcp(&p, 1234, 80, TCP_SYN);
	assert_int_equal(decode_pkt(&p, DECODE_LINK_RAW, &f), DECODE_OK);
	assert_int_equal(f.proto, 6);
	assert_int_equal(f.dport, 80);
}

static void test_ipv6_ext_overrun(void **state)
{
	struct pkt p = {0};
	struct flow f;

	/* The routing header claims 8 * 9 bytes; the packet has far fewer. */
	build_v6_chain(&p);
	p.b[40 + 8 + 1] = 8;
	assert_int_equal(decode_pkt(&p, DECODE_LINK_RAW, &f),
			 DECODE_ERR_EXT_TRUNC);
	/* Payload length says the chain ends before the headers do. */
	p.len = 0;
	build_v6_chain(&p);
	p.b[4] = 0;
	p.b[5] = 20;
	assert_int_equal(decode_pkt(&p, DECODE_LINK_RAW, &f),
			 DECODE_ERR_EXT_TRUNC);
}

static void test_ipv6_ext_too_deep(void **state)
{
	struct pkt p = {0};
	struct flow f;
	int i;

	pkt_ipv6(&p, 60, "2001:db8::1", "2001:db8::2", 17 * 8 + 20);
	for (i = 0; i < 17; i++)
		pkt_ipv6_ext(&p, i == 16 ? 6 : 60, 0);
	pkt_tcp(&p, 1, 2, TCP_SYN);
	assert_int_equal(decode_pkt(&p, DECODE_LINK_RAW, &f),
			 DECODE_ERR_EXT_DEPTH);
}

static void test_ipv6_fragments(void **state)
{
	struct pkt p = {0};
	struct flow f;

	pkt_ipv6(&p, 44, "2001:db8::1", "2001:db8::2", 8 + 8);
	pkt_ipv6_frag(&p, 17, 0, 1);
	pkt_udp(&p, 999, 53, 0);
	p.b[48 + 5] = 100; /* the whole datagram is longer than this piece */
	assert_int_equal(decode_pkt(&p, DECODE_LINK_RAW, &f), DECODE_OK);
	assert_int_equal(f.frag, FLOW_FRAG_MF);
	assert_int_equal(f.dport, 53);

	p.len = 0;
	pkt_ipv6(&p, 44, "2001:db8::1", "2001:db8::2", 8 + 8);
	pkt_ipv6_frag(&p, 17, 100, 0);
	pkt_zero(&p, 8);
	assert_int_equal(decode_pkt(&p, DECODE_LINK_RAW, &f), DECODE_OK);
	assert_true(f.frag & FLOW_FRAG_LATER);
	assert_false(f.has_ports);
	assert_int_equal(f.proto, 17);
}

static void put_icmp(struct pkt *p, int v6, uint8_t type, uint8_t code,
		     uint16_t id)
{
	if (v6)
		pkt_ipv6(p, 58, "2001:db8::1", "2001:db8::2", 8);
	else
		pkt_ipv4(p, 1, "10.0.0.2", "10.0.0.3", 8, 5, 0);
	pkt_put8(p, type);
	pkt_put8(p, code);
	pkt_put16(p, 0);
	pkt_put16(p, id);
	pkt_put16(p, 1);
}

static void test_icmp_echo(void **state)
{
	static const uint8_t echo[][2] = {{0, 8}, {0, 0}, {1, 128}, {1, 129}};
	size_t i;

	for (i = 0; i < sizeof(echo) / sizeof(echo[0]); i++) {
		struct pkt p = {0};
		struct flow f;

		put_icmp(&p, echo[i][0], echo[i][1], 0, 0x1234);
		assert_int_equal(decode_pkt(&p, DECODE_LINK_IP, &f), DECODE_OK);
		assert_int_equal(f.proto, echo[i][0] ? 58 : 1);
		assert_true(f.has_ports);
		assert_int_equal(f.sport, echo[i][1]);
		assert_int_equal(f.dport, 0);
		assert_true(f.has_echo_id);
		assert_int_equal(f.echo_id, 0x1234);
		/* An echo without room for its identifier is cut short. */
		assert_prefixes_fail(&p, DECODE_LINK_IP, p.len);
	}
}

static void test_icmp_other_types(void **state)
{
	struct pkt p = {0};
	struct flow f;

	/* Destination unreachable, port: type/code, no identifier. */
	put_icmp(&p, 0, 3, 3, 0x1234);
	assert_int_equal(decode_pkt(&p, DECODE_LINK_IP, &f), DECODE_OK);
	assert_int_equal(f.sport, 3);
	assert_int_equal(f.dport, 3);
	assert_false(f.has_echo_id);
	assert_int_equal(f.echo_id, 0);
	assert_int_equal(decode_exact(p.b, 22, DECODE_LINK_IP, &f), DECODE_OK);
	assert_int_equal(decode_exact(p.b, 21, DECODE_LINK_IP, &f),
			 DECODE_ERR_L4_TRUNC);
	p.len = 0;
	put_icmp(&p, 1, 135, 0, 7); /* neighbour solicitation */
	assert_int_equal(decode_pkt(&p, DECODE_LINK_IP, &f), DECODE_OK);
	assert_int_equal(f.sport, 135);
	assert_false(f.has_echo_id);
}

static void test_udplite_and_sctp(void **state)
{
	struct pkt p = {0};
	struct flow f;

	/* UDP-Lite: coverage 8 (header only), not a length. */
	pkt_ipv4(&p, 136, "10.0.0.2", "10.0.0.3", 8 + 40, 5, 0);
	pkt_put16(&p, 40001);
	pkt_put16(&p, 5001);
	pkt_put16(&p, 8);
	pkt_put16(&p, 0);
	pkt_zero(&p, 40);
	assert_int_equal(decode_pkt(&p, DECODE_LINK_IP, &f), DECODE_OK);
	assert_int_equal(f.proto, 136);
	assert_true(f.has_ports);
	assert_int_equal(f.sport, 40001);
	assert_int_equal(f.dport, 5001);
	assert_prefixes_fail(&p, DECODE_LINK_IP, 28);

	p.len = 0;
	pkt_ipv6(&p, 132, "2001:db8::1", "2001:db8::2", 12);
	pkt_put16(&p, 40002);
	pkt_put16(&p, 38412);
	pkt_zero(&p, 8);
	assert_int_equal(decode_pkt(&p, DECODE_LINK_IP, &f), DECODE_OK);
	assert_int_equal(f.proto, 132);
	assert_true(f.has_ports);
	assert_int_equal(f.sport, 40002);
	assert_int_equal(f.dport, 38412);
	assert_prefixes_fail(&p, DECODE_LINK_IP, 44);
}

static void test_other_protocols(void **state)
{
	static const uint8_t protos[] = {2, 4, 41, 47, 50, 89, 103, 253, 255};
	size_t i;

	for (i = 0; i < sizeof(protos); i++) {
		struct pkt p = {0};
		struct flow f;

		pkt_ipv4(&p, protos[i], "10.0.0.2", "10.0.0.3", 4, 5, 0);
		pkt_zero(&p, 4);
		assert_int_equal(decode_pkt(&p, DECODE_LINK_IP, &f), DECODE_OK);
		assert_int_equal(f.proto, protos[i]);
		assert_false(f.has_ports);
		assert_false(f.has_echo_id);
		/* Nothing beyond the IP header is needed. */
		assert_int_equal(decode_exact(p.b, 20, DECODE_LINK_IP, &f),
				 DECODE_OK);
	}
}

static void test_direction_left_out(void **state)
{
	struct pkt p = {0};
	struct flow f;

	put_v4_syn(&p);
	memset(&f, 0xff, sizeof(f));
	assert_int_equal(decode_pkt(&p, DECODE_LINK_IP, &f), DECODE_OK);
	assert_int_equal(f.direction, FLOW_DIR_OUT);
}

static void test_link_types_and_names(void **state)
{
	struct flow f;
	int r;

	assert_int_equal(decode_exact(NULL, 0, 9999, &f), DECODE_ERR_LINKTYPE);
	assert_false(decode_link_supported(105));
	assert_true(decode_link_supported(DECODE_LINK_LINUX_SLL2));
	for (r = 0; r < DECODE_ERR__MAX; r++)
		assert_string_not_equal(decode_result_str(r), "unknown");
	assert_string_equal(decode_result_str(DECODE_ERR__MAX), "unknown");
	assert_string_equal(decode_result_str(DECODE_ERR_IP_HLEN),
			    "bad-ip-header-length");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ethernet),
		cmocka_unit_test(test_ethernet_padding),
		cmocka_unit_test(test_vlan_tags),
		cmocka_unit_test(test_vlan_too_deep),
		cmocka_unit_test(test_not_ip),
		cmocka_unit_test(test_ethertype_version_mismatch),
		cmocka_unit_test(test_linux_sll),
		cmocka_unit_test(test_linux_sll2),
		cmocka_unit_test(test_raw_links),
		cmocka_unit_test(test_loopback),
		cmocka_unit_test(test_ipv4_options),
		cmocka_unit_test(test_ipv4_option_flags),
		cmocka_unit_test(test_ipv4_bad_options),
		cmocka_unit_test(test_ipv4_bad_ihl),
		cmocka_unit_test(test_ipv4_bad_total_length),
		cmocka_unit_test(test_ip_version),
		cmocka_unit_test(test_snaplen_truncation),
		cmocka_unit_test(test_tcp_bad_doff),
		cmocka_unit_test(test_udp_bad_length),
		cmocka_unit_test(test_ipv4_fragments),
		cmocka_unit_test(test_ipv6_ext_chain),
		cmocka_unit_test(test_ipv6_routing_flag),
		cmocka_unit_test(test_ipv6_ah),
		cmocka_unit_test(test_ipv6_ext_overrun),
		cmocka_unit_test(test_ipv6_ext_too_deep),
		cmocka_unit_test(test_ipv6_fragments),
		cmocka_unit_test(test_icmp_echo),
		cmocka_unit_test(test_icmp_other_types),
		cmocka_unit_test(test_udplite_and_sctp),
		cmocka_unit_test(test_other_protocols),
		cmocka_unit_test(test_direction_left_out),
		cmocka_unit_test(test_link_types_and_names),
	};

	return cmocka_run_group_tests_name("decode", tests, NULL, NULL);
}
