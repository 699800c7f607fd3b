// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The decision: does a rule hold for a flow and its process?  Pure and
 * allocation-free; several threads run it on one policy at once.
 *
 * A process match (exe, comm, cmdline, ancestor, cgroup) needs a process:
 * when none is known, or the field it reads is empty (unknown), the match
 * is unknown, and an unknown match never holds, negated or not.  Only
 * "unattributed" holds for an unknown process.  user and group read the
 * socket owner, which can be known without a process.
 *
 * exe, comm, cmdline and ancestor read what a process could have chosen
 * or faked: they are unknown for a tainted process, and on a shared
 * socket they hold (or fail) only when they hold (or fail) for every
 * holder; a set of holders not fully known, or that disagrees, is
 * unknown.
 */
#include "config.h"

#include <fnmatch.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "flow.h"
#include "policy_int.h"
#include "proc.h"

enum tri {
	TRI_FALSE,
	TRI_TRUE,
	TRI_UNKNOWN,
};

static const char *const kind_names[PM__MAX] = {
	[PM_PROTO] = "proto",
	[PM_FAMILY] = "family",
	[PM_TO] = "to",
	[PM_FROM] = "from",
	[PM_PORT] = "port",
	[PM_USER] = "user",
	[PM_GROUP] = "group",
	[PM_EXE] = "exe",
	[PM_COMM] = "comm",
	[PM_CMDLINE] = "cmdline",
	[PM_ANCESTOR] = "ancestor",
	[PM_CGROUP] = "cgroup",
	[PM_UNATTRIBUTED] = "unattributed",
	[PM_EXE_SHA256] = "exe-sha256",
	[PM_DIRECTION] = "direction",
	[PM_HOST] = "host",
};

int policy_match_kind_lookup(const char *word)
{
	int k;

	for (k = 0; k < PM__MAX; k++)
		if (!strcmp(word, kind_names[k]))
			return k;
	return -1;
}

const char *policy_match_kind_name(enum pm_kind kind)
{
	return kind < PM__MAX ? kind_names[kind] : "?";
}

const char *const *policy_match_kind_names(size_t *n)
{
	*n = PM__MAX;
	return kind_names;
}

static enum tri tri_of(bool b)
{
	return b ? TRI_TRUE : TRI_FALSE;
}

static enum tri match_addr(const struct pmatch *m, const struct flow *f,
			   const uint8_t *addr)
{
	if (f->ip_version == 4)
		return tri_of(rangeset_contains(&m->set[0],
						rangeset_key_from(addr, 4)));
	return tri_of(
		rangeset_contains(&m->set[1], rangeset_key_from(addr, 16)));
}

static enum tri match_proto(const struct pmatch *m, const struct flow *f)
{
	return tri_of(rangeset_contains(&m->set[0], f->proto));
}

static enum tri match_owner(const struct pmatch *m,
			    const struct policy_input *in)
{
	rangeset_key id;

	if (in->have_owner)
		id = m->kind == PM_USER ? in->uid : in->gid;
	else if (in->proc)
		id = m->kind == PM_USER ? in->proc->uid : in->proc->gid;
	else
		return TRI_UNKNOWN;
	return tri_of(rangeset_contains(&m->set[0], id));
}

static enum tri match_glob(const struct pmatch *m, const char *s, int flags)
{
	size_t i;

	if (!s[0])
		return TRI_UNKNOWN;
	for (i = 0; i < m->n_items; i++)
		if (!fnmatch(m->items[i], s, flags))
			return TRI_TRUE;
	return TRI_FALSE;
}

/* argv joined by single spaces, as a person would type it. */
static enum tri match_cmdline(const struct pmatch *m, const struct proc_info *p)
{
	char buf[PROC_CMDLINE_MAX + 1];
	size_t i, n = p->cmdline_len;

	if (n > PROC_CMDLINE_MAX)
		n = PROC_CMDLINE_MAX;
	while (n && p->cmdline[n - 1] == '\0')
		n--;
	for (i = 0; i < n; i++)
		buf[i] = p->cmdline[i] ? p->cmdline[i] : ' ';
	buf[n] = '\0';
	return match_glob(m, buf, 0);
}

static enum tri match_ancestor(const struct pmatch *m,
			       const struct proc_info *p)
{
	enum tri res = TRI_UNKNOWN;
	int i, n = p->n_ancestors;

	if (n > PROC_MAX_ANCESTORS)
		n = PROC_MAX_ANCESTORS;
	for (i = 0; i < n; i++) {
		enum tri t = p->ancestors[i].foreign
				     ? TRI_UNKNOWN
				     : match_glob(m, p->ancestors[i].exe,
						  FNM_PATHNAME);

		if (t == TRI_TRUE)
			return t;
		if (t == TRI_FALSE)
			res = t;
	}
	return res;
}

/* Items are 64 lowercase hex digits, as the digest is kept. */
static enum tri match_digest(const struct pmatch *m, const char *hex)
{
	size_t i;

	if (!hex[0])
		return TRI_UNKNOWN;
	for (i = 0; i < m->n_items; i++)
		if (!strcmp(m->items[i], hex))
			return TRI_TRUE;
	return TRI_FALSE;
}

static enum tri match_identity(const struct pmatch *m,
			       const struct proc_info *p)
{
	if (p->tainted)
		return TRI_UNKNOWN;
	switch (m->kind) {
	case PM_EXE:
		return match_glob(m, p->exe, FNM_PATHNAME);
	case PM_EXE_SHA256:
		return match_digest(m, p->exe_sha256);
	case PM_COMM:
		return match_glob(m, p->comm, 0);
	case PM_CMDLINE:
		return match_cmdline(m, p);
	default:
		return match_ancestor(m, p);
	}
}

static enum tri match_holders(const struct pmatch *m, const struct proc_info *p)
{
	enum tri t, res;
	int i;

	if (p->partial || p->n_listed < p->n_holders)
		return TRI_UNKNOWN;
	if (!p->holders || p->n_listed <= 0)
		return match_identity(m, p);
	res = match_identity(m, &p->holders[0]);
	for (i = 1; i < p->n_listed && res != TRI_UNKNOWN; i++) {
		t = match_identity(m, &p->holders[i]);
		if (t != res)
			res = TRI_UNKNOWN;
	}
	return res;
}

static enum tri match_process(const struct pmatch *m, const struct proc_info *p)
{
	if (!p)
		return TRI_UNKNOWN;
	if (m->kind == PM_CGROUP)
		return match_glob(m, p->cgroup, 0);
	return match_holders(m, p);
}

/* Unknown when no name was learned: "not host" never holds for a bare
 * address.  Names and patterns are in lower case. */
static enum tri match_host(const struct pmatch *m,
			   const struct policy_input *in)
{
	size_t i, j;

	if (!in->n_names)
		return TRI_UNKNOWN;
	for (i = 0; i < in->n_names; i++)
		for (j = 0; j < m->n_items; j++)
			if (!fnmatch(m->items[j], in->names[i], FNM_CASEFOLD))
				return TRI_TRUE;
	return TRI_FALSE;
}

static enum tri match_one(const struct pmatch *m, const struct policy_input *in)
{
	const struct flow *f = in->flow;

	switch (m->kind) {
	case PM_PROTO:
		return match_proto(m, f);
	case PM_FAMILY:
		return tri_of(m->mask &
			      (f->ip_version == 6 ? PM_FAMILY_6 : PM_FAMILY_4));
	case PM_DIRECTION:
		return tri_of(
			m->mask &
			(f->direction == FLOW_DIR_IN ? PM_DIR_IN : PM_DIR_OUT));
	case PM_TO:
		return match_addr(m, f, f->dst);
	case PM_FROM:
		return match_addr(m, f, f->src);
	case PM_PORT:
		return f->has_ports
			       ? tri_of(rangeset_contains(&m->set[0], f->dport))
			       : TRI_FALSE;
	case PM_USER:
	case PM_GROUP:
		return match_owner(m, in);
	case PM_UNATTRIBUTED:
		return tri_of(!in->proc);
	case PM_HOST:
		return match_host(m, in);
	default:
		return match_process(m, in->proc);
	}
}

bool policy_needs_holders(const struct policy *p)
{
	size_t i, j;

	for (i = 0; i < p->n; i++)
		for (j = 0; j < p->rules[i].n; j++)
			switch (p->rules[i].m[j].kind) {
			case PM_EXE:
			case PM_EXE_SHA256:
			case PM_COMM:
			case PM_CMDLINE:
			case PM_ANCESTOR:
				return true;
			default:
				break;
			}
	return p->base && policy_needs_holders(p->base);
}

bool policy_match_rule(const struct prule *r, const struct policy_input *in)
{
	size_t i;

	/* A flow the outside opened is judged only by rules that say so. */
	if (!r->has_direction && in->flow->direction != FLOW_DIR_OUT)
		return false;
	for (i = 0; i < r->n; i++) {
		enum tri t = match_one(&r->m[i], in);

		if (t == TRI_UNKNOWN)
			return false;
		if ((t == TRI_TRUE) == r->m[i].negate)
			return false;
	}
	return true;
}

void policy_match_release(struct pmatch *m)
{
	size_t i;

	for (i = 0; i < m->n_items; i++)
		free(m->items[i]);
	free(m->items);
	rangeset_release(&m->set[0]);
	rangeset_release(&m->set[1]);
}
