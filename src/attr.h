/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFJUDGE_ATTR_H
#define NFJUDGE_ATTR_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "verdict.h"

struct attr;
struct flow;
struct kattr;
struct proc_info;

/* What the packet source already knows about a flow; zero when nothing. */
struct attr_hints {
	uint32_t ifindex; /* outgoing device (NFQUEUE outdev), 0: unknown */
	bool has_uid;	  /* NFQUEUE's socket uid/gid (NFQA_UID, NFQA_GID) */
	uid_t uid;
	bool has_gid;
	gid_t gid;
};

/*
 * An attribution implementation.  lookup fills *info (already cleared)
 * and says how much it found: ATTR_KERNEL or ATTR_SOCKET (or ATTR_SIDECAR
 * for a process map) with the process, ATTR_UID with only info->uid/gid,
 * ATTR_NONE.
 */
struct attr_ops {
	enum attribution (*lookup)(void *ctx, const struct flow *flow,
				   const struct attr_hints *hints,
				   struct proc_info *info);
	void (*close)(void *ctx);
};

/* Wrap an implementation; attr_close calls ops->close(ctx). */
struct attr *attr_new(const struct attr_ops *ops, void *ctx);

/*
 * Live: sock_diag finds the socket, proc_root ("/proc") its process.
 * Needs CAP_NET_ADMIN-free netlink but, to read other users' fds,
 * CAP_SYS_PTRACE or root.  NULL with errno set on failure.
 */
struct attr *attr_open_live(const char *proc_root);

/*
 * Whether live attribution looks for every holder of a socket and for
 * taint (the default), which exe, comm, cmdline and ancestor rules need,
 * or stops at the first holder, which is cheaper and leaves those rules
 * unknown.  Anything else ignores it; safe from another thread.
 */
void attr_set_thorough(struct attr *at, bool on);

/*
 * Live as attr_open_live, with the kernel's programs (kattr.h, NULL:
 * none) asked first:
 * a flow they saw is ATTR_KERNEL, the exact caller, with /proc adding
 * what it knows of that process, read once per program it runs and kept
 * by what the kernel says of the call (kident.h); the rest goes on as
 * attr_open_live.  k must outlive the attribution.
 */
struct attr *attr_open_kernel(const char *proc_root, const struct kattr *k);

/*
 * A process map, e.g. replay's --procs sidecar: fn returns 0 and fills
 * *info for a flow it knows, -ENOENT otherwise.  Found flows are
 * ATTR_SIDECAR; the rest fall back to the hints' uid.
 */
struct attr *attr_open_map(int (*fn)(void *ctx, const struct flow *flow,
				     struct proc_info *info),
			   void *ctx);

/* Never fails: whatever is not found is reported as ATTR_UID or NONE. */
enum attribution attr_lookup(struct attr *at, const struct flow *flow,
			     const struct attr_hints *hints,
			     struct proc_info *info);

void attr_close(struct attr *at);

#endif
