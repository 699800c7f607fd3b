/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFJUDGE_DNSNAME_H
#define NFJUDGE_DNSNAME_H

#include <stddef.h>
#include <stdint.h>

/*
 * Names for addresses, learned from the DNS answers the sandbox receives.
 * An answer counts only when it answers a query the sandbox was seen to
 * send: the same ID, question (name, type, class, the name compared
 * without regard to case), client address and port, and server address
 * and port.  The query is then consumed, so that a second answer -- the
 * real one, or a spoofer's -- teaches nothing.  Only the answer section
 * is read, and only the records on the question's CNAME chain: a record
 * for another name, such as an attacker's extra A record, is ignored.
 *
 * Both tables are allocated once, at dnsname_new(); learning and looking
 * up allocate nothing.  Messages are parsed with libresolv.
 */
struct dnsname;

/* A DNS exchange, seen from the query: client -> server. */
struct dnsname_flow {
	int ip_version; /* 4 or 6; IPv4 addresses in the first 4 bytes */
	uint8_t client[16], server[16];
	uint16_t client_port, server_port;
};

/* Longest name kept, in presentation form; longer ones are not learned. */
#define DNSNAME_NAME_MAX 256
/* An answer is kept at least this long, whatever its TTL (a TTL of 0 still
 * names the connection that follows it), and at most a day. */
#define DNSNAME_TTL_MIN_S 10
#define DNSNAME_TTL_MAX_S 86400
/* An unanswered query is forgotten after this long. */
#define DNSNAME_QUERY_TIMEOUT_S 30

/* Tables of at most names (address, name) pairs and queries outstanding
 * queries.  NULL with errno set. */
struct dnsname *dnsname_new(size_t names, size_t queries);
void dnsname_free(struct dnsname *d);

/*
 * A query the sandbox sent (msg without TCP's length prefix).  0, or
 * -EBADMSG when msg is not a standard query with one question.  When the
 * table of queries is full the oldest is forgotten.
 */
int dnsname_query(struct dnsname *d, const struct dnsname_flow *f,
		  const uint8_t *msg, size_t len, int64_t now_us);

/*
 * An answer, f as for its query (client and server not swapped).  Returns
 * the number of addresses learned (0 for an answer without any, such as
 * NXDOMAIN), -ENOENT when it answers no outstanding query (spoofed, late
 * or repeated), -EBADMSG when it is not a well-formed response.  When the
 * table of names is full, of the next 32 entries (a hand goes round the
 * table) the one nearest its expiry makes room: learning is bounded too.
 */
int dnsname_answer(struct dnsname *d, const struct dnsname_flow *f,
		   const uint8_t *msg, size_t len, int64_t now_us);

/* The name most recently learned for an address and not expired, or
 * NULL.  Valid until the next call that learns. */
const char *dnsname_lookup(const struct dnsname *d, int ip_version,
			   const uint8_t addr[16], int64_t now_us);

/*
 * Each live name an address has (for a policy's host match), in no
 * particular order, until fn returns non-zero; returns that value or 0.
 */
int dnsname_each(const struct dnsname *d, int ip_version,
		 const uint8_t addr[16], int64_t now_us,
		 int (*fn)(void *ctx, const char *name), void *ctx);

/* Entries in use (expired ones included until reused). */
size_t dnsname_count(const struct dnsname *d);

/* Names kept per address for a host match; more are not looked at. */
#define DNSNAME_LIST_MAX 8

/* What one address is called: the most recent name first. */
struct dnsname_list {
	size_t n;
	char name[DNSNAME_LIST_MAX][DNSNAME_NAME_MAX];
	const char *ptr[DNSNAME_LIST_MAX]; /* into name[] */
};

/* The live names of an address, the most recent first, into *out. */
void dnsname_list(const struct dnsname *d, int ip_version,
		  const uint8_t addr[16], int64_t now_us,
		  struct dnsname_list *out);

/*
 * The same for whole IP packets, as the queue, NFLOG or a capture has
 * them, f their decoded flow.  A packet the sandbox sent and the policy
 * let out is kept as a query when it is a UDP datagram to port 53 and a
 * query; one the sandbox received is an answer when it is a UDP datagram
 * from port 53.  Not from a server on loopback, where any program in the
 * sandbox can answer.  -EINVAL when the packet is not such a datagram (or not
 * outbound, for a query), -EBADMSG when it is cut short; else as
 * dnsname_query() and dnsname_answer().
 */
struct flow;
int dnsname_query_packet(struct dnsname *d, const struct flow *f,
			 const uint8_t *pkt, size_t caplen, int64_t now_us);
int dnsname_answer_packet(struct dnsname *d, const struct flow *f,
			  const uint8_t *pkt, size_t caplen, int64_t now_us);

#endif
