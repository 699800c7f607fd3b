/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFJUDGE_PROCFS_H
#define NFJUDGE_PROCFS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct proc_info;
struct procfs;

/* Sockets remembered (inode -> holder); least recently used goes first. */
#define PROCFS_CACHE_SIZE 256

/*
 * A /proc tree at root ("/proc" live, a fixture directory in tests).  Boot
 * time comes from root/stat.  NULL with errno set on failure.
 */
struct procfs *procfs_open(const char *root);
void procfs_close(struct procfs *pfs);

/*
 * A look-up's time (the calling thread's CPU time, in microseconds),
 * after which it answers with what it found.
 */
#define PROCFS_BUDGET_US 20000

/*
 * The processes holding socket inode, into *info (all of it: pid, ppid,
 * effective uid/gid as /proc/PID/status reports them, user, exe, comm,
 * cmdline, cgroup, start_time, ancestors, tainted).  Only a quick
 * look-up (not thorough) uses the cache, and a hit only after each
 * holder's fd link still reads socket:[inode] and its start time is
 * unchanged, so a closed fd or a reused pid is never returned; a thorough
 * one scans every time, since a holder that joined later leaves nothing
 * a cache could check.  A scan reads the fd tables of every process of
 * our network namespace (and of its threads that have tables of their
 * own) until the budget runs out: then info->partial.
 *
 * A socket held by several processes sets info->shared, n_holders, and
 * describes up to PROC_MAX_HOLDERS of them in info->holders (valid until
 * the next look-up on pfs).  It names, in this order: a holder blocked in
 * connect(), sendto(), sendmsg() or sendmmsg() on that very fd (per
 * /proc/PID/syscall, which needs ptrace access); else the most recently
 * started holder (higher pid on a tie) -- the child after a fork, that
 * usually does the work.
 *
 * Returns 0, -ENOENT when no process holds it, -ETIME when the budget ran
 * out before one was found, or -errno.
 */
int procfs_lookup(struct procfs *pfs, uint32_t inode, struct proc_info *info);

/* The budget of each look-up, PROCFS_BUDGET_US at open; 0: none. */
void procfs_set_budget(struct procfs *pfs, long budget_us);

/*
 * Thorough (the default) looks for every holder and taint.  Off, for a
 * policy without exe, comm, cmdline or ancestor rules, a look-up stops at
 * the first holder and its family, as cheap as it gets, and says
 * info->partial: no process rule can hold on what it found.  It looks
 * first at the last holders and the newest pids, and lists /proc only
 * when none of them holds the socket.  May be called from another
 * thread than the look-ups'.
 */
void procfs_set_thorough(struct procfs *pfs, bool on);

/*
 * Process pid as a look-up would describe it (identity, taint when
 * thorough, ancestors), for nfjudge ctl explain --pid: 0 or -errno.
 */
int procfs_lookup_pid(struct procfs *pfs, pid_t pid, struct proc_info *info);

/* Reset *info to "unknown" without touching all of its buffers. */
void procfs_info_clear(struct proc_info *info);

/* uid -> user name ("" when unknown), through a small cache. */
void procfs_user_name(struct procfs *pfs, uid_t uid, char *out, size_t size);

/* Counters since procfs_open, for tests and benchmarks. */
struct procfs_stats {
	unsigned long hits;	    /* cache hits that revalidated */
	unsigned long stale;	    /* cache hits that did not */
	unsigned long misses;	    /* scans */
	unsigned long evictions;    /* entries pushed out by newer ones */
	unsigned long over_budget;  /* scans that found nothing in time */
	unsigned long listings;	    /* scans that listed every process */
	unsigned long ident_hits;   /* process identities reused */
	unsigned long ident_misses; /* ... read afresh */
};
void procfs_get_stats(const struct procfs *pfs, struct procfs_stats *st);

#endif
