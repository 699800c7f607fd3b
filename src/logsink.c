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
#define LOGSINK_BATCH_BYTES	(64u << 10)
#define LOGSINK_CLOSE_GIVEUP_MS 3000

/* ---- the ring (callers hold the lock) ---------------------------------- */

static bool ring_empty(const struct logsink *s)
{
	return !s->wrapped && s->rd == s->wr;
}

/* The largest record that would fit now. */
static size_t ring_room(const struct logsink *s)
{
	if (s->wrapped)
		return s->rd - s->wr;
	if (s->rd == s->wr)
		return s->cap;
	return s->cap - s->wr > s->rd ? s->cap - s->wr : s->rd;
}

/*
 * What logsink_can_accept() says, kept up to date wherever the ring's
 * room or the failing state changes, so that judging a packet takes no
 * lock to ask.
 */
static void sink_gate(struct logsink *s)
{
	atomic_store_explicit(
		&s->accept_ok,
		!s->failing && (!s->w.running || ring_room(s) >= RECORD_MAX),
		memory_order_relaxed);
}

static void sink_set_failing(struct logsink *s, bool failing)
{
	logsink_io_set_failing(s, failing);
	sink_gate(s);
}

static bool ring_put(struct logsink *s, const char *data, size_t len)
{
	if (ring_empty(s))
		s->rd = s->wr = 0;
	if (len > ring_room(s))
		return false;
	if (!s->wrapped && s->cap - s->wr < len) {
		s->end = s->wr;
		s->wr = 0;
		s->wrapped = true;
	}
	memcpy(s->ring + s->wr, data, len);
	s->wr += len;
	s->bytes_in += len;
	sink_gate(s);
	return true;
}

/* The next contiguous chunk to write, stopping at a pending reopen. */
static size_t ring_chunk(struct logsink *s, const char **data)
{
	size_t n;

	if (s->wrapped && s->rd == s->end) {
		s->rd = 0;
		s->wrapped = false;
	}
	n = (s->wrapped ? s->end : s->wr) - s->rd;
	if (s->reopen_pending && s->reopen_at - s->bytes_out < n)
		n = (size_t)(s->reopen_at - s->bytes_out);
	*data = s->ring + s->rd;
	return n;
}

static void ring_consume(struct logsink *s, size_t n)
{
	s->rd += n;
	s->bytes_out += n;
	sink_gate(s);
	if (ring_empty(s) || s->waiters)
		pthread_cond_broadcast(&s->drained);
}

/* ---- formatting and chaining (callers hold the lock) ------------------- */

/* Turn a reopen request (from a signal handler) into a place in order. */
static void sink_take_reopen(struct logsink *s)
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
	if (!ring_put(s, line, len))
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

static struct timespec deadline_ms(int ms)
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
	struct timespec until = deadline_ms(ms);

	while (!s->w.stop && pthread_cond_timedwait(&s->w.wake, &s->w.lock,
						    &until) != ETIMEDOUT)
		;
}

/* Records still queued when the sink gives up at close: one per line. */
static uint64_t ring_lines(const struct logsink *s)
{
	uint64_t n = 0;
	size_t i, end = s->wrapped ? s->end : s->wr;

	for (i = s->rd; i < end; i++)
		n += s->ring[i] == '\n';
	for (i = 0; s->wrapped && i < s->wr; i++)
		n += s->ring[i] == '\n';
	return n;
}

static void sink_report_lost(struct logsink *s, int64_t ts)
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
			*giveup = deadline_ms(LOGSINK_CLOSE_GIVEUP_MS);
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
	if (ring_empty(s))
		pthread_cond_wait(&s->w.wake, &s->w.lock);
	if (!s->w.stop && !s->waiters &&
	    s->bytes_in - s->bytes_out < LOGSINK_BATCH_BYTES) {
		until = deadline_ms(LOGSINK_LINGER_MS);
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

	sink_take_reopen(s);
	if (s->busy) { /* a waiter writes: its end wakes us (drained) */
		pthread_cond_wait(&s->drained, &s->w.lock);
		return true;
	}
	if (s->lost_pending && !s->failing)
		sink_report_lost(s, timefmt_clock_us(CLOCK_REALTIME));
	n = ring_chunk(s, &data);
	if (!n)
		return sink_idle(s);
	pthread_mutex_unlock(&s->w.lock);
	done = logsink_io_write(s, data, n);
	pthread_mutex_lock(&s->w.lock);
	ring_consume(s, done);
	sink_set_failing(s, done < n);
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
	left = ring_lines(s);
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

		sink_set_failing(s, true);
		return err;
	}
	sink_set_failing(s, false);
	return 0;
}

static int sink_submit_now(struct logsink *s, const struct record_event *ev)
{
	struct record_event lost;

	sink_take_reopen(s);
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
		sink_take_reopen(s);
		if (s->lost_pending)
			sink_report_lost(s, ev->ts_us);
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

/*
 * A record formatted outside the lock says "seq":0, as its seq is known
 * only in chain order: write the seq in its place.  The body begins
 * {"timestamp":"...","event_type":"...","seq": (record_format()), so the
 * first such field is the record's own.  The new length, or -ENOSPC.
 */
static int place_seq(char *buf, size_t len, uint64_t seq)
{
	static const char key[] = ",\"seq\":0";
	char digits[20],
		*at = memmem(buf, len < 128 ? len : 128, key, sizeof(key) - 1);
	size_t n = 0, tail;

	do
		digits[sizeof(digits) - ++n] = (char)('0' + seq % 10);
	while (seq /= 10);
	if (!at || len + n - 1 + CHAIN_SUFFIX_LEN > RECORD_MAX)
		return -ENOSPC;
	at += sizeof(key) - 2; /* the 0 */
	tail = len - (size_t)(at + 1 - buf);
	memmove(at + n, at + 1, tail);
	memcpy(at, digits + sizeof(digits) - n, n);
	return (int)(len + n - 1);
}

/*
 * Lock held: number, chain and queue a line formatted with seq 0; the
 * writer is not woken.  Only the digest and the copy take the lock.
 */
static int sink_append(struct logsink *s, char *buf, int len,
		       struct logsink_pos *pos)
{
	uint64_t seq = chain_seq(s->chain) + 1;

	len = place_seq(buf, (size_t)len, seq);
	if (len < 0)
		return len;
	if ((size_t)len + CHAIN_SUFFIX_LEN > ring_room(s))
		return -ENOBUFS;
	len = chain_seal(s->chain, buf, (size_t)len, RECORD_MAX);
	if (len < 0)
		return len;
	ring_put(s, buf, (size_t)len);
	if (s->opts.tee)
		s->opts.tee(s->opts.tee_ctx, buf, (size_t)len);
	pos->seq = seq;
	pos->ticket = s->bytes_in;
	return 0;
}

int logsink_submit_deferred(struct logsink *s, const struct record_event *ev,
			    char *buf, struct logsink_pos *pos)
{
	int len = record_format(buf, RECORD_MAX, 0, NULL, ev), err = len;

	pthread_mutex_lock(&s->w.lock);
	sink_take_reopen(s);
	if (len >= 0 && s->w.running && !s->prev_next) {
		s->last_ts = ev->ts_us;
		if (s->lost_pending)
			sink_report_lost(s, ev->ts_us);
		err = sink_append(s, buf, len, pos);
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

void logsink_kick(struct logsink *s)
{
	pthread_mutex_lock(&s->w.lock);
	/* once per quiet spell, as ring_out() wakes it, or for a batch */
	if (s->idle && !s->busy && !ring_empty(s) &&
	    (!s->kicked || s->bytes_in - s->bytes_out >= LOGSINK_BATCH_BYTES)) {
		s->kicked = true;
		pthread_cond_signal(&s->w.wake);
	}
	pthread_mutex_unlock(&s->w.lock);
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
	struct timespec until = deadline_ms(timeout_ms);
	int err = 0;

	pthread_mutex_lock(&s->w.lock);
	if (s->idle)
		pthread_cond_signal(&s->w.wake);
	while (s->w.running && !ring_empty(s) && !err)
		err = pthread_cond_timedwait(&s->drained, &s->w.lock, &until);
	err = ring_empty(s) && !s->failing ? 0 : -EIO;
	pthread_mutex_unlock(&s->w.lock);
	return err;
}

uint64_t logsink_ticket(struct logsink *s)
{
	uint64_t t;

	pthread_mutex_lock(&s->w.lock);
	t = s->bytes_in;
	pthread_mutex_unlock(&s->w.lock);
	return t;
}

/* Not yet out: lock held. */
static bool sink_pending(const struct logsink *s, uint64_t ticket)
{
	return s->w.running && s->bytes_out < ticket;
}

/*
 * May a waiter write the ring itself?  While the writer is idle it is
 * inside its wait, and while busy is set it leaves the fd alone (it waits
 * for drained).  Only for a file, and not with LOGSINK_FSYNC_EVERY, where
 * the writer's batches share one fdatasync.  Never while failing (the
 * writer retries on its own), at a reopen (the writer switches files),
 * closing, or while another waiter writes (it writes ours too, or we lead
 * after it).
 */
static bool sink_can_lead(const struct logsink *s)
{
	return s->idle && !s->busy && s->kind == SINK_FILE &&
	       s->opts.fsync != LOGSINK_FSYNC_EVERY && !s->failing &&
	       !s->reopen_pending && !s->w.stop;
}

/*
 * Leader commit (lock held on entry and return, not during the write):
 * write what is queued, up to the ticket and beyond, as the writer would,
 * and spare the verdict the two thread wake-ups of a hand-off; producers
 * queue records meanwhile.  XXX the write is not bounded by the wait's
 * timeout, as a hand-off is: a file on a hung device holds the caller.
 * A failed write stays queued for the writer to retry.
 */
static void sink_lead(struct logsink *s, uint64_t ticket)
{
	const char *data;
	size_t n, done;

	if (s->lost_pending)
		sink_report_lost(s, timefmt_clock_us(CLOCK_REALTIME));
	s->led++;
	s->busy = true;
	while (sink_pending(s, ticket) && !s->failing &&
	       (n = ring_chunk(s, &data))) {
		pthread_mutex_unlock(&s->w.lock);
		done = logsink_io_write(s, data, n);
		pthread_mutex_lock(&s->w.lock);
		ring_consume(s, done);
		sink_set_failing(s, done < n);
	}
	s->busy = false;
	pthread_cond_broadcast(&s->drained); /* the writer, other waiters */
	if (s->failing || s->reopen_pending)
		pthread_cond_signal(&s->w.wake);
}

int logsink_wait(struct logsink *s, uint64_t ticket, int timeout_ms)
{
	struct timespec until = deadline_ms(timeout_ms);
	int err = 0;

	pthread_mutex_lock(&s->w.lock);
	sink_take_reopen(s);
	s->waiters++;
	while (sink_pending(s, ticket) && !s->failing && !err) {
		if (sink_can_lead(s)) {
			sink_lead(s, ticket);
			continue;
		}
		if (s->idle && !s->busy)
			pthread_cond_signal(&s->w.wake);
		err = pthread_cond_timedwait(&s->drained, &s->w.lock, &until);
	}
	s->waiters--;
	/* Unthreaded, submit wrote it or failed; a failure sticks. */
	err = sink_pending(s, ticket) || (!s->w.running && s->failing) ? -EIO
								       : 0;
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

/*
 * Fault the ring in now, not page by page while a worker copies a record
 * in.  Through a volatile pointer: the compiler turns malloc + memset 0
 * into calloc, which touches nothing.
 */
static void ring_fault_in(char *ring, size_t cap)
{
	volatile char *p = ring;
	size_t i, page = (size_t)sysconf(_SC_PAGESIZE);

	for (i = 0; i < cap; i += page)
		p[i] = 0;
}

static int sink_start(struct logsink *s)
{
	int err;

	s->cap = s->opts.ring_size ? s->opts.ring_size : LOGSINK_RING_DEFAULT;
	if (s->cap < LOGSINK_RING_MIN)
		s->cap = LOGSINK_RING_MIN;
	s->ring = malloc(s->cap);
	if (!s->ring)
		return -ENOMEM;
	ring_fault_in(s->ring, s->cap);
	pthread_mutex_lock(&s->w.lock);
	err = writer_start(&s->w, sink_thread, s);
	sink_gate(s);
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
