// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nfjudge audit search: the verdict records that meet every condition,
 * as they are (json), for a terminal (table) or for a spreadsheet (csv).
 * Streams: one record in memory at a time.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "audit_filter.h"
#include "audit_out.h"
#include "audit_rec.h"
#include "audit_scan.h"
#include "exitcode.h"

struct search {
	struct afilter filter;
	enum aformat format;
	unsigned long matched;
};

static const struct out_col search_cols[] = {
	{"TIME", 27, false, false}, {"VERDICT", 7, false, false},
	{"PID", 7, true, false},    {"EXE", 32, false, true},
	{"PROTO", 5, false, false}, {"DESTINATION", 47, false, false},
	{"RULE", 0, false, false},
};
#define SEARCH_NCOLS (sizeof(search_cols) / sizeof(search_cols[0]))

static const char *const csv_head[] = {
	"timestamp", "verdict", "rule",	     "proto", "src_ip",
	"src_port",  "dest_ip", "dest_port", "pid",   "user",
	"exe",	     "file",	"line"};
#define CSV_NCOLS (sizeof(csv_head) / sizeof(csv_head[0]))

static void search_csv(const struct arec *a)
{
	char sport[AREC_NUM_LEN], dport[AREC_NUM_LEN], pid[AREC_NUM_LEN];
	char line[AREC_NUM_LEN];
	const char *cells[CSV_NCOLS] = {a->timestamp,
					a->verdict,
					a->rule,
					a->proto,
					a->src_ip,
					arec_num(a->src_port, sport),
					a->dest_ip,
					arec_num(a->dest_port, dport),
					arec_num(a->pid, pid),
					a->user,
					a->exe,
					a->file,
					arec_num((long long)a->lineno, line)};

	audit_out_csv_row(stdout, cells, CSV_NCOLS);
}

static void search_table(const struct arec *a)
{
	char pid[24], dest[AREC_DEST_LEN];
	const char *cells[SEARCH_NCOLS] = {
		a->timestamp, a->verdict,	  pid,	  a->exe ? a->exe : "-",
		a->proto,     arec_dest(a, dest), a->rule};

	snprintf(pid, sizeof(pid), "%lld", a->pid);
	if (a->pid < 0)
		strcpy(pid, "-");
	audit_out_row(stdout, search_cols, SEARCH_NCOLS, cells);
}

static int search_one(void *ctx, const struct arec *a)
{
	struct search *s = ctx;

	if (!afilter_match(&s->filter, a))
		return 0;
	s->matched++;
	if (s->format == AFORMAT_JSON) {
		fwrite(a->line, 1, a->len, stdout);
		putchar('\n');
	} else if (s->format == AFORMAT_CSV) {
		search_csv(a);
	} else {
		search_table(a);
	}
	return 0;
}

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
static int search_args(struct search *s, int argc, char **argv)
{
	int64_t now = (int64_t)time(NULL) * 1000000;
	char err[256];
	int c, idx;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", search_opts, &idx)) != -1) {
		if (c == 'h') {
			search_usage(stdout);
			return 0;
		}
		if (c == 'f' && audit_format_opt("search", optarg, &s->format))
			return EXIT_USAGE;
		if (c == 0 && afilter_set(&s->filter, search_opts[idx].name,
					  optarg, now, err, sizeof(err))) {
			fprintf(stderr, "nfjudge audit search: %s\n", err);
			return EXIT_USAGE;
		}
		if (c == '?') {
			search_usage(stderr);
			return EXIT_USAGE;
		}
	}
	return audit_need_logs("search", argc);
}

int audit_search(int argc, char **argv)
{
	struct search s = {.format = AFORMAT_JSON};
	struct ascan scan = {.prog = "nfjudge audit search", .fast = true};
	int ret;

	afilter_init(&s.filter);
	ret = search_args(&s, argc, argv);
	if (ret >= 0)
		return ret;
	audit_out_heads(s.format, search_cols, SEARCH_NCOLS, csv_head,
			CSV_NCOLS);
	audit_scan_run(&scan, argv + optind, argc - optind, search_one, &s);
	return audit_scan_status(&scan);
}
