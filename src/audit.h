/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFJUDGE_AUDIT_H
#define NFJUDGE_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

/* Release what audit_verify_record() gathered (not the chain). */
void audit_verify_done(struct verify *v);

/* How many chains were followed so far, and each, the current one last. */
size_t audit_verify_nchains(const struct verify *v);
const struct vchain *audit_verify_chain_at(const struct verify *v, size_t i);

/* nfjudge audit verify [--key FILE] LOG... */
int audit_verify(int argc, char **argv);

/* The other subcommands: argv[0] is the subcommand's name. */
int audit_search(int argc, char **argv);
int audit_summary(int argc, char **argv);
int audit_whatif(int argc, char **argv);
int audit_suggest(int argc, char **argv);
int audit_report(int argc, char **argv);
int audit_export(int argc, char **argv);

#endif
