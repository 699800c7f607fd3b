// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Reading verdict logs for the audit commands: every line that is not a
 * record is named and skipped, never fatal, so that one damaged line does
 * not hide the rest of a log from an auditor.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit_scan.h"
#include "log.h"
#include "logfast.h"
#include "logread.h"

static const char *scan_status(enum logread_status st)
{
	if (st == LOGREAD_PARTIAL)
		return "truncated last line (no newline)";
	if (st == LOGREAD_TOO_LONG)
		return "line too long to be a record";
	return NULL;
}

static void scan_bad(struct ascan *s, const char *file, unsigned long lineno,
		     const char *what, void *ctx)
{
	log_warnx_at(file, lineno, "%s", what);
	s->bad++;
	if (s->bad_cb)
		s->bad_cb(ctx, file, lineno, what);
}

/*
 * Lines read together: both cores parse them, then the callback sees
 * them in order.  With trees (no fast path) fewer, as each is kept until
 * its callback.
 */
#define SCAN_LINES	8192
#define SCAN_LINES_TREE 1024

struct sline {
	const char *what; /* NULL, or why the line is not a record */
	struct logrec rec;
	struct arec a;
	char err[200];
};

struct sbatch {
	struct ascan *s;
	struct lspan spans[SCAN_LINES];
	struct sline lines[SCAN_LINES];
	char *scratch; /* the fast path's strings: the lines' bytes and more */
};

/* The record on line i: the fast path when it can, else jansson. */
static void sbatch_line(void *ctx, size_t i, int half)
{
	struct sbatch *b = ctx;
	const struct lspan *sp = &b->spans[i];
	struct sline *l = &b->lines[i];
	char *scratch = b->scratch + (sp->p - b->spans[0].p) + 64 * i;
	struct logfast f;

	(void)half;
	l->rec.root = NULL;
	l->what = scan_status(sp->st);
	if (l->what)
		return;
	if (b->s->fast && !logfast_parse(&f, sp->p, sp->len) &&
	    !logread_rec_fast(&l->rec, &f, sp->p, sp->len)) {
		if (audit_rec_from_fast(&l->a, &l->rec, &f, scratch, l->err,
					sizeof(l->err)))
			l->what = l->err;
		return;
	}
	if (logread_rec_parse(&l->rec, sp->p, sp->len, l->err,
			      sizeof(l->err)) ||
	    audit_rec_from(&l->a, &l->rec, l->err, sizeof(l->err)))
		l->what = l->err;
}

/* The batch in order: what the first non-zero callback returned, or 0. */
static int sbatch_run(struct sbatch *b, size_t n, const char *file, arec_cb cb,
		      void *ctx)
{
	struct ascan *s = b->s;
	size_t i;
	int ret = 0;

	logread_parallel(n, sbatch_line, b);
	for (i = 0; i < n; i++) {
		struct sline *l = &b->lines[i];

		if (!ret) {
			s->lines++;
			if (l->what) {
				scan_bad(s, file, b->spans[i].lineno, l->what,
					 ctx);
			} else if (s->all || l->a.verdict_rec) {
				l->a.line = b->spans[i].p;
				l->a.len = b->spans[i].len;
				l->a.file = file;
				l->a.lineno = b->spans[i].lineno;
				ret = cb(ctx, &l->a);
			}
		}
		logread_rec_clear(&l->rec);
	}
	return ret;
}

static int scan_file(struct ascan *s, struct sbatch *b, const char *path,
		     arec_cb cb, void *ctx)
{
	struct logread *lr = logread_open(path);
	size_t n, max = s->fast ? SCAN_LINES : SCAN_LINES_TREE;
	enum logread_status st;
	char err[128];
	int ret = 0;

	if (!lr) {
		log_warn("%s", path);
		s->unreadable++;
		return 0;
	}
	s->files++;
	while (!ret &&
	       (st = logread_batch(lr, b->spans, max, &n)) == LOGREAD_LINE)
		ret = sbatch_run(b, n, logread_name(lr), cb, ctx);
	if (!ret && st == LOGREAD_ERROR) {
		snprintf(err, sizeof(err), "read error after this line: %s",
			 strerror(errno));
		scan_bad(s, logread_name(lr), logread_lineno(lr), err, ctx);
	}
	logread_close(lr);
	return ret;
}

int audit_scan_run(struct ascan *s, char *const *paths, int n, arec_cb cb,
		   void *ctx)
{
	struct sbatch *b = calloc(1, sizeof(*b));
	int i, ret = 0;

	if (!b)
		return -ENOMEM;
	b->s = s;
	/* a batch lies in the reader's buffer; 64 more bytes a line */
	b->scratch = s->fast ? malloc(LOGREAD_BUF + 64 * SCAN_LINES) : NULL;
	if (!b->scratch)
		s->fast = false; /* the slow path needs no scratch */
	for (i = 0; i < n && !ret; i++)
		ret = scan_file(s, b, paths[i], cb, ctx);
	free(b->scratch);
	free(b);
	return ret;
}

int audit_scan_status(const struct ascan *s)
{
	if (s->bad)
		log_warnx("%lu of %lu lines skipped: not records", s->bad,
			  s->lines);
	return s->unreadable ? 2 : 0;
}
