// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The canonical form of a compiled policy: what `nfjudge policy check`
 * and `policy show` print.  It parses back to the same policy; long rules
 * are wrapped with a trailing backslash to stay within 80 columns.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "policy_int.h"
#include "verdict.h"

#define WRAP_COL 78

struct printer {
	FILE *out;
	int col;
};

static bool needs_quotes(const char *s)
{
	return !s[0] || s[0] == '#' || s[0] == '$' ||
	       strpbrk(s, " \t\r,\"\\") != NULL;
}

static size_t quoted_len(const char *s)
{
	size_t n = strlen(s) + 2;

	for (; *s; s++)
		n += *s == '"' || *s == '\\';
	return n;
}

static void put_quoted(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

/*
 * One word after a space or a line break, with the keyword that leads it
 * (NULL for none) kept on the same line; comma appends ",".
 */
static void put_word(struct printer *pr, const char *lead, const char *s,
		     bool quote, bool comma)
{
	size_t len = (quote ? quoted_len(s) : strlen(s)) + comma;

	if (lead)
		len += strlen(lead) + 1;
	if (pr->col > 8 && pr->col + 1 + (int)len > WRAP_COL) {
		fputs(" \\\n\t", pr->out);
		pr->col = 8;
	} else if (pr->col > 0) {
		fputc(' ', pr->out);
		pr->col++;
	}
	if (lead)
		fprintf(pr->out, "%s ", lead);
	if (quote)
		put_quoted(pr->out, s);
	else
		fputs(s, pr->out);
	if (comma)
		fputc(',', pr->out);
	pr->col += (int)len;
}

static void print_match(struct printer *pr, const struct pmatch *m)
{
	const char *kind = policy_match_kind_name(m->kind);
	char lead[32];
	size_t i;

	snprintf(lead, sizeof(lead), "%s%s", m->negate ? "not " : "", kind);
	if (!m->n_items) {
		put_word(pr, NULL, lead, false, false);
		return;
	}
	for (i = 0; i < m->n_items; i++)
		put_word(pr, i ? NULL : lead, m->items[i],
			 needs_quotes(m->items[i]), i + 1 < m->n_items);
}

static void print_rule(FILE *out, const struct prule *r)
{
	struct printer pr = {.out = out};
	size_t i;

	put_word(&pr, NULL, verdict_str(r->verdict), false, false);
	for (i = 0; i < r->n; i++)
		print_match(&pr, &r->m[i]);
	if (r->named)
		put_word(&pr, "name", r->name, false, false);
	if (r->reason)
		put_word(&pr, "reason", r->reason, true, false);
	fputc('\n', out);
}

void policy_print(const struct policy *p, FILE *out)
{
	size_t i;

	if (p->header)
		fprintf(out, "%s\n", p->header);
	fprintf(out, "set default %s\n", verdict_str(p->def));
	fprintf(out, "set mode %s\n", p->audit ? "audit" : "enforce");
	if (p->n)
		fputc('\n', out);
	for (i = 0; i < p->n; i++)
		print_rule(out, &p->rules[i]);
}
