// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Names for addresses in the daemon (see dnswatch.h).  One mutex guards
 * the tables and the NFLOG socket's buffer: the control thread and the
 * workers take it for a table scan or a receive, never across a wait.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "decode.h"
#include "dnswatch.h"
#include "flow.h"
#include "nflog.h"
#include "timefmt.h"

#define PROTO_UDP 17
#define DNS_PORT  53
/* A look-up reads at most this many answers (one a receive): a flood of
 * them cannot hold a verdict; the control thread reads the rest. */
#define DW_LOOKUP_READS 16

struct dnswatch {
	pthread_mutex_t lock;
	struct dnsname *names;
	struct nflog *log; /* NULL: answers come only by dnswatch_received */
	int64_t last_query_us; /* INT64_MIN: none kept yet */
};

struct dnswatch *dnswatch_new(size_t names, size_t queries)
{
	struct dnswatch *w = calloc(1, sizeof(*w));

	if (!w)
		return NULL;
	w->names = dnsname_new(names, queries);
	if (!w->names) {
		free(w);
		return NULL;
	}
	pthread_mutex_init(&w->lock, NULL);
	w->last_query_us = INT64_MIN;
	return w;
}

void dnswatch_free(struct dnswatch *w)
{
	if (!w)
		return;
	nflog_close(w->log);
	dnsname_free(w->names);
	pthread_mutex_destroy(&w->lock);
	free(w);
}

void dnswatch_attach(struct dnswatch *w, struct nflog *l)
{
	w->log = l;
}

int dnswatch_fd(const struct dnswatch *w)
{
	return w->log ? nflog_fd(w->log) : -1;
}

int64_t dnswatch_now(void)
{
	return timefmt_clock_us(CLOCK_MONOTONIC);
}

void dnswatch_sent(struct dnswatch *w, const struct flow *f, const uint8_t *pkt,
		   size_t caplen, int64_t now_us)
{
	/* the common case, without the lock */
	if (f->proto != PROTO_UDP || f->dport != DNS_PORT)
		return;
	pthread_mutex_lock(&w->lock);
	if (!dnsname_query_packet(w->names, f, pkt, caplen, now_us))
		w->last_query_us = now_us;
	pthread_mutex_unlock(&w->lock);
}

/* dnswatch_received with the lock held. */
static int dw_received(struct dnswatch *w, const uint8_t *pkt, size_t caplen,
		       int64_t now_us)
{
	struct flow f;

	if (decode_packet(pkt, caplen, DECODE_LINK_IP, &f) != DECODE_OK)
		return -EINVAL;
	return dnsname_answer_packet(w->names, &f, pkt, caplen, now_us);
}

int dnswatch_received(struct dnswatch *w, const uint8_t *pkt, size_t caplen,
		      int64_t now_us)
{
	int ret;

	pthread_mutex_lock(&w->lock);
	ret = dw_received(w, pkt, caplen, now_us);
	pthread_mutex_unlock(&w->lock);
	return ret;
}

struct dw_drain {
	struct dnswatch *w;
	int64_t now_us;
};

static void dw_packet(const struct nflog_packet *pkt, void *data)
{
	struct dw_drain *d = data;

	dw_received(d->w, pkt->data, pkt->caplen, d->now_us);
}

/* With the lock held: the messages waiting, in at most reads receives. */
static int dw_drain(struct dnswatch *w, int64_t now_us, int reads)
{
	struct dw_drain d = {w, now_us};
	int n, total = 0;

	if (!w->log)
		return 0;
	do {
		n = nflog_receive(w->log, dw_packet, &d);
		if (n > 0)
			total += n;
	} while (n > 0 && --reads > 0);
	return n < 0 ? n : total;
}

int dnswatch_drain(struct dnswatch *w, int64_t now_us)
{
	int ret;

	pthread_mutex_lock(&w->lock);
	ret = dw_drain(w, now_us, INT_MAX);
	pthread_mutex_unlock(&w->lock);
	return ret;
}

/* With the lock held: the most recent name, then the others. */
static void dw_lookup(struct dnswatch *w, const struct flow *f, int64_t now_us,
		      struct dnsname_list *out)
{
	dnsname_list(w->names, f->ip_version, f->dst, now_us, out);
}

/* Whether an answer waiting could teach anything: with no query kept for
 * the last DNSNAME_QUERY_TIMEOUT_S, none could, and the receive (a system
 * call on the verdict path) is saved. */
static bool dw_may_learn(const struct dnswatch *w, int64_t now_us)
{
	return w->log && w->last_query_us != INT64_MIN &&
	       now_us - w->last_query_us <= DNSNAME_QUERY_TIMEOUT_S * 1000000LL;
}

void dnswatch_lookup(struct dnswatch *w, const struct flow *f, int64_t now_us,
		     struct dnsname_list *out)
{
	pthread_mutex_lock(&w->lock);
	dw_lookup(w, f, now_us, out);
	if (!out->n && dw_may_learn(w, now_us) &&
	    dw_drain(w, now_us, DW_LOOKUP_READS) > 0)
		dw_lookup(w, f, now_us, out);
	pthread_mutex_unlock(&w->lock);
}
