/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFJUDGE_CTLPROTO_H
#define NFJUDGE_CTLPROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "flow.h"

/*
 * The control socket's requests: one JSON object a line, such as
 *	{"cmd":"allow","rule":"proto tcp to 10.0.0.5 port 443","ttl":"5m"}
 * The bytes come from a peer that may be hostile; the parser reads only
 * line[0..len) and writes only *req and err.
 */

/* The longest request line, newline excluded. */
#define CTLREQ_MAX	4096
#define CTLREQ_RULE_MAX 1024
#define CTLREQ_FILE_MAX 1024
/* The longest temporary rule: a week. */
#define CTL_TTL_MAX (7 * 24 * 3600)

enum ctlreq_cmd {
	CTL_STATUS,
	CTL_RELOAD,
	CTL_EXPLAIN,
	CTL_ALLOW,
	CTL_DENY,
	CTL_RULES,
};

struct ctlreq {
	enum ctlreq_cmd cmd;
	char file[CTLREQ_FILE_MAX]; /* reload; "" for the policy in force */
	char rule[CTLREQ_RULE_MAX]; /* allow, deny: the match text */
	uint32_t ttl_s;		    /* allow, deny */
	struct flow flow;	    /* explain */
	int pid;		    /* explain: 0 for none */
};

/* The command's name, "status" .. "rules". */
const char *ctlproto_cmd_name(enum ctlreq_cmd cmd);

/* 0, or -EINVAL with a message in err. */
int ctlproto_parse_request(const char *line, size_t len, struct ctlreq *req,
			   char *err, size_t errlen);

/*
 * A duration: a whole number followed by s, m, h or d (none: seconds),
 * 1 s to CTL_TTL_MAX.  0, or -EINVAL.
 */
int ctlproto_parse_ttl(const char *text, uint32_t *seconds);

/*
 * One end of a flow for explain: ADDR, ADDR:PORT or [ADDR6]:PORT, into
 * addr (16 bytes) and *port (0 when none).  Returns the version (4 or 6),
 * or 0 when it is not such a text.
 */
int ctlproto_parse_endpoint(const char *text, uint8_t addr[16], uint16_t *port);

#endif
