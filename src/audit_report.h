/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFJUDGE_AUDIT_REPORT_H
#define NFJUDGE_AUDIT_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "audit.h"

struct agroups;

/* The most bars a timeline has: its bucket is the shortest of a minute,
 * an hour and a day that keeps the span within them. */
#define REPORT_BARS    96
#define REPORT_MINUTES (REPORT_BARS + 1)

/* What the report shows, gathered in one pass over the logs. */
struct report {
	/* the chains, as audit verify checks them, each on its own */
	struct verify verify;
	const char *keyfile;
	/* counts */
	uint64_t records, verdicts[3];
	unsigned long bad_lines;
	int64_t first, last;
	struct agroups *events;	 /* by event_type */
	struct agroups *hours;	 /* verdicts by hour */
	struct agroups *minutes; /* by minute; NULL past REPORT_MINUTES */
	struct agroups *refused; /* rejected and dropped, by exe */
	struct agroups *dests;	 /* verdicts by destination */
	struct agroups *rules;	 /* verdicts by rule */
	/* the first `limit` refused records, as HTML table rows */
	char **rows;
	size_t nrows, limit;
	uint64_t refused_total;
	int err;
};

#endif
