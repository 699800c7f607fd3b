// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nfjudge: the subcommand dispatcher.  Each subcommand parses its own
 * options in its cmd_*.c file.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "cmdopt.h"

static const struct cmdopt_sub commands[] = {
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

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "--version"))
		return cmd_version(1, argv + 1);
	return cmdopt_dispatch("nfjudge", commands, N_COMMANDS, usage, argc,
			       argv);
}
