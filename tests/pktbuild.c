// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <arpa/inet.h>
#include <assert.h>
#include <string.h>

#include "pktbuild.h"

void pkt_put(struct pkt *p, const void *data, size_t n)
{
	assert(p->len + n <= sizeof(p->b));
	memcpy(p->b + p->len, data, n);
	p->len += n;
}

void pkt_put8(struct pkt *p, uint8_t v)
{
	pkt_put(p, &v, 1);
}

void pkt_put16(struct pkt *p, uint16_t v)
{
	uint16_t n = htons(v);

	pkt_put(p, &n, 2);
}

void pkt_put32(struct pkt *p, uint32_t v)
{
	uint32_t n = htonl(v);

	pkt_put(p, &n, 4);
}

void pkt_zero(struct pkt *p, size_t n)
{
	static const uint8_t zeros[64];

	assert(n <= sizeof(zeros));
	pkt_put(p, zeros, n);
}

void pkt_eth(struct pkt *p, uint16_t ethertype)
{
	static const uint8_t macs[12] = {2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2};

	pkt_put(p, macs, sizeof(macs));
	pkt_put16(p, ethertype);
}

void pkt_ipv4(struct pkt *p, uint8_t proto, const char *src, const char *dst,
	      size_t payload_len, unsigned ihl, uint16_t frag)
{
	struct in_addr a;

	pkt_put8(p, (uint8_t)(0x40 | ihl));
	pkt_put8(p, 0);
	pkt_put16(p, (uint16_t)(ihl * 4 + payload_len));
	pkt_put16(p, 1);
	pkt_put16(p, frag);
	pkt_put8(p, 64);
	pkt_put8(p, proto);
	pkt_put16(p, 0);
	assert(inet_pton(AF_INET, src, &a) == 1);
	pkt_put(p, &a, 4);
	assert(inet_pton(AF_INET, dst, &a) == 1);
	pkt_put(p, &a, 4);
	for (; ihl > 5; ihl--)
		pkt_put32(p, 0x01010101); /* NOP options */
}

void pkt_ipv6(struct pkt *p, uint8_t nh, const char *src, const char *dst,
	      size_t payload_len)
{
	struct in6_addr a;

	pkt_put32(p, 0x60000000);
	pkt_put16(p, (uint16_t)payload_len);
	pkt_put8(p, nh);
	pkt_put8(p, 64);
	assert(inet_pton(AF_INET6, src, &a) == 1);
	pkt_put(p, &a, 16);
	assert(inet_pton(AF_INET6, dst, &a) == 1);
	pkt_put(p, &a, 16);
}

void pkt_ipv6_ext(struct pkt *p, uint8_t nh, uint8_t len8)
{
	pkt_put8(p, nh);
	pkt_put8(p, len8);
	pkt_zero(p, 6);
	for (; len8 > 0; len8--)
		pkt_zero(p, 8);
}

void pkt_ipv6_frag(struct pkt *p, uint8_t nh, uint16_t offset, int more)
{
	pkt_put8(p, nh);
	pkt_put8(p, 0);
	pkt_put16(p, (uint16_t)(offset << 3 | (more ? 1 : 0)));
	pkt_put32(p, 0x12345678);
}

void pkt_tcp(struct pkt *p, uint16_t sport, uint16_t dport, uint8_t flags)
{
	pkt_put16(p, sport);
	pkt_put16(p, dport);
	pkt_put32(p, 1000);
	pkt_put32(p, 0);
	pkt_put8(p, 5 << 4);
	pkt_put8(p, flags);
	pkt_put16(p, 65535);
	pkt_put32(p, 0);
}

void pkt_udp(struct pkt *p, uint16_t sport, uint16_t dport, size_t data_len)
{
	pkt_put16(p, sport);
	pkt_put16(p, dport);
	pkt_put16(p, (uint16_t)(8 + data_len));
	pkt_put16(p, 0);
	pkt_zero(p, data_len);
}
