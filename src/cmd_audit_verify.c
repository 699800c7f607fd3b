// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The options of the two commands that check the hash chain: audit
 * verify and audit report.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "cmd.h"
#include "cmd_audit.h"
#include "cmdopt.h"
#include "log.h"

static void verify_usage(FILE *out)
{
	fprintf(out,
		"usage: nfjudge audit verify [--key FILE] "
		"[--from SEQ:DIGEST | --trust-head] LOG...\n\n"
		"Check that verdict logs are complete and unaltered: valid "
		"records, seq\nwithout gaps, hash chain intact across the "
		"files in the order given.\nThe first record must be seq 1 "
		"(the start of a log) unless the head is\nanchored; each "
		"later record with seq 1 begins the chain of another log.\n"
		"LOG may be - (standard input) or gzip-compressed.\n\n"
		"  -k, --key FILE         the HMAC key the log was written "
		"with\n"
		"  --from SEQ:DIGEST      the trusted digest of record SEQ "
		"(from an earlier\n"
		"                         verify): the logs start at SEQ or "
		"SEQ+1\n"
		"  --trust-head           take the first record on trust "
		"(said in the output)\n\n"
		"Exit status: 0 intact, 1 tampered, truncated or head not "
		"anchored,\n2 unreadable or usage.\n");
}

/* SEQ:DIGEST, 64 hex digits of a chain digest; 0 or -EINVAL. */
static int verify_from_arg(struct audit_verify_config *c, const char *arg)
{
	const char *colon = strchr(arg, ':');
	char *end;
	size_t i;

	if (!colon || arg[0] < '0' || arg[0] > '9' ||
	    strlen(colon + 1) != CHAIN_HEX)
		return -EINVAL;
	errno = 0;
	c->from_seq = strtoull(arg, &end, 10);
	if (errno || end != colon || !c->from_seq)
		return -EINVAL;
	for (i = 0; i < CHAIN_HEX; i++) {
		char x = colon[1 + i];

		if (x >= 'A' && x <= 'F')
			x = (char)(x - 'A' + 'a');
		if (!((x >= '0' && x <= '9') || (x >= 'a' && x <= 'f')))
			return -EINVAL;
		c->from[i] = x;
	}
	c->from[CHAIN_HEX] = '\0';
	c->head = VERIFY_FROM;
	return 0;
}

/* One option; 0 or the exit status. */
static int verify_opt(struct audit_verify_config *c, int opt)
{
	if (opt == 'k') {
		c->keyfile = optarg;
	} else if (opt == 'f' && verify_from_arg(c, optarg)) {
		log_warnx("--from '%s': expected SEQ:DIGEST, a seq from 1 and "
			  "64 hex digits",
			  optarg);
		return EXIT_USAGE;
	} else if (opt == 't') {
		c->head = VERIFY_TRUST;
	} else if (opt != 'f') {
		verify_usage(stderr);
		return EXIT_USAGE;
	}
	return 0;
}

/* -1 to go on, else the exit status. */
static int verify_args(struct audit_verify_config *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"key", required_argument, NULL, 'k'},
		{"from", required_argument, NULL, 'f'},
		{"trust-head", no_argument, NULL, 't'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int opt, heads = 0, ret;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "k:h", opts, NULL)) != -1) {
		if (opt == 'h') {
			verify_usage(stdout);
			return 0;
		}
		heads += opt == 'f' || opt == 't';
		if ((ret = verify_opt(c, opt)))
			return ret;
	}
	if (heads > 1) {
		log_warnx("give one of --from and --trust-head, once");
		return EXIT_USAGE;
	}
	ret = cmdopt_need_args("nfjudge audit verify", "LOG", argc,
			       verify_usage);
	return ret ? ret : -1;
}

int cmd_audit_verify(int argc, char **argv)
{
	struct audit_verify_config c = {.head = VERIFY_GENESIS};
	int ret = verify_args(&c, argc, argv);

	if (ret >= 0)
		return ret;
	return audit_verify_run(&c, argv + optind, argc - optind);
}

static void report_usage(FILE *out)
{
	fprintf(out,
		"usage: nfjudge audit report -o FILE.html [--key FILE] "
		"[--limit N] LOG...\n\n"
		"One self-contained HTML page (inline CSS and SVG, no "
		"scripts): the state\nof the hash chain, totals by verdict, "
		"a timeline, the executables,\ndestinations and rules seen, "
		"and the rejected and dropped records.\n\n"
		"  -o, --output FILE  where to write the page (- for "
		"standard output)\n"
		"  -k, --key FILE     the HMAC key the log was written with\n"
		"  --limit N          list at most N refused records "
		"(default 1000)\n"
		"  -h, --help         this help\n");
}

static int report_limit(struct audit_report_config *c, const char *arg)
{
	char *end;

	errno = 0;
	c->limit = strtoul(arg, &end, 10);
	if (errno || *end || arg[0] < '0' || arg[0] > '9' ||
	    c->limit > 1000000) {
		log_warnx("--limit '%s': expected 0..1000000", arg);
		return -EINVAL;
	}
	return 0;
}

/* -1 to go on, else the exit status. */
static int report_args(struct audit_report_config *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"output", required_argument, NULL, 'o'},
		{"key", required_argument, NULL, 'k'},
		{"limit", required_argument, NULL, 'l'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "o:k:h", opts, NULL)) != -1) {
		if (opt == 'o') {
			c->output = optarg;
		} else if (opt == 'k') {
			c->keyfile = optarg;
		} else if (opt == 'l') {
			if (report_limit(c, optarg))
				return EXIT_USAGE;
		} else {
			report_usage(opt == 'h' ? stdout : stderr);
			return opt == 'h' ? 0 : EXIT_USAGE;
		}
	}
	if (!c->output) {
		log_warnx("no -o FILE given");
		return EXIT_USAGE;
	}
	return cmd_audit_need_logs(argc);
}

int cmd_audit_report(int argc, char **argv)
{
	struct audit_report_config c = {.limit = 1000};
	int ret = report_args(&c, argc, argv);

	if (ret >= 0)
		return ret;
	return audit_report_run(&c, argv + optind, argc - optind);
}
