// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nfjudge policy check FILE | show [-c FILE] [--proxy HOST:PORT]
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "cmdopt.h"
#include "policy.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: nfjudge policy check FILE\n"
		"       nfjudge policy show [-c FILE] [--proxy HOST:PORT]\n"
		"\n"
		"check  validate a policy file and print its compiled rules "
		"in\n"
		"       canonical form; every error is reported (exit 2)\n"
		"show   print the policy in effect: FILE, or without -c the\n"
		"       embedded default (loopback and the proxy; the proxy "
		"from\n"
		"       --proxy or HTTPS_PROXY, https_proxy, HTTP_PROXY,\n"
		"       http_proxy, ALL_PROXY)\n"
		"\n"
		"The language is described in nfjudge.conf(5).\n");
}

/* Print a loaded policy; 0, or EXIT_USAGE when it did not load. */
static int print_policy(struct policy *p)
{
	if (!p)
		return EXIT_USAGE;
	policy_print(p, stdout);
	policy_free(p);
	return fflush(stdout) ? 1 : 0;
}

static int policy_check(int argc, char **argv)
{
	if (argc == 2 && cmdopt_is_help(argv[1])) {
		usage(stdout);
		return 0;
	}
	if (argc != 2 || argv[1][0] == '-') {
		fprintf(stderr, "nfjudge policy check: expected one FILE\n");
		usage(stderr);
		return EXIT_USAGE;
	}
	return print_policy(policy_load_stderr(argv[1], NULL));
}

static int policy_show(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"config", required_argument, NULL, 'c'},
		{"proxy", required_argument, NULL, 'p'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *file = NULL, *proxy = NULL;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "c:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			file = optarg;
			break;
		case 'p':
			proxy = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if ((c = cmdopt_no_args("nfjudge policy show", argc, argv)))
		return c;
	return print_policy(policy_load_stderr(file, proxy));
}

int cmd_policy(int argc, char **argv)
{
	static const struct cmdopt_sub subs[] = {
		{"check", policy_check, NULL},
		{"show", policy_show, NULL},
	};

	return cmdopt_dispatch("nfjudge policy", subs,
			       sizeof(subs) / sizeof(subs[0]), usage, argc,
			       argv);
}
