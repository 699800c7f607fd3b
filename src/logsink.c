// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Where records go.  Producers (queue workers) format and chain a record
 * under the sink's lock, so that seq and chain follow submission order,
 * and copy it into a ring of preallocated bytes; one writer thread drains
 * the ring with write(2), whole lines at a time, so a slow or failing disk
 * delays records, never verdicts.  Records are newline-terminated, so the
 * ring needs no framing: every chunk the writer takes ends a line.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "chain.h"
#include "log.h"
#include "logsink.h"
#include "logsink_int.h"
#include "record.h"
#include "timefmt.h"

#define LOGSINK_RING_DEFAULT	(8u << 20)
#define LOGSINK_RING_MIN	(4u * RECORD_MAX)
#define LOGSINK_RETRY_MS	100
#define LOGSINK_LINGER_MS	10
#define LOGSINK_CLOSE_GIVEUP_MS 3000

/* ---- formatting and chaining (callers hold the lock) ------------------- */

/* Turn a reopen request (from a signal handler) into a place in order. */
void logsink_take_reopen(struct logsink *s)
{
	if (!atomic_exchange(&s->reopen_req, 0))
		return;
	if (s->kind != SINK_FILE)
		return;
	s->reopen_pending = true;
	s->reopen_at = s->bytes_in;
	s->prev_next = true;
}

/* Queue a finished line for the writer thread. */
static int ring_out(struct logsink *s, const char *line, size_t len)
{
	if (!logsink_ring_put(s, line, len))
		return -ENOBUFS;
	/*
	 * Wake the writer for the first line after a quiet spell, or for a
	 * full batch; otherwise it lingers to gather lines, as waking it for
	 * each would cost every verdict a context switch.
	 */
	if (s->idle && (s->bytes_in - s->bytes_out == len ||
			s->bytes_in - s->bytes_out >= LOGSINK_BATCH_BYTES))
		pthread_cond_signal(&s->w.wake);
	return 0;
}

/*
 * Format and chain ev, then hand the line to out.  If out refuses it, the
 * chain goes back: a lost record consumes no seq.
 */
static int sink_record(struct logsink *s, const struct record_event *ev,
		       int (*out)(struct logsink *, const char *, size_t))
{
	char last[CHAIN_HEX + 1];
	uint64_t seq = chain_seq(s->chain);
	int len, err;

	memcpy(last, chain_last(s->chain), sizeof(last));
	len = record_emit(s->chain, s->scratch, sizeof(s->scratch),
			  s->prev_next, ev);
	if (len < 0)
		return len;
	err = out(s, s->scratch, (size_t)len);
	if (err) {
		chain_set(s->chain, seq, last);
		return err;
	}
	if (s->opts.tee)
		s->opts.tee(s->opts.tee_ctx, s->scratch, (size_t)len);
	s->prev_next = false;
	return 0;
}

static void lost_event(struct record_event *ev, int64_t ts, uint64_t lost)
{
	memset(ev, 0, sizeof(*ev));
	ev->type = RECORD_ERROR;
	ev->ts_us = ts;
	ev->message = "verdict log: records could not be written";
	ev->lost_records = lost;
}

static void sink_lost(struct logsink *s)
{
	s->lost_pending++;
	s->lost_total++;
}

/* ---- the writer thread -------------------------------------------------- */

struct timespec logsink_deadline(int ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (long)(ms % 1000) * 1000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	return ts;
}

/* Sleep (lock held) until the deadline or stop, whatever wakes us. */
static void sink_pause(struct logsink *s, int ms)
{
	struct timespec until = logsink_deadline(ms);

	while (!s->w.stop && pthread_cond_timedwait(&s->w.wake, &s->w.lock,
						    &until) != ETIMEDOUT)
		;
}

void logsink_report_lost(struct logsink *s, int64_t ts)
{
	struct record_event ev;

	lost_event(&ev, ts, s->lost_pending);
	if (!sink_record(s, &ev, ring_out))
		s->lost_pending = 0;
}

/* After a failed write: false when closing and it is time to give up. */
static bool sink_retry(struct logsink *s, struct timespec *giveup)
{
	struct timespec now;

	if (s->w.stop) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (!giveup->tv_sec)
			*giveup = logsink_deadline(LOGSINK_CLOSE_GIVEUP_MS);
		else if (now.tv_sec > giveup->tv_sec)
			return false;
	}
	sink_pause(s, LOGSINK_RETRY_MS);
	return true;
}

/*
 * Nothing to write: reopen if that is next, else wait for work, then let
 * it gather for up to LOGSINK_LINGER_MS (a batch or close cuts that
 * short), so that busy times cost one write per batch.
 */
static bool sink_idle(struct logsink *s)
{
	struct timespec until;

	if (s->reopen_pending && s->reopen_at == s->bytes_out) {
		s->reopen_pending = false;
		pthread_mutex_unlock(&s->w.lock);
		logsink_io_reopen(s);
		pthread_mutex_lock(&s->w.lock);
		return true;
	}
	if (s->w.stop)
		return false;
	s->idle = true;
	s->kicked = false;
	if (logsink_ring_empty(s))
		pthread_cond_wait(&s->w.wake, &s->w.lock);
	if (!s->w.stop && !s->waiters &&
	    s->bytes_in - s->bytes_out < LOGSINK_BATCH_BYTES) {
		until = logsink_deadline(LOGSINK_LINGER_MS);
		pthread_cond_timedwait(&s->w.wake, &s->w.lock, &until);
	}
	s->idle = false;
	return true;
}

/* One round of the writer, lock held; false when it is time to stop. */
static bool sink_round(struct logsink *s, struct timespec *giveup)
{
	const char *data;
	size_t n, done;

	logsink_take_reopen(s);
	if (s->busy) { /* a waiter writes: its end wakes us (drained) */
		pthread_cond_wait(&s->drained, &s->w.lock);
		return true;
	}
	if (s->lost_pending && !s->failing)
		logsink_report_lost(s, timefmt_clock_us(CLOCK_REALTIME));
	n = logsink_ring_chunk(s, &data);
	if (!n)
		return sink_idle(s);
	pthread_mutex_unlock(&s->w.lock);
	done = logsink_io_write(s, data, n);
	pthread_mutex_lock(&s->w.lock);
	logsink_ring_consume(s, done);
	logsink_set_failing(s, done < n);
	if (done < n && s->waiters) /* they stop waiting for a failed write */
		pthread_cond_broadcast(&s->drained);
	return done == n || sink_retry(s, giveup);
}

static void *sink_thread(void *arg)
{
	struct logsink *s = arg;
	struct timespec giveup = {0, 0};
	uint64_t left;

	pthread_mutex_lock(&s->w.lock);
	while (sink_round(s, &giveup))
		;
	left = logsink_ring_lines(s);
	if (left) {
		s->lost_total += left;
		log_warnx("%s: %llu records could not be written", s->path,
			  (unsigned long long)left);
	}
	pthread_cond_broadcast(&s->drained);
	pthread_mutex_unlock(&s->w.lock);
	return NULL;
}

/* ---- unthreaded: the caller writes -------------------------------------- */

/* Unthreaded: write the line now. */
static int direct_out(struct logsink *s, const char *line, size_t len)
{
	errno = EIO;
	if (logsink_io_write(s, line, len) < len) {
		int err = errno ? -errno : -EIO;

		logsink_set_failing(s, true);
		return err;
	}
	logsink_set_failing(s, false);
	return 0;
}

static int sink_submit_now(struct logsink *s, const struct record_event *ev)
{
	struct record_event lost;

	logsink_take_reopen(s);
	if (s->reopen_pending) {
		s->reopen_pending = false;
		logsink_io_reopen(s);
	}
	if (s->lost_pending) {
		lost_event(&lost, ev->ts_us, s->lost_pending);
		if (!sink_record(s, &lost, direct_out))
			s->lost_pending = 0;
	}
	return sink_record(s, ev, direct_out);
}

/* Unthreaded, closing: a gap not reported yet is reported now, or named. */
static void sink_close_now(struct logsink *s)
{
	struct record_event lost;

	if (!s->lost_pending || !s->path)
		return;
	lost_event(&lost, s->last_ts, s->lost_pending);
	if (!sink_record(s, &lost, direct_out))
		s->lost_pending = 0;
	else
		log_warnx("%s: %llu records were lost", s->path,
			  (unsigned long long)s->lost_pending);
}

/* ---- the interface ------------------------------------------------------ */

/* Lock held: submit as logsink_submit() does. */
static int sink_submit_locked(struct logsink *s, const struct record_event *ev)
{
	int err;

	s->last_ts = ev->ts_us;
	if (!s->w.running) {
		err = sink_submit_now(s, ev);
	} else {
		logsink_take_reopen(s);
		if (s->lost_pending)
			logsink_report_lost(s, ev->ts_us);
		err = sink_record(s, ev, ring_out);
	}
	if (err)
		sink_lost(s);
	return err;
}

int logsink_submit(struct logsink *s, const struct record_event *ev)
{
	int err;

	pthread_mutex_lock(&s->w.lock);
	err = sink_submit_locked(s, ev);
	pthread_mutex_unlock(&s->w.lock);
	return err;
}

int logsink_submit_deferred(struct logsink *s, const struct record_event *ev,
			    char *buf, struct logsink_pos *pos)
{
	int len = record_format(buf, RECORD_MAX, 0, NULL, ev), err = len;

	pthread_mutex_lock(&s->w.lock);
	logsink_take_reopen(s);
	if (len >= 0 && s->w.running && !s->prev_next) {
		s->last_ts = ev->ts_us;
		if (s->lost_pending)
			logsink_report_lost(s, ev->ts_us);
		err = logsink_ring_append(s, buf, len, pos);
		if (err)
			sink_lost(s);
	} else if (len >= 0) { /* unthreaded, or a reopen's first record */
		err = sink_submit_locked(s, ev);
		pos->seq = chain_seq(s->chain);
		pos->ticket = s->bytes_in;
	} else {
		sink_lost(s);
	}
	pthread_mutex_unlock(&s->w.lock);
	return err;
}

bool logsink_can_accept(struct logsink *s)
{
	if (s->opts.on_failure == LOGSINK_OPEN)
		return true;
	return atomic_load_explicit(&s->accept_ok, memory_order_relaxed);
}

void logsink_reopen(struct logsink *s)
{
	atomic_store(&s->reopen_req, 1);
}

int logsink_flush(struct logsink *s, int timeout_ms)
{
	struct timespec until = logsink_deadline(timeout_ms);
	int err = 0;

	pthread_mutex_lock(&s->w.lock);
	if (s->idle)
		pthread_cond_signal(&s->w.wake);
	while (s->w.running && !logsink_ring_empty(s) && !err)
		err = pthread_cond_timedwait(&s->drained, &s->w.lock, &until);
	err = logsink_ring_empty(s) && !s->failing ? 0 : -EIO;
	pthread_mutex_unlock(&s->w.lock);
	return err;
}

uint64_t logsink_get_lost(struct logsink *s)
{
	uint64_t n;

	pthread_mutex_lock(&s->w.lock);
	n = s->lost_total;
	pthread_mutex_unlock(&s->w.lock);
	return n;
}

/* ---- opening and closing ------------------------------------------------ */

static int sink_start(struct logsink *s)
{
	int err;

	s->cap = s->opts.ring_size ? s->opts.ring_size : LOGSINK_RING_DEFAULT;
	if (s->cap < LOGSINK_RING_MIN)
		s->cap = LOGSINK_RING_MIN;
	s->ring = malloc(s->cap);
	if (!s->ring)
		return -ENOMEM;
	logsink_ring_fault_in(s->ring, s->cap);
	pthread_mutex_lock(&s->w.lock);
	err = writer_start(&s->w, sink_thread, s);
	logsink_ring_gate(s);
	pthread_mutex_unlock(&s->w.lock);
	return err;
}

static void sink_init_sync(struct logsink *s)
{
	pthread_condattr_t attr;

	writer_init(&s->w);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&s->drained, &attr);
	pthread_condattr_destroy(&attr);
}

int logsink_start(struct logsink *s)
{
	return s->w.running ? 0 : sink_start(s);
}

struct logsink *logsink_open(const struct logsink_opts *opts)
{
	struct logsink *s = calloc(1, sizeof(*s));
	int err = -ENOMEM;

	if (!s)
		goto fail;
	s->opts = *opts;
	s->fd = -1;
	sink_init_sync(s);
	clock_gettime(CLOCK_MONOTONIC, &s->last_sync);
	s->chain = chain_new(opts->key, opts->keylen);
	if (!s->chain)
		goto fail;
	atomic_init(&s->accept_ok, true);
	err = logsink_io_target(s);
	if (!err && opts->threaded)
		err = sink_start(s);
	if (!err)
		return s;
fail:
	logsink_close(s);
	errno = -err;
	return NULL;
}

void logsink_close(struct logsink *s)
{
	if (!s)
		return;
	if (s->w.running)
		writer_stop(&s->w);
	else
		sink_close_now(s);
	if (s->kind == SINK_FILE && s->fd >= 0) {
		if (s->opts.fsync != LOGSINK_FSYNC_NONE && fdatasync(s->fd))
			log_warn("%s: fdatasync", s->path);
		close(s->fd);
	}
	pthread_cond_destroy(&s->drained);
	writer_destroy(&s->w);
	chain_free(s->chain);
	free(s->ring);
	free(s->path);
	free(s);
}
