/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFJUDGE_REPLAY_H
#define NFJUDGE_REPLAY_H

#include <stdbool.h>
#include <stdint.h>

#include "decode.h"
#include "defrag.h"
#include "engine.h"

struct cidr_list;
struct policy;
struct procmap;

enum replay_fail_on {
	REPLAY_FAIL_NEVER,
	REPLAY_FAIL_REJECT,
	REPLAY_FAIL_DROP,
	REPLAY_FAIL_ANY,
};

/* What to replay and how: nfjudge replay's options, parsed. */
struct replay_cfg {
	struct policy *policy;	       /* taken over: replay_run frees it */
	const struct procmap *procs;   /* NULL: no process identity */
	const char *filter;	       /* BPF, or NULL */
	const struct cidr_list *local; /* NULL or empty: every packet ours */
	enum replay_fail_on fail_on;
	const char *output; /* NULL or "-": standard output */
};

struct replay_stats {
	uint64_t packets, not_judged, undecodable, fenced;
	uint64_t by_reason[DECODE_ERR__MAX];
	struct engine_counts counts;
	struct defrag_stats frag;
	bool failed_on; /* a judged packet got the --fail-on verdict */
};

/* replay_run's status, which is nfjudge replay's exit status. */
#define REPLAY_FAILED	 1 /* --fail-on hit, a capture damaged, a write */
#define REPLAY_BAD_INPUT 2 /* not a readable capture, or no output */

/*
 * Judge the packets of n captures in order, as one stream, writing a
 * record per judged or fenced packet to cfg->output and the summary to
 * standard error.  Every capture is read, even after a bad one.  *st
 * (may be NULL) receives the counts.  Returns 0 or a status above.
 */
int replay_run(const struct replay_cfg *cfg, char *const *files, int n,
	       struct replay_stats *st);

#endif
