// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Reading verdict logs back: lines from plain, gzip or standard input.
 * The parse of a line is in logread_rec.c, the threads that parse a batch
 * in logread_pool.c.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "logread.h"

/*
 * Lines are returned where they lie in buf, which a read fills in large
 * blocks: no copy per line.  Plain files are read with read(2); gzip and
 * standard input through zlib (which passes plain data through).
 */

struct logread {
	gzFile gz; /* NULL: plain file, read from fd */
	int fd;
	const char *name;
	unsigned long lineno;
	bool eof;
	int err;	 /* the read error that ended the data, or 0 */
	size_t pos, len; /* unread bytes of buf */
	char *buf;	 /* mem, or after logread_keep() either half of it */
	char *alt;	 /* logread_keep(): the half buf is not, else NULL */
	bool swapped;	 /* this call has moved to alt already */
	char *mem;
};

/* A regular file that does not start with the gzip magic is read raw. */
static bool logread_plain(int fd)
{
	unsigned char magic[2];
	struct stat st;

	if (fstat(fd, &st) || !S_ISREG(st.st_mode))
		return false;
	return pread(fd, magic, 2, 0) != 2 || magic[0] != 0x1f ||
	       magic[1] != 0x8b;
}

struct logread *logread_open(const char *path)
{
	bool in = !strcmp(path, "-");
	struct logread *lr = calloc(1, sizeof(*lr));
	int fd = in ? dup(STDIN_FILENO) : open(path, O_RDONLY | O_CLOEXEC);
	int saved;

	if (!lr || fd < 0 || !(lr->buf = lr->mem = malloc(LOGREAD_BUF)))
		goto fail;
	lr->gz = NULL;
	lr->fd = -1;
	if (logread_plain(fd))
		lr->fd = fd;
	else if (!(lr->gz = gzdopen(fd, "rb"))) /* plain data passes */
		goto fail;
	fd = -1;
	lr->name = in ? "<stdin>" : path;
	lr->lineno = 0;
	lr->eof = false;
	lr->err = 0;
	lr->pos = lr->len = 0;
	return lr;
fail:
	saved = errno ? errno : ENOMEM;
	if (fd >= 0)
		close(fd);
	if (lr)
		free(lr->mem);
	free(lr);
	errno = saved;
	return NULL;
}

int logread_keep(struct logread *lr)
{
	char *mem;

	if (lr->alt)
		return 0;
	mem = realloc(lr->mem, 2 * (size_t)LOGREAD_BUF);
	if (!mem)
		return -ENOMEM;
	/* realloc moved the unread bytes with the rest */
	lr->mem = lr->buf = mem;
	lr->alt = mem + LOGREAD_BUF;
	return 0;
}

void logread_close(struct logread *lr)
{
	if (!lr)
		return;
	if (lr->gz)
		gzclose(lr->gz);
	if (lr->fd >= 0)
		close(lr->fd);
	free(lr->mem);
	free(lr);
}

/* Up to n bytes into p: the count, 0 at the end, -1 with errno. */
static ssize_t logread_raw(struct logread *lr, char *p, size_t n)
{
	ssize_t r;
	int zerr;

	if (!lr->gz) {
		do
			r = read(lr->fd, p, n);
		while (r < 0 && errno == EINTR);
		return r;
	}
	r = gzread(lr->gz, p, n > INT32_MAX ? INT32_MAX : (unsigned)n);
	if (r > 0)
		return r;
	gzerror(lr->gz, &zerr);
	if (r == 0 && zerr == Z_OK)
		return 0;
	errno = zerr == Z_ERRNO && errno ? errno : EIO;
	return -1;
}

/*
 * Make room and read more after the unread bytes; false at the end or on
 * error (errno set, or 0 at the end).
 */
static bool logread_fill(struct logread *lr)
{
	ssize_t n;

	if (lr->eof) {
		errno = lr->err;
		return false;
	}
	if (lr->alt && !lr->swapped) {
		/* the lines of the batch before stay where they are */
		char *old = lr->buf;

		memcpy(lr->alt, old + lr->pos, lr->len - lr->pos);
		lr->buf = lr->alt;
		lr->alt = old;
		lr->swapped = true;
		lr->len -= lr->pos;
		lr->pos = 0;
	} else if (lr->pos) {
		memmove(lr->buf, lr->buf + lr->pos, lr->len - lr->pos);
		lr->len -= lr->pos;
		lr->pos = 0;
	}
	n = logread_raw(lr, lr->buf + lr->len, LOGREAD_BUF - lr->len);
	if (n > 0) {
		lr->len += (size_t)n;
		return true;
	}
	lr->err = n < 0 ? errno : 0;
	errno = lr->err;
	lr->eof = true;
	return false;
}

/* Past the rest of a line too long to be a record; true if one ended. */
static bool logread_skip(struct logread *lr)
{
	const char *nl;

	for (;;) {
		nl = memchr(lr->buf + lr->pos, '\n', lr->len - lr->pos);
		if (nl) {
			lr->pos = (size_t)(nl - lr->buf) + 1;
			return true;
		}
		lr->pos = lr->len = 0;
		if (!logread_fill(lr))
			return false;
	}
}

/* The end of the data: its last line, without newline, if any. */
static enum logread_status logread_end(struct logread *lr, const char **line,
				       size_t *len)
{
	if (errno)
		return LOGREAD_ERROR;
	if (lr->pos == lr->len)
		return LOGREAD_EOF;
	lr->lineno++;
	*line = lr->buf + lr->pos;
	*len = lr->len - lr->pos;
	lr->pos = lr->len;
	return LOGREAD_PARTIAL;
}

static enum logread_status logread_line(struct logread *lr, const char **line,
					size_t *len)
{
	const char *nl;
	size_t from = lr->pos; /* where the newline search resumes */

	*line = lr->buf + lr->pos;
	*len = 0;
	for (;;) {
		nl = memchr(lr->buf + from, '\n', lr->len - from);
		if (nl)
			break;
		if (lr->len - lr->pos > LOGREAD_LINE_MAX) {
			bool ended = logread_skip(lr);

			if (!ended && errno)
				return LOGREAD_ERROR;
			lr->lineno++;
			return LOGREAD_TOO_LONG;
		}
		from = lr->len - lr->pos;
		if (!logread_fill(lr))
			return logread_end(lr, line, len);
		from += lr->pos;
	}
	lr->lineno++;
	*line = lr->buf + lr->pos;
	*len = (size_t)(nl - *line);
	lr->pos = (size_t)(nl - lr->buf) + 1;
	if (*len > LOGREAD_LINE_MAX) {
		*len = 0;
		return LOGREAD_TOO_LONG;
	}
	return LOGREAD_LINE;
}

enum logread_status logread_next(struct logread *lr, const char **line,
				 size_t *len)
{
	lr->swapped = false;
	return logread_line(lr, line, len);
}

enum logread_status logread_batch(struct logread *lr, struct lspan *v,
				  size_t max, size_t *n)
{
	enum logread_status st;
	const char *nl, *p;

	lr->swapped = false;
	for (*n = 0; *n < max; (*n)++) {
		p = lr->buf + lr->pos;
		nl = memchr(p, '\n', lr->len - lr->pos);
		if (!nl || (size_t)(nl - p) > LOGREAD_LINE_MAX)
			break;
		v[*n] = (struct lspan){p, (size_t)(nl - p), LOGREAD_LINE,
				       ++lr->lineno};
		lr->pos = (size_t)(nl - lr->buf) + 1;
	}
	if (*n)
		return LOGREAD_LINE;
	st = logread_line(lr, &v[0].p, &v[0].len);
	if (st == LOGREAD_EOF || st == LOGREAD_ERROR)
		return st;
	v[0].st = st;
	v[0].lineno = lr->lineno;
	*n = 1;
	return LOGREAD_LINE;
}

const char *logread_name(const struct logread *lr)
{
	return lr->name;
}

unsigned long logread_lineno(const struct logread *lr)
{
	return lr->lineno;
}
