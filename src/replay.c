// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Replay: judge the flows of captures with the daemon's engine.
 * Output depends on nothing but the input: capture time, never the clock.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture.h"
#include "cidr.h"
#include "decode.h"
#include "defrag.h"
#include "dnsname.h"
#include "engine.h"
#include "fence.h"
#include "flow.h"
#include "log.h"
#include "newflow.h"
#include "policy.h"
#include "proc.h"
#include "procmap.h"
#include "record.h"
#include "replay.h"
#include "replay_out.h"
#include "replayct.h"

/* Flows replay tracks at most, per table; older ones are evicted. */
#define REPLAY_FLOWS (1 << 18)
/* Names learned from the capture's answers, as the daemon keeps them. */
#define REPLAY_NAMES   1024
#define REPLAY_QUERIES 256
/*
 * How many records ahead a packet is decoded and its flow's memory
 * fetched: one packet's work is shorter than a miss to memory.  The ring
 * holds the decodes not yet used, a power of two above the distance.
 */
#define REPLAY_AHEAD 3
#define REPLAY_RING  4

/*
 * A record decoded ahead of its turn, to fetch its flow's memory early:
 * when its turn comes the decode is used again, not done twice.
 */
struct replay_ahead {
	const uint8_t *data; /* NULL: none */
	size_t caplen;
	int link;
	enum decode_result res;
	struct flow f;
};

/* One run: flow tables (TCP connections live longer than other flows). */
struct replay {
	const struct replay_cfg *cfg;
	struct engine *eng;
	struct newflow *tcp;
	struct newflow *other;
	struct defrag *defrag;
	struct dnsname *names;
	struct replay_out *out;
	struct replay_stats st;
	struct replay_ahead ahead[REPLAY_RING];
	unsigned cur; /* ahead[cur % REPLAY_RING] is the current packet's */
};

/* How one capture went, for the summary of several. */
struct replay_file_result {
	const char *path;
	uint64_t packets;
	int rc; /* 0, REPLAY_FAILED damaged, REPLAY_BAD_INPUT not a capture */
};

static int emit_record(void *ctx, const struct record_event *ev)
{
	return replay_out_emit(ctx, ev);
}

static enum attribution attr_sidecar(void *ctx, const struct engine_pkt *pkt,
				     struct proc_info *proc, uid_t *uid,
				     gid_t *gid)
{
	if (procmap_lookup(ctx, pkt->flow, pkt->ts_us, proc))
		return ATTR_NONE;
	return ATTR_SIDECAR;
}

static bool fails(enum replay_fail_on f, enum verdict v)
{
	return (f == REPLAY_FAIL_REJECT && v == VERDICT_REJECT) ||
	       (f == REPLAY_FAIL_DROP && v == VERDICT_DROP) ||
	       (f == REPLAY_FAIL_ANY && v != VERDICT_ACCEPT);
}

static bool is_loopback(const struct flow *f)
{
	static const uint8_t v6_lo[16] = {[15] = 1};

	if (f->ip_version == 4)
		return f->src[0] == 127;
	return !memcmp(f->src, v6_lo, 16);
}

/*
 * Who opened the packet's flow.  With --local, the side in those networks
 * (or on loopback) is the sandbox.  Without it, every packet is taken for
 * the sandbox's, but one that answers a TCP connection the other side's
 * SYN started: a SYN says for certain who opened a connection, the first
 * datagram of a flow seen in a capture does not.
 */
static uint8_t direction_of(const struct replay_cfg *cfg, const struct flow *f,
			    bool reply)
{
	if (cfg->local && cfg->local->n)
		return cidr_list_contains(cfg->local, f) || is_loopback(f)
			       ? FLOW_DIR_OUT
			       : FLOW_DIR_IN;
	return reply && f->proto == 6 ? FLOW_DIR_IN : FLOW_DIR_OUT;
}

static struct newflow *table_of(struct replay *r, const struct flow *f)
{
	return f->proto == 6 ? r->tcp : r->other;
}

/* The state of the flow an ICMP error quotes (the packet after its
 * 8-byte header); an error that quotes nothing we can read quotes none. */
static enum newflow_state quoted_state(struct replay *r,
				       const struct capture_pkt *cp,
				       const struct flow *f)
{
	size_t off = (size_t)f->l4_off + 8;
	struct flow q;

	if (off >= cp->caplen || decode_packet(cp->data + off, cp->caplen - off,
					       DECODE_LINK_IP, &q) != DECODE_OK)
		return NEWFLOW_NONE;
	return newflow_peek(table_of(r, &q), &q, cp->ts_us);
}

/* In capture time: names expire as they would have live. */
static void replay_names(void *ctx, const struct engine_pkt *pkt,
			 struct dnsname_list *out)
{
	dnsname_list(ctx, pkt->flow->ip_version, pkt->flow->dst, pkt->ts_us,
		     out);
}

/*
 * The fence's class for the packet, as live; *nf is the flow's table.
 * raw: a fragment nf_defrag let through as it is, which the fence sees.
 * *answer: a packet against the direction of a flow let through, such as
 * the answer to a DNS query.
 */
static enum fence_class fence_of(struct replay *r, const struct capture_pkt *cp,
				 struct flow *f, bool raw, struct newflow **nf,
				 bool *answer)
{
	struct fence_pkt fp = {.flow = f};
	enum newflow_state state;
	bool reply;

	/* Otherwise the capture shows a datagram as the kernel sent it,
	 * fragmented after the chain had seen it whole. */
	if (!raw) {
		f->frag = 0;
		f->ip_flags &= (uint8_t)~FLOW_IP_FRAGHDR;
	}
	*nf = table_of(r, f);
	state = newflow_lookup(*nf, f, cp->ts_us, &reply);
	*answer = reply && state == NEWFLOW_OPEN;
	f->direction = direction_of(r->cfg, f, reply);
	if (replayct_icmp_error(f))
		state = quoted_state(r, cp, f);
	fp.ct = replayct_state(f, state);
	return fence_classify(&fp);
}

static void judge_flow(struct replay *r, const struct capture_pkt *cp,
		       struct flow *f, bool raw)
{
	struct engine_pkt pkt = {.ts_us = cp->ts_us, .flow = f};
	enum verdict v, decided = VERDICT_DROP;
	enum fence_class cls;
	struct newflow *nf;
	bool answer = false;

	cls = (f->frag & FLOW_FRAG_LATER) && !raw
		      ? FENCE_PASS
		      : fence_of(r, cp, f, raw, &nf, &answer);
	if (cls == FENCE_PASS) {
		/* what the fence's NFLOG rule copies live */
		if (answer)
			dnsname_answer_packet(r->names, f, cp->data, cp->caplen,
					      cp->ts_us);
		r->st.not_judged++;
		return;
	}
	if (fence_is_drop(cls)) {
		engine_drop(r->eng, &pkt, fence_reason(cls));
		r->st.fenced++;
	} else {
		v = engine_judge(r->eng, &pkt, &decided);
		if (v == VERDICT_ACCEPT) {
			newflow_pass(nf, f, cp->ts_us);
			dnsname_query_packet(r->names, f, cp->data, cp->caplen,
					     cp->ts_us);
		} else
			newflow_refuse(nf, f, cp->ts_us);
	}
	if (fails(r->cfg->fail_on, decided))
		r->st.failed_on = true;
}

/*
 * What of the packet reaches the chain live: nf_defrag holds fragments
 * until their datagram is whole.  On DEFRAG_DONE, *whole is the datagram
 * and *link its link type.
 */
static enum defrag_result defrag_of(struct replay *r,
				    const struct capture_pkt *cp, int *link,
				    struct capture_pkt *whole)
{
	const uint8_t *dgram;
	enum defrag_result dr;
	size_t off, len;
	int version;

	*whole = *cp;
	if (decode_link(cp->data, cp->caplen, *link, &off, &version) ||
	    off >= cp->caplen || (version && cp->data[off] >> 4 != version))
		return DEFRAG_WHOLE;
	dr = defrag_feed(r->defrag, cp->data + off, cp->caplen - off, cp->ts_us,
			 &dgram, &len);
	if (dr == DEFRAG_DONE) {
		whole->data = dgram;
		whole->caplen = len;
		*link = DECODE_LINK_IP;
	}
	return dr;
}

/*
 * What the daemon records of a packet it was queued but cannot decode:
 * it drops it, whatever the mode, with what the decoder got of it.
 */
static void record_undecodable(struct replay *r, const struct capture_pkt *cp,
			       const struct flow *f)
{
	struct record_verdict rv = {
		.flow = f,
		.verdict = VERDICT_DROP,
		.enforced = true,
		.rule = ENGINE_FENCE_RULE,
		.reason = "undecodable",
		.attribution = ATTR_NONE,
	};
	struct record_event ev = {
		.type = RECORD_VERDICT, .ts_us = cp->ts_us, .verdict = &rv};

	replay_out_emit(r->out, &ev);
}

/*
 * A packet whose transport header conntrack refuses meets the fence as
 * INVALID: the INVALID rule drops and records it; but a plain SYN is
 * queued before that rule, and the daemon records it undecodable.
 * Returns false for a packet that is not one of those.
 */
static bool judge_malformed(struct replay *r, const struct capture_pkt *cp,
			    struct flow *f, enum decode_result res)
{
	struct engine_pkt pkt = {.ts_us = cp->ts_us, .flow = f};
	struct flow seen = *f;
	struct fence_pkt fp = {.flow = &seen, .ct = FENCE_CT_INVALID};
	enum fence_class cls;

	if (!replayct_l4_invalid(res, cp->data, cp->caplen, &seen))
		return false;
	f->direction = seen.direction = direction_of(r->cfg, f, false);
	cls = fence_classify(&fp);
	if (cls == FENCE_JUDGE) {
		record_undecodable(r, cp, f);
		r->st.undecodable++;
		r->st.by_reason[res]++;
	} else if (fence_is_drop(cls)) {
		engine_drop(r->eng, &pkt, fence_reason(cls));
		r->st.fenced++;
	} else {
		r->st.not_judged++;
	}
	if (cls != FENCE_PASS && fails(r->cfg->fail_on, VERDICT_DROP))
		r->st.failed_on = true;
	return true;
}

/* The packet's decode: the look-ahead's when it was this very record. */
static enum decode_result decode_of(const struct replay *r,
				    const struct capture_pkt *p, int link,
				    struct flow *f)
{
	const struct replay_ahead *a = &r->ahead[r->cur % REPLAY_RING];

	if (a->data && a->data == p->data && a->caplen == p->caplen &&
	    a->link == link) {
		*f = a->f;
		return a->res;
	}
	return decode_packet(p->data, p->caplen, link, f);
}

static void judge_packet(struct replay *r, const struct capture_pkt *cp,
			 int link)
{
	enum decode_result res;
	enum defrag_result dr;
	struct capture_pkt whole;
	struct flow f;

	r->st.packets++;
	dr = defrag_of(r, cp, &link, &whole);
	if (dr == DEFRAG_HELD || dr == DEFRAG_DROPPED) {
		r->st.not_judged++;
		return;
	}
	res = decode_of(r, &whole, link, &f);
	/* The fence logs a raw fragment with what it can decode of it. */
	if (res != DECODE_OK &&
	    (dr != DEFRAG_RAW || !(f.ip_flags & FLOW_IP_FRAGHDR))) {
		if (dr != DEFRAG_RAW && judge_malformed(r, &whole, &f, res))
			return;
		r->st.undecodable++;
		r->st.by_reason[res]++;
		return;
	}
	judge_flow(r, &whole, &f, dr == DEFRAG_RAW);
}

/*
 * Flow tables miss the cache: fetch ahead for a packet REPLAY_AHEAD
 * records on.  The record capture_peek() shows is, in place, one that
 * capture_next() gives later unless the filter skips it: decode_of() knows
 * it by its address and length.  Short of that distance (the first
 * records, the end of a block) nothing is fetched.
 */
static void prefetch_next(struct replay *r, const struct capture *cap)
{
	struct replay_ahead *a =
		&r->ahead[(r->cur + REPLAY_AHEAD) % REPLAY_RING];

	a->data = capture_peek(cap, REPLAY_AHEAD - 1, &a->caplen);
	if (!a->data)
		return;
	a->link = capture_link(cap);
	a->res = decode_packet(a->data, a->caplen, a->link, &a->f);
	if (a->res == DECODE_OK)
		newflow_prefetch(table_of(r, &a->f), &a->f);
}

/*
 * One capture; its outcome goes to *res.  A capture that cannot be opened
 * or is damaged is reported here, and the caller goes on with the next.
 */
static void replay_file(struct replay *r, const char *path,
			struct replay_file_result *res)
{
	char err[512];
	struct capture *cap =
		capture_open(path, r->cfg->filter, err, sizeof(err));
	struct capture_pkt cp;
	uint64_t before = r->st.packets;
	int rc;

	res->path = path;
	res->rc = 0;
	if (!cap) {
		log_warnx("%s", err);
		res->rc = REPLAY_BAD_INPUT;
		return;
	}
	while ((rc = capture_next(cap, &cp, err, sizeof(err))) == 1) {
		prefetch_next(r, cap);
		judge_packet(r, &cp, capture_link(cap));
		r->cur++;
	}
	/* the next capture's records are elsewhere */
	memset(r->ahead, 0, sizeof(r->ahead));
	capture_close(cap);
	res->packets = r->st.packets - before;
	if (rc < 0) {
		log_warnx("%s", err);
		res->rc = REPLAY_FAILED;
	}
}

static const char *file_outcome(int rc)
{
	if (rc == REPLAY_BAD_INPUT)
		return "not a readable capture";
	return rc ? "damaged" : "read whole";
}

/* With several captures, a line for each, so a bad one is easy to find. */
static void print_files(const struct replay_file_result *res, int n)
{
	int i;

	if (n < 2)
		return;
	fprintf(stderr, "captures: %d\n", n);
	for (i = 0; i < n; i++)
		fprintf(stderr, "  %s: %llu packets, %s\n", res[i].path,
			(unsigned long long)res[i].packets,
			file_outcome(res[i].rc));
}

/* The worst outcome decides: not a capture (2), then damaged (1). */
static int files_status(const struct replay_file_result *res, int n)
{
	int i, rc = 0;

	for (i = 0; i < n; i++)
		if (res[i].rc > rc)
			rc = res[i].rc;
	return rc;
}

/* Only a capture that has fragments says so. */
static void print_fragments(const struct defrag_stats *fs)
{
	int r;

	if (!fs->fragments)
		return;
	fprintf(stderr, "fragments: %llu\n  datagrams reassembled: %llu\n",
		(unsigned long long)fs->fragments,
		(unsigned long long)fs->datagrams);
	for (r = 0; r < DEFRAG_DROP__MAX; r++)
		if (fs->dropped[r])
			fprintf(stderr, "  discarded, %s: %llu\n",
				defrag_drop_str(r),
				(unsigned long long)fs->dropped[r]);
}

static void print_summary(const struct replay_stats *st)
{
	const struct engine_counts *c = &st->counts;
	int r;

	fprintf(stderr,
		"packets read: %llu\n"
		"judged: %llu\n"
		"  accepted: %llu\n"
		"  rejected: %llu\n"
		"  dropped: %llu\n"
		"not judged: %llu\n"
		"dropped by the fence: %llu\n"
		"undecodable: %llu\n",
		(unsigned long long)st->packets, (unsigned long long)c->judged,
		(unsigned long long)c->accepted,
		(unsigned long long)c->rejected, (unsigned long long)c->dropped,
		(unsigned long long)st->not_judged,
		(unsigned long long)st->fenced,
		(unsigned long long)st->undecodable);
	for (r = 1; r < DECODE_ERR__MAX; r++)
		if (st->by_reason[r])
			fprintf(stderr, "  %s: %llu\n", decode_result_str(r),
				(unsigned long long)st->by_reason[r]);
	print_fragments(&st->frag);
}

static int open_output(const char *name, struct replay_out **out)
{
	int fd = STDOUT_FILENO;

	if (name && strcmp(name, "-")) {
		fd = open(name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
		if (fd < 0) {
			log_warn("%s", name);
			return REPLAY_BAD_INPUT;
		}
	}
	*out = replay_out_open(fd);
	if (!*out) {
		log_warn("starting the record writer");
		return REPLAY_FAILED;
	}
	return 0;
}

static int close_output(struct replay_out *out, const char *name)
{
	int err = replay_out_close(out);

	if (!err)
		return 0;
	errno = err;
	log_warn("writing %s",
		 name && strcmp(name, "-") ? name : "standard output");
	return REPLAY_FAILED;
}

static int replay_setup(struct replay *r, struct replay_out *out,
			struct engine_cfg *ecfg)
{
	ecfg->attribute = r->cfg->procs ? attr_sidecar : NULL;
	/* procmap_lookup only reads; the callback's context is not const. */
	ecfg->attr_ctx = (void *)r->cfg->procs;
	ecfg->emit = emit_record;
	ecfg->out_ctx = out;
	ecfg->community_id_later = true;
	r->out = out;
	r->names = dnsname_new(REPLAY_NAMES, REPLAY_QUERIES);
	ecfg->names = replay_names;
	ecfg->names_ctx = r->names;
	ecfg->policy = policy_ref_new(r->cfg->policy);
	if (!ecfg->policy)
		policy_free(r->cfg->policy);
	r->eng = ecfg->policy ? engine_new(ecfg) : NULL;
	r->tcp = newflow_new(REPLAY_FLOWS, NEWFLOW_TCP_TIMEOUT_US);
	r->other = newflow_new(REPLAY_FLOWS, NEWFLOW_UDP_TIMEOUT_US);
	r->defrag = defrag_new();
	return r->eng && r->tcp && r->other && r->defrag && r->names ? 0
								     : -ENOMEM;
}

static int replay_files(struct replay *r, char *const *files, int n)
{
	struct replay_file_result *res = calloc((size_t)n, sizeof(*res));
	int i, rc;

	if (!res) {
		log_warnx("out of memory");
		return REPLAY_FAILED;
	}
	for (i = 0; i < n; i++)
		replay_file(r, files[i], &res[i]);
	defrag_finish(r->defrag);
	defrag_get_stats(r->defrag, &r->st.frag);
	engine_get_counts(r->eng, &r->st.counts);
	print_summary(&r->st);
	print_files(res, n);
	rc = files_status(res, n);
	if (!rc && r->st.failed_on)
		rc = REPLAY_FAILED;
	free(res);
	return rc;
}

int replay_run(const struct replay_cfg *cfg, char *const *files, int n,
	       struct replay_stats *st)
{
	struct replay r = {.cfg = cfg};
	struct replay_out *out = NULL;
	struct engine_cfg ecfg = {0};
	int rc, wrc;

	rc = open_output(cfg->output, &out);
	if (rc) {
		policy_free(cfg->policy);
	} else if (replay_setup(&r, out, &ecfg)) {
		log_warnx("out of memory");
		rc = REPLAY_FAILED;
	} else {
		rc = replay_files(&r, files, n);
	}
	wrc = close_output(out, cfg->output);
	if (wrc && !rc)
		rc = wrc;
	if (st)
		*st = r.st;
	engine_free(r.eng);
	newflow_free(r.tcp);
	newflow_free(r.other);
	defrag_free(r.defrag);
	dnsname_free(r.names);
	policy_ref_free(ecfg.policy);
	return rc;
}
