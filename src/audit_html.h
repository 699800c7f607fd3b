/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFJUDGE_AUDIT_HTML_H
#define NFJUDGE_AUDIT_HTML_H

#include <stdio.h>

struct report;

/* The page, from what was gathered. */
void audit_html_write(const struct report *r, char *const *logs, int nlogs,
		      FILE *out);

/* s with & < > " ' as character references, safe in text and quoted
 * attributes, and control characters as the text \u00XX. */
void audit_html_escape(FILE *out, const char *s);

/* The timeline section (audit_html_timeline.c). */
void audit_html_timeline(const struct report *r, FILE *out);

/* The colours of accept, reject and drop, in that order. */
extern const char *const audit_html_colors[3];

#endif
