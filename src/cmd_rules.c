// SPDX-License-Identifier: GPL-2.0-or-later
/* nfjudge rules print|install|remove */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "cmdopt.h"
#include "log.h"
#include "rules.h"

static const struct option rules_longopts[] = {
	CMDOPT_RULES_LONGOPTS,
	CMDOPT_RULES_FAIL_OPEN,
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

static const char rules_intro[] =
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
	"\n";

static const char rules_backends[] =
	"Rules installed with one backend are invisible to the other:\n"
	"'iptables-legacy -S' does not list what iptables-nft put in, "
	"yet both filter\n"
	"packets.  Use the same --backend to install and to remove, "
	"and list the rules\n"
	"with that backend's tools.\n";

static void rules_usage(FILE *out)
{
	fputs(rules_intro, out);
	fprintf(out,
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
		"\n",
		RULES_MARK_DEFAULT, RULES_MASK_DEFAULT,
		RULES_NFLOG_GROUP_DEFAULT, RULES_MAX_EXEMPT);
	fputs(rules_backends, out);
}

/* One option into o: 0, 1 for --help, or EXIT_USAGE. */
static int rules_option(struct rules_opts *o, int c, const char *arg)
{
	int ret = cmdopt_rules_option(o, c, arg, "nfjudge rules");

	if (ret != 1)
		return ret;
	/* otherwise getopt has said what was wrong */
	return c == 'h' ? 1 : EXIT_USAGE;
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
