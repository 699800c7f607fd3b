/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFJUDGE_KIDENT_H
#define NFJUDGE_KIDENT_H

/*
 * What a process the kernel's programs name is (exe, cmdline, cgroup,
 * start time, ancestors, taint), read from /proc once per program it
 * runs and kept by what the kernel's entry says of the caller: its tgid
 * and start time (a reused pid starts later), its exec (one more at each
 * exec), its parent and the parent's exec, its cgroup, and whether taint
 * was looked for.  A packet of a process already known then costs no
 * /proc system call.  One per attribution lane: not thread-safe.
 */

#include <stdint.h>

struct kattr_caller;
struct kattr_exec;
struct kident;
struct proc_info;
struct procfs;

/* Processes kept, and parents' lines; least recently used goes first. */
#define KIDENT_SIZE   64
#define KIDENT_CHAINS 16

/*
 * What the exec program noted of tgid (kattr_exec_of, or a test's
 * fake): 0, or -ENOENT.
 */
typedef int kident_exec_fn(const void *ctx, uint32_t tgid,
			   struct kattr_exec *e);

/*
 * Describe processes through pfs (which must outlive it), asking exec_of
 * (NULL: nothing) what a process exec'd.  NULL with errno set.
 */
struct kident *kident_open(struct procfs *pfs, kident_exec_fn *exec_of,
			   const void *ctx);
void kident_close(struct kident *ki);

/*
 * The caller c into *info (pid and what /proc, or the exec program for
 * one already gone, says of it).  From the cache when c's key is there;
 * else read, and kept when the process was still there and, as far as
 * the exec program tells, had not exec'd since the call.  One that had is
 * described as it is now, tainted: what ran at the call is unknown.
 */
void kident_describe(struct kident *ki, const struct kattr_caller *c,
		     struct proc_info *info);

/*
 * A sender known by tgid and start time only (a socket's other senders):
 * read every time, never kept, since nothing says which exec sent.
 */
void kident_describe_sender(struct kident *ki, const struct kattr_caller *c,
			    struct proc_info *info);

struct kident_stats {
	unsigned long hits;	  /* described from the cache */
	unsigned long misses;	  /* read from /proc (or the exec program) */
	unsigned long evictions;  /* kept ones pushed out by newer */
	unsigned long unkept;	  /* read, but gone or exec'd since the call */
	unsigned long chain_hits; /* a miss's ancestors from the cache */
};
void kident_get_stats(const struct kident *ki, struct kident_stats *st);

#endif
