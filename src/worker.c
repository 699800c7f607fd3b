// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A queue worker: a few lanes (threads) on the queue's socket, so that
 * several packets can be in attribution at once.  Each packet is judged
 * while the kernel holds it, and the verdicts of one lane's receive batch
 * leave together in one sendmsg, in the order the lane got the packets;
 * across lanes they leave out of order, which the kernel allows (it looks
 * a verdict's packet up by id).  Group commit: when the batch holds an
 * accept, the verdicts go only once the batch's records are out, so that
 * no connection is let through whose record could still be lost.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>

#include "attr.h"
#include "capture.h"
#include "decode.h"
#include "dnswatch.h"
#include "dropwatch.h"
#include "flow.h"
#include "log.h"
#include "logsink.h"
#include "nfqueue.h"
#include "proc.h"
#include "record.h"
#include "timefmt.h"
#include "worker.h"

static enum attribution worker_attribute(void *ctx,
					 const struct engine_pkt *pkt,
					 struct proc_info *proc, uid_t *uid,
					 gid_t *gid)
{
	struct attr_hints hints = {
		.ifindex = pkt->ifindex,
		.has_uid = pkt->have_owner,
		.uid = pkt->uid,
		.has_gid = pkt->have_owner,
		.gid = pkt->gid,
	};
	enum attribution a = attr_lookup(ctx, pkt->flow, &hints, proc);

	if (a == ATTR_UID) {
		*uid = proc->uid;
		*gid = proc->gid;
	}
	return a;
}

int worker_lanes(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	if (n < 1)
		return 1;
	return n > WORKER_LANES_MAX ? WORKER_LANES_MAX : (int)n;
}

/* Wake one lane per packet (EPOLLEXCLUSIVE), every lane to stop. */
static int lane_epoll(struct worker_lane *l)
{
	struct epoll_event qev = {.events = EPOLLIN | EPOLLEXCLUSIVE};
	struct epoll_event sev = {.events = EPOLLIN, .data.u32 = 1};

	l->ep = epoll_create1(EPOLL_CLOEXEC);
	if (l->ep < 0)
		return -errno;
	if (epoll_ctl(l->ep, EPOLL_CTL_ADD, nfqueue_fd(l->q), &qev) ||
	    epoll_ctl(l->ep, EPOLL_CTL_ADD, l->w->stop_fd, &sev))
		return -errno;
	return 0;
}

/* The lane's records go to the sink without a wake-up each. */
static int lane_emit(void *ctx, const struct record_event *ev)
{
	struct worker_lane *l = ctx;
	struct logsink_pos pos;
	int err = logsink_submit_deferred(l->w->sink, ev, l->rec, &pos);

	if (err)
		return err;
	l->deferred = true;
	l->ticket = pos.ticket;
	l->seq = pos.seq;
	return 0;
}

static bool lane_can_accept(void *ctx)
{
	struct worker_lane *l = ctx;

	return logsink_can_accept(l->w->sink);
}

static int lane_init(struct worker *w, int i, struct engine_cfg cfg)
{
	struct worker_lane *l = &w->lane[i];

	l->w = w;
	l->ep = -1;
	l->q = i ? nfqueue_clone(w->q) : w->q;
	if (!l->q)
		return -errno;
	cfg.attribute = w->attr[i] ? worker_attribute : NULL;
	cfg.attr_ctx = w->attr[i];
	if (w->sink) {
		l->rec = malloc(RECORD_MAX);
		if (!l->rec)
			return -ENOMEM;
		cfg.emit = lane_emit;
		cfg.can_accept = lane_can_accept;
		cfg.out_ctx = l;
	}
	l->eng = engine_new(&cfg);
	if (!l->eng)
		return -errno;
	return lane_epoll(l);
}

int worker_init(struct worker *w, struct engine_cfg *cfg)
{
	int i, err = 0;

	pthread_mutex_init(&w->lock, NULL);
	if (w->nlanes < 1 || w->nlanes > WORKER_LANES_MAX)
		w->nlanes = 1;
	for (i = 0; i < w->nlanes && !err; i++)
		err = lane_init(w, i, *cfg);
	return err;
}

static enum nfqueue_verdict to_nfqueue(enum verdict v)
{
	switch (v) {
	case VERDICT_ACCEPT:
		return NFQUEUE_ACCEPT;
	case VERDICT_REJECT:
		return NFQUEUE_REJECT;
	case VERDICT_DROP:
		break;
	}
	return NFQUEUE_DROP;
}

static void save_packet(struct pcap_out *po, const struct nfqueue_packet *p,
			int64_t ts_us)
{
	pthread_mutex_lock(&po->lock);
	capture_writer_put(po->w, p->data, p->caplen, p->len, ts_us);
	pthread_mutex_unlock(&po->lock);
}

/* How long an accept waits for its record before it is given up. */
#define WORKER_COMMIT_MS 1000

/*
 * Are the batch's records out?  Only an accept needs to know, and it
 * waits for this lane's records only.  Without an accept the writer is
 * told (once) that records wait.
 */
static bool records_out(struct worker_lane *l)
{
	struct logsink *sink = l->w->sink;
	bool out = true;

	if (!sink)
		return true;
	if (l->held_accept)
		out = logsink_wait(sink, l->ticket, WORKER_COMMIT_MS) == 0;
	else if (l->deferred)
		logsink_kick(sink);
	l->deferred = false;
	return out;
}

/*
 * The verdict record of a withheld accept says accept, the policy's
 * decision; this record, chained after it, says what became of the
 * packet.
 */
static void record_withheld(struct worker_lane *l, const struct worker_held *h)
{
	char msg[192];
	struct record_event ev = {
		.type = RECORD_ERROR,
		.ts_us = timefmt_clock_us(CLOCK_REALTIME),
		.message = msg,
	};

	snprintf(msg, sizeof(msg),
		 "accept withheld: record not written within %d s, packet "
		 "dropped: queue %u, packet_id %u, seq %llu",
		 WORKER_COMMIT_MS / 1000, l->w->queue, h->id,
		 (unsigned long long)h->seq);
	logsink_submit(l->w->sink, &ev); /* lost: the sink counts it */
}

void worker_settle(struct worker_lane *l)
{
	bool out = records_out(l);
	struct worker_held *h;
	int i;

	for (i = 0; i < l->nheld && !out && !l->w->log_open; i++) {
		h = &l->held[i];
		/* Closed: an accept whose record is not out is not given.
		 * Dropped, the program sends its SYN again and that copy is
		 * judged anew (rejected while the log fails). */
		if (h->v != NFQUEUE_ACCEPT)
			continue;
		h->v = NFQUEUE_DROP;
		l->local_errors++;
		record_withheld(l, h);
	}
}

/* Send the batch's verdicts, in the lane's packet order, in one message. */
static void commit(struct worker_lane *l)
{
	int i;

	worker_settle(l);
	for (i = 0; i < l->nheld; i++)
		if (nfqueue_verdict(l->q, l->held[i].id, l->held[i].mark,
				    l->held[i].v))
			l->local_errors++;
	/* A failed send leaves the packets queued: the kernel drops them
	 * when the queue is torn down or overflows (fail-closed). */
	if (nfqueue_flush(l->q))
		l->local_errors++;
	l->nheld = 0;
	l->held_accept = false;
}

static void hold(struct worker_lane *l, const struct nfqueue_packet *p,
		 enum nfqueue_verdict v)
{
	if (l->nheld == WORKER_BATCH)
		commit(l);
	l->held[l->nheld].id = p->id;
	l->held[l->nheld].mark = p->mark;
	l->held[l->nheld].v = v;
	l->held[l->nheld].seq = l->seq;
	l->seq = 0;
	l->nheld++;
	l->held_accept |= v == NFQUEUE_ACCEPT;
}

/*
 * A drop with a record, as the kernel's fence drops have: what the
 * decoder got before it stopped (the IP version, mostly the addresses).
 */
static void record_undecodable(struct worker_lane *l,
			       const struct engine_pkt *pkt, struct flow *f,
			       const struct nfqueue_packet *p)
{
	struct record_verdict rv = {
		.flow = f,
		.verdict = VERDICT_DROP,
		.enforced = true, /* audit mode or not: it cannot be judged */
		.rule = "fence",
		.reason = "undecodable",
		.attribution = ATTR_NONE,
		.live = true,
		.queue = p->queue,
		.packet_id = p->id,
	};
	struct record_event ev = {
		.type = RECORD_VERDICT, .ts_us = pkt->ts_us, .verdict = &rv};

	if (!f->ip_version && p->caplen)
		f->ip_version = p->data[0] >> 4 == 6 ? 6 : 4;
	f->direction = p->inbound ? FLOW_DIR_IN : FLOW_DIR_OUT;
	rv.latency_us = timefmt_clock_us(CLOCK_MONOTONIC) - pkt->received_us;
	if (l->w->sink && lane_emit(l, &ev) < 0)
		l->local_errors++;
}

static void on_packet(const struct nfqueue_packet *p, void *data)
{
	struct worker_lane *l = data;
	struct worker *w = l->w;
	struct engine_pkt pkt = {
		.live = true,
		.queue = p->queue,
		.packet_id = p->id,
		.received_us = timefmt_clock_us(CLOCK_MONOTONIC),
		.ts_us = timefmt_clock_us(CLOCK_REALTIME),
		.ifindex = p->outdev,
		.have_owner = p->have_owner,
		.uid = p->uid,
		.gid = p->gid,
	};
	struct flow f;
	enum verdict v;

	if (decode_packet(p->data, p->caplen, DECODE_LINK_IP, &f) !=
	    DECODE_OK) {
		/* Malformed, or beyond what the decoder follows (more than 16
		 * IPv6 extension headers).  Nothing we cannot judge passes:
		 * drop it, and say so. */
		l->local_undecodable++;
		record_undecodable(l, &pkt, &f, p);
		if (w->pcap)
			save_packet(w->pcap, p, pkt.ts_us);
		hold(l, p, NFQUEUE_DROP);
		return;
	}
	/* The hook tells who opened the flow; the bytes cannot. */
	f.direction = p->inbound ? FLOW_DIR_IN : FLOW_DIR_OUT;
	pkt.flow = &f;
	v = engine_judge(l->eng, &pkt, NULL);
	/* Before the verdict, so the answer cannot come first. */
	if (w->names && v == VERDICT_ACCEPT)
		dnswatch_sent(w->names, &f, p->data, p->caplen, dnswatch_now());
	if (w->pcap)
		save_packet(w->pcap, p, pkt.ts_us);
	hold(l, p, to_nfqueue(v));
}

static void publish(struct worker_lane *l)
{
	struct nfqueue_stats st;

	nfqueue_get_stats(l->q, &st);
	pthread_mutex_lock(&l->w->lock);
	engine_get_counts(l->eng, &l->counts);
	l->undecodable = l->local_undecodable;
	l->errors = l->local_errors;
	l->flushed = st.stale;
	pthread_mutex_unlock(&l->w->lock);
}

/*
 * Receive what is waiting (up to a batch), judge it, answer it; false
 * when the worker must stop.
 */
static bool serve_batch(struct worker_lane *l)
{
	uint16_t queue = l->w->queue;
	int n;

	do
		n = nfqueue_receive(l->q, on_packet, l);
	while (n >= 0 && nfqueue_more(l->q) && l->nheld < WORKER_BATCH);
	commit(l);
	/* Whatever went wrong may have cost packets: count them now. */
	if (n < 0 && l->w->drops)
		dropwatch_check(l->w->drops);
	if (n == -ENOBUFS) {
		/* Messages were lost; their packets stay queued until the
		 * queue overflows.  Counted, and the loop goes on. */
		log_warnx("queue %u: receive buffer overflowed", queue);
		return true;
	}
	if (n < 0 && n != -EINTR) {
		errno = -n;
		log_warn("queue %u: receive", queue);
		return false;
	}
	return true;
}

/*
 * The test hook of tests/notify-live.sh: after its first batch the worker
 * serves nothing and beats no more, as a worker stuck in a call would,
 * but still leaves when told to.  Every lane of the queue stalls.
 */
static bool stalled(struct worker_lane *l, bool served, bool *off)
{
	struct worker *w = l->w;

	if (!w->test_stall)
		return false;
	if (served && !__atomic_exchange_n(&w->stalled, true, __ATOMIC_SEQ_CST))
		log_warnx("queue %u: NFJUDGE_TEST_STALL_QUEUE: the worker "
			  "stalls",
			  w->queue);
	if (!*off && __atomic_load_n(&w->stalled, __ATOMIC_SEQ_CST)) {
		epoll_ctl(l->ep, EPOLL_CTL_DEL, nfqueue_fd(l->q), NULL);
		*off = true;
	}
	return *off;
}

/* One turn: wait, then serve; -1 to stop, 0 to go on, 1 when told to. */
static int lane_turn(struct worker_lane *l, bool *off)
{
	struct epoll_event ev[2];
	bool queue = false, stop = false;
	int i, n = epoll_wait(l->ep, ev, 2, l->w->beat_ms);

	if (n < 0 && errno != EINTR)
		return -1;
	for (i = 0; i < n; i++) {
		stop |= ev[i].data.u32 == 1;
		queue |= ev[i].data.u32 == 0;
	}
	if (stop)
		return 1;
	if (stalled(l, false, off))
		return 0;
	__atomic_add_fetch(&l->heartbeat, 1, __ATOMIC_RELAXED);
	if (queue && !serve_batch(l))
		return -1;
	if (queue)
		stalled(l, true, off);
	return 0;
}

static void *lane_main(void *arg)
{
	struct worker_lane *l = arg;
	uint64_t one = 1;
	bool off = false;
	int r;

	while (!(r = lane_turn(l, &off)))
		publish(l);
	publish(l);
	if (r > 0)
		return NULL;
	/* A queue nobody serves holds its packets until it overflows, then
	 * drops them: fail-closed, but silent.  Stop the daemon instead, so
	 * that it is seen and restarted. */
	log_warnx("queue %u: the worker stopped; nfjudge stops", l->w->queue);
	if (write(l->w->died_fd, &one, sizeof(one)) != sizeof(one))
		log_warn("queue %u: telling the control thread", l->w->queue);
	return NULL;
}

int worker_start(struct worker *w)
{
	int err;

	for (; w->started < w->nlanes; w->started++) {
		err = pthread_create(&w->lane[w->started].thread, NULL,
				     lane_main, &w->lane[w->started]);
		if (err)
			return -err;
	}
	return 0;
}

void worker_join(struct worker *w)
{
	int i;

	for (i = 0; i < w->started; i++)
		pthread_join(w->lane[i].thread, NULL);
	w->started = 0;
}

void worker_destroy(struct worker *w)
{
	struct worker_lane *l;
	int i;

	for (i = WORKER_LANES_MAX - 1; i >= 0; i--) {
		l = &w->lane[i];
		attr_close(w->attr[i]);
		if (!l->w)
			continue; /* never set up */
		engine_free(l->eng);
		free(l->rec);
		if (l->ep >= 0)
			close(l->ep);
		if (i && l->q)
			nfqueue_close(l->q);
	}
	nfqueue_close(w->q);
	pthread_mutex_destroy(&w->lock);
}

uint64_t worker_get_heartbeat(struct worker *w)
{
	uint64_t b, min = UINT64_MAX;
	int i;

	for (i = 0; i < w->nlanes; i++) {
		b = __atomic_load_n(&w->lane[i].heartbeat, __ATOMIC_RELAXED);
		if (b < min)
			min = b;
	}
	return w->nlanes ? min : 0;
}

uint64_t worker_flushed(struct worker *w)
{
	uint64_t n = 0;
	int i;

	pthread_mutex_lock(&w->lock);
	for (i = 0; i < w->nlanes; i++)
		n += w->lane[i].flushed;
	pthread_mutex_unlock(&w->lock);
	return n;
}

static void counts_add(struct engine_counts *c, const struct engine_counts *a)
{
	c->judged += a->judged;
	c->accepted += a->accepted;
	c->rejected += a->rejected;
	c->dropped += a->dropped;
	c->gated += a->gated;
	c->fenced += a->fenced;
	c->lost += a->lost;
}

void worker_get_counts(struct worker *w, struct engine_counts *c,
		       uint64_t *undecodable, uint64_t *errors)
{
	int i;

	memset(c, 0, sizeof(*c));
	*undecodable = *errors = 0;
	pthread_mutex_lock(&w->lock);
	for (i = 0; i < w->nlanes; i++) {
		counts_add(c, &w->lane[i].counts);
		*undecodable += w->lane[i].undecodable;
		*errors += w->lane[i].errors;
	}
	pthread_mutex_unlock(&w->lock);
}
