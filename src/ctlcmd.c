// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The control socket's commands.  Each answers with one JSON object and
 * writes one control record, whatever the outcome, so the log says who
 * did what to the daemon.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <jansson.h>

#include "control.h"
#include "ctlcmd.h"
#include "ctlproto.h"
#include "ctlrules.h"
#include "dnsname.h"
#include "flowfmt.h"
#include "policy.h"
#include "proc.h"
#include "verdict.h"

struct call {
	const struct ctlcmd_host *h;
	const struct control_peer *peer;
	struct ctlreq req;
	struct record_control rc;
	char args[CTLREQ_RULE_MAX + 64];
	char msg[512];
	int64_t now_ms;
};

static json_t *reply_error(struct call *c, const char *msg)
{
	snprintf(c->msg, sizeof(c->msg), "%s", msg);
	c->rc.ok = false;
	c->rc.message = c->msg;
	return json_pack("{sbss}", "ok", 0, "error", msg);
}

static json_t *do_status(struct call *c)
{
	struct ctlcmd_status st = {0};
	json_t *o;

	c->h->status(c->h->ctx, &st);
	o = json_pack(
		"{sbsssss{sssssI}sssIsIs{sIsIsIsIsIsI}sI}", "ok", 1, "mode",
		st.mode, "attribution", st.attribution, "policy", "path",
		st.policy, "sha256", st.policy_sha256, "generation",
		(json_int_t)st.generation, "queues", st.queues, "temp_rules",
		(json_int_t)ctlrules_count(c->h->rules), "uptime_s",
		(json_int_t)st.uptime_s, "counters", "packets",
		(json_int_t)st.stats.packets, "accepted",
		(json_int_t)st.stats.accepted, "rejected",
		(json_int_t)st.stats.rejected, "dropped",
		(json_int_t)st.stats.dropped, "errors",
		(json_int_t)st.stats.errors, "lost_records",
		(json_int_t)st.stats.lost_records, "pid", (json_int_t)getpid());
	if (o)
		json_object_set_new(o, "last_error",
				    st.last_error ? json_string(st.last_error)
						  : json_null());
	c->rc.ok = true;
	return o;
}

/* The errors, one a line, as an array. */
static json_t *lines_array(const char *text)
{
	json_t *a = json_array();
	const char *nl;

	while (a && *text) {
		nl = strchr(text, '\n');
		if (!nl)
			nl = text + strlen(text);
		json_array_append_new(a,
				      json_stringn(text, (size_t)(nl - text)));
		text = *nl ? nl + 1 : nl;
	}
	return a;
}

/* May the peer do what bit (an S_I?USR bit) allows on a file like st. */
static bool peer_may(const struct stat *st, const struct control_peer *p,
		     mode_t bit)
{
	if (st->st_uid == p->uid)
		return st->st_mode & bit;
	if (st->st_gid == p->gid)
		return st->st_mode & (bit >> 3);
	return st->st_mode & (bit >> 6);
}

/*
 * The daemon reads as root what a peer names, and quotes it in errors:
 * a peer that is not root names only a file it could read itself, which
 * takes search permission on every directory of its resolved path
 * (written to resolved, PATH_MAX bytes: what the daemon then reads).
 * XXX a peer that may write a directory on that path can still swap a
 * component between this check and the read.
 */
static bool peer_may_read(const char *path, const struct control_peer *p,
			  char *resolved)
{
	struct stat st;
	char *slash;
	bool ok = true;

	if (!realpath(path, resolved))
		return false;
	if (p->uid == 0)
		return true;
	for (slash = resolved; ok && slash; slash = strchr(slash + 1, '/')) {
		char keep = slash[1];

		slash[1] = '\0'; /* the directory, with its slash */
		ok = !stat(resolved, &st) && S_ISDIR(st.st_mode) &&
		     peer_may(&st, p, S_IXUSR);
		slash[1] = keep;
	}
	return ok && !stat(resolved, &st) && S_ISREG(st.st_mode) &&
	       peer_may(&st, p, S_IRUSR);
}

static json_t *do_reload(struct call *c)
{
	char err[4096] = "", path[PATH_MAX];
	uint64_t gen = 0;
	json_t *o;

	if (c->req.file[0] &&
	    (c->req.file[0] != '/' ||
	     !peer_may_read(c->req.file, c->peer, path)))
		return reply_error(c, "reload: FILE must be an absolute path "
				      "to a regular file the caller can read");
	if (c->h->reload(c->h->ctx, c->req.file[0] ? path : NULL, &gen, err,
			 sizeof(err))) {
		o = reply_error(c, "the new policy has errors; the old one "
				   "stays in force");
		if (o)
			json_object_set_new(o, "errors", lines_array(err));
		return o;
	}
	c->rc.ok = true;
	return json_pack("{sbsI}", "ok", 1, "generation", (json_int_t)gen);
}

struct explain {
	json_t *rules;
	json_t *matches;
	const char *decided;
	int verdict;
};

static void ex_match(void *ctx, const char *text, bool holds)
{
	struct explain *e = ctx;

	if (!e->matches)
		e->matches = json_array();
	json_array_append_new(
		e->matches, json_pack("{sssb}", "match", text, "holds", holds));
}

static void ex_rule(void *ctx, const char *name, unsigned line, int verdict,
		    bool holds)
{
	struct explain *e = ctx;
	json_t *r = json_pack(
		"{sssIsssb}", "rule", name, "line", (json_int_t)line, "verdict",
		verdict_str((enum verdict)verdict), "holds", holds);

	if (r)
		json_object_set_new(r, "matches",
				    e->matches ? e->matches : json_array());
	e->matches = NULL;
	json_array_append_new(e->rules, r);
	if (holds) {
		e->decided = name;
		e->verdict = verdict;
	}
}

/* explain --pid: the flow as that process's, read from /proc. */
static int explain_proc(struct call *c, struct policy_input *in, char *msg,
			size_t size)
{
	const struct proc_info *info;
	int err;

	if (!c->req.pid)
		return 0;
	err = c->h->proc ? c->h->proc(c->h->ctx, c->req.pid, &info) : -ENOSYS;
	if (err) {
		snprintf(msg, size, "explain --pid %d: %s", c->req.pid,
			 strerror(-err));
		return err;
	}
	in->proc = info;
	in->have_owner = true;
	in->uid = info->uid;
	in->gid = info->gid;
	return 0;
}

/* The names a host match reads, as the verdict path has them. */
static const char *explain_names(struct call *c, struct policy_input *in,
				 struct dnsname_list *names)
{
	names->n = 0;
	if (c->h->names)
		c->h->names(c->h->ctx, &c->req.flow, names);
	in->names = names->ptr;
	in->n_names = names->n;
	return names->n ? names->ptr[0] : NULL;
}

static json_t *do_explain(struct call *c)
{
	struct explain e = {0};
	struct policy_explain_cb cb = {ex_match, ex_rule, &e};
	struct policy_input in = {.flow = &c->req.flow};
	struct dnsname_list names;
	const char *dest_name;
	struct policy *p;
	char msg[128];
	json_t *o;

	if (explain_proc(c, &in, msg, sizeof(msg)))
		return reply_error(c, msg);
	dest_name = explain_names(c, &in, &names);
	e.rules = json_array();
	p = c->h->policy(c->h->ctx);
	if (p)
		policy_explain(p, &in, &cb);
	policy_free(p);
	json_decref(e.matches);
	o = json_pack("{sbssss?soss?}", "ok", 1, "rule", e.decided, "verdict",
		      e.decided ? verdict_str((enum verdict)e.verdict) : NULL,
		      "rules", e.rules, "dest_name", dest_name);
	if (o && in.proc)
		json_object_set_new(o, "process",
				    json_pack("{sIsIss?ss?sb}", "pid",
					      (json_int_t)in.proc->pid, "uid",
					      (json_int_t)in.proc->uid, "exe",
					      in.proc->exe, "tainted",
					      in.proc->tainted, "shared",
					      in.proc->shared));
	c->rc.ok = o != NULL;
	return o;
}

static json_t *do_temp(struct call *c)
{
	int v = c->req.cmd == CTL_ALLOW ? VERDICT_ACCEPT : VERDICT_REJECT;
	char err[512];
	struct ctlrule *r =
		ctlrules_add(c->h->rules, v, c->req.rule, c->req.ttl_s,
			     c->now_ms, err, sizeof(err));

	if (!r)
		return reply_error(c, err);
	r->uid = c->peer->uid;
	r->pid = c->peer->pid;
	c->h->rules_changed(c->h->ctx);
	c->rc.ok = true;
	c->rc.rule = r->name;
	c->rc.ttl_s = r->ttl_s;
	return json_pack("{sbsssssI}", "ok", 1, "rule", r->name, "verdict",
			 verdict_str((enum verdict)v), "ttl_s",
			 (json_int_t)r->ttl_s);
}

static json_t *do_rules(struct call *c)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a && i < CTLRULES_MAX; i++) {
		const struct ctlrule *r = &c->h->rules->r[i];
		int64_t left = (r->expires_ms - c->now_ms + 999) / 1000;

		if (!r->used)
			continue;
		json_array_append_new(
			a,
			json_pack("{sssssssIsIsI}", "rule", r->name, "verdict",
				  verdict_str((enum verdict)r->verdict),
				  "match", r->text, "ttl_s",
				  (json_int_t)r->ttl_s, "remaining_s",
				  (json_int_t)(left > 0 ? left : 0), "uid",
				  (json_int_t)r->uid));
	}
	c->rc.ok = a != NULL;
	return json_pack("{sbso}", "ok", 1, "rules", a);
}

/* The request's arguments, as the record shows them. */
static void describe(struct call *c)
{
	const struct ctlreq *q = &c->req;
	char s[FLOWFMT_ADDR_LEN], d[FLOWFMT_ADDR_LEN], p[8];

	switch (q->cmd) {
	case CTL_RELOAD:
		if (q->file[0])
			snprintf(c->args, sizeof(c->args), "%s", q->file);
		break;
	case CTL_EXPLAIN:
		snprintf(c->args, sizeof(c->args), "%s %s:%u %s:%u",
			 flowfmt_proto(q->flow.proto, p),
			 flowfmt_addr(q->flow.ip_version, q->flow.src, s),
			 q->flow.sport,
			 flowfmt_addr(q->flow.ip_version, q->flow.dst, d),
			 q->flow.dport);
		break;
	case CTL_ALLOW:
	case CTL_DENY:
		snprintf(c->args, sizeof(c->args), "%s --ttl %us", q->rule,
			 q->ttl_s);
		break;
	default:
		break;
	}
	c->rc.args = c->args[0] ? c->args : NULL;
}

static json_t *dispatch(struct call *c, const char *line, size_t len)
{
	char err[256];

	if (ctlproto_parse_request(line, len, &c->req, err, sizeof(err))) {
		c->rc.command = "invalid";
		return reply_error(c, err);
	}
	c->rc.command = ctlproto_cmd_name(c->req.cmd);
	describe(c);
	switch (c->req.cmd) {
	case CTL_STATUS:
		return do_status(c);
	case CTL_RELOAD:
		return do_reload(c);
	case CTL_EXPLAIN:
		return do_explain(c);
	case CTL_ALLOW:
	case CTL_DENY:
		return do_temp(c);
	case CTL_RULES:
		return do_rules(c);
	}
	return reply_error(c, "unknown command");
}

static size_t put_reply(json_t *o, char *reply, size_t cap)
{
	static const char nomem[] = "{\"ok\":false,\"error\":\"out of memory "
				    "or reply too long\"}";
	size_t n = o ? json_dumpb(o, reply, cap, JSON_COMPACT) : 0;

	json_decref(o);
	if (n && n <= cap)
		return n;
	memcpy(reply, nomem, sizeof(nomem) - 1);
	return sizeof(nomem) - 1;
}

size_t ctlcmd_handle(const struct ctlcmd_host *h,
		     const struct control_peer *peer, const char *line,
		     size_t len, char *reply, size_t cap, int64_t now_ms)
{
	struct call c = {.h = h, .peer = peer, .now_ms = now_ms};
	json_t *o;

	c.rc.uid = peer->uid;
	c.rc.gid = peer->gid;
	c.rc.pid = peer->pid;
	o = dispatch(&c, line, len);
	if (!o)
		c.rc.ok = false;
	h->record(h->ctx, &c.rc);
	return put_reply(o, reply, cap);
}

void ctlcmd_expired(const struct ctlcmd_host *h, const struct ctlrule *r)
{
	char args[CTLREQ_RULE_MAX + 32];
	struct record_control rc = {
		.command = "expire",
		.args = args,
		.ok = true,
		.rule = r->name,
		.ttl_s = r->ttl_s,
		.uid = r->uid,
		.gid = -1,
		.pid = r->pid,
	};

	snprintf(args, sizeof(args), "%s %s",
		 r->verdict == VERDICT_ACCEPT ? "allow" : "deny", r->text);
	h->record(h->ctx, &rc);
}
