// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The policy parser: statements (set, define, rules) into a compiled,
 * immutable policy.  It goes on after an error so that one run reports
 * every error in the file.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy_int.h"
#include "verdict.h"

#define Q PDIAG_QUOTE

static const char *const actions[] = {"accept", "reject", "drop"};
static const char *const statements[] = {"accept", "reject", "drop", "set",
					 "define"};

static int verdict_lookup(const char *word)
{
	static const int v[] = {VERDICT_ACCEPT, VERDICT_REJECT, VERDICT_DROP};
	size_t i;

	for (i = 0; i < 3; i++)
		if (!strcmp(word, actions[i]))
			return v[i];
	return -1;
}

static void unexpected(struct pparse *ps, const struct ptoken *t,
		       const char *after)
{
	policy_lex_error(&ps->diag, t->line, t->col,
			 "unexpected '%.*s' after %s", Q, t->text, after);
}

static void set_value(struct pparse *ps, const struct ptoken *key,
		      const struct ptoken *val)
{
	bool mode = !strcmp(key->text, "mode");
	unsigned *seen = mode ? &ps->mode_line : &ps->default_line;
	int v = verdict_lookup(val->text);

	if (*seen) {
		policy_lex_error(&ps->diag, key->line, key->col,
				 "'set %s' given twice (first on line %u)",
				 key->text, *seen);
		return;
	}
	*seen = key->line;
	if (mode &&
	    (!strcmp(val->text, "enforce") || !strcmp(val->text, "audit")))
		ps->p->audit = !strcmp(val->text, "audit");
	else if (mode)
		policy_lex_error(
			&ps->diag, val->line, val->col,
			"invalid mode '%.*s' (expected enforce or audit)", Q,
			val->text);
	else if (v >= 0 && val->type == PTOK_WORD)
		ps->p->def = v;
	else
		policy_lex_error(
			&ps->diag, val->line, val->col,
			"invalid default '%.*s' (expected accept, reject "
			"or drop)",
			Q, val->text);
}

static void parse_set(struct pparse *ps, const struct pstmt *st)
{
	const struct ptoken *key = &st->t[st->n > 1];

	if (st->n < 2) {
		policy_lex_error(&ps->diag, key->line, key->col,
				 "expected 'default' or 'mode' after 'set'");
		return;
	}
	if (strcmp(key->text, "default") && strcmp(key->text, "mode")) {
		policy_lex_error(
			&ps->diag, key->line, key->col,
			"unknown setting '%.*s' (expected default or mode)", Q,
			key->text);
		return;
	}
	if (st->n < 3) {
		policy_lex_error(&ps->diag, key->line, key->col,
				 "'set %s' needs a value", key->text);
		return;
	}
	set_value(ps, key, &st->t[2]);
	if (st->n > 3)
		unexpected(ps, &st->t[3], "the value");
}

static int match_item(struct pparse *ps, void *arg, const struct ptoken *t)
{
	return policy_item_compile(ps, arg, t);
}

static void unknown_match(struct pparse *ps, const struct ptoken *t)
{
	const char *words[PM__MAX + 3], *const *kinds, *hint;
	size_t n, k;

	kinds = policy_match_kind_names(&n);
	for (k = 0; k < n; k++)
		words[k] = kinds[k];
	words[n++] = "not";
	words[n++] = "name";
	words[n++] = "reason";
	hint = policy_lex_suggest(t->text, words, n);
	if (hint)
		policy_lex_error(&ps->diag, t->line, t->col,
				 "unknown match '%.*s' (did you mean '%s'?)", Q,
				 t->text, hint);
	else
		policy_lex_error(&ps->diag, t->line, t->col,
				 "unknown match '%.*s'", Q, t->text);
}

static struct pmatch *new_match(struct prule *r, int kind, bool negate)
{
	struct pmatch *m = policy_lex_grow(r->m, r->n, &r->cap, sizeof(*m));

	if (!m)
		return NULL;
	r->m = m;
	m = &m[r->n++];
	memset(m, 0, sizeof(*m));
	m->kind = kind;
	m->negate = negate;
	return m;
}

static bool is_rule_word(const char *word)
{
	return policy_match_kind_lookup(word) >= 0 || !strcmp(word, "not") ||
	       !strcmp(word, "name") || !strcmp(word, "reason");
}

/* [not] MATCH [ITEM, ...] */
static int parse_match(struct pparse *ps, const struct pstmt *st, size_t *i,
		       struct prule *r)
{
	const struct ptoken *t = &st->t[*i];
	bool negate = !strcmp(t->text, "not");
	struct pmatch *m;
	int kind;

	if (negate && ++*i < st->n)
		t = &st->t[*i];
	kind = t->type == PTOK_WORD ? policy_match_kind_lookup(t->text) : -1;
	if (kind < 0) {
		if (negate)
			policy_lex_error(&ps->diag, t->line, t->col,
					 "'not' must be followed by a match");
		else
			unknown_match(ps, t);
		/* skip its values, so that later matches are still checked */
		while (*i < st->n && ++*i < st->n &&
		       !(st->t[*i].type == PTOK_WORD &&
			 is_rule_word(st->t[*i].text)))
			;
		return 0;
	}
	(*i)++;
	m = new_match(r, kind, negate);
	if (!m)
		return -ENOMEM;
	if (kind == PM_DIRECTION)
		r->has_direction = true;
	if (kind != PM_UNATTRIBUTED &&
	    policy_list_parse(ps, st, i, match_item, m))
		return -ENOMEM;
	policy_item_finish(m);
	return 0;
}

static int parse_name(struct pparse *ps, const struct ptoken *t,
		      struct prule *r)
{
	long old = policy_index_find(&ps->rule_names, t->text);

	if (r->named) {
		policy_lex_error(&ps->diag, t->line, t->col,
				 "rule has two names");
		return 0;
	}
	if (t->type != PTOK_WORD || !policy_list_name_valid(t->text)) {
		policy_lex_error(
			&ps->diag, t->line, t->col,
			"invalid rule name '%.*s' (letters, digits, '_', "
			"'-' and '.')",
			Q, t->text);
		return 0;
	}
	if (old >= 0) {
		policy_lex_error(&ps->diag, t->line, t->col,
				 "duplicate rule name '%s' (first on line %u)",
				 t->text, ps->p->rules[old].line);
		return 0;
	}
	r->named = true;
	r->name = strdup(t->text);
	return r->name ? 0 : -ENOMEM;
}

static int parse_reason(struct pparse *ps, const struct ptoken *t,
			struct prule *r)
{
	if (r->reason) {
		policy_lex_error(&ps->diag, t->line, t->col,
				 "rule has two reasons");
		return 0;
	}
	if (t->type == PTOK_COMMA) {
		policy_lex_error(&ps->diag, t->line, t->col,
				 "'reason' needs a text in double quotes");
		return 0;
	}
	r->reason = strdup(t->text);
	return r->reason ? 0 : -ENOMEM;
}

/* name NAME or reason "TEXT"; the value is at st->t[*i + 1]. */
static int parse_attr(struct pparse *ps, const struct pstmt *st, size_t *i,
		      struct prule *r)
{
	const struct ptoken *key = &st->t[(*i)++];

	if (*i >= st->n) {
		policy_lex_error(&ps->diag, key->line, key->col,
				 "'%s' needs a value", key->text);
		return 0;
	}
	if (!strcmp(key->text, "name"))
		return parse_name(ps, &st->t[(*i)++], r);
	return parse_reason(ps, &st->t[(*i)++], r);
}

static int parse_rule_body(struct pparse *ps, const struct pstmt *st,
			   struct prule *r)
{
	size_t i = 1;
	int rc = 0;

	while (i < st->n && rc == 0) {
		const struct ptoken *t = &st->t[i];

		if (t->type != PTOK_WORD) {
			policy_lex_error(
				&ps->diag, t->line, t->col,
				"expected a match, 'name' or 'reason', "
				"not '%.*s'",
				Q, t->text);
			return 0;
		}
		if (!strcmp(t->text, "name") || !strcmp(t->text, "reason"))
			rc = parse_attr(ps, st, &i, r);
		else
			rc = parse_match(ps, st, &i, r);
	}
	return rc < 0 ? rc : 0;
}

static int parse_rule(struct pparse *ps, const struct pstmt *st, int verdict)
{
	struct prule r = {.verdict = verdict, .line = st->t[0].line};
	struct prule *rules;
	char buf[32];
	int rc;

	rc = parse_rule_body(ps, st, &r);
	if (!rc && !r.name) {
		snprintf(buf, sizeof(buf), "line %u", r.line);
		r.name = strdup(buf);
		rc = r.name ? 0 : -ENOMEM;
	}
	rules = rc ? NULL
		   : policy_lex_grow(ps->p->rules, ps->p->n, &ps->p->cap,
				     sizeof(*rules));
	if (!rules) {
		policy_rule_release(&r);
		return -ENOMEM;
	}
	ps->p->rules = rules;
	rules[ps->p->n++] = r;
	return r.named ? policy_index_add(&ps->rule_names, r.name, ps->p->n - 1)
		       : 0;
}

static void unknown_statement(struct pparse *ps, const struct ptoken *t)
{
	const char *hint = NULL;

	if (t->type == PTOK_WORD && is_rule_word(t->text)) {
		policy_lex_error(&ps->diag, t->line, t->col,
				 "missing action: a rule starts with accept, "
				 "reject or drop");
		return;
	}
	if (t->type == PTOK_WORD)
		hint = policy_lex_suggest(t->text, statements, 5);
	if (hint)
		policy_lex_error(&ps->diag, t->line, t->col,
				 "unknown action '%.*s' (did you mean '%s'?)",
				 Q, t->text, hint);
	else
		policy_lex_error(
			&ps->diag, t->line, t->col,
			"expected accept, reject, drop, set or define, "
			"not '%.*s'",
			Q, t->text);
}

static int parse_statement(struct pparse *ps, const struct pstmt *st)
{
	const struct ptoken *t = &st->t[0];
	int v = t->type == PTOK_WORD ? verdict_lookup(t->text) : -1;

	if (v >= 0)
		return parse_rule(ps, st, v);
	if (t->type == PTOK_WORD && !strcmp(t->text, "set"))
		parse_set(ps, st);
	else if (t->type == PTOK_WORD && !strcmp(t->text, "define"))
		return policy_list_define(ps, st);
	else
		unknown_statement(ps, t);
	return 0;
}

static int parse_all(struct pparse *ps, struct plex *lx)
{
	struct pstmt st = {0};
	int rc;

	while ((rc = policy_lex_next(lx, &st)) > 0) {
		if (st.bad)
			continue;
		rc = parse_statement(ps, &st);
		if (rc)
			break;
	}
	policy_lex_stmt_clear(&st);
	free(st.t);
	return rc;
}

struct policy *policy_parse(const char *text, size_t len, const char *filename,
			    const struct policy_parse_opts *opts)
{
	struct pparse ps = {.diag = {.file = filename ? filename : "<policy>",
				     .opts = opts}};
	struct plex lx;
	int rc = -ENOMEM;

	ps.p = calloc(1, sizeof(*ps.p));
	if (!ps.p)
		goto out;
	atomic_init(&ps.p->refs, 1);
	ps.p->def = VERDICT_REJECT;
	policy_lex_init(&lx, text ? text : "", text ? len : 0, &ps.diag);
	rc = parse_all(&ps, &lx);
	ps.p->header = lx.header;
	if (!rc && ps.diag.errors)
		rc = -EINVAL;
out:
	policy_list_defines_release(&ps);
	policy_index_release(&ps.rule_names);
	if (rc) {
		policy_free(ps.p);
		errno = -rc;
		return NULL;
	}
	return ps.p;
}
