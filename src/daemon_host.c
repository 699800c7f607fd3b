// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nfjudge run: the policy in force, its reload, and the control socket's
 * commands as the daemon answers them (ctlcmd.c parses them).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <openssl/evp.h>

#include "attr.h"
#include "control.h"
#include "ctlcmd.h"
#include "ctlrules.h"
#include "daemon_int.h"
#include "dnswatch.h"
#include "log.h"
#include "logsink.h"
#include "ocsfsink.h"
#include "policy.h"
#include "proc.h"
#include "procfs.h"
#include "record.h"
#include "runctl.h"
#include "timefmt.h"

/* The temporary rules' and control clients' clock. */
int64_t daemon_mono_ms(void)
{
	return timefmt_clock_us(CLOCK_MONOTONIC) / 1000;
}

/* SHA-256 of the policy's canonical form: what is in force, not bytes. */
void daemon_policy_digest(struct policy *p, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0, i;
	char *text = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&text, &n);

	out[0] = '\0';
	if (!f)
		return;
	policy_print(p, f);
	fclose(f);
	if (EVP_Digest(text, n, md, &len, EVP_sha256(), NULL))
		for (i = 0; i < len && i < 32; i++)
			snprintf(out + 2 * i, 3, "%02x", md[i]);
	free(text);
}

/* Find every holder of a socket only for a policy that asks who it is. */
void daemon_tune_attribution(struct daemon *d, const struct policy *p)
{
	bool all = policy_needs_holders(p);
	int i, j;

	for (i = 0; i < d->nworkers; i++)
		for (j = 0; j < d->workers[i].nlanes; j++)
			attr_set_thorough(d->workers[i].attr[j], all);
	log_info("process attribution: %s",
		 all ? "every holder of a socket, checked for taint (the "
		       "policy names programs)"
		     : "the first holder of a socket (no rule names a "
		       "program)");
}

/* The base policy with the temporary rules in front, into force. */
void daemon_install_policy(struct daemon *d)
{
	struct policy *p = ctlrules_compose(&d->temps, d->base);

	if (!p) {
		log_warnx("temporary rules: out of memory; unchanged");
		return;
	}
	daemon_tune_attribution(d, p);
	policy_ref_set(d->policy, p);
}

struct diag_buf {
	char *buf;
	size_t cap;
	size_t len;
};

/* Each diagnostic to stderr and, one a line, to the control reply. */
static void diag_collect(void *ctx, const char *msg)
{
	struct diag_buf *db = ctx;
	int n;

	fprintf(stderr, "%s\n", msg);
	if (!db->cap || db->len >= db->cap - 1)
		return;
	n = snprintf(db->buf + db->len, db->cap - db->len, "%s\n", msg);
	db->len = n < 0 ? db->cap - 1 : db->len + (size_t)n;
	if (db->len >= db->cap)
		db->len = db->cap - 1;
}

/*
 * Load file (NULL: the one in force) and put it in force atomically;
 * with errors the old policy stays.  0, or -EINVAL with the errors in err.
 */
static int reload_policy(struct daemon *d, const char *file, char *err,
			 size_t errlen)
{
	struct policy_default_opts dflt = {.proxy = d->o->proxy};
	struct diag_buf db = {err, errlen, 0};
	struct policy_parse_opts popts = {.diag = diag_collect, .ctx = &db};
	struct record_event ev = {.type = RECORD_RELOAD};
	const char *path = file		       ? file
			   : d->policy_path[0] ? d->policy_path
					       : NULL;
	struct policy *p;

	logsink_reopen(d->sink);
	if (d->ocsf && (errno = -ocsfsink_reopen(d->ocsf)))
		log_warn("cannot reopen the OCSF stream %s", d->o->ocsf);
	p = policy_load(path, &dflt, &popts);
	if (!p) {
		ev.ok = false;
		ev.message = "the new policy has errors; the old one stays in "
			     "force";
		snprintf(d->last_error, sizeof(d->last_error), "reload: %s",
			 db.len ? err : ev.message);
		daemon_emit(d, &ev);
		return -EINVAL;
	}
	if (file)
		snprintf(d->policy_path, sizeof(d->policy_path), "%s", file);
	daemon_policy_digest(p, d->policy_sha);
	policy_free(d->base);
	d->base = p;
	daemon_install_policy(d);
	d->generation++;
	ev.ok = true;
	ev.policy_sha256 = d->policy_sha;
	daemon_emit(d, &ev);
	log_info("policy reloaded");
	return 0;
}

void daemon_reload(struct daemon *d)
{
	char err[1];

	reload_policy(d, NULL, err, 0);
}

static void host_status(void *ctx, struct ctlcmd_status *st)
{
	struct daemon *d = ctx;
	struct policy *p = policy_ref_get(d->policy);

	st->mode = d->o->audit || policy_audit_mode(p) ? "audit" : "enforce";
	policy_free(p);
	st->attribution = d->kattr ? "kernel" : "proc";
	st->policy = d->policy_path[0] ? d->policy_path : "embedded";
	st->policy_sha256 = d->policy_sha;
	st->queues = d->queues;
	st->last_error = d->last_error[0] ? d->last_error : NULL;
	st->generation = d->generation;
	st->uptime_s = (daemon_mono_ms() - d->started_ms) / 1000;
	daemon_gather_stats(d, &st->stats);
}

static int host_reload(void *ctx, const char *file, uint64_t *generation,
		       char *err, size_t errlen)
{
	struct daemon *d = ctx;
	int ret;

	runctl_notify_reloading();
	ret = reload_policy(d, file, err, errlen);
	runctl_notify("READY=1");
	*generation = d->generation;
	return ret;
}

static struct policy *host_policy(void *ctx)
{
	return policy_ref_get(((struct daemon *)ctx)->policy);
}

/* A look-up of its own: the workers' caches stay theirs. */
static void host_names(void *ctx, const struct flow *f,
		       struct dnsname_list *out)
{
	struct daemon *d = ctx;

	dnswatch_lookup(d->names, f, dnswatch_now(), out);
}

static int host_proc(void *ctx, int pid, const struct proc_info **info)
{
	struct daemon *d = ctx;
	const char *root = d->o->proc_root ? d->o->proc_root : "/proc";

	if (!d->explain_pfs)
		d->explain_pfs = procfs_open(root);
	if (!d->explain_proc)
		d->explain_proc = calloc(1, sizeof(*d->explain_proc));
	if (!d->explain_pfs || !d->explain_proc)
		return -ENOMEM;
	*info = d->explain_proc;
	return procfs_lookup_pid(d->explain_pfs, (pid_t)pid, d->explain_proc);
}

static void host_rules_changed(void *ctx)
{
	daemon_install_policy(ctx);
}

static void host_record(void *ctx, const struct record_control *rc)
{
	struct record_event ev = {.type = RECORD_CONTROL, .control = rc};

	daemon_emit(ctx, &ev);
}

/* A flood of refused peers is recorded up to a bound each second. */
#define REFUSED_PER_TICK 10

static void host_refused(void *ctx, const struct control_peer *peer)
{
	struct daemon *d = ctx;
	struct record_control rc = {
		.command = "refused",
		.ok = false,
		.message = "not root and not in the control group",
		.uid = peer->uid,
		.gid = peer->gid,
		.pid = peer->pid,
	};

	if (d->refused++ < REFUSED_PER_TICK)
		host_record(d, &rc);
	else if (d->refused == REFUSED_PER_TICK + 1)
		log_warnx("control socket: more than %d refused peers in a "
			  "second; the rest go unrecorded",
			  REFUSED_PER_TICK);
}

static size_t host_handle(void *ctx, const struct control_peer *peer,
			  const char *line, size_t len, char *reply, size_t cap)
{
	struct daemon *d = ctx;

	return ctlcmd_handle(&d->host, peer, line, len, reply, cap,
			     daemon_mono_ms());
}

/* Bound before privileges go: the socket's owner must be root. */
int daemon_open_control(struct daemon *d)
{
	const struct daemon_opts *o = d->o;
	struct control_opts co = {
		.path = o->control,
		.have_group = o->have_control_group,
		.group = o->control_group,
		.handle = host_handle,
		.refused = host_refused,
		.ctx = d,
	};

	d->host = (struct ctlcmd_host){
		.status = host_status,
		.reload = host_reload,
		.policy = host_policy,
		.proc = host_proc,
		.names = d->names ? host_names : NULL,
		.rules_changed = host_rules_changed,
		.record = host_record,
		.rules = &d->temps,
		.ctx = d,
	};
	if (!o->control)
		return 0;
	d->ctl = control_open(&co);
	if (!d->ctl) {
		log_warn("control socket %s", o->control);
		return -1;
	}
	return 0;
}
