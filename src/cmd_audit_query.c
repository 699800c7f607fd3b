// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The options of the commands that read records without checking the
 * chain: audit search, summary, whatif and suggest.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "cmd.h"
#include "cmd_audit.h"
#include "log.h"
#include "policy.h"

static void search_usage(FILE *out)
{
	fprintf(out,
		"usage: nfjudge audit search [OPTIONS] LOG...\n\n"
		"The verdict records that meet every condition given.\n\n"
		"  --verdict V      accept, reject or drop\n"
		"  --rule NAME      decided by this rule (\"default\" too)\n"
		"  --exe GLOB       executable, fnmatch(3) with FNM_PATHNAME\n"
		"  --user NAME|UID  owner of the process\n"
		"  --pid N          process id\n"
		"  --dest CIDR      destination address or network, v4 or "
		"v6\n"
		"  --port N|N-M     destination port or range\n"
		"  --proto P        tcp or udp\n"
		"  --since T        at or after T: RFC 3339, or -N[smhd] (now "
		"minus N)\n"
		"  --until T        at or before T\n"
		"  --format F       json (the records as they are, the "
		"default), table, csv\n"
		"  -h, --help       this help\n");
}

static const struct option search_opts[] = {
	{"verdict", required_argument, NULL, 0},
	{"rule", required_argument, NULL, 0},
	{"exe", required_argument, NULL, 0},
	{"user", required_argument, NULL, 0},
	{"pid", required_argument, NULL, 0},
	{"dest", required_argument, NULL, 0},
	{"port", required_argument, NULL, 0},
	{"proto", required_argument, NULL, 0},
	{"since", required_argument, NULL, 0},
	{"until", required_argument, NULL, 0},
	{"format", required_argument, NULL, 'f'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

/* -1 to go on, else the exit status. */
static int search_args(struct audit_search_config *c, int argc, char **argv)
{
	int64_t now = (int64_t)time(NULL) * 1000000;
	char err[256];
	int opt, idx;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", search_opts, &idx)) != -1) {
		if (opt == 'h') {
			search_usage(stdout);
			return 0;
		}
		if (opt == 'f' && cmd_audit_format(optarg, &c->format))
			return EXIT_USAGE;
		if (opt == 0 &&
		    audit_filter_set(&c->filter, search_opts[idx].name, optarg,
				     now, err, sizeof(err))) {
			log_warnx("%s", err);
			return EXIT_USAGE;
		}
		if (opt == '?') {
			search_usage(stderr);
			return EXIT_USAGE;
		}
	}
	return cmd_audit_need_logs(argc);
}

int cmd_audit_search(int argc, char **argv)
{
	struct audit_search_config c = {.format = AFORMAT_JSON};
	int ret;

	audit_filter_init(&c.filter);
	ret = search_args(&c, argc, argv);
	if (ret >= 0)
		return ret;
	return audit_search_run(&c, argv + optind, argc - optind);
}

static void summary_usage(FILE *out)
{
	fprintf(out,
		"usage: nfjudge audit summary [--by KEY]... [--format F] "
		"LOG...\n\n"
		"Verdict records counted by KEY, most frequent first, with "
		"when each was\nfirst and last seen.  Several --by group by "
		"all of them together.\n\n"
		"  --by KEY     verdict (the default), rule, exe, dest, user, "
		"hour\n"
		"  --format F   table (the default), json (one object a "
		"line), csv\n"
		"  -h, --help   this help\n");
}

/* -1 to go on, else the exit status. */
static int summary_args(struct audit_summary_config *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"by", required_argument, NULL, 'b'},
		{"format", required_argument, NULL, 'f'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int opt, by;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (opt == 'h') {
			summary_usage(stdout);
			return 0;
		}
		if (opt == 'b' && (by = audit_by_parse(optarg)) >= 0 &&
		    c->nby < AUDIT_BY_MAX) {
			c->by[c->nby++] = (enum aby)by;
			continue;
		}
		if (opt == 'f' && !cmd_audit_format(optarg, &c->format))
			continue;
		if (opt == 'b')
			log_warnx("--by '%s': expected verdict, rule, exe, "
				  "dest, user or hour (at most %d)",
				  optarg, AUDIT_BY_MAX);
		else if (opt != 'f')
			summary_usage(stderr);
		return EXIT_USAGE;
	}
	if (!c->nby)
		c->by[c->nby++] = ABY_VERDICT;
	return cmd_audit_need_logs(argc);
}

int cmd_audit_summary(int argc, char **argv)
{
	struct audit_summary_config c = {.format = AFORMAT_TABLE};
	int ret = summary_args(&c, argc, argv);

	if (ret >= 0)
		return ret;
	return audit_summary_run(&c, argv + optind, argc - optind);
}

static void whatif_usage(FILE *out)
{
	fprintf(out,
		"usage: nfjudge audit whatif [-c POLICY] [--proxy HOST:PORT] "
		"[--format F]\n"
		"                            [--fail-on-change] LOG...\n\n"
		"Judge every recorded flow again under POLICY and list the "
		"records whose\nverdict would change, then the totals.\n\n"
		"  -c, --config POLICY  the policy file; without it the "
		"embedded default\n"
		"  --proxy HOST:PORT    the proxy of the embedded default "
		"policy\n"
		"  --format F           table (the default), json, csv "
		"(totals on stderr)\n"
		"  --fail-on-change     exit 1 when any verdict would "
		"change\n"
		"  -h, --help           this help\n");
}

/* -1 to go on, else the exit status. */
static int whatif_args(struct audit_whatif_config *c, const char **file,
		       const char **proxy, int argc, char **argv)
{
	static const struct option opts[] = {
		{"config", required_argument, NULL, 'c'},
		{"proxy", required_argument, NULL, 'p'},
		{"format", required_argument, NULL, 'f'},
		{"fail-on-change", no_argument, NULL, 'F'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
		if (opt == 'h') {
			whatif_usage(stdout);
			return 0;
		} else if (opt == 'c') {
			*file = optarg;
		} else if (opt == 'p') {
			*proxy = optarg;
		} else if (opt == 'F') {
			c->fail_on_change = true;
		} else if (opt == 'f') {
			if (cmd_audit_format(optarg, &c->format))
				return EXIT_USAGE;
		} else {
			whatif_usage(stderr);
			return EXIT_USAGE;
		}
	}
	return cmd_audit_need_logs(argc);
}

int cmd_audit_whatif(int argc, char **argv)
{
	struct audit_whatif_config c = {.format = AFORMAT_TABLE};
	const char *file = NULL, *proxy = NULL;
	int ret = whatif_args(&c, &file, &proxy, argc, argv);

	if (ret >= 0)
		return ret;
	c.policy = policy_load_stderr(file, proxy);
	if (!c.policy)
		return EXIT_USAGE;
	ret = audit_whatif_run(&c, argv + optind, argc - optind);
	policy_free(c.policy);
	return ret;
}

static void suggest_usage(FILE *out)
{
	fprintf(out,
		"usage: nfjudge audit suggest LOG...\n\n"
		"Policy lines (nfjudge.conf(5)) that would accept what the "
		"logs show\nrejected or dropped: one rule per executable, "
		"protocol, destination\naddress and port, most frequent "
		"first.  Review them before use; put them\nbefore the rules "
		"that reject.\n\n"
		"  -h, --help   this help\n");
}

int cmd_audit_suggest(int argc, char **argv)
{
	static const struct option opts[] = {
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int opt, ret;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		suggest_usage(opt == 'h' ? stdout : stderr);
		return opt == 'h' ? 0 : EXIT_USAGE;
	}
	ret = cmd_audit_need_logs(argc);
	if (ret >= 0)
		return ret;
	return audit_suggest_run(argv + optind, argc - optind);
}
