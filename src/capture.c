// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Captures in and out, through libpcap: it reads pcap and pcapng, compiles
 * BPF filters, and knows every capture's quirks better than we would.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#include "capture.h"
#include "decode.h"

#define CAPTURE_READ_BUF (1 << 20)

struct capture {
	pcap_t *pc;
	const char *path;
	int link;
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

static int set_filter(struct capture *cap, const char *filter, char *err,
		      size_t errlen)
{
	struct bpf_program prog;
	int ret = -1;

	if (pcap_compile(cap->pc, &prog, filter, 1, PCAP_NETMASK_UNKNOWN)) {
		snprintf(err, errlen, "%s: bad filter '%s': %s", cap->path,
			 filter, pcap_geterr(cap->pc));
		return -1;
	}
	if (pcap_setfilter(cap->pc, &prog))
		snprintf(err, errlen, "%s: cannot set filter: %s", cap->path,
			 pcap_geterr(cap->pc));
	else
		ret = 0;
	pcap_freecode(&prog);
	return ret;
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
	return cap;
fail:
	capture_close(cap);
	return NULL;
}

void capture_close(struct capture *cap)
{
	if (!cap)
		return;
	if (cap->pc)
		pcap_close(cap->pc);
	free(cap);
}

int capture_link(const struct capture *cap)
{
	return cap->link;
}

int capture_next(struct capture *cap, struct capture_pkt *pkt, char *err,
		 size_t errlen)
{
	struct pcap_pkthdr *h;
	const u_char *data;
	int rc = pcap_next_ex(cap->pc, &h, &data);

	if (rc == 1) {
		pkt->data = data;
		pkt->caplen = h->caplen;
		pkt->len = h->len;
		pkt->ts_us = (int64_t)h->ts.tv_sec * 1000000 + h->ts.tv_usec;
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

int capture_writer_flush(struct capture_writer *w)
{
	return pcap_dump_flush(w->dump) ? -EIO : 0;
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
