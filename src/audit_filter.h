/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFJUDGE_AUDIT_FILTER_H
#define NFJUDGE_AUDIT_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cidr.h"

struct arec;

/* The search conditions; every one that is set must hold (AND). */
struct afilter {
	const char *verdict; /* "accept", "reject" or "drop" */
	const char *rule;
	const char *exe_glob;
	const char *user; /* a name, or NULL when uid is set */
	long long uid;	  /* -1: any */
	long long pid;	  /* -1: any */
	struct cidr_list dest;
	long port_lo, port_hi; /* -1: any */
	const char *proto;     /* "TCP" or "UDP" */
	int64_t since, until;  /* INT64_MIN / INT64_MAX: unbounded */
};

void audit_filter_init(struct afilter *f);

/*
 * Set the condition of one option ("verdict", "rule", "exe", "user",
 * "pid", "dest", "port", "proto", "since", "until") from its text; value
 * must outlive the filter.  now_us anchors relative times ("-2h").
 * 0, or -EINVAL with what was expected in err; -ENOENT for an unknown key.
 */
int audit_filter_set(struct afilter *f, const char *key, const char *value,
		     int64_t now_us, char *err, size_t errlen);

/* True when the verdict record meets every condition. */
bool audit_filter_match(const struct afilter *f, const struct arec *a);

/*
 * A time as the options take it: RFC 3339, or now minus a span: "-30s",
 * "-30m", "-2h", "-7d".  0 or -EINVAL.
 */
int audit_filter_time(const char *s, int64_t now_us, int64_t *us);

#endif
