// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The flow table: a preallocated pool of one-cache-line entries, found
 * through an open-addressed index of (hash, entry) pairs and chained in a
 * recency list.  A miss, the common case for a SYN, costs one index line
 * and no entry; deletion shifts the probe run back, so no tombstones.  Expiry
 * is per entry and lazy: a flow is over when a packet finds it past its own
 * deadline, so a packet far ahead in capture time forgets no other flow.  A
 * full table recycles its least recently used entry (counted as an eviction
 * when that flow had not expired), which can only make a later packet of that
 * flow be judged again, never skipped.
 */
#include "config.h"

#include <endian.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>

#include "flow.h"
#include "newflow.h"

#define NIL UINT32_MAX

/* Endpoints in a canonical order, so both directions share one key. */
struct nf_key {
	uint8_t a[16], b[16];
	uint16_t pa, pb;
	uint8_t version;
	uint8_t proto;
	uint8_t pad[2];
};

/* One cache line. */
struct nf_entry {
	struct nf_key key;
	int64_t last;
	uint32_t prev, next; /* recency list, oldest first */
	uint32_t hash;	     /* hash_key(key): its index slot's home */
	uint8_t state;	     /* NEWFLOW_OPEN or NEWFLOW_REFUSED */
	bool opener_swapped; /* the first packet's source is key.b */
	uint8_t pad[2];
};

_Static_assert(sizeof(struct nf_entry) == 64, "an entry is one cache line");
_Static_assert(sizeof(struct nf_key) % 8 == 0, "key_eq reads whole words");

/* An index slot: the entry's hash and its pool index plus one (0: empty,
 * so that a zeroed index is an empty one). */
struct nf_slot {
	uint32_t hash;
	uint32_t ref;
};

struct newflow {
	struct nf_entry *pool;
	struct nf_slot *index;
	uint32_t
		mask; /* index slots - 1, a power of two at least 2x capacity */
	uint32_t capacity, used, free_head;
	uint32_t fresh; /* entries below it have been used: the pool is
			 * taken in order, so untouched pages stay unmapped */
	uint32_t oldest, newest;
	int64_t timeout;
	uint64_t seed;
	uint64_t evicted;
};

/*
 * Zeroed memory for a table; huge pages for the index, when the kernel has
 * them: a flow's slot is anywhere in megabytes, and with small pages
 * nearly every new flow missed the TLB as well as the cache.  The pool is
 * taken in order, a page at a time, and clearing huge pages for it cost
 * more than its TLB misses.
 */
static void *table_alloc(size_t size, bool huge)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	/* only a hint: without it the table works the same, slower */
	if (huge)
		(void)madvise(p, size, MADV_HUGEPAGE);
	return p;
}

static void table_free(void *p, size_t size)
{
	if (p)
		munmap(p, size);
}

static size_t pool_size(const struct newflow *nf)
{
	return (size_t)nf->capacity * sizeof(*nf->pool);
}

static size_t index_size(const struct newflow *nf)
{
	return ((size_t)nf->mask + 1) * sizeof(*nf->index);
}

struct newflow *newflow_new(size_t capacity, int64_t timeout_us)
{
	struct newflow *nf = calloc(1, sizeof(*nf));
	size_t nslots = 16;

	if (!nf || capacity == 0 || capacity >= NIL / 4)
		goto fail;
	nf->capacity = (uint32_t)capacity;
	while (nslots < 2 * capacity)
		nslots <<= 1;
	nf->mask = (uint32_t)(nslots - 1);
	/* page-aligned, so entries are each one cache line */
	nf->pool = table_alloc(pool_size(nf), false);
	nf->index = table_alloc(index_size(nf), true);
	if (!nf->pool || !nf->index)
		goto fail;
	/* The seed only spreads the slots; results do not depend on it. */
	if (getrandom(&nf->seed, sizeof(nf->seed), GRND_NONBLOCK) !=
	    sizeof(nf->seed))
		nf->seed = 0x9e3779b97f4a7c15ULL;
	nf->oldest = nf->newest = nf->free_head = NIL;
	nf->timeout = timeout_us;
	return nf;
fail:
	newflow_free(nf);
	return NULL;
}

void newflow_free(struct newflow *nf)
{
	if (!nf)
		return;
	table_free(nf->pool, pool_size(nf));
	table_free(nf->index, index_size(nf));
	free(nf);
}

/* memcmp()'s order of two addresses, a word at a time: every packet
 * pays for it, and the libc call costs more than the comparison. */
static int addr_cmp(const uint8_t *a, const uint8_t *b)
{
	uint64_t x, y;
	int i;

	for (i = 0; i < 16; i += 8) {
		memcpy(&x, a + i, 8);
		memcpy(&y, b + i, 8);
		if (x != y)
			return be64toh(x) < be64toh(y) ? -1 : 1;
	}
	return 0;
}

/* Keys are compared whole, padding included: make_key() zeroes it. */
static bool key_eq(const struct nf_key *a, const struct nf_key *b)
{
	const uint8_t *p = (const uint8_t *)a, *q = (const uint8_t *)b;
	uint64_t x, y, diff = 0;
	size_t i;

	for (i = 0; i < sizeof(*a); i += 8) {
		memcpy(&x, p + i, 8);
		memcpy(&y, q + i, 8);
		diff |= x ^ y;
	}
	return !diff;
}

/*
 * The flow a packet belongs to, as conntrack tells flows apart: by
 * protocol, addresses and ports; an ICMP echo by its identifier, which
 * request and reply share; a protocol without ports by its addresses.
 * Returns whether the packet's source went to b.
 */
static bool make_key(const struct flow *f, struct nf_key *k)
{
	uint16_t sp = f->has_ports ? f->sport : 0;
	uint16_t dp = f->has_ports ? f->dport : 0;
	int c = addr_cmp(f->src, f->dst);

	if (f->has_echo_id)
		sp = dp = f->echo_id;
	memset(k, 0, sizeof(*k));
	k->version = f->ip_version;
	k->proto = f->proto;
	if (c < 0 || (c == 0 && sp <= dp)) {
		memcpy(k->a, f->src, 16);
		memcpy(k->b, f->dst, 16);
		k->pa = sp;
		k->pb = dp;
		return false;
	}
	memcpy(k->a, f->dst, 16);
	memcpy(k->b, f->src, 16);
	k->pa = dp;
	k->pb = sp;
	return true;
}

static uint32_t hash_key(const struct newflow *nf, const struct nf_key *k)
{
	const uint8_t *p = (const uint8_t *)k;
	uint64_t h = nf->seed, w;
	size_t i;

	for (i = 0; i < sizeof(*k); i += 8) {
		memcpy(&w, p + i, 8);
		h ^= w;
		h *= 0xff51afd7ed558ccdULL;
		h ^= h >> 33;
	}
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 29;
	return (uint32_t)h;
}

static void lru_unlink(struct newflow *nf, uint32_t i)
{
	struct nf_entry *e = &nf->pool[i];

	if (e->prev != NIL)
		nf->pool[e->prev].next = e->next;
	else
		nf->oldest = e->next;
	if (e->next != NIL)
		nf->pool[e->next].prev = e->prev;
	else
		nf->newest = e->prev;
}

static void lru_append(struct newflow *nf, uint32_t i)
{
	struct nf_entry *e = &nf->pool[i];

	e->prev = nf->newest;
	e->next = NIL;
	if (nf->newest != NIL)
		nf->pool[nf->newest].next = i;
	else
		nf->oldest = i;
	nf->newest = i;
}

/* i was used now: the newest. */
static void lru_touch(struct newflow *nf, uint32_t i)
{
	if (nf->newest == i)
		return;
	lru_unlink(nf, i);
	lru_append(nf, i);
}

/* Whether home lies cyclically in (hole, at]: the slot at at may not
 * move back into the hole. */
static bool stays(uint32_t hole, uint32_t at, uint32_t home)
{
	if (hole <= at)
		return home > hole && home <= at;
	return home > hole || home <= at;
}

/* Empty slot pos, shifting the rest of its probe run back into it. */
static void index_delete(struct newflow *nf, uint32_t pos)
{
	uint32_t at = pos;

	for (;;) {
		nf->index[pos].ref = 0;
		do {
			at = (at + 1) & nf->mask;
			if (!nf->index[at].ref)
				return;
		} while (stays(pos, at, nf->index[at].hash & nf->mask));
		nf->index[pos] = nf->index[at];
		pos = at;
	}
}

static void remove_entry(struct newflow *nf, uint32_t i)
{
	uint32_t pos = nf->pool[i].hash & nf->mask;

	while (nf->index[pos].ref != i + 1)
		pos = (pos + 1) & nf->mask;
	index_delete(nf, pos);
	lru_unlink(nf, i);
	nf->pool[i].next = nf->free_head;
	nf->free_head = i;
	nf->used--;
}

/* The entry of key k (hash h), or NIL; *pos: its slot, or the empty slot
 * where it would go. */
static uint32_t find(const struct newflow *nf, const struct nf_key *k,
		     uint32_t h, uint32_t *pos)
{
	uint32_t at = h & nf->mask;
	const struct nf_slot *s;

	for (;; at = (at + 1) & nf->mask) {
		s = &nf->index[at];
		if (!s->ref)
			break;
		if (s->hash == h &&
		    key_eq(&nf->pool[s->ref - 1].key, k)) {
			*pos = at;
			return s->ref - 1;
		}
	}
	*pos = at;
	return NIL;
}

static bool expired(const struct newflow *nf, uint32_t i, int64_t now)
{
	return now - nf->pool[i].last >= nf->timeout;
}

enum newflow_state newflow_lookup(struct newflow *nf, const struct flow *f,
				  int64_t ts_us, bool *reply)
{
	struct nf_key k;
	bool swapped;
	uint32_t i, pos;

	*reply = false;
	if (f->frag & FLOW_FRAG_LATER)
		return NEWFLOW_NONE;
	swapped = make_key(f, &k);
	i = find(nf, &k, hash_key(nf, &k), &pos);
	if (i == NIL)
		return NEWFLOW_NONE;
	if (expired(nf, i, ts_us)) {
		remove_entry(nf, i);
		return NEWFLOW_NONE;
	}
	*reply = swapped != nf->pool[i].opener_swapped;
	if (nf->pool[i].state != NEWFLOW_OPEN)
		return (enum newflow_state)nf->pool[i].state;
	nf->pool[i].last = ts_us;
	lru_touch(nf, i);
	return NEWFLOW_OPEN;
}

static uint32_t alloc_entry(struct newflow *nf, int64_t now)
{
	uint32_t i;

	if (nf->free_head == NIL && nf->fresh < nf->capacity) {
		nf->used++;
		return nf->fresh++;
	}
	if (nf->free_head == NIL) {
		if (!expired(nf, nf->oldest, now))
			nf->evicted++;
		remove_entry(nf, nf->oldest);
		/* the next victim: newflow_prefetch() reads it */
		if (nf->oldest != NIL)
			__builtin_prefetch(&nf->pool[nf->oldest]);
	}
	i = nf->free_head;
	nf->free_head = nf->pool[i].next;
	nf->used++;
	return i;
}

enum newflow_state newflow_peek(const struct newflow *nf, const struct flow *f,
				int64_t ts_us)
{
	struct nf_key k;
	uint32_t i, pos;

	if (f->frag & FLOW_FRAG_LATER)
		return NEWFLOW_NONE;
	make_key(f, &k);
	i = find(nf, &k, hash_key(nf, &k), &pos);
	if (i == NIL || expired(nf, i, ts_us))
		return NEWFLOW_NONE;
	return (enum newflow_state)nf->pool[i].state;
}

/* A new entry for key k; recycling one may move index slots. */
static uint32_t add_entry(struct newflow *nf, const struct nf_key *k,
			  uint32_t h, int64_t now)
{
	uint32_t i = alloc_entry(nf, now), pos;

	find(nf, k, h, &pos);
	nf->index[pos].hash = h;
	nf->index[pos].ref = i + 1;
	nf->pool[i].key = *k;
	nf->pool[i].hash = h;
	lru_append(nf, i);
	return i;
}

/* Set the flow's state; a new entry remembers who sent its first packet. */
static void set_state(struct newflow *nf, const struct flow *f, int64_t ts_us,
		      enum newflow_state state)
{
	struct nf_key k;
	uint32_t i, h, pos;
	bool swapped;

	if (f->frag & FLOW_FRAG_LATER)
		return;
	swapped = make_key(f, &k);
	h = hash_key(nf, &k);
	i = find(nf, &k, h, &pos);
	if (i == NIL || expired(nf, i, ts_us)) {
		/* new, or past its deadline: the packet opens a new flow */
		if (i == NIL)
			i = add_entry(nf, &k, h, ts_us);
		nf->pool[i].state = (uint8_t)state;
		nf->pool[i].opener_swapped = swapped;
	} else if (state == NEWFLOW_OPEN) {
		/* a refusal does not close a flow already let through */
		nf->pool[i].state = NEWFLOW_OPEN;
	}
	nf->pool[i].last = ts_us;
	lru_touch(nf, i);
}

void newflow_prefetch(const struct newflow *nf, const struct flow *f)
{
	const struct nf_entry *old;
	struct nf_key k;

	make_key(f, &k);
	__builtin_prefetch(&nf->index[hash_key(nf, &k) & nf->mask]);
	if (nf->oldest == NIL || nf->used < nf->capacity)
		return;
	/* the next new flow recycles the oldest entry */
	old = &nf->pool[nf->oldest];
	__builtin_prefetch(&nf->index[old->hash & nf->mask]);
	if (old->next != NIL)
		__builtin_prefetch(&nf->pool[old->next]);
}

void newflow_pass(struct newflow *nf, const struct flow *f, int64_t ts_us)
{
	set_state(nf, f, ts_us, NEWFLOW_OPEN);
}

void newflow_refuse(struct newflow *nf, const struct flow *f, int64_t ts_us)
{
	set_state(nf, f, ts_us, NEWFLOW_REFUSED);
}

void newflow_get_stats(const struct newflow *nf, struct newflow_stats *st)
{
	st->evicted = nf->evicted;
	st->open = nf->used;
}
