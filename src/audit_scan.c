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
#include <string.h>

#include "audit_rec.h"
#include "flowfmt.h"
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

static void arec_proc(struct arec *a, json_t *root)
{
	json_t *proc = json_object_get(root, "proc");

	a->proc = json_is_object(proc) ? proc : NULL;
	a->exe = a->proc ? jstr(proc, "exe") : NULL;
	a->user = a->proc ? jstr(proc, "user") : NULL;
	a->pid = a->proc ? jint(proc, "pid") : -1;
	a->uid = a->proc ? jint(proc, "uid") : -1;
	if (a->exe && !a->exe[0])
		a->exe = NULL;
	if (a->user && !a->user[0])
		a->user = NULL;
}

/* The flow fields a verdict record must have; NULL when all are there. */
static const char *arec_flow(struct arec *a, json_t *root)
{
	uint8_t src[16];

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
	arec_proc(a, root);
	return NULL;
}

int arec_from(struct arec *a, const struct logrec *rec, char *err,
	      size_t errlen)
{
	const char *what = NULL;

	memset(a, 0, sizeof(*a));
	a->rec = rec;
	a->pid = a->uid = -1;
	a->src_port = a->dest_port = -1;
	a->event_type = jstr(rec->root, "event_type");
	a->timestamp = jstr(rec->root, "timestamp");
	if (!a->event_type)
		what = "no \"event_type\"";
	else if (!a->timestamp || timefmt_parse(a->timestamp, &a->ts_us))
		what = "no valid \"timestamp\"";
	else if (!strcmp(a->event_type, "verdict"))
		what = arec_flow(a, rec->root);
	if (what) {
		snprintf(err, errlen, "%s", what);
		return -EBADMSG;
	}
	a->verdict_rec = !strcmp(a->event_type, "verdict");
	return 0;
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

static void scan_bad(struct ascan *s, struct logread *lr, const char *what,
		     void *ctx)
{
	fprintf(stderr, "%s:%lu: %s\n", logread_name(lr), logread_lineno(lr),
		what);
	s->bad++;
	if (s->bad_cb)
		s->bad_cb(ctx, logread_name(lr), logread_lineno(lr), what);
}

/* One line: 0 skipped or passed on, else what cb returned. */
static int scan_line(struct ascan *s, struct logread *lr,
		     enum logread_status st, const char *line, size_t len,
		     arec_cb cb, void *ctx)
{
	const char *what = scan_status(st);
	struct logrec rec = {0};
	struct arec a;
	char err[256];
	int ret = 0;

	s->lines++;
	if (!what && (logrec_parse(&rec, line, len, err, sizeof(err)) ||
		      arec_from(&a, &rec, err, sizeof(err))))
		what = err;
	if (what) {
		scan_bad(s, lr, what, ctx);
		goto out;
	}
	a.line = line;
	a.len = len;
	a.file = logread_name(lr);
	a.lineno = logread_lineno(lr);
	if (s->all || a.verdict_rec)
		ret = cb(ctx, &a);
out:
	logrec_clear(&rec);
	return ret;
}

static int scan_file(struct ascan *s, const char *path, arec_cb cb, void *ctx)
{
	struct logread *lr = logread_open(path);
	enum logread_status st;
	const char *line;
	char err[128];
	size_t len;
	int ret = 0;

	if (!lr) {
		fprintf(stderr, "%s: %s: %s\n", s->prog, path, strerror(errno));
		s->unreadable++;
		return 0;
	}
	s->files++;
	while (!ret && (st = logread_next(lr, &line, &len)) != LOGREAD_EOF) {
		if (st == LOGREAD_ERROR) {
			snprintf(err, sizeof(err),
				 "read error after this "
				 "line: %s",
				 strerror(errno));
			scan_bad(s, lr, err, ctx);
			break;
		}
		ret = scan_line(s, lr, st, line, len, cb, ctx);
	}
	logread_close(lr);
	return ret;
}

int ascan_run(struct ascan *s, char *const *paths, int n, arec_cb cb, void *ctx)
{
	int i, ret = 0;

	for (i = 0; i < n && !ret; i++)
		ret = scan_file(s, paths[i], cb, ctx);
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
