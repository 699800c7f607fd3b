// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for the parsers of what a process writes about itself
 * in /proc/PID: stat, status, cgroup, environ (fed in two pieces at a
 * point the first byte picks) and maps, one line at a time.  None may
 * read past its input; a maps path must lie inside its line.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proc.h"
#include "procinfo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_maps(const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len, *nl;
	struct procinfo_map m;

	for (; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		if (procinfo_parse_maps_line(p, (size_t)(nl - p), &m) == 0 &&
		    (m.path < p || m.path + m.path_len > nl))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct procinfo_envscan env = {0};
	struct procinfo_stat st;
	char *buf, cg[64];
	size_t cut;
	uid_t u;
	gid_t g;

	if (size < 1)
		return 0;
	cut = data[0] % size;
	buf = malloc(size);
	if (!buf)
		return 0;
	memcpy(buf, data + 1, size - 1);
	buf[size - 1] = '\0'; /* the readers leave a NUL past the end */
	size--;
	procinfo_parse_stat(buf, size, &st);
	procinfo_parse_status(buf, size, &u, &g);
	procinfo_parse_cgroup(buf, size, cg, sizeof(cg));
	procinfo_env_feed(&env, buf, cut < size ? cut : size);
	if (cut < size)
		procinfo_env_feed(&env, buf + cut, size - cut);
	fuzz_maps(buf, size);
	free(buf);
	return 0;
}
