/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFJUDGE_PROCFS_INT_H
#define NFJUDGE_PROCFS_INT_H

/*
 * Shared by the procfs files, whose calls run one way: procfs.c (the
 * look-up and its cache) calls procfs_scan.c (which processes hold a socket)
 * and procfs_ident.c (what a process is); procfs_scan.c calls procfs_ident.c;
 * procfs_ident.c calls neither.
 */

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "proc.h"
#include "procfs.h"
#include "procinfo.h"

#define PROCFS_MAX_HOLDERS  PROC_MAX_HOLDERS
#define PROCFS_USERS	    16
#define PROCFS_MAX_CHILDREN 64 /* children the quick scan looks at */
#define PROCFS_RECENT	    8  /* holders the quick scan looks at first */
#define PROCFS_PROBE	    32 /* newest pids it looks at before listing */

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
	int n_listed;	/* holders[0] is the one named */
	int n_procs;	/* processes found holding it, listed or not */
	bool partial;
	struct procfs_holder holders[PROCFS_MAX_HOLDERS];
	uint64_t used; /* LRU clock */
};

#define PROCFS_DIGESTS 32

struct procfs_digest {
	bool valid;
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
	char hex[65];
};

#define PROCFS_IDENTS 64 /* processes whose identity is kept */

/* A process's identity, kept while it runs that file: procfs_idcache.c. */
struct procfs_ident {
	pid_t pid; /* 0: free */
	unsigned long long start;
	bool exe_ok; /* exe_dev and exe_ino known: else never kept */
	dev_t exe_dev;
	ino_t exe_ino;
	bool named; /* exe is the file its path names here */
	char exe[PROC_EXE_MAX];
	struct procinfo_stat st; /* as read by the last get */
	uint64_t used;		 /* LRU clock */
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
	long budget_us;	  /* per look-up; 0: none */
	bool thorough;	  /* every holder, and taint; else the quick way */
	int64_t deadline; /* procfs_clock_us; 0: none */
	char target[32];  /* "socket:[inode]" of the current lookup */
	char buf[8192];	  /* one /proc file at a time */
	uint64_t tick;
	struct procfs_stats stats;
	struct procfs_entry cache[PROCFS_CACHE_SIZE];
	struct procfs_user users[PROCFS_USERS];
	unsigned int next_user;
	struct procfs_digest digests[PROCFS_DIGESTS];
	struct procfs_ident *idents; /* PROCFS_IDENTS */
	unsigned int next_digest;
	/* directory buffers: an outer walk (/proc, task/) and an inner one */
	uint64_t dirbuf[2][4096];
	pid_t *pids; /* scan order, reused across scans */
	size_t pids_cap;
	/* the current look-up: distinct processes, ranked, the first named */
	struct procfs_holder holders[PROCFS_MAX_HOLDERS];
	int n_holders;		/* listed in holders[] */
	int n_procs;		/* found, listed or not */
	pid_t last_pid;		/* the last counted */
	bool partial;		/* the budget ran out before the scan's end */
	struct proc_info *held; /* PROCFS_MAX_HOLDERS, described */
	/* the quick scan's first guesses: who held the last sockets, newest
	 * first (0: none), and the pids it probed below the last given out */
	pid_t recent[PROCFS_RECENT];
	pid_t probed_lo, probed_hi;
};

/* procfs_ident.c: a process's identity, and the files it is read from. */
ino_t procfs_netns(const struct procfs *pfs, const char *path);
int procfs_open_pid(const struct procfs *pfs, pid_t pid);
/* dfd/name into pfs->buf, NUL-terminated: 0 or -errno */
int procfs_read_buf(struct procfs *pfs, int dfd, const char *name, size_t *len);
int procfs_read_stat(struct procfs *pfs, int dfd, struct procinfo_stat *st);
int procfs_fill(struct procfs *pfs, pid_t pid, unsigned long long start,
		struct proc_info *info);
/*
 * procfs_fill, with only some of what another source may know already:
 * uid, gid and user (status), ancestors.
 */
#define PROCFS_FILL_IDS	      1
#define PROCFS_FILL_ANCESTORS 2
int procfs_fill_some(struct procfs *pfs, pid_t pid, unsigned long long start,
		     struct proc_info *info, int what);
/*
 * ppid and those above it into info->ancestors; ppid must have started
 * at start (ticks; 0: whichever process it names).  0, or -ESRCH when
 * not even ppid is there.
 */
int procfs_ancestors(struct procfs *pfs, pid_t ppid, unsigned long long start,
		     struct proc_info *info);
int64_t procfs_clock_us(void);
/* Set from another thread (a reload): read it once per look-up. */
bool procfs_thorough(const struct procfs *pfs);
bool procfs_past_deadline(const struct procfs *pfs);

/*
 * procfs_idcache.c: pid's identity (start: its start time, 0: whichever
 * process the pid names), kept and revalidated; dfd its open /proc/PID
 * directory or -1.  NULL when it is gone or unreadable.  The entry (and
 * pfs->buf) is valid until the next call.
 */
int procfs_ident_init(struct procfs *pfs);
void procfs_ident_fini(struct procfs *pfs);
const struct procfs_ident *procfs_ident_get(struct procfs *pfs, int dfd,
					    pid_t pid,
					    unsigned long long start);

/* procfs_digest.c: the SHA-256 of dfd's exe, hex, "" when unknown. */
void procfs_exe_digest(struct procfs *pfs, int dfd, char hex[65]);

/*
 * procfs_scan.c: every process of our network namespace holding the target
 * socket (quick: the first found and its family; the last holders and the
 * newest pids are tried before a listing) into pfs->holders (ranked),
 * n_holders, n_procs and partial.
 * 0, -ENOENT when none holds it, -ETIME when the budget ran out first.
 */
int procfs_scan(struct procfs *pfs);

#endif
