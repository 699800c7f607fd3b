// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nfjudge replay: options and start-up; the loop is in replay.c.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cidr.h"
#include "cmd.h"
#include "cmdopt.h"
#include "cmdutil.h"
#include "log.h"
#include "policy.h"
#include "procmap.h"
#include "replay.h"

struct replay_opts {
	const char *policy_file;
	const char *proxy;
	const char *procs_file;
	const char *filter;
	const char *output;
	struct cidr_list local;
	enum replay_fail_on fail_on;
};

static const char usage_text[] =
	"usage: nfjudge replay [-c POLICY] [--proxy HOST:PORT] [--procs FILE]\n"
	"                      [--local CIDR,...] [-f BPF] "
	"[--fail-on reject|drop|any]\n"
	"                      [-o FILE] CAPTURE...\n"
	"\n"
	"Judge the new flows of pcap or pcapng captures with the daemon's "
	"engine and\nwrite one verdict record per judged packet and per "
	"packet the fence drops.\n"
	"\n"
	"  -c, --policy FILE     policy file (default: the embedded policy)\n"
	"      --proxy HOST:PORT the proxy of the embedded policy (default: "
	"from\n"
	"                        HTTPS_PROXY, https_proxy, HTTP_PROXY, "
	"http_proxy, ALL_PROXY)\n"
	"      --procs FILE      process identity for flows (JSON Lines; a "
	"verdict log)\n"
	"      --local CIDR,...  the sandbox's networks: packets from others "
	"come in\n"
	"  -f, --filter BPF      read only packets that match this filter\n"
	"      --fail-on V       exit 1 if any judged packet got verdict V\n"
	"                        (reject, drop, or any: reject or drop)\n"
	"  -o, --output FILE     write records to FILE (default: standard "
	"output)\n"
	"  -h, --help            show this help\n"
	"\n"
	"CAPTURE may be - for standard input.  A summary goes to standard "
	"error.\n"
	"Exit status: 0, 1 when --fail-on was hit or a capture is damaged, 2 "
	"on\nbad usage or input that is not a readable capture.  Every "
	"capture is read,\neven after a bad one.\n";

static int parse_fail_on(const char *s, enum replay_fail_on *out)
{
	if (!strcmp(s, "reject"))
		*out = REPLAY_FAIL_REJECT;
	else if (!strcmp(s, "drop"))
		*out = REPLAY_FAIL_DROP;
	else if (!strcmp(s, "any"))
		*out = REPLAY_FAIL_ANY;
	else
		return -EINVAL;
	return 0;
}

/* One option into *o: -1 to go on, else the exit status. */
static int parse_one(int c, struct replay_opts *o)
{
	switch (c) {
	case 'c':
		o->policy_file = optarg;
		return -1;
	case 'P':
		o->proxy = optarg;
		return -1;
	case 'p':
		o->procs_file = optarg;
		return -1;
	case 'l':
		if (!cidr_list_parse(optarg, &o->local))
			return -1;
		log_warnx("--local: invalid network list '%s'", optarg);
		return EXIT_USAGE;
	case 'f':
		o->filter = optarg;
		return -1;
	case 'F':
		if (!parse_fail_on(optarg, &o->fail_on))
			return -1;
		log_warnx("--fail-on: expected reject, drop or any, not '%s'",
			  optarg);
		return EXIT_USAGE;
	case 'o':
		o->output = optarg;
		return -1;
	case 'h':
		fputs(usage_text, stdout);
		return 0;
	default:
		fputs(usage_text, stderr);
		return EXIT_USAGE;
	}
}

static void replay_usage(FILE *out)
{
	fputs(usage_text, out);
}

static int parse_args(int argc, char **argv, struct replay_opts *o)
{
	static const struct option longopts[] = {
		{"policy", required_argument, NULL, 'c'},
		{"proxy", required_argument, NULL, 'P'},
		{"procs", required_argument, NULL, 'p'},
		{"local", required_argument, NULL, 'l'},
		{"filter", required_argument, NULL, 'f'},
		{"fail-on", required_argument, NULL, 'F'},
		{"output", required_argument, NULL, 'o'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c, rc;

	while ((c = getopt_long(argc, argv, "c:f:o:h", longopts, NULL)) != -1)
		if ((rc = parse_one(c, o)) >= 0)
			return rc;
	rc = cmdopt_need_args("nfjudge replay", "capture", argc, replay_usage);
	return rc ? rc : -1;
}

static int procs_line(void *ctx, const char *line, size_t len, unsigned lineno,
		      char *err, size_t errlen)
{
	return procmap_add_line(ctx, line, len, lineno, err, errlen);
}

static int load_procs(const char *path, struct procmap **out)
{
	struct procmap *pm = procmap_new();
	int ret = pm ? cmdutil_lines_foreach(path, procs_line, pm) : -ENOMEM;

	if (ret) {
		procmap_free(pm);
		return ret;
	}
	*out = pm;
	return 0;
}

int cmd_replay(int argc, char **argv)
{
	struct replay_opts o = {0};
	struct replay_cfg cfg = {0};
	struct procmap *pm = NULL;
	int rc;

	log_init("nfjudge replay", false, 0);
	rc = parse_args(argc, argv, &o);
	if (rc >= 0)
		return rc;
	cfg.policy = policy_load_stderr(o.policy_file, o.proxy);
	if (!cfg.policy)
		return EXIT_USAGE;
	if (o.procs_file && load_procs(o.procs_file, &pm)) {
		policy_free(cfg.policy);
		return EXIT_USAGE;
	}
	cfg.procs = pm;
	cfg.filter = o.filter;
	cfg.local = &o.local;
	cfg.fail_on = o.fail_on;
	cfg.output = o.output;
	rc = replay_run(&cfg, argv + optind, argc - optind, NULL);
	procmap_free(pm);
	return rc;
}
