// SPDX-License-Identifier: GPL-2.0-or-later
/* Kernel-side drops of the fence, from NFLOG messages to records. */
#include "config.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netfilter.h>

#include "communityid.h"
#include "decode.h"
#include "fence.h"
#include "fencelog.h"
#include "flow.h"
#include "nflog.h"
#include "record.h"

struct fencelog {
	fencelog_emit_fn emit;
	void *ctx;
	struct communityid *cid;
	bool have_seq;
	uint32_t next_seq;
	struct fencelog_stats st;
};

struct fencelog *fencelog_new(fencelog_emit_fn emit, void *ctx)
{
	struct fencelog *fl = calloc(1, sizeof(*fl));

	if (!fl)
		return NULL;
	fl->emit = emit;
	fl->ctx = ctx;
	fl->cid = communityid_new(0);
	if (!fl->cid) {
		free(fl);
		return NULL;
	}
	return fl;
}

void fencelog_free(struct fencelog *fl)
{
	if (!fl)
		return;
	communityid_free(fl->cid);
	free(fl);
}

static void write_lost(struct fencelog *fl, uint64_t count, int64_t ts_us)
{
	struct record_lost lost = {
		.what = RECORD_LOST_FENCE,
		.count = count,
		.total = fl->st.lost + count,
		.queue = -1,
	};
	struct record_event ev = {
		.type = RECORD_LOST, .ts_us = ts_us, .lost = &lost};

	fl->st.lost += count;
	fl->emit(fl->ctx, &ev);
}

/* The instance numbers every packet it logs; a jump is what was lost. */
static void check_seq(struct fencelog *fl, const struct nflog_packet *pkt,
		      int64_t ts_us)
{
	uint32_t gap;

	if (!pkt->has_seq)
		return;
	gap = pkt->seq - fl->next_seq;
	/* A gap "backwards" is a rebound instance starting again. */
	if (fl->have_seq && gap && gap < UINT32_MAX / 2)
		write_lost(fl, gap, ts_us);
	fl->have_seq = true;
	fl->next_seq = pkt->seq + 1;
}

/*
 * What the decoder got before it stopped is still worth recording: an
 * undecodable packet has at least its IP version and, mostly, addresses.
 */
static void decode_what_we_can(const struct nflog_packet *pkt, struct flow *f)
{
	decode_packet(pkt->data, pkt->caplen, DECODE_LINK_IP, f);
	if (!f->ip_version && pkt->caplen)
		f->ip_version = pkt->data[0] >> 4 == 6 ? 6 : 4;
	if (pkt->hook == NF_INET_LOCAL_IN)
		f->direction = FLOW_DIR_IN;
}

void fencelog_packet(struct fencelog *fl, const struct nflog_packet *pkt,
		     int64_t ts_us)
{
	enum fence_class cls = fence_from_prefix(pkt->prefix, pkt->prefix_len);
	char cid[COMMUNITYID_LEN];
	struct flow f;
	struct record_verdict rv = {
		.flow = &f,
		.verdict = VERDICT_DROP,
		.enforced = true, /* the kernel drops, audit mode or not */
		.rule = "fence",
		.attribution = ATTR_NONE,
	};
	struct record_event ev = {
		.type = RECORD_VERDICT, .ts_us = ts_us, .verdict = &rv};

	check_seq(fl, pkt, ts_us);
	if (cls == FENCE__MAX) {
		fl->st.foreign++; /* someone else's rule logs to our group */
		return;
	}
	decode_what_we_can(pkt, &f);
	rv.reason = fence_reason(cls);
	communityid_flow(fl->cid, &f, cid);
	rv.community_id = cid;
	if (fl->emit(fl->ctx, &ev) >= 0)
		fl->st.recorded++;
}

void fencelog_get_stats(const struct fencelog *fl, struct fencelog_stats *st)
{
	*st = fl->st;
}
