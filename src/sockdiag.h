/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFJUDGE_SOCKDIAG_H
#define NFJUDGE_SOCKDIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct flow;
struct inet_diag_req_v2;
struct sockdiag;

/* The socket that sent a flow, as the kernel reports it. */
struct sockdiag_result {
	uint32_t inode;	  /* 0: no file holds it (orphaned) */
	uid_t uid;	  /* socket owner (the creator's fsuid) */
	uint8_t state;	  /* TCP_* state; UDP reports TCP_ESTABLISHED/CLOSE */
	uint8_t family;	  /* AF_INET, or AF_INET6 for a dual-stack socket */
	uint32_t ifindex; /* device the socket is bound to; 0 when unbound */
	uint64_t cookie;  /* the kernel's socket cookie (SO_COOKIE) */
	bool mapped;	  /* found as ::ffff:a.b.c.d on an AF_INET6 socket */
	bool wildcard;	  /* found by the unconnected-UDP wildcard retry */
};

/*
 * One NETLINK_SOCK_DIAG socket, reused for every lookup.  Replies wait at
 * most SOCKDIAG_TIMEOUT_MS, so a lost reply costs a timeout, not the queue.
 * NULL with errno set on failure.
 */
#define SOCKDIAG_TIMEOUT_MS 100
struct sockdiag *sockdiag_open(void);
void sockdiag_close(struct sockdiag *sd);

/*
 * Find the local socket that sent an outbound TCP or UDP packet: exact
 * lookups by 5-tuple, then the retries a real system needs (dual-stack
 * socket sending IPv4, socket bound to ifindex -- NFQUEUE's outdev, 0 when
 * unknown --, unconnected UDP socket).  Returns 0 and fills *res, -ENOENT
 * when no socket owns the flow (or only a TIME_WAIT / request socket that
 * carries no owner), -ETIMEDOUT, or another -errno.
 */
int sockdiag_lookup(struct sockdiag *sd, const struct flow *flow,
		    uint32_t ifindex, struct sockdiag_result *res);

/*
 * The local socket a new inbound flow (direction in: src is the remote
 * end) arrives at: the TCP listener, or the UDP socket bound to its
 * destination, found as sockdiag_lookup finds a sender, with ifindex the
 * socket's bound device (0: unknown).  Same returns.
 */
int sockdiag_lookup_inbound(struct sockdiag *sd, const struct flow *flow,
			    uint32_t ifindex, struct sockdiag_result *res);

/* The flow as its local end sends it: ends swapped, direction out. */
void sockdiag_reverse(const struct flow *in, struct flow *out);

/* The states of a request that asks for a TCP listener (inbound). */
#define SOCKDIAG_LISTENER (1U << 10) /* TCPF_LISTEN */

/*
 * How many UDP sockets could have sent flow: bound to its source port, at
 * its source address or none, and connected to its destination or to
 * nothing.  Several (SO_REUSEADDR, SO_REUSEPORT) mean that the one
 * sockdiag_lookup found may not be the sender.  0 and *count, or -errno.
 */
int sockdiag_udp_senders(struct sockdiag *sd, const struct flow *flow,
			 int *count);

/*
 * One exact request as the kernel takes it, for callers (tests) that want
 * the raw semantics: 0 when the kernel returned a socket whose tuple equals
 * the request's (wildcards allowed where the request has them).
 */
int sockdiag_query(struct sockdiag *sd, const struct inet_diag_req_v2 *req,
		   struct sockdiag_result *res);

/*
 * Parse one reply datagram to req sent with sequence number seq to netlink
 * port portid (0: do not check).  Pure, no I/O.  Returns 0 (found, tuple
 * checked), -ENOENT (no such socket, a mismatched one, or one without
 * owner), -EAGAIN (nothing in buf answers seq: read again), -EBADMSG
 * (malformed) or the -errno the kernel sent.
 */
int sockdiag_parse(const void *buf, size_t len, uint32_t seq, uint32_t portid,
		   const struct inet_diag_req_v2 *req,
		   struct sockdiag_result *res);

/*
 * Parse one datagram of a dump answering req (seq, portid as above),
 * adding to *count the sockets that fit req's flow.  Pure.  1 at the
 * dump's end, 0 when more is to come, -EBADMSG or the kernel's -errno.
 */
int sockdiag_parse_dump(const void *buf, size_t len, uint32_t seq,
			uint32_t portid, const struct inet_diag_req_v2 *req,
			int *count);

#endif
