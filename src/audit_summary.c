// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nfjudge audit summary: verdict records counted by one or more keys,
 * with when each key was first and last seen.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "audit.h"
#include "audit_group.h"
#include "audit_out.h"
#include "audit_rec.h"
#include "audit_scan.h"
#include "log.h"
#include "logread.h"
#include "timefmt.h"

struct summary {
	enum aby by[AUDIT_BY_MAX];
	size_t nby;
	enum aformat format;
	struct agroups *groups;
	/* gaps: packets never judged, records never written */
	uint64_t lost_packets, lost_records, gaps;
	int64_t gap_first, gap_last;
	int err;
};

/* A lost record (or an error record with lost_records): counted apart. */
static void summary_gap(struct summary *s, const struct arec *a)
{
	const struct logrec *rec = a->rec;

	if (!rec->lost_packets && !rec->lost_records)
		return;
	if (!s->gaps || a->ts_us < s->gap_first)
		s->gap_first = a->ts_us;
	if (!s->gaps || a->ts_us > s->gap_last)
		s->gap_last = a->ts_us;
	s->gaps++;
	s->lost_packets += rec->lost_packets;
	s->lost_records += rec->lost_records;
}

static int summary_one(void *ctx, const struct arec *a)
{
	struct summary *s = ctx;
	char bufs[AUDIT_BY_MAX][ABY_VALUE_LEN];
	const char *parts[AUDIT_BY_MAX];
	size_t i;

	if (!a->verdict_rec) {
		summary_gap(s, a);
		return 0;
	}
	for (i = 0; i < s->nby; i++)
		parts[i] = audit_by_value(s->by[i], a, bufs[i]);
	if (!audit_groups_add(s->groups, parts, a)) {
		s->err = -ENOMEM;
		return 1;
	}
	return 0;
}

/* The cells of one group: key parts, count, first and last seen. */
static void summary_cells(const struct summary *s, const struct agroup *g,
			  const char **cells, char *count,
			  char first[TIMEFMT_LEN], char last[TIMEFMT_LEN])
{
	size_t i;

	for (i = 0; i < s->nby; i++)
		cells[i] = audit_group_part(g, i);
	snprintf(count, 24, "%llu", (unsigned long long)g->count);
	if (timefmt_format(g->first, first))
		strcpy(first, "-");
	if (timefmt_format(g->last, last))
		strcpy(last, "-");
	cells[i] = count;
	cells[i + 1] = first;
	cells[i + 2] = last;
}

static void summary_json(const struct summary *s, const struct agroup *g,
			 const char *const *cells)
{
	json_t *o = json_object();
	size_t i;

	for (i = 0; o && i < s->nby; i++)
		json_object_set_new(o, audit_by_name(s->by[i]),
				    json_string(cells[i]));
	json_object_set_new(o, "count", json_integer((json_int_t)g->count));
	json_object_set_new(o, "first_seen", json_string(cells[s->nby + 1]));
	json_object_set_new(o, "last_seen", json_string(cells[s->nby + 2]));
	json_dumpf(o, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
	putchar('\n');
	json_decref(o);
}

/* Table columns: one per key, then the counts. */
static void summary_cols(const struct summary *s, struct out_col *cols,
			 const char **heads, char names[][16])
{
	static const char *const tail[] = {"count", "first_seen", "last_seen"};
	size_t i, j;

	for (i = 0; i < s->nby; i++) {
		snprintf(names[i], 16, "%s", audit_by_name(s->by[i]));
		for (j = 0; names[i][j]; j++)
			names[i][j] = (char)(names[i][j] - 32);
		heads[i] = audit_by_name(s->by[i]);
		cols[i] = (struct out_col){names[i], 48, false,
					   s->by[i] == ABY_EXE};
	}
	cols[i++] = (struct out_col){"COUNT", 0, true, false};
	cols[i++] = (struct out_col){"FIRST SEEN", 0, false, false};
	cols[i++] = (struct out_col){"LAST SEEN", 0, false, false};
	for (j = 0; j < 3; j++)
		heads[s->nby + j] = tail[j];
}

static int summary_print(const struct summary *s)
{
	struct agroup **v = audit_groups_sorted(s->groups);
	struct out_col cols[AUDIT_BY_MAX + 3];
	const char *heads[AUDIT_BY_MAX + 3], *cells[AUDIT_BY_MAX + 3];
	char names[AUDIT_BY_MAX][16], count[24], first[TIMEFMT_LEN],
		last[TIMEFMT_LEN];
	struct audit_table *t;
	size_t i, n = audit_groups_size(s->groups);
	int ret = -ENOMEM;

	summary_cols(s, cols, heads, names);
	t = audit_table_new(cols, s->nby + 3);
	if (!v || !t)
		goto out;
	if (s->format == AFORMAT_CSV)
		audit_out_csv_row(stdout, heads, s->nby + 3);
	for (i = 0; i < n; i++) {
		summary_cells(s, v[i], cells, count, first, last);
		if (s->format == AFORMAT_JSON)
			summary_json(s, v[i], cells);
		else if (s->format == AFORMAT_CSV)
			audit_out_csv_row(stdout, cells, s->nby + 3);
		else if (audit_table_add(t, cells))
			goto out;
	}
	if (s->format == AFORMAT_TABLE)
		audit_table_print(t, stdout);
	ret = 0;
out:
	audit_table_free(t);
	free(v);
	return ret;
}

/* After the groups: what was never judged or recorded, when there was. */
static void summary_gaps(const struct summary *s)
{
	char first[TIMEFMT_LEN], last[TIMEFMT_LEN];

	if (!s->gaps)
		return;
	if (timefmt_format(s->gap_first, first))
		strcpy(first, "-");
	if (timefmt_format(s->gap_last, last))
		strcpy(last, "-");
	if (s->format == AFORMAT_JSON)
		printf("{\"gaps\":%" PRIu64 ",\"lost_packets\":%" PRIu64
		       ",\"lost_records\":%" PRIu64 ",\"first_seen\":\"%s\","
		       "\"last_seen\":\"%s\"}\n",
		       s->gaps, s->lost_packets, s->lost_records, first, last);
	else
		fprintf(s->format == AFORMAT_CSV ? stderr : stdout,
			"%sgaps: %" PRIu64 " packet(s) never judged, %" PRIu64
			" record(s) not written, in %" PRIu64
			" lost record(s) from %s to %s\n",
			s->format == AFORMAT_CSV ? "nfjudge audit summary: "
						 : "\n",
			s->lost_packets, s->lost_records, s->gaps, first, last);
}

int audit_summary_run(const struct audit_summary_config *c, char *const *logs,
		      int nlogs)
{
	struct summary s = {.nby = c->nby, .format = c->format};
	struct ascan scan = {.all = true, .fast = true};

	memcpy(s.by, c->by, c->nby * sizeof(c->by[0]));
	s.groups = audit_groups_new(s.nby);
	if (!s.groups)
		return 1;
	audit_scan_run(&scan, logs, nlogs, summary_one, &s);
	if (!s.err)
		s.err = summary_print(&s);
	if (!s.err)
		summary_gaps(&s);
	audit_groups_free(s.groups);
	if (s.err) {
		log_warnx("out of memory");
		return 1;
	}
	return audit_scan_status(&scan);
}
