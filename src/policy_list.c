// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Lists (ITEM, ITEM, ...) and the named lists of "define", which a list
 * names as $NAME.  A define's items are kept as tokens and checked where
 * they are used, so that one list can serve as addresses in one rule and
 * as, say, a glob in another; errors point at the item in the define.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "policy_int.h"

#define Q PDIAG_QUOTE

static const struct pdefine *find_define(const struct pparse *ps,
					 const char *name)
{
	long i = policy_index_find(&ps->def_names, name);

	return i < 0 ? NULL : &ps->defs[i];
}

/* $NAME: the items of an earlier define, each passed on to fn. */
static int expand_ref(struct pparse *ps, const struct ptoken *t, item_fn fn,
		      void *arg)
{
	const struct pdefine *d = find_define(ps, t->text + 1);
	size_t i;
	int rc;

	if (!d) {
		policy_lex_error(&ps->diag, t->line, t->col,
				 "%.*s is not defined", Q, t->text);
		return 0;
	}
	for (i = 0; i < d->n; i++) {
		rc = fn(ps, arg, &d->items[i]);
		if (rc)
			return rc;
	}
	return 0;
}

/*
 * ITEM [, ITEM]... starting at st->t[*i]; *i is left on the first token
 * past the list.
 */
int policy_list_parse(struct pparse *ps, const struct pstmt *st, size_t *i,
		      item_fn fn, void *arg)
{
	const struct ptoken *t;
	int rc;

	for (;;) {
		if (*i >= st->n || st->t[*i].type == PTOK_COMMA) {
			/* point at what is missing: the comma, or after */
			t = *i < st->n ? &st->t[*i] : &st->t[*i - 1];
			policy_lex_error(&ps->diag, t->line, t->col,
					 "missing value after '%.*s'", Q,
					 st->t[*i - 1].text);
			if (*i >= st->n)
				return 0;
			(*i)++;
			continue;
		}
		t = &st->t[(*i)++];
		if (t->type == PTOK_WORD && t->text[0] == '$')
			rc = expand_ref(ps, t, fn, arg);
		else
			rc = fn(ps, arg, t);
		if (rc)
			return rc;
		if (*i >= st->n || st->t[*i].type != PTOK_COMMA)
			return 0;
		(*i)++;
	}
}

static int define_item(struct pparse *ps, void *arg, const struct ptoken *t)
{
	struct pdefine *d = arg;
	struct ptoken *items;

	items = policy_lex_grow(d->items, d->n, &d->cap, sizeof(*items));
	if (!items)
		return -ENOMEM;
	d->items = items;
	if (policy_lex_token_copy(&items[d->n], t))
		return -ENOMEM;
	d->n++;
	return 0;
}

bool policy_list_name_valid(const char *s)
{
	size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyz"
			     "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.");

	return n > 0 && !s[n];
}

static void define_release(struct pdefine *d)
{
	size_t j;

	for (j = 0; j < d->n; j++)
		free(d->items[j].text);
	free(d->items);
	free(d->name);
}

static bool define_head_ok(struct pparse *ps, const struct pstmt *st)
{
	const struct ptoken *name = &st->t[st->n > 1];
	const struct pdefine *old;

	if (st->n < 2 || name->type != PTOK_WORD ||
	    !policy_list_name_valid(name->text)) {
		policy_lex_error(&ps->diag, name->line, name->col,
				 "expected 'define NAME = ITEM, ...'%s",
				 name->text[0] && strchr(name->text + 1, '=')
					 ? " (with spaces around '=')"
					 : "");
		return false;
	}
	if (st->n < 3 || strcmp(st->t[2].text, "=")) {
		policy_lex_error(&ps->diag, name->line, name->col,
				 "expected '=' after 'define %s'", name->text);
		return false;
	}
	old = find_define(ps, name->text);
	if (old)
		policy_lex_error(&ps->diag, name->line, name->col,
				 "'%s' is already defined (line %u)",
				 name->text, old->line);
	return !old;
}

/*
 * The name is known only after its list, so that a define cannot refer
 * to itself.
 */
int policy_list_define(struct pparse *ps, const struct pstmt *st)
{
	struct pdefine d = {.line = st->t[0].line}, *defs = NULL;
	size_t i = 3;

	if (!define_head_ok(ps, st))
		return 0;
	if (policy_list_parse(ps, st, &i, define_item, &d))
		goto fail;
	if (i < st->n)
		policy_lex_error(&ps->diag, st->t[i].line, st->t[i].col,
				 "unexpected '%.*s' after the list", Q,
				 st->t[i].text);
	d.name = strdup(st->t[1].text);
	if (d.name)
		defs = policy_lex_grow(ps->defs, ps->n_defs, &ps->defs_cap,
				       sizeof(*defs));
	if (!defs)
		goto fail;
	ps->defs = defs;
	defs[ps->n_defs++] = d;
	return policy_index_add(&ps->def_names, d.name, ps->n_defs - 1);
fail:
	define_release(&d);
	return -ENOMEM;
}

void policy_list_defines_release(struct pparse *ps)
{
	size_t i;

	for (i = 0; i < ps->n_defs; i++)
		define_release(&ps->defs[i]);
	free(ps->defs);
	policy_index_release(&ps->def_names);
}
