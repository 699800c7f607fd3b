/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFJUDGE_NFLOG_H
#define NFJUDGE_NFLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The packets the fence drops in the kernel, as its NFLOG rules log them:
 * the only file that speaks nfnetlink_log.  The instance numbers what it
 * sends (NFULNL_CFG_F_SEQ), so packets the kernel logged but could not
 * deliver (our buffer full, or its own allocation failed) show as a gap.
 */

struct nflog;

struct nflog_packet {
	const uint8_t *data; /* bare IP packet, cut at the rule's size */
	size_t caplen;
	const char *prefix; /* the rule's prefix; not NUL-terminated */
	size_t prefix_len;
	uint8_t hook; /* NF_INET_*: LOCAL_IN for the input chain */
	bool has_seq; /* seq valid */
	uint32_t seq; /* the instance's number for this packet */
};

typedef void (*nflog_packet_cb)(const struct nflog_packet *pkt, void *data);

/*
 * Parse one buffer of nfnetlink_log messages, calling cb for each packet
 * message whose attributes are well formed; others are counted in
 * *invalid.  Pure: what the socket received, or a fuzzer's bytes.
 */
void nflog_parse(const void *buf, size_t len, nflog_packet_cb cb, void *data,
		 uint64_t *invalid);

/*
 * Bind NFLOG group: copy up to copy bytes of each packet, number them, and
 * let the kernel batch up to qthresh packets for at most timeout_cs
 * hundredths of a second.  Needs CAP_NET_ADMIN.  NULL with errno set.
 */
struct nflog *nflog_open(uint16_t group, uint32_t copy, uint32_t qthresh,
			 uint32_t timeout_cs);
void nflog_close(struct nflog *l);
int nflog_fd(const struct nflog *l);

/*
 * Read what is waiting (non-blocking) and hand each packet to cb.  Returns
 * the number of packets, 0 when nothing was waiting, -ENOBUFS when the
 * kernel had to drop messages for want of room (the next packet's seq
 * says how many), or another -errno.
 */
int nflog_receive(struct nflog *l, nflog_packet_cb cb, void *data);

/* Messages that failed validation, since open. */
uint64_t nflog_invalid(const struct nflog *l);

#endif
