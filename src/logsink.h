/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFJUDGE_LOGSINK_H
#define NFJUDGE_LOGSINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct record_event;

enum logsink_failure {
	LOGSINK_CLOSED, /* the engine rejects while records cannot be kept */
	LOGSINK_OPEN,	/* keep judging; count lost records, report the gap */
};

enum logsink_fsync {
	LOGSINK_FSYNC_NONE,	/* leave it to the kernel */
	LOGSINK_FSYNC_EVERY,	/* fdatasync after every write */
	LOGSINK_FSYNC_INTERVAL, /* at most every fsync_ms */
};

struct logsink_opts {
	const char *target; /* a path, "-" (standard output) or "syslog" */
	enum logsink_failure on_failure;
	enum logsink_fsync fsync;
	unsigned fsync_ms;
	bool threaded;	  /* false: write in the caller (replay, audit) */
	size_t ring_size; /* bytes of queued records; 0: 8 MiB */
	const void *key;  /* HMAC key, NULL for plain SHA-256 */
	size_t keylen;
	bool resume; /* continue seq and chain from the file's last record */
	/* told of each record line as it is queued, under the sink's lock,
	 * in chain order (run --ocsf); NULL for none */
	void (*tee)(void *ctx, const char *line, size_t len);
	void *tee_ctx;
};

struct logsink;

/*
 * Open a sink: the file (O_APPEND, created 0640), and with threaded a
 * writer thread behind a ring of preallocated bytes, so that a slow disk
 * delays records, not verdicts; it writes whole lines, batched, within
 * about 10 ms of their submission.  With resume, a file's last record
 * gives the seq and chain to continue (EBADMSG when it is not a whole
 * record).  NULL with errno set on failure.
 */
struct logsink *logsink_open(const struct logsink_opts *opts);

/*
 * Give a sink opened unthreaded its writer thread now: the daemon opens
 * the log before it drops privileges and starts the writer after, so that
 * the thread runs with the reduced set (capabilities are per thread).
 * 0 (also when already started) or -errno.
 */
int logsink_start(struct logsink *sink);

/*
 * Close: write what is queued (giving up after a few seconds of failure,
 * with a diagnostic naming the lost count), join the writer, free.
 */
void logsink_close(struct logsink *sink);

/*
 * Number, chain and queue (or, unthreaded, write) one record.  Records
 * are chained in the order they are submitted, from any thread.  Returns
 * 0, or -errno when the record is lost: -ENOBUFS, the ring is full; an
 * I/O error, unthreaded.  A lost record does not consume a seq, so the
 * chain stays whole; the next record written is preceded by an "error"
 * record stating how many were lost.
 */
int logsink_submit(struct logsink *sink, const struct record_event *ev);

/*
 * Where a queued record stands: its seq, and the ticket logsink_wait()
 * reaches once the record is out.
 */
struct logsink_pos {
	uint64_t seq;
	uint64_t ticket;
};

/*
 * logsink_submit() for a thread that ends each batch of records with
 * logsink_wait() or logsink_kick() (a queue worker): the record is
 * formatted in buf (RECORD_MAX bytes, the caller's) outside the sink's
 * lock, the writer is not woken for it, and *pos says where it went.
 * Returns as logsink_submit() does.
 */
int logsink_submit_deferred(struct logsink *sink, const struct record_event *ev,
			    char *buf, struct logsink_pos *pos);

/* After deferred submits nobody waits for: have the writer write them. */
void logsink_kick(struct logsink *sink);

/*
 * May the engine accept a new connection?  Under LOGSINK_CLOSED, false
 * while a record of the largest size would not fit the ring, or while the
 * sink is failing; the engine must then reject (a verdict that cannot be
 * recorded is not given).  Under LOGSINK_OPEN always true.
 */
bool logsink_can_accept(struct logsink *sink);

/*
 * Reopen the file (logrotate).  Async-signal-safe: it only sets a flag.
 * Records submitted before the call go to the old file, those after to
 * the new one, the first of which names its predecessor (prev_chain).
 */
void logsink_reopen(struct logsink *sink);

/* Wait up to timeout_ms until everything queued is written: 0 or -EIO. */
int logsink_flush(struct logsink *sink, int timeout_ms);

/*
 * Group commit: a ticket taken after submitting records is reached once
 * they are out (write(2) returned; with LOGSINK_FSYNC_EVERY, synced).
 * logsink_wait() has the writer write at once and waits up to timeout_ms:
 * 0 when the ticket is reached, -EIO when the write failed or the time
 * ran out.  Unthreaded, records are out when submit returns.
 */
uint64_t logsink_ticket(struct logsink *sink);
int logsink_wait(struct logsink *sink, uint64_t ticket, int timeout_ms);

/* Records lost since the sink was opened. */
uint64_t logsink_get_lost(struct logsink *sink);

#endif
