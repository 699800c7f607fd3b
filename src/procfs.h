/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFJUDGE_PROCFS_H
#define NFJUDGE_PROCFS_H

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
 * The process holding socket inode, into *info (all of it: pid, ppid,
 * effective uid/gid as /proc/PID/status reports them, user, exe, comm,
 * cmdline, cgroup, start_time, ancestors).  A cache hit is used only after
 * the holder's fd link still reads socket:[inode] and its start time is
 * unchanged, so a closed fd or a reused pid is never returned.  A miss
 * scans /proc/PID/fd newest (highest pid) first up to the first holder,
 * then that holder's ancestors and children; threads' own fd tables only
 * when no process holds the socket.
 *
 * A socket held by several of those processes (fork) sets info->shared
 * and names, in this order: a holder blocked in connect(), sendto(),
 * sendmsg() or sendmmsg() on that very fd (per /proc/PID/syscall, which
 * needs ptrace access); else the most recently started holder (higher pid
 * on a tie) -- the child after a fork, that usually does the work.
 *
 * Returns 0, -ENOENT when no process holds it, or -errno.
 */
int procfs_lookup(struct procfs *pfs, uint32_t inode, struct proc_info *info);

/* Reset *info to "unknown" without touching all of its buffers. */
void procfs_info_clear(struct proc_info *info);

/* uid -> user name ("" when unknown), through a small cache. */
void procfs_user_name(struct procfs *pfs, uid_t uid, char *out, size_t size);

/* Counters since procfs_open, for tests and benchmarks. */
struct procfs_stats {
	unsigned long hits;	 /* cache hits that revalidated */
	unsigned long stale;	 /* cache hits that did not */
	unsigned long misses;	 /* scans */
	unsigned long evictions; /* entries pushed out by newer ones */
};
void procfs_get_stats(const struct procfs *pfs, struct procfs_stats *st);

#endif
