// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <netinet/in.h>

#include "attr.h"
#include "flow.h"
#include "kattr.h"
#include "kident.h"
#include "proc.h"
#include "procfs.h"
#include "procfs_int.h"
#include "procinfo.h"
#include "sockdiag.h"

struct attr {
	const struct attr_ops *ops;
	void *ctx;
};

struct attr *attr_new(const struct attr_ops *ops, void *ctx)
{
	struct attr *at = calloc(1, sizeof(*at));

	if (!at)
		return NULL;
	at->ops = ops;
	at->ctx = ctx;
	return at;
}

void attr_close(struct attr *at)
{
	if (!at)
		return;
	if (at->ops->close)
		at->ops->close(at->ctx);
	free(at);
}

/* The packet's own uid, when the source handed one over. */
static enum attribution attr_from_hints(const struct attr_hints *hints,
					struct proc_info *info)
{
	if (!hints || !hints->has_uid)
		return ATTR_NONE;
	info->uid = hints->uid;
	info->gid = hints->has_gid ? hints->gid : (gid_t)-1;
	return ATTR_UID;
}

enum attribution attr_lookup(struct attr *at, const struct flow *flow,
			     const struct attr_hints *hints,
			     struct proc_info *info)
{
	static const struct attr_hints none;
	enum attribution a;

	procfs_info_clear(info);
	a = at->ops->lookup(at->ctx, flow, hints ? hints : &none, info);
	if (a != ATTR_NONE)
		return a;
	procfs_info_clear(info);
	return attr_from_hints(hints, info);
}

/* --- live ----------------------------------------------------------------- */

/* A socket's senders the kernel saw: the caller, and who else sent. */
#define ATTR_SENDERS_MAX (KATTR_MAX_SENDERS + 1)

struct attr_live {
	struct sockdiag *sd;
	struct procfs *pfs;
	const struct kattr *k;	/* NULL: /proc only */
	struct kident *ki;	/* who k names, when k */
	struct proc_info *held; /* ATTR_SENDERS_MAX, when k */
};

/*
 * Another UDP socket on the same port (SO_REUSEADDR) may have sent the
 * packet instead of the one found: then the holders found are not all
 * who could have, and process rules must not hold.
 */
static void attr_live_senders(struct attr_live *live, const struct flow *flow,
			      struct proc_info *info)
{
	int n;

	if (flow->proto != IPPROTO_UDP || info->partial)
		return; /* process rules are unknown already */
	if (sockdiag_udp_senders(live->sd, flow, &n) < 0 || n != 1)
		info->partial = true;
}

/*
 * A UDP entry keyed by what the packet shows is trusted only when recent:
 * a connected socket's send is not seen, so a later socket on the same
 * port and destination would find an old one.  Well below conntrack's
 * UDP timeout, so that such a send was not a new flow anyway.
 */
#define ATTR_UDP_FRESH_NS 5000000000ULL

static bool attr_kernel_fresh(const struct flow *flow,
			      const struct kattr_caller *c)
{
	struct timespec ts;
	uint64_t now;

	if (flow->proto != IPPROTO_UDP)
		return true; /* TCP: every connect() keys its tuple anew */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
	return now - c->noted_ns < ATTR_UDP_FRESH_NS;
}

/*
 * Several processes sent on the socket: which of them sent this packet
 * the kernel does not say, so every one is listed and a process rule
 * must hold for each (more than the slots: for none).
 */
static void attr_kernel_shared(struct attr_live *live,
			       const struct kattr_caller *c,
			       struct proc_info *info)
{
	struct kattr_caller who[ATTR_SENDERS_MAX];
	bool lost;
	int i, n = kattr_senders(c, who, ATTR_SENDERS_MAX, &lost);

	if (n == 1 && !lost)
		return;
	memcpy(&live->held[0], info, sizeof(*info));
	for (i = 1; i < n; i++) {
		procfs_info_clear(&live->held[i]);
		kident_describe_sender(live->ki, &who[i], &live->held[i]);
	}
	info->shared = true;
	info->n_holders = n + (lost ? 1 : 0);
	info->n_listed = n;
	info->holders = live->held;
}

static enum attribution attr_kernel(struct attr_live *live,
				    const struct kattr_caller *c,
				    struct proc_info *info)
{
	kident_describe(live->ki, c, info);
	info->uid = c->uid;
	info->gid = c->gid;
	snprintf(info->comm, sizeof(info->comm), "%.*s", KATTR_COMM_LEN,
		 c->comm);
	info->shared = false;
	procfs_user_name(live->pfs, c->uid, info->user, sizeof(info->user));
	attr_kernel_shared(live, c, info);
	return ATTR_KERNEL;
}

/* The holders of the socket found, or its owner's uid alone. */
static enum attribution attr_live_holders(struct attr_live *live,
					  const struct flow *sender,
					  const struct attr_hints *hints,
					  const struct sockdiag_result *res,
					  struct proc_info *info)
{
	if (procfs_lookup(live->pfs, res->inode, info) == 0) {
		attr_live_senders(live, sender, info);
		return ATTR_SOCKET;
	}
	/* The socket is known but no process holds it (any more). */
	procfs_info_clear(info);
	info->uid = res->uid;
	info->gid = hints->has_gid ? hints->gid : (gid_t)-1;
	procfs_user_name(live->pfs, res->uid, info->user, sizeof(info->user));
	return ATTR_UID;
}

/*
 * A new inbound flow belongs to the socket it arrives at: the listener
 * (TCP) or the bound socket (UDP), and so to every process holding it.
 * The kernel's hooks see connect and send, never listen: /proc names
 * them.  The packet's own device is not the socket's: no ifindex.
 */
static enum attribution attr_live_inbound(struct attr_live *live,
					  const struct flow *flow,
					  const struct attr_hints *hints,
					  struct proc_info *info)
{
	struct sockdiag_result res;
	struct flow local;

	if (sockdiag_lookup_inbound(live->sd, flow, 0, &res) < 0)
		return ATTR_NONE;
	sockdiag_reverse(flow, &local);
	return attr_live_holders(live, &local, hints, &res, info);
}

/*
 * A tuple's entry is a copy made at its send; the socket's own entry
 * has every sender since.  One the socket's lacks (evicted and made
 * anew) counts as one more not listed.
 */
static void attr_kernel_merge(const struct attr_live *live,
			      struct kattr_caller *c)
{
	struct kattr_caller e;
	int i, j;

	if (kattr_by_cookie(live->k, c->cookie, &e) < 0)
		return;
	for (i = 0; i < KATTR_MAX_SENDERS; i++) {
		for (j = 0; j < KATTR_MAX_SENDERS; j++)
			if (c->sender[i] == e.sender[j])
				break;
		if (c->sender[i] && j == KATTR_MAX_SENDERS)
			e.senders_lost = 1;
	}
	memcpy(c->sender, e.sender, sizeof(c->sender));
	memcpy(c->sender_start, e.sender_start, sizeof(c->sender_start));
	c->senders_lost = e.senders_lost | c->senders_lost;
}

static enum attribution attr_live_lookup(void *ctx, const struct flow *flow,
					 const struct attr_hints *hints,
					 struct proc_info *info)
{
	struct attr_live *live = ctx;
	struct sockdiag_result res;
	struct kattr_caller c;

	if (flow->direction == FLOW_DIR_IN)
		return attr_live_inbound(live, flow, hints, info);
	if (live->k && kattr_by_flow(live->k, flow, &c) == 0 &&
	    attr_kernel_fresh(flow, &c)) {
		attr_kernel_merge(live, &c);
		return attr_kernel(live, &c, info);
	}
	if (sockdiag_lookup(live->sd, flow, hints->ifindex, &res) < 0)
		return ATTR_NONE;
	if (live->k && res.cookie &&
	    kattr_by_cookie(live->k, res.cookie, &c) == 0)
		return attr_kernel(live, &c, info);
	return attr_live_holders(live, flow, hints, &res, info);
}

static void attr_live_close(void *ctx)
{
	struct attr_live *live = ctx;

	kident_close(live->ki);
	sockdiag_close(live->sd);
	procfs_close(live->pfs);
	free(live->held);
	free(live);
}

static const struct attr_ops attr_live_ops = {
	.lookup = attr_live_lookup,
	.close = attr_live_close,
};

struct attr *attr_open_live(const char *proc_root)
{
	return attr_open_kernel(proc_root, NULL);
}

static int attr_exec_of(const void *k, uint32_t tgid, struct kattr_exec *e)
{
	return kattr_exec_of(k, tgid, e);
}

/* What the kernel names: its senders, and a cache of who they are. */
static int attr_open_kident(struct attr_live *live)
{
	live->held = calloc(ATTR_SENDERS_MAX, sizeof(*live->held));
	if (!live->held)
		return -ENOMEM;
	live->ki = kident_open(live->pfs, attr_exec_of, live->k);
	return live->ki ? 0 : -ENOMEM;
}

struct attr *attr_open_kernel(const char *proc_root, const struct kattr *k)
{
	struct attr_live *live;
	struct attr *at = NULL;

	live = calloc(1, sizeof(*live));
	if (!live)
		return NULL;
	live->k = k;
	live->sd = sockdiag_open();
	if (live->sd)
		live->pfs = procfs_open(proc_root);
	if (live->pfs && (!k || attr_open_kident(live) == 0))
		at = attr_new(&attr_live_ops, live);
	if (!at)
		attr_live_close(live);
	return at;
}

void attr_set_thorough(struct attr *at, bool on)
{
	struct attr_live *live;

	if (!at || at->ops != &attr_live_ops)
		return;
	live = at->ctx;
	procfs_set_thorough(live->pfs, on);
}

/* --- process map ---------------------------------------------------------- */

struct attr_map {
	int (*fn)(void *ctx, const struct flow *flow, struct proc_info *info);
	void *ctx;
};

static enum attribution attr_map_lookup(void *ctx, const struct flow *flow,
					const struct attr_hints *hints,
					struct proc_info *info)
{
	struct attr_map *map = ctx;

	(void)hints;
	return map->fn(map->ctx, flow, info) == 0 ? ATTR_SIDECAR : ATTR_NONE;
}

static const struct attr_ops attr_map_ops = {
	.lookup = attr_map_lookup,
	.close = free,
};

struct attr *attr_open_map(int (*fn)(void *ctx, const struct flow *flow,
				     struct proc_info *info),
			   void *ctx)
{
	struct attr_map *map;
	struct attr *at;

	map = calloc(1, sizeof(*map));
	if (!map)
		return NULL;
	map->fn = fn;
	map->ctx = ctx;
	at = attr_new(&attr_map_ops, map);
	if (!at)
		free(map);
	return at;
}
