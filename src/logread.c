// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Reading verdict logs back: lines from plain, gzip or standard input, and
 * the parse of one line into the fields the chain needs.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "logfast.h"
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

struct lpar {
	void (*fn)(void *ctx, size_t i, int half);
	void *ctx;
	size_t from, to;
	int half;
};

static void *logread_half(void *arg)
{
	struct lpar *p = arg;
	size_t i;

	for (i = p->from; i < p->to; i++)
		p->fn(p->ctx, i, p->half);
	return NULL;
}

void logread_parallel(size_t n, void (*fn)(void *ctx, size_t i, int half),
		      void *ctx)
{
	struct lpar here = {fn, ctx, 0, n, 0}, there = {fn, ctx, n / 2, n, 1};
	pthread_t t;

	/* a thread costs tens of microseconds: worth it for many lines */
	if (n >= 512 && !pthread_create(&t, NULL, logread_half, &there)) {
		here.to = n / 2;
		logread_half(&here);
		pthread_join(t, NULL);
		return;
	}
	logread_half(&here);
}

/*
 * The pool: one helper thread, woken per batch.  Lines are handed out in
 * chunks under the mutex, tagged with the batch's generation, so that a
 * helper late to a batch takes nothing from the next.
 */
#define LPOOL_CHUNK 256

struct logread_pool {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t t;
	bool thread, quit;
	void (*fn)(void *ctx, size_t i, int half);
	void *ctx;
	size_t n, next, done; /* lines in the batch, handed out, finished */
	unsigned long gen;
};

/* Finish k lines, then take the next chunk of batch gen: false if none.
 * Called with mu held. */
static bool lpool_claim(struct logread_pool *p, unsigned long gen, size_t k,
			size_t *from, size_t *to)
{
	p->done += k;
	if (k && p->done == p->n)
		pthread_cond_broadcast(&p->cv);
	if (p->gen != gen || p->next >= p->n)
		return false;
	*from = p->next;
	p->next = p->n - p->next > LPOOL_CHUNK ? p->next + LPOOL_CHUNK : p->n;
	*to = p->next;
	return true;
}

/* Chunks of batch gen until none is left (mu held on entry and exit). */
static void lpool_work(struct logread_pool *p, unsigned long gen, int half)
{
	size_t from, to, k = 0;

	while (lpool_claim(p, gen, k, &from, &to)) {
		void (*fn)(void *ctx, size_t i, int half) = p->fn;
		void *ctx = p->ctx;

		pthread_mutex_unlock(&p->mu);
		for (k = from; k < to; k++)
			fn(ctx, k, half);
		k = to - from;
		pthread_mutex_lock(&p->mu);
	}
}

static void *lpool_main(void *arg)
{
	struct logread_pool *p = arg;
	unsigned long seen = 0;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (p->gen == seen && !p->quit)
			pthread_cond_wait(&p->cv, &p->mu);
		if (p->quit)
			break;
		seen = p->gen;
		lpool_work(p, seen, 1);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

struct logread_pool *logread_pool_new(void)
{
	struct logread_pool *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	/* without the thread, logread_pool_finish() does all the work */
	p->thread = !pthread_create(&p->t, NULL, lpool_main, p);
	return p;
}

void logread_pool_start(struct logread_pool *p,
			void (*fn)(void *ctx, size_t i, int half), void *ctx,
			size_t n)
{
	pthread_mutex_lock(&p->mu);
	p->fn = fn;
	p->ctx = ctx;
	p->n = n;
	p->next = p->done = 0;
	p->gen++;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

void logread_pool_finish(struct logread_pool *p)
{
	pthread_mutex_lock(&p->mu);
	lpool_work(p, p->gen, 0);
	while (p->done < p->n)
		pthread_cond_wait(&p->cv, &p->mu);
	p->n = p->done = 0;
	pthread_mutex_unlock(&p->mu);
}

void logread_pool_free(struct logread_pool *p)
{
	if (!p)
		return;
	if (p->thread) {
		pthread_mutex_lock(&p->mu);
		p->quit = true;
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
		pthread_join(p->t, NULL);
	}
	pthread_cond_destroy(&p->cv);
	pthread_mutex_destroy(&p->mu);
	free(p);
}

const char *logread_name(const struct logread *lr)
{
	return lr->name;
}

unsigned long logread_lineno(const struct logread *lr)
{
	return lr->lineno;
}

#ifndef __SSE2__
static const uint8_t hex_tab[256] = {
	['0' ... '9'] = 1,
	['a' ... 'f'] = 1,
};
#endif

#ifdef __SSE2__
/* 16 bytes at a time: each in '0'..'9' or 'a'..'f' (signed compares:
 * bytes over 0x7f are negative, in neither range). */
static bool is_hex64(const char *s)
{
	const __m128i d0 = _mm_set1_epi8('0' - 1), d9 = _mm_set1_epi8('9' + 1);
	const __m128i a = _mm_set1_epi8('a' - 1), f = _mm_set1_epi8('f' + 1);
	__m128i v, ok = _mm_set1_epi8(-1);
	int i;

	for (i = 0; i < CHAIN_HEX; i += 16) {
		v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
		ok = _mm_and_si128(
			ok, _mm_or_si128(_mm_and_si128(_mm_cmpgt_epi8(v, d0),
						       _mm_cmplt_epi8(v, d9)),
					 _mm_and_si128(_mm_cmpgt_epi8(v, a),
						       _mm_cmplt_epi8(v, f))));
	}
	return _mm_movemask_epi8(ok) == 0xffff;
}
#else
static bool is_hex64(const char *s)
{
	unsigned ok = 1;
	int i;

	for (i = 0; i < CHAIN_HEX; i++)
		ok &= hex_tab[(unsigned char)s[i]];
	return ok;
}
#endif

/* The line must end in ,"chain":"<hex>"}: the chain covers all before. */
static bool logrec_suffix(const char *line, size_t len)
{
	const char *s;

	if (len < CHAIN_SUFFIX_LEN - 1)
		return false;
	s = line + len - (CHAIN_SUFFIX_LEN - 1);
	return !memcmp(s, ",\"chain\":\"", 10) && is_hex64(s + 10) &&
	       !memcmp(s + 10 + CHAIN_HEX, "\"}", 2);
}

static uint64_t jcount(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	return json_is_integer(v) && json_integer_value(v) > 0
		       ? (uint64_t)json_integer_value(v)
		       : 0;
}

/* The event type and, for a gap, what it lost: what verify reads. */
static void logrec_event(struct logrec *rec)
{
	json_t *type = json_object_get(rec->root, "event_type");
	const char *what =
		json_string_value(json_object_get(rec->root, "lost"));

	if (json_is_string(type) &&
	    json_string_length(type) < sizeof(rec->event_type))
		strcpy(rec->event_type, json_string_value(type));
	if (!strcmp(rec->event_type, "error"))
		rec->lost_records = jcount(rec->root, "lost_records");
	if (strcmp(rec->event_type, "lost"))
		return;
	if (what && !strcmp(what, "records"))
		rec->lost_records = jcount(rec->root, "count");
	else
		rec->lost_packets = jcount(rec->root, "count");
}

static int logrec_fields(struct logrec *rec, char *err, size_t errlen)
{
	json_t *seq = json_object_get(rec->root, "seq");
	json_t *prev = json_object_get(rec->root, "prev_chain");
	const char *chain =
		json_string_value(json_object_get(rec->root, "chain"));

	if (!json_is_integer(seq) || json_integer_value(seq) < 1) {
		snprintf(err, errlen, "no \"seq\" (a positive integer)");
		return -EBADMSG;
	}
	if (!chain || strlen(chain) != CHAIN_HEX || !is_hex64(chain)) {
		snprintf(err, errlen, "bad \"chain\" field");
		return -EBADMSG;
	}
	if (prev &&
	    (!json_is_string(prev) || json_string_length(prev) != CHAIN_HEX ||
	     !is_hex64(json_string_value(prev)))) {
		snprintf(err, errlen, "bad \"prev_chain\" field");
		return -EBADMSG;
	}
	rec->seq = (uint64_t)json_integer_value(seq);
	logrec_event(rec);
	memcpy(rec->chain, chain, sizeof(rec->chain));
	if (prev)
		memcpy(rec->prev_chain, json_string_value(prev),
		       sizeof(rec->prev_chain));
	return 0;
}

int logread_rec_parse(struct logrec *rec, const char *line, size_t len,
		      char *err, size_t errlen)
{
	json_error_t jerr;

	memset(rec, 0, sizeof(*rec));
	rec->root = json_loadb(line, len,
			       JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &jerr);
	if (!rec->root) {
		snprintf(err, errlen, "invalid JSON at column %d: %s",
			 jerr.column, jerr.text);
		return -EBADMSG;
	}
	if (!json_is_object(rec->root)) {
		snprintf(err, errlen, "not a JSON object");
		goto bad;
	}
	if (!logrec_suffix(line, len)) {
		snprintf(err, errlen, "does not end with the \"chain\" field");
		goto bad;
	}
	if (logrec_fields(rec, err, errlen))
		goto bad;
	rec->body_len = len - (CHAIN_SUFFIX_LEN - 1);
	return 0;
bad:
	logread_rec_clear(rec);
	return -EBADMSG;
}

static bool fast_hex64(const struct lf_val *v)
{
	return v->type == LF_STR && v->len == CHAIN_HEX && is_hex64(v->p);
}

static uint64_t fast_count(const struct lf_val *v)
{
	return v->type == LF_INT && v->num > 0 ? (uint64_t)v->num : 0;
}

/* As logrec_event(), from the fast path's fields. */
static void logrec_fast_event(struct logrec *rec, const struct logfast *f)
{
	const struct lf_val *type = &f->v[LFK_EVENT_TYPE];
	const struct lf_val *what = &f->v[LFK_LOST];

	if (type->type == LF_STR && type->len < sizeof(rec->event_type)) {
		memcpy(rec->event_type, type->p, type->len);
		rec->event_type[type->len] = '\0';
	}
	if (!strcmp(rec->event_type, "error"))
		rec->lost_records = fast_count(&f->v[LFK_LOST_RECORDS]);
	if (strcmp(rec->event_type, "lost"))
		return;
	if (what->type == LF_STR && what->len == 7 &&
	    !memcmp(what->p, "records", 7))
		rec->lost_records = fast_count(&f->v[LFK_COUNT]);
	else
		rec->lost_packets = fast_count(&f->v[LFK_COUNT]);
}

int logread_rec_fast(struct logrec *rec, const struct logfast *f,
		     const char *line, size_t len)
{
	const struct lf_val *seq = &f->v[LFK_SEQ];
	const struct lf_val *prev = &f->v[LFK_PREV_CHAIN];

	memset(rec, 0, sizeof(*rec));
	/* the suffix is the chain field, its digest checked there */
	if (!logrec_suffix(line, len) || seq->type != LF_INT || seq->num < 1 ||
	    f->v[LFK_CHAIN].type != LF_STR ||
	    f->v[LFK_CHAIN].len != CHAIN_HEX ||
	    (prev->type != LF_ABSENT && !fast_hex64(prev)))
		return -EAGAIN;
	rec->seq = (uint64_t)seq->num;
	memcpy(rec->chain, f->v[LFK_CHAIN].p, CHAIN_HEX);
	if (prev->type != LF_ABSENT)
		memcpy(rec->prev_chain, prev->p, CHAIN_HEX);
	logrec_fast_event(rec, f);
	rec->body_len = len - (CHAIN_SUFFIX_LEN - 1);
	return 0;
}

const char *logread_rec_claim(const char *line, size_t len)
{
	if (!logrec_suffix(line, len))
		return NULL;
	return line + len - (CHAIN_SUFFIX_LEN - 1) + 10;
}

void logread_rec_clear(struct logrec *rec)
{
	json_decref(rec->root);
	rec->root = NULL;
}

int logread_rec_tail(const char *tail, size_t len, uint64_t *seq,
		     char chain[CHAIN_HEX + 1])
{
	struct logrec rec;
	const char *start;
	char err[128];
	size_t end;

	if (!len)
		return -ENOENT;
	if (tail[len - 1] != '\n')
		return -EBADMSG;
	end = len - 1;
	start = tail + end;
	while (start > tail && start[-1] != '\n')
		start--;
	if (logread_rec_parse(&rec, start, (size_t)(tail + end - start), err,
			      sizeof(err)))
		return -EBADMSG;
	*seq = rec.seq;
	memcpy(chain, rec.chain, CHAIN_HEX + 1);
	logread_rec_clear(&rec);
	return 0;
}
