// SPDX-License-Identifier: GPL-2.0-or-later
/* nfjudge run: the options; daemon.c does the work. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "cmdopt.h"
#include "daemon.h"
#include "log.h"
#include "privs.h"

static const char usage_text[] =
	"usage: nfjudge run [-c POLICY] [--proxy HOST:PORT] [-q N|N:M]\n"
	"                   [-o FILE|-|syslog] [--install-rules] "
	"[--fail-open] [--audit]\n"
	"                   [--pcap-out FILE] [--on-log-failure closed|open]\n"
	"                   [--user USER] [--pidfile FILE] "
	"[--metrics-file FILE]\n"
	"\n"
	"Judge every new outbound TCP SYN and UDP flow that iptables queues, "
	"name the\nprocess behind it, answer accept, reject or drop, and "
	"write one record each.\n"
	"\n"
	"  -c, --policy FILE        policy file (default: the embedded "
	"policy)\n"
	"      --proxy HOST:PORT    the proxy of the embedded policy (default: "
	"from the\n"
	"                           HTTPS_PROXY, https_proxy, HTTP_PROXY, "
	"http_proxy,\n"
	"                           ALL_PROXY environment variables)\n"
	"  -q, --queue N|N:M        queue(s) to bind, one worker each "
	"(default 0)\n"
	"  -o, --output FILE        where records go: a file, - (standard "
	"output,\n"
	"                           the default) or syslog\n"
	"      --install-rules      install the iptables rules on start, "
	"remove on TERM/INT\n"
	"      --fail-open          let packets through when nfjudge is not "
	"there\n"
	"                           (rules with --queue-bypass, queue "
	"fail-open)\n"
	"      --audit              judge and log, but accept every packet\n"
	"      --pcap-out FILE      also write every judged packet to a pcap "
	"file\n"
	"      --ocsf FILE          also write the records as OCSF events to "
	"FILE, or -\n"
	"                           (standard output, when -o is not)\n"
	"      --control PATH       serve nfjudge ctl on a unix socket at "
	"PATH (0660)\n"
	"      --control-group GRP  peers whose group is GRP may use it "
	"too (else root)\n"
	"      --on-log-failure P   closed (default): reject while records "
	"cannot be\n"
	"                           written; open: go on, count and report "
	"the loss\n"
	"      --user USER          run as USER after set-up\n"
	"      --pidfile FILE       write the process id to FILE\n"
	"      --metrics-file FILE  write counters for Prometheus every 10 s\n"
	"      --key FILE           chain records with HMAC-SHA256 under this "
	"key\n"
	"      --fsync MODE         none (default), every (each record) or "
	"interval (1 s)\n"
	"      --mark VALUE/MASK    the reject mark (default "
	"0x100000/0x100000)\n"
	"      --queue-maxlen N     packets the kernel may hold per queue "
	"(default 4096)\n"
	"      --backend nft|legacy the iptables backend for --install-rules\n"
	"      --no-udp             with --install-rules: drop new UDP "
	"flows, unjudged\n"
	"      --nflog-group N      the NFLOG group of the fence's drops, "
	"recorded\n"
	"                           (default 20042); N+1: DNS answers\n"
	"      --no-ipv6            with --install-rules: IPv4 only\n"
	"      --exempt-uid UID     with --install-rules: do not queue this "
	"user's traffic\n"
	"      --attribution MODE   auto (default): the kernel (BPF) when it "
	"loads, else\n"
	"                           /proc; kernel: fail without it; proc: "
	"/proc only\n"
	"      --print-privileges   say which privileges run keeps, and exit\n"
	"  -v, --verbose            more diagnostics (twice: debug)\n"
	"  -h, --help               show this help\n"
	"\n"
	"Signals: HUP reloads the policy and reopens the log, USR1 writes a "
	"stats\nrecord, TERM and INT stop cleanly.\n";

enum {
	OPT_PROXY = 256,
	OPT_INSTALL,
	OPT_AUDIT,
	OPT_PCAP,
	OPT_LOGFAIL,
	OPT_USER,
	OPT_PIDFILE,
	OPT_METRICS,
	OPT_KEY,
	OPT_FSYNC,
	OPT_MAXLEN,
	OPT_PRIVS,
	OPT_PROC_ROOT,
	OPT_OCSF,
	OPT_ATTRIBUTION,
	OPT_CONTROL,
	OPT_CONTROL_GROUP,
};

static const struct option longopts[] = {
	{"policy", required_argument, NULL, 'c'},
	{"proxy", required_argument, NULL, OPT_PROXY},
	{"output", required_argument, NULL, 'o'},
	{"install-rules", no_argument, NULL, OPT_INSTALL},
	CMDOPT_RULES_LONGOPTS,
	CMDOPT_RULES_FAIL_OPEN,
	{"audit", no_argument, NULL, OPT_AUDIT},
	{"pcap-out", required_argument, NULL, OPT_PCAP},
	{"ocsf", required_argument, NULL, OPT_OCSF},
	{"on-log-failure", required_argument, NULL, OPT_LOGFAIL},
	{"user", required_argument, NULL, OPT_USER},
	{"pidfile", required_argument, NULL, OPT_PIDFILE},
	{"metrics-file", required_argument, NULL, OPT_METRICS},
	{"key", required_argument, NULL, OPT_KEY},
	{"fsync", required_argument, NULL, OPT_FSYNC},
	{"queue-maxlen", required_argument, NULL, OPT_MAXLEN},
	{"print-privileges", no_argument, NULL, OPT_PRIVS},
	{"proc-root", required_argument, NULL, OPT_PROC_ROOT},
	{"attribution", required_argument, NULL, OPT_ATTRIBUTION},
	{"control", required_argument, NULL, OPT_CONTROL},
	{"control-group", required_argument, NULL, OPT_CONTROL_GROUP},
	{"verbose", no_argument, NULL, 'v'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

static int bad(const char *opt, const char *arg, const char *why)
{
	fprintf(stderr, "nfjudge run: %s '%s': %s\n", opt, arg, why);
	return EXIT_USAGE;
}

static int parse_attribution(const char *arg, struct daemon_opts *o)
{
	if (!strcmp(arg, "auto"))
		o->attribution = DAEMON_ATTR_AUTO;
	else if (!strcmp(arg, "kernel"))
		o->attribution = DAEMON_ATTR_KERNEL;
	else if (!strcmp(arg, "proc"))
		o->attribution = DAEMON_ATTR_PROC;
	else
		return bad("--attribution", arg,
			   "expected auto, kernel or proc");
	return 0;
}

/* A group name, or a number for a group without one. */
static int parse_group(const char *arg, struct daemon_opts *o)
{
	struct group *g = getgrnam(arg);
	char *end;
	unsigned long v;

	if (g) {
		o->control_group = g->gr_gid;
	} else {
		errno = 0;
		v = strtoul(arg, &end, 10);
		if (errno || *end || end == arg || v >= (gid_t)-1)
			return bad("--control-group", arg,
				   "no such group (a name or a number)");
		o->control_group = (gid_t)v;
	}
	o->have_control_group = true;
	return 0;
}

static int parse_small(const char *opt, const char *arg, struct daemon_opts *o)
{
	char *end;
	unsigned long v;

	if (!strcmp(opt, "--on-log-failure")) {
		if (!strcmp(arg, "closed"))
			o->on_log_failure = LOGSINK_CLOSED;
		else if (!strcmp(arg, "open"))
			o->on_log_failure = LOGSINK_OPEN;
		else
			return bad(opt, arg, "expected closed or open");
	} else if (!strcmp(opt, "--fsync")) {
		if (!strcmp(arg, "none"))
			o->fsync = LOGSINK_FSYNC_NONE;
		else if (!strcmp(arg, "every"))
			o->fsync = LOGSINK_FSYNC_EVERY;
		else if (!strcmp(arg, "interval"))
			o->fsync = LOGSINK_FSYNC_INTERVAL;
		else
			return bad(opt, arg,
				   "expected none, every or interval");
	} else {
		errno = 0;
		v = strtoul(arg, &end, 10);
		if (errno || *end || end == arg || v < 1 || v > 1000000)
			return bad(opt, arg, "expected a number 1-1000000");
		o->queue_maxlen = (uint32_t)v;
	}
	return 0;
}

/* The options of the chain, or one getopt has rejected. */
static int parse_rules(int c, struct daemon_opts *o)
{
	int rc = cmdopt_rules_option(&o->rules, c, optarg, "nfjudge run");

	if (rc == 1) {
		fputs(usage_text, stderr);
		return EXIT_USAGE;
	}
	return rc ?: -1;
}

/* Where an option that takes a plain string keeps it; NULL for others. */
static const char **string_slot(int c, struct daemon_opts *o)
{
	switch (c) {
	case 'c':
		return &o->policy_file;
	case OPT_PROXY:
		return &o->proxy;
	case 'o':
		return &o->output;
	case OPT_PCAP:
		return &o->pcap_out;
	case OPT_OCSF:
		return &o->ocsf;
	case OPT_USER:
		return &o->user;
	case OPT_PIDFILE:
		return &o->pidfile;
	case OPT_METRICS:
		return &o->metrics_file;
	case OPT_KEY:
		return &o->key_file;
	case OPT_PROC_ROOT:
		return &o->proc_root;
	case OPT_CONTROL:
		return &o->control;
	default:
		return NULL;
	}
}

/* One option into *o: -1 to go on, else the exit status. */
static int parse_one(int c, struct daemon_opts *o, int *verbose)
{
	const char **slot = string_slot(c, o);

	if (slot) {
		*slot = optarg;
		return -1;
	}
	switch (c) {
	case OPT_INSTALL:
		o->install_rules = true;
		return -1;
	case OPT_AUDIT:
		o->audit = true;
		return -1;
	case 'v':
		(*verbose)++;
		return -1;
	case OPT_LOGFAIL:
		return parse_small("--on-log-failure", optarg, o) ?: -1;
	case OPT_FSYNC:
		return parse_small("--fsync", optarg, o) ?: -1;
	case OPT_MAXLEN:
		return parse_small("--queue-maxlen", optarg, o) ?: -1;
	case OPT_ATTRIBUTION:
		return parse_attribution(optarg, o) ?: -1;
	case OPT_CONTROL_GROUP:
		return parse_group(optarg, o) ?: -1;
	case OPT_PRIVS:
		privs_print(stdout, o->install_rules);
		return 0;
	case 'h':
		fputs(usage_text, stdout);
		return 0;
	default:
		return parse_rules(c, o);
	}
}

int cmd_run(int argc, char **argv)
{
	struct daemon_opts o = {
		.output = "-",
		.on_log_failure = LOGSINK_CLOSED,
		.fsync = LOGSINK_FSYNC_NONE,
		.queue_maxlen = 4096,
	};
	int c, rc, verbose = 0;

	rules_opts_init(&o.rules);
	while ((c = getopt_long(argc, argv, "c:q:o:vh", longopts, NULL)) != -1)
		if ((rc = parse_one(c, &o, &verbose)) >= 0)
			return rc;
	if ((rc = cmdopt_no_args("nfjudge run", argc, argv)))
		return rc;
	if (o.ocsf && !strcmp(o.ocsf, "-") && !strcmp(o.output, "-")) {
		fprintf(stderr, "nfjudge run: --ocsf - and the records would "
				"share standard output: give -o FILE\n");
		return EXIT_USAGE;
	}
	if (o.have_control_group && !o.control) {
		fprintf(stderr, "nfjudge run: --control-group needs --control "
				"PATH\n");
		return EXIT_USAGE;
	}
	log_init("nfjudge", false, verbose);
	return daemon_run(&o);
}
