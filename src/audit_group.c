// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Counting records by key: a chained hash table (FNV-1a), grown by
 * doubling, so a log with many distinct keys costs O(1) per record.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit_group.h"
#include "audit_rec.h"

struct agroups {
	size_t nparts, n, nbuckets;
	struct agroup **buckets;
};

struct agroups *audit_groups_new(size_t nparts)
{
	struct agroups *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->nparts = nparts;
	t->nbuckets = 64;
	t->buckets = calloc(t->nbuckets, sizeof(*t->buckets));
	if (!t->buckets) {
		free(t);
		return NULL;
	}
	return t;
}

void audit_groups_free(struct agroups *t)
{
	struct agroup *g, *next;
	size_t i;

	if (!t)
		return;
	for (i = 0; i < t->nbuckets; i++) {
		for (g = t->buckets[i]; g; g = next) {
			next = g->next;
			free(g->key);
			free(g);
		}
	}
	free(t->buckets);
	free(t);
}

size_t audit_groups_size(const struct agroups *t)
{
	return t->n;
}

static uint64_t hash(const char *key, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ (unsigned char)key[i]) * 0x100000001b3ULL;
	return h;
}

/* Double the buckets; on failure the table stays as it was. */
static void grow(struct agroups *t)
{
	size_t n = t->nbuckets * 2, i;
	struct agroup **b = calloc(n, sizeof(*b)), *g, *next;

	if (!b)
		return;
	for (i = 0; i < t->nbuckets; i++) {
		for (g = t->buckets[i]; g; g = next) {
			size_t h = hash(g->key, g->key_len) & (n - 1);

			next = g->next;
			g->next = b[h];
			b[h] = g;
		}
	}
	free(t->buckets);
	t->buckets = b;
	t->nbuckets = n;
}

/* The parts joined, each ending in NUL, into a malloc'ed key. */
static char *join(const struct agroups *t, const char *const *parts,
		  size_t *len)
{
	size_t i, n = 0, l;
	char *key;

	for (i = 0; i < t->nparts; i++)
		n += strlen(parts[i]) + 1;
	key = malloc(n);
	if (!key)
		return NULL;
	for (i = 0, n = 0; i < t->nparts; i++) {
		l = strlen(parts[i]) + 1;
		memcpy(key + n, parts[i], l);
		n += l;
	}
	*len = n;
	return key;
}

static struct agroup *lookup(struct agroups *t, char *key, size_t len)
{
	size_t h = hash(key, len) & (t->nbuckets - 1);
	struct agroup *g;

	for (g = t->buckets[h]; g; g = g->next) {
		if (g->key_len == len && !memcmp(g->key, key, len)) {
			free(key);
			return g;
		}
	}
	g = calloc(1, sizeof(*g));
	if (!g) {
		free(key);
		return NULL;
	}
	g->key = key;
	g->key_len = len;
	g->next = t->buckets[h];
	t->buckets[h] = g;
	t->n++;
	return g;
}

static void count(struct agroup *g, const struct arec *a)
{
	int v;

	if (!a) {
		g->count++;
		return;
	}
	if (!g->count || a->ts_us < g->first)
		g->first = a->ts_us;
	if (!g->count || a->ts_us > g->last)
		g->last = a->ts_us;
	g->count++;
	v = audit_rec_verdict(a);
	if (v >= 0)
		g->by_verdict[v]++;
}

struct agroup *audit_groups_add(struct agroups *t, const char *const *parts,
				const struct arec *a)
{
	size_t len;
	char *key = join(t, parts, &len);
	struct agroup *g = key ? lookup(t, key, len) : NULL;

	if (!g)
		return NULL;
	count(g, a);
	if (t->n > t->nbuckets)
		grow(t);
	return g;
}

static int by_count(const void *pa, const void *pb)
{
	const struct agroup *a = *(const struct agroup *const *)pa;
	const struct agroup *b = *(const struct agroup *const *)pb;
	size_t n = a->key_len < b->key_len ? a->key_len : b->key_len;
	int c;

	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	c = memcmp(a->key, b->key, n);
	if (c)
		return c;
	return a->key_len < b->key_len ? -1 : a->key_len > b->key_len;
}

struct agroup **audit_groups_sorted(const struct agroups *t)
{
	struct agroup **v = malloc((t->n ? t->n : 1) * sizeof(*v)), *g;
	size_t i, n = 0;

	if (!v)
		return NULL;
	for (i = 0; i < t->nbuckets; i++)
		for (g = t->buckets[i]; g; g = g->next)
			v[n++] = g;
	qsort(v, n, sizeof(*v), by_count);
	return v;
}

const char *audit_group_part(const struct agroup *g, size_t i)
{
	const char *p = g->key;

	while (i--)
		p += strlen(p) + 1;
	return p;
}

static const char *const aby_names[] = {"verdict", "rule", "exe",
					"dest",	   "user", "hour"};

int audit_by_parse(const char *s)
{
	size_t i;

	for (i = 0; i < sizeof(aby_names) / sizeof(aby_names[0]); i++)
		if (!strcmp(s, aby_names[i]))
			return (int)i;
	return -EINVAL;
}

const char *audit_by_name(enum aby by)
{
	return aby_names[by];
}

/* The start of the record's hour, "2026-11-28T12:00Z". */
static const char *hour(const struct arec *a, char buf[ABY_VALUE_LEN])
{
	time_t t = (time_t)(a->ts_us / 1000000 - (a->ts_us % 1000000 < 0));
	struct tm tm;

	if (!gmtime_r(&t, &tm) ||
	    !strftime(buf, ABY_VALUE_LEN, "%Y-%m-%dT%H:00Z", &tm))
		return "-";
	return buf;
}

const char *audit_by_value(enum aby by, const struct arec *a,
			   char buf[ABY_VALUE_LEN])
{
	switch (by) {
	case ABY_VERDICT:
		return a->verdict;
	case ABY_RULE:
		return a->rule;
	case ABY_EXE:
		return a->exe ? a->exe : "-";
	case ABY_DEST:
		return audit_rec_dest(a, buf);
	case ABY_USER:
		if (a->user)
			return a->user;
		if (a->uid < 0)
			return "-";
		snprintf(buf, ABY_VALUE_LEN, "%lld", a->uid);
		return buf;
	case ABY_HOUR:
		return hour(a, buf);
	}
	return "-";
}
