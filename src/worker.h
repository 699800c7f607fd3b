/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFJUDGE_WORKER_H
#define NFJUDGE_WORKER_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "engine.h"
#include "nfqueue.h"

/* Packets judged before their verdicts go out together. */
#define WORKER_BATCH 64

struct attr;
struct capture_writer;
struct dnswatch;
struct dropwatch;
struct logsink;
struct nfqueue;

/* The pcap-out file, shared by the workers. */
struct pcap_out {
	struct capture_writer *w;
	pthread_mutex_t lock;
};

/* The most threads that serve one queue. */
#define WORKER_LANES_MAX 4

struct worker;

/*
 * One thread of a queue: receive, judge, answer.  Its own receive buffer
 * and verdict batch on the queue's socket, its own engine and
 * attribution caches, so that packets are judged side by side.
 */
struct worker_lane {
	pthread_t thread;
	struct worker *w;
	struct nfqueue *q; /* lane 0: the queue's own; others share its socket */
	struct engine *eng;
	int ep;		   /* epoll: the queue (exclusive wake-up), stop */
	uint64_t heartbeat; /* every turn of the loop; atomic */
	/* the receive batch: verdicts wait until its records are out */
	struct worker_held {
		uint32_t id;
		uint32_t mark;
		enum nfqueue_verdict v;
		uint64_t seq; /* of its verdict record; 0: none */
	} held[WORKER_BATCH];
	int nheld;
	bool held_accept;
	/* the batch's records, queued with logsink_submit_deferred() */
	char *rec;	 /* where they are formatted, RECORD_MAX bytes */
	bool deferred;	 /* some are queued: wait for them or kick */
	uint64_t ticket; /* the last one's commit ticket */
	uint64_t seq;	 /* the last one's seq, 0 after hold() */
	uint64_t local_undecodable;
	uint64_t local_errors;
	/* what the control thread may read, under the worker's lock */
	struct engine_counts counts;
	uint64_t undecodable;
	uint64_t errors;
	uint64_t flushed;
};

/*
 * One queue, served by nlanes threads; the kernel wakes one of them per
 * packet, and verdicts leave out of packet order across lanes (the kernel
 * finds a verdict's packet by id).  The caller fills in the fields above
 * lanes, with one attribution per lane.
 */
struct worker {
	uint16_t queue;
	int stop_fd; /* readable: leave the loop */
	int died_fd; /* written when the worker gives up */
	bool fail_open;
	struct nfqueue *q;
	int nlanes;			     /* 1 .. WORKER_LANES_MAX */
	struct attr *attr[WORKER_LANES_MAX]; /* NULL: none */
	struct pcap_out *pcap;		     /* NULL: no --pcap-out */
	struct dropwatch *drops; /* checked after a receive error */
	struct logsink *sink;	 /* NULL: accept without waiting */
	struct dnswatch *names;	 /* queries let out are kept; NULL: none */
	bool log_open;		 /* --on-log-failure open */
	int beat_ms;		 /* the longest wait between beats; -1: any */
	bool test_stall;	 /* NFJUDGE_TEST_STALL_QUEUE: see worker.c */
	bool stalled;		 /* atomic: every lane stalls */
	int started;		 /* lanes running */
	struct worker_lane lane[WORKER_LANES_MAX];
	pthread_mutex_t lock; /* the lanes' published counts */
};

/* How many lanes a queue gets: the online CPUs, at most the maximum. */
int worker_lanes(void);

/*
 * Set up the worker's lanes around its queue and attributions; cfg's
 * attribute callback is filled in here, and with a sink its emit and
 * can_accept: each lane queues its records in the sink itself (see
 * logsink_submit_deferred()).  0 or -errno.
 */
int worker_init(struct worker *w, struct engine_cfg *cfg);
int worker_start(struct worker *w);
void worker_join(struct worker *w);
void worker_destroy(struct worker *w);

/* A consistent copy of the worker's counters. */
void worker_get_counts(struct worker *w, struct engine_counts *c,
		       uint64_t *undecodable, uint64_t *errors);

/*
 * How many turns the slowest lane's loop has made: the watchdog's
 * evidence (one stuck lane holds its packets).
 */
uint64_t worker_get_heartbeat(struct worker *w);

/*
 * Settle a lane's batch before its verdicts go: with an accept, wait
 * (up to 1 s) until the batch's records are out.  Under the closed
 * log-failure policy an accept whose record is not out is withheld: its
 * verdict becomes a drop, counted in errors, and a chained error record
 * names it.  Otherwise the writer is told of the records.
 */
void worker_settle(struct worker_lane *l);

/* Verdicts for packets the kernel had flushed (a hook removed). */
uint64_t worker_flushed(struct worker *w);

#endif
