// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nfjudge: the subcommand dispatcher.  Each subcommand parses its own
 * options in its cmd_*.c file.
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{"run", cmd_run, "judge new outbound flows on NFQUEUE (the daemon)"},
	{"replay", cmd_replay, "judge the flows of pcap captures offline"},
	{"audit", cmd_audit, "verify, search and summarise verdict logs"},
	{"rules", cmd_rules, "print, install or remove the iptables rules"},
	{"doctor", cmd_doctor,
	 "list the holes of a namespace that the fence cannot close"},
	{"policy", cmd_policy,
	 "check a policy file or show the policy in effect"},
	{"ctl", cmd_ctl, "talk to a running daemon's control socket"},
	{"version", cmd_version, "print version information"},
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *out)
{
	size_t i;

	fprintf(out, "usage: nfjudge COMMAND [OPTIONS]\n\ncommands:\n");
	for (i = 0; i < N_COMMANDS; i++)
		fprintf(out, "  %-8s %s\n", commands[i].name,
			commands[i].summary);
	fprintf(out, "\n'nfjudge COMMAND --help' describes a command's "
		     "options.\n");
}

static bool is_help(const char *arg)
{
	return !strcmp(arg, "--help") || !strcmp(arg, "-h");
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (is_help(argv[1])) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version"))
		return cmd_version(1, argv + 1);
	for (i = 0; i < N_COMMANDS; i++) {
		const struct command *cmd = &commands[i];

		if (strcmp(argv[1], cmd->name))
			continue;
		return cmd->run(argc - 1, argv + 1);
	}
	fprintf(stderr, "nfjudge: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
