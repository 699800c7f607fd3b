// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Captures in and out, through libpcap: it reads pcap and pcapng, compiles
 * BPF filters, and knows every capture's quirks better than we would.
 *
 * Except for speed: reading a classic pcap file through libpcap costs two
 * stdio reads and a copy per packet.  Once libpcap has opened and checked
 * a regular pcap file, the file is mapped here a window at a time and its
 * records are handed out in place, never copied; at the first record that
 * is not plainly well formed (cut short, longer than the snapshot length,
 * ...), or that cannot be mapped, libpcap takes over from that record, so
 * every damaged file is reported as before.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include <pcap/pcap.h>

#include "capture.h"
#include "decode.h"

#define CAPTURE_READ_BUF (1 << 20)
/* The file is mapped this much at a time: far more than a record. */
#define CAPTURE_WINDOW (8 << 20)

#define PCAP_FILE_HDR 24
#define PCAP_REC_HDR  16
#define PCAP_SNAP_MAX 262144 /* libpcap's MAXIMUM_SNAPLEN */

struct capture {
	pcap_t *pc;
	const char *path;
	int link;
	struct bpf_program prog;
	bool filtered;
	/* the block reader, when block is set (otherwise libpcap reads) */
	bool block;
	uint8_t *buf;	 /* in the window: the file from off on */
	size_t len, pos; /* bytes at buf; the next record is at buf + pos */
	off_t off;	 /* where buf starts in the file */
	off_t size;	 /* the file's, when the window was mapped */
	void *map;	 /* the window mapped, or NULL */
	size_t map_len;
	int fd;
	bool swapped, nsec;
	uint32_t snap;
};

struct capture_writer {
	pcap_t *pc;
	pcap_dumper_t *dump;
};

/*
 * libpcap hands out DLT_* values; the decoder speaks LINKTYPE_* (what the
 * file stores).  They differ for a few types only.
 */
static int link_from_dlt(int dlt)
{
	if (dlt == DLT_RAW)
		return DECODE_LINK_RAW;
#ifdef DLT_LOOP
	if (dlt == DLT_LOOP)
		return DECODE_LINK_LOOP;
#endif
	return dlt;
}

/* The program stays: the block reader runs it on its own records. */
static int set_filter(struct capture *cap, const char *filter, char *err,
		      size_t errlen)
{
	if (pcap_compile(cap->pc, &cap->prog, filter, 1,
			 PCAP_NETMASK_UNKNOWN)) {
		snprintf(err, errlen, "%s: bad filter '%s': %s", cap->path,
			 filter, pcap_geterr(cap->pc));
		return -1;
	}
	cap->filtered = true;
	if (pcap_setfilter(cap->pc, &cap->prog)) {
		snprintf(err, errlen, "%s: cannot set filter: %s", cap->path,
			 pcap_geterr(cap->pc));
		return -1;
	}
	return 0;
}

static uint32_t get32(const struct capture *cap, const uint8_t *p)
{
	if (cap->swapped)
		return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		       (uint32_t)p[2] << 8 | p[3];
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[1] << 8 | p[0];
}

/* The four magics of plain pcap, read little-endian. */
static bool pcap_magic(struct capture *cap, const uint8_t m[4])
{
	uint32_t v = (uint32_t)m[3] << 24 | (uint32_t)m[2] << 16 |
		     (uint32_t)m[1] << 8 | m[0];

	cap->swapped = v == 0xd4c3b2a1 || v == 0x4d3cb2a1;
	cap->nsec = v == 0xa1b23c4d || v == 0x4d3cb2a1;
	return v == 0xa1b2c3d4 || v == 0xd4c3b2a1 || cap->nsec;
}

/* Take over from libpcap when the file is a regular, plain pcap one. */
static void block_setup(struct capture *cap)
{
	FILE *f = pcap_file(cap->pc);
	uint8_t magic[4];
	struct stat st;

	/* Before 2.4, caplen and len may be the other way round. */
	if (!f || pcap_major_version(cap->pc) != 2 ||
	    pcap_minor_version(cap->pc) != 4 || fstat(fileno(f), &st) ||
	    !S_ISREG(st.st_mode) ||
	    pread(fileno(f), magic, sizeof(magic), 0) != sizeof(magic) ||
	    !pcap_magic(cap, magic))
		return;
	cap->block = true;
	cap->fd = fileno(f);
	cap->size = st.st_size;
	cap->off = PCAP_FILE_HDR;
	cap->len = cap->pos = 0;
	/* Longer records are libpcap's to judge (it may cut or refuse). */
	cap->snap = (uint32_t)pcap_snapshot(cap->pc);
	if (cap->snap > PCAP_SNAP_MAX)
		cap->snap = PCAP_SNAP_MAX;
}

/*
 * libpcap reads through stdio; a large buffer turns many small reads into
 * few large ones, which is most of the cost of reading a big capture.
 */
static pcap_t *open_file(const char *path, char *errbuf)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "re") : stdin;
	pcap_t *pc;

	if (!f) {
		snprintf(errbuf, PCAP_ERRBUF_SIZE, "%s: %s", path,
			 strerror(errno));
		return NULL;
	}
	setvbuf(f, NULL, _IOFBF, CAPTURE_READ_BUF);
	pc = pcap_fopen_offline_with_tstamp_precision(
		f, PCAP_TSTAMP_PRECISION_MICRO, errbuf);
	if (!pc && f != stdin)
		fclose(f);
	return pc;
}

struct capture *capture_open(const char *path, const char *filter, char *err,
			     size_t errlen)
{
	char errbuf[PCAP_ERRBUF_SIZE] = "";
	struct capture *cap = calloc(1, sizeof(*cap));

	if (!cap) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	cap->path = path;
	cap->pc = open_file(path, errbuf);
	if (!cap->pc) {
		/* libpcap names the file itself when it could not open it. */
		if (!strncmp(errbuf, path, strlen(path)))
			snprintf(err, errlen, "%s", errbuf);
		else
			snprintf(err, errlen, "%s: %s", path, errbuf);
		goto fail;
	}
	cap->link = link_from_dlt(pcap_datalink(cap->pc));
	if (!decode_link_supported(cap->link)) {
		const char *name =
			pcap_datalink_val_to_name(pcap_datalink(cap->pc));

		snprintf(err, errlen, "%s: unsupported link type %d (%s)", path,
			 pcap_datalink(cap->pc), name ? name : "unknown");
		goto fail;
	}
	if (filter && set_filter(cap, filter, err, errlen))
		goto fail;
	block_setup(cap);
	return cap;
fail:
	capture_close(cap);
	return NULL;
}

void capture_close(struct capture *cap)
{
	if (!cap)
		return;
	if (cap->filtered)
		pcap_freecode(&cap->prog);
	if (cap->map)
		munmap(cap->map, cap->map_len);
	if (cap->pc)
		pcap_close(cap->pc);
	free(cap);
}

int capture_link(const struct capture *cap)
{
	return cap->link;
}

static void window_unmap(struct capture *cap)
{
	if (cap->map)
		munmap(cap->map, cap->map_len);
	cap->map = NULL;
	cap->buf = NULL;
	cap->len = cap->pos = 0;
}

/* libpcap goes on from the next record, wherever the block reader is. */
void capture_use_libpcap(struct capture *cap)
{
	if (!cap->block)
		return;
	fseeko(pcap_file(cap->pc), cap->off + (off_t)cap->pos, SEEK_SET);
	window_unmap(cap);
	cap->block = false;
}

/*
 * The window that starts with the file's byte at (from the page it is
 * in): 0, or -1 when it cannot be mapped.  Populating it first reads the
 * file, so that a read error or a file cut short since is an error here
 * rather than a SIGBUS later.  XXX: a file cut short between the two can
 * still raise one; captures are not written while they are replayed.
 */
static int window_map(struct capture *cap, off_t at)
{
	off_t start = at & ~(off_t)(sysconf(_SC_PAGESIZE) - 1);
	size_t len = CAPTURE_WINDOW;
	void *p;

	window_unmap(cap);
	cap->off = at;
	if (cap->size - start < (off_t)len)
		len = (size_t)(cap->size - start);
	p = mmap(NULL, len, PROT_READ, MAP_PRIVATE, cap->fd, start);
	if (p == MAP_FAILED)
		return -1;
	cap->map = p;
	cap->map_len = len;
	/* EINVAL: a kernel before 5.14, which faults the pages in instead */
	if (madvise(p, len, MADV_POPULATE_READ) && errno != EINVAL)
		return -1;
	cap->buf = (uint8_t *)p + (at - start);
	cap->len = len - (size_t)(at - start);
	return 0;
}

/* At least need bytes at buf + pos: 0; none left at all: 1; fewer: -1. */
static int block_fill(struct capture *cap, size_t need)
{
	off_t at = cap->off + (off_t)cap->pos;
	struct stat st;

	if (cap->len - cap->pos >= need)
		return 0;
	/* a file that grew since is libpcap's to read on */
	if (at == cap->size)
		return fstat(cap->fd, &st) || st.st_size != cap->size ? -1 : 1;
	if (cap->size - at < (off_t)need)
		return -1;
	return window_map(cap, at);
}

/*
 * The timestamp as libpcap gives it, nanoseconds scaled down to
 * microseconds.  libpcap widens the seconds and the fraction as signed
 * 32-bit numbers in a file of the host's byte order, and as unsigned ones
 * in a swapped file: out-of-range values come out as it gives them.
 */
static int64_t block_ts(const struct capture *cap, const uint8_t *h)
{
	uint32_t sec = get32(cap, h), frac = get32(cap, h + 4);
	int32_t ssec = (int32_t)sec, sfrac = (int32_t)frac;

	if (cap->swapped)
		return (int64_t)sec * 1000000 +
		       (cap->nsec ? frac / 1000 : frac);
	return (int64_t)ssec * 1000000 + (cap->nsec ? sfrac / 1000 : sfrac);
}

/* 1 with a packet, 0 at the end, -2: libpcap must read this record. */
static int block_next(struct capture *cap, struct capture_pkt *pkt)
{
	struct pcap_pkthdr ph = {0};
	const uint8_t *h;

	do {
		int rc = block_fill(cap, PCAP_REC_HDR);

		if (rc)
			return rc > 0 ? 0 : -2;
		h = cap->buf + cap->pos;
		pkt->caplen = get32(cap, h + 8);
		pkt->len = get32(cap, h + 12);
		if (pkt->caplen > cap->snap || pkt->caplen > pkt->len ||
		    block_fill(cap, PCAP_REC_HDR + pkt->caplen))
			return -2;
		h = cap->buf + cap->pos;
		pkt->data = h + PCAP_REC_HDR;
		pkt->ts_us = block_ts(cap, h);
		cap->pos += PCAP_REC_HDR + pkt->caplen;
		ph.caplen = (bpf_u_int32)pkt->caplen;
		ph.len = (bpf_u_int32)pkt->len;
	} while (cap->filtered &&
		 !pcap_offline_filter(&cap->prog, &ph, pkt->data));
	return 1;
}

const uint8_t *capture_peek(const struct capture *cap, unsigned skip,
			    size_t *caplen)
{
	size_t pos = cap->pos;
	const uint8_t *h;

	if (!cap->block)
		return NULL;
	for (;;) {
		if (cap->len - pos < PCAP_REC_HDR)
			return NULL;
		h = cap->buf + pos;
		*caplen = get32(cap, h + 8);
		if (*caplen > cap->snap ||
		    cap->len - pos - PCAP_REC_HDR < *caplen)
			return NULL;
		if (!skip--)
			return h + PCAP_REC_HDR;
		pos += PCAP_REC_HDR + *caplen;
	}
}

int capture_next(struct capture *cap, struct capture_pkt *pkt, char *err,
		 size_t errlen)
{
	struct pcap_pkthdr *h;
	const u_char *data;
	int rc;

	if (cap->block) {
		rc = block_next(cap, pkt);
		if (rc != -2)
			return rc;
		capture_use_libpcap(cap);
	}
	rc = pcap_next_ex(cap->pc, &h, &data);

	if (rc == 1) {
		pkt->data = data;
		pkt->caplen = h->caplen;
		pkt->len = h->len;
		/* pcapng has 64-bit times: wrap, as any far future does */
		pkt->ts_us = (int64_t)((uint64_t)h->ts.tv_sec * 1000000 +
				       (uint64_t)h->ts.tv_usec);
		return 1;
	}
	if (rc == PCAP_ERROR_BREAK)
		return 0;
	snprintf(err, errlen, "%s: %s", cap->path, pcap_geterr(cap->pc));
	return -1;
}

struct capture_writer *capture_writer_open(const char *path)
{
	struct capture_writer *w = calloc(1, sizeof(*w));

	if (!w)
		return NULL;
	w->pc = pcap_open_dead_with_tstamp_precision(
		DLT_RAW, 65535, PCAP_TSTAMP_PRECISION_MICRO);
	if (!w->pc)
		goto fail;
	w->dump = pcap_dump_open(w->pc, path);
	if (!w->dump) {
		errno = EIO;
		goto fail;
	}
	return w;
fail:
	capture_writer_close(w);
	return NULL;
}

int capture_writer_put(struct capture_writer *w, const uint8_t *data,
		       size_t caplen, size_t len, int64_t ts_us)
{
	struct pcap_pkthdr h = {
		.ts = {.tv_sec = ts_us / 1000000, .tv_usec = ts_us % 1000000},
		.caplen = (bpf_u_int32)caplen,
		.len = (bpf_u_int32)len,
	};

	pcap_dump((u_char *)w->dump, &h, data);
	return 0;
}

void capture_writer_close(struct capture_writer *w)
{
	if (!w)
		return;
	if (w->dump)
		pcap_dump_close(w->dump);
	if (w->pc)
		pcap_close(w->pc);
	free(w);
}
