// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Rules in front of a policy (the control socket's temporary rules), and
 * the explanation of a decision.  Neither changes the base policy: an
 * overlay holds a reference to it and decides with it what its own rules
 * do not, so that reloading the base and expiring a rule stay apart.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "policy_int.h"

struct policy *policy_overlay(struct policy *front, struct policy *base)
{
	size_t i;

	for (i = 0; i < front->n; i++)
		front->rules[i].line = 0;
	policy_free(front->base);
	front->base = policy_hold(base);
	front->def = base->def;
	front->audit = base->audit;
	return front;
}

/* "not port 80, 443": the match as the policy language writes it. */
static void match_text(const struct pmatch *m, char *buf, size_t size)
{
	size_t i, n;

	n = (size_t)snprintf(buf, size, "%s%s", m->negate ? "not " : "",
			     policy_match_kind_name(m->kind));
	for (i = 0; i < m->n_items && n < size; i++)
		n += (size_t)snprintf(buf + n, size - n, "%s%s", i ? ", " : " ",
				      m->items[i]);
}

/* Each match alone, with the rule's direction, as policy_match_rule sees it. */
static bool explain_rule(const struct prule *r, const struct policy_input *in,
			 const struct policy_explain_cb *cb)
{
	struct prule one = *r;
	char text[256];
	size_t i;

	one.n = 1;
	for (i = 0; i < r->n; i++) {
		one.m = &r->m[i];
		match_text(&r->m[i], text, sizeof(text));
		cb->match(cb->ctx, text, policy_match_rule(&one, in));
	}
	return policy_match_rule(r, in);
}

void policy_explain(const struct policy *p, const struct policy_input *in,
		    const struct policy_explain_cb *cb)
{
	size_t i;

	for (; p; p = p->base) {
		for (i = 0; i < p->n; i++) {
			const struct prule *r = &p->rules[i];
			bool holds = explain_rule(r, in, cb);

			cb->rule(cb->ctx, r->name, r->line, r->verdict, holds);
			if (holds)
				return;
		}
		if (!p->base)
			cb->rule(cb->ctx, "default", 0, p->def, true);
	}
}
