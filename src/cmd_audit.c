// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "cmd.h"
#include "cmd_audit.h"
#include "cmdopt.h"
#include "export.h"
#include "log.h"

static int cmd_audit_export(int argc, char **argv);

/* The usage lists them itself: no summaries here. */
static const struct cmdopt_sub audit_cmds[] = {
	{"verify", cmd_audit_verify, NULL},
	{"search", cmd_audit_search, NULL},
	{"summary", cmd_audit_summary, NULL},
	{"whatif", cmd_audit_whatif, NULL},
	{"suggest", cmd_audit_suggest, NULL},
	{"report", cmd_audit_report, NULL},
	{"export", cmd_audit_export, NULL},
};

#define N_AUDIT_CMDS (sizeof(audit_cmds) / sizeof(audit_cmds[0]))

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

int cmd_audit_need_logs(int argc)
{
	if (optind < argc)
		return -1;
	log_warnx("no LOG given (- for standard input)");
	return EXIT_USAGE;
}

int cmd_audit_format(const char *arg, enum aformat *f)
{
	if (!audit_format_parse(arg, f))
		return 0;
	log_warnx("--format '%s': expected table, json or csv", arg);
	return -EINVAL;
}

int cmd_audit(int argc, char **argv)
{
	const struct cmdopt_sub *sub =
		argc >= 2 ? cmdopt_find(audit_cmds, N_AUDIT_CMDS, argv[1])
			  : NULL;
	static char prog[48];

	/* every diagnostic names the command it comes from */
	if (sub)
		snprintf(prog, sizeof(prog), "nfjudge audit %s", sub->name);
	log_init(sub ? prog : "nfjudge audit", false, 0);
	return cmdopt_dispatch("nfjudge audit", audit_cmds, N_AUDIT_CMDS,
			       audit_usage, argc, argv);
}

static void export_usage(FILE *out)
{
	fprintf(out,
		"usage: nfjudge audit export --format ocsf|ecs LOG...\n\n"
		"The records as JSON Lines for a SIEM: "
		"OCSF " EXPORT_OCSF_VERSION
		" (Network Activity 4001,\nDetection Finding 2004 for a "
		"refused bypass or an alert, Application\nLifecycle 6002 for "
		"start and stop) or ECS " EXPORT_ECS_VERSION ".  Records of "
		"other\ntypes are counted and skipped.\n\n"
		"  -f, --format ocsf|ecs   the schema to write (required)\n"
		"  -h, --help              this help\n");
}

/* -1 when LOGs follow and the format is set, else the exit status. */
static int export_args(struct export_config *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"format", required_argument, NULL, 'f'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	bool given = false;
	int opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "f:h", opts, NULL)) != -1) {
		if (opt == 'f' && !strcmp(optarg, "ocsf")) {
			c->format = EXPORT_OCSF;
		} else if (opt == 'f' && !strcmp(optarg, "ecs")) {
			c->format = EXPORT_ECS;
		} else if (opt == 'f') {
			log_warnx("unknown format '%s' (ocsf or ecs)", optarg);
			return EXIT_USAGE;
		} else {
			export_usage(opt == 'h' ? stdout : stderr);
			return opt == 'h' ? 0 : EXIT_USAGE;
		}
		given = true;
	}
	if (!given) {
		log_warnx("--format ocsf|ecs is required");
		return EXIT_USAGE;
	}
	return cmd_audit_need_logs(argc);
}

static int cmd_audit_export(int argc, char **argv)
{
	struct export_config c = {.format = EXPORT_OCSF};
	int ret = export_args(&c, argc, argv);

	if (ret >= 0)
		return ret;
	return export_run(&c, argv + optind, argc - optind);
}
