/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFJUDGE_PROCFS_INT_H
#define NFJUDGE_PROCFS_INT_H

/* Shared by procfs.c (identity, cache) and procscan.c (the miss path). */

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "proc.h"
#include "procfs.h"

struct procinfo_stat;

#define PROCFS_MAX_HOLDERS  16
#define PROCFS_USERS	    16
#define PROCFS_MAX_CHILDREN 64	 /* children checked for a shared socket */

/* One fd that holds the socket: /proc/pid/fd/fd or .../task/tid/fd/fd. */
struct procfs_holder {
	pid_t pid;
	pid_t tid; /* 0: the process's own table */
	int fd;
	unsigned long long start; /* the process's start time, in ticks */
	bool in_send;		  /* blocked in connect/send* on fd */
};

struct procfs_entry {
	uint32_t inode; /* 0: free */
	bool shared;
	struct procfs_holder holder;
	uint64_t used; /* LRU clock */
};

struct procfs_user {
	bool valid;
	uid_t uid;
	char name[PROC_USER_MAX];
};

struct procfs {
	int root_fd;
	ino_t netns; /* our network namespace; 0: unknown, scan all */
	long hz;
	long long btime;
	char target[32]; /* "socket:[inode]" of the current lookup */
	char buf[8192];	 /* one /proc file at a time */
	uint64_t tick;
	struct procfs_stats stats;
	struct procfs_entry cache[PROCFS_CACHE_SIZE];
	struct procfs_user users[PROCFS_USERS];
	unsigned int next_user;
	/* directory buffers: an outer walk (/proc, task/) and an inner one */
	uint64_t dirbuf[2][4096];
	pid_t *pids; /* scan order, reused across scans */
	size_t pids_cap;
	struct procfs_holder holders[PROCFS_MAX_HOLDERS];
	int n_holders;
};

ino_t procfs_netns(const struct procfs *pfs, const char *path);
int procfs_open_pid(const struct procfs *pfs, pid_t pid);
/* dfd/name into pfs->buf, NUL-terminated: 0 or -errno */
int procfs_read_buf(struct procfs *pfs, int dfd, const char *name, size_t *len);
int procfs_read_stat(struct procfs *pfs, int dfd, struct procinfo_stat *st);
int procfs_fill(struct procfs *pfs, pid_t pid, unsigned long long start,
		struct proc_info *info);
void procfs_cache_put(struct procfs *pfs, uint32_t inode,
		      const struct procfs_holder *h, bool shared);
int procfs_scan(struct procfs *pfs, uint32_t inode, struct proc_info *info);

#endif
