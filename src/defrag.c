// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fragment reassembly for replay, after the kernel's (net/ipv4/ip_fragment.c,
 * net/ipv6/netfilter/nf_conntrack_reasm.c, inet_fragment.c): live, the
 * chain and conntrack see a datagram only once nf_defrag has put it back
 * together, so replay must judge the same whole datagram, not its first
 * fragment.  Like the kernel: data is kept in runs; a fragment wholly
 * inside a run is a duplicate and only it is dropped; any other overlap
 * discards the whole datagram; lengths that contradict the datagram's
 * discard it too.  Every length comes from the packet and is checked
 * against what was captured before it is used.
 */
#include "config.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "defrag.h"

#define DATA_MAX   65535u /* a datagram's fragmentable part */
#define HDR_MAX	   512u	  /* the part before it, IPv6 extensions too */
#define RUNS_MAX   64	  /* separate stretches of data held */
#define V6_EXT_MAX 16	  /* extension headers walked */
#define OUT_MAX	   (HDR_MAX + DATA_MAX)

#define PROTO_HOPOPTS  0
#define PROTO_TCP      6
#define PROTO_UDP      17
#define PROTO_ROUTING  43
#define PROTO_FRAGMENT 44
#define PROTO_AH       51
#define PROTO_ICMPV6   58
#define PROTO_DSTOPTS  60

/* One fragment, as its headers describe it. */
struct frag {
	uint8_t version;
	uint8_t keyproto; /* IPv4's protocol; 0 for IPv6, which keys none */
	uint8_t nh;	  /* IPv6: the header after the fragment header */
	uint32_t id;
	const uint8_t *src, *dst;
	uint32_t off, end; /* where its data goes in the datagram's */
	bool mf;
	const uint8_t *data;
	const uint8_t *hdr; /* what precedes the fragmentable part */
	uint32_t hdr_len;
	uint32_t nh_at; /* IPv6: the byte that names the fragment header */
	int64_t timeout;
};

struct run {
	uint32_t off, end;
};

/* One datagram being reassembled. */
struct slot {
	bool used, first_in, last_in;
	uint8_t version, keyproto, nh;
	uint32_t id;
	uint8_t src[16], dst[16];
	int64_t deadline;
	uint64_t age;
	uint32_t len, meat, nfrags, nruns;
	struct run runs[RUNS_MAX];
	uint32_t hdr_len, nh_at;
	uint8_t hdr[HDR_MAX];
	uint8_t *data; /* DATA_MAX bytes */
};

struct defrag {
	struct slot slots[DEFRAG_SLOTS];
	uint8_t *data;
	uint8_t out[OUT_MAX];
	uint64_t next_age;
	struct defrag_stats st;
};

enum insert { INSERT_OK, INSERT_DUP, INSERT_OVERLAP, INSERT_FULL };

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

struct defrag *defrag_new(void)
{
	struct defrag *d = calloc(1, sizeof(*d));
	int i;

	if (!d)
		return NULL;
	/* Pages no datagram touches are never faulted in. */
	d->data = calloc(DEFRAG_SLOTS, DATA_MAX);
	if (!d->data) {
		free(d);
		return NULL;
	}
	for (i = 0; i < DEFRAG_SLOTS; i++)
		d->slots[i].data = d->data + (size_t)i * DATA_MAX;
	return d;
}

void defrag_free(struct defrag *d)
{
	if (!d)
		return;
	free(d->data);
	free(d);
}

/* 1: an IPv4 fragment; 0: not one, or cut by the capture. */
static int parse_v4(const uint8_t *ip, size_t len, struct frag *fr)
{
	uint32_t hlen, tot;
	uint16_t fo;

	if (len < 20)
		return 0;
	hlen = (ip[0] & 0x0fu) * 4;
	tot = get16(ip + 2);
	fo = get16(ip + 6);
	if (!(fo & 0x3fff) || hlen < 20 || tot < hlen || tot > len)
		return 0;
	fr->version = 4;
	fr->keyproto = ip[9];
	fr->id = get16(ip + 4);
	fr->src = ip + 12;
	fr->dst = ip + 16;
	fr->off = (fo & 0x1fffu) * 8;
	fr->end = fr->off + (tot - hlen);
	fr->mf = fo & 0x2000;
	fr->data = ip + hlen;
	fr->hdr = ip;
	fr->hdr_len = hlen;
	fr->timeout = DEFRAG_V4_TIMEOUT_US;
	return 1;
}

static bool v6_unfragmentable(uint8_t nh)
{
	return nh == PROTO_HOPOPTS || nh == PROTO_ROUTING ||
	       nh == PROTO_DSTOPTS;
}

/* Where the fragment header is (0: none within end); *nh_at names it. */
static size_t v6_find_fraghdr(const uint8_t *ip, size_t end, uint32_t *nh_at)
{
	size_t off = 40;
	uint8_t nh = ip[6];
	int depth;

	*nh_at = 6;
	for (depth = 0; v6_unfragmentable(nh); depth++) {
		if (depth == V6_EXT_MAX || off + 8 > end)
			return 0;
		*nh_at = (uint32_t)off;
		nh = ip[off];
		off += ((size_t)ip[off + 1] + 1) * 8;
	}
	return nh == PROTO_FRAGMENT && off + 8 <= end ? off : 0;
}

/* 1: an IPv6 fragment; 0: not one; -1: one with absurd headers. */
static int parse_v6(const uint8_t *ip, size_t len, struct frag *fr)
{
	size_t end, fh;
	uint16_t fo;

	if (len < 40)
		return 0;
	end = 40 + (size_t)get16(ip + 4);
	/* payload length 0: a jumbogram, which cannot be fragmented */
	if (end == 40 || end > len)
		return 0;
	fh = v6_find_fraghdr(ip, end, &fr->nh_at);
	fo = fh ? get16(ip + fh + 2) : 0;
	if (!(fo & 0xfff9)) /* none, or atomic: offset 0 and M clear */
		return 0;
	fr->version = 6;
	fr->keyproto = 0;
	fr->nh = ip[fh];
	fr->id = get32(ip + fh + 4);
	fr->src = ip + 8;
	fr->dst = ip + 24;
	fr->off = fo & 0xfff8u;
	fr->end = fr->off + (uint32_t)(end - fh - 8);
	fr->mf = fo & 1;
	fr->data = ip + fh + 8;
	fr->hdr = ip;
	fr->hdr_len = (uint32_t)fh;
	fr->timeout = DEFRAG_V6_TIMEOUT_US;
	return fh > HDR_MAX ? -1 : 1;
}

static size_t v6_ext_len(const uint8_t *p, uint8_t nh)
{
	if (nh == PROTO_FRAGMENT)
		return 8;
	if (nh == PROTO_AH)
		return ((size_t)p[1] + 2) * 4;
	return ((size_t)p[1] + 1) * 8;
}

static bool v6_ext(uint8_t nh)
{
	return v6_unfragmentable(nh) || nh == PROTO_AH || nh == PROTO_FRAGMENT;
}

/*
 * RFC 8200 4.5: a first fragment must hold every header through the
 * upper-layer one.  nf_defrag lets one that does not through as it is
 * (the chain then sees a fragment); a walk it cannot finish is no proof.
 */
static bool v6_thdr_truncated(const struct frag *fr)
{
	const uint8_t *p = fr->data;
	size_t len = fr->end - fr->off, off = 0, need;
	uint8_t nh = fr->nh;
	int depth;

	for (depth = 0; depth < V6_EXT_MAX && v6_ext(nh); depth++) {
		uint8_t cur = nh;

		if (off + 8 > len)
			return false;
		if (cur == PROTO_FRAGMENT && (get16(p + off + 2) & 0xfff8))
			return false;
		nh = p[off];
		off += v6_ext_len(p + off, cur);
	}
	need = nh == PROTO_TCP			       ? 20
	       : nh == PROTO_UDP || nh == PROTO_ICMPV6 ? 8
						       : 1;
	return off + need > len;
}

/* Give up a datagram: its fragments, and extra more, go to why. */
static enum defrag_result slot_kill(struct defrag *d, struct slot *s,
				    enum defrag_drop why, uint32_t extra)
{
	d->st.dropped[why] += s->nfrags + extra;
	s->used = false;
	return DEFRAG_DROPPED;
}

static bool slot_is(const struct slot *s, const struct frag *fr)
{
	size_t alen = fr->version == 4 ? 4 : 16;

	return s->used && s->version == fr->version && s->id == fr->id &&
	       s->keyproto == fr->keyproto && !memcmp(s->src, fr->src, alen) &&
	       !memcmp(s->dst, fr->dst, alen);
}

/* A slot for a new datagram: a free one, an expired one, the oldest. */
static struct slot *slot_take(struct defrag *d, int64_t now)
{
	struct slot *oldest = &d->slots[0];
	int i;

	for (i = 0; i < DEFRAG_SLOTS; i++)
		if (!d->slots[i].used)
			return &d->slots[i];
	for (i = 0; i < DEFRAG_SLOTS; i++) {
		if (now >= d->slots[i].deadline) {
			slot_kill(d, &d->slots[i], DEFRAG_DROP_TIMEOUT, 0);
			return &d->slots[i];
		}
		if (d->slots[i].age < oldest->age)
			oldest = &d->slots[i];
	}
	slot_kill(d, oldest, DEFRAG_DROP_EVICTED, 0);
	return oldest;
}

/* The datagram's slot; one whose timeout passed is over (lazily). */
static struct slot *slot_of(struct defrag *d, const struct frag *fr,
			    int64_t now)
{
	struct slot *s;
	int i;

	for (i = 0; i < DEFRAG_SLOTS; i++) {
		s = &d->slots[i];
		if (!slot_is(s, fr))
			continue;
		if (now < s->deadline)
			return s;
		slot_kill(d, s, DEFRAG_DROP_TIMEOUT, 0);
		break;
	}
	s = slot_take(d, now);
	memset(s->src, 0, sizeof(s->src));
	memset(s->dst, 0, sizeof(s->dst));
	memcpy(s->src, fr->src, fr->version == 4 ? 4 : 16);
	memcpy(s->dst, fr->dst, fr->version == 4 ? 4 : 16);
	s->used = true;
	s->first_in = s->last_in = false;
	s->version = fr->version;
	s->keyproto = fr->keyproto;
	s->id = fr->id;
	s->deadline = now + fr->timeout;
	s->age = d->next_age++;
	s->len = s->meat = s->nfrags = s->nruns = 0;
	return s;
}

static enum insert run_add(struct slot *s, uint32_t at, uint32_t off,
			   uint32_t end)
{
	if (s->nruns == RUNS_MAX)
		return INSERT_FULL;
	memmove(&s->runs[at + 1], &s->runs[at],
		(s->nruns - at) * sizeof(s->runs[0]));
	s->runs[at].off = off;
	s->runs[at].end = end;
	s->nruns++;
	return INSERT_OK;
}

/* inet_frag_queue_insert: append to the last run, or insert apart. */
static enum insert run_insert(struct slot *s, uint32_t off, uint32_t end)
{
	struct run *last = s->nruns ? &s->runs[s->nruns - 1] : NULL;
	uint32_t i;

	if (!last || last->end < end) {
		if (last && off < last->end)
			return INSERT_OVERLAP;
		if (last && off == last->end) {
			last->end = end;
			return INSERT_OK;
		}
		return run_add(s, s->nruns, off, end);
	}
	for (i = 0; i < s->nruns; i++) {
		const struct run *r = &s->runs[i];

		if (end <= r->off)
			return run_add(s, i, off, end);
		if (off < r->end)
			return off >= r->off && end <= r->end ? INSERT_DUP
							      : INSERT_OVERLAP;
	}
	return run_add(s, s->nruns, off, end);
}

/*
 * The datagram's length, as ip_frag_queue and nf_ct_frag6_queue check it:
 * the last fragment fixes it, nothing may reach past it, and other
 * fragments carry multiples of 8 bytes (IPv4 trims, IPv6 refuses).
 * Returns false when the datagram must be discarded.
 */
static bool frag_fits(struct slot *s, const struct frag *fr, uint32_t *end)
{
	*end = fr->end;
	if (!fr->mf) {
		if (*end < s->len || (s->last_in && *end != s->len))
			return false;
		s->last_in = true;
		s->len = *end;
	} else {
		if ((*end & 7) && fr->version == 6)
			return false;
		*end &= ~7u;
		if (*end > s->len) {
			if (s->last_in)
				return false;
			s->len = *end;
		}
	}
	return *end > fr->off && *end <= DATA_MAX;
}

static enum defrag_result slot_complete(struct defrag *d, struct slot *s,
					const uint8_t **out, size_t *out_len)
{
	size_t total = s->hdr_len + s->len;
	uint8_t *o = d->out;

	if (total - (s->version == 4 ? 0 : 40) > 65535)
		return slot_kill(d, s, DEFRAG_DROP_INVALID, 0);
	memcpy(o, s->hdr, s->hdr_len);
	memcpy(o + s->hdr_len, s->data, s->len);
	if (s->version == 4) {
		put16(o + 2, (uint32_t)total);
		o[6] &= 0x40; /* DF stays; MF and the offset go */
		o[7] = 0;
	} else {
		put16(o + 4, (uint32_t)(total - 40));
		o[s->nh_at] = s->nh; /* the fragment header goes */
	}
	d->st.datagrams++;
	s->used = false;
	*out = o;
	*out_len = total;
	return DEFRAG_DONE;
}

static enum defrag_result slot_queue(struct defrag *d, struct slot *s,
				     const struct frag *fr, const uint8_t **out,
				     size_t *out_len)
{
	uint32_t end;

	if (!frag_fits(s, fr, &end))
		return slot_kill(d, s, DEFRAG_DROP_INVALID, 1);
	switch (run_insert(s, fr->off, end)) {
	case INSERT_DUP:
		d->st.dropped[DEFRAG_DROP_DUPLICATE]++;
		return DEFRAG_DROPPED;
	case INSERT_OVERLAP:
		return slot_kill(d, s, DEFRAG_DROP_OVERLAP, 1);
	case INSERT_FULL:
		return slot_kill(d, s, DEFRAG_DROP_INVALID, 1);
	case INSERT_OK:
		break;
	}
	memcpy(s->data + fr->off, fr->data, end - fr->off);
	s->meat += end - fr->off;
	s->nfrags++;
	if (fr->off == 0) {
		memcpy(s->hdr, fr->hdr, fr->hdr_len);
		s->hdr_len = fr->hdr_len;
		s->nh_at = fr->nh_at;
		s->nh = fr->nh;
		s->first_in = true;
	}
	if (s->first_in && s->last_in && s->meat == s->len)
		return slot_complete(d, s, out, out_len);
	return DEFRAG_HELD;
}

enum defrag_result defrag_feed(struct defrag *d, const uint8_t *ip, size_t len,
			       int64_t ts_us, const uint8_t **out,
			       size_t *out_len)
{
	struct frag fr = {0};
	int rc;

	if (len < 1)
		return DEFRAG_WHOLE;
	switch (ip[0] >> 4) {
	case 4:
		rc = parse_v4(ip, len, &fr);
		break;
	case 6:
		rc = parse_v6(ip, len, &fr);
		break;
	default:
		return DEFRAG_WHOLE;
	}
	if (rc == 0)
		return DEFRAG_WHOLE;
	if (rc > 0 && fr.version == 6 && fr.off == 0 && v6_thdr_truncated(&fr))
		return DEFRAG_RAW;
	d->st.fragments++;
	if (rc < 0) {
		d->st.dropped[DEFRAG_DROP_INVALID]++;
		return DEFRAG_DROPPED;
	}
	return slot_queue(d, slot_of(d, &fr, ts_us), &fr, out, out_len);
}

void defrag_finish(struct defrag *d)
{
	int i;

	for (i = 0; i < DEFRAG_SLOTS; i++)
		if (d->slots[i].used)
			slot_kill(d, &d->slots[i], DEFRAG_DROP_INCOMPLETE, 0);
}

void defrag_get_stats(const struct defrag *d, struct defrag_stats *st)
{
	*st = d->st;
}

const char *defrag_drop_str(enum defrag_drop why)
{
	static const char *const names[DEFRAG_DROP__MAX] = {
		[DEFRAG_DROP_DUPLICATE] = "duplicate",
		[DEFRAG_DROP_OVERLAP] = "overlap",
		[DEFRAG_DROP_INVALID] = "invalid",
		[DEFRAG_DROP_TIMEOUT] = "timeout",
		[DEFRAG_DROP_EVICTED] = "evicted",
		[DEFRAG_DROP_INCOMPLETE] = "incomplete",
	};

	return (unsigned)why < DEFRAG_DROP__MAX ? names[why] : "?";
}
