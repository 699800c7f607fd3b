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

/* A look ahead, copied when it was shown. */
struct fuzz_peek {
	const uint8_t *at;
	size_t len;
	uint8_t *copy;
};

static void peek_take(struct fuzz_peek *p, const struct capture *cap,
		      unsigned skip)
{
	p->at = capture_peek(cap, skip, &p->len);
	p->copy = p->at ? malloc(p->len + 1) : NULL;
	if (p->copy)
		memcpy(p->copy, p->at, p->len);
}

/*
 * Replay takes a decode ahead for the packet at its address: a record
 * shown ahead stays where it was shown, and a packet given there is what
 * it showed, unless libpcap has taken over (it then shows nothing more).
 */
static void peek_check(struct fuzz_peek *p, const struct capture *cap,
		       const struct capture_pkt *pkt)
{
	size_t len;

	if (p->copy && p->at != pkt->data && capture_peek(cap, 0, &len))
		abort();
	if (p->copy && p->at == pkt->data &&
	    (p->len != pkt->caplen || memcmp(p->copy, pkt->data, p->len)))
		abort();
	free(p->copy);
	p->copy = NULL;
}

/* Both readers over the same file, packet by packet. */
static void compare_readers(const char *path)
{
	char err[256], ea[256] = "", eb[256] = "";
	struct capture *a = capture_open(path, NULL, err, sizeof(err));
	struct capture *b = capture_open(path, NULL, err, sizeof(err));
	/* the records two on, shown at the last two packets */
	struct fuzz_peek next = {0}, after[2] = {{0}};
	struct capture_pkt pa, pb;
	int n = 0, ra, rb;

	if (!a != !b)
		abort();
	if (!a)
		return;
	capture_use_libpcap(b);
	do {
		if (n)
			peek_take(&next, a, 0);
		ra = capture_next(a, &pa, ea, sizeof(ea));
		rb = capture_next(b, &pb, eb, sizeof(eb));
		if (ra != rb || (ra == 1 && !same_pkt(&pa, &pb)))
			abort();
		/* what the look ahead showed is what came next */
		if (next.copy && (ra != 1 || next.len != pa.caplen ||
				  memcmp(next.copy, pa.data, next.len)))
			abort();
		peek_check(&next, a, &pa);
		if (ra != 1)
			break;
		peek_check(&after[n % 2], a, &pa);
		peek_take(&after[n % 2], a, 1);
	} while (n++ < FUZZ_MAX_PACKETS);
	free(after[0].copy);
	free(after[1].copy);
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
