// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * One record as the audit commands read it: its fields taken from the
 * jansson tree or from the fast path's spans, checked the same way.
 */
#include "config.h"

#include <errno.h>
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

int audit_rec_from(struct arec *a, const struct logrec *rec, char *err,
		   size_t errlen)
{
	memset(a, 0, sizeof(*a));
	a->rec = rec;
	arec_json(a, rec->root);
	return arec_check(a, err, errlen);
}

int audit_rec_from_fast(struct arec *a, const struct logrec *rec,
			const struct logfast *f, char *scratch, char *err,
			size_t errlen)
{
	memset(a, 0, sizeof(*a));
	a->rec = rec;
	arec_fast(a, f, scratch);
	return arec_check(a, err, errlen);
}

const char *audit_rec_dest(const struct arec *a, char buf[AREC_DEST_LEN])
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

int audit_rec_verdict(const struct arec *a)
{
	static const char *const verdicts[] = {"accept", "reject", "drop"};
	int i;

	for (i = 0; a->verdict && i < 3; i++)
		if (!strcmp(a->verdict, verdicts[i]))
			return i;
	return -1;
}

const char *audit_rec_num(long long v, char buf[AREC_NUM_LEN])
{
	if (v < 0)
		buf[0] = '\0';
	else
		snprintf(buf, AREC_NUM_LEN, "%lld", v);
	return buf;
}
