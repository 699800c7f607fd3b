/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFJUDGE_AUDIT_H
#define NFJUDGE_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "audit_filter.h"
#include "audit_group.h"
#include "audit_out.h"
#include "chain.h"

struct chain;
struct logrec;

/* How the head of the logs is anchored (nfjudge audit verify --from...). */
enum verify_head {
	VERIFY_GENESIS, /* the first record must be seq 1 at the genesis */
	VERIFY_FROM,	/* a trusted seq and digest given by the user */
	VERIFY_TRUST,	/* --trust-head: the first record taken on trust */
};

/* One chain as verified: a daemon's log from its seq 1 on. */
struct vchain {
	const char *file; /* where it begins */
	unsigned long line;
	uint64_t records, first_seq, seq;
	/* gaps: packets never judged, records never written, and the
	 * records that say so */
	uint64_t lost_packets, lost_records, gaps;
	char first[CHAIN_HEX + 1]; /* the digest of its first record */
	bool trusted;		   /* its head was not verified */
	bool anchored;		   /* its head follows the --from anchor */
	/* audit_verify_break(): where the chain broke, why, and how many
	 * records after it were passed over unverified */
	bool broken;
	const char *bad_file;
	unsigned long bad_line;
	uint64_t unverified;
	char why[256];
};

/*
 * Following chains across records, files in the order given.  The first
 * record must be seq 1, following the genesis, unless the head is
 * anchored otherwise; later, a record with seq 1 begins the next chain
 * (the log of another daemon), which is verified on its own.
 */
struct verify {
	struct chain *chain;
	enum verify_head head;
	uint64_t from_seq; /* VERIFY_FROM: record from_seq had digest from */
	char from[CHAIN_HEX + 1];
	const char *file; /* the caller's position, for struct vchain */
	unsigned long line;
	struct vchain cur;   /* the chain being followed; records 0 before */
	struct vchain *done; /* the chains before it */
	size_t ndone;
	char last[CHAIN_HEX + 1];
	bool at_anchor; /* the anchor record was read; cur.records is 0 */
	bool resync;	/* cur broke: pass over records up to a seq 1 */
	/* the next record's digest, computed ahead (NULL: not), and the
	 * predecessor digest it was computed from */
	const char *pre_prev, *pre_digest;
};

/* Check one parsed record against the chain so far: 0, or -EBADMSG with
 * what is wrong in err. */
int audit_verify_record(struct verify *v, const struct logrec *rec,
			const char *line, char *err, size_t errlen);

/* The chain to verify with: keyed from keyfile (HMAC) or, with NULL,
 * plain SHA-256.  NULL, with a message on stderr, when the key cannot be
 * read. */
struct chain *audit_verify_chain(const char *keyfile);

/*
 * A bad line (at file:line, why) ends the chain being followed, marked
 * broken; audit_verify_record() then passes over the records that follow
 * until one with seq 1 begins the next chain, which is verified on its
 * own.  For the report, which shows every chain of a set of logs; verify
 * itself stops at the first bad line.
 */
void audit_verify_break(struct verify *v, const char *file, unsigned long line,
			const char *why);

/* Release what audit_verify_record() gathered (not the chain). */
void audit_verify_done(struct verify *v);

/* How many chains were followed so far, and each, the current one last. */
size_t audit_verify_nchains(const struct verify *v);
const struct vchain *audit_verify_chain_at(const struct verify *v, size_t i);

/*
 * The bodies of the audit commands: each takes its options as a plain
 * struct (cmd_audit*.c fills it from argv) and the logs, prints its
 * output on stdout and diagnostics through log.h, and returns the exit
 * status: 0, 1 (tampered, changed, out of memory), 2 (unreadable).
 */

/* nfjudge audit verify */
struct audit_verify_config {
	const char *keyfile; /* the HMAC key; NULL: plain SHA-256 */
	enum verify_head head;
	uint64_t from_seq; /* VERIFY_FROM: record from_seq had digest from */
	char from[CHAIN_HEX + 1];
};
int audit_verify_run(const struct audit_verify_config *c, char *const *logs,
		     int nlogs);

/* nfjudge audit search */
struct audit_search_config {
	struct afilter filter;
	enum aformat format;
};
int audit_search_run(const struct audit_search_config *c, char *const *logs,
		     int nlogs);

/* nfjudge audit summary: counts by up to AUDIT_BY_MAX keys together */
#define AUDIT_BY_MAX 6
struct audit_summary_config {
	enum aby by[AUDIT_BY_MAX];
	size_t nby; /* at least one */
	enum aformat format;
};
int audit_summary_run(const struct audit_summary_config *c, char *const *logs,
		      int nlogs);

/* nfjudge audit whatif: the policy stays the caller's */
struct policy;
struct audit_whatif_config {
	struct policy *policy;
	enum aformat format;
	bool fail_on_change; /* exit 1 when a verdict would change */
};
int audit_whatif_run(const struct audit_whatif_config *c, char *const *logs,
		     int nlogs);

/* nfjudge audit suggest */
int audit_suggest_run(char *const *logs, int nlogs);

/* nfjudge audit report */
struct audit_report_config {
	const char *output;  /* the page's path, "-" for stdout */
	const char *keyfile; /* as for verify */
	size_t limit;	     /* refused records listed at most */
};
int audit_report_run(const struct audit_report_config *c, char *const *logs,
		     int nlogs);

#endif
