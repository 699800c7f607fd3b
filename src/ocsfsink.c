// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The live OCSF stream: a ring of record lines filled by the judging
 * threads (through the verdict log's tee, in chain order) and drained by
 * a writer thread that turns each into OCSF events with the exporter that
 * `audit export` uses, so the two never disagree.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit_rec.h"
#include "export.h"
#include "log.h"
#include "logread.h"
#include "ocsfsink.h"
#include "record.h"
#include "writer.h"

/* Room for a burst of records while the writer catches up. */
#define OCSFSINK_RING (4u << 20)

struct ocsfsink {
	int fd;
	int new_fd;	 /* reopened, for the writer to take up; or -1 */
	char *target;	 /* NULL: standard output */
	struct writer w; /* the writer thread; w.lock guards the ring */
	bool failing;
	bool partial; /* the last line written is cut short */
	/* lines as a 4-byte length and the bytes, from rd, used bytes */
	char *ring;
	size_t rd, used;
	uint64_t dropped;
	uint64_t unwritten; /* events the stream did not take */
	char *line;	    /* the writer's copy of one line */
	char *out;	    /* one event, serialised */
	size_t out_cap;
	struct export_state st;
};

static void ring_copy_in(struct ocsfsink *s, size_t at, const void *src,
			 size_t n)
{
	size_t first;

	at %= OCSFSINK_RING;
	first = n < OCSFSINK_RING - at ? n : OCSFSINK_RING - at;
	memcpy(s->ring + at, src, first);
	memcpy(s->ring, (const char *)src + first, n - first);
}

static void ring_copy_out(const struct ocsfsink *s, size_t at, void *dst,
			  size_t n)
{
	size_t first;

	at %= OCSFSINK_RING;
	first = n < OCSFSINK_RING - at ? n : OCSFSINK_RING - at;
	memcpy(dst, s->ring + at, first);
	memcpy((char *)dst + first, s->ring, n - first);
}

void ocsfsink_line(void *ctx, const char *line, size_t len)
{
	struct ocsfsink *s = ctx;
	uint32_t n;

	while (len && line[len - 1] == '\n')
		len--;
	n = (uint32_t)len;
	pthread_mutex_lock(&s->w.lock);
	if (len > RECORD_MAX || OCSFSINK_RING - s->used < len + sizeof(n)) {
		s->dropped++;
	} else {
		ring_copy_in(s, s->rd + s->used, &n, sizeof(n));
		ring_copy_in(s, s->rd + s->used + sizeof(n), line, len);
		/* the writer sleeps only on an empty ring */
		if (!s->used)
			pthread_cond_signal(&s->w.wake);
		s->used += len + sizeof(n);
	}
	pthread_mutex_unlock(&s->w.lock);
}

/* Take the oldest line into s->line; its length.  With the lock held. */
static size_t ring_pop(struct ocsfsink *s)
{
	uint32_t n;

	ring_copy_out(s, s->rd, &n, sizeof(n));
	ring_copy_out(s, s->rd + sizeof(n), s->line, n);
	s->rd = (s->rd + sizeof(n) + n) % OCSFSINK_RING;
	s->used -= sizeof(n) + n;
	return n;
}

/*
 * Whether fd takes PIPE_BUF more bytes now: within a second, or at once
 * while the stream is failing, so that a reader that stopped reading (a
 * full pipe) costs the stream one second and then only its events, and
 * never blocks the daemon's stop.  A file is always ready.
 */
static bool sink_ready(struct ocsfsink *s)
{
	struct pollfd p = {.fd = s->fd, .events = POLLOUT};
	int n;

	do
		n = poll(&p, 1, s->failing ? 0 : 1000);
	while (n < 0 && errno == EINTR);
	return n == 1 && (p.revents & POLLOUT);
}

/* Pieces of at most PIPE_BUF bytes, each after sink_ready(), so that no
 * write blocks.  A line cut off is ended before the next is written. */
static int sink_write(struct ocsfsink *s, const char *p, size_t len)
{
	size_t chunk;
	ssize_t n;

	if (s->partial && sink_ready(s) && write(s->fd, "\n", 1) == 1)
		s->partial = false;
	if (s->partial)
		return -EAGAIN;
	while (len) {
		chunk = len < PIPE_BUF ? len : PIPE_BUF;
		n = sink_ready(s) ? write(s->fd, p, chunk) : -1;
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -EIO;
		s->partial = true;
		p += n;
		len -= (size_t)n;
	}
	s->partial = false;
	return 0;
}

/* One event as one line; a write error is said once, not fatal. */
static int sink_emit(void *ctx, json_t *event)
{
	struct ocsfsink *s = ctx;
	size_t n = export_dump(event, &s->out, &s->out_cap);

	json_decref(event);
	if (!n)
		return 0; /* no memory for this one: skipped */
	if (sink_write(s, s->out, n)) {
		if (!s->failing)
			log_warnx("--ocsf: the stream takes no more events; "
				  "they are dropped until it does");
		s->failing = true;
		s->unwritten++;
	} else {
		s->failing = false;
	}
	return 0;
}

/* A line the verdict log made is a record; if not, it is passed over. */
static void sink_convert(struct ocsfsink *s, size_t len)
{
	struct logrec rec = {0};
	struct arec a;
	char err[128];

	if (!logread_rec_parse(&rec, s->line, len, err, sizeof(err)) &&
	    !audit_rec_from(&a, &rec, err, sizeof(err))) {
		a.line = s->line;
		a.len = len;
		export_ocsf(&s->st, &a, sink_emit, s);
	}
	logread_rec_clear(&rec);
}

/* Convert until the ring is empty and, with wait, until told to stop. */
static void sink_drain(struct ocsfsink *s, bool wait)
{
	size_t n;

	pthread_mutex_lock(&s->w.lock);
	for (;;) {
		while (wait && !s->used && !s->w.stop)
			pthread_cond_wait(&s->w.wake, &s->w.lock);
		if (s->new_fd >= 0) {
			close(s->fd);
			s->fd = s->new_fd;
			s->new_fd = -1;
			s->partial = false;
		}
		if (!s->used)
			break;
		n = ring_pop(s);
		pthread_mutex_unlock(&s->w.lock);
		sink_convert(s, n);
		pthread_mutex_lock(&s->w.lock);
	}
	pthread_mutex_unlock(&s->w.lock);
}

static void *sink_thread(void *arg)
{
	sink_drain(arg, true);
	return NULL;
}

struct ocsfsink *ocsfsink_open(const char *target)
{
	struct ocsfsink *s = calloc(1, sizeof(*s));
	int err = ENOMEM;

	if (!s)
		return NULL;
	s->fd = -1;
	s->new_fd = -1;
	s->target = strcmp(target, "-") ? strdup(target) : NULL;
	s->ring = malloc(OCSFSINK_RING);
	s->line = malloc(RECORD_MAX);
	s->out_cap = 2 * RECORD_MAX;
	s->out = malloc(s->out_cap);
	if (!s->ring || !s->line || !s->out ||
	    (!s->target && strcmp(target, "-")))
		goto fail;
	s->fd = strcmp(target, "-")
			? open(target,
			       O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640)
			: STDOUT_FILENO;
	err = errno;
	if (s->fd < 0)
		goto fail;
	writer_init(&s->w);
	return s;
fail:
	free(s->target);
	free(s->ring);
	free(s->line);
	free(s->out);
	free(s);
	errno = err;
	return NULL;
}

int ocsfsink_start(struct ocsfsink *s)
{
	return writer_start(&s->w, sink_thread, s);
}

void ocsfsink_close(struct ocsfsink *s)
{
	if (!s)
		return;
	writer_stop(&s->w);
	sink_drain(s, false);
	if (s->dropped || s->unwritten)
		log_warnx("--ocsf: %llu records had no event and %llu events "
			  "were not taken: the stream fell behind",
			  (unsigned long long)s->dropped,
			  (unsigned long long)s->unwritten);
	if (s->fd > STDOUT_FILENO)
		close(s->fd);
	if (s->new_fd >= 0)
		close(s->new_fd);
	free(s->target);
	writer_destroy(&s->w);
	free(s->ring);
	free(s->line);
	free(s->out);
	free(s);
}

int ocsfsink_reopen(struct ocsfsink *s)
{
	int fd;

	if (!s->target)
		return 0;
	fd = open(s->target, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (fd < 0)
		return -errno;
	pthread_mutex_lock(&s->w.lock);
	if (s->new_fd >= 0)
		close(s->new_fd);
	s->new_fd = fd;
	if (!s->w.running) {
		close(s->fd);
		s->fd = fd;
		s->new_fd = -1;
	}
	pthread_cond_signal(&s->w.wake);
	pthread_mutex_unlock(&s->w.lock);
	return 0;
}

uint64_t ocsfsink_dropped(struct ocsfsink *s)
{
	uint64_t n;

	pthread_mutex_lock(&s->w.lock);
	n = s->dropped;
	pthread_mutex_unlock(&s->w.lock);
	return n;
}
