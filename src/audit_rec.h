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
int audit_rec_from(struct arec *a, const struct logrec *rec, char *err,
		   size_t errlen);

/*
 * The same from the fast path's fields (rec->root NULL); scratch holds at
 * least the line's length plus 16 bytes: the strings, NUL-terminated.
 */
int audit_rec_from_fast(struct arec *a, const struct logrec *rec,
			const struct logfast *f, char *scratch, char *err,
			size_t errlen);

/* The verdict as enum verdict (0 accept, 1 reject, 2 drop), or -1. */
int audit_rec_verdict(const struct arec *a);

/* "ADDR:PORT" or "[ADDR]:PORT" for the destination, into buf; the bare
 * address when the record has no ports. */
#define AREC_DEST_LEN 56
const char *audit_rec_dest(const struct arec *a, char buf[AREC_DEST_LEN]);

/* A number as CSV shows it: decimal, or empty when unknown (< 0). */
#define AREC_NUM_LEN 24
const char *audit_rec_num(long long v, char buf[AREC_NUM_LEN]);

#endif
