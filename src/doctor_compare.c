// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * One table of "iptables -S" against the rules nfjudge would install: a
 * chain missing or altered, a jump missing or not first, no REJECT rule,
 * --queue-bypass anywhere.  No I/O, and the listing may be hostile: a
 * program with CAP_NET_ADMIN writes it.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "doctor.h"
#include "doctor_int.h"

#define MAX_CHAINS 16
#define QUOTE_MAX  160 /* of a rule quoted in a finding */
#define BYPASS	   " --queue-bypass"

size_t doctor_text_tables(const char *text, char names[][32], size_t max)
{
	const char *line, *p = text;
	size_t len, n = 0;

	while (n < max && (line = doctor_next_line(&p, &len)))
		if (len > 1 && len < 32 && line[0] == '*') {
			memcpy(names[n], line + 1, len - 1);
			names[n++][len - 1] = '\0';
		}
	return n;
}

/* The lines of one "*table" section of a restore text, as a cursor. */
struct section {
	const char *p;
};

static struct section section_of(const char *text, const char *table)
{
	struct section s = {NULL};
	const char *line, *p = text;
	size_t len, n = strlen(table);

	while ((line = doctor_next_line(&p, &len)))
		if (line[0] == '*' && len == n + 1 &&
		    !memcmp(line + 1, table, n)) {
			s.p = p;
			break;
		}
	return s;
}

static const char *section_next(struct section *s, size_t *len)
{
	const char *line = doctor_next_line(&s->p, len);

	if (!line || (*len == 6 && !memcmp(line, "COMMIT", 6)))
		return s->p = NULL;
	return line;
}

/* A listing line equal to want, optionally ignoring --queue-bypass. */
static bool same_rule(const char *got, size_t glen, const char *want,
		      size_t wlen)
{
	const char *b;
	size_t blen = strlen(BYPASS);

	if (glen == wlen && !memcmp(got, want, wlen))
		return true;
	/* fail-open is reported once, on its own, not as a difference */
	b = glen > blen ? memmem(got, glen, BYPASS, blen) : NULL;
	if (!b || glen - blen != wlen)
		return false;
	return !memcmp(got, want, (size_t)(b - got)) &&
	       !memcmp(b + blen, want + (b - got), wlen - (size_t)(b - got));
}

/* The n-th (from 0) listing line starting with prefix, or NULL. */
static const char *nth_with(const char *listing, const char *prefix, size_t n,
			    size_t *len)
{
	const char *line, *p = listing;

	while ((line = doctor_next_line(&p, len)))
		if (doctor_line_starts(line, *len, prefix) && n-- == 0)
			return line;
	return NULL;
}

static bool has_line(const char *listing, const char *want, size_t wlen)
{
	const char *line, *p = listing;
	size_t len;

	while ((line = doctor_next_line(&p, &len)))
		if (same_rule(line, len, want, wlen))
			return true;
	return false;
}

/* The context every chain finding needs. */
struct cmp {
	struct doctor_report *r;
	const char *expected, *table, *listing, *fam, *fix;
	size_t holes;
};

static void hole(struct cmp *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void hole(struct cmp *c, const char *fmt, ...)
{
	char buf[DOCTOR_TEXT_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	doctor_add(c->r, DOCTOR_HOLE, "%s", buf);
	c->holes++;
}

static int quote_len(size_t len)
{
	return (int)(len > QUOTE_MAX ? QUOTE_MAX : len);
}

/* The first difference between the chain's rules and the expected ones. */
static void chain_diff(struct cmp *c, const char *name)
{
	char prefix[48];
	const char *want, *got;
	size_t wlen, glen, i;
	struct section s = section_of(c->expected, c->table);

	snprintf(prefix, sizeof(prefix), "-A %s ", name);
	for (i = 0;; i++) {
		do
			want = section_next(&s, &wlen);
		while (want && !doctor_line_starts(want, wlen, prefix));
		got = nth_with(c->listing, prefix, i, &glen);
		if (!want && !got)
			return;
		if (want && got && same_rule(got, glen, want, wlen))
			continue;
		break;
	}
	if (!got)
		hole(c,
		     "%s chain %s is altered: rule %zu '%.*s' is missing; "
		     "run '%s'",
		     c->fam, name, i + 1, quote_len(wlen), want, c->fix);
	else if (!want)
		hole(c,
		     "%s chain %s is altered: rule %zu '%.*s' was added; "
		     "run '%s'",
		     c->fam, name, i + 1, quote_len(glen), got, c->fix);
	else
		hole(c,
		     "%s chain %s is altered: rule %zu is '%.*s', "
		     "expected '%.*s'; run '%s'",
		     c->fam, name, i + 1, quote_len(glen), got, quote_len(wlen),
		     want, c->fix);
}

static bool chain_has_reject(const char *listing, const char *name)
{
	char prefix[48];
	const char *line;
	size_t len, i;

	snprintf(prefix, sizeof(prefix), "-A %s ", name);
	for (i = 0; (line = nth_with(listing, prefix, i, &len)); i++)
		if (memmem(line, len, " -j REJECT", 10))
			return true;
	return false;
}

static void check_chain(struct cmp *c, const char *name)
{
	char decl[48];

	snprintf(decl, sizeof(decl), "-N %s", name);
	if (!has_line(c->listing, decl, strlen(decl))) {
		hole(c,
		     "%s chain %s is missing (%s table): nothing is judged "
		     "or refused; run '%s'",
		     c->fam, name, c->table, c->fix);
		return;
	}
	chain_diff(c, name);
	/* The mangle chain only drops premarked packets: no REJECT there. */
	if (!strcmp(c->table, "filter") && !chain_has_reject(c->listing, name))
		hole(c,
		     "%s chain %s has no REJECT rule: a reject verdict "
		     "cannot refuse the packet; run '%s'",
		     c->fam, name, c->fix);
}

/* A rule appended to a chain that is not ours: it must be there. */
static void check_present(struct cmp *c, const char *line, size_t len)
{
	if (!has_line(c->listing, line, len))
		hole(c, "%s: rule '%.*s' is missing; run '%s'", c->fam,
		     quote_len(len), line, c->fix);
}

/* "-I CHAIN N RULE" other than our jump: listed as "-A CHAIN RULE". */
static void check_inserted(struct cmp *c, const char *buf)
{
	char chain[32], want[96];
	int at = 0;

	if (sscanf(buf, "-I %31s %*u %n", chain, &at) != 1 || !at)
		return;
	snprintf(want, sizeof(want), "-A %s %s", chain, buf + at);
	check_present(c, want, strlen(want));
}

/* "-I CHAIN 1 -j NAME": the jump must be CHAIN's first rule. */
static void check_first(struct cmp *c, const char *line, size_t len)
{
	char buf[80], chain[32], target[32], prefix[40], want[80];
	const char *got;
	size_t glen;

	memcpy(buf, line, len);
	buf[len] = '\0';
	if (sscanf(buf, "-I %31s 1 -j %31s", chain, target) != 2)
		return check_inserted(c, buf);
	snprintf(want, sizeof(want), "-I %s 1 -j %s", chain, target);
	if (strcmp(want, buf))
		return check_inserted(c, buf);
	snprintf(prefix, sizeof(prefix), "-A %s ", chain);
	snprintf(want, sizeof(want), "-A %s -j %s", chain, target);
	got = nth_with(c->listing, prefix, 0, &glen);
	if (got && glen == strlen(want) && !memcmp(got, want, glen))
		return;
	if (!has_line(c->listing, want, strlen(want)))
		hole(c,
		     "%s: %s has no jump to %s: the chain is never "
		     "consulted; run '%s'",
		     c->fam, chain, target, c->fix);
	else
		hole(c,
		     "%s: the first rule of %s is '%.*s', not the jump to "
		     "%s: packets meet it before nfjudge; run '%s'",
		     c->fam, chain, quote_len(glen), got, target, c->fix);
}

static void check_bypass(struct cmp *c)
{
	const char *line, *p = c->listing;
	size_t len;

	while ((line = doctor_next_line(&p, &len)))
		if (doctor_line_starts(line, len, "-A ") &&
		    memmem(line, len, BYPASS, strlen(BYPASS)))
			hole(c,
			     "%s rule '%.*s' is fail-open: while no nfjudge "
			     "reads its queue, packets pass unjudged "
			     "(--queue-bypass); run '%s' without "
			     "--fail-open",
			     c->fam, quote_len(len), line, c->fix);
}

/* Whether "-A NAME ..." appends to a chain the text declares. */
static bool declared(char names[][32], size_t n, const char *line, size_t len)
{
	size_t i, k;

	for (i = 0; i < n; i++) {
		k = strlen(names[i]);
		if (len > k + 3 && !memcmp(line + 3, names[i], k) &&
		    line[k + 3] == ' ')
			return true;
	}
	return false;
}

static void check_line(struct cmp *c, char names[][32], size_t *n,
		       const char *line, size_t len)
{
	size_t k;

	if (line[0] == ':' && *n < MAX_CHAINS) {
		k = strcspn(line + 1, " \n");
		if (k && k < 32 && k < len) {
			memcpy(names[*n], line + 1, k);
			names[(*n)++][k] = '\0';
			check_chain(c, names[*n - 1]);
		}
	} else if (doctor_line_starts(line, len, "-I ") && len < 80) {
		check_first(c, line, len);
	} else if (doctor_line_starts(line, len, "-A ") &&
		   !declared(names, *n, line, len)) {
		check_present(c, line, len);
	}
}

size_t doctor_compare_table(struct doctor_report *r, const char *expected,
			    const char *table, const char *listing,
			    const char *fam_name, const char *fix)
{
	struct cmp c = {r, expected, table, listing, fam_name, fix, 0};
	struct section s = section_of(expected, table);
	char names[MAX_CHAINS][32];
	const char *line;
	size_t n = 0, len;

	while ((line = section_next(&s, &len)))
		check_line(&c, names, &n, line, len);
	check_bypass(&c);
	return c.holes;
}
