/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFJUDGE_DECODE_H
#define NFJUDGE_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct flow;

/*
 * Link types, numbered as pcap's LINKTYPE_* values (the numbers stored in a
 * capture file), so that the decoder needs no libpcap header.  DECODE_LINK_IP
 * is a bare IPv4 or IPv6 packet, as NFQUEUE hands it over.
 */
enum decode_link {
	DECODE_LINK_NULL = 0,	     /* BSD loopback, family in host order */
	DECODE_LINK_ETHERNET = 1,    /* with 802.1Q / 802.1ad tags */
	DECODE_LINK_RAW_DLT = 12,    /* DLT_RAW as most libpcaps number it */
	DECODE_LINK_RAW_DLT14 = 14,  /* DLT_RAW on OpenBSD-derived libpcaps */
	DECODE_LINK_RAW = 101,	     /* LINKTYPE_RAW: bare IPv4 or IPv6 */
	DECODE_LINK_LOOP = 108,	     /* OpenBSD loopback, either order */
	DECODE_LINK_LINUX_SLL = 113, /* Linux cooked v1 */
	DECODE_LINK_IPV4 = 228,
	DECODE_LINK_IPV6 = 229,
	DECODE_LINK_LINUX_SLL2 = 276, /* Linux cooked v2 */
	DECODE_LINK_IP = -1,	      /* NFQUEUE payload */
};

/* Why a packet could not be decoded; DECODE_OK when it could. */
enum decode_result {
	DECODE_OK = 0,
	DECODE_ERR_LINKTYPE,   /* link type not supported */
	DECODE_ERR_LINK_TRUNC, /* shorter than its link-layer header */
	DECODE_ERR_NOT_IP,     /* link layer carries something other than IP */
	DECODE_ERR_VLAN_DEPTH, /* more VLAN tags than any sane network uses */
	DECODE_ERR_IP_VERSION, /* IP version field is neither 4 nor 6 */
	DECODE_ERR_IP_TRUNC,   /* shorter than the fixed IP header */
	DECODE_ERR_IP_HLEN,    /* IPv4 IHL below 5 or beyond the packet */
	DECODE_ERR_IP_LEN,     /* IP total/payload length inconsistent */
	DECODE_ERR_EXT_TRUNC,  /* IPv6 extension header runs past the end */
	DECODE_ERR_EXT_DEPTH,  /* too many IPv6 extension headers */
	DECODE_ERR_L4_TRUNC,   /* TCP/UDP header cut short */
	DECODE_ERR_TCP_HLEN, /* TCP data offset below 5 or beyond the packet */
	DECODE_ERR_UDP_LEN,  /* UDP length field inconsistent */
	DECODE_ERR_IP_OPTS,  /* IPv4 option list malformed */
	DECODE_ERR__MAX,
};

/*
 * Decode one packet of the given link type.  Pure: reads only data[0..len),
 * writes only *flow.  Returns DECODE_OK or the reason it could not decode.
 */
enum decode_result decode_packet(const uint8_t *data, size_t len, int link,
				 struct flow *flow);

/*
 * The link layer alone: where the IP header starts (*ip_off) and the IP
 * version the link layer announces (*version, 0 when it does not say).
 */
enum decode_result decode_link(const uint8_t *data, size_t len, int link,
			       size_t *ip_off, int *version);

/* A short, stable, lower-case name for a result, e.g. "ip-truncated". */
const char *decode_result_str(enum decode_result res);

/* True when the decoder knows this link type. */
bool decode_link_supported(int link);

#endif
