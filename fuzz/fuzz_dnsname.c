// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: DNS messages as the sandbox's resolver traffic brings
 * them.  The first byte splits the input: that many bytes (scaled) are a
 * query, the rest its answer, sent as the same exchange and then as
 * another (a spoof); whatever is learned must be a bounded, terminated
 * name of the table.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dnsname.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct dnsname_flow flow = {
	.ip_version = 4,
	.client = {10, 0, 0, 2},
	.server = {10, 0, 0, 1},
	.client_port = 40000,
	.server_port = 53,
};

/* Every address the answer could have named, looked up. */
static void fuzz_lookups(const struct dnsname *d, const uint8_t *p, size_t n)
{
	uint8_t addr[16] = {0};
	const char *name;
	size_t i;

	for (i = 0; i + 4 <= n; i++) {
		memcpy(addr, p + i, 4);
		name = dnsname_lookup(d, 4, addr, 1);
		if (name && strnlen(name, DNSNAME_NAME_MAX) == DNSNAME_NAME_MAX)
			__builtin_trap();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dnsname *d;
	struct dnsname_flow spoof = flow;
	size_t split;

	if (!size)
		return 0;
	if (!d)
		d = dnsname_new(16, 16);
	split = (size_t)data[0] * (size - 1) / 255;
	dnsname_query(d, &flow, data + 1, split, 0);
	spoof.server_port = 5353;
	if (dnsname_answer(d, &spoof, data + 1 + split, size - 1 - split, 0) >
	    0)
		__builtin_trap(); /* no query of that exchange */
	dnsname_answer(d, &flow, data + 1 + split, size - 1 - split, 0);
	fuzz_lookups(d, data + 1 + split, size - 1 - split);
	if (dnsname_count(d) > 16)
		__builtin_trap();
	return 0;
}
