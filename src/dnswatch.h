/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFJUDGE_DNSWATCH_H
#define NFJUDGE_DNSWATCH_H

#include <stddef.h>
#include <stdint.h>

#include "dnsname.h"

/*
 * The daemon's names for addresses: dnsname's tables behind one mutex,
 * fed with the queries the workers let out and the answers the fence's
 * NFLOG rule copies back (the group after the fence's own).  Workers read
 * it on the verdict path; the control thread drains the answers.
 */
struct dnswatch;
struct flow;
struct nflog;

/* Tables of names and queries, allocated once.  NULL with errno set. */
struct dnswatch *dnswatch_new(size_t names, size_t queries);
/* Frees the watch and the NFLOG handle it was given.  NULL is fine. */
void dnswatch_free(struct dnswatch *w);

/* Answers come from l from now on (owned by the watch). */
void dnswatch_attach(struct dnswatch *w, struct nflog *l);
/* The NFLOG socket to poll, or -1. */
int dnswatch_fd(const struct dnswatch *w);

/*
 * A packet the sandbox sent and the policy let out (the bare IP packet
 * as queued, f its decoded flow): kept as a pending query when it is UDP
 * to port 53 and a well-formed query.
 */
void dnswatch_sent(struct dnswatch *w, const struct flow *f, const uint8_t *pkt,
		   size_t caplen, int64_t now_us);

/*
 * An inbound packet as NFLOG copies it: learned from when it is a UDP
 * answer from port 53 to a pending query.  The count learned, or -errno
 * as dnsname_answer() (-EINVAL: not a UDP packet from port 53).
 */
int dnswatch_received(struct dnswatch *w, const uint8_t *pkt, size_t caplen,
		      int64_t now_us);

/*
 * Learn from every answer waiting on the NFLOG socket.  Returns how many
 * messages were read, or -errno (-ENOBUFS: the kernel lost some).
 */
int dnswatch_drain(struct dnswatch *w, int64_t now_us);

/*
 * The names of f's destination, into *out.  When none is known and a
 * query is outstanding, the answers waiting (16 at most) are read first:
 * an answer the sandbox has received before it connects is then learned
 * before the connection is judged.
 */
void dnswatch_lookup(struct dnswatch *w, const struct flow *f, int64_t now_us,
		     struct dnsname_list *out);

/* CLOCK_MONOTONIC in microseconds: the watch's time. */
int64_t dnswatch_now(void);

#endif
