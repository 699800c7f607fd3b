// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <netinet/in.h>

#include "attr.h"
#include "decode.h"
#include "proc.h"
#include "procfs.h"
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

struct attr_live {
	struct sockdiag *sd;
	struct procfs *pfs;
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

static enum attribution attr_live_lookup(void *ctx, const struct flow *flow,
					 const struct attr_hints *hints,
					 struct proc_info *info)
{
	struct attr_live *live = ctx;
	struct sockdiag_result res;

	if (sockdiag_lookup(live->sd, flow, hints->ifindex, &res) < 0)
		return ATTR_NONE;
	if (procfs_lookup(live->pfs, res.inode, info) == 0) {
		attr_live_senders(live, flow, info);
		return ATTR_SOCKET;
	}
	/* The socket is known but no process holds it (any more). */
	procfs_info_clear(info);
	info->uid = res.uid;
	info->gid = hints->has_gid ? hints->gid : (gid_t)-1;
	procfs_user_name(live->pfs, res.uid, info->user, sizeof(info->user));
	return ATTR_UID;
}

static void attr_live_close(void *ctx)
{
	struct attr_live *live = ctx;

	sockdiag_close(live->sd);
	procfs_close(live->pfs);
	free(live);
}

static const struct attr_ops attr_live_ops = {
	.lookup = attr_live_lookup,
	.close = attr_live_close,
};

struct attr *attr_open_live(const char *proc_root)
{
	struct attr_live *live;
	struct attr *at = NULL;

	live = calloc(1, sizeof(*live));
	if (!live)
		return NULL;
	live->sd = sockdiag_open();
	if (live->sd)
		live->pfs = procfs_open(proc_root);
	if (live->pfs)
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
