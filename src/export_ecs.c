// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Records as Elastic Common Schema documents (version in export.h), nested
 * objects as Elasticsearch and Filebeat take them.  nfjudge watches from
 * the host, so network.direction is egress or ingress.  In audit mode the
 * flow was let through: event.type says allowed while event.action keeps
 * the policy's verdict and labels.enforced says "false".  An alert record
 * is an event of kind alert.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit_rec.h"
#include "export.h"
#include "logread.h"

static json_t *ecs_child(json_t *parent, const char *key)
{
	json_t *o = json_object();

	json_object_set_new(parent, key, o);
	return json_object_get(parent, key);
}

static void ecs_num_str(json_t *obj, const char *key, long long v)
{
	char num[24];

	if (v < 0)
		return;
	snprintf(num, sizeof(num), "%lld", v);
	export_set_str(obj, key, num);
}

/* @timestamp, ecs, event and observer, as every document has them. */
static json_t *ecs_base(const struct export_state *st, const struct arec *a,
			const char *category, const char *action)
{
	json_t *ev = json_object(), *e, *o;
	char dataset[48];

	if (!ev)
		return NULL;
	snprintf(dataset, sizeof(dataset), "nfjudge.%s", a->event_type);
	export_set_str(ev, "@timestamp", a->timestamp);
	export_set_str(ecs_child(ev, "ecs"), "version", EXPORT_ECS_VERSION);
	e = ecs_child(ev, "event");
	export_set_str(e, "kind", "event");
	json_object_set_new(e, "category", json_pack("[s]", category));
	export_set_str(e, "action", action);
	export_set_str(e, "module", "nfjudge");
	export_set_str(e, "dataset", dataset);
	json_object_set_new(e, "sequence",
			    json_integer((json_int_t)a->rec->seq));
	export_set_str(e, "id", a->rec->chain);
	o = ecs_child(ev, "observer");
	export_set_str(o, "product", "nfjudge");
	export_set_str(o, "vendor", "nfjudge");
	export_set_str(o, "type", "firewall");
	export_set_str(o, "version", st->version[0] ? st->version : NULL);
	return ev;
}

/* event.type and event.outcome from what happened to the flow. */
static void ecs_outcome(json_t *e, const struct arec *a)
{
	bool enforced =
		!json_is_false(json_object_get(a->rec->root, "enforced"));
	int v = audit_rec_verdict(a);

	if (v < 0) {
		json_object_set_new(e, "type",
				    json_pack("[ss]", "connection", "info"));
		export_set_str(e, "outcome", "unknown");
	} else if (v == 0 || !enforced) {
		json_object_set_new(
			e, "type",
			json_pack("[sss]", "connection", "allowed", "start"));
		export_set_str(e, "outcome", "success");
	} else {
		json_object_set_new(e, "type",
				    json_pack("[ss]", "connection", "denied"));
		export_set_str(e, "outcome", "failure");
	}
}

static void ecs_network(json_t *ev, const struct arec *a)
{
	json_t *n = ecs_child(ev, "network");
	int num = export_proto_num(a->proto);
	char name[16];

	export_set_str(n, "community_id",
		       export_str(a->rec->root, "community_id"));
	if (export_proto_name(a->proto, name, sizeof(name)))
		export_set_str(n, "transport", name);
	ecs_num_str(n, "iana_number", num);
	export_set_str(n, "direction",
		       export_inbound(a) ? "ingress" : "egress");
	export_set_str(n, "type", a->ip_version == 6 ? "ipv6" : "ipv4");
}

static void ecs_endpoints(json_t *ev, const struct arec *a)
{
	json_t *s = ecs_child(ev, "source"), *d = ecs_child(ev, "destination");

	export_set_str(s, "ip", a->src_ip);
	export_set_int(s, "port", a->src_port);
	export_set_str(d, "ip", a->dest_ip);
	export_set_int(d, "port", a->dest_port);
	export_set_str(d, "domain", export_str(a->rec->root, "dest_name"));
}

static void ecs_parent(json_t *p, json_t *proc)
{
	json_t *anc = json_array_get(json_object_get(proc, "ancestors"), 0);
	json_t *parent;

	if (!anc && export_int(proc, "ppid") <= 0)
		return;
	parent = ecs_child(p, "parent");
	export_set_int(parent, "pid",
		       anc ? export_int(anc, "pid") : export_int(proc, "ppid"));
	export_set_str(parent, "executable", export_str(anc, "exe"));
	export_set_str(parent, "name", export_str(anc, "comm"));
}

static void ecs_process(json_t *ev, const struct arec *a)
{
	json_t *argv = json_object_get(a->proc, "cmdline"), *p;
	char *cmd = export_cmdline(a->proc);

	p = ecs_child(ev, "process");
	export_set_int(p, "pid", a->pid);
	export_set_str(p, "name", export_str(a->proc, "comm"));
	export_set_str(p, "executable", a->exe);
	export_set_str(p, "command_line", cmd);
	free(cmd);
	if (json_array_size(argv)) {
		json_object_set(p, "args", argv);
		export_set_int(p, "args_count",
			       (long long)json_array_size(argv));
	}
	export_set_str(p, "start", export_str(a->proc, "start_time"));
	ecs_parent(p, a->proc);
}

static void ecs_user(json_t *ev, const struct arec *a)
{
	json_t *u;

	if (a->user || a->uid >= 0) {
		u = ecs_child(ev, "user");
		export_set_str(u, "name", a->user);
		ecs_num_str(u, "id", a->uid);
	}
	if (export_int(a->proc, "gid") >= 0)
		ecs_num_str(ecs_child(ev, "group"), "id",
			    export_int(a->proc, "gid"));
}

static void ecs_rule(json_t *ev, const struct arec *a)
{
	json_t *r = ecs_child(ev, "rule"), *l = ecs_child(ev, "labels");
	const char *attr = export_str(a->rec->root, "attribution");
	bool enforced =
		!json_is_false(json_object_get(a->rec->root, "enforced"));

	export_set_str(r, "name", a->rule);
	ecs_num_str(r, "id", export_int(a->rec->root, "rule_line"));
	export_set_str(r, "description", export_str(a->rec->root, "reason"));
	export_set_str(l, "enforced", enforced ? "true" : "false");
	export_set_str(l, "attribution", attr);
}

static json_t *ecs_verdict(const struct export_state *st, const struct arec *a)
{
	json_t *ev = ecs_base(st, a, "network", a->verdict);
	const char *hint = export_str(a->rec->root, "hint");
	char msg[EXPORT_MSG_LEN];

	if (!ev)
		return NULL;
	ecs_outcome(json_object_get(ev, "event"), a);
	export_set_str(json_object_get(ev, "event"), "reason",
		       export_str(a->rec->root, "reason"));
	export_set_str(ev, "message", hint ? hint : export_message(a, msg));
	ecs_network(ev, a);
	ecs_endpoints(ev, a);
	if (a->proc && a->pid >= 0)
		ecs_process(ev, a);
	if (a->proc)
		ecs_user(ev, a);
	ecs_rule(ev, a);
	return ev;
}

static json_t *ecs_start_stop(const struct export_state *st,
			      const struct arec *a, bool start)
{
	json_t *ev = ecs_base(st, a, "process", start ? "start" : "stop");

	if (!ev)
		return NULL;
	json_object_set_new(json_object_get(ev, "event"), "type",
			    json_pack("[s]", start ? "start" : "end"));
	export_set_str(json_object_get(ev, "event"), "reason",
		       export_str(a->rec->root, "reason"));
	export_set_str(ev, "message",
		       start ? "nfjudge started" : "nfjudge stopped");
	return ev;
}

static json_t *ecs_alert(const struct export_state *st, const struct arec *a)
{
	const char *kind = export_str(a->rec->root, "kind");
	json_t *ev = ecs_base(st, a, "intrusion_detection", kind),
	       *e = json_object_get(ev, "event");

	if (!ev)
		return NULL;
	export_set_str(e, "kind", "alert");
	json_object_set_new(e, "type", json_pack("[s]", "info"));
	export_set_str(ev, "message", export_str(a->rec->root, "message"));
	return ev;
}

int export_ecs(struct export_state *st, const struct arec *a, export_emit emit,
	       void *ctx)
{
	bool start = !strcmp(a->event_type, "start");
	json_t *ev = NULL;
	int err;

	if (start)
		export_note_start(st, a);
	if (start || !strcmp(a->event_type, "stop"))
		ev = ecs_start_stop(st, a, start);
	else if (!strcmp(a->event_type, "alert"))
		ev = ecs_alert(st, a);
	else if (a->verdict_rec)
		ev = ecs_verdict(st, a);
	else
		return 0;
	if (!ev)
		return -ENOMEM;
	err = emit(ctx, ev);
	return err ? err : 1;
}
