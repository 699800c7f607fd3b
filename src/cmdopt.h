/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFJUDGE_CMDOPT_H
#define NFJUDGE_CMDOPT_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* What the subcommands share of their command lines. */

struct rules_opts;

/*
 * The options that say what the iptables chain is, for run, rules and
 * doctor alike: CMDOPT_RULES_LONGOPTS goes into a command's struct option
 * array (with CMDOPT_RULES_FAIL_OPEN where the command takes
 * --fail-open), "q:" into its short options.  The values leave room below
 * for each command's own.
 */
enum {
	CMDOPT_OPT_MARK = 0x400,
	CMDOPT_OPT_FAIL_OPEN,
	CMDOPT_OPT_NO_UDP,
	CMDOPT_OPT_NO_IPV6,
	CMDOPT_OPT_BACKEND,
	CMDOPT_OPT_EXEMPT_UID,
	CMDOPT_OPT_NFLOG_GROUP,
};
/* clang-format off */
#define CMDOPT_RULES_LONGOPTS \
	{"queue", required_argument, NULL, 'q'}, \
	{"mark", required_argument, NULL, CMDOPT_OPT_MARK}, \
	{"no-udp", no_argument, NULL, CMDOPT_OPT_NO_UDP}, \
	{"no-ipv6", no_argument, NULL, CMDOPT_OPT_NO_IPV6}, \
	{"backend", required_argument, NULL, CMDOPT_OPT_BACKEND}, \
	{"exempt-uid", required_argument, NULL, CMDOPT_OPT_EXEMPT_UID}, \
	{"nflog-group", required_argument, NULL, CMDOPT_OPT_NFLOG_GROUP}
#define CMDOPT_RULES_FAIL_OPEN \
	{"fail-open", no_argument, NULL, CMDOPT_OPT_FAIL_OPEN}
/* clang-format on */

/*
 * Option c with its argument into o: 0 when c is one of those options, 1
 * when it is none of them, EXIT_USAGE when its value is wrong (said on
 * stderr as "PROG: --OPTION 'VALUE': why").
 */
int cmdopt_rules_option(struct rules_opts *o, int c, const char *arg,
			const char *prog);

/*
 * After getopt: 0 when no argument is left, else EXIT_USAGE, said on
 * stderr as "PROG: unexpected argument 'ARG'".
 */
int cmdopt_no_args(const char *prog, int argc, char **argv);

/*
 * After getopt: 0 when an argument is left, else EXIT_USAGE, said on
 * stderr as "PROG: no WHAT given" with the usage after it.
 */
int cmdopt_need_args(const char *prog, const char *what, int argc,
		     void (*usage)(FILE *out));

/* --help or -h */
bool cmdopt_is_help(const char *arg);

/* A command's subcommands, for cmdopt_dispatch. */
struct cmdopt_sub {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary; /* for the command's usage, if it wants one */
};

/* The subcommand called name, or NULL. */
const struct cmdopt_sub *cmdopt_find(const struct cmdopt_sub *subs, size_t n,
				     const char *name);

/*
 * Run the subcommand argv[1] names with argv + 1: its exit status.  For
 * --help or -h, usage on stdout and 0; for no name or an unknown one,
 * usage on stderr (after "PROG: unknown command 'NAME'") and EXIT_USAGE.
 */
int cmdopt_dispatch(const char *prog, const struct cmdopt_sub *subs, size_t n,
		    void (*usage)(FILE *out), int argc, char **argv);

#endif
