/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFJUDGE_EXPORT_OCSF_H
#define NFJUDGE_EXPORT_OCSF_H

/* Shared by export_ocsf.c (verdicts, alerts, start and stop) and
 * export_ocsf_ops.c (the daemon's operations); nothing else includes it. */

#include <jansson.h>

struct arec;
struct export_state;

struct ocsf_class {
	int uid, category_uid;
	const char *name, *category_name;
};

extern const struct ocsf_class export_ocsf_class_finding;
extern const struct ocsf_class export_ocsf_class_lifecycle;

/* The attributes every event has: classification, time, metadata. */
json_t *export_ocsf_base(const struct ocsf_class *c, int activity,
			 const char *activity_name, int severity,
			 const struct export_state *st, const struct arec *a);

/* product: nfjudge and its version, for "app". */
json_t *export_ocsf_product(const struct export_state *st);

/*
 * A new finding's status and message (msg, or else title) into ev, and
 * into its finding_info f: the record's chain as uid, title, msg as desc
 * and type, if any, as its one type.
 */
void export_ocsf_finding(json_t *ev, json_t *f, const struct arec *a,
			 const char *title, const char *msg, const char *type);

/*
 * A reload, lost, error or control record as its event, or NULL (no
 * memory, or a type without one: stats).  *none is set for the latter.
 */
json_t *export_ocsf_operation(const struct export_state *st,
			      const struct arec *a, bool *none);

#endif
