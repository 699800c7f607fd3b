/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFJUDGE_AUDIT_H
#define NFJUDGE_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "chain.h"

struct chain;
struct logrec;

/*
 * Following a chain across records, files in the order given.  The first
 * record anchors it: seq 1 follows the genesis, a later one follows the
 * digest its "prev_chain" names, or, without one, is taken on trust (a
 * lone rotated file).
 */
struct verify {
	struct chain *chain;
	uint64_t records;
	uint64_t first_seq;
	uint64_t seq; /* of the last record checked */
	char last[CHAIN_HEX + 1];
	bool trusted; /* the first record's digest could not be checked */
};

/* Check one parsed record against the chain so far: 0, or -EBADMSG with
 * what is wrong in err. */
int verify_record(struct verify *v, const struct logrec *rec, const char *line,
		  char *err, size_t errlen);

/* The chain to verify with: keyed from keyfile (HMAC) or, with NULL,
 * plain SHA-256.  NULL, with a message on stderr, when the key cannot be
 * read. */
struct chain *verify_chain(const char *keyfile);

/* nfjudge audit verify [--key FILE] LOG... */
int audit_verify(int argc, char **argv);

/* The other subcommands: argv[0] is the subcommand's name. */
int audit_search(int argc, char **argv);
int audit_summary(int argc, char **argv);
int audit_whatif(int argc, char **argv);
int audit_suggest(int argc, char **argv);
int audit_report(int argc, char **argv);

#endif
