// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The HTML of audit report: one file with its CSS and SVG inline, no
 * script and nothing fetched, so it can be mailed or archived as it is.
 * Every string from a log is escaped: a log is evidence written by the
 * programs it judges, and a hostile exe name must stay text.
 */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit_group.h"
#include "audit_html.h"
#include "audit_report.h"
#include "timefmt.h"

#define TOP_N 20

const char *const audit_html_colors[3] = {"#2e7d32", "#c62828", "#ef6c00"};
static const char *const vnames[] = {"accept", "reject", "drop"};

void audit_html_escape(FILE *out, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&':
			fputs("&amp;", out);
			break;
		case '<':
			fputs("&lt;", out);
			break;
		case '>':
			fputs("&gt;", out);
			break;
		case '"':
			fputs("&quot;", out);
			break;
		case '\'':
			fputs("&#39;", out);
			break;
		default:
			/* no raw control characters in HTML: shown as the
			 * log writes them */
			if ((unsigned char)*s < 0x20 || *s == 0x7f)
				fprintf(out, "\\u%04x", (unsigned char)*s);
			else
				putc(*s, out);
		}
	}
}

static void html_time(FILE *out, int64_t us)
{
	char buf[TIMEFMT_LEN];

	fputs(timefmt_format(us, buf) ? "?" : buf, out);
}

static void html_head(FILE *out)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta "
	      "charset=\"utf-8\">"
	      "\n<meta http-equiv=\"Content-Security-Policy\" content=\""
	      "default-src 'none'; style-src 'unsafe-inline'\">\n"
	      "<title>nfjudge audit report</title>\n<style>\n"
	      "body{font:14px/1.4 sans-serif;margin:2em;color:#222}\n"
	      "h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em}\n"
	      "table{border-collapse:collapse}td,th{padding:2px 8px;"
	      "border-bottom:1px solid #ddd;text-align:left;"
	      "vertical-align:top}\n"
	      "td.n,th.n{text-align:right}.mono{font-family:monospace}\n"
	      ".ok{background:#e8f5e9;border-left:6px solid #2e7d32;"
	      "padding:.5em 1em}\n"
	      ".bad{background:#ffebee;border-left:6px solid #c62828;"
	      "padding:.5em 1em}\n"
	      "svg text{font:11px sans-serif}\n"
	      "</style></head><body>\n<h1>nfjudge audit report</h1>\n",
	      out);
}

static void html_logs(const struct report *r, char *const *logs, int n,
		      FILE *out)
{
	int i;

	fputs("<p>Logs, in order:", out);
	for (i = 0; i < n; i++) {
		fputs(" <span class=\"mono\">", out);
		audit_html_escape(out,
				  strcmp(logs[i], "-") ? logs[i] : "<stdin>");
		fputs("</span>", out);
	}
	fprintf(out, "<br><span id=\"records\">%" PRIu64 "</span> records",
		r->records);
	if (r->records) {
		fputs(" from ", out);
		html_time(out, r->first);
		fputs(" to ", out);
		html_time(out, r->last);
	}
	fprintf(out, "; %lu lines that are not records.</p>\n", r->bad_lines);
}

/* Where a chain broke and why; what followed was not verified. */
static void html_chain_break(const struct vchain *c, FILE *out)
{
	fputs(" <b>Tampered, damaged or not anchored.</b> First bad line: "
	      "<span class=\"mono\">",
	      out);
	audit_html_escape(out, c->bad_file);
	fprintf(out, ":%lu: ", c->bad_line);
	audit_html_escape(out, c->why);
	fputs("</span>. Nothing after it in this chain can be trusted", out);
	if (c->unverified)
		fprintf(out, " (%" PRIu64 " record(s) not verified)",
			c->unverified);
	fputs(".", out);
}

/* One chain: where it begins (when there are several), its extent, gaps,
 * and where it broke. */
static void html_chain_one(const struct vchain *c, bool many, FILE *out)
{
	if (many) {
		fprintf(out, "<li%s><span class=\"mono\">",
			c->broken ? " class=\"bad\"" : "");
		audit_html_escape(out, c->file);
		fprintf(out, ":%lu</span>: ", c->line);
	}
	if (c->records)
		fprintf(out,
			"%" PRIu64 " records, seq %" PRIu64 " to %" PRIu64 ".",
			c->records, c->first_seq, c->seq);
	else
		fputs("no record verified.", out);
	if (c->gaps)
		fprintf(out,
			" <span class=\"bad\">%" PRIu64 " gap(s): %" PRIu64
			" packet(s) never judged, %" PRIu64 " record(s) not "
			"written.</span>",
			c->gaps, c->lost_packets, c->lost_records);
	if (c->broken)
		html_chain_break(c, out);
	fputs(many ? "</li>\n" : "</p>\n", out);
}

/* The state of the chains, counted for machines in data attributes. */
static void html_chain_head(const struct report *r, size_t n, size_t broken,
			    FILE *out)
{
	const char *alg = r->keyfile ? "HMAC-SHA256" : "SHA-256";

	fprintf(out,
		"<p id=\"chains\" data-chains=\"%zu\" data-broken=\"%zu\" "
		"class=\"%s\">",
		n, broken, broken ? "bad" : "ok");
	if (!broken)
		fprintf(out, "<b>Intact</b> (%s)", alg);
	else if (n > 1)
		fprintf(out,
			"<b>%zu of %zu chains tampered, damaged or not "
			"anchored</b> (%s)",
			broken, n, alg);
	if (n > 1 && broken)
		fputs(", each verified on its own:</p>\n<ul>\n", out);
	else if (n > 1)
		fprintf(out, ": %zu chains, one per log:</p>\n<ul>\n", n);
	else if (!broken)
		fputs(": ", out);
}

static void html_chain(const struct report *r, FILE *out)
{
	const struct verify *v = &r->verify;
	size_t i, broken = 0, n = audit_verify_nchains(v);

	fputs("<h2>Hash chain</h2>\n", out);
	if (!n) {
		fputs("<p id=\"chains\" data-chains=\"0\" data-broken=\"0\" "
		      "class=\"bad\">No records.</p>\n",
		      out);
		return;
	}
	for (i = 0; i < n; i++)
		broken += audit_verify_chain_at(v, i)->broken;
	html_chain_head(r, n, broken, out);
	for (i = 0; i < n; i++)
		html_chain_one(audit_verify_chain_at(v, i), n > 1, out);
	if (n > 1)
		fputs("</ul>\n", out);
}

/* Horizontal bars: one per label, widths relative to the largest. */
static void svg_hbars(FILE *out, const char *const *labels,
		      const uint64_t *values, const char *const *fills,
		      size_t n)
{
	uint64_t max = 1;
	size_t i;

	for (i = 0; i < n; i++)
		if (values[i] > max)
			max = values[i];
	fprintf(out,
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"640\" "
		"height=\"%zu\" role=\"img\">\n",
		n * 22 + 4);
	for (i = 0; i < n; i++) {
		double w = values[i] * 440.0 / (double)max;

		fprintf(out,
			"<text x=\"0\" y=\"%zu\">%s</text><rect x=\"90\" "
			"y=\"%zu\" width=\"%.1f\" height=\"16\" "
			"fill=\"%s\"/><text id=\"n-%s\" x=\"%.1f\" "
			"y=\"%zu\">%" PRIu64 "</text>\n",
			i * 22 + 15, labels[i], i * 22 + 2, w, fills[i],
			labels[i], w + 96, i * 22 + 15, values[i]);
	}
	fputs("</svg>\n", out);
}

static void html_totals(const struct report *r, FILE *out)
{
	struct agroup **v = audit_groups_sorted(r->events);
	size_t i, n = audit_groups_size(r->events);

	fputs("<h2>Verdicts</h2>\n", out);
	svg_hbars(out, vnames, r->verdicts, audit_html_colors, 3);
	fputs("<p>Records by event type:", out);
	for (i = 0; v && i < n; i++) {
		fputs(i ? ", " : " ", out);
		audit_html_escape(out, audit_group_part(v[i], 0));
		fprintf(out, " %" PRIu64, v[i]->count);
	}
	fputs("</p>\n", out);
	free(v);
}

static void html_top_row(FILE *out, const struct agroup *g)
{
	size_t j;

	fputs("<tr><td class=\"mono\">", out);
	audit_html_escape(out, audit_group_part(g, 0));
	fprintf(out, "</td><td class=\"n\">%" PRIu64 "</td>", g->count);
	for (j = 0; j < 3; j++)
		fprintf(out, "<td class=\"n\">%" PRIu64 "</td>",
			g->by_verdict[j]);
	fputs("<td>", out);
	html_time(out, g->first);
	fputs("</td><td>", out);
	html_time(out, g->last);
	fputs("</td></tr>\n", out);
}

/* The TOP_N most frequent keys of a group table. */
static void html_top(FILE *out, const char *title, const char *what,
		     const struct agroups *t)
{
	struct agroup **v = audit_groups_sorted(t);
	size_t i, n = audit_groups_size(t);

	fprintf(out, "<h2>%s</h2>\n", title);
	if (!v || !n) {
		fputs("<p>None.</p>\n", out);
		free(v);
		return;
	}
	if (n > TOP_N)
		fprintf(out, "<p>The %d most frequent of %zu.</p>\n", TOP_N, n);
	fprintf(out,
		"<table><tr><th>%s</th><th class=\"n\">records</th>"
		"<th class=\"n\">accept</th><th class=\"n\">reject</th>"
		"<th class=\"n\">drop</th><th>first</th><th>last</th></tr>\n",
		what);
	for (i = 0; i < n && i < TOP_N; i++)
		html_top_row(out, v[i]);
	fputs("</table>\n", out);
	free(v);
}

static void html_refused(const struct report *r, FILE *out)
{
	size_t i;

	fputs("<h2>Rejected and dropped records</h2>\n", out);
	if (!r->refused_total) {
		fputs("<p>None.</p>\n", out);
		return;
	}
	if (r->refused_total > r->nrows)
		fprintf(out,
			"<p>The first %zu of %" PRIu64 " (see <span "
			"class=\"mono\">nfjudge audit search</span> for "
			"all).</p>\n",
			r->nrows, r->refused_total);
	fputs("<table><tr><th>time</th><th>verdict</th><th>rule</th>"
	      "<th>proto</th><th>destination</th><th>user</th><th>exe</th>"
	      "<th class=\"n\">pid</th></tr>\n",
	      out);
	for (i = 0; i < r->nrows; i++)
		fputs(r->rows[i], out);
	fputs("</table>\n", out);
}

void audit_html_write(const struct report *r, char *const *logs, int nlogs,
		      FILE *out)
{
	html_head(out);
	html_logs(r, logs, nlogs, out);
	html_chain(r, out);
	html_totals(r, out);
	audit_html_timeline(r, out);
	html_top(out, "Executables refused (rejected or dropped)", "executable",
		 r->refused);
	html_top(out, "Destinations", "destination", r->dests);
	html_top(out, "Rules", "rule", r->rules);
	html_refused(r, out);
	fputs("</body></html>\n", out);
}
