// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What "iptables -S" lists, read back: which of our chains and jumps are
 * there, and whether the chain is intact, rule for rule as rules.c writes
 * it.  No I/O here either: the listing is given.
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"

#define JUMP_RULE    "-A OUTPUT -j " RULES_CHAIN
#define JUMP_RULE_IN "-A INPUT -j " RULES_CHAIN_IN

/* Whether the line at p (up to a newline or NUL) is exactly want. */
static bool line_is(const char *p, const char *want)
{
	size_t n = strlen(want);

	return !strncmp(p, want, n) && (p[n] == '\n' || p[n] == '\0');
}

void rules_state_parse(const char *listing, struct rules_state *st)
{
	const char *p = listing;

	st->chain = st->in_chain = false;
	st->jumps = st->in_jumps = 0;
	while (p && *p) {
		if (line_is(p, "-N " RULES_CHAIN))
			st->chain = true;
		else if (line_is(p, "-N " RULES_CHAIN_IN))
			st->in_chain = true;
		else if (line_is(p, JUMP_RULE))
			st->jumps++;
		else if (line_is(p, JUMP_RULE_IN))
			st->in_jumps++;
		p = strchr(p, '\n');
		if (p)
			p++;
	}
}

void rules_state_parse_mangle(const char *listing, struct rules_state *st)
{
	const char *p = listing;

	st->mangle_chain = false;
	st->mangle_jumps = 0;
	while (p && *p) {
		if (line_is(p, "-N " RULES_CHAIN))
			st->mangle_chain = true;
		else if (line_is(p, JUMP_RULE))
			st->mangle_jumps++;
		p = strchr(p, '\n');
		if (p)
			p++;
	}
}

/* The next line of a text: its start, its length in *len; NULL at the end. */
static const char *next_line(const char **p, size_t *len)
{
	const char *line = *p;

	if (!line || !*line)
		return NULL;
	*len = strcspn(line, "\n");
	*p = line[*len] ? line + *len + 1 : line + *len;
	return line;
}

static bool starts(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && !memcmp(s, prefix, n);
}

/* The i-th line of listing that starts with prefix, or NULL. */
static const char *nth_with(const char *listing, const char *prefix, size_t i,
			    size_t *len)
{
	const char *p = listing, *line;

	while ((line = next_line(&p, len)))
		if (starts(line, *len, prefix) && i-- == 0)
			return line;
	return NULL;
}

static bool has_exact(const char *listing, const char *want, size_t wlen)
{
	const char *p = listing, *line;
	size_t len;

	while ((line = next_line(&p, &len)))
		if (len == wlen && !memcmp(line, want, len))
			return true;
	return false;
}

/*
 * One line of install's text against the listing: a declared chain must
 * be there, a jump must be its hook's first rule, rule k of a chain must
 * be the chain's k-th rule (*k counts them, per chain in turn).
 */
static bool line_holds(const char *listing, const char *line, size_t len,
		       char *chain, size_t *k)
{
	char want[64], name[32];
	const char *got;
	size_t glen;

	if (line[0] == ':') {
		snprintf(want, sizeof(want), "-N %.*s",
			 (int)strcspn(line + 1, " \n"), line + 1);
		return has_exact(listing, want, strlen(want));
	}
	if (sscanf(line, "-I %31s 1 -j", name) == 1) {
		snprintf(want, sizeof(want), "-A %s ", name);
		got = nth_with(listing, want, 0, &glen);
		snprintf(want, sizeof(want), "-A %s -j %.*s", name,
			 (int)(len - strlen(name) - 9),
			 line + strlen(name) + 9);
		return got && glen == strlen(want) && !memcmp(got, want, glen);
	}
	if (sscanf(line, "-A %31s", name) != 1)
		return true;
	if (strcmp(name, chain)) {
		snprintf(chain, 32, "%s", name);
		*k = 0;
	}
	snprintf(want, sizeof(want), "-A %s ", name);
	got = nth_with(listing, want, (*k)++, &glen);
	return got && glen == len && !memcmp(got, line, len);
}

static size_t count_with(const char *listing, const char *prefix)
{
	size_t n = 0, len;

	while (nth_with(listing, prefix, n, &len))
		n++;
	return n;
}

/* Every line of the table's section holds, and no rule was added. */
static bool section_intact(const char *text, const char *table,
			   const char *listing)
{
	char head[32], chain[32] = "";
	const char *p = text, *line;
	size_t len, k = 0, n = 0, n_in = 0;
	bool in = false, ok = true;

	snprintf(head, sizeof(head), "*%s", table);
	while (ok && (line = next_line(&p, &len))) {
		if (line[0] == '*') {
			in = len == strlen(head) && !memcmp(line, head, len);
		} else if (in && starts(line, len, "COMMIT")) {
			in = false;
		} else if (in) {
			ok = line_holds(listing, line, len, chain, &k);
			n += starts(line, len, "-A " RULES_CHAIN " ");
			n_in += starts(line, len, "-A " RULES_CHAIN_IN " ");
		}
	}
	return ok && n == count_with(listing, "-A " RULES_CHAIN " ") &&
	       n_in == count_with(listing, "-A " RULES_CHAIN_IN " ");
}

bool rules_listing_intact(const struct rules_opts *o, enum rules_family fam,
			  const char *table, const char *listing)
{
	static const struct rules_state none;
	char *text;
	bool ok;

	if (!listing)
		return false;
	text = rules_text_install(o, fam, &none);
	ok = text && section_intact(text, table, listing);
	free(text);
	return ok;
}

bool rules_state_any(const struct rules_state *st)
{
	return st->chain || st->jumps || st->in_chain || st->in_jumps ||
	       st->mangle_chain || st->mangle_jumps;
}
