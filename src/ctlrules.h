/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFJUDGE_CTLRULES_H
#define NFJUDGE_CTLRULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "ctlproto.h"

struct policy;

/*
 * The control socket's temporary rules: allow/deny RULE --ttl DURATION.
 * They live in memory only (gone on restart), in front of the policy,
 * newest first, each named ctl-N with rule_line 0 in the records.
 */
#define CTLRULES_MAX 32

struct ctlrule {
	bool used;
	char name[16]; /* "ctl-N" */
	int verdict;   /* VERDICT_ACCEPT or VERDICT_REJECT */
	char text[CTLREQ_RULE_MAX];
	uint64_t order;	    /* newer rules have higher ones */
	int64_t expires_ms; /* CLOCK_MONOTONIC */
	uint32_t ttl_s;
	uid_t uid; /* who asked */
	pid_t pid;
};

struct ctlrules {
	struct ctlrule r[CTLRULES_MAX];
	uint64_t seq; /* orders them: newest first */
	unsigned next_id;
};

/*
 * Add a rule after checking that it compiles alone.  Returns the new
 * entry, or NULL with the reason in err (FILE:LINE:COL from the policy
 * parser, or "too many").
 */
struct ctlrule *ctlrules_add(struct ctlrules *t, int verdict, const char *text,
			     uint32_t ttl_s, int64_t now_ms, char *err,
			     size_t errlen);

/*
 * Take out one rule whose time is up, into *out: 1, or 0 when none is.
 */
int ctlrules_expire(struct ctlrules *t, int64_t now_ms, struct ctlrule *out);

/* How many are in force. */
size_t ctlrules_count(const struct ctlrules *t);

/*
 * The policy to decide with: base alone when there are none, else the
 * rules in front of it (policy_overlay).  A new reference; NULL only when
 * memory ran out.
 */
struct policy *ctlrules_compose(const struct ctlrules *t, struct policy *base);

#endif
