// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Verdict records: one JSON object per line, fields in a fixed order, so
 * that the same event always gives the same bytes (replay is compared
 * byte for byte, and the chain digests the exact text).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "chain.h"
#include "communityid.h"
#include "flow.h"
#include "flowfmt.h"
#include "record.h"
#include "timefmt.h"

/* An output buffer that stops writing, and remembers it, when full. */
struct jbuf {
	char *p;
	size_t len;
	size_t cap;
	bool full;
	bool first; /* no comma before the next key */
};

/* The builders are inlined where they are called: the keys are literals,
 * so their lengths and copies become constants. */
#define JB_INLINE static inline __attribute__((always_inline))

JB_INLINE void jb_raw(struct jbuf *jb, const char *s, size_t n)
{
	if (jb->full || jb->cap - jb->len < n) {
		jb->full = true;
		return;
	}
	memcpy(jb->p + jb->len, s, n);
	jb->len += n;
}

JB_INLINE void jb_lit(struct jbuf *jb, const char *s)
{
	jb_raw(jb, s, strlen(s));
}

/* ,"key": in one bounds check: every field pays for it. */
JB_INLINE void jb_key(struct jbuf *jb, const char *key)
{
	size_t n = strlen(key), need = n + 3 + !jb->first;
	char *p;

	if (jb->full || jb->cap - jb->len < need) {
		jb->full = true;
		return;
	}
	p = jb->p + jb->len;
	if (!jb->first)
		*p++ = ',';
	*p++ = '"';
	memcpy(p, key, n);
	memcpy(p + n, "\":", 2);
	jb->len += need;
	jb->first = false;
}

static void jb_open(struct jbuf *jb, const char *key, const char *brace)
{
	if (key)
		jb_key(jb, key);
	jb_lit(jb, brace);
	jb->first = true;
}

static void jb_close(struct jbuf *jb, const char *brace)
{
	jb_lit(jb, brace);
	jb->first = false;
}

/* A JSON string of n bytes; escaping is measured first, then written. */
static void jb_strn(struct jbuf *jb, const char *s, size_t n)
{
	size_t room, need;

	jb_raw(jb, "\"", 1);
	if (jb->full)
		return;
	room = jb->cap - jb->len;
	need = record_escape(jb->p + jb->len, room, s, n);
	if (need > room) {
		jb->full = true;
		return;
	}
	jb->len += need;
	jb_raw(jb, "\"", 1);
}

/* A string field; NULL, and "" if empty_null, as null. */
JB_INLINE void jb_str(struct jbuf *jb, const char *key, const char *s,
		      bool empty_null)
{
	jb_key(jb, key);
	if (!s || (empty_null && !*s))
		jb_lit(jb, "null");
	else
		jb_strn(jb, s, strlen(s));
}

/*
 * A string field the record itself produces (a timestamp, an address, a
 * name from a fixed table): printable ASCII without '"' or '\\', so it
 * is copied as it is, key and quotes in one bounds check.  NULL as null.
 */
JB_INLINE void jb_plain(struct jbuf *jb, const char *key, const char *s)
{
	size_t n;
	char *p;

	if (!s) {
		jb_str(jb, key, s, false);
		return;
	}
	jb_key(jb, key);
	n = strlen(s);
	if (jb->full || jb->cap - jb->len < n + 2) {
		jb->full = true;
		return;
	}
	p = jb->p + jb->len;
	*p = '"';
	memcpy(p + 1, s, n);
	p[n + 1] = '"';
	jb->len += n + 2;
}

/* Decimal digits of v, ending at end; returns where they start. */
static char *fmt_u64(char *end, uint64_t v)
{
	do {
		*--end = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return end;
}

JB_INLINE void jb_u64(struct jbuf *jb, const char *key, uint64_t v)
{
	char num[24], *p = fmt_u64(num + sizeof(num), v);

	jb_key(jb, key);
	jb_raw(jb, p, (size_t)(num + sizeof(num) - p));
}

static void jb_i64(struct jbuf *jb, const char *key, int64_t v)
{
	char num[24], *p;

	if (v >= 0) {
		jb_u64(jb, key, (uint64_t)v);
		return;
	}
	p = fmt_u64(num + sizeof(num), (uint64_t)(-(v + 1)) + 1);
	*--p = '-';
	jb_key(jb, key);
	jb_raw(jb, p, (size_t)(num + sizeof(num) - p));
}

static void jb_bool(struct jbuf *jb, const char *key, bool v)
{
	jb_key(jb, key);
	jb_lit(jb, v ? "true" : "false");
}

/* argv as an array: NUL-separated, a final NUL ends the last argument. */
static void jb_cmdline(struct jbuf *jb, const struct proc_info *p)
{
	size_t len = p->cmdline_len < sizeof(p->cmdline) ? p->cmdline_len
							 : sizeof(p->cmdline);
	size_t i = 0, end;

	jb_open(jb, "cmdline", "[");
	while (i < len) {
		const char *nul = memchr(p->cmdline + i, '\0', len - i);

		end = nul ? (size_t)(nul - p->cmdline) : len;
		if (i)
			jb_raw(jb, ",", 1);
		jb_strn(jb, p->cmdline + i, end - i);
		i = end + 1;
	}
	jb_close(jb, "]");
	if (p->cmdline_truncated)
		jb_bool(jb, "cmdline_truncated", true);
}

static void jb_ancestors(struct jbuf *jb, const struct proc_info *p)
{
	int i;

	jb_open(jb, "ancestors", "[");
	for (i = 0; i < p->n_ancestors && i < PROC_MAX_ANCESTORS; i++) {
		const struct proc_ancestor *a = &p->ancestors[i];

		if (i)
			jb_raw(jb, ",", 1);
		jb_open(jb, NULL, "{");
		jb_i64(jb, "pid", a->pid);
		jb_str(jb, "exe", a->exe, true);
		jb_str(jb, "comm", a->comm, true);
		if (a->foreign)
			jb_bool(jb, "foreign", true);
		jb_close(jb, "}");
	}
	jb_close(jb, "]");
}

/* The holders of a shared socket, as far as they are listed. */
static void jb_holders(struct jbuf *jb, const struct proc_info *p)
{
	const struct proc_info *h;
	int i;

	if (!p->holders || p->n_listed <= 0)
		return;
	jb_open(jb, "holders", "[");
	for (i = 0; i < p->n_listed && i < PROC_MAX_HOLDERS; i++) {
		h = &p->holders[i];
		if (i)
			jb_raw(jb, ",", 1);
		jb_open(jb, NULL, "{");
		jb_i64(jb, "pid", h->pid);
		jb_str(jb, "exe", h->exe, true);
		jb_str(jb, "comm", h->comm, true);
		if (h->tainted)
			jb_str(jb, "tainted", h->tainted, false);
		jb_close(jb, "}");
	}
	jb_close(jb, "]");
	if (p->n_holders > p->n_listed)
		jb_i64(jb, "holders_more", p->n_holders - p->n_listed);
}

static void jb_proc(struct jbuf *jb, const struct proc_info *p)
{
	if (!p) {
		jb_key(jb, "proc");
		jb_lit(jb, "null");
		return;
	}
	jb_open(jb, "proc", "{");
	jb_i64(jb, "pid", p->pid);
	jb_i64(jb, "ppid", p->ppid);
	jb_u64(jb, "uid", p->uid);
	jb_u64(jb, "gid", p->gid);
	jb_str(jb, "user", p->user, true);
	jb_str(jb, "exe", p->exe, true);
	jb_str(jb, "comm", p->comm, true);
	jb_cmdline(jb, p);
	jb_str(jb, "cgroup", p->cgroup, true);
	jb_str(jb, "start_time", p->start_time, true);
	jb_bool(jb, "shared", p->shared);
	jb_holders(jb, p);
	if (p->partial)
		jb_bool(jb, "partial", true);
	if (p->tainted)
		jb_str(jb, "tainted", p->tainted, false);
	jb_ancestors(jb, p);
	jb_close(jb, "}");
}

static void jb_port(struct jbuf *jb, const char *key, const struct flow *f,
		    uint16_t port)
{
	if (f->has_ports) {
		jb_u64(jb, key, port);
	} else {
		jb_key(jb, key);
		jb_lit(jb, "null");
	}
}

static void jb_flow(struct jbuf *jb, const struct flow *f)
{
	char addr[FLOWFMT_ADDR_LEN], proto[8];

	jb_plain(jb, "proto", flowfmt_proto(f->proto, proto));
	jb_plain(jb, "direction", f->direction == FLOW_DIR_IN ? "in" : "out");
	jb_u64(jb, "ip_version", f->ip_version);
	jb_plain(jb, "src_ip", flowfmt_addr(f->ip_version, f->src, addr));
	jb_port(jb, "src_port", f, f->sport);
	jb_plain(jb, "dest_ip", flowfmt_addr(f->ip_version, f->dst, addr));
	jb_port(jb, "dest_port", f, f->dport);
}

static int jb_verdict(struct jbuf *jb, const struct record_verdict *v)
{
	const char *verdict = verdict_str(v->verdict);
	const char *attr = attribution_str(v->attribution);
	const char *community_id = v->community_id;
	char cid[COMMUNITYID_LEN];

	if (!verdict || !attr || !v->flow)
		return -EINVAL;
	if (!community_id && v->community_hasher) {
		communityid_flow(v->community_hasher, v->flow, cid);
		community_id = cid;
	}
	jb_plain(jb, "verdict", verdict);
	jb_bool(jb, "enforced", v->enforced);
	jb_str(jb, "rule", v->rule, false);
	jb_u64(jb, "rule_line", v->rule_line);
	if (v->reason)
		jb_str(jb, "reason", v->reason, false);
	if (v->hint)
		jb_str(jb, "hint", v->hint, false);
	jb_flow(jb, v->flow);
	if (v->dest_name)
		jb_str(jb, "dest_name", v->dest_name, true);
	jb_plain(jb, "community_id", community_id);
	jb_plain(jb, "attribution", attr);
	jb_proc(jb, v->proc);
	if (v->live) {
		jb_i64(jb, "queue", v->queue);
		jb_u64(jb, "packet_id", v->packet_id);
		jb_i64(jb, "latency_us", v->latency_us);
	}
	return 0;
}

static int jb_start(struct jbuf *jb, const struct record_start *s)
{
	if (!s)
		return -EINVAL;
	jb_str(jb, "version", s->version, false);
	jb_str(jb, "policy", s->policy, false);
	jb_str(jb, "policy_sha256", s->policy_sha256, false);
	jb_str(jb, "mode", s->mode, false);
	jb_str(jb, "queues", s->queues, false);
	jb_str(jb, "proxy", s->proxy, false);
	jb_str(jb, "output", s->output, false);
	jb_str(jb, "on_log_failure", s->on_log_failure, false);
	jb_bool(jb, "fail_open", s->fail_open);
	if (s->attribution) {
		jb_str(jb, "attribution", s->attribution, false);
		jb_str(jb, "attribution_why", s->attribution_why, true);
	}
	return 0;
}

static void jb_stats(struct jbuf *jb, const struct record_stats *s)
{
	static const struct record_stats zero;

	if (!s)
		s = &zero;
	jb_open(jb, "stats", "{");
	jb_u64(jb, "packets", s->packets);
	jb_u64(jb, "accepted", s->accepted);
	jb_u64(jb, "rejected", s->rejected);
	jb_u64(jb, "dropped", s->dropped);
	jb_u64(jb, "errors", s->errors);
	jb_u64(jb, "lost_records", s->lost_records);
	jb_u64(jb, "fenced", s->fenced);
	jb_u64(jb, "fence_lost", s->fence_lost);
	jb_u64(jb, "fence_unreadable", s->fence_unreadable);
	jb_close(jb, "}");
}

static const char *const record_types[] = {
	[RECORD_VERDICT] = "verdict", [RECORD_START] = "start",
	[RECORD_RELOAD] = "reload",   [RECORD_STOP] = "stop",
	[RECORD_STATS] = "stats",     [RECORD_ERROR] = "error",
	[RECORD_LOST] = "lost",	      [RECORD_ALERT] = "alert",
	[RECORD_CONTROL] = "control",
};

static int jb_lost(struct jbuf *jb, const struct record_lost *l)
{
	if (!l || !l->what)
		return -EINVAL;
	jb_str(jb, "lost", l->what, false);
	jb_u64(jb, "count", l->count);
	jb_u64(jb, "total", l->total);
	if (l->queue >= 0)
		jb_i64(jb, "queue", l->queue);
	return 0;
}

static int jb_alert(struct jbuf *jb, const struct record_event *ev)
{
	if (!ev->kind)
		return -EINVAL;
	jb_str(jb, "kind", ev->kind, false);
	jb_str(jb, "message", ev->message, false);
	return 0;
}

static void jb_id(struct jbuf *jb, const char *key, int64_t v)
{
	if (v >= 0) {
		jb_i64(jb, key, v);
	} else {
		jb_key(jb, key);
		jb_lit(jb, "null");
	}
}

static int jb_control(struct jbuf *jb, const struct record_control *c)
{
	if (!c || !c->command)
		return -EINVAL;
	jb_str(jb, "command", c->command, false);
	if (c->args)
		jb_str(jb, "args", c->args, false);
	jb_bool(jb, "ok", c->ok);
	if (c->rule) {
		jb_str(jb, "rule", c->rule, false);
		jb_u64(jb, "ttl_s", c->ttl_s);
	}
	jb_id(jb, "peer_uid", c->uid);
	jb_id(jb, "peer_gid", c->gid);
	jb_id(jb, "peer_pid", c->pid);
	if (c->message)
		jb_str(jb, "message", c->message, false);
	return 0;
}

static int jb_event(struct jbuf *jb, const struct record_event *ev)
{
	switch (ev->type) {
	case RECORD_VERDICT:
		return jb_verdict(jb, ev->verdict);
	case RECORD_START:
		return jb_start(jb, ev->start);
	case RECORD_RELOAD:
		jb_bool(jb, "ok", ev->ok);
		jb_str(jb, "policy_sha256", ev->policy_sha256, false);
		jb_str(jb, "message", ev->message, false);
		return 0;
	case RECORD_STOP:
		jb_str(jb, "reason", ev->message, false);
		__attribute__((fallthrough));
	case RECORD_STATS:
		jb_stats(jb, ev->stats);
		return 0;
	case RECORD_ERROR:
		jb_str(jb, "message", ev->message, false);
		if (ev->lost_records)
			jb_u64(jb, "lost_records", ev->lost_records);
		return 0;
	case RECORD_LOST:
		return jb_lost(jb, ev->lost);
	case RECORD_ALERT:
		return jb_alert(jb, ev);
	case RECORD_CONTROL:
		return jb_control(jb, ev->control);
	}
	return -EINVAL;
}

int record_format(char *buf, size_t cap, uint64_t seq, const char *prev_chain,
		  const struct record_event *ev)
{
	struct jbuf jb = {.p = buf, .cap = cap};
	char ts[TIMEFMT_LEN];
	int err;

	if ((unsigned)ev->type > RECORD_CONTROL)
		return -EINVAL;
	if (jb.cap > INT32_MAX) /* the length is returned as an int */
		jb.cap = INT32_MAX;
	err = timefmt_format(ev->ts_us, ts);
	if (err)
		return err;
	jb_open(&jb, NULL, "{");
	jb_plain(&jb, "timestamp", ts);
	jb_plain(&jb, "event_type", record_types[ev->type]);
	jb_u64(&jb, "seq", seq);
	err = jb_event(&jb, ev);
	if (err)
		return err;
	if (prev_chain)
		jb_str(&jb, "prev_chain", prev_chain, false);
	return jb.full ? -ENOSPC : (int)jb.len;
}

int record_emit(struct chain *chain, char *buf, size_t cap, bool with_prev,
		const struct record_event *ev)
{
	int len = record_format(buf, cap, chain_seq(chain) + 1,
				with_prev ? chain_last(chain) : NULL, ev);

	if (len < 0)
		return len;
	return chain_seal(chain, buf, (size_t)len, cap);
}
