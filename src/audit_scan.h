/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFJUDGE_AUDIT_SCAN_H
#define NFJUDGE_AUDIT_SCAN_H

#include <stdbool.h>

#include "audit_rec.h"
#include "audit_scan.h"

/* Called for each valid record; a non-zero return stops the scan. */
typedef int (*arec_cb)(void *ctx, const struct arec *a);

/* Told of each line that is not a record, after it is reported. */
typedef void (*arec_bad_cb)(void *ctx, const char *file, unsigned long line,
			    const char *why);

/* What a scan saw. */
struct ascan {
	arec_bad_cb bad_cb; /* may be NULL */
	unsigned long lines;
	unsigned long bad;	  /* lines that are not records, reported */
	unsigned long unreadable; /* files that could not be opened or read */
	unsigned long files;
	bool all;  /* pass every record to cb, not only verdicts */
	bool fast; /* cb reads no tree (a->proc, a->rec->root NULL):
		    * lines are read on the fast path */
};

/*
 * Read the logs in order, report each bad line as "FILE:LINE: reason"
 * through log_warnx() and go on.  Returns the first non-zero value of cb, else
 * 0.
 */
int audit_scan_run(struct ascan *s, char *const *paths, int n, arec_cb cb,
		   void *ctx);

/* Exit status after a scan: 2 when a file could not be opened.  Says
 * on stderr how many lines were skipped, if any. */
int audit_scan_status(const struct ascan *s);

#endif
