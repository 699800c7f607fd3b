// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Temporary rules.  Each is kept as its text and compiled with the others
 * into a small policy in front of the base one whenever the set changes,
 * so that the decision path sees an ordinary policy and nothing else.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctlrules.h"
#include "log.h"
#include "policy.h"
#include "verdict.h"

#define RULE_FILE "<rule>"

struct first_diag {
	char *buf;
	size_t len;
};

static void keep_first(void *ctx, const char *msg)
{
	struct first_diag *d = ctx;

	if (d->len && !d->buf[0])
		snprintf(d->buf, d->len, "%s", msg);
}

static int line_of(const struct ctlrule *r, char *buf, size_t size)
{
	int n = snprintf(buf, size, "%s %s name %s\n",
			 r->verdict == VERDICT_ACCEPT ? "accept" : "reject",
			 r->text, r->name);

	return n < 0 || (size_t)n >= size ? -ENOSPC : n;
}

static struct policy *compile(const char *text, size_t len, char *err,
			      size_t errlen)
{
	struct first_diag d = {err, errlen};
	struct policy_parse_opts o = {.diag = keep_first, .ctx = &d};

	if (errlen)
		err[0] = '\0';
	return policy_parse(text, len, RULE_FILE, &o);
}

static struct ctlrule *free_slot(struct ctlrules *t)
{
	size_t i;

	for (i = 0; i < CTLRULES_MAX; i++)
		if (!t->r[i].used)
			return &t->r[i];
	return NULL;
}

struct ctlrule *ctlrules_add(struct ctlrules *t, int verdict, const char *text,
			     uint32_t ttl_s, int64_t now_ms, char *err,
			     size_t errlen)
{
	struct ctlrule *r = free_slot(t);
	char line[CTLREQ_RULE_MAX + 64];
	struct policy *p;
	int n;

	if (!r) {
		snprintf(err, errlen, "%d temporary rules are in force already",
			 CTLRULES_MAX);
		return NULL;
	}
	memset(r, 0, sizeof(*r));
	r->verdict = verdict;
	snprintf(r->name, sizeof(r->name), "ctl-%u", t->next_id + 1);
	snprintf(r->text, sizeof(r->text), "%s", text);
	n = line_of(r, line, sizeof(line));
	p = n < 0 ? NULL : compile(line, (size_t)n, err, errlen);
	if (!p || policy_rule_count(p) != 1) {
		if (p || !err[0])
			snprintf(err, errlen, "not one rule's matches");
		policy_free(p);
		return NULL;
	}
	policy_free(p);
	t->next_id++;
	r->used = true;
	r->order = ++t->seq;
	r->ttl_s = ttl_s;
	r->expires_ms = now_ms + (int64_t)ttl_s * 1000;
	return r;
}

int ctlrules_expire(struct ctlrules *t, int64_t now_ms, struct ctlrule *out)
{
	size_t i;

	for (i = 0; i < CTLRULES_MAX; i++)
		if (t->r[i].used && t->r[i].expires_ms <= now_ms) {
			*out = t->r[i];
			t->r[i].used = false;
			return 1;
		}
	return 0;
}

size_t ctlrules_count(const struct ctlrules *t)
{
	size_t i, n = 0;

	for (i = 0; i < CTLRULES_MAX; i++)
		n += t->r[i].used;
	return n;
}

/* The newest rule older than `before` (UINT64_MAX: the newest of all). */
static const struct ctlrule *newest_before(const struct ctlrules *t,
					   uint64_t before)
{
	const struct ctlrule *best = NULL;
	size_t i;

	for (i = 0; i < CTLRULES_MAX; i++) {
		const struct ctlrule *r = &t->r[i];

		if (r->used && r->order < before &&
		    (!best || r->order > best->order))
			best = r;
	}
	return best;
}

struct policy *ctlrules_compose(const struct ctlrules *t, struct policy *base)
{
	char text[CTLRULES_MAX * (CTLREQ_RULE_MAX + 64)], err[256];
	const struct ctlrule *r;
	uint64_t before = UINT64_MAX;
	struct policy *front;
	size_t n = 0;
	int len;

	for (r = newest_before(t, before); r; r = newest_before(t, before)) {
		len = line_of(r, text + n, sizeof(text) - n);
		if (len < 0)
			break;
		n += (size_t)len;
		before = r->order;
	}
	if (!n)
		return policy_hold(base);
	front = compile(text, n, err, sizeof(err));
	if (!front) {
		/* each compiled alone when added: only memory can fail */
		log_warnx("temporary rules: %s", err);
		return policy_hold(base);
	}
	return policy_overlay(front, base);
}
