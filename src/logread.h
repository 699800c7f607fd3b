/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFJUDGE_LOGREAD_H
#define NFJUDGE_LOGREAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "chain.h"

/* The reader's buffer: a batch of lines lies within it. */
#define LOGREAD_BUF (4 * 1024 * 1024)

/* Longer lines are reported and skipped: no record comes near this. */
#define LOGREAD_LINE_MAX (1024 * 1024)

struct logread;

/*
 * A streaming line reader over a verdict log: a path, "-" for standard
 * input, plain or gzip-compressed (detected by content).  Memory is
 * bounded by LOGREAD_LINE_MAX whatever the file holds.  NULL with errno
 * set when the file cannot be opened.
 */
struct logread *logread_open(const char *path);
void logread_close(struct logread *lr);

/* What logread_next() found. */
enum logread_status {
	LOGREAD_LINE,	  /* a line ending in a newline */
	LOGREAD_PARTIAL,  /* the last line, without its newline */
	LOGREAD_TOO_LONG, /* a line over LOGREAD_LINE_MAX, skipped */
	LOGREAD_EOF,
	LOGREAD_ERROR, /* read or decompression error; errno set */
};

/*
 * The next line, without its newline, in *line (valid until the next
 * call) and *len; it may contain NUL bytes.
 */
enum logread_status logread_next(struct logread *lr, const char **line,
				 size_t *len);

/* One line of a batch: where it lies, what it is, its number. */
struct lspan {
	const char *p;
	size_t len;
	enum logread_status st; /* LINE, PARTIAL or TOO_LONG */
	unsigned long lineno;
};

/*
 * The next lines, as many as lie in the buffer now (at least one, at most
 * max), in v[0..*n): valid until the next call.  LOGREAD_LINE when there
 * are some, else LOGREAD_EOF or LOGREAD_ERROR (errno set).
 */
enum logread_status logread_batch(struct logread *lr, struct lspan *v,
				  size_t max, size_t *n);

/*
 * From now on (call it before the first batch), the lines of a batch stay
 * valid until the batch after the next one is read: the reader alternates
 * between two buffers, so that one batch can be read while the one before
 * is still at work.  0, or -ENOMEM.
 */
int logread_keep(struct logread *lr);

/*
 * A helper thread for batches of lines.  logread_pool_start() hands it
 * fn(ctx, i, 1) for i in [0, n), in chunks, and returns at once;
 * logread_pool_finish() takes the chunks left on the calling thread as
 * fn(ctx, i, 0) and returns when every line is done.  fn must touch
 * nothing but what line i owns and its half's state.  Without a thread
 * (pthread_create failed) the caller does all the work.  NULL with errno
 * on error.
 */
struct logread_pool;
struct logread_pool *logread_pool_new(void);
void logread_pool_start(struct logread_pool *p,
			void (*fn)(void *ctx, size_t i, int half), void *ctx,
			size_t n);
void logread_pool_finish(struct logread_pool *p);
void logread_pool_free(struct logread_pool *p);

/*
 * Run fn(ctx, i, half) for i in [0, n): the second half on another
 * thread when n is large enough to pay for it (half 1 there, 0 here).
 * fn must touch nothing but what line i owns.
 */
void logread_parallel(size_t n, void (*fn)(void *ctx, size_t i, int half),
		      void *ctx);

/* The name to show in messages ("-" reads as "<stdin>") and line number. */
const char *logread_name(const struct logread *lr);
unsigned long logread_lineno(const struct logread *lr);

/* One record line, parsed. */
struct logrec {
	json_t *root; /* the object; logread_rec_clear() releases it */
	uint64_t seq;
	char chain[CHAIN_HEX + 1];
	char prev_chain[CHAIN_HEX + 1]; /* "" when the record has none */
	char event_type[16]; /* "" when absent, not a string or longer */
	/* a gap: packets never judged, records never written ("lost" and
	 * "error" records); 0 for other records */
	uint64_t lost_packets, lost_records;
	size_t body_len; /* the bytes the chain digests: up to ,"chain": */
};

/*
 * Parse one line (without newline) as a chained record: a JSON object
 * with an unsigned "seq" and ending in ,"chain":"<64 lower-case hex>"}.
 * Returns 0, or -EBADMSG with a message in err.  Pure: no I/O.
 */
int logread_rec_parse(struct logrec *rec, const char *line, size_t len,
		      char *err, size_t errlen);
void logread_rec_clear(struct logrec *rec);

/*
 * The same from the fields logfast_parse() took from the line, with no
 * tree (rec->root NULL).  0, or -EAGAIN when the fast path cannot say:
 * logread_rec_parse() then decides, and names what is wrong.
 */
struct logfast;
int logread_rec_fast(struct logrec *rec, const struct logfast *f,
		     const char *line, size_t len);

/* The 64 hex digits of the line's chain field, or NULL: not a record. */
const char *logread_rec_claim(const char *line, size_t len);

/*
 * From the tail of a log (its last bytes), the seq and chain of the last
 * complete record, so that a restarted writer continues the chain.
 * Returns 0; -ENOENT when the tail holds no line at all; -EBADMSG when
 * the last line is not a record or is cut short (no newline).
 */
int logread_rec_tail(const char *tail, size_t len, uint64_t *seq,
		     char chain[CHAIN_HEX + 1]);

#endif
