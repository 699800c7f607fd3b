// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Replay's record stream on two cores.  Judging a packet needs the engine
 * and the flow tables, in packet order; formatting its record and
 * digesting the chain need only the record and the digest before it.  The
 * caller copies each verdict record's fields into a ring of blocks; the
 * thread formats them, seals them (chain_seal(), one after the other, in
 * order) and writes them in large write(2)s.  A record the thread could
 * not format for certain (one with a process identity, long strings, a
 * timestamp out of range) the caller formats itself, as before.  The
 * blocks go round in order and the chain is the thread's alone, so the
 * output is the same bytes whatever the timing.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chain.h"
#include "flow.h"
#include "record.h"
#include "replay_out.h"
#include "timefmt.h"
#include "writer.h"

/* A block leaves once it holds this much; RECORD_MAX more always fit. */
#define OUT_BLOCK_FLUSH (256 * 1024)
/* Blocks in the ring: the caller runs this far ahead of the thread. */
#define OUT_BLOCKS 4
/* A record's strings the thread takes, together at most: escaped six
 * times over they still leave a record far below RECORD_MAX. */
#define OUT_STRINGS_MAX 1024

/* The strings of a verdict record, in this order after its fields. */
enum { S_RULE, S_REASON, S_HINT, S_CID, S_NAME, S__MAX };
#define S_NULL UINT16_MAX

/*
 * One record in a block: a verdict record's fields, its strings after
 * them (each with its NUL); or, with body set, a body the caller
 * formatted itself.  size: the entry's bytes, a multiple of 8.
 */
struct out_entry {
	uint32_t size;
	bool body;
	bool enforced;
	uint8_t verdict;
	uint8_t attribution;
	int64_t ts_us;
	struct flow flow;
	const struct communityid *community_hasher;
	unsigned rule_line;
	uint32_t body_len;
	uint16_t len[S__MAX]; /* S_NULL: NULL */
};

struct out_block {
	char *buf;
	size_t len;
};

struct replay_out {
	struct writer w;     /* w.wake: a block was handed over, or stop */
	pthread_cond_t room; /* a block came back */
	/* under w.lock: blocks handed over and blocks written, so far */
	uint64_t submitted, done;
	int err; /* under w.lock: the thread's first failure */
	/* the caller's */
	uint64_t seq;
	int fmt_err; /* a record that could not be formatted */
	bool failed; /* the thread has reported a failure */
	/* the thread's: the chain, and lines on their way out */
	struct chain *chain;
	int fd;
	char *line;
	size_t line_len;
	struct out_block blk[OUT_BLOCKS];
};

static int write_all(int fd, const char *p, size_t len)
{
	ssize_t n;

	while (len) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? errno : EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The entry's fields as the record they were copied from. */
static void entry_event(const struct out_entry *e, struct record_verdict *rv,
			struct record_event *ev)
{
	const char *s = (const char *)(e + 1), *str[S__MAX];
	int i;

	for (i = 0; i < S__MAX; i++) {
		str[i] = e->len[i] == S_NULL ? NULL : s;
		if (str[i])
			s += e->len[i] + 1;
	}
	*rv = (struct record_verdict){
		.flow = &e->flow,
		.verdict = (enum verdict)e->verdict,
		.enforced = e->enforced,
		.rule = str[S_RULE],
		.rule_line = e->rule_line,
		.reason = str[S_REASON],
		.hint = str[S_HINT],
		.community_id = str[S_CID],
		.community_hasher = e->community_hasher,
		.dest_name = str[S_NAME],
		.attribution = (enum attribution)e->attribution,
	};
	*ev = (struct record_event){
		.type = RECORD_VERDICT, .ts_us = e->ts_us, .verdict = rv};
}

/* The entry's body, formatted, at line + line_len: its length or -errno. */
static int entry_body(struct replay_out *out, const struct out_entry *e,
		      uint64_t seq)
{
	char *at = out->line + out->line_len;
	size_t cap = RECORD_MAX - CHAIN_SUFFIX_LEN;
	struct record_verdict rv;
	struct record_event ev;

	if (e->body) {
		memcpy(at, e + 1, e->body_len);
		return (int)e->body_len;
	}
	entry_event(e, &rv, &ev);
	return record_format(at, cap, seq, NULL, &ev);
}

/* Format, seal and write what the block holds: 0 or an errno. */
static int seal_block(struct replay_out *out, const struct out_block *b)
{
	const struct out_entry *e;
	size_t off = 0;
	int n, err;

	for (; off < b->len; off += e->size) {
		e = (const struct out_entry *)(b->buf + off);
		n = entry_body(out, e, chain_seq(out->chain) + 1);
		/* the caller made sure that it fits */
		if (n >= 0)
			n = chain_seal(out->chain, out->line + out->line_len,
				       (size_t)n, RECORD_MAX);
		if (n < 0)
			return -n;
		out->line_len += (size_t)n;
		if (out->line_len < OUT_BLOCK_FLUSH)
			continue;
		err = write_all(out->fd, out->line, out->line_len);
		out->line_len = 0;
		if (err)
			return err;
	}
	return 0;
}

/*
 * The thread: blocks in the order they were handed over.  After a failure
 * nothing more is written (a chain with a hole would not verify), but the
 * blocks still come back, so that the caller never waits for ever.
 */
static void *out_thread(void *arg)
{
	struct replay_out *out = arg;
	struct out_block *b;
	int err = 0;

	pthread_mutex_lock(&out->w.lock);
	for (;;) {
		while (out->done == out->submitted && !out->w.stop)
			pthread_cond_wait(&out->w.wake, &out->w.lock);
		if (out->done == out->submitted)
			break;
		b = &out->blk[out->done % OUT_BLOCKS];
		pthread_mutex_unlock(&out->w.lock);
		if (!err)
			err = seal_block(out, b);
		pthread_mutex_lock(&out->w.lock);
		if (err && !out->err)
			out->err = err;
		out->done++;
		pthread_cond_signal(&out->room);
	}
	pthread_mutex_unlock(&out->w.lock);
	if (!err && out->line_len)
		err = write_all(out->fd, out->line, out->line_len);
	if (err && !out->err)
		out->err = err;
	return NULL;
}

static struct out_block *current(struct replay_out *out)
{
	return &out->blk[out->submitted % OUT_BLOCKS];
}

/* Hand the current block to the thread and wait until the next is free. */
static void hand_over(struct replay_out *out)
{
	pthread_mutex_lock(&out->w.lock);
	out->submitted++;
	pthread_cond_signal(&out->w.wake);
	while (out->submitted - out->done == OUT_BLOCKS)
		pthread_cond_wait(&out->room, &out->w.lock);
	out->failed = out->err != 0;
	pthread_mutex_unlock(&out->w.lock);
	current(out)->len = 0;
}

/*
 * The strings' lengths into e->len, when the thread can format the record
 * for certain: without a process identity, with short strings and a
 * timestamp the records can write.  Returns their bytes, or -1.
 */
static long entry_strings(const struct record_event *ev, struct out_entry *e,
			  const char **str)
{
	const struct record_verdict *v = ev->verdict;
	size_t n, total = 0;
	int i;

	if (ev->type != RECORD_VERDICT || !v || !v->flow || v->proc ||
	    v->live || !verdict_str(v->verdict) ||
	    !attribution_str(v->attribution) || !timefmt_in_range(ev->ts_us))
		return -1;
	str[S_RULE] = v->rule;
	str[S_REASON] = v->reason;
	str[S_HINT] = v->hint;
	str[S_CID] = v->community_id;
	str[S_NAME] = v->dest_name;
	for (i = 0; i < S__MAX; i++) {
		e->len[i] = S_NULL;
		if (!str[i])
			continue;
		n = strlen(str[i]);
		if (n > OUT_STRINGS_MAX - total)
			return -1;
		e->len[i] = (uint16_t)n;
		total += n + 1;
	}
	return (long)total;
}

/* The record's fields into b as an entry: false when it cannot go so. */
static bool put_fields(struct out_block *b, const struct record_event *ev)
{
	struct out_entry *e = (struct out_entry *)(b->buf + b->len);
	const char *str[S__MAX];
	long n = entry_strings(ev, e, str);
	char *p = (char *)(e + 1);
	int i;

	if (n < 0)
		return false;
	e->body = false;
	e->enforced = ev->verdict->enforced;
	e->verdict = (uint8_t)ev->verdict->verdict;
	e->attribution = (uint8_t)ev->verdict->attribution;
	e->ts_us = ev->ts_us;
	e->flow = *ev->verdict->flow;
	e->rule_line = ev->verdict->rule_line;
	e->community_hasher = ev->verdict->community_hasher;
	for (i = 0; i < S__MAX; i++)
		if (str[i]) {
			memcpy(p, str[i], (size_t)e->len[i] + 1);
			p += e->len[i] + 1;
		}
	e->size = (uint32_t)((sizeof(*e) + (size_t)n + 7) & ~(size_t)7);
	b->len += e->size;
	return true;
}

/* The body formatted here, as record_emit() would: 0 or -errno. */
static int put_body(struct replay_out *out, struct out_block *b,
		    const struct record_event *ev)
{
	struct out_entry *e = (struct out_entry *)(b->buf + b->len);
	int n;

	/* Room for the chain field within RECORD_MAX, as record_emit()
	 * leaves: the same records fit, the same are refused. */
	n = record_format((char *)(e + 1), RECORD_MAX - CHAIN_SUFFIX_LEN,
			  out->seq + 1, NULL, ev);
	if (n < 0)
		return n;
	e->body = true;
	e->body_len = (uint32_t)n;
	e->size = (uint32_t)((sizeof(*e) + (size_t)n + 7) & ~(size_t)7);
	b->len += e->size;
	return 0;
}

int replay_out_emit(struct replay_out *out, const struct record_event *ev)
{
	struct out_block *b = current(out);
	int err = 0;

	if (out->failed)
		return -EIO;
	if (!put_fields(b, ev))
		err = put_body(out, b, ev);
	if (err) {
		out->fmt_err = -err;
		return err;
	}
	out->seq++;
	if (b->len >= OUT_BLOCK_FLUSH)
		hand_over(out);
	return 0;
}

static void out_free(struct replay_out *out)
{
	int i;

	for (i = 0; i < OUT_BLOCKS; i++)
		free(out->blk[i].buf);
	free(out->line);
	chain_free(out->chain);
	pthread_cond_destroy(&out->room);
	writer_destroy(&out->w);
	free(out);
}

/* Every block holds what is left below the mark, and one record more. */
#define OUT_BUF_SIZE (OUT_BLOCK_FLUSH + sizeof(struct out_entry) + RECORD_MAX)

struct replay_out *replay_out_open(int fd)
{
	struct replay_out *out = calloc(1, sizeof(*out));
	int i, err = ENOMEM;

	if (!out)
		goto fail;
	writer_init(&out->w);
	pthread_cond_init(&out->room, NULL);
	out->fd = fd;
	out->chain = chain_new(NULL, 0);
	out->line = malloc(OUT_BLOCK_FLUSH + RECORD_MAX);
	for (i = 0; i < OUT_BLOCKS; i++) {
		out->blk[i].buf = malloc(OUT_BUF_SIZE); /* entries: 8-aligned */
		if (!out->blk[i].buf)
			goto fail;
	}
	if (!out->chain || !out->line)
		goto fail;
	err = -writer_start(&out->w, out_thread, out);
	if (err)
		goto fail;
	return out;
fail:
	if (out)
		out_free(out);
	if (fd > STDOUT_FILENO)
		close(fd);
	errno = err;
	return NULL;
}

int replay_out_close(struct replay_out *out)
{
	int err;

	if (!out)
		return 0;
	if (current(out)->len)
		hand_over(out);
	writer_stop(&out->w);
	err = out->fmt_err ? out->fmt_err : out->err;
	if (out->fd > STDOUT_FILENO && close(out->fd) && !err)
		err = errno;
	out_free(out);
	return err;
}
