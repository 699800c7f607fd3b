// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "cmd.h"

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
} audit_cmds[] = {
	{"verify", audit_verify},   {"search", audit_search},
	{"summary", audit_summary}, {"whatif", audit_whatif},
	{"suggest", audit_suggest}, {"report", audit_report},
	{"export", audit_export},
};

static void audit_usage(FILE *out)
{
	fprintf(out,
		"usage: nfjudge audit COMMAND [OPTIONS] LOG...\n\n"
		"  verify [--key FILE] [--from SEQ:DIGEST | --trust-head] "
		"LOG...\n"
		"                              chain intact? names the first "
		"bad line\n"
		"  search [FILTERS] LOG...     the records that match\n"
		"  summary [--by KEY] LOG...   counts by verdict, rule, exe, "
		"dest, user, hour\n"
		"  whatif -c POLICY LOG...     records a new policy would "
		"judge "
		"otherwise\n"
		"  suggest LOG...              policy lines that would allow "
		"what was refused\n"
		"  report -o FILE.html LOG...  a self-contained HTML "
		"report\n"
		"  export --format ocsf|ecs LOG...  the records as OCSF or "
		"ECS events\n\n"
		"LOG may be - (standard input) or gzip-compressed; rotated "
		"files are read\nin the order given.  'nfjudge audit COMMAND "
		"--help' for a command's options.\n");
}

int cmd_audit(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		audit_usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		audit_usage(stdout);
		return 0;
	}
	for (i = 0; i < sizeof(audit_cmds) / sizeof(audit_cmds[0]); i++)
		if (!strcmp(argv[1], audit_cmds[i].name))
			return audit_cmds[i].run(argc - 1, argv + 1);
	fprintf(stderr, "nfjudge audit: unknown command '%s'\n", argv[1]);
	audit_usage(stderr);
	return EXIT_USAGE;
}
