// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for the process map of replay --procs: each input line
 * goes to procmap_add_line() as replay feeds a file, then flows are looked
 * up: those the input's last 48 bytes spell, and loopback ones on the
 * ports the seeds use.  A found entry must be a sane process.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "flow.h"
#include "proc.h"
#include "procmap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void add_lines(struct procmap *pm, const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size, *nl;
	unsigned lineno = 1;
	char err[256];

	for (; p < end; p = nl + 1, lineno++) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		if (procmap_add_line(pm, p, (size_t)(nl - p), lineno, err,
				     sizeof(err)) &&
		    !memchr(err, '\0', sizeof(err)))
			abort(); /* the message must be a string */
	}
}

static void look_up(const struct procmap *pm, const struct flow *f, int64_t ts)
{
	struct proc_info pi;

	if (procmap_lookup(pm, f, ts, &pi))
		return;
	if (pi.cmdline_len > sizeof(pi.cmdline) || pi.argc < 0 ||
	    pi.n_ancestors < 0 || pi.n_ancestors > PROC_MAX_ANCESTORS ||
	    !memchr(pi.exe, '\0', sizeof(pi.exe)))
		abort();
}

/* Flows from raw bytes: addresses, ports, protocol, family, time. */
static void look_up_bytes(const struct procmap *pm, const uint8_t *data,
			  size_t size)
{
	struct flow f;
	int64_t ts;

	if (size < 48)
		return;
	data += size - 48;
	memset(&f, 0, sizeof(f));
	memcpy(f.src, data, 16);
	memcpy(f.dst, data + 16, 16);
	f.sport = (uint16_t)(data[32] << 8 | data[33]);
	f.dport = (uint16_t)(data[34] << 8 | data[35]);
	f.proto = data[36] & 1 ? 17 : 6;
	f.ip_version = data[37] & 1 ? 6 : 4;
	f.has_ports = true;
	memcpy(&ts, data + 40, sizeof(ts));
	look_up(pm, &f, ts);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint16_t ports[] = {0, 1, 40000, 45678, 50000, 65535};
	struct procmap *pm = procmap_new();
	struct flow f = {.ip_version = 4,
			 .proto = 6,
			 .has_ports = true,
			 .src = {127, 0, 0, 1},
			 .dst = {127, 0, 0, 1}};
	size_t i;

	if (!pm)
		abort();
	add_lines(pm, data, size);
	for (i = 0; i < sizeof(ports) / sizeof(ports[0]); i++) {
		f.sport = ports[i];
		f.proto = 6;
		look_up(pm, &f, 0);
		f.proto = 17;
		look_up(pm, &f, INT64_MAX);
	}
	look_up_bytes(pm, data, size);
	procmap_free(pm);
	return 0;
}
