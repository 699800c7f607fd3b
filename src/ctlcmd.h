/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFJUDGE_CTLCMD_H
#define NFJUDGE_CTLCMD_H

#include <stddef.h>
#include <stdint.h>

#include "record.h"

struct control_peer;
struct ctlrule;
struct ctlrules;
struct policy;
struct proc_info;

/* What status reports; strings owned by the daemon. */
struct ctlcmd_status {
	const char *mode; /* "enforce" or "audit" */
	const char *attribution;
	const char *policy; /* a path, or "embedded" */
	const char *policy_sha256;
	const char *queues;
	const char *last_error; /* NULL: none */
	uint64_t generation;
	int64_t uptime_s;
	struct record_stats stats;
};

/*
 * The daemon, as the commands see it.  reload loads file (NULL: the
 * policy file in force) as HUP does and returns 0 with the new generation,
 * or -errno with every error in err, one "FILE:LINE:COL: message" a line;
 * it writes the reload record.  policy returns a reference to the policy
 * in force.  rules_changed makes a change of rules take effect.  record
 * writes a control record.  proc describes process pid as the live path
 * would (0 or -errno, *info valid until the next call); NULL: none.
 * names gives the names learned for f's destination; NULL: none.
 */
struct dnsname_list;
struct flow;
struct ctlcmd_host {
	void (*status)(void *ctx, struct ctlcmd_status *st);
	int (*reload)(void *ctx, const char *file, uint64_t *generation,
		      char *err, size_t errlen);
	struct policy *(*policy)(void *ctx);
	int (*proc)(void *ctx, int pid, const struct proc_info **info);
	void (*names)(void *ctx, const struct flow *f,
		      struct dnsname_list *out);
	void (*rules_changed)(void *ctx);
	void (*record)(void *ctx, const struct record_control *rc);
	struct ctlrules *rules;
	void *ctx;
};

/*
 * One request line of an authorised peer, answered in reply[0..cap) with
 * one JSON object ("ok" true or false); returns its length.  now_ms is
 * CLOCK_MONOTONIC, for the temporary rules' ttl.
 */
size_t ctlcmd_handle(const struct ctlcmd_host *h,
		     const struct control_peer *peer, const char *line,
		     size_t len, char *reply, size_t cap, int64_t now_ms);

/* The record of a temporary rule whose time ran out. */
void ctlcmd_expired(const struct ctlcmd_host *h, const struct ctlrule *r);

#endif
