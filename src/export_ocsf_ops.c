// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The daemon's own operations as OCSF events.  A control-socket command
 * is API Activity (6003): the peer is the actor, the command the API
 * operation, its outcome the status.  A reload is the application's
 * Update (Application Lifecycle 6002).  Packets the kernel dropped
 * unjudged and records that could not be written leave a gap in what
 * the log can show: a Detection Finding (2004), as an alert is.  Stats
 * are counters for monitoring, with no class of their own: left out.
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "audit_rec.h"
#include "export.h"
#include "export_ocsf.h"
#include "logread.h"

static const struct ocsf_class class_api = {6003, 6, "API Activity",
					    "Application Activity"};

static const char *const statuses[] = {"Unknown", "Success", "Failure"};

/* Copy each of keys that the record has into a new object. */
static json_t *unmapped(const struct arec *a, const char *const *keys, size_t n)
{
	json_t *u = json_object(), *v;
	size_t i;

	for (i = 0; u && i < n; i++) {
		v = json_object_get(a->rec->root, keys[i]);
		if (v && !json_is_null(v))
			json_object_set(u, keys[i], v);
	}
	return u;
}

static json_t *with(json_t *ev, const char *key, json_t *v)
{
	if (ev && v)
		json_object_set_new(ev, key, v);
	else
		json_decref(v);
	return ev;
}

static void set_status(json_t *ev, bool ok, const char *detail)
{
	export_set_int(ev, "status_id", ok ? 1 : 2);
	export_set_str(ev, "status", statuses[ok ? 1 : 2]);
	if (!ok)
		export_set_str(ev, "status_detail", detail);
}

static json_t *reload(const struct export_state *st, const struct arec *a)
{
	static const char *const keys[] = {"ok", "policy_sha256", "message"};
	bool ok = json_is_true(json_object_get(a->rec->root, "ok"));
	const char *msg = export_str(a->rec->root, "message");
	json_t *ev = export_ocsf_base(&export_ocsf_class_lifecycle, 8, "Update",
				      ok ? 1 : 3, st, a);

	export_set_str(ev, "message",
		       ok    ? "the policy was reloaded"
		       : msg ? msg
			     : "the new policy was refused");
	with(ev, "app", export_ocsf_product(st));
	return with(ev, "unmapped", unmapped(a, keys, 3));
}

/* create a rule, read the state, update the policy, a rule gone */
static int api_activity(const char *command, const char **name)
{
	static const struct {
		const char *cmd, *name;
		int id;
	} map[] = {
		{"allow", "Create", 1},	 {"deny", "Create", 1},
		{"status", "Read", 2},	 {"explain", "Read", 2},
		{"rules", "Read", 2},	 {"reload", "Update", 3},
		{"expire", "Delete", 4},
	};
	size_t i;

	for (i = 0; command && i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(command, map[i].cmd)) {
			*name = map[i].name;
			return map[i].id;
		}
	*name = "Other";
	return 99;
}

static json_t *peer(const struct arec *a)
{
	json_t *actor = json_object(), *user = json_object();
	json_t *proc = json_object();
	long long uid = export_int(a->rec->root, "peer_uid");
	long long pid = export_int(a->rec->root, "peer_pid");
	char buf[24];

	if (uid >= 0) {
		snprintf(buf, sizeof(buf), "%lld", uid);
		export_set_str(user, "uid", buf);
		json_object_set(actor, "user", user);
	}
	if (pid > 0) {
		export_set_int(proc, "pid", pid);
		json_object_set(actor, "process", proc);
	}
	json_decref(user);
	json_decref(proc);
	return actor;
}

static json_t *control(const struct export_state *st, const struct arec *a)
{
	static const char *const keys[] = {"command", "args",	  "ok",
					   "rule",    "ttl_s",	  "peer_gid",
					   "message", "peer_uid", "peer_pid"};
	const char *cmd = export_str(a->rec->root, "command"), *act;
	const char *msg = export_str(a->rec->root, "message");
	bool ok = json_is_true(json_object_get(a->rec->root, "ok"));
	int id = api_activity(cmd, &act);
	bool refused = cmd && !strcmp(cmd, "refused");
	json_t *ev =
		export_ocsf_base(&class_api, id, act, refused ? 3 : 1, st, a);
	json_t *api = json_object(), *src = json_object();
	char text[160];

	snprintf(text, sizeof(text), "nfjudge ctl %s%s", cmd ? cmd : "?",
		 ok ? "" : ": failed");
	export_set_str(ev, "message", text);
	set_status(ev, ok, msg);
	export_set_str(api, "operation", cmd);
	with(ev, "api", api);
	with(ev, "actor", peer(a));
	/* a peer on the host's unix socket: no address to give */
	export_set_str(src, "name", "local");
	with(ev, "src_endpoint", src);
	return with(ev, "unmapped", unmapped(a, keys, 9));
}

/* What a lost record's "lost" names, in words. */
static const char *lost_what(const char *what)
{
	if (!what)
		return "packets or records";
	if (!strcmp(what, "queue_dropped") || !strcmp(what, "user_dropped"))
		return "packets the kernel dropped unjudged";
	if (!strcmp(what, "records"))
		return "records not written";
	if (!strcmp(what, "fence"))
		return "fence drops not recorded";
	return what;
}

/* Lost packets or records, or an error: a gap in what the log shows. */
static json_t *gap(const struct export_state *st, const struct arec *a,
		   bool lost)
{
	static const char *const keys[] = {"lost",  "count",   "total",
					   "queue", "message", "lost_records"};
	const char *what = lost ? export_str(a->rec->root, "lost") : "error";
	const char *msg = export_str(a->rec->root, "message");
	json_t *ev = export_ocsf_base(&export_ocsf_class_finding, 1, "Create",
				      3, st, a);
	json_t *f = json_object();
	char title[128];

	if (lost)
		snprintf(title, sizeof(title), "%lld %s",
			 export_int(a->rec->root, "count"), lost_what(what));
	else
		snprintf(title, sizeof(title), "nfjudge reported an error");
	export_ocsf_finding(ev, f, a, title, msg, what);
	with(ev, "finding_info", f);
	return with(ev, "unmapped", unmapped(a, keys, 6));
}

json_t *export_ocsf_operation(const struct export_state *st,
			      const struct arec *a, bool *none)
{
	*none = false;
	if (!strcmp(a->event_type, "reload"))
		return reload(st, a);
	if (!strcmp(a->event_type, "control"))
		return control(st, a);
	if (!strcmp(a->event_type, "lost"))
		return gap(st, a, true);
	if (!strcmp(a->event_type, "error"))
		return gap(st, a, false);
	*none = true;
	return NULL;
}
