// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The report's timeline: records per verdict in bars of one width (a
 * minute, an hour, a day or more, from the span of the logs), drawn as
 * inline SVG.
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

#define MINUTE_US (60 * INT64_C(1000000))
#define HOUR_US	  (60 * MINUTE_US)
#define DAY_US	  (24 * HOUR_US)

/* A timeline: bars of one width from origin on, without holes. */
struct bins {
	uint64_t n[REPORT_BARS][3];
	size_t count;
	int64_t origin, width; /* microseconds */
};

static int64_t floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b < 0);
}

/* The earliest and latest record of a table's groups. */
static void bins_span(struct agroup **v, size_t n, int64_t *lo, int64_t *hi)
{
	size_t i;

	*lo = INT64_MAX;
	*hi = INT64_MIN;
	for (i = 0; i < n; i++) {
		if (v[i]->first < *lo)
			*lo = v[i]->first;
		if (v[i]->last > *hi)
			*hi = v[i]->last;
	}
}

/* Bars of width from the span's start; the groups (each within one
 * bar: a minute or an hour) counted into them. */
static void bins_fill(struct bins *b, struct agroup **v, size_t n,
		      int64_t width)
{
	int64_t lo, hi, i;
	size_t j, k;

	memset(b, 0, sizeof(*b));
	bins_span(v, n, &lo, &hi);
	b->width = width;
	b->origin = floor_div(lo, width) * width;
	b->count = (size_t)(floor_div(hi, width) - floor_div(lo, width) + 1);
	for (j = 0; j < n; j++) {
		i = floor_div(v[j]->first, width) - floor_div(lo, width);
		for (k = 0; i >= 0 && i < REPORT_BARS && k < 3; k++)
			b->n[i][k] += v[j]->by_verdict[k];
	}
}

/*
 * The shortest bucket whose bars cover the span of the logs: a minute,
 * an hour, a day, or past REPORT_BARS days as many days a bar as it
 * takes.  0 when there is nothing to show.
 */
static int64_t bins_width(const struct report *r, bool *minutes)
{
	struct agroup **v = audit_groups_sorted(r->hours);
	size_t n = audit_groups_size(r->hours);
	int64_t lo, hi, days;

	*minutes = false;
	if (!v || !n) {
		free(v);
		return 0;
	}
	bins_span(v, n, &lo, &hi);
	free(v);
	if (r->minutes &&
	    floor_div(hi, MINUTE_US) - floor_div(lo, MINUTE_US) < REPORT_BARS) {
		*minutes = true;
		return MINUTE_US;
	}
	if (floor_div(hi, HOUR_US) - floor_div(lo, HOUR_US) < REPORT_BARS)
		return HOUR_US;
	days = floor_div(hi, DAY_US) - floor_div(lo, DAY_US) + 1;
	return (days + REPORT_BARS - 1) / REPORT_BARS * DAY_US;
}

/* The start of bar i, as wide as the bars are. */
static void bins_label(const struct bins *b, size_t i, char *buf, size_t len)
{
	time_t t = (time_t)floor_div(b->origin + (int64_t)i * b->width,
				     INT64_C(1000000));
	struct tm tm;

	if (!gmtime_r(&t, &tm))
		snprintf(buf, len, "?");
	else
		strftime(buf, len,
			 b->width < HOUR_US  ? "%Y-%m-%dT%H:%MZ"
			 : b->width < DAY_US ? "%Y-%m-%dT%H:00Z"
					     : "%Y-%m-%d",
			 &tm);
}

static void svg_bar(FILE *out, const struct bins *b, size_t i, double w,
		    double scale)
{
	char label[40];
	double y = 180;
	int j;

	if (!b->n[i][0] && !b->n[i][1] && !b->n[i][2])
		return;
	bins_label(b, i, label, sizeof(label));
	fprintf(out,
		"<g><title>%s: %" PRIu64 " accepted, %" PRIu64
		" rejected, %" PRIu64 " dropped</title>",
		label, b->n[i][0], b->n[i][1], b->n[i][2]);
	for (j = 0; j < 3; j++) {
		double h = b->n[i][j] * scale;

		y -= h;
		fprintf(out,
			"<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
			"height=\"%.1f\" fill=\"%s\"/>",
			i * w, y, w > 2 ? w - 1 : w, h, audit_html_colors[j]);
	}
	fputs("</g>\n", out);
}

static void svg_timeline(FILE *out, const struct bins *b)
{
	double w = 800.0 / (double)b->count;
	uint64_t max = 1, t;
	char first[40], last[40];
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
	bins_label(b, 0, first, sizeof(first));
	bins_label(b, b->count - 1, last, sizeof(last));
	fprintf(out,
		"<text x=\"0\" y=\"195\">%s</text><text x=\"800\" "
		"y=\"195\" text-anchor=\"end\">%s</text>\n"
		"<text x=\"800\" y=\"10\" text-anchor=\"end\">max %" PRIu64
		" a bar</text></svg>\n",
		first, last, max);
}

/* "a minute", "an hour", "a day" or "every N days". */
static void html_bucket(FILE *out, int64_t width)
{
	if (width == MINUTE_US)
		fputs("a minute", out);
	else if (width == HOUR_US)
		fputs("an hour", out);
	else if (width == DAY_US)
		fputs("a day", out);
	else
		fprintf(out, "every %" PRId64 " days", width / DAY_US);
}

void audit_html_timeline(const struct report *r, FILE *out)
{
	static struct bins b;
	bool minutes;
	int64_t width = bins_width(r, &minutes);
	const struct agroups *t = minutes ? r->minutes : r->hours;
	struct agroup **v = width ? audit_groups_sorted(t) : NULL;

	if (!v)
		return;
	bins_fill(&b, v, audit_groups_size(t), width);
	fprintf(out,
		"<h2>Timeline</h2>\n<p id=\"timeline\" "
		"data-bucket-us=\"%" PRId64 "\">Verdicts ",
		width);
	html_bucket(out, width);
	fprintf(out,
		" (UTC): <span style=\"color:%s\">accept</span>, <span "
		"style=\"color:%s\">reject</span>, <span "
		"style=\"color:%s\">drop</span>.</p>\n",
		audit_html_colors[0], audit_html_colors[1],
		audit_html_colors[2]);
	svg_timeline(out, &b);
	free(v);
}
