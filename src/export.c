// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nfjudge audit export: verdict logs as the events that SIEMs and sandbox
 * supervisors already read, OCSF or ECS, one JSON object per line.  The
 * records are read as every audit command reads them (bad lines named,
 * counted and skipped), so an export never stops at one damaged line.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "audit_rec.h"
#include "audit_scan.h"
#include "export.h"
#include "flowfmt.h"
#include "log.h"
#include "logread.h"

typedef int (*export_fn)(struct export_state *st, const struct arec *a,
			 export_emit emit, void *ctx);

struct export
{
	export_fn fn;
	const char *format;
	struct export_state st;
	unsigned long events, unmapped;
	int err;
	char *buf; /* one event, serialised */
	size_t cap;
};

const char *export_str(json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));

	return s && *s ? s : NULL;
}

long long export_int(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	return json_is_integer(v) ? json_integer_value(v) : -1;
}

void export_set_str(json_t *obj, const char *key, const char *s)
{
	if (s)
		json_object_set_new(obj, key, json_string(s));
}

void export_set_int(json_t *obj, const char *key, long long v)
{
	if (v >= 0)
		json_object_set_new(obj, key, json_integer(v));
}

int export_proto_num(const char *proto)
{
	return proto ? flowfmt_parse_proto(proto) : -1;
}

bool export_proto_name(const char *proto, char *name, size_t len)
{
	size_t i;

	if (export_proto_num(proto) < 0 || !len)
		return false;
	for (i = 0; proto[i] && i + 1 < len; i++)
		name[i] = (char)(proto[i] >= 'A' && proto[i] <= 'Z'
					 ? proto[i] - 'A' + 'a'
					 : proto[i]);
	name[i] = '\0';
	return name[0] < '0' || name[0] > '9';
}

bool export_inbound(const struct arec *a)
{
	const char *dir = export_str(a->rec->root, "direction");

	return dir && !strcmp(dir, "in");
}

int64_t export_ms(const struct arec *a)
{
	/* floor, so that a record never appears to come from the future */
	return a->ts_us >= 0 ? a->ts_us / 1000 : (a->ts_us - 999) / 1000;
}

void export_note_start(struct export_state *st, const struct arec *a)
{
	const char *v = export_str(a->rec->root, "version");

	if (v)
		snprintf(st->version, sizeof(st->version), "%s", v);
}

const char *export_message(const struct arec *a, char buf[EXPORT_MSG_LEN])
{
	char src[AREC_DEST_LEN], dest[AREC_DEST_LEN];

	if (a->src_port < 0)
		snprintf(src, sizeof(src), "%s", a->src_ip);
	else
		snprintf(src, sizeof(src),
			 a->ip_version == 6 ? "[%s]:%ld" : "%s:%ld", a->src_ip,
			 a->src_port);
	snprintf(buf, EXPORT_MSG_LEN, "%s %s %s -> %s by rule %s", a->verdict,
		 a->proto, src, audit_rec_dest(a, dest), a->rule);
	return buf;
}

const char *export_basename(const char *path)
{
	const char *slash = path ? strrchr(path, '/') : NULL;

	return slash && slash[1] ? slash + 1 : path;
}

char *export_cmdline(json_t *proc)
{
	json_t *argv = json_object_get(proc, "cmdline"), *arg;
	size_t i, len = 0;
	char *s;

	json_array_foreach(argv, i, arg) len += json_string_length(arg) + 1;
	if (!len)
		return NULL;
	s = malloc(len);
	if (!s)
		return NULL;
	len = 0;
	json_array_foreach(argv, i, arg)
	{
		if (!json_is_string(arg))
			continue;
		if (len)
			s[len++] = ' ';
		memcpy(s + len, json_string_value(arg),
		       json_string_length(arg));
		len += json_string_length(arg);
	}
	s[len] = '\0';
	return s;
}

size_t export_dump(json_t *event, char **buf, size_t *cap)
{
	size_t n = json_dumpb(event, *buf, *cap, JSON_COMPACT);
	char *bigger;

	if (n && n + 1 > *cap) {
		bigger = realloc(*buf, n + 1);
		if (!bigger)
			return 0;
		*buf = bigger;
		*cap = n + 1;
		n = json_dumpb(event, *buf, *cap, JSON_COMPACT);
	}
	if (!n || n + 1 > *cap)
		return 0;
	(*buf)[n] = '\n';
	return n + 1;
}

/* One event as one line on standard output, written whole: json_dumpf
 * writes token by token, and that was a third of the export's time. */
static int export_write(void *ctx, json_t *event)
{
	struct export *x = ctx;
	size_t n = export_dump(event, &x->buf, &x->cap);
	int ret = 0;

	if (!n)
		ret = -ENOMEM;
	else if (fwrite(x->buf, 1, n, stdout) != n)
		ret = -EIO;
	json_decref(event);
	x->events++;
	return ret;
}

static int export_one(void *ctx, const struct arec *a)
{
	struct export *x = ctx;
	int n = x->fn(&x->st, a, export_write, x);

	if (n < 0) {
		x->err = n;
		return n;
	}
	if (!n)
		x->unmapped++;
	return 0;
}

int export_run(const struct export_config *c, char *const *logs, int nlogs)
{
	struct ascan scan = {.all = true};
	struct export x = {0};

	x.fn = c->format == EXPORT_ECS ? export_ecs : export_ocsf;
	x.format = c->format == EXPORT_ECS ? "ECS" : "OCSF";
	audit_scan_run(&scan, logs, nlogs, export_one, &x);
	free(x.buf);
	if (fflush(stdout) || ferror(stdout))
		x.err = -EIO;
	if (x.err) {
		log_warnx("%s", strerror(-x.err));
		return 1;
	}
	if (x.unmapped)
		log_warnx("%lu records of types without an %s event skipped",
			  x.unmapped, x.format);
	return audit_scan_status(&scan);
}
