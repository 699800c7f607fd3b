// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A queue worker.  Each packet is judged while the kernel holds it, and
 * the verdicts of one receive batch leave together in one sendmsg, in the
 * order the packets came (the kernel looks a verdict's packet up by
 * walking its queue from the front).  Group commit: when the batch holds
 * an accept, the verdicts go only once the batch's records are out, so
 * that no connection is let through whose record could still be lost.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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

int worker_init(struct worker *w, struct engine_cfg *cfg)
{
	cfg->attribute = w->attr ? worker_attribute : NULL;
	cfg->attr_ctx = w->attr;
	w->eng = engine_new(cfg);
	if (!w->eng)
		return -errno;
	pthread_mutex_init(&w->lock, NULL);
	return 0;
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

/* Are the batch's records out?  Only an accept needs to know. */
static bool records_out(struct worker *w)
{
	if (!w->held_accept || !w->sink)
		return true;
	return logsink_wait(w->sink, logsink_ticket(w->sink),
			    WORKER_COMMIT_MS) == 0;
}

/* Send the batch's verdicts, in packet order, in one message. */
static void commit(struct worker *w)
{
	bool out = records_out(w);
	enum nfqueue_verdict v;
	int i;

	for (i = 0; i < w->nheld; i++) {
		v = w->held[i].v;
		/* Closed: an accept whose record is not out is not given.
		 * Dropped, the program sends its SYN again and that copy is
		 * judged anew (rejected while the log fails). */
		if (v == NFQUEUE_ACCEPT && !out && !w->log_open) {
			v = NFQUEUE_DROP;
			w->local_errors++;
		}
		if (nfqueue_verdict(w->q, w->held[i].id, w->held[i].mark, v))
			w->local_errors++;
	}
	/* A failed send leaves the packets queued: the kernel drops them
	 * when the queue is torn down or overflows (fail-closed). */
	if (nfqueue_flush(w->q))
		w->local_errors++;
	w->nheld = 0;
	w->held_accept = false;
}

static void hold(struct worker *w, const struct nfqueue_packet *p,
		 enum nfqueue_verdict v)
{
	if (w->nheld == WORKER_BATCH)
		commit(w);
	w->held[w->nheld].id = p->id;
	w->held[w->nheld].mark = p->mark;
	w->held[w->nheld].v = v;
	w->nheld++;
	w->held_accept |= v == NFQUEUE_ACCEPT;
}

/*
 * A drop with a record, as the kernel's fence drops have: what the
 * decoder got before it stopped (the IP version, mostly the addresses).
 */
static void record_undecodable(struct worker *w, const struct engine_pkt *pkt,
			       struct flow *f, const struct nfqueue_packet *p)
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
	rv.latency_us = timefmt_clock_us(CLOCK_MONOTONIC) - pkt->received_us;
	if (w->sink && logsink_submit(w->sink, &ev) < 0)
		w->local_errors++;
}

static void on_packet(const struct nfqueue_packet *p, void *data)
{
	struct worker *w = data;
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
		w->local_undecodable++;
		record_undecodable(w, &pkt, &f, p);
		if (w->pcap)
			save_packet(w->pcap, p, pkt.ts_us);
		hold(w, p, NFQUEUE_DROP);
		return;
	}
	/* The hook tells who opened the flow; the bytes cannot. */
	f.direction = p->inbound ? FLOW_DIR_IN : FLOW_DIR_OUT;
	pkt.flow = &f;
	v = engine_judge(w->eng, &pkt, NULL);
	/* Before the verdict, so the answer cannot come first. */
	if (w->names && v == VERDICT_ACCEPT)
		dnswatch_sent(w->names, &f, p->data, p->caplen, dnswatch_now());
	if (w->pcap)
		save_packet(w->pcap, p, pkt.ts_us);
	hold(w, p, to_nfqueue(v));
}

static void publish(struct worker *w)
{
	struct nfqueue_stats st;

	nfqueue_get_stats(w->q, &st);
	pthread_mutex_lock(&w->lock);
	engine_get_counts(w->eng, &w->counts);
	w->undecodable = w->local_undecodable;
	w->errors = w->local_errors;
	w->flushed = st.stale;
	pthread_mutex_unlock(&w->lock);
}

/*
 * Receive what is waiting (up to a batch), judge it, answer it; false
 * when the worker must stop.
 */
static bool serve_batch(struct worker *w)
{
	int n;

	do
		n = nfqueue_receive(w->q, on_packet, w);
	while (n > 0 && w->nheld < WORKER_BATCH);
	commit(w);
	/* Whatever went wrong may have cost packets: count them now. */
	if (n < 0 && w->drops)
		dropwatch_check(w->drops);
	if (n == -ENOBUFS) {
		/* Messages were lost; their packets stay queued until the
		 * queue overflows.  Counted, and the loop goes on. */
		log_warnx("queue %u: receive buffer overflowed", w->queue);
		return true;
	}
	if (n < 0 && n != -EINTR) {
		errno = -n;
		log_warn("queue %u: receive", w->queue);
		return false;
	}
	return true;
}

/*
 * The test hook of tests/notify-live.sh: after its first batch the worker
 * serves nothing and beats no more, as a worker stuck in a call would,
 * but still leaves when told to.
 */
static void stall(struct worker *w, struct pollfd *pfd)
{
	if (!w->test_stall || pfd[0].fd < 0)
		return;
	log_warnx("queue %u: NFJUDGE_TEST_STALL_QUEUE: the worker stalls",
		  w->queue);
	pfd[0].fd = -1;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct pollfd pfd[2] = {
		{.fd = nfqueue_fd(w->q), .events = POLLIN},
		{.fd = w->stop_fd, .events = POLLIN},
	};

	uint64_t one = 1;

	for (;;) {
		if (poll(pfd, 2, w->beat_ms) < 0 && errno != EINTR)
			break;
		if (pfd[1].revents) {
			publish(w);
			return NULL;
		}
		if (pfd[0].fd >= 0)
			__atomic_add_fetch(&w->heartbeat, 1, __ATOMIC_RELAXED);
		if (pfd[0].revents && !serve_batch(w))
			break;
		if (pfd[0].revents)
			stall(w, pfd);
		publish(w);
	}
	/* A queue nobody serves holds its packets until it overflows, then
	 * drops them: fail-closed, but silent.  Stop the daemon instead, so
	 * that it is seen and restarted. */
	publish(w);
	log_warnx("queue %u: the worker stopped; nfjudge stops", w->queue);
	if (write(w->died_fd, &one, sizeof(one)) != sizeof(one))
		log_warn("queue %u: telling the control thread", w->queue);
	return NULL;
}

int worker_start(struct worker *w)
{
	return -pthread_create(&w->thread, NULL, worker_main, w);
}

void worker_join(struct worker *w)
{
	pthread_join(w->thread, NULL);
}

void worker_destroy(struct worker *w)
{
	engine_free(w->eng);
	attr_close(w->attr);
	nfqueue_close(w->q);
	pthread_mutex_destroy(&w->lock);
}

uint64_t worker_get_heartbeat(struct worker *w)
{
	return __atomic_load_n(&w->heartbeat, __ATOMIC_RELAXED);
}

uint64_t worker_flushed(struct worker *w)
{
	uint64_t n;

	pthread_mutex_lock(&w->lock);
	n = w->flushed;
	pthread_mutex_unlock(&w->lock);
	return n;
}

void worker_get_counts(struct worker *w, struct engine_counts *c,
		       uint64_t *undecodable, uint64_t *errors)
{
	pthread_mutex_lock(&w->lock);
	*c = w->counts;
	*undecodable = w->undecodable;
	*errors = w->errors;
	pthread_mutex_unlock(&w->lock);
}
