// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nfjudge audit search: the verdict records that meet every condition,
 * as they are (json), for a terminal (table) or for a spreadsheet (csv).
 * Streams: one record in memory at a time.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "audit_filter.h"
#include "audit_out.h"
#include "audit_rec.h"
#include "audit_scan.h"

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
	const char *cells[CSV_NCOLS] = {
		a->timestamp,
		a->verdict,
		a->rule,
		a->proto,
		a->src_ip,
		audit_rec_num(a->src_port, sport),
		a->dest_ip,
		audit_rec_num(a->dest_port, dport),
		audit_rec_num(a->pid, pid),
		a->user,
		a->exe,
		a->file,
		audit_rec_num((long long)a->lineno, line)};

	audit_out_csv_row(stdout, cells, CSV_NCOLS);
}

static void search_table(const struct arec *a)
{
	char pid[24], dest[AREC_DEST_LEN];
	const char *cells[SEARCH_NCOLS] = {
		a->timestamp, a->verdict,
		pid,	      a->exe ? a->exe : "-",
		a->proto,     audit_rec_dest(a, dest),
		a->rule};

	snprintf(pid, sizeof(pid), "%lld", a->pid);
	if (a->pid < 0)
		strcpy(pid, "-");
	audit_out_row(stdout, search_cols, SEARCH_NCOLS, cells);
}

static int search_one(void *ctx, const struct arec *a)
{
	struct search *s = ctx;

	if (!audit_filter_match(&s->filter, a))
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

int audit_search_run(const struct audit_search_config *c, char *const *logs,
		     int nlogs)
{
	struct search s = {.filter = c->filter, .format = c->format};
	struct ascan scan = {.fast = true};

	audit_out_heads(s.format, search_cols, SEARCH_NCOLS, csv_head,
			CSV_NCOLS);
	audit_scan_run(&scan, logs, nlogs, search_one, &s);
	return audit_scan_status(&scan);
}
