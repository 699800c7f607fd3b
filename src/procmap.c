// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Replay's process map.  Each entry keeps its "proc" object as parsed JSON
 * and is converted only when a flow asks for it; a map built from a long
 * verdict log stays as small as jansson makes it.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "flow.h"
#include "flowfmt.h"
#include "proc.h"
#include "procjson.h"
#include "procmap.h"
#include "timefmt.h"

struct pm_key {
	uint8_t addr[16];
	uint16_t port;
	uint8_t proto;
	uint8_t version;
};

struct pm_entry {
	struct pm_key key;
	int64_t ts;
	json_t *proc;
	size_t next; /* hash chain, SIZE_MAX ends it */
};

struct procmap {
	struct pm_entry *entries;
	size_t n, cap;
	size_t *buckets;
	size_t nbuckets; /* a power of two */
};

#define END SIZE_MAX

struct procmap *procmap_new(void)
{
	return calloc(1, sizeof(struct procmap));
}

void procmap_free(struct procmap *pm)
{
	size_t i;

	if (!pm)
		return;
	for (i = 0; i < pm->n; i++)
		json_decref(pm->entries[i].proc);
	free(pm->entries);
	free(pm->buckets);
	free(pm);
}

size_t procmap_size(const struct procmap *pm)
{
	return pm->n;
}

static size_t key_hash(const struct pm_key *k, size_t nbuckets)
{
	uint64_t h = 1469598103934665603ULL;
	const uint8_t *p = (const uint8_t *)k;
	size_t i;

	for (i = 0; i < sizeof(*k); i++) {
		h ^= p[i];
		h *= 1099511628211ULL;
	}
	return (size_t)(h ^ (h >> 32)) & (nbuckets - 1);
}

static int rehash(struct procmap *pm)
{
	size_t nb = pm->nbuckets ? pm->nbuckets * 2 : 64, i;
	size_t *b = malloc(nb * sizeof(*b));

	if (!b)
		return -ENOMEM;
	for (i = 0; i < nb; i++)
		b[i] = END;
	for (i = 0; i < pm->n; i++) {
		size_t h = key_hash(&pm->entries[i].key, nb);

		pm->entries[i].next = b[h];
		b[h] = i;
	}
	free(pm->buckets);
	pm->buckets = b;
	pm->nbuckets = nb;
	return 0;
}

static int insert(struct procmap *pm, const struct pm_key *k, int64_t ts,
		  json_t *proc)
{
	struct pm_entry *e;
	size_t h;

	if (pm->n == pm->cap) {
		size_t cap = pm->cap ? pm->cap * 2 : 64;
		void *p = realloc(pm->entries, cap * sizeof(*pm->entries));

		if (!p)
			return -ENOMEM;
		pm->entries = p;
		pm->cap = cap;
	}
	if (pm->n + 1 > pm->nbuckets / 4 * 3 && rehash(pm))
		return -ENOMEM;
	e = &pm->entries[pm->n];
	e->key = *k;
	e->ts = ts;
	e->proc = json_incref(proc);
	h = key_hash(k, pm->nbuckets);
	e->next = pm->buckets[h];
	pm->buckets[h] = pm->n++;
	return 0;
}

/*
 * Only a port names a socket: a flow of a protocol without ports (GRE), or
 * with ICMP's type and code in their place, cannot be told from another of
 * the same address, so its record maps nothing (1).
 */
static int parse_key(json_t *rec, struct pm_key *k, const char **what)
{
	const char *proto = json_string_value(json_object_get(rec, "proto"));
	const char *ip = json_string_value(json_object_get(rec, "src_ip"));
	json_t *port = json_object_get(rec, "src_port");
	int v = proto ? flowfmt_parse_proto(proto) : -1;

	memset(k, 0, sizeof(*k));
	*what = "\"proto\" must be a protocol name or number";
	if (v < 0)
		return -EINVAL;
	k->proto = (uint8_t)v;
	if (v == 1 || v == 58 || json_is_null(port))
		return 1;
	*what = "\"src_ip\" must be an IPv4 or IPv6 address";
	v = ip ? flowfmt_parse_addr(ip, k->addr) : 0;
	if (!v)
		return -EINVAL;
	k->version = (uint8_t)v;
	*what = "\"src_port\" must be an integer 0-65535";
	if (!json_is_integer(port) || json_integer_value(port) < 0 ||
	    json_integer_value(port) > 65535)
		return -EINVAL;
	k->port = (uint16_t)json_integer_value(port);
	return 0;
}

static int check_record(json_t *rec, struct pm_key *k, int64_t *ts,
			const char **what)
{
	json_t *t = json_object_get(rec, "timestamp");
	struct proc_info scratch;
	const char *field;
	int rc = parse_key(rec, k, what);

	if (rc)
		return rc;
	*ts = 0;
	*what = "\"timestamp\" is not an RFC 3339 time";
	if (t &&
	    (!json_is_string(t) || timefmt_parse(json_string_value(t), ts)))
		return -EINVAL;
	/* Validate the proc object now, so lookups cannot fail later. */
	*what = "\"proc\" is not a process object";
	return procjson_parse(json_object_get(rec, "proc"), &scratch, &field);
}

int procmap_add_line(struct procmap *pm, const char *line, size_t len,
		     unsigned lineno, char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *rec, *ev, *proc;
	const char *what;
	struct pm_key k;
	int64_t ts;
	int ret = 0;

	if (len == 0)
		return 0;
	rec = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!rec || !json_is_object(rec)) {
		snprintf(err, errlen, "%u:%d: %s", lineno,
			 rec ? 1 : jerr.column,
			 rec ? "not a JSON object" : jerr.text);
		ret = -EINVAL;
		goto out;
	}
	ev = json_object_get(rec, "event_type");
	proc = json_object_get(rec, "proc");
	/* Other events of a verdict log, and unattributed flows: nothing. */
	if ((ev && !(json_is_string(ev) &&
		     !strcmp(json_string_value(ev), "verdict"))) ||
	    !proc || json_is_null(proc))
		goto out;
	ret = check_record(rec, &k, &ts, &what);
	if (ret > 0) {
		ret = 0; /* a flow no port names */
		goto out;
	}
	if (ret) {
		snprintf(err, errlen, "%u:1: %s", lineno, what);
		ret = -EINVAL;
		goto out;
	}
	if (insert(pm, &k, ts, proc)) {
		snprintf(err, errlen, "%u:1: out of memory", lineno);
		ret = -ENOMEM;
	}
out:
	json_decref(rec);
	return ret;
}

int procmap_lookup(const struct procmap *pm, const struct flow *f,
		   int64_t ts_us, struct proc_info *out)
{
	const struct pm_entry *best = NULL, *first = NULL;
	struct pm_key k;
	const char *field;
	size_t i;

	if (!pm->nbuckets || !f->has_ports)
		return -ENOENT;
	memset(&k, 0, sizeof(k));
	memcpy(k.addr, f->src, 16);
	k.port = f->sport;
	k.proto = f->proto;
	k.version = f->ip_version;
	for (i = pm->buckets[key_hash(&k, pm->nbuckets)]; i != END;
	     i = pm->entries[i].next) {
		const struct pm_entry *e = &pm->entries[i];

		if (memcmp(&e->key, &k, sizeof(k)))
			continue;
		if (!first || e->ts < first->ts)
			first = e;
		/* The chain runs newest first: on equal times, keep it. */
		if (e->ts <= ts_us && (!best || e->ts > best->ts))
			best = e;
	}
	if (!best)
		best = first;
	if (!best)
		return -ENOENT;
	return procjson_parse(best->proc, out, &field) ? -EINVAL : 0;
}
