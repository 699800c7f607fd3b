/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFJUDGE_RANGESET_H
#define NFJUDGE_RANGESET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * A set of unsigned integers up to 128 bits wide, kept as sorted, merged,
 * non-overlapping closed ranges, so that a lookup is a binary search whose
 * cost grows with the logarithm of the set, not its size.  The policy keeps
 * addresses (one set per family), ports and uids/gids in these.
 */
typedef unsigned __int128 rangeset_key;

struct rangeset_range {
	rangeset_key lo;
	rangeset_key hi;
};

struct rangeset {
	struct rangeset_range *r;
	size_t n;
	size_t cap;
	/*
	 * When every key fits in 32 bits (IPv4, ports, ids), a copy in
	 * 8 bytes a range instead of 32, so that a large set's search
	 * touches a quarter of the cache lines.
	 */
	uint32_t *narrow; /* lo, hi pairs */
};

/* Add [lo, hi]; 0 or -ENOMEM.  Call rangeset_finish before lookups. */
int rangeset_add(struct rangeset *set, rangeset_key lo, rangeset_key hi);

/* Sort and merge the ranges added so far. */
void rangeset_finish(struct rangeset *set);

/* True when key lies in the (finished) set. */
bool rangeset_contains(const struct rangeset *set, rangeset_key key);

/* The big-endian number in bytes[0..n), n <= 16. */
rangeset_key rangeset_key_from(const uint8_t *bytes, size_t n);

void rangeset_release(struct rangeset *set);

#endif
