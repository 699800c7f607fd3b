// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * DNS names for addresses (see dnsname.h for the rules).  Messages are
 * parsed by libresolv (ns_initparse, ns_parserr, ns_name_uncompress),
 * which bounds every read by the message and refuses compression loops;
 * nothing here reads the wire format itself.
 */
#include "config.h"

#include <arpa/nameser.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "dnsname.h"
#include "flow.h"

/* Names on one CNAME chain, and answer records read, at most: a hostile
 * answer costs a bounded amount of work. */
#define DN_CHAIN_MAX   16
#define DN_ANSWERS_MAX 64
/* Entries looked at for one to reuse when a name is learned. */
#define DN_EVICT_SCAN 32

struct dn_name {
	char name[DNSNAME_NAME_MAX];
	uint8_t addr[16];
	int ip_version; /* 0: unused */
	int64_t expires_us;
	uint64_t stamp;	 /* when learned, for "most recent" */
	int32_t next;	 /* the next entry of its bucket, or -1 */
	uint32_t bucket; /* while in use */
};

struct dn_query {
	char qname[DNSNAME_NAME_MAX];
	struct dnsname_flow flow;
	uint16_t id, qtype, qclass;
	bool used;
	int64_t expires_us;
	uint64_t stamp;
};

/*
 * Names are found by address through a hash table of chains, so that a
 * look-up on the verdict path reads a few entries, not the table.
 */
struct dnsname {
	struct dn_name *names;
	size_t n_names;
	int32_t *heads; /* the first entry of each bucket, or -1 */
	size_t mask;	/* buckets - 1, a power of two at least 2 names */
	size_t hand;	/* where the search for a slot to reuse goes on */
	struct dn_query *queries;
	size_t n_queries;
	uint64_t clock;
};

/* The question of a message: one, and its name short enough to keep. */
struct dn_question {
	char name[DNSNAME_NAME_MAX];
	uint16_t type, class, id;
};

struct dnsname *dnsname_new(size_t names, size_t queries)
{
	struct dnsname *d;

	if (!names || !queries) {
		errno = EINVAL;
		return NULL;
	}
	if (names > INT32_MAX / 4) {
		errno = EINVAL;
		return NULL;
	}
	d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	for (d->mask = 1; d->mask < 2 * names; d->mask <<= 1)
		;
	d->names = calloc(names, sizeof(*d->names));
	d->queries = calloc(queries, sizeof(*d->queries));
	d->heads = malloc(d->mask * sizeof(*d->heads));
	if (!d->names || !d->queries || !d->heads) {
		dnsname_free(d);
		errno = ENOMEM;
		return NULL;
	}
	memset(d->heads, 0xff, d->mask * sizeof(*d->heads));
	d->mask--;
	d->n_names = names;
	d->n_queries = queries;
	return d;
}

void dnsname_free(struct dnsname *d)
{
	if (!d)
		return;
	free(d->names);
	free(d->queries);
	free(d->heads);
	free(d);
}

/* A name as kept and compared: ASCII letters in lower case (RFC 4343). */
static int dn_copy_name(char dst[DNSNAME_NAME_MAX], const char *src)
{
	size_t i, len = strlen(src);

	if (len >= DNSNAME_NAME_MAX)
		return -ENAMETOOLONG;
	for (i = 0; i <= len; i++)
		dst[i] = (char)(src[i] >= 'A' && src[i] <= 'Z'
					? src[i] - 'A' + 'a'
					: src[i]);
	return 0;
}

static size_t dn_addr_len(int ip_version)
{
	return ip_version == 6 ? 16 : 4;
}

static bool dn_same_flow(const struct dnsname_flow *a,
			 const struct dnsname_flow *b)
{
	size_t n = dn_addr_len(a->ip_version);

	return a->ip_version == b->ip_version &&
	       a->client_port == b->client_port &&
	       a->server_port == b->server_port &&
	       !memcmp(a->client, b->client, n) &&
	       !memcmp(a->server, b->server, n);
}

/* Parse a message and its one question; qr is what the QR bit must be. */
static int dn_parse(ns_msg *h, struct dn_question *q, const uint8_t *msg,
		    size_t len, int qr)
{
	ns_rr rr;

	if (len > NS_MAXMSG || ns_initparse(msg, (int)len, h) < 0)
		return -EBADMSG;
	if (ns_msg_getflag(*h, ns_f_qr) != qr ||
	    ns_msg_getflag(*h, ns_f_opcode) != ns_o_query ||
	    ns_msg_count(*h, ns_s_qd) != 1 || ns_parserr(h, ns_s_qd, 0, &rr))
		return -EBADMSG;
	if (dn_copy_name(q->name, ns_rr_name(rr)))
		return -EBADMSG;
	q->type = ns_rr_type(rr);
	q->class = ns_rr_class(rr);
	q->id = (uint16_t)ns_msg_id(*h);
	return 0;
}

/* A free or expired slot, else the oldest query. */
static struct dn_query *dn_query_slot(struct dnsname *d, int64_t now_us)
{
	struct dn_query *best = &d->queries[0];
	size_t i;

	for (i = 0; i < d->n_queries; i++) {
		struct dn_query *q = &d->queries[i];

		if (!q->used || q->expires_us <= now_us)
			return q;
		if (q->stamp < best->stamp)
			best = q;
	}
	return best;
}

int dnsname_query(struct dnsname *d, const struct dnsname_flow *f,
		  const uint8_t *msg, size_t len, int64_t now_us)
{
	struct dn_question q;
	struct dn_query *slot;
	ns_msg h;

	if (dn_parse(&h, &q, msg, len, 0))
		return -EBADMSG;
	slot = dn_query_slot(d, now_us);
	memcpy(slot->qname, q.name, sizeof(q.name));
	slot->flow = *f;
	slot->id = q.id;
	slot->qtype = q.type;
	slot->qclass = q.class;
	slot->used = true;
	slot->expires_us = now_us + DNSNAME_QUERY_TIMEOUT_S * 1000000LL;
	slot->stamp = ++d->clock;
	return 0;
}

/* Whether an outstanding query matches; it is taken out of the table. */
static bool dn_take_query(struct dnsname *d, const struct dnsname_flow *f,
			  const struct dn_question *q, int64_t now_us)
{
	size_t i;

	for (i = 0; i < d->n_queries; i++) {
		struct dn_query *p = &d->queries[i];

		if (!p->used || p->expires_us <= now_us || p->id != q->id ||
		    p->qtype != q->type || p->qclass != q->class ||
		    strcmp(p->qname, q->name) || !dn_same_flow(&p->flow, f))
			continue;
		p->used = false;
		return true;
	}
	return false;
}

/* The names an answer may give addresses for: the question's, then each
 * CNAME target reached from it, with the least TTL on the way. */
struct dn_chain {
	char names[DN_CHAIN_MAX][DNSNAME_NAME_MAX];
	uint32_t ttl[DN_CHAIN_MAX];
	int n;
};

static int dn_chain_find(const struct dn_chain *c, const char *name)
{
	int i;

	for (i = 0; i < c->n; i++)
		if (!strcmp(c->names[i], name))
			return i;
	return -1;
}

static uint32_t dn_min(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

/* One answer record in the question's class, its owner on the chain:
 * the index of the owner, else -1.  name is the owner, lower case. */
static int dn_on_chain(const struct dn_chain *c, const struct dn_question *q,
		       const ns_rr *rr, char name[DNSNAME_NAME_MAX])
{
	if (ns_rr_class(*rr) != q->class || dn_copy_name(name, ns_rr_name(*rr)))
		return -1;
	return dn_chain_find(c, name);
}

/* Add the target of a CNAME whose owner is on the chain; true if added. */
static bool dn_follow(struct dn_chain *c, const struct dn_question *q,
		      ns_msg *h, const ns_rr *rr)
{
	char owner[DNSNAME_NAME_MAX], target[NS_MAXDNAME];
	int k = dn_on_chain(c, q, rr, owner);

	if (k < 0 || ns_rr_type(*rr) != ns_t_cname || c->n == DN_CHAIN_MAX)
		return false;
	if (ns_name_uncompress(ns_msg_base(*h), ns_msg_end(*h),
			       ns_rr_rdata(*rr), target, sizeof(target)) < 0 ||
	    dn_copy_name(c->names[c->n], target) ||
	    dn_chain_find(c, c->names[c->n]) >= 0)
		return false;
	c->ttl[c->n++] = dn_min(c->ttl[k], ns_rr_ttl(*rr));
	return true;
}

/* The chain, however the CNAMEs are ordered: each pass adds at least one
 * name or ends it, and the chain is bounded. */
static void dn_chain_build(struct dn_chain *c, const struct dn_question *q,
			   ns_msg *h, int count)
{
	bool grew = true;
	ns_rr rr;
	int i;

	memcpy(c->names[0], q->name, sizeof(q->name));
	c->ttl[0] = UINT32_MAX;
	c->n = 1;
	while (grew) {
		grew = false;
		for (i = 0; i < count; i++)
			if (!ns_parserr(h, ns_s_an, i, &rr) &&
			    dn_follow(c, q, h, &rr))
				grew = true;
	}
}

static int64_t dn_expiry(uint32_t ttl, int64_t now_us)
{
	uint32_t s = ttl < DNSNAME_TTL_MIN_S   ? DNSNAME_TTL_MIN_S
		     : ttl > DNSNAME_TTL_MAX_S ? DNSNAME_TTL_MAX_S
					       : ttl;

	return now_us + (int64_t)s * 1000000;
}

static bool dn_reusable(const struct dn_name *e, int64_t now_us)
{
	return !e->ip_version || e->expires_us <= now_us;
}

/* FNV-1a of the address: the table's owner chose it, not the peer. */
static uint32_t dn_bucket(const struct dnsname *d, int ver, const uint8_t *addr)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < dn_addr_len(ver); i++)
		h = (h ^ addr[i]) * 16777619u;
	return h & (uint32_t)d->mask;
}

/* The entry of (name, addr), found through its bucket, or NULL. */
static struct dn_name *dn_find(struct dnsname *d, const char *name, int ver,
			       const uint8_t *addr)
{
	int32_t i = d->heads[dn_bucket(d, ver, addr)];
	struct dn_name *e;

	for (; i >= 0; i = e->next) {
		e = &d->names[i];
		if (e->ip_version == ver &&
		    !memcmp(e->addr, addr, dn_addr_len(ver)) &&
		    !strcmp(e->name, name))
			return e;
	}
	return NULL;
}

/*
 * The slot for (name, addr): its own, else among the next DN_EVICT_SCAN
 * entries from the hand the first free or expired one, else the one
 * nearest its expiry.  Bounded, as the lock that guards the table is
 * taken on the verdict path too.
 */
static struct dn_name *dn_name_slot(struct dnsname *d, const char *name,
				    int ver, const uint8_t *addr,
				    int64_t now_us)
{
	struct dn_name *e = dn_find(d, name, ver, addr), *best = NULL;
	size_t i, n = d->n_names < DN_EVICT_SCAN ? d->n_names : DN_EVICT_SCAN;

	for (i = 0; !e && i < n; i++) {
		struct dn_name *c = &d->names[d->hand];

		d->hand = (d->hand + 1) % d->n_names;
		if (dn_reusable(c, now_us))
			e = c;
		else if (!best || c->expires_us < best->expires_us)
			best = c;
	}
	return e ? e : best;
}

static void dn_unlink(struct dnsname *d, struct dn_name *e)
{
	int32_t idx = (int32_t)(e - d->names), *pp = &d->heads[e->bucket];

	while (*pp != idx)
		pp = &d->names[*pp].next;
	*pp = e->next;
}

static void dn_link(struct dnsname *d, struct dn_name *e)
{
	e->bucket = dn_bucket(d, e->ip_version, e->addr);
	e->next = d->heads[e->bucket];
	d->heads[e->bucket] = (int32_t)(e - d->names);
}

static void dn_learn(struct dnsname *d, const char *name, int ver,
		     const uint8_t *addr, uint32_t ttl, int64_t now_us)
{
	struct dn_name *e = dn_name_slot(d, name, ver, addr, now_us);

	if (e->ip_version)
		dn_unlink(d, e);
	memcpy(e->name, name, strlen(name) + 1);
	memset(e->addr, 0, sizeof(e->addr));
	memcpy(e->addr, addr, dn_addr_len(ver));
	e->ip_version = ver;
	e->expires_us = dn_expiry(ttl, now_us);
	e->stamp = ++d->clock;
	dn_link(d, e);
}

/* Each A or AAAA record whose owner is on the chain: the question's name
 * for its address.  Returns how many. */
static int dn_learn_all(struct dnsname *d, const struct dn_chain *c,
			const struct dn_question *q, ns_msg *h, int count,
			int64_t now_us)
{
	char owner[DNSNAME_NAME_MAX];
	int i, k, ver, learned = 0;
	ns_rr rr;

	for (i = 0; i < count; i++) {
		if (ns_parserr(h, ns_s_an, i, &rr))
			continue;
		k = dn_on_chain(c, q, &rr, owner);
		ver = ns_rr_type(rr) == ns_t_a	    ? 4
		      : ns_rr_type(rr) == ns_t_aaaa ? 6
						    : 0;
		if (k < 0 || !ver || ns_rr_rdlen(rr) != dn_addr_len(ver))
			continue;
		dn_learn(d, q->name, ver, ns_rr_rdata(rr),
			 dn_min(c->ttl[k], ns_rr_ttl(rr)), now_us);
		learned++;
	}
	return learned;
}

int dnsname_answer(struct dnsname *d, const struct dnsname_flow *f,
		   const uint8_t *msg, size_t len, int64_t now_us)
{
	struct dn_question q;
	struct dn_chain c;
	int count;
	ns_msg h;

	if (dn_parse(&h, &q, msg, len, 1))
		return -EBADMSG;
	if (!dn_take_query(d, f, &q, now_us))
		return -ENOENT;
	/* a truncated answer is asked again over TCP, as a new query */
	if (ns_msg_getflag(h, ns_f_rcode) != ns_r_noerror ||
	    ns_msg_getflag(h, ns_f_tc))
		return 0;
	count = ns_msg_count(h, ns_s_an);
	if (count > DN_ANSWERS_MAX)
		count = DN_ANSWERS_MAX;
	dn_chain_build(&c, &q, &h, count);
	return dn_learn_all(d, &c, &q, &h, count, now_us);
}

static bool dn_live(const struct dn_name *e, int ver, const uint8_t *addr,
		    int64_t now_us)
{
	return e->ip_version == ver && e->expires_us > now_us &&
	       !memcmp(e->addr, addr, dn_addr_len(ver));
}

const char *dnsname_lookup(const struct dnsname *d, int ip_version,
			   const uint8_t addr[16], int64_t now_us)
{
	const struct dn_name *e, *best = NULL;
	int32_t i = d->heads[dn_bucket(d, ip_version, addr)];

	for (; i >= 0; i = e->next) {
		e = &d->names[i];
		if (dn_live(e, ip_version, addr, now_us) &&
		    (!best || e->stamp > best->stamp))
			best = e;
	}
	return best ? best->name : NULL;
}

int dnsname_each(const struct dnsname *d, int ip_version,
		 const uint8_t addr[16], int64_t now_us,
		 int (*fn)(void *ctx, const char *name), void *ctx)
{
	int32_t i = d->heads[dn_bucket(d, ip_version, addr)];
	const struct dn_name *e;
	int ret;

	for (; i >= 0; i = e->next) {
		e = &d->names[i];
		if (!dn_live(e, ip_version, addr, now_us))
			continue;
		ret = fn(ctx, e->name);
		if (ret)
			return ret;
	}
	return 0;
}

size_t dnsname_count(const struct dnsname *d)
{
	size_t i, n = 0;

	for (i = 0; i < d->n_names; i++)
		n += d->names[i].ip_version != 0;
	return n;
}

static int dn_collect(void *ctx, const char *name)
{
	struct dnsname_list *out = ctx;

	if (out->n && !strcmp(out->name[0], name))
		return 0;
	memcpy(out->name[out->n], name, strlen(name) + 1);
	out->ptr[out->n] = out->name[out->n];
	return ++out->n == DNSNAME_LIST_MAX;
}

void dnsname_list(const struct dnsname *d, int ip_version,
		  const uint8_t addr[16], int64_t now_us,
		  struct dnsname_list *out)
{
	const char *latest = dnsname_lookup(d, ip_version, addr, now_us);

	out->n = 0;
	if (!latest)
		return;
	dn_collect(out, latest);
	dnsname_each(d, ip_version, addr, now_us, dn_collect, out);
}
