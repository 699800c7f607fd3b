// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cmdopt.h"
#include "exitcode.h"
#include "rules.h"

/* The options that take a value, each with its parser. */
static const struct cmdopt_valued {
	int c;
	const char *name;
	int (*parse)(struct rules_opts *o, const char *s, const char **why);
} cmdopt_valued[] = {
	{'q', "--queue", rules_opts_parse_queue},
	{CMDOPT_OPT_MARK, "--mark", rules_opts_parse_mark},
	{CMDOPT_OPT_BACKEND, "--backend", rules_opts_parse_backend},
	{CMDOPT_OPT_EXEMPT_UID, "--exempt-uid", rules_opts_add_exempt},
	{CMDOPT_OPT_NFLOG_GROUP, "--nflog-group", rules_opts_parse_nflog_group},
};

static int cmdopt_rules_flag(struct rules_opts *o, int c)
{
	switch (c) {
	case CMDOPT_OPT_FAIL_OPEN:
		o->fail_open = true;
		return 0;
	case CMDOPT_OPT_NO_UDP:
		o->no_udp = true;
		return 0;
	case CMDOPT_OPT_NO_IPV6:
		o->no_ipv6 = true;
		return 0;
	default:
		return 1;
	}
}

int cmdopt_rules_option(struct rules_opts *o, int c, const char *arg,
			const char *prog)
{
	const char *why = NULL;
	size_t i;

	for (i = 0; i < sizeof(cmdopt_valued) / sizeof(cmdopt_valued[0]); i++) {
		if (cmdopt_valued[i].c != c)
			continue;
		if (!cmdopt_valued[i].parse(o, arg, &why))
			return 0;
		fprintf(stderr, "%s: %s '%s': %s\n", prog,
			cmdopt_valued[i].name, arg, why);
		return EXIT_USAGE;
	}
	return cmdopt_rules_flag(o, c);
}

int cmdopt_no_args(const char *prog, int argc, char **argv)
{
	if (optind >= argc)
		return 0;
	fprintf(stderr, "%s: unexpected argument '%s'\n", prog, argv[optind]);
	return EXIT_USAGE;
}

int cmdopt_need_args(const char *prog, const char *what, int argc,
		     void (*usage)(FILE *out))
{
	if (optind < argc)
		return 0;
	fprintf(stderr, "%s: no %s given\n", prog, what);
	usage(stderr);
	return EXIT_USAGE;
}

bool cmdopt_is_help(const char *arg)
{
	return !strcmp(arg, "--help") || !strcmp(arg, "-h");
}

const struct cmdopt_sub *cmdopt_find(const struct cmdopt_sub *subs, size_t n,
				     const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(name, subs[i].name))
			return &subs[i];
	return NULL;
}

int cmdopt_dispatch(const char *prog, const struct cmdopt_sub *subs, size_t n,
		    void (*usage)(FILE *out), int argc, char **argv)
{
	const struct cmdopt_sub *sub;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (cmdopt_is_help(argv[1])) {
		usage(stdout);
		return 0;
	}
	sub = cmdopt_find(subs, n, argv[1]);
	if (sub)
		return sub->run(argc - 1, argv + 1);
	fprintf(stderr, "%s: unknown command '%s'\n", prog, argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
