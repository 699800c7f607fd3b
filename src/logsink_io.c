// SPDX-License-Identifier: GPL-2.0-or-later
/* The sink's system side: opening, writing, syncing, resuming. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "chain.h"
#include "log.h"
#include "logread.h"
#include "logsink_int.h"

static int sink_open_file(const char *path)
{
	return open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
}

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
size_t logsink_io_write(struct logsink *s, const char *data, size_t len)
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

void logsink_io_reopen(struct logsink *s)
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

void logsink_io_set_failing(struct logsink *s, bool failing)
{
	if (failing && !s->failing)
		log_warn("%s: cannot write records", s->path);
	else if (!failing && s->failing)
		log_info("%s: writing records again", s->path);
	s->failing = failing;
}

/*
 * Continue the seq and chain of the file's last record, if it has one.
 * XXX a log rotated away while nfjudge was stopped leaves an empty file:
 * the chain then starts again at seq 1, and verifying the old and new
 * files together reports the restart.
 */
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
	err = logread_rec_tail(s->scratch, (size_t)n, &seq, chain);
	if (!err)
		chain_set(s->chain, seq, chain);
	else if (err == -ENOENT)
		err = 0;
out:
	close(fd);
	return err;
}

int logsink_io_target(struct logsink *s)
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
