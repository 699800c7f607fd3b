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
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "chain.h"
#include "log.h"
#include "logread.h"
#include "logsink.h"
#include "record.h"

#define LOGSINK_RING_DEFAULT (8u << 20)
#define LOGSINK_RING_MIN (4u * RECORD_MAX)
#define LOGSINK_RETRY_MS 100
#define LOGSINK_CLOSE_GIVEUP_MS 3000

enum sink_kind { SINK_FILE, SINK_STDOUT, SINK_SYSLOG };

struct logsink {
	struct logsink_opts opts;
	enum sink_kind kind;
	char *path;
	int fd;
	struct chain *chain;
	pthread_mutex_t lock;
	pthread_cond_t wake;    /* the writer: work, or stop */
	pthread_cond_t drained; /* flush waiters */
	pthread_t thread;
	bool running, stop;
	/* the ring: data is [rd, wr), or [rd, end) then [0, wr) if wrapped */
	char *ring;
	size_t cap, rd, wr, end;
	bool wrapped;
	uint64_t bytes_in, bytes_out;
	uint64_t reopen_at; /* with reopen_pending: reopen after this byte */
	bool reopen_pending;
	volatile sig_atomic_t reopen_req;
	bool prev_next; /* the next record names its predecessor */
	bool failing;
	uint64_t lost_pending; /* not yet reported by an error record */
	uint64_t lost_total;
	struct timespec last_sync;
	char scratch[RECORD_MAX];
};

static int64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int sink_open_file(const char *path)
{
	return open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
}

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
	if (ring_empty(s))
		pthread_cond_broadcast(&s->drained);
}

/* ---- formatting and chaining (callers hold the lock) ------------------- */

/* Turn a reopen request (from a signal handler) into a place in order. */
static void sink_take_reopen(struct logsink *s)
{
	if (!s->reopen_req)
		return;
	s->reopen_req = 0;
	if (s->kind != SINK_FILE)
		return;
	s->reopen_pending = true;
	s->reopen_at = s->bytes_in;
	s->prev_next = true;
}

/*
 * Format and chain ev into scratch; the chain advances only when commit
 * keeps it (a lost record consumes no seq).
 */
static int sink_format(struct logsink *s, const struct record_event *ev,
		       uint64_t *seq, char last[CHAIN_HEX + 1])
{
	*seq = chain_seq(s->chain);
	memcpy(last, chain_last(s->chain), CHAIN_HEX + 1);
	return record_emit(s->chain, s->scratch, sizeof(s->scratch),
			   s->prev_next, ev);
}

static int sink_enqueue(struct logsink *s, const struct record_event *ev)
{
	char last[CHAIN_HEX + 1];
	uint64_t seq;
	int len = sink_format(s, ev, &seq, last);

	if (len < 0)
		return len;
	if (!ring_put(s, s->scratch, (size_t)len)) {
		chain_set(s->chain, seq, last);
		return -ENOBUFS;
	}
	s->prev_next = false;
	pthread_cond_signal(&s->wake);
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

/* ---- writing ------------------------------------------------------------ */

/* A partial line must not stay in a file: cut it off, the caller retries. */
static void sink_unwrite(struct logsink *s, size_t done)
{
	off_t end = lseek(s->fd, 0, SEEK_END);

	if (end >= (off_t)done && ftruncate(s->fd, end - (off_t)done))
		log_warn("%s: cannot remove a partial record", s->path);
}

static ssize_t sink_write_fd(struct logsink *s, const char *data, size_t len)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = write(s->fd, data + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		done += (size_t)n;
	}
	if (done == len || s->kind != SINK_FILE)
		return (ssize_t)done;
	if (done)
		sink_unwrite(s, done);
	return 0;
}

static size_t sink_write_syslog(const char *data, size_t len)
{
	const char *p = data, *nl;

	while (p < data + len && (nl = memchr(p, '\n', data + len - p))) {
		syslog(LOG_DAEMON | LOG_INFO, "%.*s", (int)(nl - p), p);
		p = nl + 1;
	}
	return (size_t)(p - data);
}

static bool sync_due(struct logsink *s)
{
	struct timespec now;
	int64_t ms;

	if (s->opts.fsync == LOGSINK_FSYNC_EVERY)
		return true;
	if (s->opts.fsync != LOGSINK_FSYNC_INTERVAL)
		return false;
	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (now.tv_sec - s->last_sync.tv_sec) * 1000 +
	     (now.tv_nsec - s->last_sync.tv_nsec) / 1000000;
	if (ms < (int64_t)s->opts.fsync_ms)
		return false;
	s->last_sync = now;
	return true;
}

/*
 * Write one chunk of whole lines; returns the bytes that are out (all of
 * a file's chunk, or none).  Only the writer (or, unthreaded, the
 * submitter) calls this, so the fd needs no lock.
 */
static size_t sink_write(struct logsink *s, const char *data, size_t len)
{
	ssize_t n;

	if (s->kind == SINK_SYSLOG)
		return sink_write_syslog(data, len);
	n = sink_write_fd(s, data, len);
	if (n <= 0)
		return 0;
	if (s->kind == SINK_FILE && sync_due(s) && fdatasync(s->fd))
		log_warn("%s: fdatasync", s->path);
	return (size_t)n;
}

static void sink_do_reopen(struct logsink *s)
{
	int fd = sink_open_file(s->path);

	if (fd < 0) {
		log_warn("%s: cannot reopen, writing on to the old file",
			 s->path);
		return;
	}
	close(s->fd);
	s->fd = fd;
}

static void sink_set_failing(struct logsink *s, bool failing)
{
	if (failing && !s->failing)
		log_warn("%s: cannot write records", s->path);
	else if (!failing && s->failing)
		log_info("%s: writing records again", s->path);
	s->failing = failing;
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

	while (!s->stop &&
	       pthread_cond_timedwait(&s->wake, &s->lock, &until) != ETIMEDOUT)
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
	if (!sink_enqueue(s, &ev))
		s->lost_pending = 0;
}

/* One round of the writer, lock held; false when it is time to stop. */
static bool sink_round(struct logsink *s, struct timespec *giveup)
{
	const char *data;
	size_t n, done;

	sink_take_reopen(s);
	if (s->lost_pending && !s->failing)
		sink_report_lost(s, now_us());
	n = ring_chunk(s, &data);
	if (!n && s->reopen_pending && s->reopen_at == s->bytes_out) {
		s->reopen_pending = false;
		pthread_mutex_unlock(&s->lock);
		sink_do_reopen(s);
		pthread_mutex_lock(&s->lock);
		return true;
	}
	if (!n) {
		if (s->stop)
			return false;
		pthread_cond_wait(&s->wake, &s->lock);
		return true;
	}
	pthread_mutex_unlock(&s->lock);
	done = sink_write(s, data, n);
	pthread_mutex_lock(&s->lock);
	ring_consume(s, done);
	sink_set_failing(s, done < n);
	if (done == n)
		return true;
	if (s->stop) {
		struct timespec now;

		clock_gettime(CLOCK_MONOTONIC, &now);
		if (!giveup->tv_sec)
			*giveup = deadline_ms(LOGSINK_CLOSE_GIVEUP_MS);
		else if (now.tv_sec > giveup->tv_sec)
			return false;
	}
	sink_pause(s, LOGSINK_RETRY_MS);
	return true;
}

static void *sink_thread(void *arg)
{
	struct logsink *s = arg;
	struct timespec giveup = {0, 0};
	uint64_t left;

	pthread_mutex_lock(&s->lock);
	while (sink_round(s, &giveup))
		;
	left = ring_lines(s);
	if (left) {
		s->lost_total += left;
		log_warnx("%s: %llu records could not be written", s->path,
			  (unsigned long long)left);
	}
	pthread_cond_broadcast(&s->drained);
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

/* ---- unthreaded: the caller writes -------------------------------------- */

static int sink_write_now(struct logsink *s, const struct record_event *ev)
{
	char last[CHAIN_HEX + 1];
	uint64_t seq;
	int len = sink_format(s, ev, &seq, last);

	if (len < 0)
		return len;
	errno = EIO;
	if (sink_write(s, s->scratch, (size_t)len) < (size_t)len) {
		int err = errno ? -errno : -EIO;

		chain_set(s->chain, seq, last);
		sink_set_failing(s, true);
		return err;
	}
	sink_set_failing(s, false);
	s->prev_next = false;
	return 0;
}

static int sink_submit_now(struct logsink *s, const struct record_event *ev)
{
	struct record_event lost;

	sink_take_reopen(s);
	if (s->reopen_pending) {
		s->reopen_pending = false;
		sink_do_reopen(s);
	}
	if (s->lost_pending) {
		lost_event(&lost, ev->ts_us, s->lost_pending);
		if (!sink_write_now(s, &lost))
			s->lost_pending = 0;
	}
	return sink_write_now(s, ev);
}

/* ---- the interface ------------------------------------------------------ */

int logsink_submit(struct logsink *s, const struct record_event *ev)
{
	int err;

	pthread_mutex_lock(&s->lock);
	if (!s->running) {
		err = sink_submit_now(s, ev);
	} else {
		sink_take_reopen(s);
		if (s->lost_pending)
			sink_report_lost(s, ev->ts_us);
		err = sink_enqueue(s, ev);
	}
	if (err)
		sink_lost(s);
	pthread_mutex_unlock(&s->lock);
	return err;
}

bool logsink_can_accept(struct logsink *s)
{
	bool ok;

	if (s->opts.on_failure == LOGSINK_OPEN)
		return true;
	pthread_mutex_lock(&s->lock);
	ok = !s->failing && (!s->running || ring_room(s) >= RECORD_MAX);
	pthread_mutex_unlock(&s->lock);
	return ok;
}

void logsink_reopen(struct logsink *s)
{
	s->reopen_req = 1;
}

int logsink_flush(struct logsink *s, int timeout_ms)
{
	struct timespec until = deadline_ms(timeout_ms);
	int err = 0;

	pthread_mutex_lock(&s->lock);
	while (s->running && !ring_empty(s) && !err)
		err = pthread_cond_timedwait(&s->drained, &s->lock, &until);
	err = ring_empty(s) && !s->failing ? 0 : -EIO;
	pthread_mutex_unlock(&s->lock);
	return err;
}

uint64_t logsink_lost(struct logsink *s)
{
	uint64_t n;

	pthread_mutex_lock(&s->lock);
	n = s->lost_total;
	pthread_mutex_unlock(&s->lock);
	return n;
}

/* ---- opening and closing ------------------------------------------------ */

/* Continue the seq and chain of the file's last record, if it has one. */
static int sink_resume(struct logsink *s)
{
	char chain[CHAIN_HEX + 1];
	struct stat st;
	uint64_t seq;
	off_t off;
	ssize_t n;
	int fd = open(s->path, O_RDONLY | O_CLOEXEC), err = 0;

	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	if (fstat(fd, &st)) {
		err = -errno;
		goto out;
	}
	off = st.st_size > RECORD_MAX ? st.st_size - RECORD_MAX : 0;
	n = pread(fd, s->scratch, sizeof(s->scratch), off);
	if (n < 0) {
		err = -errno;
		goto out;
	}
	err = logrec_tail(s->scratch, (size_t)n, &seq, chain);
	if (!err)
		chain_set(s->chain, seq, chain);
	else if (err == -ENOENT)
		err = 0;
out:
	close(fd);
	return err;
}

static int sink_target(struct logsink *s)
{
	const char *t = s->opts.target ? s->opts.target : "-";

	if (!strcmp(t, "-")) {
		s->kind = SINK_STDOUT;
		s->fd = STDOUT_FILENO;
		t = "<stdout>";
	} else if (!strcmp(t, "syslog")) {
		s->kind = SINK_SYSLOG;
	} else {
		s->kind = SINK_FILE;
	}
	s->path = strdup(t);
	if (!s->path)
		return -ENOMEM;
	if (s->kind != SINK_FILE)
		return 0;
	if (s->opts.resume) {
		int err = sink_resume(s);

		if (err)
			return err;
	}
	s->fd = sink_open_file(s->path);
	return s->fd < 0 ? -errno : 0;
}

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
	pthread_condattr_t attr;
	int err;

	s->cap = s->opts.ring_size ? s->opts.ring_size : LOGSINK_RING_DEFAULT;
	if (s->cap < LOGSINK_RING_MIN)
		s->cap = LOGSINK_RING_MIN;
	s->ring = malloc(s->cap);
	if (!s->ring)
		return -ENOMEM;
	ring_fault_in(s->ring, s->cap);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&s->wake, &attr);
	pthread_cond_init(&s->drained, &attr);
	pthread_condattr_destroy(&attr);
	err = pthread_create(&s->thread, NULL, sink_thread, s);
	if (err)
		return -err;
	s->running = true;
	return 0;
}

int logsink_start(struct logsink *s)
{
	return s->running ? 0 : sink_start(s);
}

struct logsink *logsink_open(const struct logsink_opts *opts)
{
	struct logsink *s = calloc(1, sizeof(*s));
	int err = -ENOMEM;

	if (!s)
		goto fail;
	s->opts = *opts;
	s->fd = -1;
	pthread_mutex_init(&s->lock, NULL);
	clock_gettime(CLOCK_MONOTONIC, &s->last_sync);
	s->chain = chain_new(opts->key, opts->keylen);
	if (!s->chain)
		goto fail;
	err = sink_target(s);
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
	if (s->running) {
		pthread_mutex_lock(&s->lock);
		s->stop = true;
		pthread_cond_signal(&s->wake);
		pthread_mutex_unlock(&s->lock);
		pthread_join(s->thread, NULL);
		pthread_cond_destroy(&s->wake);
		pthread_cond_destroy(&s->drained);
	}
	if (s->kind == SINK_FILE && s->fd >= 0) {
		if (s->opts.fsync != LOGSINK_FSYNC_NONE && fdatasync(s->fd))
			log_warn("%s: fdatasync", s->path);
		close(s->fd);
	}
	pthread_mutex_destroy(&s->lock);
	chain_free(s->chain);
	free(s->ring);
	free(s->path);
	free(s);
}
