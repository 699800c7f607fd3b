// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for fragment reassembly.  The input is a run of
 * packets, each a 2-byte length, a byte of capture time in seconds to add
 * and the packet; reassembly must never read past a packet nor write past
 * its buffers, every datagram it completes must be a consistent IP packet
 * that the decoder can take, and the counts must add up.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "defrag.h"
#include "flow.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_datagram(const uint8_t *out, size_t len)
{
	struct flow f;
	size_t stated;

	if (len < 20)
		abort();
	if (out[0] >> 4 == 4)
		stated = (size_t)(out[2] << 8 | out[3]);
	else if (out[0] >> 4 == 6 && len >= 40)
		stated = 40 + (size_t)(out[4] << 8 | out[5]);
	else
		abort();
	if (stated != len || len > 65535 + 512)
		abort();
	decode_packet(out, len, DECODE_LINK_IP, &f);
}

static void check_stats(struct defrag *d)
{
	struct defrag_stats st;
	uint64_t dropped = 0;
	int i;

	defrag_finish(d);
	defrag_get_stats(d, &st);
	for (i = 0; i < DEFRAG_DROP__MAX; i++)
		dropped += st.dropped[i];
	/* every fragment taken in is in a datagram or was discarded */
	if (dropped > st.fragments || st.datagrams > st.fragments)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct defrag *d;
	int64_t ts = 0;
	size_t n;

	if (!d)
		d = defrag_new();
	else
		defrag_finish(d);
	if (!d)
		abort();
	while (size >= 3) {
		const uint8_t *out;
		size_t len;

		n = (size_t)(data[0] << 8 | data[1]);
		ts += (int64_t)data[2] * 1000000;
		data += 3;
		size -= 3;
		if (n > size)
			n = size;
		if (defrag_feed(d, data, n, ts, &out, &len) == DEFRAG_DONE)
			check_datagram(out, len);
		data += n;
		size -= n;
	}
	check_stats(d);
	return 0;
}
