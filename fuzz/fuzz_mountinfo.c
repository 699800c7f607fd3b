// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for the mountinfo reader of kernel attribution: any
 * text, into out buffers of every small size; a found mount point must be
 * a NUL-terminated, non-empty string that fits.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kattr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char out[64];
	size_t n;

	for (n = 1; n <= sizeof(out); n *= 2) {
		memset(out, 'x', sizeof(out));
		if (kattr_mountinfo_cgroup2((const char *)data, size, out, n))
			continue;
		if (!memchr(out, '\0', n) || out[0] == '\0')
			abort();
	}
	return 0;
}
