// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nfjudge audit verify over files: lines read in batches, parsed and
 * hashed ahead on both cores, then checked in order (audit_verify.c), and
 * each chain reported.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "chain.h"
#include "exitcode.h"
#include "log.h"
#include "logfast.h"
#include "logread.h"

/* What is wrong with a line that is not a complete one, or NULL. */
static const char *verify_status(enum logread_status st)
{
	switch (st) {
	case LOGREAD_PARTIAL:
		return "truncated last line (no newline)";
	case LOGREAD_TOO_LONG:
		return "line too long to be a record";
	default:
		return NULL;
	}
}

/* A gap in what was judged or written is no break in the chain: said. */
static void verify_gap(const struct verify *v, const struct logrec *rec)
{
	if (rec->lost_packets)
		printf("%s:%lu: gap: %" PRIu64 " packet(s) never judged "
		       "(dropped by the kernel, queue or socket full)\n",
		       v->file, v->line, rec->lost_packets);
	if (rec->lost_records)
		printf("%s:%lu: gap: %" PRIu64 " record(s) could not be "
		       "written\n",
		       v->file, v->line, rec->lost_records);
}

#define VB_LINES 8192

/* One line of a batch, parsed and hashed ahead, on either core. */
struct vline {
	struct logrec rec;
	bool bad;	  /* not a record: parsed again in order, for why */
	const char *prev; /* the digest follows this claim (NULL: none) */
	char digest[CHAIN_HEX + 1];
};

/* Lines read together: both cores parse and hash them, then one checks
 * them in order against the chain. */
struct vbatch {
	struct lspan spans[VB_LINES];
	struct vline lines[VB_LINES];
	size_t n;
	struct chain **chains; /* one for each half of the pool */
	char carry[CHAIN_HEX]; /* the chain field of the line before */
	bool have_carry;
};

/* Two batches, one at work while the next is read, and the pool. */
struct vpipe {
	struct vbatch b[2];
	struct chain *chains[2];
	struct logread_pool *pool;
	char tail[CHAIN_HEX]; /* the chain field of the last line read */
	bool have_tail;
};

/* The predecessor's claimed digest: the line before's chain field. */
static const char *vbatch_prev(const struct vbatch *b, size_t i)
{
	if (!i)
		return b->have_carry ? b->carry : NULL;
	if (b->spans[i - 1].st != LOGREAD_LINE)
		return NULL;
	return logread_rec_claim(b->spans[i - 1].p, b->spans[i - 1].len);
}

/* Parse line i and hash it after its predecessor's claim: no state. */
static void vbatch_line(void *ctx, size_t i, int half)
{
	struct vbatch *b = ctx;
	const struct lspan *s = &b->spans[i];
	struct vline *l = &b->lines[i];
	const char *prev = vbatch_prev(b, i);
	struct logfast f;
	char err[8]; /* the message is made again in order */

	l->prev = NULL;
	l->bad = false;
	if (s->st != LOGREAD_LINE)
		return;
	if ((logfast_parse(&f, s->p, s->len) ||
	     logread_rec_fast(&l->rec, &f, s->p, s->len)) &&
	    logread_rec_parse(&l->rec, s->p, s->len, err, sizeof(err))) {
		l->bad = true;
		return;
	}
	logread_rec_clear(&l->rec); /* verify reads the fields only */
	if (prev && !chain_digest(b->chains[half], prev, s->p, l->rec.body_len,
				  l->digest))
		l->prev = prev;
}

/* Check line i of the batch, in order; what is wrong, or NULL. */
static const char *vbatch_check(struct verify *v, struct vbatch *b, size_t i,
				char *err, size_t errlen)
{
	const struct lspan *s = &b->spans[i];
	struct vline *l = &b->lines[i];
	const char *what = verify_status(s->st);

	v->line = s->lineno;
	if (what)
		return what;
	if (l->bad) {
		if (logread_rec_parse(&l->rec, s->p, s->len, err, errlen))
			return err;
		logread_rec_clear(&l->rec);
	}
	v->pre_prev = l->prev;
	v->pre_digest = l->digest;
	if (audit_verify_record(v, &l->rec, s->p, err, errlen))
		return err;
	verify_gap(v, &l->rec);
	return NULL;
}

/* A batch, parsed and hashed, in order: 0, or 1 after naming its first
 * bad line. */
static int vbatch_run(struct verify *v, struct vbatch *b)
{
	const char *what;
	char err[256];
	size_t i;

	for (i = 0; i < b->n; i++) {
		if ((what = vbatch_check(v, b, i, err, sizeof(err)))) {
			log_warnx_at(v->file, b->spans[i].lineno, "%s", what);
			return 1;
		}
	}
	return 0;
}

/* The next lines into b, with the claim of the line before them. */
static enum logread_status vpipe_read(struct vpipe *vp, struct vbatch *b,
				      struct logread *lr)
{
	enum logread_status st = logread_batch(lr, b->spans, VB_LINES, &b->n);
	const struct lspan *last;
	const char *claim;

	if (st != LOGREAD_LINE) {
		b->n = 0;
		return st;
	}
	last = &b->spans[b->n - 1];
	b->have_carry = vp->have_tail;
	memcpy(b->carry, vp->tail, CHAIN_HEX);
	claim = last->st == LOGREAD_LINE ? logread_rec_claim(last->p, last->len)
					 : NULL;
	vp->have_tail = claim != NULL;
	if (claim)
		memcpy(vp->tail, claim, CHAIN_HEX);
	return st;
}

/*
 * Batch k + 1 is read while the pool's thread parses batch k; then this
 * thread helps finish k, hands k + 1 to the pool and checks k in order.
 * 0 intact, 1 a bad line (named), 2 unreadable.
 */
static int vpipe_file(struct verify *v, struct vpipe *vp, struct logread *lr)
{
	struct vbatch *cur = NULL, *next = &vp->b[0];
	enum logread_status st;
	int ret = 0;

	do {
		st = vpipe_read(vp, next, lr);
		if (cur)
			logread_pool_finish(vp->pool);
		if (st == LOGREAD_LINE)
			logread_pool_start(vp->pool, vbatch_line, next,
					   next->n);
		if (cur)
			ret = vbatch_run(v, cur);
		cur = next;
		next = next == &vp->b[0] ? &vp->b[1] : &vp->b[0];
	} while (!ret && st == LOGREAD_LINE);
	logread_pool_finish(vp->pool); /* the batch read after a bad line */
	if (!ret && st == LOGREAD_ERROR) {
		log_warn("%s: read error after line %lu", logread_name(lr),
			 logread_lineno(lr));
		ret = EXIT_USAGE;
	}
	return ret;
}

/* 0 intact, 1 a bad line (named), 2 unreadable. */
static int verify_file(struct verify *v, struct vpipe *vp, const char *path)
{
	struct logread *lr = logread_open(path);
	int ret;

	if (!lr || logread_keep(lr)) {
		log_warn("%s", path);
		logread_close(lr);
		return EXIT_USAGE;
	}
	v->file = logread_name(lr);
	ret = vpipe_file(v, vp, lr);
	logread_close(lr);
	return ret;
}

/* One chain's line: where it begins, how far it goes, how it is anchored. */
static void verify_report_chain(const struct verify *v, const struct vchain *c,
				bool many)
{
	if (c->trusted)
		printf("head trusted, not verified: %s:%lu: the log starts "
		       "at seq %" PRIu64 "\n",
		       c->file, c->line, c->first_seq);
	else if (c->anchored)
		printf("anchored: seq %" PRIu64 " follows --from %" PRIu64
		       ":%s\n",
		       c->first_seq, v->from_seq, v->from);
	if (many)
		printf("%s:%lu: ", c->file, c->line);
	printf("%" PRIu64 " records, seq %" PRIu64 " to %" PRIu64, c->records,
	       c->first_seq, c->seq);
	if (c->gaps)
		printf(", %" PRIu64 " gap(s): %" PRIu64 " packet(s) never "
		       "judged, %" PRIu64 " record(s) not written",
		       c->gaps, c->lost_packets, c->lost_records);
	if (many)
		printf(": intact\n");
}

static void verify_report(const struct verify *v, bool keyed)
{
	const char *alg = keyed ? "HMAC-SHA256" : "SHA-256";
	size_t i, n = audit_verify_nchains(v);
	const struct vchain *c = &v->cur;
	uint64_t records = 0;

	if (!n) {
		printf("no records\n");
		return;
	}
	for (i = 0; i < n; i++) {
		c = i < v->ndone ? &v->done[i] : &v->cur;
		verify_report_chain(v, c, n > 1);
		records += c->records;
	}
	if (n > 1)
		printf("%zu chains, %" PRIu64 " records", n, records);
	printf(": chain intact (%s)\n", alg);
	printf("to verify what follows: --from %" PRIu64 ":%s\n", c->seq,
	       v->last);
}

struct chain *audit_verify_chain(const char *keyfile)
{
	uint8_t key[CHAIN_KEY_MAX];
	int len;

	if (!keyfile)
		return chain_new(NULL, 0);
	len = chain_key_load(keyfile, key);
	if (len < 0) {
		log_warnx("%s: %s", keyfile,
			  len == -EINVAL ? "empty or longer than 1024 bytes"
					 : strerror(-len));
		return NULL;
	}
	return chain_new(key, (size_t)len);
}

int audit_verify_run(const struct audit_verify_config *c, char *const *logs,
		     int nlogs)
{
	struct verify v = {.head = c->head, .from_seq = c->from_seq};
	struct vpipe *vp = calloc(1, sizeof(*vp));
	int i, ret = EXIT_USAGE;

	memcpy(v.from, c->from, sizeof(v.from));
	if (!vp || !(vp->chains[0] = audit_verify_chain(c->keyfile)) ||
	    !(vp->chains[1] = audit_verify_chain(c->keyfile)))
		goto out;
	if (!(vp->pool = logread_pool_new())) {
		log_warn("verify");
		goto out;
	}
	vp->b[0].chains = vp->b[1].chains = vp->chains;
	v.chain = vp->chains[0]; /* this thread's: half 0 */
	ret = 0;
	for (i = 0; i < nlogs && !ret; i++)
		ret = verify_file(&v, vp, logs[i]);
	if (!ret)
		verify_report(&v, c->keyfile != NULL);
out:
	if (vp) {
		logread_pool_free(vp->pool);
		chain_free(vp->chains[0]);
		chain_free(vp->chains[1]);
	}
	free(vp);
	audit_verify_done(&v);
	return ret;
}
