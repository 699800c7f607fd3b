/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFJUDGE_PKTBUILD_H
#define NFJUDGE_PKTBUILD_H

#include <stddef.h>
#include <stdint.h>

/* Packets built layer by layer for the tests. */
struct pkt {
	uint8_t b[1024];
	size_t len;
};

void pkt_put(struct pkt *p, const void *data, size_t n);
void pkt_put8(struct pkt *p, uint8_t v);
void pkt_put16(struct pkt *p, uint16_t v);
void pkt_put32(struct pkt *p, uint32_t v);
void pkt_zero(struct pkt *p, size_t n);

void pkt_eth(struct pkt *p, uint16_t ethertype);
/* An IPv4 header of ihl 32-bit words (5..15) before payload_len bytes. */
void pkt_ipv4(struct pkt *p, uint8_t proto, const char *src, const char *dst,
	      size_t payload_len, unsigned ihl, uint16_t frag);
void pkt_ipv6(struct pkt *p, uint8_t nh, const char *src, const char *dst,
	      size_t payload_len);
/* A generic IPv6 extension header of (len8 + 1) * 8 bytes. */
void pkt_ipv6_ext(struct pkt *p, uint8_t nh, uint8_t len8);
void pkt_ipv6_frag(struct pkt *p, uint8_t nh, uint16_t offset, int more);
void pkt_tcp(struct pkt *p, uint16_t sport, uint16_t dport, uint8_t flags);
void pkt_udp(struct pkt *p, uint16_t sport, uint16_t dport, size_t data_len);

#endif
