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

#include "audit_group.h"
#include "audit_html.h"
#include "audit_report.h"
#include "timefmt.h"

#define TOP_N	 20
#define BARS_MAX 96

static const char *const colors[] = {"#2e7d32", "#c62828", "#ef6c00"};
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
	fprintf(out, "<br>%" PRIu64 " records", r->records);
	if (r->records) {
		fputs(" from ", out);
		html_time(out, r->first);
		fputs(" to ", out);
		html_time(out, r->last);
	}
	fprintf(out, "; %lu lines that are not records.</p>\n", r->bad_lines);
}

/* One chain: where it begins (when there are several), its extent, gaps. */
static void html_chain_one(const struct vchain *c, bool many, FILE *out)
{
	if (many) {
		fputs("<li><span class=\"mono\">", out);
		audit_html_escape(out, c->file);
		fprintf(out, ":%lu</span>: ", c->line);
	}
	fprintf(out, "%" PRIu64 " records, seq %" PRIu64 " to %" PRIu64 ".",
		c->records, c->first_seq, c->seq);
	if (c->gaps)
		fprintf(out,
			" <span class=\"bad\">%" PRIu64 " gap(s): %" PRIu64
			" packet(s) never judged, %" PRIu64 " record(s) not "
			"written.</span>",
			c->gaps, c->lost_packets, c->lost_records);
	fputs(many ? "</li>\n" : "</p>\n", out);
}

static void html_chain(const struct report *r, FILE *out)
{
	const struct verify *v = &r->verify;
	size_t i, n = audit_verify_nchains(v);

	fputs("<h2>Hash chain</h2>\n", out);
	if (r->broken) {
		fputs("<p class=\"bad\"><b>Tampered, damaged or not "
		      "anchored.</b> First bad line: <span class=\"mono\">",
		      out);
		audit_html_escape(out, r->broken_at);
		fputs("</span>. Nothing after it can be trusted.</p>\n", out);
		return;
	}
	if (!n) {
		fputs("<p class=\"bad\">No records.</p>\n", out);
		return;
	}
	fprintf(out, "<p class=\"ok\"><b>Intact</b> (%s)",
		r->keyfile ? "HMAC-SHA256" : "SHA-256");
	if (n > 1)
		fprintf(out, ": %zu chains, one per log:</p>\n<ul>\n", n);
	else
		fputs(": ", out);
	for (i = 0; i < n; i++)
		html_chain_one(i < v->ndone ? &v->done[i] : &v->cur, n > 1,
			       out);
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
		fprintf(out,
			"<text x=\"0\" y=\"%zu\">%s</text><rect x=\"90\" "
			"y=\"%zu\" width=\"%.1f\" height=\"16\" "
			"fill=\"%s\"/><text x=\"%.1f\" y=\"%zu\">%" PRIu64
			"</text>\n",
			i * 22 + 15, labels[i], i * 22 + 2,
			values[i] * 440.0 / (double)max, fills[i],
			values[i] * 440.0 / (double)max + 96, i * 22 + 15,
			values[i]);
	}
	fputs("</svg>\n", out);
}

static void html_totals(const struct report *r, FILE *out)
{
	struct agroup **v = audit_groups_sorted(r->events);
	size_t i, n = audit_groups_size(r->events);

	fputs("<h2>Verdicts</h2>\n", out);
	svg_hbars(out, vnames, r->verdicts, colors, 3);
	fputs("<p>Records by event type:", out);
	for (i = 0; v && i < n; i++) {
		fputs(i ? ", " : " ", out);
		audit_html_escape(out, audit_group_part(v[i], 0));
		fprintf(out, " %" PRIu64, v[i]->count);
	}
	fputs("</p>\n", out);
	free(v);
}

struct bins {
	char label[BARS_MAX][20];
	uint64_t n[BARS_MAX][3];
	size_t count;
	bool cut; /* more bins than BARS_MAX even by year */
};

static int by_key(const void *pa, const void *pb)
{
	const struct agroup *a = *(const struct agroup *const *)pa;
	const struct agroup *b = *(const struct agroup *const *)pb;

	return strcmp(a->key, b->key);
}

/* Hours ("2026-11-28T12:00Z") merged on a prefix: day, month, year. */
static size_t bins_fill(struct bins *b, struct agroup **v, size_t n,
			size_t prefix)
{
	size_t i, j;

	memset(b, 0, sizeof(*b));
	for (i = 0; i < n; i++) {
		const char *k = v[i]->key;

		if (!b->count || strncmp(b->label[b->count - 1], k, prefix)) {
			if (b->count == BARS_MAX) {
				b->cut = true;
				return n;
			}
			snprintf(b->label[b->count++], sizeof(b->label[0]),
				 "%.*s", (int)prefix, k);
		}
		for (j = 0; j < 3; j++)
			b->n[b->count - 1][j] += v[i]->by_verdict[j];
	}
	return b->count;
}

static void svg_bar(FILE *out, const struct bins *b, size_t i, double w,
		    double scale)
{
	double y = 180;
	int j;

	fputs("<g><title>", out);
	audit_html_escape(out, b->label[i]);
	fprintf(out,
		": %" PRIu64 " accepted, %" PRIu64 " rejected, %" PRIu64
		" dropped</title>",
		b->n[i][0], b->n[i][1], b->n[i][2]);
	for (j = 0; j < 3; j++) {
		double h = b->n[i][j] * scale;

		y -= h;
		fprintf(out,
			"<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
			"height=\"%.1f\" fill=\"%s\"/>",
			i * w, y, w > 2 ? w - 1 : w, h, colors[j]);
	}
	fputs("</g>\n", out);
}

static void svg_timeline(FILE *out, const struct bins *b)
{
	double w = 800.0 / (double)(b->count ? b->count : 1);
	uint64_t max = 1, t;
	size_t i;

	for (i = 0; i < b->count; i++) {
		t = b->n[i][0] + b->n[i][1] + b->n[i][2];
		if (t > max)
			max = t;
	}
	fputs("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"800\" "
	      "height=\"200\" role=\"img\">\n",
	      out);
	for (i = 0; i < b->count; i++)
		svg_bar(out, b, i, w, 170.0 / (double)max);
	if (b->count) {
		fputs("<text x=\"0\" y=\"195\">", out);
		audit_html_escape(out, b->label[0]);
		fputs("</text><text x=\"800\" y=\"195\" "
		      "text-anchor=\"end\">",
		      out);
		audit_html_escape(out, b->label[b->count - 1]);
		fputs("</text>\n", out);
	}
	fprintf(out,
		"<text x=\"800\" y=\"10\" text-anchor=\"end\">max %" PRIu64
		" a bar</text></svg>\n",
		max);
}

static void html_timeline(const struct report *r, FILE *out)
{
	static const size_t prefixes[] = {17, 10, 7, 4};
	static const char *const units[] = {"hour", "day", "month", "year"};
	struct agroup **v = audit_groups_sorted(r->hours);
	size_t n = audit_groups_size(r->hours), i;
	static struct bins b;

	if (!v)
		return;
	qsort(v, n, sizeof(*v), by_key);
	for (i = 0; i < 4; i++)
		if (bins_fill(&b, v, n, prefixes[i]) <= BARS_MAX)
			break;
	if (i == 4)
		i = 3;
	fprintf(out,
		"<h2>Timeline</h2>\n<p>Verdicts a%s %s (UTC), only where "
		"there were any: <span style=\"color:%s\">accept</span>, "
		"<span style=\"color:%s\">reject</span>, <span "
		"style=\"color:%s\">drop</span>.%s</p>\n",
		i == 0 ? "n" : "", units[i], colors[0], colors[1], colors[2],
		b.cut ? " Only the first 96 years are shown." : "");
	svg_timeline(out, &b);
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
	html_timeline(r, out);
	html_top(out, "Executables refused (rejected or dropped)", "executable",
		 r->refused);
	html_top(out, "Destinations", "destination", r->dests);
	html_top(out, "Rules", "rule", r->rules);
	html_refused(r, out);
	fputs("</body></html>\n", out);
}
