// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <stdlib.h>

#include "rangeset.h"

int rangeset_add(struct rangeset *set, rangeset_key lo, rangeset_key hi)
{
	struct rangeset_range *r;
	size_t cap;

	if (set->n == set->cap) {
		cap = set->cap ? set->cap * 2 : 4;
		r = reallocarray(set->r, cap, sizeof(*r));
		if (!r)
			return -ENOMEM;
		set->r = r;
		set->cap = cap;
	}
	set->r[set->n].lo = lo;
	set->r[set->n].hi = hi;
	set->n++;
	return 0;
}

static int range_cmp(const void *a, const void *b)
{
	const struct rangeset_range *x = a, *y = b;

	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	return 0;
}

/* A failed allocation only costs speed: the wide search still works. */
static void narrow(struct rangeset *set)
{
	size_t i;

	free(set->narrow);
	set->narrow = NULL;
	if (set->r[set->n - 1].hi > UINT32_MAX)
		return;
	set->narrow = reallocarray(NULL, set->n, 2 * sizeof(uint32_t));
	for (i = 0; set->narrow && i < set->n; i++) {
		set->narrow[2 * i] = (uint32_t)set->r[i].lo;
		set->narrow[2 * i + 1] = (uint32_t)set->r[i].hi;
	}
}

void rangeset_finish(struct rangeset *set)
{
	size_t i, out = 0;

	if (!set->n)
		return;
	qsort(set->r, set->n, sizeof(set->r[0]), range_cmp);
	for (i = 1; i < set->n; i++) {
		struct rangeset_range *cur = &set->r[out];

		/* cur->hi + 1 would wrap at the top of the key space */
		if (set->r[i].lo <= cur->hi || set->r[i].lo - 1 == cur->hi) {
			if (set->r[i].hi > cur->hi)
				cur->hi = set->r[i].hi;
			continue;
		}
		set->r[++out] = set->r[i];
	}
	set->n = out + 1;
	narrow(set);
}

static bool contains_narrow(const struct rangeset *set, rangeset_key key)
{
	const uint32_t *r = set->narrow;
	size_t lo = 0, hi = set->n;

	if (key > UINT32_MAX)
		return false;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (r[2 * mid] <= key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo > 0 && key <= r[2 * (lo - 1) + 1];
}

bool rangeset_contains(const struct rangeset *set, rangeset_key key)
{
	size_t lo = 0, hi = set->n;

	if (set->narrow)
		return contains_narrow(set, key);

	/* find the last range whose start is <= key */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (set->r[mid].lo <= key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo > 0 && key <= set->r[lo - 1].hi;
}

rangeset_key rangeset_key_from(const uint8_t *bytes, size_t n)
{
	rangeset_key k = 0;
	size_t i;

	for (i = 0; i < n; i++)
		k = (k << 8) | bytes[i];
	return k;
}

void rangeset_release(struct rangeset *set)
{
	free(set->r);
	free(set->narrow);
	set->r = NULL;
	set->narrow = NULL;
	set->n = set->cap = 0;
}
