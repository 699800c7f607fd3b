// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A queue worker.  Each packet is judged while the kernel holds it, and
 * the verdicts of one receive batch leave together in one sendmsg, in the
 * order the packets came (the kernel looks a verdict's packet up by
 * walking its queue from the front).
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
#include "dropwatch.h"
#include "log.h"
#include "nfqueue.h"
#include "proc.h"
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

static int64_t clock_us(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
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

static void on_packet(const struct nfqueue_packet *p, void *data)
{
	struct worker *w = data;
	struct engine_pkt pkt = {
		.live = true,
		.queue = p->queue,
		.packet_id = p->id,
		.received_us = clock_us(CLOCK_MONOTONIC),
		.ts_us = clock_us(CLOCK_REALTIME),
		.ifindex = p->outdev,
		.have_owner = p->have_owner,
		.uid = p->uid,
		.gid = p->gid,
	};
	struct flow f;
	enum verdict v;

	if (decode_packet(p->data, p->caplen, DECODE_LINK_IP, &f) !=
	    DECODE_OK) {
		/* The rules queue only TCP SYNs and UDP, so this packet is
		 * malformed.  Nothing we cannot judge passes: drop it. */
		w->local_undecodable++;
		if (nfqueue_verdict(w->q, p->id, p->mark, NFQUEUE_DROP))
			w->local_errors++;
		return;
	}
	pkt.flow = &f;
	v = engine_judge(w->eng, &pkt, NULL);
	if (w->pcap)
		save_packet(w->pcap, p, pkt.ts_us);
	if (nfqueue_verdict(w->q, p->id, p->mark, to_nfqueue(v)))
		w->local_errors++;
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

/* Receive one batch, answer it; false when the worker must stop. */
static bool serve_batch(struct worker *w)
{
	int n = nfqueue_receive(w->q, on_packet, w);

	/* A failed send leaves the packets queued: the kernel drops them
	 * when the queue is torn down or overflows (fail-closed). */
	if (nfqueue_flush(w->q))
		w->local_errors++;
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

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct pollfd pfd[2] = {
		{.fd = nfqueue_fd(w->q), .events = POLLIN},
		{.fd = w->stop_fd, .events = POLLIN},
	};

	uint64_t one = 1;

	for (;;) {
		if (poll(pfd, 2, -1) < 0 && errno != EINTR)
			break;
		if (pfd[1].revents) {
			publish(w);
			return NULL;
		}
		if (pfd[0].revents && !serve_batch(w))
			break;
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

uint64_t worker_flushed(struct worker *w)
{
	uint64_t n;

	pthread_mutex_lock(&w->lock);
	n = w->flushed;
	pthread_mutex_unlock(&w->lock);
	return n;
}

void worker_counts(struct worker *w, struct engine_counts *c,
		   uint64_t *undecodable, uint64_t *errors)
{
	pthread_mutex_lock(&w->lock);
	*c = w->counts;
	*undecodable = w->undecodable;
	*errors = w->errors;
	pthread_mutex_unlock(&w->lock);
}
