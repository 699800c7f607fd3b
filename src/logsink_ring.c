// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The sink's ring of queued records, and group commit: who writes it out
 * when a verdict waits for its record.  Callers hold the sink's lock
 * (sink_lead() lets go of it only while it writes).
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "chain.h"
#include "logsink.h"
#include "logsink_int.h"
#include "record.h"
#include "timefmt.h"

/* ---- the ring ----------------------------------------------------------- */

bool logsink_ring_empty(const struct logsink *s)
{
	return !s->wrapped && s->rd == s->wr;
}

/* The largest record that would fit now. */
static size_t logsink_ring_room(const struct logsink *s)
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
void logsink_ring_gate(struct logsink *s)
{
	atomic_store_explicit(
		&s->accept_ok,
		!s->failing &&
			(!s->w.running || logsink_ring_room(s) >= RECORD_MAX),
		memory_order_relaxed);
}

void logsink_set_failing(struct logsink *s, bool failing)
{
	logsink_io_set_failing(s, failing);
	logsink_ring_gate(s);
}

bool logsink_ring_put(struct logsink *s, const char *data, size_t len)
{
	if (logsink_ring_empty(s))
		s->rd = s->wr = 0;
	if (len > logsink_ring_room(s))
		return false;
	if (!s->wrapped && s->cap - s->wr < len) {
		s->end = s->wr;
		s->wr = 0;
		s->wrapped = true;
	}
	memcpy(s->ring + s->wr, data, len);
	s->wr += len;
	s->bytes_in += len;
	logsink_ring_gate(s);
	return true;
}

/* The next contiguous chunk to write, stopping at a pending reopen. */
size_t logsink_ring_chunk(struct logsink *s, const char **data)
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

void logsink_ring_consume(struct logsink *s, size_t n)
{
	s->rd += n;
	s->bytes_out += n;
	logsink_ring_gate(s);
	if (logsink_ring_empty(s) || s->waiters)
		pthread_cond_broadcast(&s->drained);
}

/* Records still queued when the sink gives up at close: one per line. */
uint64_t logsink_ring_lines(const struct logsink *s)
{
	uint64_t n = 0;
	size_t i, end = s->wrapped ? s->end : s->wr;

	for (i = s->rd; i < end; i++)
		n += s->ring[i] == '\n';
	for (i = 0; s->wrapped && i < s->wr; i++)
		n += s->ring[i] == '\n';
	return n;
}

/*
 * Fault the ring in now, not page by page while a worker copies a record
 * in.  Through a volatile pointer: the compiler turns malloc + memset 0
 * into calloc, which touches nothing.
 */
void logsink_ring_fault_in(char *ring, size_t cap)
{
	volatile char *p = ring;
	size_t i, page = (size_t)sysconf(_SC_PAGESIZE);

	for (i = 0; i < cap; i += page)
		p[i] = 0;
}

/* ---- records formatted outside the lock -------------------------------- */

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
int logsink_ring_append(struct logsink *s, char *buf, int len,
			struct logsink_pos *pos)
{
	uint64_t seq = chain_seq(s->chain) + 1;

	len = place_seq(buf, (size_t)len, seq);
	if (len < 0)
		return len;
	if ((size_t)len + CHAIN_SUFFIX_LEN > logsink_ring_room(s))
		return -ENOBUFS;
	len = chain_seal(s->chain, buf, (size_t)len, RECORD_MAX);
	if (len < 0)
		return len;
	logsink_ring_put(s, buf, (size_t)len);
	if (s->opts.tee)
		s->opts.tee(s->opts.tee_ctx, buf, (size_t)len);
	pos->seq = seq;
	pos->ticket = s->bytes_in;
	return 0;
}

/* ---- group commit ------------------------------------------------------ */

void logsink_kick(struct logsink *s)
{
	pthread_mutex_lock(&s->w.lock);
	/* once per quiet spell, as ring_out() wakes it, or for a batch */
	if (s->idle && !s->busy && !logsink_ring_empty(s) &&
	    (!s->kicked || s->bytes_in - s->bytes_out >= LOGSINK_BATCH_BYTES)) {
		s->kicked = true;
		pthread_cond_signal(&s->w.wake);
	}
	pthread_mutex_unlock(&s->w.lock);
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
		logsink_report_lost(s, timefmt_clock_us(CLOCK_REALTIME));
	s->led++;
	s->busy = true;
	while (sink_pending(s, ticket) && !s->failing &&
	       (n = logsink_ring_chunk(s, &data))) {
		pthread_mutex_unlock(&s->w.lock);
		done = logsink_io_write(s, data, n);
		pthread_mutex_lock(&s->w.lock);
		logsink_ring_consume(s, done);
		logsink_set_failing(s, done < n);
	}
	s->busy = false;
	pthread_cond_broadcast(&s->drained); /* the writer, other waiters */
	if (s->failing || s->reopen_pending)
		pthread_cond_signal(&s->w.wake);
}

int logsink_wait(struct logsink *s, uint64_t ticket, int timeout_ms)
{
	struct timespec until = logsink_deadline(timeout_ms);
	int err = 0;

	pthread_mutex_lock(&s->w.lock);
	logsink_take_reopen(s);
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
