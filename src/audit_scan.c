// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Reading verdict logs for the audit commands: every line that is not a
 * record is named and skipped, never fatal, so that one damaged line does
 * not hide the rest of a log from an auditor.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit_rec.h"
#include "flowfmt.h"
#include "logfast.h"
#include "logread.h"
#include "timefmt.h"

static const char *jstr(json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

static long long jint(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	return json_is_integer(v) ? json_integer_value(v) : -1;
}

/* The fields as they are in the tree; checked by arec_check(). */
static void arec_json(struct arec *a, json_t *root)
{
	json_t *proc = json_object_get(root, "proc");

	a->event_type = jstr(root, "event_type");
	a->timestamp = jstr(root, "timestamp");
	a->verdict = jstr(root, "verdict");
	a->rule = jstr(root, "rule");
	a->proto = jstr(root, "proto");
	a->direction = jstr(root, "direction");
	a->src_ip = jstr(root, "src_ip");
	a->dest_ip = jstr(root, "dest_ip");
	a->attribution = jstr(root, "attribution");
	a->ip_version = (int)jint(root, "ip_version");
	a->src_port = (long)jint(root, "src_port");
	a->dest_port = (long)jint(root, "dest_port");
	a->proc = json_is_object(proc) ? proc : NULL;
	a->has_proc = a->proc != NULL;
	a->exe = a->proc ? jstr(proc, "exe") : NULL;
	a->user = a->proc ? jstr(proc, "user") : NULL;
	a->pid = a->proc ? jint(proc, "pid") : -1;
	a->uid = a->proc ? jint(proc, "uid") : -1;
}

/* A string field of the fast path, copied with its NUL into scratch. */
static const char *fstr(const struct logfast *f, enum lf_key k, char **scratch)
{
	const struct lf_val *v = &f->v[k];
	char *s = *scratch;

	if (v->type != LF_STR)
		return NULL;
	memcpy(s, v->p, v->len);
	s[v->len] = '\0';
	*scratch += v->len + 1;
	return s;
}

static long long fint(const struct logfast *f, enum lf_key k)
{
	return f->v[k].type == LF_INT ? f->v[k].num : -1;
}

/* The same fields from the fast path; scratch holds the line's length
 * plus one byte per field. */
static void arec_fast(struct arec *a, const struct logfast *f, char *scratch)
{
	a->event_type = fstr(f, LFK_EVENT_TYPE, &scratch);
	a->timestamp = fstr(f, LFK_TIMESTAMP, &scratch);
	a->verdict = fstr(f, LFK_VERDICT, &scratch);
	a->rule = fstr(f, LFK_RULE, &scratch);
	a->proto = fstr(f, LFK_PROTO, &scratch);
	a->src_ip = fstr(f, LFK_SRC_IP, &scratch);
	a->dest_ip = fstr(f, LFK_DEST_IP, &scratch);
	a->attribution = fstr(f, LFK_ATTRIBUTION, &scratch);
	a->ip_version = (int)fint(f, LFK_IP_VERSION);
	a->src_port = (long)fint(f, LFK_SRC_PORT);
	a->dest_port = (long)fint(f, LFK_DEST_PORT);
	a->proc = NULL;
	a->has_proc = f->v[LFK_PROC].type == LF_OBJ;
	a->exe = fstr(f, LFK_PROC_EXE, &scratch);
	a->user = fstr(f, LFK_PROC_USER, &scratch);
	a->pid = fint(f, LFK_PROC_PID);
	a->uid = fint(f, LFK_PROC_UID);
}

/* The flow fields a verdict record must have; NULL when all are there. */
static const char *arec_flow(struct arec *a)
{
	uint8_t src[16];

	if (!a->verdict || !a->rule)
		return "verdict record without \"verdict\" or \"rule\"";
	if (!a->proto || (a->ip_version != 4 && a->ip_version != 6))
		return "verdict record without \"proto\" or \"ip_version\"";
	if (!a->src_ip || flowfmt_parse_addr(a->src_ip, src) != a->ip_version ||
	    !a->dest_ip ||
	    flowfmt_parse_addr(a->dest_ip, a->dst) != a->ip_version)
		return "verdict record with a bad \"src_ip\" or \"dest_ip\"";
	/* -1: no ports (null), as for a protocol without them */
	if (a->src_port < -1 || a->src_port > 65535 || a->dest_port < -1 ||
	    a->dest_port > 65535)
		return "verdict record with a bad \"src_port\" or "
		       "\"dest_port\"";
	if (a->exe && !a->exe[0])
		a->exe = NULL;
	if (a->user && !a->user[0])
		a->user = NULL;
	return NULL;
}

/* Only a verdict record has flow and process fields. */
static void arec_noflow(struct arec *a)
{
	a->verdict = a->rule = a->proto = a->src_ip = a->dest_ip = NULL;
	a->attribution = a->exe = a->user = NULL;
	a->ip_version = 0;
	a->src_port = a->dest_port = -1;
	a->pid = a->uid = -1;
	a->proc = NULL;
	a->has_proc = false;
}

static int arec_check(struct arec *a, char *err, size_t errlen)
{
	const char *what = NULL;

	a->verdict_rec = a->event_type && !strcmp(a->event_type, "verdict");
	if (!a->verdict_rec)
		arec_noflow(a);
	if (!a->event_type)
		what = "no \"event_type\"";
	else if (!a->timestamp || timefmt_parse(a->timestamp, &a->ts_us))
		what = "no valid \"timestamp\"";
	else if (a->verdict_rec)
		what = arec_flow(a);
	if (what) {
		snprintf(err, errlen, "%s", what);
		return -EBADMSG;
	}
	return 0;
}

int arec_from(struct arec *a, const struct logrec *rec, char *err,
	      size_t errlen)
{
	memset(a, 0, sizeof(*a));
	a->rec = rec;
	arec_json(a, rec->root);
	return arec_check(a, err, errlen);
}

int arec_from_fast(struct arec *a, const struct logrec *rec,
		   const struct logfast *f, char *scratch, char *err,
		   size_t errlen)
{
	memset(a, 0, sizeof(*a));
	a->rec = rec;
	arec_fast(a, f, scratch);
	return arec_check(a, err, errlen);
}

const char *arec_dest(const struct arec *a, char buf[AREC_DEST_LEN])
{
	const char *ip = a->dest_ip ? a->dest_ip : "?";

	if (a->dest_port < 0)
		snprintf(buf, AREC_DEST_LEN, "%s", ip);
	else
		snprintf(buf, AREC_DEST_LEN,
			 a->ip_version == 6 ? "[%s]:%ld" : "%s:%ld", ip,
			 a->dest_port);
	return buf;
}

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
	fprintf(stderr, "%s:%lu: %s\n", file, lineno, what);
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
	    !logrec_fast(&l->rec, &f, sp->p, sp->len)) {
		if (arec_from_fast(&l->a, &l->rec, &f, scratch, l->err,
				   sizeof(l->err)))
			l->what = l->err;
		return;
	}
	if (logrec_parse(&l->rec, sp->p, sp->len, l->err, sizeof(l->err)) ||
	    arec_from(&l->a, &l->rec, l->err, sizeof(l->err)))
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
		logrec_clear(&l->rec);
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
		fprintf(stderr, "%s: %s: %s\n", s->prog, path, strerror(errno));
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

int ascan_run(struct ascan *s, char *const *paths, int n, arec_cb cb, void *ctx)
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

int ascan_status(const struct ascan *s)
{
	if (s->bad)
		fprintf(stderr, "%s: %lu of %lu lines skipped: not records\n",
			s->prog, s->bad, s->lines);
	return s->unreadable ? 2 : 0;
}

int audit_need_logs(const char *sub, int argc)
{
	if (optind < argc)
		return -1;
	fprintf(stderr,
		"nfjudge audit %s: no LOG given (- for standard "
		"input)\n",
		sub);
	return 2;
}

int arec_verdict(const struct arec *a)
{
	static const char *const verdicts[] = {"accept", "reject", "drop"};
	int i;

	for (i = 0; a->verdict && i < 3; i++)
		if (!strcmp(a->verdict, verdicts[i]))
			return i;
	return -1;
}

const char *arec_num(long long v, char buf[AREC_NUM_LEN])
{
	if (v < 0)
		buf[0] = '\0';
	else
		snprintf(buf, AREC_NUM_LEN, "%lld", v);
	return buf;
}
