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

#endif
