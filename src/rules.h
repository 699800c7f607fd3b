/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFJUDGE_RULES_H
#define NFJUDGE_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The iptables side of nfjudge, the fence of fence.h written out: in the
 * filter table a chain NFJUDGE jumped to from the top of OUTPUT and a chain
 * NFJUDGE-IN from the top of INPUT, which queue the first packet of every
 * new flow, pass established ones, reject packets carrying our mark (the
 * daemon's reject verdict is "set the mark, NF_REPEAT") and log to NFLOG
 * and drop the rest; in the mangle table a chain NFJUDGE, from the top of
 * OUTPUT, that drops packets which carry the mark before any verdict set
 * it.  rules.c generates the iptables-restore text (pure); rules_apply.c
 * runs the tools.
 */

#define RULES_CHAIN	 "NFJUDGE"
#define RULES_CHAIN_IN	 "NFJUDGE-IN"
#define RULES_MAX_EXEMPT 16
/* The NFLOG group the drop rules log to, and how much of a packet. */
#define RULES_NFLOG_GROUP_DEFAULT 20042u
#define RULES_NFLOG_SIZE	  256
/* DNS answers are logged, whole, to the group after that (the one before
 * when it is the last), as "nfjudge dns". */
#define RULES_DNS_NFLOG_SIZE 4096
#define RULES_DNS_PREFIX     "nfjudge dns"
/*
 * One bit, so we coexist with other users of the mark.  Any packet that
 * reaches our chain with this bit set is rejected, so nothing else on the
 * host may set it.
 */
#define RULES_MARK_DEFAULT 0x100000u
#define RULES_MASK_DEFAULT 0x100000u

enum rules_backend {
	RULES_BACKEND_DEFAULT, /* whatever "iptables" is on this host */
	RULES_BACKEND_NFT,
	RULES_BACKEND_LEGACY,
};

enum rules_family {
	RULES_IPV4,
	RULES_IPV6,
};

struct rules_opts {
	uint16_t queue_first;
	uint16_t queue_last; /* == queue_first: one queue, no balancing */
	uint32_t mark;
	uint32_t mask;
	bool fail_open;
	bool no_udp;
	bool no_ipv6;
	uint16_t nflog_group;
	enum rules_backend backend;
	size_t n_exempt;
	uint32_t exempt_uid[RULES_MAX_EXEMPT];
};

/* What one family's tables hold of ours, from "iptables -S". */
struct rules_state {
	bool chain;
	unsigned int jumps; /* "-A OUTPUT -j NFJUDGE" rules */
	bool in_chain;
	unsigned int in_jumps; /* "-A INPUT -j NFJUDGE-IN" */
	bool mangle_chain;
	unsigned int mangle_jumps; /* mangle's "-A OUTPUT -j NFJUDGE" */
};

/*
 * Defaults: queue 0, the default mark and NFLOG group, fail-closed, UDP
 * and IPv6 on.
 */
void rules_opts_init(struct rules_opts *o);

/*
 * Option parsers for the command line and the daemon: 0, or -EINVAL with
 * *why set to a static sentence saying what was expected.
 */
int rules_opts_parse_queue(struct rules_opts *o, const char *s,
			   const char **why);
int rules_opts_parse_mark(struct rules_opts *o, const char *s,
			  const char **why);
int rules_opts_parse_backend(struct rules_opts *o, const char *s,
			     const char **why);
int rules_opts_add_exempt(struct rules_opts *o, const char *s,
			  const char **why);
int rules_opts_parse_nflog_group(struct rules_opts *o, const char *s,
				 const char **why);

/* The NFLOG group of DNS answers, next to the fence's. */
uint16_t rules_dns_group(const struct rules_opts *o);

/* Checks options filled in by hand, as the parsers would. */
int rules_opts_check(const struct rules_opts *o, const char **why);

/*
 * The name of the tool to run, e.g. "ip6tables-legacy-restore", into buf
 * (at least 32 bytes).  Returns buf.
 */
const char *rules_program(enum rules_family fam, enum rules_backend be,
			  bool restore, char *buf, size_t len);

/*
 * iptables-restore --noflush input that makes the chains exactly what the
 * options say (declaring an existing user chain flushes it, on both
 * backends) and leaves exactly one jump to each at the top of OUTPUT and
 * INPUT, given the jumps there are now.  malloc'd; NULL with errno set.
 */
char *rules_text_install(const struct rules_opts *o, enum rules_family fam,
			 const struct rules_state *now);

/* Input that deletes our jumps and our chains, and nothing else. */
char *rules_text_remove(const struct rules_state *now);

/*
 * Reads "iptables -t filter -S" and "iptables -t mangle -S" output; the
 * mangle listing may be NULL.
 */
void rules_state_parse(const char *listing, struct rules_state *st);
void rules_state_parse_mangle(const char *listing, struct rules_state *st);

/*
 * Whether a listing ("iptables -t TABLE -S") holds our chains of that
 * table exactly as install writes them, each jumped to by the first rule
 * of its hook.  Pure.
 */
bool rules_listing_intact(const struct rules_opts *o, enum rules_family fam,
			  const char *table, const char *listing);

/*
 * Lists every table of ours for IPv4 and (unless no_ipv6) IPv6: 1 when
 * all are intact, 0 when one is altered or gone, -errno when one cannot
 * be listed.
 */
int rules_verify(const struct rules_opts *o);

/* Whether any chain or jump of ours is there. */
bool rules_state_any(const struct rules_state *st);

/*
 * A tool's error output as one log line: blank lines and "Try `...'"
 * hints dropped, the rest joined by spaces, and the line of input it
 * names ("line N") quoted after it.  malloc'd; NULL with errno set.
 */
char *rules_error_text(const char *err, const char *input);

/*
 * Install or remove for IPv4 and (unless no_ipv6) IPv6: one atomic
 * iptables-restore transaction per family.  Both are idempotent.  0, or
 * -errno after logging what failed, with the tool's own message.
 */
int rules_install(const struct rules_opts *o);
int rules_remove(const struct rules_opts *o);

#endif
