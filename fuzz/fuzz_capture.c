// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for the capture path of replay: the input is a whole
 * pcap or pcapng file, opened with capture_open() as replay opens one, and
 * every packet goes through decode and the new-flow test.  No input may
 * crash it; a damaged file must end the loop with an error, not hang.
 * The block reader and libpcap alone must read the same packets, the same
 * bytes and the same end (with the same message).
 */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include "capture.h"
#include "decode.h"
#include "flow.h"
#include "newflow.h"

/* More packets than any seed holds; a bound, not a limit that matters. */
#define FUZZ_MAX_PACKETS 100000

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void judge_all(struct capture *cap, struct newflow *nf)
{
	struct capture_pkt pkt;
	struct flow f;
	char err[256];
	bool reply;
	int n = 0, rc;

	while (n++ < FUZZ_MAX_PACKETS &&
	       (rc = capture_next(cap, &pkt, err, sizeof(err))) == 1) {
		if (decode_packet(pkt.data, pkt.caplen, capture_link(cap),
				  &f) != DECODE_OK)
			continue;
		/* Any int64 timestamp must not break the flow table; its low
		 * bit says whether a packet that opens a flow was let through
		 * or refused, so both paths are taken. */
		if (newflow_lookup(nf, &f, pkt.ts_us, &reply) == NEWFLOW_OPEN)
			continue;
		if (pkt.ts_us & 1)
			newflow_pass(nf, &f, pkt.ts_us);
		else
			newflow_refuse(nf, &f, pkt.ts_us);
	}
}

static bool same_pkt(const struct capture_pkt *a, const struct capture_pkt *b)
{
	return a->caplen == b->caplen && a->len == b->len &&
	       a->ts_us == b->ts_us && !memcmp(a->data, b->data, a->caplen);
}

/* Both readers over the same file, packet by packet. */
static void compare_readers(const char *path)
{
	char err[256], ea[256] = "", eb[256] = "";
	struct capture *a = capture_open(path, NULL, err, sizeof(err));
	struct capture *b = capture_open(path, NULL, err, sizeof(err));
	struct capture_pkt pa, pb;
	int n = 0, ra, rb;

	if (!a != !b)
		abort();
	if (!a)
		return;
	capture_use_libpcap(b);
	do {
		size_t plen = 0;
		const uint8_t *peek = n ? capture_peek(a, &plen) : NULL;
		/* the look ahead is valid only until the next read */
		uint8_t *seen = peek ? malloc(plen + 1) : NULL;

		if (seen)
			memcpy(seen, peek, plen);
		ra = capture_next(a, &pa, ea, sizeof(ea));
		rb = capture_next(b, &pb, eb, sizeof(eb));
		if (ra != rb || (ra == 1 && !same_pkt(&pa, &pb)))
			abort();
		/* what the look ahead showed is what came next */
		if (seen && (ra != 1 || plen != pa.caplen ||
			     memcmp(seen, pa.data, plen)))
			abort();
		free(seen);
	} while (ra == 1 && n++ < FUZZ_MAX_PACKETS);
	if (ra < 0 && strcmp(ea, eb))
		abort();
	capture_close(a);
	capture_close(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = memfd_create("fuzz-capture", MFD_CLOEXEC);
	char path[64], err[256];
	struct capture *cap;
	struct newflow *nf;

	if (fd < 0)
		abort();
	if (size && write(fd, data, size) != (ssize_t)size)
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	cap = capture_open(path, NULL, err, sizeof(err));
	nf = newflow_new(64, NEWFLOW_UDP_TIMEOUT_US);
	if (!nf)
		abort();
	if (cap)
		judge_all(cap, nf);
	capture_close(cap);
	newflow_free(nf);
	compare_readers(path);
	close(fd);
	return 0;
}
