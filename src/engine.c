// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The decision path shared by the daemon and replay.  Whatever the source
 * of packets, a flow goes through exactly this: attribution, policy,
 * record.  Only the ends differ (who gets the verdict, where the record
 * goes, how the process is found).
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "communityid.h"
#include "dnsname.h"
#include "engine.h"
#include "flow.h"
#include "policy.h"
#include "proc.h"
#include "record.h"
#include "timefmt.h"

struct engine {
	struct engine_cfg cfg;
	struct communityid *cid;
	struct engine_counts counts;
	struct proc_info proc;	   /* large: one per engine, not per packet */
	struct dnsname_list names; /* the destination's, as judged */
};

struct engine *engine_new(const struct engine_cfg *cfg)
{
	struct engine *e = calloc(1, sizeof(*e));

	if (!e)
		return NULL;
	e->cfg = *cfg;
	e->cid = communityid_new(0);
	if (!e->cid) {
		engine_free(e);
		return NULL;
	}
	return e;
}

void engine_free(struct engine *e)
{
	if (!e)
		return;
	communityid_free(e->cid);
	free(e);
}

/*
 * The closed log-failure policy: nothing passes that cannot be logged.
 * True (and counted) when an enforced accept must become a reject.
 */
static bool gated(struct engine *e, bool enforced, enum verdict v)
{
	if (!enforced || v != VERDICT_ACCEPT || !e->cfg.can_accept ||
	    e->cfg.can_accept(e->cfg.out_ctx))
		return false;
	e->counts.gated++;
	return true;
}

static enum attribution attribute(struct engine *e,
				  const struct engine_pkt *pkt,
				  struct policy_input *in)
{
	enum attribution a = ATTR_NONE;

	in->flow = pkt->flow;
	in->proc = NULL;
	in->have_owner = pkt->have_owner;
	in->uid = pkt->uid;
	in->gid = pkt->gid;
	in->names = NULL;
	in->n_names = 0;
	if (e->cfg.attribute)
		a = e->cfg.attribute(e->cfg.attr_ctx, pkt, &e->proc, &in->uid,
				     &in->gid);
	if (a == ATTR_SOCKET || a == ATTR_SIDECAR || a == ATTR_KERNEL) {
		in->proc = &e->proc;
		in->have_owner = true;
		in->uid = e->proc.uid;
		in->gid = e->proc.gid;
	} else if (a == ATTR_UID) {
		in->have_owner = true;
	} else if (pkt->have_owner) {
		/* NFQUEUE named the owner even though the socket was gone. */
		a = ATTR_UID;
	}
	return a;
}

/* The names learned for the destination; the most recent, or NULL. */
static const char *lookup_names(struct engine *e, const struct engine_pkt *pkt,
				struct policy_input *in)
{
	if (!e->cfg.names)
		return NULL;
	e->cfg.names(e->cfg.names_ctx, pkt, &e->names);
	in->names = e->names.ptr;
	in->n_names = e->names.n;
	return e->names.n ? e->names.ptr[0] : NULL;
}

static void count(struct engine *e, enum verdict v)
{
	e->counts.judged++;
	if (v == VERDICT_ACCEPT)
		e->counts.accepted++;
	else if (v == VERDICT_REJECT)
		e->counts.rejected++;
	else
		e->counts.dropped++;
}

/*
 * The decision alone: the policy's verdict, returned and counted, and in
 * *d what to enforce and record once the log gate has had its say.
 */
static enum verdict decide(struct engine *e, const struct policy *pol,
			   const struct policy_input *in, bool enforced,
			   struct policy_decision *d)
{
	enum verdict v;

	policy_decide(pol, in, d);
	v = (enum verdict)d->verdict;
	count(e, v);
	if (gated(e, enforced, v)) {
		d->verdict = VERDICT_REJECT;
		d->rule = "log-unavailable";
		d->line = 0;
		d->reason = "records cannot be written (on-log-failure closed)";
		d->is_default = false;
	}
	return v;
}

/*
 * Complete a verdict record with what every record of a packet carries and
 * hand it to emit: 0, or <0 when it was lost (counted).
 */
static int record(struct engine *e, const struct engine_pkt *pkt,
		  struct record_verdict *rv)
{
	char cid[COMMUNITYID_LEN] = "";
	struct record_event ev = {0};

	if (e->cfg.community_id_later) {
		rv->community_hasher = e->cid;
	} else {
		communityid_flow(e->cid, pkt->flow, cid);
		rv->community_id = cid;
	}
	rv->flow = pkt->flow;
	rv->live = pkt->live;
	rv->queue = pkt->queue;
	rv->packet_id = pkt->packet_id;
	if (pkt->live)
		rv->latency_us =
			timefmt_clock_us(CLOCK_MONOTONIC) - pkt->received_us;
	ev.type = RECORD_VERDICT;
	ev.ts_us = pkt->ts_us;
	ev.verdict = rv;
	if (e->cfg.emit(e->cfg.out_ctx, &ev) < 0) {
		e->counts.lost++;
		return -EIO;
	}
	return 0;
}

enum verdict engine_judge(struct engine *e, const struct engine_pkt *pkt,
			  enum verdict *decided)
{
	struct policy *pol = policy_ref_get(e->cfg.policy);
	struct record_verdict rv = {0};
	struct policy_decision d;
	struct policy_input in;
	enum verdict v;

	rv.attribution = attribute(e, pkt, &in);
	rv.dest_name = lookup_names(e, pkt, &in);
	rv.proc = in.proc;
	rv.enforced = !(e->cfg.force_audit || policy_audit_mode(pol));
	v = decide(e, pol, &in, rv.enforced, &d);
	if (decided)
		*decided = v;
	rv.verdict = (enum verdict)d.verdict;
	rv.rule = d.rule;
	rv.rule_line = d.line;
	rv.reason = d.reason;
	if (d.is_default && d.verdict == VERDICT_REJECT)
		rv.hint = record_hint(pkt->flow);
	v = rv.verdict;
	/* The record is gone: an accept must not pass unlogged either. */
	if (record(e, pkt, &rv) < 0 && gated(e, rv.enforced, v))
		v = VERDICT_REJECT;
	policy_ref_put(pol);
	return rv.enforced ? v : VERDICT_ACCEPT;
}

void engine_drop(struct engine *e, const struct engine_pkt *pkt,
		 const char *reason)
{
	struct record_verdict rv = {0};
	struct policy_input in;

	rv.attribution = attribute(e, pkt, &in);
	rv.dest_name = lookup_names(e, pkt, &in);
	rv.proc = in.proc;
	e->counts.fenced++;
	rv.verdict = VERDICT_DROP;
	/* The kernel drops these whatever the mode: nothing to enforce. */
	rv.enforced = true;
	rv.rule = ENGINE_FENCE_RULE;
	rv.reason = reason;
	record(e, pkt, &rv);
}

void engine_get_counts(const struct engine *e, struct engine_counts *c)
{
	*c = e->counts;
}
