// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for what the audit commands do with a log line: the
 * record parse, the fields they read, every filter, the grouping keys,
 * the table and CSV cells, and the process identity whatif rebuilds.
 * The input is split at newlines; a line that starts with '@' sets a
 * filter from the rest ("key=value"), so option parsing is fuzzed too.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit_filter.h"
#include "audit_group.h"
#include "audit_out.h"
#include "audit_rec.h"
#include "logread.h"
#include "proc.h"
#include "procjson.h"

#define T0 1795867200000000LL

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void set_filter(struct afilter *f, char *keep, const char *line,
		       size_t len)
{
	char err[256], *eq;

	memcpy(keep, line + 1, len - 1);
	keep[len - 1] = '\0';
	eq = strchr(keep, '=');
	if (!eq)
		return;
	*eq = '\0';
	audit_filter_set(f, keep, eq + 1, T0, err, sizeof(err));
}

static void cells(const struct arec *a)
{
	static const struct out_col col = {"X", 12, false, true};
	const char *v[3] = {a->exe, a->rule, a->timestamp};
	char buf[256];
	FILE *null = fopen("/dev/null", "w");
	size_t i;

	for (i = 0; i < 3; i++) {
		audit_out_cell(buf, sizeof(buf), v[i], 12, i == 0);
		audit_out_cell(buf, sizeof(buf), v[i], 0, false);
	}
	if (null) {
		audit_out_csv_row(null, v, 3);
		audit_out_row(null, &col, 1, v);
		fclose(null);
	}
}

static void one(struct agroups *g, const struct afilter *filters, size_t nf,
		const struct arec *a)
{
	static struct proc_info proc;
	char bufs[6][ABY_VALUE_LEN];
	const char *parts[6], *field;
	size_t i;

	for (i = 0; i < nf; i++)
		audit_filter_match(&filters[i], a);
	for (i = 0; i < 6; i++)
		parts[i] = audit_by_value((enum aby)i, a, bufs[i]);
	audit_groups_add(g, parts, a);
	cells(a);
	if (a->proc)
		procjson_parse(a->proc, &proc, &field);
}

static void line_in(struct agroups *g, struct afilter *filters, size_t *nf,
		    char *keep, const char *line, size_t len)
{
	struct logrec rec;
	struct arec a;
	char err[256];

	if (len && line[0] == '@') {
		if (*nf < 4) {
			set_filter(&filters[*nf], keep + 1024 * *nf, line,
				   len < 1024 ? len : 1024);
			(*nf)++;
		}
		return;
	}
	if (logread_rec_parse(&rec, line, len, err, sizeof(err)))
		return;
	if (!audit_rec_from(&a, &rec, err, sizeof(err)) && a.verdict_rec)
		one(g, filters, *nf, &a);
	logread_rec_clear(&rec);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char keep[5 * 1024];
	struct agroups *g = audit_groups_new(6);
	struct afilter filters[4];
	const char *p = (const char *)data, *end = p + size, *nl;
	struct agroup **v;
	size_t i, nf = 1;

	for (i = 0; i < 4; i++)
		audit_filter_init(&filters[i]);
	while (g && p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		line_in(g, filters, &nf, keep, p,
			(size_t)((nl ? nl : end) - p));
		p = nl ? nl + 1 : end;
	}
	v = g ? audit_groups_sorted(g) : NULL;
	for (i = 0; v && i < audit_groups_size(g); i++)
		audit_group_part(v[i], 5);
	free(v);
	audit_groups_free(g);
	return 0;
}
