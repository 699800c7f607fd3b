// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for the packet decoder.  The first byte picks the link
 * type, the rest is the packet; the decoder must never read past the end
 * and must be deterministic.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "flow.h"

static const int links[] = {
	DECODE_LINK_ETHERNET, DECODE_LINK_LINUX_SLL, DECODE_LINK_LINUX_SLL2,
	DECODE_LINK_RAW,      DECODE_LINK_IPV4,	     DECODE_LINK_IPV6,
	DECODE_LINK_NULL,     DECODE_LINK_LOOP,	     DECODE_LINK_IP,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct flow a, b;
	enum decode_result ra, rb;
	int link;

	if (size < 1)
		return 0;
	link = links[data[0] % (sizeof(links) / sizeof(links[0]))];
	ra = decode_packet(data + 1, size - 1, link, &a);
	rb = decode_packet(data + 1, size - 1, link, &b);
	if (ra != rb || memcmp(&a, &b, sizeof(a)))
		abort();
	if (ra == DECODE_OK && a.ip_version != 4 && a.ip_version != 6)
		abort();
	/* Only the caller knows the direction; only echoes have an id. */
	if (a.direction != FLOW_DIR_OUT)
		abort();
	if (a.has_echo_id && (!a.has_ports || (a.proto != 1 && a.proto != 58)))
		abort();
	if ((a.ip_flags & FLOW_IP_SRCROUTE) && !(a.ip_flags & FLOW_IP_OPTIONS))
		abort();
	/* the upper-layer header starts inside the packet */
	if (a.l4_off > size - 1)
		abort();
	return 0;
}
