// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nfjudge run: start-up in a fixed order, then the control loop.
 *
 *	policy -> log -> pcap-out -> kernel attribution -> queues ->
 *	attribution -> rules ->
 *	pidfile -> privileges -> start record -> workers -> READY=1
 *
 * Each step that fails stops the start with exit status 1 (2 for a bad
 * policy) and undoes the steps before it.  The queues are bound before the
 * rules go in, so no packet meets a rule whose queue has no reader longer
 * than necessary; fail-closed rules drop such packets anyway.
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/signalfd.h>

#include "capture.h"
#include "control.h"
#include "daemon.h"
#include "daemon_int.h"
#include "dnswatch.h"
#include "doctor.h"
#include "dropwatch.h"
#include "exitcode.h"
#include "fencelog.h"
#include "kattr.h"
#include "log.h"
#include "logsink.h"
#include "nflog.h"
#include "ocsfsink.h"
#include "policy.h"
#include "procfs.h"
#include "record.h"
#include "rules.h"
#include "runctl.h"
#include "timefmt.h"
#include "worker.h"

void daemon_emit(struct daemon *d, struct record_event *ev)
{
	ev->ts_us = timefmt_clock_us(CLOCK_REALTIME);
	if (logsink_submit(d->sink, ev) < 0)
		log_warnx("a %s record could not be written",
			  ev->type == RECORD_START ? "start" : "control");
}

/* What nfjudge doctor would say, as alert records of kind "hole". */
static void write_holes(struct daemon *d)
{
	struct record_event ev = {.type = RECORD_ALERT, .kind = "hole"};
	size_t i, n = doctor_holes(&d->doctor);

	for (i = 0; i < d->doctor.n; i++) {
		ev.message = d->doctor.v[i].text;
		if (d->doctor.v[i].level == DOCTOR_HOLE)
			daemon_emit(d, &ev);
	}
	if (n)
		log_warnx("%zu hole(s) in the fence, recorded as alert "
			  "records; 'nfjudge doctor' lists them",
			  n);
	doctor_report_free(&d->doctor);
}

static void write_start(struct daemon *d)
{
	const struct daemon_opts *o = d->o;
	struct policy *p = policy_ref_get(d->policy);
	struct record_start s = {
		.version = PACKAGE_VERSION,
		.policy = o->policy_file ? o->policy_file : "embedded",
		.policy_sha256 = d->policy_sha,
		.mode = o->audit || policy_audit_mode(p) ? "audit" : "enforce",
		.queues = d->queues,
		.proxy = o->proxy,
		.output = o->output,
		.on_log_failure =
			o->on_log_failure == LOGSINK_OPEN ? "open" : "closed",
		.fail_open = o->rules.fail_open,
		.attribution = d->kattr ? "kernel" : "proc",
		.attribution_why = d->attr_why,
	};
	struct record_event ev = {.type = RECORD_START, .start = &s};

	daemon_emit(d, &ev);
	policy_ref_put(p);
}

/* Block the signals the control loop reads; the workers inherit it. */
static int signals_open(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	signal(SIGPIPE, SIG_IGN);
	if (pthread_sigmask(SIG_BLOCK, &set, NULL))
		return -1;
	return signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}

static void write_fence_alert(struct daemon *d)
{
	char msg[160];
	struct record_event ev = {
		.type = RECORD_ALERT, .kind = "fence-log", .message = msg};

	if (d->nflog)
		return;
	snprintf(msg, sizeof(msg),
		 "NFLOG group %u could not be bound: the fence drops, but "
		 "its drops are not recorded",
		 d->o->rules.nflog_group);
	daemon_emit(d, &ev);
}

static void stop_workers(struct daemon *d, int started)
{
	uint64_t one = 1;
	int i;

	if (write(d->stop_fd, &one, sizeof(one)) != sizeof(one))
		log_warn("stopping the workers");
	for (i = 0; i < started; i++)
		worker_join(&d->workers[i]);
}

/*
 * Only an operator's TERM or INT takes the rules away.  After a failure
 * they stay: their queue has no reader, so the kernel drops what they
 * queue, and the sandbox stays closed until nfjudge runs again.
 */
static void rules_teardown(struct daemon *d, bool operator_stop)
{
	if (!d->rules_installed)
		return;
	if (!operator_stop)
		log_warnx("the rules stay in place, so nothing passes until "
			  "nfjudge runs again; 'nfjudge rules remove' removes "
			  "them");
	else if (rules_remove(&d->o->rules))
		log_warnx("the rules could not be removed; remove them with "
			  "'nfjudge rules remove'");
}

static void teardown(struct daemon *d, bool operator_stop)
{
	int i;

	rules_teardown(d, operator_stop);
	for (i = 0; d->workers && i < d->nworkers; i++)
		worker_destroy(&d->workers[i]);
	free(d->workers);
	kattr_close(d->kattr);
	if (d->pcap.w) {
		capture_writer_close(d->pcap.w);
		pthread_mutex_destroy(&d->pcap.lock);
	}
	dropwatch_free(d->drops);
	nflog_close(d->nflog);
	fencelog_free(d->fencelog);
	dnswatch_free(d->names);
	doctor_report_free(&d->doctor);
	control_close(d->ctl);
	procfs_close(d->explain_pfs);
	free(d->explain_proc);
	logsink_close(d->sink);
	ocsfsink_close(d->ocsf);
	policy_ref_free(d->policy);
	policy_free(d->base);
	if (d->stop_fd >= 0)
		close(d->stop_fd);
	if (d->died_fd >= 0)
		close(d->died_fd);
	if (d->o->pidfile)
		unlink(d->o->pidfile);
}

static void notify_ready(struct daemon *d)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "READY=1\nSTATUS=judging queue %s",
		 d->queues);
	runctl_notify(buf);
}

/* Stop what started, write the last records, and give everything back. */
static void finish(struct daemon *d, int started, const char *why)
{
	if (started)
		stop_workers(d, started);
	if (d->drops)
		dropwatch_check(d->drops);
	if (d->nflog)
		daemon_read_fence_log(d);
	if (d->sink) {
		daemon_write_counts(d, RECORD_STOP, why);
		if (d->o->metrics_file)
			daemon_write_metrics(d);
	}
	teardown(d, !strcmp(why, "SIGTERM") || !strcmp(why, "SIGINT"));
	if (d->timer_fd >= 0)
		close(d->timer_fd);
	if (d->wd_fd >= 0)
		close(d->wd_fd);
	free(d->beats);
}

int daemon_run(const struct daemon_opts *o)
{
	struct daemon d = {.o = o,
			   .stop_fd = -1,
			   .died_fd = -1,
			   .timer_fd = -1,
			   .wd_usec = runctl_watchdog_usec(),
			   .wd_fd = -1};
	struct policy *p = policy_load_stderr(o->policy_file, o->proxy);
	const char *why = "start failed";
	int sfd, started = 0, rc = 1;

	if (!p)
		return EXIT_USAGE;
	daemon_policy_digest(p, d.policy_sha);
	d.base = p;
	d.policy = policy_ref_new(policy_hold(p));
	d.generation = 1;
	d.started_ms = daemon_mono_ms();
	if (o->policy_file)
		snprintf(d.policy_path, sizeof(d.policy_path), "%s",
			 o->policy_file);
	snprintf(d.queues, sizeof(d.queues), "%u:%u", o->rules.queue_first,
		 o->rules.queue_last);
	sfd = signals_open();
	if (!d.policy || sfd < 0 || daemon_setup(&d))
		goto out;
	daemon_tune_attribution(&d, p);
	write_start(&d);
	write_holes(&d);
	write_fence_alert(&d);
	/* a worker that failed may have some lanes running: stopped too */
	for (; started < d.nworkers; started++)
		if (worker_start(&d.workers[started]) && ++started)
			goto out;
	notify_ready(&d);
	log_info("judging queue %s", d.queues);
	why = daemon_control_loop(&d, sfd, d.timer_fd);
	runctl_notify("STOPPING=1");
	rc = strcmp(why, WORKER_FAILED) ? 0 : 1;
out:
	finish(&d, started, why);
	if (sfd >= 0)
		close(sfd);
	return rc;
}
