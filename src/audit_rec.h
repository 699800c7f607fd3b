/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFJUDGE_AUDIT_REC_H
#define NFJUDGE_AUDIT_REC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

struct logfast;
struct logrec;

/*
 * The fields of one record that the audit commands read, borrowed from
 * the parsed JSON (valid until the next record).  A string the record
 * lacks is NULL; a number it lacks is -1.
 */
struct arec {
	const struct logrec *rec;
	const char *line; /* the line as read, without newline */
	size_t len;
	const char *file;
	unsigned long lineno;
	const char *event_type;
	const char *timestamp;
	int64_t ts_us;
	bool verdict_rec; /* event_type "verdict" with every flow field */
	const char *verdict, *rule, *proto, *src_ip, *dest_ip, *attribution;
	const char *direction; /* NULL in logs older than the field: "out" */
	int ip_version;
	long src_port, dest_port;
	uint8_t dst[16];
	json_t *proc;	  /* NULL when "proc" is null or absent, or read
			   * on the fast path (struct ascan fast) */
	bool has_proc;	  /* "proc" is an object */
	const char *exe;  /* from proc */
	const char *user; /* from proc */
	long long pid, uid;
};

/*
 * Take the fields out of a parsed record.  0, or -EBADMSG with the reason
 * in err: a record without a valid timestamp, or a verdict record whose
 * flow fields are missing or of the wrong type.
 */
int arec_from(struct arec *a, const struct logrec *rec, char *err,
	      size_t errlen);

/*
 * The same from the fast path's fields (rec->root NULL); scratch holds at
 * least the line's length plus 16 bytes: the strings, NUL-terminated.
 */
int arec_from_fast(struct arec *a, const struct logrec *rec,
		   const struct logfast *f, char *scratch, char *err,
		   size_t errlen);

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
	bool all;	  /* pass every record to cb, not only verdicts */
	bool fast;	  /* cb reads no tree (a->proc, a->rec->root NULL):
			   * lines are read on the fast path */
	const char *prog; /* "nfjudge audit search", for messages */
};

/*
 * Read the logs in order, report each bad line as "FILE:LINE: reason" on
 * stderr and go on.  Returns the first non-zero value of cb, else 0.
 */
int ascan_run(struct ascan *s, char *const *paths, int n, arec_cb cb,
	      void *ctx);

/* Exit status after a scan: 2 when a file could not be opened.  Says
 * on stderr how many lines were skipped, if any. */
int ascan_status(const struct ascan *s);

/* The verdict as enum verdict (0 accept, 1 reject, 2 drop), or -1. */
int arec_verdict(const struct arec *a);

/* After option parsing: -1 when LOGs follow, else 2 with a message. */
int audit_need_logs(const char *sub, int argc);

/* "ADDR:PORT" or "[ADDR]:PORT" for the destination, into buf; the bare
 * address when the record has no ports. */
#define AREC_DEST_LEN 56
const char *arec_dest(const struct arec *a, char buf[AREC_DEST_LEN]);

/* A number as CSV shows it: decimal, or empty when unknown (< 0). */
#define AREC_NUM_LEN 24
const char *arec_num(long long v, char buf[AREC_NUM_LEN]);

#endif
