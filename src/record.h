/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFJUDGE_RECORD_H
#define NFJUDGE_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proc.h"
#include "verdict.h"

struct flow;
struct chain;
struct communityid;

/*
 * The largest record line, newline included.  Every byte of a system string
 * escapes to at most six bytes (\u00XX), so the process identity bounds the
 * line; 8 KiB covers the other fields while the policy's strings (rule,
 * reason, hint, and the start record's) stay under 1 KiB together.  A
 * record that does not fit is refused whole (-ENOSPC), never cut.
 */
#define RECORD_PROC_STRINGS                                                \
	(PROC_USER_MAX + PROC_EXE_MAX + PROC_COMM_MAX + PROC_CMDLINE_MAX + \
	 PROC_CGROUP_MAX + PROC_TIME_MAX +                                 \
	 PROC_MAX_ANCESTORS * (PROC_EXE_MAX + PROC_COMM_MAX))
#define RECORD_MAX (6 * RECORD_PROC_STRINGS + 8192)

enum record_type {
	RECORD_VERDICT,
	RECORD_START,
	RECORD_RELOAD,
	RECORD_STOP,
	RECORD_STATS,
	RECORD_ERROR,
	RECORD_LOST,
	RECORD_ALERT,
	RECORD_CONTROL,
};

/* One judged flow.  Strings may be NULL (written as null). */
struct record_verdict {
	const struct flow *flow;
	enum verdict verdict;
	bool enforced;	  /* false in audit mode */
	const char *rule; /* "default" for the default verdict */
	unsigned rule_line;
	const char *reason; /* omitted when NULL */
	const char *hint;   /* omitted when NULL; see record_hint() */
	const char *community_id; /* as communityid_flow() writes it */
	/* community_id NULL: the flow's, by this hasher, when formatted */
	const struct communityid *community_hasher;
	const char *dest_name; /* learned for dest_ip; omitted when NULL */
	enum attribution attribution;
	const struct proc_info *proc; /* NULL: "proc":null */
	bool live;		      /* queue, packet_id, latency_us */
	int queue;
	uint32_t packet_id;
	int64_t latency_us;
};

/* Counters of stats and stop records. */
struct record_stats {
	uint64_t packets;
	uint64_t accepted;
	uint64_t rejected;
	uint64_t dropped;
	uint64_t errors;       /* packets that could not be judged */
	uint64_t lost_records; /* records that could not be written */
	uint64_t fenced;       /* fence drops recorded (queued or logged) */
	uint64_t fence_lost;   /* fence drops known only by the gap they left */
	uint64_t fence_unreadable; /* fence log messages that failed to parse */
};

/*
 * Something that was never judged or never written: the kernel's drop
 * counters of a queue grew, or records could not be written.  count is
 * what is new since the previous such record, total the count since start.
 */
struct record_lost {
	const char *what; /* RECORD_LOST_* */
	uint64_t count;
	uint64_t total;
	int queue; /* < 0: not a queue's */
};

#define RECORD_LOST_QUEUE   "queue_dropped" /* the queue was full */
#define RECORD_LOST_USER    "user_dropped"  /* the socket buffer was full */
#define RECORD_LOST_RECORDS "records"	    /* records not written */
#define RECORD_LOST_FENCE   "fence"	    /* fence drops whose log was lost */

struct record_start {
	const char *version;
	const char *policy; /* a path, or "embedded" */
	const char *policy_sha256;
	const char *mode; /* "enforce" or "audit" */
	const char *queues;
	const char *proxy;
	const char *output;
	const char *on_log_failure;
	bool fail_open;
	const char *attribution;     /* "kernel" or "proc" */
	const char *attribution_why; /* why that one; NULL: none to say */
};

/*
 * A control-socket action (nfjudge ctl) or a temporary rule's expiry: who
 * asked (the peer's credentials from the kernel), what, and the outcome.
 */
struct record_control {
	const char *command; /* "status", "allow", ..., "refused", "expire" */
	const char *args;    /* the request's arguments as text; may be NULL */
	bool ok;
	const char *message; /* may be NULL */
	const char *rule;    /* a temporary rule's name; may be NULL */
	uint32_t ttl_s;	     /* with rule */
	int64_t uid;	     /* the peer's; -1: none */
	int64_t gid;
	int64_t pid;
};

/*
 * One event to record.  ts_us is microseconds since the epoch, supplied by
 * the caller (capture time in replay) so that formatting is deterministic.
 */
struct record_event {
	enum record_type type;
	int64_t ts_us;
	const struct record_verdict *verdict; /* RECORD_VERDICT */
	const struct record_start *start;     /* RECORD_START */
	const struct record_stats *stats;     /* STATS and STOP; may be NULL */
	bool ok;			      /* RECORD_RELOAD */
	const struct record_lost *lost;	      /* RECORD_LOST */
	const char *kind;		      /* RECORD_ALERT */
	const struct record_control *control; /* RECORD_CONTROL */
	const char *message; /* RELOAD, ERROR, ALERT; the reason of STOP */
	const char *policy_sha256; /* RECORD_RELOAD */
	uint64_t lost_records;	   /* RECORD_ERROR, when > 0 */
};

/*
 * Format the record body: the line up to, not including, its chain field.
 * prev_chain (NULL for none) is written as the "prev_chain" field.
 * Returns the length, or -ENOSPC when cap is too small, -EINVAL for an
 * event it cannot express (bad type, timestamp beyond year 9999).
 */
int record_format(char *buf, size_t cap, uint64_t seq, const char *prev_chain,
		  const struct record_event *ev);

/*
 * Format the next record of a chain into buf (RECORD_MAX is always enough),
 * complete with chain field and newline, and advance the chain.  With
 * with_prev the record names its predecessor's digest ("prev_chain"), as
 * the first record of a file after a reopen does.  Returns the line
 * length or -errno; on error the chain is unchanged.
 */
int record_emit(struct chain *chain, char *buf, size_t cap, bool with_prev,
		const struct record_event *ev);

/*
 * Escape len bytes as the inside of a JSON string: '"' and '\' escaped,
 * control characters and DEL as \u00XX, bytes that are not well-formed
 * UTF-8 as the text \xNN (written \\xNN).  Returns the escaped length;
 * writes at most cap bytes and nothing past them.
 */
size_t record_escape(char *dst, size_t cap, const char *src, size_t len);

/*
 * What a program refused by the default rule should do instead, for the
 * "hint" field: TCP must use the proxy; DNS must use the proxy's resolver;
 * UDP, UDP-Lite, ICMP and every other protocol cannot pass the proxy at
 * all; a flow the outside opened needs a rule with "direction in".
 */
const char *record_hint(const struct flow *flow);

#endif
