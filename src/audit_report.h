/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFJUDGE_AUDIT_REPORT_H
#define NFJUDGE_AUDIT_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "audit.h"

struct agroups;

/* What the report shows, gathered in one pass over the logs. */
struct report {
	/* the chain, as audit verify checks it */
	struct verify verify;
	bool broken;
	char broken_at[512]; /* "FILE:LINE: what" */
	const char *keyfile;
	/* counts */
	uint64_t records, verdicts[3];
	unsigned long bad_lines;
	int64_t first, last;
	struct agroups *events;	 /* by event_type */
	struct agroups *hours;	 /* verdicts by hour */
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
