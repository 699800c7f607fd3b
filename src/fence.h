/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFJUDGE_FENCE_H
#define NFJUDGE_FENCE_H

#include <stdbool.h>
#include <stddef.h>

/*
 * The fence: the one definition of which packets are judged, which pass
 * (part of a flow already judged) and which are dropped in the kernel, and
 * why.  Each entry of one ordered table holds the iptables match text for
 * IPv4 and IPv6 and a predicate on a decoded flow; the first entry that
 * matches classes the packet.  rules.c writes the chains from the table,
 * replay and the daemon class packets with fence_classify(), so they cannot
 * disagree.  Pure: no I/O.
 */

struct flow;

enum fence_class {
	FENCE_JUDGE,	       /* queued: the policy decides */
	FENCE_PASS,	       /* part of a judged flow, or not ours to judge */
	FENCE_DROP_IP_OPTIONS, /* IPv4 header with options (IHL > 5) */
	FENCE_DROP_ROUTING_HEADER, /* IPv6 routing header */
	FENCE_DROP_FRAGMENT,	/* a fragment the kernel did not reassemble */
	FENCE_DROP_SPOOFED,	/* source not an address of the namespace */
	FENCE_DROP_INVALID,	/* conntrack INVALID or UNTRACKED */
	FENCE_DROP_TCP_NOT_NEW, /* TCP neither a plain SYN nor of a flow */
	FENCE_DROP_NO_UDP,	/* a new UDP flow under --no-udp */
	FENCE_DROP_PREMARKED,	/* carried the reject mark before judging */
	FENCE__MAX,
};

/* conntrack's view of the packet (the "ctstate" of iptables). */
enum fence_ct {
	FENCE_CT_NEW,
	FENCE_CT_ESTABLISHED,
	FENCE_CT_RELATED,
	FENCE_CT_INVALID,
	FENCE_CT_UNTRACKED,
};

/* Where a rule sits: the chain it belongs to, and its place in it. */
enum fence_stage {
	FENCE_OUT_EARLY, /* OUTPUT, before the exempt uids and the rejects */
	FENCE_OUT_LATE,	 /* OUTPUT, after them */
	FENCE_IN_EARLY,	 /* INPUT, before the rejects */
	FENCE_IN_LATE,	 /* INPUT, after them */
	FENCE_PREMARK,	 /* mangle OUTPUT, which NF_REPEAT does not re-run */
};

/*
 * What the kernel knows of a packet besides its bytes.  The flow's
 * direction says which chain it meets: FLOW_DIR_IN is a packet seen at
 * INPUT, one of a flow the outside opens.
 */
struct fence_pkt {
	const struct flow *flow;
	enum fence_ct ct;
	bool loopback;	  /* inbound on lo: judged once, at OUTPUT */
	bool src_foreign; /* outbound with a source not ours */
	bool premarked;	  /* carried the reject mark at mangle OUTPUT */
	bool no_udp;	  /* --no-udp: new UDP flows are dropped */
};

/* Entry applies only when --no-udp is given / is not given. */
#define FENCE_F_NO_UDP 0x1
/* The match is the reject mark, which the options set: v4 and v6 NULL. */
#define FENCE_F_MARK 0x2
/* Not a decision: the packet (a DNS answer to the sandbox) is copied to
 * the DNS NFLOG group and goes on down the chain; classifying skips it. */
#define FENCE_F_LOG_DNS 0x4

struct fence_rule {
	enum fence_class cls;
	enum fence_stage stage;
	unsigned int flags;
	/* iptables -S form of the match; NULL: not in this family */
	const char *v4;
	const char *v6;
	bool (*match)(const struct fence_pkt *p);
};

/* The table, in chain order; *n set to its length. */
const struct fence_rule *fence_rules(size_t *n);

/*
 * The class of a packet, by the first rule that matches.  A packet no rule
 * matches passes, as it does the chain.
 */
enum fence_class fence_classify(const struct fence_pkt *p);

/* Whether the class is a drop. */
bool fence_is_drop(enum fence_class c);

/* The reason a drop gives, e.g. "tcp-not-new"; "judge"/"pass" otherwise. */
const char *fence_reason(enum fence_class c);

/* The class a reason names, or FENCE__MAX. */
enum fence_class fence_from_reason(const char *reason, size_t len);

/*
 * The NFLOG prefix of a drop rule, "nfjudge " and the reason, which the
 * daemon reads back with fence_from_prefix().
 */
#define FENCE_PREFIX "nfjudge "
enum fence_class fence_from_prefix(const char *prefix, size_t len);

#endif
