// SPDX-License-Identifier: GPL-2.0-or-later
/* nfjudge rules print|install|remove */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "log.h"
#include "rules.h"

enum {
	OPT_MARK = 256,
	OPT_FAIL_OPEN,
	OPT_NO_UDP,
	OPT_NO_IPV6,
	OPT_BACKEND,
	OPT_EXEMPT_UID,
	OPT_NFLOG_GROUP
};

static const struct option rules_longopts[] = {
	{"queue", required_argument, NULL, 'q'},
	{"mark", required_argument, NULL, OPT_MARK},
	{"fail-open", no_argument, NULL, OPT_FAIL_OPEN},
	{"no-udp", no_argument, NULL, OPT_NO_UDP},
	{"no-ipv6", no_argument, NULL, OPT_NO_IPV6},
	{"backend", required_argument, NULL, OPT_BACKEND},
	{"exempt-uid", required_argument, NULL, OPT_EXEMPT_UID},
	{"nflog-group", required_argument, NULL, OPT_NFLOG_GROUP},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

static void rules_usage(FILE *out)
{
	fprintf(out,
		"usage: nfjudge rules print|install|remove [OPTIONS]\n"
		"\n"
		"print    the iptables-restore input for IPv4 and IPv6\n"
		"install  create chains " RULES_CHAIN " (filter and mangle) "
		"and " RULES_CHAIN_IN ",\n"
		"         jumped to from the top of OUTPUT and INPUT; atomic\n"
		"         (iptables-restore --noflush), idempotent\n"
		"remove   delete those jumps and chains, nothing else; "
		"idempotent\n"
		"\n"
		"The fence: the first packet of every new flow, of any "
		"protocol and either\n"
		"direction, is queued and judged; established flows stay in "
		"the kernel;\n"
		"everything else (conntrack INVALID or UNTRACKED, TCP that is "
		"neither a plain\n"
		"SYN nor of a flow, fragments, foreign source addresses, IPv4 "
		"options, IPv6\n"
		"routing headers, packets already carrying the reject mark) "
		"is dropped and\n"
		"logged to NFLOG for the daemon to record.\n"
		"\n"
		"options:\n"
		"  -q, --queue N|N:M     queue number, or a range balanced "
		"over CPUs (default 0)\n"
		"      --mark VALUE/MASK the reject mark (default "
		"0x%x/0x%x);\n"
		"                        packets that carry these bits before "
		"judging are dropped\n"
		"      --nflog-group N   the NFLOG group drops are logged to "
		"(default %u)\n"
		"      --fail-open       let packets through while no nfjudge "
		"reads the queue\n"
		"                        (default: fail-closed, they are "
		"dropped)\n"
		"      --no-udp          do not judge UDP and UDP-Lite: new "
		"flows are dropped\n"
		"      --no-ipv6         leave ip6tables alone\n"
		"      --exempt-uid UID  never queue this uid's packets "
		"(repeatable, up to %d)\n"
		"      --backend nft|legacy\n"
		"                        run iptables-nft-* or "
		"iptables-legacy-*; default: plain\n"
		"                        iptables-restore, whichever backend "
		"it is\n"
		"\n"
		"Rules installed with one backend are invisible to the other:\n"
		"'iptables-legacy -S' does not list what iptables-nft put in, "
		"yet both filter\n"
		"packets.  Use the same --backend to install and to remove, "
		"and list the rules\n"
		"with that backend's tools.\n",
		RULES_MARK_DEFAULT, RULES_MASK_DEFAULT,
		RULES_NFLOG_GROUP_DEFAULT, RULES_MAX_EXEMPT);
}

/* The options that take a value, each with its parser. */
static const struct rules_valued {
	int c;
	const char *name;
	int (*parse)(struct rules_opts *o, const char *s, const char **why);
} rules_valued[] = {
	{'q', "--queue", rules_opts_parse_queue},
	{OPT_MARK, "--mark", rules_opts_parse_mark},
	{OPT_BACKEND, "--backend", rules_opts_parse_backend},
	{OPT_EXEMPT_UID, "--exempt-uid", rules_opts_add_exempt},
	{OPT_NFLOG_GROUP, "--nflog-group", rules_opts_parse_nflog_group},
};

/* One option into o: 0, 1 for --help, or EXIT_USAGE. */
static int rules_option(struct rules_opts *o, int c, const char *arg)
{
	const char *why = NULL;
	size_t i;

	for (i = 0; i < sizeof(rules_valued) / sizeof(rules_valued[0]); i++) {
		if (rules_valued[i].c != c)
			continue;
		if (!rules_valued[i].parse(o, arg, &why))
			return 0;
		fprintf(stderr, "nfjudge rules: %s '%s': %s\n",
			rules_valued[i].name, arg, why);
		return EXIT_USAGE;
	}
	switch (c) {
	case OPT_FAIL_OPEN:
		o->fail_open = true;
		return 0;
	case OPT_NO_UDP:
		o->no_udp = true;
		return 0;
	case OPT_NO_IPV6:
		o->no_ipv6 = true;
		return 0;
	case 'h':
		return 1;
	default: /* getopt has said what was wrong */
		return EXIT_USAGE;
	}
}

static int rules_print(const struct rules_opts *o)
{
	static const struct rules_state none;
	char *v4, *v6 = NULL;
	int ret = 1;

	v4 = rules_text_install(o, RULES_IPV4, &none);
	if (!o->no_ipv6)
		v6 = rules_text_install(o, RULES_IPV6, &none);
	if (!v4 || (!o->no_ipv6 && !v6)) {
		log_warn("rules print");
		goto out;
	}
	fputs(v4, stdout);
	if (v6)
		fputs(v6, stdout);
	if (fflush(stdout) || ferror(stdout)) {
		log_warn("rules print: standard output");
		goto out;
	}
	ret = 0;
out:
	free(v4);
	free(v6);
	return ret;
}

static int rules_action(const char *action, const struct rules_opts *o)
{
	if (!strcmp(action, "print"))
		return rules_print(o);
	if (!strcmp(action, "install"))
		return rules_install(o) ? 1 : 0;
	if (!strcmp(action, "remove"))
		return rules_remove(o) ? 1 : 0;
	fprintf(stderr,
		"nfjudge rules: unknown action '%s' "
		"(expected print, install or remove)\n",
		action);
	return EXIT_USAGE;
}

int cmd_rules(int argc, char **argv)
{
	struct rules_opts o;
	int c, ret;

	rules_opts_init(&o);
	log_init("nfjudge rules", false, 0);
	while ((c = getopt_long(argc, argv, "q:h", rules_longopts, NULL)) !=
	       -1) {
		ret = rules_option(&o, c, optarg);
		if (ret == 1) {
			rules_usage(stdout);
			return 0;
		}
		if (ret)
			return ret;
	}
	if (optind != argc - 1) {
		fprintf(stderr, "nfjudge rules: expected one action: print, "
				"install or remove\n");
		rules_usage(stderr);
		return EXIT_USAGE;
	}
	return rules_action(argv[optind], &o);
}
