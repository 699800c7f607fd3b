/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFJUDGE_FLOW_H
#define NFJUDGE_FLOW_H

#include <stdbool.h>
#include <stdint.h>

#define FLOW_FRAG_MF	0x1 /* more fragments follow */
#define FLOW_FRAG_LATER 0x2 /* non-first fragment: no transport header */

#define FLOW_IP_OPTIONS	 0x1 /* IPv4 header carries options (IHL above 5) */
#define FLOW_IP_SRCROUTE 0x2 /* IPv4 LSRR or SSRR option */
#define FLOW_IP_ROUTING	 0x4 /* IPv6 routing header */
#define FLOW_IP_FRAGHDR	 0x8 /* IPv6 fragment header, even an atomic one */

/* Who opened the flow: the sandbox (out) or the outside (in). */
enum flow_direction {
	FLOW_DIR_OUT = 0,
	FLOW_DIR_IN = 1,
};

/*
 * One decoded packet.  Addresses are in network byte order, IPv4 in the
 * first four bytes of the 16 with the rest zero; ports in host order.  TCP,
 * UDP, UDP-Lite and SCTP have ports.  For ICMP and ICMPv6, sport/dport hold
 * type/code as Community ID expects, and an echo request or reply also its
 * identifier.  Every other protocol decodes with has_ports false.
 *
 * The decoder cannot know the direction: it leaves FLOW_DIR_OUT, and the
 * caller sets it from where the packet came from (the queue's hook live,
 * --local in replay).
 */
struct flow {
	uint8_t src[16];
	uint8_t dst[16];
	uint16_t sport;
	uint16_t dport;
	uint8_t ip_version; /* 4 or 6 */
	uint8_t proto;	    /* IPPROTO_*: the upper-layer protocol */
	uint8_t tcp_flags;  /* TCP only */
	uint8_t frag;	    /* FLOW_FRAG_* */
	bool has_ports;	    /* sport/dport valid */
	uint32_t ip_len;    /* IP packet length as its header states */
	uint8_t ip_flags;   /* FLOW_IP_* */
	uint8_t direction;  /* enum flow_direction */
	uint16_t echo_id;   /* ICMP/ICMPv6 echo identifier, host order */
	bool has_echo_id;   /* echo_id valid */
	uint32_t l4_off;    /* where the upper-layer header starts in the data
			     * given (an ICMP error's quote follows it); 0
			     * for a non-first fragment */
};

#endif
