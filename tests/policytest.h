/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFJUDGE_POLICYTEST_H
#define NFJUDGE_POLICYTEST_H

/* Helpers shared by the policy tests. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "flow.h"
#include "policy.h"
#include "proc.h"

/* Diagnostics collected as "msg\n" lines. */
struct pt_diags {
	char buf[16384];
	size_t len;
	int count;
};

/* Parse text as "t.conf" with fake users (root 0, alice 1000, bob 1001)
 * and groups (wheel 10, staff 50); diagnostics go to d (may be NULL). */
struct policy *pt_parse(const char *text, struct pt_diags *d);

/* Parse text that must be valid; fails the test otherwise. */
struct policy *pt_ok(const char *text);

/* Parse text that must fail; returns the diagnostics. */
const char *pt_errors(const char *text, struct pt_diags *d);

/* An outbound flow: proto a name as the policy spells it (tcp, udp,
 * udplite, icmp, icmpv6, sctp, gre) or a number, addresses of either
 * family. */
void pt_flow(struct flow *f, const char *proto, const char *src,
	     const char *dst, uint16_t dport);

/* The name of the rule that decides the flow (proc may be NULL). */
const char *pt_rule(const struct policy *p, const struct flow *f,
		    const struct proc_info *proc);

/* The same, for a flow to dst:dport over proto with no process. */
const char *pt_rule_to(const struct policy *p, const char *proto,
		       const char *dst, uint16_t dport);

/* The same, for a flow the outside opened from src to dst:dport. */
const char *pt_rule_in(const struct policy *p, const char *proto,
		       const char *src, const char *dst, uint16_t dport);

/* A process with this exe, comm and argv ("a b c" split on spaces). */
void pt_proc(struct proc_info *pi, const char *exe, const char *comm,
	     const char *args);

/* policy_print's output, malloc'ed. */
char *pt_print(const struct policy *p);

#endif
