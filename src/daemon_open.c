// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nfjudge run: the start-up steps, in their order (see daemon.c), each
 * opening what the daemon holds; daemon.c's teardown closes them.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>

#include "attr.h"
#include "capture.h"
#include "chain.h"
#include "daemon.h"
#include "daemon_int.h"
#include "dnswatch.h"
#include "doctor.h"
#include "dropwatch.h"
#include "engine.h"
#include "fencelog.h"
#include "kattr.h"
#include "log.h"
#include "logsink.h"
#include "nflog.h"
#include "nfqueue.h"
#include "ocsfsink.h"
#include "privs.h"
#include "record.h"
#include "rules.h"
#include "runctl.h"
#include "worker.h"

/* The tick, in seconds. */
#define TICK_S 1
/*
 * Each fence drop is sent at once (the kernel's batching held single drops
 * for seconds); a burst is still read many messages to a recv().
 */
#define NFLOG_QTHRESH	 1
#define NFLOG_TIMEOUT_CS 10
/* Names for addresses: a sandbox resolves a few hundred at most. */
#define DNS_NAMES   1024
#define DNS_QUERIES 256

/* The OCSF stream is fed the log's lines as they are queued. */
static int open_ocsf(struct daemon *d, struct logsink_opts *lo)
{
	if (!d->o->ocsf)
		return 0;
	d->ocsf = ocsfsink_open(d->o->ocsf);
	if (!d->ocsf) {
		log_warn("cannot open the OCSF stream %s", d->o->ocsf);
		return -1;
	}
	lo->tee = ocsfsink_line;
	lo->tee_ctx = d->ocsf;
	return 0;
}

static int open_log(struct daemon *d)
{
	const struct daemon_opts *o = d->o;
	struct logsink_opts lo = {
		.target = o->output,
		.on_failure = o->on_log_failure,
		.fsync = o->fsync,
		.fsync_ms = 1000,
		/* started after privs_drop(): see daemon_setup() */
		.threaded = false,
		.resume = true,
	};

	if (o->key_file) {
		d->keylen = chain_key_load(o->key_file, d->key);
		if (d->keylen < 0) {
			errno = -d->keylen;
			log_warn("key file %s", o->key_file);
			return -1;
		}
		lo.key = d->key;
		lo.keylen = (size_t)d->keylen;
	}
	if (open_ocsf(d, &lo))
		return -1;
	d->sink = logsink_open(&lo);
	if (!d->sink && errno == EBADMSG) {
		/* A crash mid-write; the file is evidence, so it is left as it
		 * is and the operator decides. */
		log_warnx("cannot continue the log %s: its last line is not a "
			  "whole record (did nfjudge die while writing?); move "
			  "the file aside to start a new chain",
			  o->output);
		return -1;
	}
	if (!d->sink) {
		log_warn("cannot open the log %s", o->output);
		return -1;
	}
	return 0;
}

static int open_pcap(struct daemon *d)
{
	if (!d->o->pcap_out)
		return 0;
	d->pcap.w = capture_writer_open(d->o->pcap_out);
	if (!d->pcap.w) {
		log_warn("cannot open %s", d->o->pcap_out);
		return -1;
	}
	pthread_mutex_init(&d->pcap.lock, NULL);
	return 0;
}

/* A beat at least twice between checks, idle or not; -1: no watchdog. */
static int beat_ms(uint64_t wd_usec)
{
	uint64_t ms = wd_usec / 8000;

	if (!wd_usec)
		return -1;
	return ms < 1 ? 1 : ms > 60000 ? 60000 : (int)ms;
}

/* The hook of tests/notify-live.sh: stall this queue's worker. */
static bool test_stall(uint16_t queue)
{
	const char *v = getenv("NFJUDGE_TEST_STALL_QUEUE");

	return v && *v && strtoul(v, NULL, 10) == queue;
}

/* A queue's lanes, each with its own attribution (its caches are its own). */
static int open_lanes(struct daemon *d, struct worker *w)
{
	const char *proc = d->o->proc_root ? d->o->proc_root : "/proc";
	int i;

	w->nlanes = worker_lanes();
	for (i = 0; i < w->nlanes; i++) {
		w->attr[i] = attr_open_kernel(proc, d->kattr);
		if (!w->attr[i]) {
			log_warn("process attribution");
			return -1;
		}
	}
	return 0;
}

static int open_queue(struct daemon *d, struct worker *w, uint16_t queue)
{
	struct nfqueue_opts qo = {
		.queue = queue,
		.maxlen = d->o->queue_maxlen,
		/* enough for IPv6 with extension headers and TCP options,
		 * and for the DNS queries names are learned from */
		.copy = 512,
		.rcvbuf = 8 << 20,
		.fail_open = d->o->rules.fail_open,
		.mark = d->o->rules.mark,
		.mark_mask = d->o->rules.mask,
	};

	w->queue = queue;
	w->stop_fd = d->stop_fd;
	w->died_fd = d->died_fd;
	w->fail_open = qo.fail_open;
	w->pcap = d->pcap.w ? &d->pcap : NULL;
	w->sink = d->sink;
	w->names = d->names;
	w->log_open = d->o->on_log_failure == LOGSINK_OPEN;
	w->beat_ms = beat_ms(d->wd_usec);
	w->test_stall = test_stall(queue);
	w->q = nfqueue_open(&qo);
	if (!w->q) {
		/* The kernel says EPERM for both: tell them apart. */
		if (errno == EBUSY && !privs_have_net_admin())
			log_warnx("cannot bind queue %u: CAP_NET_ADMIN is "
				  "needed (run nfjudge run as root)",
				  queue);
		else if (errno == EBUSY)
			log_warnx("queue %u is already bound by another "
				  "process (another nfjudge?)",
				  queue);
		else
			log_warn("cannot bind queue %u", queue);
		return -1;
	}
	return open_lanes(d, w);
}

/* Before the queues: the programs load while every capability is held. */
static int open_kattr(struct daemon *d)
{
	enum daemon_attribution mode = d->o->attribution;
	char why[512];

	if (mode == DAEMON_ATTR_PROC) {
		snprintf(d->attr_why, sizeof(d->attr_why),
			 "--attribution proc");
		log_info("attribution: proc (%s)", d->attr_why);
		return 0;
	}
	d->kattr = kattr_open(why, sizeof(why));
	if (d->kattr) {
		const char *lsm, *how = kattr_udp_how(d->kattr, &lsm);
		const char *gap = kattr_udp_gap(d->kattr);

		snprintf(d->attr_why, sizeof(d->attr_why),
			 "BPF programs attached at %s%s; UDP senders: %s%s%s%s",
			 kattr_cgroup(d->kattr),
			 kattr_has_exec(d->kattr) ? "" : "; no exec tracepoint",
			 how ? how
			     : "not seen, a connected UDP socket's send() is "
			       "credited to who connected it",
			 gap || lsm ? " (" : "",
			 gap   ? gap
			 : lsm ? lsm
			       : "",
			 gap || lsm ? ")" : "");
		log_info("attribution: kernel (%s)", d->attr_why);
		return 0;
	}
	if (mode == DAEMON_ATTR_KERNEL) {
		log_warnx("--attribution kernel: %s", why);
		return -1;
	}
	snprintf(d->attr_why, sizeof(d->attr_why),
		 "kernel attribution unavailable: %s", why);
	log_warnx("attribution: proc (%s)", d->attr_why);
	return 0;
}

static int sink_emit(void *ctx, const struct record_event *ev)
{
	return logsink_submit(ctx, ev);
}

static bool sink_can_accept(void *ctx)
{
	return logsink_can_accept(ctx);
}

/* After the queues are bound, so that their counters start from now. */
static int open_drops(struct daemon *d)
{
	const struct rules_opts *r = &d->o->rules;
	struct dropwatch_cfg cfg = {
		.first = (uint16_t)r->queue_first,
		.n = d->nworkers,
		.emit = sink_emit,
		.ctx = d->sink,
	};
	int i;

	d->drops = dropwatch_new(&cfg);
	if (!d->drops) {
		log_warn("queue drop counters");
		return -1;
	}
	for (i = 0; i < d->nworkers; i++)
		d->workers[i].drops = d->drops;
	return 0;
}

/*
 * Not fatal: the fence still drops without us, but its drops go
 * unrecorded, which the alert record at start says.
 */
static void open_fence_log(struct daemon *d)
{
	uint16_t group = d->o->rules.nflog_group;

	d->fencelog = fencelog_new(sink_emit, d->sink);
	if (d->fencelog)
		d->nflog = nflog_open(group, RULES_NFLOG_SIZE, NFLOG_QTHRESH,
				      NFLOG_TIMEOUT_CS);
	if (!d->nflog)
		log_warn("NFLOG group %u: the fence's drops are not recorded",
			 group);
}

/*
 * Not fatal either: without the answers no name is learned, so no host
 * rule matches and records carry no dest_name.
 */
static int open_names(struct daemon *d)
{
	uint16_t group = rules_dns_group(&d->o->rules);
	struct nflog *l;

	d->names = dnswatch_new(DNS_NAMES, DNS_QUERIES);
	if (!d->names) {
		log_warn("names for addresses");
		return 0;
	}
	l = nflog_open(group, RULES_DNS_NFLOG_SIZE, NFLOG_QTHRESH,
		       NFLOG_TIMEOUT_CS);
	if (!l)
		log_warn("NFLOG group %u: no names are learned from DNS "
			 "answers",
			 group);
	dnswatch_attach(d->names, l);
	return 0;
}

/* On the watch's clock: the record's is the wall clock. */
static void daemon_names(void *ctx, const struct engine_pkt *pkt,
			 struct dnsname_list *out)
{
	dnswatch_lookup(ctx, pkt->flow, dnswatch_now(), out);
}

static int open_workers(struct daemon *d)
{
	const struct rules_opts *r = &d->o->rules;
	struct engine_cfg cfg = {
		.policy = d->policy,
		.names = d->names ? daemon_names : NULL,
		.names_ctx = d->names,
		.force_audit = d->o->audit,
		.emit = sink_emit,
		.can_accept = sink_can_accept,
		.out_ctx = d->sink,
	};
	int i;

	d->nworkers = r->queue_last - r->queue_first + 1;
	d->workers = calloc((size_t)d->nworkers, sizeof(*d->workers));
	if (!d->workers)
		return -1;
	for (i = 0; i < d->nworkers; i++) {
		struct worker *w = &d->workers[i];

		if (open_queue(d, w, (uint16_t)(r->queue_first + i)) ||
		    worker_init(w, &cfg)) {
			d->nworkers = i + 1;
			return -1;
		}
	}
	return 0;
}

/* The tick, made before privileges go (timerfd_create is not on the
 * seccomp allowlist). */
static int open_timer(struct daemon *d)
{
	struct itimerspec it = {{TICK_S, 0}, {TICK_S, 0}};

	d->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
	if (d->timer_fd < 0 || timerfd_settime(d->timer_fd, 0, &it, NULL)) {
		log_warn("timer");
		return -1;
	}
	return 0;
}

/* The watchdog's timer, like the tick's made before privileges go. */
static int open_watchdog(struct daemon *d)
{
	/* a zero it_value would disarm the timer */
	uint64_t q = d->wd_usec / 4 ?: 1;
	struct itimerspec it = {
		{(time_t)(q / 1000000), (long)(q % 1000000) * 1000},
		{(time_t)(q / 1000000), (long)(q % 1000000) * 1000}};

	if (!d->wd_usec)
		return 0;
	d->beats = calloc((size_t)d->nworkers, sizeof(*d->beats));
	d->wd_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
	if (!d->beats || d->wd_fd < 0 ||
	    timerfd_settime(d->wd_fd, 0, &it, NULL)) {
		log_warn("watchdog timer");
		return -1;
	}
	log_info("watchdog: a ping every %" PRIu64 " ms while every queue "
		 "worker makes progress",
		 q / 1000);
	return 0;
}

int daemon_setup(struct daemon *d)
{
	const struct daemon_opts *o = d->o;
	int err;

	d->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	d->died_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (d->stop_fd < 0 || d->died_fd < 0 || open_log(d) || open_pcap(d) ||
	    open_kattr(d) || open_names(d) || open_workers(d) ||
	    open_drops(d) || open_timer(d) || open_watchdog(d) ||
	    daemon_open_control(d))
		return -1;
	open_fence_log(d);
	if (o->install_rules) {
		if (rules_install(&o->rules))
			return -1;
		d->rules_installed = true;
	}
	if (o->pidfile && runctl_write_pidfile(o->pidfile)) {
		log_warn("pidfile %s", o->pidfile);
		return -1;
	}
	/* While we may still run iptables -S; recorded after the start. */
	doctor_check_here(&o->rules, true, &d->doctor);
	if (privs_drop(o->user, o->install_rules))
		return -1;
	/* Only now: a thread started before keeps every capability. */
	err = logsink_start(d->sink);
	if (!err && d->ocsf)
		err = ocsfsink_start(d->ocsf);
	if (err) {
		errno = -err;
		log_warn("log writer");
		return -1;
	}
	return 0;
}
