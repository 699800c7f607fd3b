/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFJUDGE_DEFRAG_H
#define NFJUDGE_DEFRAG_H

#include <stddef.h>
#include <stdint.h>

struct defrag;

/* net.ipv4.ipfrag_time and nf_conntrack_frag6_timeout, their defaults */
#define DEFRAG_V4_TIMEOUT_US (30 * 1000000LL)
#define DEFRAG_V6_TIMEOUT_US (60 * 1000000LL)

/* Datagrams reassembled at once; the oldest is given up for a new one. */
#define DEFRAG_SLOTS 64

enum defrag_result {
	DEFRAG_WHOLE,	/* not a fragment (or one that cannot be reassembled
			 * because the capture cut it): the packet as it is */
	DEFRAG_RAW,	/* a fragment nf_defrag lets through unreassembled:
			 * the fence sees it as a fragment */
	DEFRAG_HELD,	/* kept for its datagram: nothing to judge yet */
	DEFRAG_DROPPED, /* discarded, with or without its datagram */
	DEFRAG_DONE,	/* completed a datagram: judge *out instead */
};

/* Why fragments were discarded. */
enum defrag_drop {
	DEFRAG_DROP_DUPLICATE,	/* the same bytes again: only this one */
	DEFRAG_DROP_OVERLAP,	/* overlaps another: the whole datagram */
	DEFRAG_DROP_INVALID,	/* lengths that contradict the datagram's */
	DEFRAG_DROP_TIMEOUT,	/* not complete within its timeout */
	DEFRAG_DROP_EVICTED,	/* given up for a newer datagram */
	DEFRAG_DROP_INCOMPLETE, /* still incomplete when the capture ended */
	DEFRAG_DROP__MAX,
};

struct defrag_stats {
	uint64_t fragments;		    /* fragments taken in */
	uint64_t datagrams;		    /* datagrams completed */
	uint64_t dropped[DEFRAG_DROP__MAX]; /* fragments discarded, by why */
};

/*
 * Reassembly as netfilter's nf_defrag does it before conntrack and the
 * chain see a packet: IPv4 and IPv6, a datagram keyed by its addresses,
 * identification and (IPv4) protocol, discarded whole on an overlap and
 * when its timeout passes in capture time.  Memory is preallocated and
 * bounded; feeding allocates nothing.
 */
struct defrag *defrag_new(void);
void defrag_free(struct defrag *d);

/*
 * One IP packet (its first byte is the IP header's).  On DEFRAG_DONE,
 * *out and *out_len hold the whole datagram, valid until the next call.
 */
enum defrag_result defrag_feed(struct defrag *d, const uint8_t *ip, size_t len,
			       int64_t ts_us, const uint8_t **out,
			       size_t *out_len);

/* The capture ended: what is still held is discarded as incomplete. */
void defrag_finish(struct defrag *d);

void defrag_get_stats(const struct defrag *d, struct defrag_stats *st);

/* A short, stable, lower-case name for a reason, e.g. "overlap". */
const char *defrag_drop_str(enum defrag_drop why);

#endif
