/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFJUDGE_RULES_H
#define NFJUDGE_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The iptables side of nfjudge: a chain NFJUDGE in the filter table,
 * jumped to from the top of OUTPUT, that rejects packets carrying our mark
 * (the daemon's reject verdict is "set the mark, NF_REPEAT") and queues
 * every TCP SYN and conntrack-NEW UDP packet.  rules.c generates the
 * iptables-restore text (pure); rules_apply.c runs the tools.
 */

#define RULES_CHAIN	 "NFJUDGE"
#define RULES_MAX_EXEMPT 16
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
	enum rules_backend backend;
	size_t n_exempt;
	uint32_t exempt_uid[RULES_MAX_EXEMPT];
};

/* What one family's filter table holds of ours, from "iptables -S". */
struct rules_state {
	bool chain;
	unsigned int jumps; /* "-A OUTPUT -j NFJUDGE" rules */
};

/* Defaults: queue 0, the default mark, fail-closed, UDP and IPv6 on. */
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

/* Checks options filled in by hand, as the parsers would. */
int rules_opts_check(const struct rules_opts *o, const char **why);

/*
 * The name of the tool to run, e.g. "ip6tables-legacy-restore", into buf
 * (at least 32 bytes).  Returns buf.
 */
const char *rules_program(enum rules_family fam, enum rules_backend be,
			  bool restore, char *buf, size_t len);

/*
 * iptables-restore --noflush input that makes the chain exactly what the
 * options say (declaring an existing user chain flushes it, on both
 * backends) and leaves exactly one jump at the top of OUTPUT, given the
 * jumps there are now.  malloc'd; NULL with errno set.
 */
char *rules_text_install(const struct rules_opts *o, enum rules_family fam,
			 const struct rules_state *now);

/* Input that deletes our jumps and our chain, and nothing else. */
char *rules_text_remove(const struct rules_state *now);

/* Reads "iptables -t filter -S" output. */
void rules_state_parse(const char *listing, struct rules_state *st);

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
