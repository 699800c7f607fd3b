// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Records as OCSF events (https://schema.ocsf.io, version in export.h).
 * A verdict is Network Activity: the activity says what happened to the
 * flow, the action and disposition what the policy did about it.  In audit
 * mode the flow was let through whatever the policy said, so it is an Open
 * that was Observed, the policy's verdict kept in firewall_rule and
 * unmapped.  An alert is a Detection Finding.  Reload, error, lost and
 * control records are in export_ocsf_ops.c; stats have no class that fits
 * and are left out (counted by the caller).
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit_rec.h"
#include "export.h"
#include "export_ocsf.h"
#include "logread.h"
#include "timefmt.h"

static const struct ocsf_class ocsf_class_network = {
	4001, 4, "Network Activity", "Network Activity"};
const struct ocsf_class export_ocsf_class_finding = {
	2004, 2, "Detection Finding", "Findings"};
const struct ocsf_class export_ocsf_class_lifecycle = {
	6002, 6, "Application Lifecycle", "Application Activity"};

/* What a verdict maps to: ids with their captions in the schema. */
struct ocsf_outcome {
	int activity;
	const char *activity_name;
	int action;
	const char *action_name;
	int disposition;
	const char *disposition_name;
	int severity, status;
};

static const struct ocsf_outcome ocsf_enforced[] = {
	{1, "Open", 1, "Allowed", 1, "Allowed", 1, 1},	/* accept */
	{5, "Refuse", 2, "Denied", 2, "Blocked", 2, 2}, /* reject */
	{5, "Refuse", 2, "Denied", 6, "Dropped", 2, 2}, /* drop */
};
static const struct ocsf_outcome ocsf_observed[] = {
	{1, "Open", 3, "Observed", 17, "Logged", 1, 1},
	{1, "Open", 3, "Observed", 15, "Detected", 2, 1},
	{1, "Open", 3, "Observed", 15, "Detected", 2, 1},
};
static const struct ocsf_outcome ocsf_unknown = {0, "Unknown", 0, "Unknown",
						 0, "Unknown", 0, 0};

static const char *const ocsf_severities[] = {"Unknown", "Informational", "Low",
					      "Medium", "High"};

static const char *const ocsf_statuses[] = {"Unknown", "Success", "Failure"};

static bool ocsf_is_enforced(const struct arec *a)
{
	/* a record without the field predates audit mode: enforced */
	return !json_is_false(json_object_get(a->rec->root, "enforced"));
}

static const struct ocsf_outcome *ocsf_outcome(const struct arec *a)
{
	int v = audit_rec_verdict(a);

	if (v < 0)
		return &ocsf_unknown;
	return ocsf_is_enforced(a) ? &ocsf_enforced[v] : &ocsf_observed[v];
}

json_t *export_ocsf_product(const struct export_state *st)
{
	json_t *p = json_object();

	export_set_str(p, "name", "nfjudge");
	export_set_str(p, "vendor_name", "nfjudge");
	export_set_str(p, "version", st->version[0] ? st->version : NULL);
	return p;
}

static json_t *ocsf_metadata(const struct export_state *st,
			     const struct arec *a)
{
	json_t *m = json_object();

	export_set_str(m, "version", EXPORT_OCSF_VERSION);
	json_object_set_new(m, "product", export_ocsf_product(st));
	json_object_set_new(m, "sequence",
			    json_integer((json_int_t)a->rec->seq));
	export_set_str(m, "uid", a->rec->chain);
	export_set_str(m, "original_time", a->timestamp);
	return m;
}

/* The attributes every event has: classification, time, metadata. */
json_t *export_ocsf_base(const struct ocsf_class *c, int activity,
			 const char *activity_name, int severity,
			 const struct export_state *st, const struct arec *a)
{
	json_t *ev = json_object();
	char type_name[96];

	snprintf(type_name, sizeof(type_name), "%s: %s", c->name,
		 activity_name);
	export_set_int(ev, "activity_id", activity);
	export_set_str(ev, "activity_name", activity_name);
	export_set_int(ev, "category_uid", c->category_uid);
	export_set_str(ev, "category_name", c->category_name);
	export_set_int(ev, "class_uid", c->uid);
	export_set_str(ev, "class_name", c->name);
	export_set_int(ev, "type_uid", (long long)c->uid * 100 + activity);
	export_set_str(ev, "type_name", type_name);
	json_object_set_new(ev, "time", json_integer(export_ms(a)));
	export_set_int(ev, "severity_id", severity);
	export_set_str(ev, "severity", ocsf_severities[severity]);
	json_object_set_new(ev, "metadata", ocsf_metadata(st, a));
	return ev;
}

static void ocsf_set_outcome(json_t *ev, const struct ocsf_outcome *o)
{
	export_set_int(ev, "action_id", o->action);
	export_set_str(ev, "action", o->action_name);
	export_set_int(ev, "disposition_id", o->disposition);
	export_set_str(ev, "disposition", o->disposition_name);
}

static json_t *ocsf_endpoint(const char *ip, long port, const char *hostname)
{
	json_t *e = json_object();

	export_set_str(e, "ip", ip);
	export_set_int(e, "port", port);
	export_set_str(e, "hostname", hostname);
	return e;
}

static json_t *ocsf_connection(const struct arec *a)
{
	json_t *c = json_object();
	bool in = export_inbound(a);
	char name[16];

	export_set_int(c, "protocol_num", export_proto_num(a->proto));
	if (export_proto_name(a->proto, name, sizeof(name)))
		export_set_str(c, "protocol_name", name);
	export_set_int(c, "protocol_ver_id", a->ip_version);
	export_set_int(c, "direction_id", in ? 1 : 2);
	export_set_str(c, "direction", in ? "Inbound" : "Outbound");
	export_set_str(c, "community_uid",
		       export_str(a->rec->root, "community_id"));
	return c;
}

static void ocsf_set_flow(json_t *ev, const struct arec *a)
{
	json_object_set_new(ev, "src_endpoint",
			    ocsf_endpoint(a->src_ip, a->src_port, NULL));
	json_object_set_new(
		ev, "dst_endpoint",
		ocsf_endpoint(a->dest_ip, a->dest_port,
			      export_str(a->rec->root, "dest_name")));
	json_object_set_new(ev, "connection_info", ocsf_connection(a));
}

static json_t *ocsf_file(const char *exe)
{
	json_t *f;

	if (!exe)
		return NULL;
	f = json_object();
	export_set_str(f, "name", export_basename(exe));
	export_set_str(f, "path", exe);
	export_set_int(f, "type_id", 1); /* Regular File */
	return f;
}

/* A process, as the record or one of its ancestors names it. */
static json_t *ocsf_proc_entity(long long pid, const char *comm,
				const char *exe)
{
	json_t *p = json_object();
	json_t *file = ocsf_file(exe);

	export_set_int(p, "pid", pid);
	export_set_str(p, "name", comm);
	if (file)
		json_object_set_new(p, "file", file);
	return p;
}

/* The ancestors, nearest first, as nested parent_process objects. */
static json_t *ocsf_parents(json_t *proc)
{
	json_t *list = json_object_get(proc, "ancestors"), *parent = NULL;
	size_t i = json_array_size(list);

	while (i-- > 0) {
		json_t *anc = json_array_get(list, i), *p;

		if (export_int(anc, "pid") < 0)
			continue;
		p = ocsf_proc_entity(export_int(anc, "pid"),
				     export_str(anc, "comm"),
				     export_str(anc, "exe"));
		if (parent)
			json_object_set_new(p, "parent_process", parent);
		parent = p;
	}
	if (!parent && export_int(proc, "ppid") > 0)
		parent = ocsf_proc_entity(export_int(proc, "ppid"), NULL, NULL);
	return parent;
}

static json_t *ocsf_user(const struct arec *a)
{
	json_t *u;
	char uid[24];

	if (!a->user && a->uid < 0)
		return NULL;
	u = json_object();
	export_set_str(u, "name", a->user);
	if (a->uid >= 0) {
		snprintf(uid, sizeof(uid), "%lld", a->uid);
		export_set_str(u, "uid", uid);
	}
	return u;
}

static json_t *ocsf_process(const struct arec *a, json_t *user)
{
	json_t *p =
		ocsf_proc_entity(a->pid, export_str(a->proc, "comm"), a->exe);
	json_t *parent = ocsf_parents(a->proc);
	char *cmd = export_cmdline(a->proc);
	const char *start = export_str(a->proc, "start_time");
	int64_t us;

	export_set_str(p, "cmd_line", cmd);
	free(cmd);
	if (user)
		json_object_set(p, "user", user);
	if (start && !timefmt_parse(start, &us))
		json_object_set_new(p, "created_time", json_integer(us / 1000));
	if (parent)
		json_object_set_new(p, "parent_process", parent);
	return p;
}

/* Who opened the flow: a process when its pid is known, else the user. */
static json_t *ocsf_actor(const struct arec *a)
{
	json_t *user = a->proc ? ocsf_user(a) : NULL, *actor;

	if (!user && a->pid < 0)
		return NULL;
	actor = json_object();
	if (a->pid >= 0)
		json_object_set_new(actor, "process", ocsf_process(a, user));
	if (user)
		json_object_set_new(actor, "user", user);
	return actor;
}

static json_t *ocsf_rule(const struct arec *a)
{
	json_t *r = json_object();
	char line[24];

	snprintf(line, sizeof(line), "%lld",
		 export_int(a->rec->root, "rule_line"));
	export_set_str(r, "name", a->rule);
	if (export_int(a->rec->root, "rule_line") >= 0)
		export_set_str(r, "uid", line);
	export_set_str(r, "desc", export_str(a->rec->root, "reason"));
	return r;
}

/* What nfjudge says that OCSF has no attribute for, as it says it. */
static json_t *ocsf_unmapped(const struct arec *a)
{
	static const char *const keys[] = {"verdict",	  "enforced", "hint",
					   "attribution", "shared",   "tainted",
					   "holders"};
	json_t *u = json_object(), *v;
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		v = json_object_get(a->rec->root, keys[i]);
		if (v)
			json_object_set(u, keys[i], v);
	}
	return u;
}

static json_t *ocsf_network(const struct export_state *st, const struct arec *a)
{
	const struct ocsf_outcome *o = ocsf_outcome(a);
	json_t *ev = export_ocsf_base(&ocsf_class_network, o->activity,
				      o->activity_name, o->severity, st, a);
	json_t *actor = ocsf_actor(a);
	char msg[EXPORT_MSG_LEN];

	if (!ev) {
		json_decref(actor);
		return NULL;
	}
	export_set_int(ev, "status_id", o->status);
	export_set_str(ev, "status", ocsf_statuses[o->status]);
	export_set_str(ev, "message", export_message(a, msg));
	ocsf_set_outcome(ev, o);
	ocsf_set_flow(ev, a);
	if (actor)
		json_object_set_new(ev, "actor", actor);
	json_object_set_new(ev, "firewall_rule", ocsf_rule(a));
	json_object_set_new(ev, "unmapped", ocsf_unmapped(a));
	return ev;
}

static json_t *ocsf_finding_info(const struct arec *a, const char *hint)
{
	json_t *f = json_object();

	export_set_str(f, "uid", a->rec->chain);
	export_set_str(f, "title",
		       ocsf_is_enforced(a) ? "Connection around the proxy "
					     "refused"
					   : "Connection around the proxy "
					     "(audit mode: let through)");
	export_set_str(f, "desc", hint);
	json_object_set_new(f, "types", json_pack("[s]", "Proxy Bypass"));
	return f;
}

/* The flow and its process, as the finding's evidence. */
static json_t *ocsf_evidence(const struct arec *a)
{
	json_t *e = json_object(), *actor = ocsf_actor(a);

	ocsf_set_flow(e, a);
	if (actor)
		json_object_set_new(e, "actor", actor);
	return json_pack("[o]", e);
}

/* A refused bypass: the default rule's hint tells the program's owner
 * what to do, which is what a supervisor shows its user. */
static json_t *ocsf_bypass(const struct export_state *st, const struct arec *a,
			   const char *hint)
{
	json_t *ev = export_ocsf_base(&export_ocsf_class_finding, 1, "Create",
				      3, st, a);
	json_t *rem = json_object();

	if (!ev || !rem) {
		json_decref(ev);
		json_decref(rem);
		return NULL;
	}
	export_set_int(ev, "status_id", 1);
	export_set_str(ev, "status", "New");
	export_set_str(ev, "message", hint);
	ocsf_set_outcome(ev, ocsf_outcome(a));
	json_object_set_new(ev, "finding_info", ocsf_finding_info(a, hint));
	json_object_set_new(ev, "evidences", ocsf_evidence(a));
	export_set_str(rem, "desc", hint);
	json_object_set_new(ev, "remediation", rem);
	json_object_set_new(ev, "firewall_rule", ocsf_rule(a));
	json_object_set_new(ev, "unmapped", ocsf_unmapped(a));
	return ev;
}

static json_t *ocsf_start_stop(const struct export_state *st,
			       const struct arec *a, bool start)
{
	static const char *const keys[] = {"policy", "policy_sha256", "mode",
					   "queues", "reason",	      "stats"};
	json_t *ev =
		export_ocsf_base(&export_ocsf_class_lifecycle, start ? 3 : 4,
				 start ? "Start" : "Stop", 1, st, a);
	json_t *u = json_object(), *v;
	size_t i;

	if (!ev || !u) {
		json_decref(ev);
		json_decref(u);
		return NULL;
	}
	export_set_str(ev, "message",
		       start ? "nfjudge started" : "nfjudge stopped");
	json_object_set_new(ev, "app", export_ocsf_product(st));
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		v = json_object_get(a->rec->root, keys[i]);
		if (v)
			json_object_set(u, keys[i], v);
	}
	json_object_set_new(ev, "unmapped", u);
	return ev;
}

void export_ocsf_finding(json_t *ev, json_t *f, const struct arec *a,
			 const char *title, const char *msg, const char *type)
{
	export_set_int(ev, "status_id", 1);
	export_set_str(ev, "status", "New");
	export_set_str(ev, "message", msg ? msg : title);
	export_set_str(f, "uid", a->rec->chain);
	export_set_str(f, "title", title);
	export_set_str(f, "desc", msg);
	if (type)
		json_object_set_new(f, "types", json_pack("[s]", type));
}

/* Something that weakens the fence (the chain altered, a hole found):
 * a finding of high severity, for a supervisor to act on. */
static json_t *ocsf_alert(const struct export_state *st, const struct arec *a)
{
	const char *kind = export_str(a->rec->root, "kind");
	const char *msg = export_str(a->rec->root, "message");
	json_t *ev = export_ocsf_base(&export_ocsf_class_finding, 1, "Create",
				      4, st, a);
	json_t *f = json_object(), *u = json_object();
	char title[96];

	if (!ev || !f || !u) {
		json_decref(ev);
		json_decref(f);
		json_decref(u);
		return NULL;
	}
	snprintf(title, sizeof(title), "The fence is weakened: %s",
		 kind ? kind : "alert");
	export_ocsf_finding(ev, f, a, title, msg, kind);
	json_object_set_new(ev, "finding_info", f);
	export_set_str(u, "kind", kind);
	json_object_set_new(ev, "unmapped", u);
	return ev;
}

/* Hand ev to emit: 1, or -ENOMEM when it could not be built. */
static int ocsf_emit(json_t *ev, export_emit emit, void *ctx)
{
	int err;

	if (!ev)
		return -ENOMEM;
	err = emit(ctx, ev);
	return err ? err : 1;
}

int export_ocsf(struct export_state *st, const struct arec *a, export_emit emit,
		void *ctx)
{
	bool start = !strcmp(a->event_type, "start");
	const char *hint;
	int n, m;

	if (start)
		export_note_start(st, a);
	if (start || !strcmp(a->event_type, "stop"))
		return ocsf_emit(ocsf_start_stop(st, a, start), emit, ctx);
	if (!strcmp(a->event_type, "alert"))
		return ocsf_emit(ocsf_alert(st, a), emit, ctx);
	if (!a->verdict_rec) {
		bool none;
		json_t *ev = export_ocsf_operation(st, a, &none);

		return none ? 0 : ocsf_emit(ev, emit, ctx);
	}
	n = ocsf_emit(ocsf_network(st, a), emit, ctx);
	hint = export_str(a->rec->root, "hint");
	if (n < 0 || !hint)
		return n;
	m = ocsf_emit(ocsf_bypass(st, a, hint), emit, ctx);
	return m < 0 ? m : n + m;
}
