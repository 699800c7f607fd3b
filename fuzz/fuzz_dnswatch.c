// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: the daemon's side of names for addresses, whole IP
 * packets as the queue and NFLOG hand them over.  The first byte splits
 * the input: that many bytes (scaled) are a packet the sandbox sent, the
 * rest one it received; then every address the second could name is
 * looked up, and what comes back must be bounded, terminated names.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "decode.h"
#include "dnswatch.h"
#include "flow.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_lookups(struct dnswatch *w, const uint8_t *p, size_t n)
{
	struct dnsname_list out;
	struct flow f = {.ip_version = 4, .proto = 6};
	size_t i, j;

	for (i = 0; i + 4 <= n; i += 4) {
		memcpy(f.dst, p + i, 4);
		dnswatch_lookup(w, &f, 1, &out);
		if (out.n > DNSNAME_LIST_MAX)
			__builtin_trap();
		for (j = 0; j < out.n; j++)
			if (strnlen(out.ptr[j], DNSNAME_NAME_MAX) ==
			    DNSNAME_NAME_MAX)
				__builtin_trap();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dnswatch *w;
	const uint8_t *rx;
	size_t split, rxlen;
	struct flow f;

	if (!size)
		return 0;
	if (!w)
		w = dnswatch_new(16, 16);
	split = (size_t)data[0] * (size - 1) / 255;
	if (decode_packet(data + 1, split, DECODE_LINK_IP, &f) == DECODE_OK)
		dnswatch_sent(w, &f, data + 1, split, 0);
	rx = data + 1 + split;
	rxlen = size - 1 - split;
	dnswatch_received(w, rx, rxlen, 0);
	fuzz_lookups(w, rx, rxlen);
	return 0;
}
