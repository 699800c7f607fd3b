// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "flowfmt.h"

/* Dotted quad by hand: inet_ntop() goes through sprintf(), and records
 * format two addresses each. */
static const char *flowfmt_ipv4(const uint8_t *addr, char *buf)
{
	char *p = buf;
	int i;

	for (i = 0; i < 4; i++) {
		unsigned v = addr[i];

		if (v >= 100)
			*p++ = (char)('0' + v / 100);
		if (v >= 10)
			*p++ = (char)('0' + v / 10 % 10);
		*p++ = (char)('0' + v % 10);
		*p++ = '.';
	}
	p[-1] = '\0';
	return buf;
}

const char *flowfmt_addr(int version, const uint8_t *addr,
			 char buf[FLOWFMT_ADDR_LEN])
{
	if (version != 6)
		return flowfmt_ipv4(addr, buf);
	if (!inet_ntop(AF_INET6, addr, buf, FLOWFMT_ADDR_LEN))
		snprintf(buf, FLOWFMT_ADDR_LEN, "?");
	return buf;
}

/* The protocols records name, spelled as Suricata's EVE spells them. */
static const struct {
	uint8_t num;
	const char *name;
} proto_names[] = {
	{1, "ICMP"},	   {6, "TCP"},	  {17, "UDP"},	    {47, "GRE"},
	{58, "IPV6-ICMP"}, {132, "SCTP"}, {136, "UDPLITE"},
};

#define N_PROTO_NAMES (sizeof(proto_names) / sizeof(proto_names[0]))

const char *flowfmt_proto(uint8_t proto, char buf[8])
{
	size_t i;

	for (i = 0; i < N_PROTO_NAMES; i++)
		if (proto_names[i].num == proto)
			return proto_names[i].name;
	snprintf(buf, 8, "%u", proto);
	return buf;
}

int flowfmt_parse_proto(const char *text)
{
	size_t i, n = strspn(text, "0123456789");

	for (i = 0; i < N_PROTO_NAMES; i++)
		if (!strcmp(text, proto_names[i].name))
			return proto_names[i].num;
	/* the number of a protocol without a name, as flowfmt_proto writes
	 * it: no sign, no leading zero */
	if (n == 0 || n > 3 || text[n] || (n > 1 && text[0] == '0') ||
	    atoi(text) > 255)
		return -1;
	return atoi(text);
}

int flowfmt_parse_addr(const char *text, uint8_t addr[16])
{
	memset(addr, 0, 16);
	if (inet_pton(AF_INET, text, addr) == 1)
		return 4;
	if (inet_pton(AF_INET6, text, addr) == 1)
		return 6;
	return 0;
}
