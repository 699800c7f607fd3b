// SPDX-License-Identifier: GPL-2.0-or-later
/* nfjudge doctor [--netns PATH] [the options that say what our chain is] */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "doctor.h"
#include "log.h"
#include "rules.h"

enum {
	OPT_NETNS = 256,
	OPT_MARK,
	OPT_NO_UDP,
	OPT_NO_IPV6,
	OPT_BACKEND,
	OPT_EXEMPT_UID,
	OPT_NFLOG_GROUP
};

static const struct option doctor_longopts[] = {
	{"netns", required_argument, NULL, OPT_NETNS},
	{"queue", required_argument, NULL, 'q'},
	{"mark", required_argument, NULL, OPT_MARK},
	{"no-udp", no_argument, NULL, OPT_NO_UDP},
	{"no-ipv6", no_argument, NULL, OPT_NO_IPV6},
	{"backend", required_argument, NULL, OPT_BACKEND},
	{"exempt-uid", required_argument, NULL, OPT_EXEMPT_UID},
	{"nflog-group", required_argument, NULL, OPT_NFLOG_GROUP},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

static void doctor_usage(FILE *out)
{
	fprintf(out,
		"usage: nfjudge doctor [--netns PATH] [OPTIONS]\n"
		"\n"
		"List the holes of a network namespace that nfjudge cannot "
		"close from\n"
		"netfilter, or that leave its fence open, one line each with "
		"what to do:\n"
		"processes holding CAP_NET_RAW, CAP_NET_ADMIN or "
		"CAP_SYS_ADMIN, the chain\n"
		"missing or not as 'nfjudge rules install' writes it, "
		"fail-open rules, a\n"
		"queue without a reader, forwarding, IPv6 without its chain, "
		"unprivileged\n"
		"ping sockets.  Exit status 1 when a hole is open, 0 when "
		"none is.\n"
		"\n"
		"options:\n"
		"      --netns PATH      check the namespace of PATH (e.g. "
		"/run/netns/NAME)\n"
		"                        instead of the one doctor runs in\n"
		"  -q, --queue N|N:M     the queue(s) the rules use (default "
		"0)\n"
		"      --mark VALUE/MASK the reject mark of the rules\n"
		"      --no-udp          the rules were installed with "
		"--no-udp\n"
		"      --no-ipv6         no IPv6 chain is expected\n"
		"      --exempt-uid UID  the rules exempt this uid "
		"(repeatable)\n"
		"      --nflog-group N   the NFLOG group of the rules' "
		"drops\n"
		"      --backend nft|legacy\n"
		"                        list the rules with this iptables "
		"backend\n");
}

static const struct doctor_valued {
	int c;
	const char *name;
	int (*parse)(struct rules_opts *o, const char *s, const char **why);
} doctor_valued[] = {
	{'q', "--queue", rules_opts_parse_queue},
	{OPT_MARK, "--mark", rules_opts_parse_mark},
	{OPT_BACKEND, "--backend", rules_opts_parse_backend},
	{OPT_EXEMPT_UID, "--exempt-uid", rules_opts_add_exempt},
	{OPT_NFLOG_GROUP, "--nflog-group", rules_opts_parse_nflog_group},
};

/* One option: 0, 1 for --help, or EXIT_USAGE. */
static int doctor_option(struct rules_opts *o, const char **netns, int c,
			 const char *arg)
{
	const char *why = NULL;
	size_t i;

	for (i = 0; i < sizeof(doctor_valued) / sizeof(doctor_valued[0]); i++) {
		if (doctor_valued[i].c != c)
			continue;
		if (!doctor_valued[i].parse(o, arg, &why))
			return 0;
		fprintf(stderr, "nfjudge doctor: %s '%s': %s\n",
			doctor_valued[i].name, arg, why);
		return EXIT_USAGE;
	}
	if (c == OPT_NETNS)
		*netns = arg;
	else if (c == OPT_NO_UDP)
		o->no_udp = true;
	else if (c == OPT_NO_IPV6)
		o->no_ipv6 = true;
	else
		return c == 'h' ? 1 : EXIT_USAGE;
	return 0;
}

/* 0, or the exit status: 2 for a path that is no namespace, 1 else. */
static int enter_netns(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), ret = 0;

	if (fd < 0) {
		log_warn("--netns %s", path);
		return EXIT_USAGE;
	}
	if (setns(fd, CLONE_NEWNET)) {
		ret = errno == EINVAL ? EXIT_USAGE : 1;
		if (errno == EINVAL)
			log_warnx("--netns %s: not a network namespace", path);
		else
			log_warn("--netns %s: cannot enter it", path);
	}
	close(fd);
	return ret;
}

static int doctor_print(const struct doctor_report *r)
{
	size_t i, holes = doctor_holes(r);

	for (i = 0; i < r->n; i++)
		printf("%s: %s\n",
		       r->v[i].level == DOCTOR_HOLE ? "hole" : "info",
		       r->v[i].text);
	if (r->oom)
		printf("hole: out of memory, the list above is not "
		       "complete\n");
	if (holes || r->oom)
		printf("%zu hole(s) open\n", holes + r->oom);
	else
		printf("no hole found\n");
	if (fflush(stdout) || ferror(stdout)) {
		log_warn("standard output");
		return 1;
	}
	return holes || r->oom ? 1 : 0;
}

static int doctor_main(const struct rules_opts *o, const char *netns)
{
	struct doctor_report r = {0};
	int ret;

	if (netns && (ret = enter_netns(netns)))
		return ret;
	doctor_check_here(o, false, &r);
	ret = doctor_print(&r);
	doctor_report_free(&r);
	return ret;
}

int cmd_doctor(int argc, char **argv)
{
	struct rules_opts o;
	const char *netns = NULL;
	int c, ret;

	rules_opts_init(&o);
	log_init("nfjudge doctor", false, 0);
	while ((c = getopt_long(argc, argv, "q:h", doctor_longopts, NULL)) !=
	       -1) {
		ret = doctor_option(&o, &netns, c, optarg);
		if (ret == 1) {
			doctor_usage(stdout);
			return 0;
		}
		if (ret)
			return ret;
	}
	if (optind != argc) {
		fprintf(stderr, "nfjudge doctor: unexpected argument '%s'\n",
			argv[optind]);
		doctor_usage(stderr);
		return EXIT_USAGE;
	}
	return doctor_main(&o, netns);
}
