// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Name to index, for rule names and defines while parsing: a hash table
 * (open addressing, at most half full) so that a policy with tens of
 * thousands of names loads in linear time.  It points at names it does
 * not own.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policy_int.h"

/* FNV-1a: short names, no adversary who gains by collisions at load. */
static size_t hash(const char *s)
{
	uint64_t h = 14695981039346656037ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return (size_t)h;
}

static struct pindex_slot *slot_for(struct pindex_slot *s, size_t cap,
				    const char *name)
{
	size_t i = hash(name) & (cap - 1);

	while (s[i].name && strcmp(s[i].name, name))
		i = (i + 1) & (cap - 1);
	return &s[i];
}

long policy_index_find(const struct pindex *ix, const char *name)
{
	const struct pindex_slot *s;

	if (!ix->cap)
		return -1;
	s = slot_for(ix->s, ix->cap, name);
	return s->name ? (long)s->idx : -1;
}

static int grow(struct pindex *ix)
{
	size_t cap = ix->cap ? ix->cap * 2 : 64, i;
	struct pindex_slot *s = calloc(cap, sizeof(*s));

	if (!s)
		return -ENOMEM;
	for (i = 0; i < ix->cap; i++)
		if (ix->s[i].name)
			*slot_for(s, cap, ix->s[i].name) = ix->s[i];
	free(ix->s);
	ix->s = s;
	ix->cap = cap;
	return 0;
}

int policy_index_add(struct pindex *ix, const char *name, size_t idx)
{
	struct pindex_slot *s;

	if (2 * (ix->n + 1) > ix->cap && grow(ix))
		return -ENOMEM;
	s = slot_for(ix->s, ix->cap, name);
	if (!s->name)
		ix->n++;
	s->name = name;
	s->idx = idx;
	return 0;
}

void policy_index_release(struct pindex *ix)
{
	free(ix->s);
	memset(ix, 0, sizeof(*ix));
}
