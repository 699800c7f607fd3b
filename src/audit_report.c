// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nfjudge audit report: one self-contained HTML page about a set of logs:
 * the chain's state, totals, a timeline and the refused flows.  Gathered
 * in one pass; memory grows with distinct keys and the capped list only.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit_group.h"
#include "audit_html.h"
#include "audit_rec.h"
#include "audit_scan.h"
#include "audit_report.h"
#include "chain.h"
#include "exitcode.h"
#include "log.h"
#include "logread.h"

static void report_bad(void *ctx, const char *file, unsigned long line,
		       const char *why)
{
	struct report *r = ctx;

	r->bad_lines++;
	audit_verify_break(&r->verify, file, line, why);
}

/* Each chain verified on its own: a break ends one, not the others. */
static void report_chain(struct report *r, const struct arec *a)
{
	char err[256];

	r->verify.file = a->file;
	r->verify.line = a->lineno;
	if (audit_verify_record(&r->verify, a->rec, a->line, err, sizeof(err)))
		audit_verify_break(&r->verify, a->file, a->lineno, err);
}

/* One row of the refused list, its cells escaped as it is kept. */
static char *refused_row(const struct arec *a)
{
	char *buf = NULL, dest[AREC_DEST_LEN];
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	const char *cells[] = {a->timestamp,
			       a->verdict,
			       a->rule,
			       a->proto,
			       audit_rec_dest(a, dest),
			       a->user,
			       a->exe};
	size_t i;

	if (!f)
		return NULL;
	fputs("<tr>", f);
	for (i = 0; i < sizeof(cells) / sizeof(cells[0]); i++) {
		fputs("<td>", f);
		audit_html_escape(f, cells[i] ? cells[i] : "-");
		fputs("</td>", f);
	}
	if (a->pid < 0)
		fputs("<td class=\"n\">-</td></tr>\n", f);
	else
		fprintf(f, "<td class=\"n\">%lld</td></tr>\n", a->pid);
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}

static int report_refused(struct report *r, const struct arec *a)
{
	const char *exe[1] = {a->exe ? a->exe : "-"};

	r->refused_total++;
	if (!audit_groups_add(r->refused, exe, a))
		return -ENOMEM;
	if (r->nrows == r->limit)
		return 0;
	r->rows[r->nrows] = refused_row(a);
	if (!r->rows[r->nrows])
		return -ENOMEM;
	r->nrows++;
	return 0;
}

/*
 * Verdicts by minute, for a timeline of minutes: kept while they fit in
 * one (REPORT_MINUTES at most); past that the span is too long for
 * minutes and the hours do.
 */
static int report_minute(struct report *r, const struct arec *a)
{
	char key[24];
	const char *part[1] = {key};

	if (!r->minutes)
		return 0;
	snprintf(key, sizeof(key), "%lld", (long long)(a->ts_us / 60000000));
	if (!audit_groups_add(r->minutes, part, a))
		return -ENOMEM;
	if (audit_groups_size(r->minutes) > REPORT_MINUTES) {
		audit_groups_free(r->minutes);
		r->minutes = NULL;
	}
	return 0;
}

static int report_verdict(struct report *r, const struct arec *a)
{
	char buf[ABY_VALUE_LEN], dbuf[ABY_VALUE_LEN];
	const char *hour[1] = {audit_by_value(ABY_HOUR, a, buf)};
	const char *dest[1] = {audit_by_value(ABY_DEST, a, dbuf)};
	const char *rule[1] = {a->rule};

	int v = audit_rec_verdict(a);

	if (report_minute(r, a) || !audit_groups_add(r->hours, hour, a) ||
	    !audit_groups_add(r->dests, dest, a) ||
	    !audit_groups_add(r->rules, rule, a))
		return -ENOMEM;
	if (v < 0)
		return 0;
	r->verdicts[v]++;
	return v ? report_refused(r, a) : 0;
}

static int report_one(void *ctx, const struct arec *a)
{
	struct report *r = ctx;
	const char *type[1] = {a->event_type};

	report_chain(r, a);
	if (!r->records || a->ts_us < r->first)
		r->first = a->ts_us;
	if (!r->records || a->ts_us > r->last)
		r->last = a->ts_us;
	r->records++;
	if (!audit_groups_add(r->events, type, a))
		r->err = -ENOMEM;
	else if (a->verdict_rec)
		r->err = report_verdict(r, a);
	return r->err;
}

static int report_init(struct report *r)
{
	r->verify.chain = audit_verify_chain(r->keyfile);
	if (!r->verify.chain)
		return EXIT_USAGE;
	r->events = audit_groups_new(1);
	r->hours = audit_groups_new(1);
	r->minutes = audit_groups_new(1);
	r->refused = audit_groups_new(1);
	r->dests = audit_groups_new(1);
	r->rules = audit_groups_new(1);
	r->rows = calloc(r->limit ? r->limit : 1, sizeof(*r->rows));
	if (!r->events || !r->hours || !r->minutes || !r->refused ||
	    !r->dests || !r->rules || !r->rows)
		return 1;
	return 0;
}

static void report_free(struct report *r)
{
	size_t i;

	chain_free(r->verify.chain);
	audit_verify_done(&r->verify);
	audit_groups_free(r->events);
	audit_groups_free(r->hours);
	audit_groups_free(r->minutes);
	audit_groups_free(r->refused);
	audit_groups_free(r->dests);
	audit_groups_free(r->rules);
	for (i = 0; i < r->nrows; i++)
		free(r->rows[i]);
	free(r->rows);
}

static int report_write(const struct report *r, const char *path,
			char *const *logs, int nlogs)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "we") : stdout;
	bool bad;

	if (!f) {
		log_warn("%s", path);
		return 1;
	}
	audit_html_write(r, logs, nlogs, f);
	bad = ferror(f) != 0;
	if ((f == stdout ? fflush(f) : fclose(f)) || bad) {
		log_warnx("%s: write error", path);
		return 1;
	}
	return 0;
}

int audit_report_run(const struct audit_report_config *c, char *const *logs,
		     int nlogs)
{
	struct report r = {.limit = c->limit, .keyfile = c->keyfile};
	struct ascan scan = {.all = true, .fast = true};
	int ret = report_init(&r);

	if (!ret) {
		scan.bad_cb = report_bad;
		audit_scan_run(&scan, logs, nlogs, report_one, &r);
		if (r.err)
			ret = 1;
	}
	if (ret == 1)
		log_warnx("out of memory");
	if (!ret)
		ret = report_write(&r, c->output, logs, nlogs);
	report_free(&r);
	return ret ? ret : audit_scan_status(&scan);
}
