/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFJUDGE_LOGFAST_H
#define NFJUDGE_LOGFAST_H

#include <stddef.h>
#include <stdint.h>

/*
 * The fast path of reading a record line: one pass over the bytes that
 * validates the JSON and takes the fields the audit commands read, with
 * no tree and no allocation.  It takes only lines it is sure of: plain
 * ASCII, no escapes in a field it returns, integers of at most 18 digits,
 * no exponent, no duplicate key, little nesting.  Any other line, valid or
 * not, it declines, and the caller reads it with the full parser
 * (jansson), so that results are the same on every input.
 */

/* The fields taken: the top level's, then those of the "proc" object. */
enum lf_key {
	LFK_TIMESTAMP,
	LFK_EVENT_TYPE,
	LFK_SEQ,
	LFK_CHAIN,
	LFK_PREV_CHAIN,
	LFK_VERDICT,
	LFK_RULE,
	LFK_PROTO,
	LFK_SRC_IP,
	LFK_DEST_IP,
	LFK_ATTRIBUTION,
	LFK_IP_VERSION,
	LFK_SRC_PORT,
	LFK_DEST_PORT,
	LFK_PROC,
	LFK_LOST,
	LFK_COUNT,
	LFK_LOST_RECORDS,
	LFK_PROC_EXE,
	LFK_PROC_USER,
	LFK_PROC_PID,
	LFK_PROC_UID,
	LFK_NKEYS,
};

/* What a field holds; LF_ABSENT when the object lacks it. */
enum lf_type {
	LF_ABSENT,
	LF_STR,	  /* p, len: the bytes between the quotes, no escapes */
	LF_INT,	  /* num */
	LF_OBJ,	  /* an object */
	LF_OTHER, /* null, true, false, a fraction, an array */
	LF_ESC,	  /* a string with escapes: declined if it is read */
};

struct lf_val {
	const char *p;
	uint32_t len;
	uint8_t type;
	long long num;
};

struct logfast {
	struct lf_val v[LFK_NKEYS];
};

/*
 * Take line[0..len) (a whole line, without newline) as one JSON object.
 * 0 when it did; -EAGAIN when the line is not one the fast path takes.
 */
int logfast_parse(struct logfast *f, const char *line, size_t len);

#endif
