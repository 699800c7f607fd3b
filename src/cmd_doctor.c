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
#include "cmdopt.h"
#include "doctor.h"
#include "log.h"
#include "rules.h"

enum { OPT_NETNS = 256 };

static const struct option doctor_longopts[] = {
	{"netns", required_argument, NULL, OPT_NETNS},
	CMDOPT_RULES_LONGOPTS,
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

/* One option: 0, 1 for --help, or EXIT_USAGE. */
static int doctor_option(struct rules_opts *o, const char **netns, int c,
			 const char *arg)
{
	int ret = cmdopt_rules_option(o, c, arg, "nfjudge doctor");

	if (ret != 1)
		return ret;
	if (c != OPT_NETNS)
		return c == 'h' ? 1 : EXIT_USAGE;
	*netns = arg;
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
	if ((ret = cmdopt_no_args("nfjudge doctor", argc, argv))) {
		doctor_usage(stderr);
		return ret;
	}
	return doctor_main(&o, netns);
}
