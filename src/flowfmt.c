// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "flowfmt.h"

const char *flowfmt_addr(int version, const uint8_t *addr,
			 char buf[FLOWFMT_ADDR_LEN])
{
	int af = version == 6 ? AF_INET6 : AF_INET;

	if (!inet_ntop(af, addr, buf, FLOWFMT_ADDR_LEN))
		snprintf(buf, FLOWFMT_ADDR_LEN, "?");
	return buf;
}

const char *flowfmt_proto(uint8_t proto, char buf[8])
{
	switch (proto) {
	case 1:
		return "ICMP";
	case 6:
		return "TCP";
	case 17:
		return "UDP";
	case 58:
		return "IPv6-ICMP";
	case 132:
		return "SCTP";
	default:
		snprintf(buf, 8, "%u", proto);
		return buf;
	}
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
