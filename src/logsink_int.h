/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFJUDGE_LOGSINK_INT_H
#define NFJUDGE_LOGSINK_INT_H

/* The sink's state, shared by logsink.c (queueing) and logsink_io.c. */

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "logsink.h"
#include "record.h"
#include "writer.h"

enum sink_kind { SINK_FILE, SINK_STDOUT, SINK_SYSLOG };

struct logsink {
	struct logsink_opts opts;
	enum sink_kind kind;
	char *path;
	int fd;
	struct chain *chain;
	struct writer w;	/* the writer thread; w.lock guards the rest */
	pthread_cond_t drained; /* flush waiters */
	bool idle;		/* the writer waits for work */
	bool busy;   /* a waiter writes the ring, unlocked: hands off */
	bool kicked; /* the idle writer was woken for deferred records */
	atomic_bool accept_ok; /* logsink_can_accept(), read without the lock */
	unsigned waiters;      /* in logsink_wait(): write now, do not linger */
	uint64_t led;	       /* waits that wrote the ring themselves */
	/* the ring: data is [rd, wr), or [rd, end) then [0, wr) if wrapped */
	char *ring;
	size_t cap, rd, wr, end;
	bool wrapped;
	uint64_t bytes_in, bytes_out;
	uint64_t reopen_at; /* with reopen_pending: reopen after this byte */
	bool reopen_pending;
	atomic_int reopen_req; /* lock-free: set from signal handlers */
	bool prev_next;	       /* the next record names its predecessor */
	bool failing;
	uint64_t lost_pending; /* not yet reported by an error record */
	uint64_t lost_total;
	int64_t last_ts; /* of the last record submitted */
	struct timespec last_sync;
	char scratch[RECORD_MAX];
};

/* A full batch: the writer writes at once, without lingering. */
#define LOGSINK_BATCH_BYTES (64u << 10)

/* logsink.c, for logsink_ring.c; the lock held */
struct timespec logsink_deadline(int ms); /* CLOCK_MONOTONIC, ms from now */
void logsink_take_reopen(struct logsink *s);
void logsink_report_lost(struct logsink *s, int64_t ts);

/*
 * logsink_ring.c, the lock held: the ring holds [rd, wr), or [rd, end)
 * then [0, wr) once wrapped.  put refuses (false) what does not fit;
 * chunk is the next contiguous run to write, stopping at a pending
 * reopen; consume frees it once written.  lines counts what is still
 * queued (at close).  gate refreshes accept_ok; set_failing also.
 */
bool logsink_ring_empty(const struct logsink *s);
bool logsink_ring_put(struct logsink *s, const char *data, size_t len);
size_t logsink_ring_chunk(struct logsink *s, const char **data);
void logsink_ring_consume(struct logsink *s, size_t n);
uint64_t logsink_ring_lines(const struct logsink *s);
void logsink_ring_gate(struct logsink *s);
void logsink_set_failing(struct logsink *s, bool failing);
/* Fault the ring's pages in now (not while a worker copies a record). */
void logsink_ring_fault_in(char *ring, size_t cap);
/*
 * Number, chain and queue a line formatted with seq 0 (in buf, RECORD_MAX
 * bytes); the writer is not woken.  0, -ENOSPC or -ENOBUFS.
 */
int logsink_ring_append(struct logsink *s, char *buf, int len,
			struct logsink_pos *pos);

/* Resolve opts.target, resume the chain if asked, open the file. */
int logsink_io_target(struct logsink *s);

/*
 * Write one chunk of whole lines; returns the bytes that are out (for a
 * file all of them or none: a partial line is cut off again).  Only the
 * writer thread, or unthreaded the submitter, calls these: the fd needs no
 * lock.
 */
size_t logsink_io_write(struct logsink *s, const char *data, size_t len);
void logsink_io_reopen(struct logsink *s);

/* Note a change between failing and writing, with one diagnostic. */
void logsink_io_set_failing(struct logsink *s, bool failing);

#endif
