/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFJUDGE_NFQUEUE_H
#define NFJUDGE_NFQUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct nfqueue;

struct nfqueue_opts {
	uint16_t queue;
	uint32_t maxlen;    /* packets the kernel holds for us */
	uint32_t copy;	    /* bytes of each packet copied to us */
	int rcvbuf;	    /* socket receive buffer, bytes */
	bool fail_open;	    /* kernel accepts when the queue is full */
	uint32_t mark;	    /* reject mark value ... */
	uint32_t mark_mask; /* ... under this mask */
};

/* One queued packet, valid during the callback only. */
struct nfqueue_packet {
	uint32_t id;
	uint16_t queue;
	const uint8_t *data; /* bare IP packet, at most opts.copy bytes */
	size_t caplen;
	size_t len; /* the packet's full length */
	uint32_t mark;
	uint32_t outdev; /* 0 when unknown */
	bool inbound;	 /* queued at INPUT: a flow the outside opened */
	bool have_owner; /* the socket's uid/gid were given */
	uid_t uid;
	gid_t gid;
};

enum nfqueue_verdict {
	NFQUEUE_ACCEPT,
	NFQUEUE_REJECT, /* mark it and NF_REPEAT: the chain's REJECT rule fires
			 */
	NFQUEUE_DROP,
};

typedef void (*nfqueue_packet_cb)(const struct nfqueue_packet *pkt, void *data);

/*
 * Bind a queue and configure it (copy range, queue length, uid/gid, fail
 * open or closed, receive buffer).  NULL with errno on failure; EBUSY means
 * another process has bound the queue.
 */
struct nfqueue *nfqueue_open(const struct nfqueue_opts *opts);
/*
 * Another handle on q's socket, with its own receive buffer, verdict batch
 * and stats, for another thread: datagrams go to whichever receives, and
 * a verdict may come from any handle.  Close it before q.  NULL with
 * errno on failure.
 */
struct nfqueue *nfqueue_clone(const struct nfqueue *q);
void nfqueue_close(struct nfqueue *q);
int nfqueue_fd(const struct nfqueue *q);

/*
 * Receive what the socket holds (up to 16 datagrams in one call, each of
 * which may carry many packets) and call cb for each valid one.  Returns
 * the number of packets, 0 when nothing was waiting (non-blocking), or
 * -errno.  -ENOBUFS means the
 * kernel dropped messages for us: the packets concerned stay queued until
 * the queue overflows, then the fail policy applies.  A verdict the kernel
 * refused because it had already flushed the packet (ENOENT) is counted
 * in the stats, not returned.
 */
int nfqueue_receive(struct nfqueue *q, nfqueue_packet_cb cb, void *data);

/*
 * Did the last receive fill every slot?  Only then may more be waiting:
 * otherwise the socket was empty when it returned, and asking again
 * would only find that out.
 */
bool nfqueue_more(const struct nfqueue *q);

struct nfqueue_stats;

/*
 * The parser under nfqueue_receive(), bytes in (for tests and fuzzing):
 * one datagram from the queue socket of portid; packets of it to cb,
 * counts to st.  Returns the packets, or -errno for an error message
 * other than a verdict for a flushed packet (ENOENT, counted as stale) or
 * a malformed datagram.
 */
int nfqueue_parse(const void *buf, size_t len, uint32_t portid, uint16_t queue,
		  nfqueue_packet_cb cb, void *data, struct nfqueue_stats *st);

/*
 * Queue a verdict for packet id; verdicts are sent together by nfqueue_flush(),
 * or sooner when the batch fills up.  pkt_mark is the packet's mark, so a
 * reject changes only the bits under the mask.  Returns 0 or -errno.
 */
int nfqueue_verdict(struct nfqueue *q, uint32_t id, uint32_t pkt_mark,
		    enum nfqueue_verdict v);
int nfqueue_flush(struct nfqueue *q);

struct nfqueue_stats {
	uint64_t received;
	uint64_t verdicts;
	uint64_t enobufs; /* times the socket overflowed */
	uint64_t invalid; /* messages that failed validation */
	uint64_t stale;	  /* verdicts for packets the kernel had flushed */
};
void nfqueue_get_stats(const struct nfqueue *q, struct nfqueue_stats *st);

/*
 * The kernel's own counters for a queue from /proc/net/netfilter/
 * nfnetlink_queue: packets dropped because the queue was full and because
 * the socket could not take them.  Returns 0 or -ENOENT.
 */
int nfqueue_kernel_drops(uint16_t queue, uint64_t *queue_dropped,
			 uint64_t *user_dropped);

#endif
