/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFJUDGE_CAPTURE_H
#define NFJUDGE_CAPTURE_H

#include <stddef.h>
#include <stdint.h>

struct capture;
struct capture_writer;

/* One packet as read from a capture. */
struct capture_pkt {
	const uint8_t *data;
	size_t caplen;
	size_t len;    /* on the wire */
	int64_t ts_us; /* microseconds since the epoch */
};

/*
 * Open a pcap or pcapng file ("-" for standard input), optionally with a
 * BPF filter.  On failure (unreadable, not a capture, bad filter, a link
 * type the decoder does not know) returns NULL with a message naming the
 * file in err.
 */
struct capture *capture_open(const char *path, const char *filter, char *err,
			     size_t errlen);
void capture_close(struct capture *cap);

/* The link type, as the decoder numbers it. */
int capture_link(const struct capture *cap);

/*
 * Read the next packet that passes the filter.  Returns 1 with *pkt filled
 * (valid until the next call), 0 at the end of the file, or -1 when the
 * file is damaged (truncated mid-record, ...) with a message in err.
 */
int capture_next(struct capture *cap, struct capture_pkt *pkt, char *err,
		 size_t errlen);

/*
 * The bytes of a record after the one capture_next() gave last (skip 0:
 * the next one, 1: the one after it, ...), when it and the records before
 * it are already in memory (NULL otherwise, and always with libpcap): a
 * look ahead, to fetch what judging it will need.  It stays in place until
 * capture_next() has given it.  The record may not pass the filter.
 */
const uint8_t *capture_peek(const struct capture *cap, unsigned skip,
			    size_t *caplen);

/*
 * Read the rest of the capture through libpcap alone, not through the
 * block reader that takes well-formed pcap records itself: for tests
 * that compare the two.
 */
void capture_use_libpcap(struct capture *cap);

/*
 * Write bare IP packets (LINKTYPE_RAW) to a pcap file, as the daemon's
 * --pcap-out does; replay reads them back.  NULL with errno on failure.
 */
struct capture_writer *capture_writer_open(const char *path);
int capture_writer_put(struct capture_writer *w, const uint8_t *data,
		       size_t caplen, size_t len, int64_t ts_us);
void capture_writer_close(struct capture_writer *w);

#endif
