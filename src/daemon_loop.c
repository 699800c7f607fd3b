// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nfjudge run: the control loop of the main thread, while the workers
 * judge.  Signals, the tick (expiry, the chain, drop counters, metrics,
 * status), the watchdog, and the NFLOG groups of the fence and of DNS.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/signalfd.h>

#include "control.h"
#include "ctlcmd.h"
#include "ctlrules.h"
#include "daemon_int.h"
#include "dnswatch.h"
#include "dropwatch.h"
#include "engine.h"
#include "fencelog.h"
#include "log.h"
#include "logsink.h"
#include "nflog.h"
#include "nfqueue.h"
#include "record.h"
#include "rules.h"
#include "runctl.h"
#include "timefmt.h"
#include "worker.h"

/* The kernel's drop counters are read every tick, metrics written every
 * METRICS_TICKS. */
#define METRICS_TICKS 10
#define STATUS_TICKS  3 /* STATUS= to the service manager */
/* The installed chain is compared with ours every CHAIN_TICKS ticks. */
#define CHAIN_TICKS 3

/* The fence's kernel-side drops, as its log reader counted them. */
static void gather_fence(struct daemon *d, struct record_stats *st)
{
	struct fencelog_stats fs;

	if (d->fencelog) {
		fencelog_get_stats(d->fencelog, &fs);
		st->fenced += fs.recorded;
		st->fence_lost = fs.lost;
	}
	if (d->nflog)
		st->fence_unreadable = nflog_invalid(d->nflog);
}

void daemon_gather_stats(struct daemon *d, struct record_stats *st)
{
	int i;

	memset(st, 0, sizeof(*st));
	for (i = 0; i < d->nworkers; i++) {
		struct engine_counts c;
		uint64_t undec, errs;

		worker_get_counts(&d->workers[i], &c, &undec, &errs);
		st->packets += c.judged + undec;
		st->accepted += c.accepted;
		st->rejected += c.rejected;
		st->dropped += c.dropped;
		st->errors += undec + errs;
		st->fenced +=
			c.fenced + undec; /* undecodable: a fence record */
	}
	st->lost_records = logsink_get_lost(d->sink);
	gather_fence(d, st);
}

void daemon_write_counts(struct daemon *d, enum record_type type,
			 const char *reason)
{
	struct record_stats st;
	struct record_event ev = {
		.type = type, .stats = &st, .message = reason};

	daemon_gather_stats(d, &st);
	daemon_emit(d, &ev);
}

void daemon_write_metrics(struct daemon *d)
{
	struct record_stats st;
	struct runctl_queue q[64];
	int i, n = d->nworkers < 64 ? d->nworkers : 64;

	daemon_gather_stats(d, &st);
	for (i = 0; i < n; i++) {
		q[i].queue = d->workers[i].queue;
		if (nfqueue_kernel_drops(q[i].queue, &q[i].queue_dropped,
					 &q[i].user_dropped))
			q[i].queue_dropped = q[i].user_dropped = 0;
		dropwatch_totals(d->drops, q[i].queue, &q[i].lost_queue,
				 &q[i].lost_user);
		q[i].flushed = worker_flushed(&d->workers[i]);
	}
	if (runctl_write_metrics(d->o->metrics_file, &st, q, n))
		log_warn("%s", d->o->metrics_file);
}

/* The counts, for systemctl status. */
static void send_status(struct daemon *d)
{
	struct record_stats st;
	uint64_t lq, lu, lost = 0;
	char buf[256];
	int i;

	if (!getenv("NOTIFY_SOCKET") || d->stalled)
		return;
	daemon_gather_stats(d, &st);
	for (i = 0; i < d->nworkers; i++) {
		dropwatch_totals(d->drops, d->workers[i].queue, &lq, &lu);
		lost += lq + lu;
	}
	snprintf(buf, sizeof(buf),
		 "STATUS=judged %" PRIu64 ": accepted %" PRIu64
		 ", rejected %" PRIu64 ", dropped %" PRIu64 "; lost %" PRIu64
		 " packets, %" PRIu64 " records",
		 st.packets, st.accepted, st.rejected, st.dropped, lost,
		 st.lost_records);
	runctl_notify(buf);
}

static void chain_alert(struct daemon *d, const char *msg)
{
	struct record_event ev = {
		.type = RECORD_ALERT, .kind = "chain", .message = msg};

	log_warnx("%s", msg);
	daemon_emit(d, &ev);
}

/*
 * The chain we installed, compared with what we would install: altered or
 * gone (someone flushed it, or jumped around it) it is put back, and the
 * alert record says so.  One alert per episode, however long it lasts.
 */
static void check_chain(struct daemon *d)
{
	int ret;

	if (!d->rules_installed || ++d->chain_ticks % CHAIN_TICKS)
		return;
	ret = rules_verify(&d->o->rules);
	if (ret == 1) {
		d->chain_bad = false;
		return;
	}
	if (ret < 0 || d->chain_bad)
		return; /* the tool failed: said in the diagnostics */
	d->chain_bad = true;
	if (rules_install(&d->o->rules))
		chain_alert(d, "the fence's chain was altered or removed, and "
			       "could not be restored");
	else
		chain_alert(d, "the fence's chain was altered or removed; "
			       "restored");
}

/* Temporary rules whose time is up leave, each with its record. */
static void expire_rules(struct daemon *d)
{
	struct ctlrule r, gone[CTLRULES_MAX];
	int i, n = 0;

	d->refused = 0;
	if (d->ctl)
		control_expire(d->ctl, daemon_mono_ms());
	while (n < CTLRULES_MAX &&
	       ctlrules_expire(&d->temps, daemon_mono_ms(), &r))
		gone[n++] = r;
	if (!n)
		return;
	daemon_install_policy(d);
	for (i = 0; i < n; i++)
		ctlcmd_expired(&d->host, &gone[i]);
}

/* Every second: lost packets are recorded as soon as they are seen. */
static void tick(struct daemon *d)
{
	expire_rules(d);
	check_chain(d);
	dropwatch_check(d->drops);
	d->ticks++;
	if (d->o->metrics_file && d->ticks % METRICS_TICKS == 0)
		daemon_write_metrics(d);
	if (d->ticks % STATUS_TICKS == 0)
		send_status(d);
}

/*
 * WATCHDOG=1 at every check (a quarter of the interval) while every
 * worker has turned its loop within the last two checks: a stuck worker
 * holds its queue's packets (fail-closed), and the missing pings make the
 * service manager restart us.  Two checks, not one, so that an idle
 * worker's beat (eight an interval) that a loaded machine schedules late
 * does not cost a ping; a worker stuck since time t sends its last ping
 * by t + 1/2 of the interval, and is killed by t + 3/2.
 */
static void watchdog(struct daemon *d)
{
	char buf[160];
	int i, stuck = -1;

	for (i = 0; i < d->nworkers; i++) {
		struct daemon_beat *b = &d->beats[i];
		uint64_t now = worker_get_heartbeat(&d->workers[i]);

		b->still = now == b->beat ? b->still + 1 : 0;
		b->beat = now;
		if (b->still >= 2 && stuck < 0)
			stuck = i;
	}
	if (stuck < 0) {
		d->stalled = false;
		runctl_notify("WATCHDOG=1");
		return;
	}
	if (d->stalled)
		return;
	snprintf(buf, sizeof(buf),
		 "STATUS=the worker of queue %u makes no progress; watchdog "
		 "pings stopped",
		 d->workers[stuck].queue);
	log_warnx("%s", buf + strlen("STATUS="));
	runctl_notify(buf);
	d->stalled = true;
}

static void fence_packet(const struct nflog_packet *pkt, void *data)
{
	fencelog_packet(data, pkt, timefmt_clock_us(CLOCK_REALTIME));
}

/* Whatever the fence dropped since the last time, as records. */
void daemon_read_fence_log(struct daemon *d)
{
	int n;

	do
		n = nflog_receive(d->nflog, fence_packet, d->fencelog);
	while (n > 0);
	if (n == -ENOBUFS)
		log_warnx("NFLOG messages were lost; the next one says how "
			  "many, as a lost record");
	else if (n < 0)
		log_warnx("NFLOG: %s", strerror(-n));
}

static void read_names(struct daemon *d)
{
	int n = dnswatch_drain(d->names, dnswatch_now());

	if (n == -ENOBUFS)
		log_warnx("NFLOG group %u: DNS answers were lost, their names "
			  "are not learned",
			  rules_dns_group(&d->o->rules));
	else if (n < 0)
		log_warnx("NFLOG (DNS): %s", strerror(-n));
}

/* A signal read from sfd: the reason to stop, or NULL to go on. */
static const char *on_signal(struct daemon *d, int sfd)
{
	struct signalfd_siginfo si;

	if (read(sfd, &si, sizeof(si)) != sizeof(si))
		return NULL;
	switch (si.ssi_signo) {
	case SIGHUP:
		runctl_notify_reloading();
		daemon_reload(d);
		runctl_notify("READY=1");
		return NULL;
	case SIGUSR1:
		daemon_write_counts(d, RECORD_STATS, NULL);
		return NULL;
	case SIGTERM:
		return "SIGTERM";
	case SIGINT:
		return "SIGINT";
	}
	return NULL;
}

/* The control loop: returns the reason for stopping. */
const char *daemon_control_loop(struct daemon *d, int sfd, int tfd)
{
	struct pollfd pfd[6 + CONTROL_FDS] = {
		{.fd = sfd, .events = POLLIN},
		{.fd = tfd, .events = POLLIN},
		{.fd = d->died_fd, .events = POLLIN},
		{.fd = d->nflog ? nflog_fd(d->nflog) : -1, .events = POLLIN},
		{.fd = d->wd_fd, .events = POLLIN},
		{.fd = d->names ? dnswatch_fd(d->names) : -1,
		 .events = POLLIN}};

	for (;;) {
		const char *why;
		uint64_t ticks;
		int nc = d->ctl ? control_pollfds(d->ctl, pfd + 6) : 0;

		if (poll(pfd, (nfds_t)(6 + nc), -1) < 0 && errno != EINTR)
			return "poll failed";
		if (nc)
			control_service(d->ctl, pfd + 6, nc, daemon_mono_ms());
		if (pfd[2].revents & POLLIN)
			return WORKER_FAILED;
		if (pfd[3].revents & POLLIN)
			daemon_read_fence_log(d);
		if (pfd[5].revents & POLLIN)
			read_names(d);
		if ((pfd[1].revents & POLLIN) &&
		    read(tfd, &ticks, sizeof(ticks)) == sizeof(ticks))
			tick(d);
		if ((pfd[4].revents & POLLIN) &&
		    read(d->wd_fd, &ticks, sizeof(ticks)) == sizeof(ticks))
			watchdog(d);
		if (pfd[0].revents & POLLIN) {
			why = on_signal(d, sfd);
			if (why)
				return why;
		}
	}
}
