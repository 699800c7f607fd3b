/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFJUDGE_EXPORT_H
#define NFJUDGE_EXPORT_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

struct arec;

/* The OCSF and ECS versions whose field names and enums are written. */
#define EXPORT_OCSF_VERSION "1.4.0"
#define EXPORT_ECS_VERSION  "8.11.0"

/* Told of each event a record maps to; the callee takes the reference. */
typedef int (*export_emit)(void *ctx, json_t *event);

/* What the exporters keep between records: the product version from the
 * last start record, for records that do not say it. */
struct export_state {
	char version[64];
};

/*
 * One record as OCSF events: a verdict as Network Activity (4001), plus a
 * Detection Finding (2004) when it carries a hint (a refused bypass); an
 * alert as a Detection Finding; a start or stop record as Application
 * Lifecycle (6002).  Returns the number
 * of events emitted (0: a record type with no OCSF event), or -errno.
 */
int export_ocsf(struct export_state *st, const struct arec *a, export_emit emit,
		void *ctx);

/* The same in ECS: one event per verdict, alert, start or stop record. */
int export_ecs(struct export_state *st, const struct arec *a, export_emit emit,
	       void *ctx);

/* Helpers the two formats share; the strings are borrowed from the record,
 * NULL when absent or empty. */
const char *export_str(json_t *obj, const char *key);
/* An integer field, or -1 when absent or not an integer. */
long long export_int(json_t *obj, const char *key);
/* The IANA protocol number of a record's "proto", or -1. */
int export_proto_num(const char *proto);
/* "out" (default when absent) or "in": true for a flow opened from outside. */
/* IANA's keyword for proto in lower case, into name: false for a bare
 * number or an unknown protocol, which have none. */
bool export_proto_name(const char *proto, char *name, size_t len);
bool export_inbound(const struct arec *a);
/* Milliseconds since the epoch of a record's timestamp. */
int64_t export_ms(const struct arec *a);
/* Remember the version a start record names. */
void export_note_start(struct export_state *st, const struct arec *a);
/* The argv of a record's proc as one string, arguments joined by spaces;
 * NULL when it has none or memory runs out.  The caller frees it. */
char *export_cmdline(json_t *proc);
/* "reject TCP 10.0.0.2:40002 -> 93.184.216.34:443 by rule default" */
#define EXPORT_MSG_LEN 400
const char *export_message(const struct arec *a, char buf[EXPORT_MSG_LEN]);
/* The last path component of an exe. */
const char *export_basename(const char *path);
/* An event as one compact line with its newline, in *buf (grown as
 * needed, *cap its size); the length, or 0 when memory ran out. */
size_t export_dump(json_t *event, char **buf, size_t *cap);
/* Set key to a new string unless s is NULL (NULL-safe json_object_set). */
void export_set_str(json_t *obj, const char *key, const char *s);
/* Set key to an integer unless v < 0. */
void export_set_int(json_t *obj, const char *key, long long v);

/* nfjudge audit export (export.c) */
enum export_format { EXPORT_OCSF, EXPORT_ECS };
struct export_config {
	enum export_format format;
};
int export_run(const struct export_config *c, char *const *logs, int nlogs);

#endif
