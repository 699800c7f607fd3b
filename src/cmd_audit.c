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
#include "export.h"
#include "log.h"

static int cmd_audit_export(int argc, char **argv);

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
} audit_cmds[] = {
	{"verify", cmd_audit_verify},	{"search", cmd_audit_search},
	{"summary", cmd_audit_summary}, {"whatif", cmd_audit_whatif},
	{"suggest", cmd_audit_suggest}, {"report", cmd_audit_report},
	{"export", cmd_audit_export},
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
	static char prog[48];
	size_t i;

	if (argc < 2) {
		audit_usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		audit_usage(stdout);
		return 0;
	}
	for (i = 0; i < sizeof(audit_cmds) / sizeof(audit_cmds[0]); i++) {
		if (strcmp(argv[1], audit_cmds[i].name))
			continue;
		/* every diagnostic names the command it comes from */
		snprintf(prog, sizeof(prog), "nfjudge audit %s",
			 audit_cmds[i].name);
		log_init(prog, false, 0);
		return audit_cmds[i].run(argc - 1, argv + 1);
	}
	log_init("nfjudge audit", false, 0);
	log_warnx("unknown command '%s'", argv[1]);
	audit_usage(stderr);
	return EXIT_USAGE;
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
