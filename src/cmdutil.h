/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFJUDGE_CMDUTIL_H
#define NFJUDGE_CMDUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct flow;
struct policy;

/* Helpers the subcommands share for their options and input files. */

#define CIDR_LIST_MAX 64

struct cidr {
	uint8_t addr[16];
	uint8_t version;
	uint8_t prefix;
};

/* A short list of networks, as options take them ("10.0.0.0/8,fd00::/8"). */
struct cidr_list {
	struct cidr items[CIDR_LIST_MAX];
	size_t n;
};

/* Append the comma-separated networks of text.  0 or -EINVAL. */
int cidr_list_parse(const char *text, struct cidr_list *list);

/* True when the flow's source address is in one of the networks. */
bool cidr_list_contains(const struct cidr_list *list, const struct flow *f);

/* True when addr (of the given version) is in the network. */
bool cidr_contains(const struct cidr *c, int version, const uint8_t *addr);

/*
 * Call cb for each line of path ("-" for standard input), without its
 * newline.  The first callback error is printed as "path:MSG" on stderr
 * (the callback's message starts with "LINE:COL: ") and returned.
 */
typedef int (*cmdutil_lines_cb)(void *ctx, const char *line, size_t len,
				unsigned lineno, char *err, size_t errlen);
int cmdutil_lines_foreach(const char *path, cmdutil_lines_cb cb, void *ctx);

/*
 * The policy a subcommand runs with: file, or without it the embedded
 * default with that proxy (NULL: from the environment).  Every diagnostic
 * goes to stderr; NULL once they are reported.
 */
struct policy *cmdutil_load_policy(const char *file, const char *proxy);

#endif
