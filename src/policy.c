// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The compiled policy: decisions, references, and the holder a daemon
 * swaps on reload.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include "policy_int.h"

void policy_decide(const struct policy *p, const struct policy_input *in,
		   struct policy_decision *d)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		const struct prule *r = &p->rules[i];

		if (!policy_match_rule(r, in))
			continue;
		d->verdict = r->verdict;
		d->rule = r->name;
		d->line = r->line;
		d->reason = r->reason;
		d->is_default = false;
		return;
	}
	if (p->base) {
		policy_decide(p->base, in, d);
		return;
	}
	d->verdict = p->def;
	d->rule = "default";
	d->line = 0;
	d->reason = NULL;
	d->is_default = true;
}

bool policy_audit_mode(const struct policy *p)
{
	return p->audit;
}

size_t policy_rule_count(const struct policy *p)
{
	return p->n + (p->base ? policy_rule_count(p->base) : 0);
}

struct policy *policy_hold(struct policy *p)
{
	if (p)
		atomic_fetch_add(&p->refs, 1);
	return p;
}

void policy_rule_release(struct prule *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		policy_match_release(&r->m[i]);
	free(r->m);
	free(r->name);
	free(r->reason);
}

void policy_free(struct policy *p)
{
	size_t i;

	/* the last reference frees; others may still be deciding */
	if (!p || atomic_fetch_sub(&p->refs, 1) != 1)
		return;
	for (i = 0; i < p->n; i++)
		policy_rule_release(&p->rules[i]);
	free(p->rules);
	free(p->header);
	policy_free(p->base);
	free(p);
}

/*
 * The holder's lock covers only the pointer and taking a reference, so a
 * reload never waits for a decision and a decision never sees a freed
 * policy: the reference it took keeps the old one alive.
 */
struct policy_ref {
	pthread_mutex_t lock;
	struct policy *cur;
};

struct policy_ref *policy_ref_new(struct policy *p)
{
	struct policy_ref *ref = calloc(1, sizeof(*ref));

	if (!ref)
		return NULL;
	pthread_mutex_init(&ref->lock, NULL);
	ref->cur = p;
	return ref;
}

struct policy *policy_ref_get(struct policy_ref *ref)
{
	struct policy *p;

	pthread_mutex_lock(&ref->lock);
	p = policy_hold(ref->cur);
	pthread_mutex_unlock(&ref->lock);
	return p;
}

void policy_ref_put(struct policy *p)
{
	policy_free(p);
}

void policy_ref_set(struct policy_ref *ref, struct policy *p)
{
	struct policy *old;

	pthread_mutex_lock(&ref->lock);
	old = ref->cur;
	ref->cur = p;
	pthread_mutex_unlock(&ref->lock);
	policy_free(old);
}

void policy_ref_free(struct policy_ref *ref)
{
	if (!ref)
		return;
	policy_free(ref->cur);
	pthread_mutex_destroy(&ref->lock);
	free(ref);
}
