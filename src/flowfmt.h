/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFJUDGE_FLOWFMT_H
#define NFJUDGE_FLOWFMT_H

#include <stddef.h>
#include <stdint.h>

/* Large enough for any address inet_ntop(3) writes, with its NUL. */
#define FLOWFMT_ADDR_LEN 46

/*
 * Format an address as the records show it: inet_ntop(3) forms (RFC 5952
 * for IPv6, dotted quad for IPv4).  version is 4 or 6; addr is 4 or 16
 * bytes in network order.  Returns buf.
 */
const char *flowfmt_addr(int version, const uint8_t *addr,
			 char buf[FLOWFMT_ADDR_LEN]);

/*
 * The protocol as records name it, spelled as Suricata's EVE does: "TCP",
 * "UDP", "UDPLITE", "ICMP", "IPV6-ICMP", "SCTP", "GRE", or else the protocol
 * number in decimal, into buf.
 */
const char *flowfmt_proto(uint8_t proto, char buf[8]);

/* The inverse: the protocol number a record's "proto" names, or -1. */
int flowfmt_parse_proto(const char *text);

/*
 * Parse an address in either family into 16 bytes (IPv4 in the first four).
 * Returns the version (4 or 6), or 0 when the text is not an address.
 */
int flowfmt_parse_addr(const char *text, uint8_t addr[16]);

#endif
