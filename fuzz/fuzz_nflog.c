// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for what the kernel's nfnetlink_log sends: a buffer of
 * netlink messages, each packet's payload then decoded and its prefix
 * read back as a fence reason, as the daemon does.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "fence.h"
#include "flow.h"
#include "nflog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void on_packet(const struct nflog_packet *pkt, void *ctx)
{
	struct flow f;
	enum fence_class c;

	(void)ctx;
	decode_packet(pkt->data, pkt->caplen, DECODE_LINK_IP, &f);
	c = fence_from_prefix(pkt->prefix, pkt->prefix_len);
	if (c != FENCE__MAX && !fence_is_drop(c))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Netlink messages are 4-byte aligned in a real buffer. */
	uint32_t *buf = malloc(size + 4);
	uint64_t invalid = 0;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	nflog_parse(buf, size, on_packet, NULL, &invalid);
	free(buf);
	return 0;
}
