// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What a process runs, kept by (pid, start time) so that a process seen
 * again -- the parent of every short-lived child, the ancestors of every
 * socket's holder -- costs three system calls instead of a dozen.
 *
 * An entry keeps two files of the process open, and a hit is used only
 * after both say it is still the process (and the program) it was:
 *   - its stat, read again with pread: once the process is gone it
 *     answers ESRCH, even if its pid names another process by then; the
 *     start time it shows pins the process where the tree is a fixture;
 *   - its environ: the kernel ties an open environ to the memory of the
 *     program that ran when it was opened, and after an exec() it reads
 *     nothing.  An exec of the very same file (a program that runs itself
 *     again with LD_PRELOAD) keeps the pid, the start time and the exe,
 *     and is caught only here.  The bytes are compared (by length and
 *     hash) too, for a tree that is not /proc.
 * Besides, the exe link must still stat as the same file (device, inode):
 * PR_SET_MM_EXE_FILE changes it without an exec.
 *
 * A process whose environment is empty or unreadable, or whose exe does
 * not stat, cannot be checked that way and is never kept.  Kept: the exe's path
 * and whether that path names the file that runs, the environment's verdict,
 * the digest.  Read again on each hit: stat (parent, comm).  What can change
 * without an exec (uid, cmdline, cgroup, maps) the callers read anew.
 *
 * A child in the few microseconds between vfork() and its exec() shares
 * its parent's memory: seen then, its exec is noticed only by its exe.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "procfs_int.h"
#include "procinfo.h"

/* Environments past this are not read through: the process is tainted. */
#define PROCFS_ENV_MAX (1 << 20)

static uint64_t ident_hash(const char *buf, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ (unsigned char)buf[i]) * 0x100000001b3ULL;
	return h;
}

/* Our own table is scanned too: the fds kept here need no look. */
static void ident_mark(struct procfs *pfs, int fd, bool on)
{
	uint64_t bit;

	if (fd < 0 || fd >= PROCFS_KEPT_FDS)
		return;
	bit = 1ULL << (fd % 64);
	if (on)
		pfs->kept[fd / 64] |= bit;
	else
		pfs->kept[fd / 64] &= ~bit;
}

bool procfs_ident_keeps(const struct procfs *pfs, int fd)
{
	if (fd < 0 || fd >= PROCFS_KEPT_FDS)
		return false;
	return pfs->kept[fd / 64] & (1ULL << (fd % 64));
}

static void ident_free(struct procfs *pfs, struct procfs_ident *e)
{
	ident_mark(pfs, e->stat_fd, false);
	ident_mark(pfs, e->env_fd, false);
	if (e->stat_fd >= 0)
		close(e->stat_fd);
	if (e->env_fd >= 0)
		close(e->env_fd);
	e->stat_fd = -1;
	e->env_fd = -1;
	e->pid = 0;
}

int procfs_ident_init(struct procfs *pfs)
{
	int i;

	pfs->self = getpid();
	pfs->idents = calloc(PROCFS_IDENTS, sizeof(*pfs->idents));
	if (!pfs->idents)
		return -ENOMEM;
	for (i = 0; i < PROCFS_IDENTS; i++) {
		pfs->idents[i].stat_fd = -1;
		pfs->idents[i].env_fd = -1;
	}
	return 0;
}

void procfs_ident_fini(struct procfs *pfs)
{
	int i;

	if (!pfs->idents)
		return;
	for (i = 0; i < PROCFS_IDENTS; i++)
		ident_free(pfs, &pfs->idents[i]);
	free(pfs->idents);
	pfs->idents = NULL;
}

/* The exe's device and inode through the root; false when unreadable. */
static bool ident_exe_id(struct procfs *pfs, int dfd, pid_t pid, dev_t *dev,
			 ino_t *ino)
{
	char path[32];
	struct stat st;
	int err;

	if (dfd >= 0) {
		err = fstatat(dfd, "exe", &st, 0);
	} else {
		snprintf(path, sizeof(path), "%d/exe", (int)pid);
		err = fstatat(pfs->root_fd, path, &st, 0);
	}
	*dev = err < 0 ? 0 : st.st_dev;
	*ino = err < 0 ? 0 : st.st_ino;
	return err == 0;
}

static int ident_read_stat(struct procfs *pfs, int fd, struct procinfo_stat *st)
{
	ssize_t n = pread(fd, pfs->buf, sizeof(pfs->buf) - 1, 0);

	if (n < 0)
		return -errno;
	pfs->buf[n] = '\0';
	return procinfo_parse_stat(pfs->buf, (size_t)n, st);
}

/* The first piece of the environment, into pfs->buf: its length or -1. */
static ssize_t ident_read_env(struct procfs *pfs, int fd)
{
	return fd < 0 ? -1 : pread(fd, pfs->buf, sizeof(pfs->buf), 0);
}

/* Still the process, and the program, the entry was filled from? */
static bool ident_valid(struct procfs *pfs, struct procfs_ident *e,
			unsigned long long start)
{
	struct procinfo_stat st;
	ssize_t n;
	dev_t dev;
	ino_t ino;
	bool ok;

	if (ident_read_stat(pfs, e->stat_fd, &st) < 0 || st.start != e->start ||
	    (start && start != e->start))
		return false;
	ok = ident_exe_id(pfs, -1, e->pid, &dev, &ino);
	if (ok != e->exe_ok || dev != e->exe_dev || ino != e->exe_ino)
		return false;
	/* after the exe, so that a pid reused meanwhile is caught here */
	n = ident_read_env(pfs, e->env_fd);
	if (n <= 0 || (size_t)n != e->env_len ||
	    ident_hash(pfs->buf, (size_t)n) != e->env_hash)
		return false;
	e->st = st;
	return true;
}

/* Was the process started with the dynamic loader told to load more? */
static const char *ident_env_taint(struct procfs *pfs, int fd, ssize_t first)
{
	struct procinfo_envscan scan = {0};
	size_t total = 0;
	ssize_t n = first;

	if (fd < 0 || n < 0)
		return "environment unreadable";
	while (n > 0 && !scan.found && total < PROCFS_ENV_MAX) {
		procinfo_env_feed(&scan, pfs->buf, (size_t)n);
		total += (size_t)n;
		n = pread(fd, pfs->buf, sizeof(pfs->buf), (off_t)total);
	}
	if (scan.found)
		return "started with LD_PRELOAD or LD_AUDIT";
	if (total >= PROCFS_ENV_MAX)
		return "environment too large to check";
	return n < 0 ? "environment unreadable" : NULL;
}

/* What the exe is; the rest only when asked (a holder, not an ancestor). */
static void ident_fill_exe(struct procfs *pfs, int dfd, struct procfs_ident *e,
			   int want)
{
	struct stat named;
	ssize_t n;

	procinfo_readlink(dfd, "exe", e->exe, sizeof(e->exe));
	e->exe_ok = ident_exe_id(pfs, dfd, e->pid, &e->exe_dev, &e->exe_ino);
	e->named = e->exe_ok && e->exe[0] && stat(e->exe, &named) == 0 &&
		   named.st_dev == e->exe_dev && named.st_ino == e->exe_ino;
	e->env_fd = openat(dfd, "environ", O_RDONLY | O_CLOEXEC);
	ident_mark(pfs, e->env_fd, true);
	n = ident_read_env(pfs, e->env_fd);
	e->env_len = n > 0 ? (size_t)n : 0;
	e->env_hash = n > 0 ? ident_hash(pfs->buf, (size_t)n) : 0;
	e->have = want;
	e->env_taint = NULL;
	e->sha256[0] = '\0';
	if (!(want & PROCFS_IDENT_FULL))
		return;
	e->env_taint = ident_env_taint(pfs, e->env_fd, n);
	if (e->named && !e->env_taint)
		procfs_exe_digest(pfs, dfd, e->sha256);
}

static struct procfs_ident *ident_slot(struct procfs *pfs)
{
	struct procfs_ident *e, *lru = &pfs->idents[0];
	int i;

	for (i = 0; i < PROCFS_IDENTS; i++) {
		e = &pfs->idents[i];
		if (!e->pid)
			return e;
		if (e->used < lru->used)
			lru = e;
	}
	ident_free(pfs, lru);
	return lru;
}

static int ident_fill(struct procfs *pfs, int dfd, struct procfs_ident *e,
		      pid_t pid, unsigned long long start, int want)
{
	int err;

	e->pid = pid;
	e->stat_fd = openat(dfd, "stat", O_RDONLY | O_CLOEXEC);
	if (e->stat_fd < 0)
		return -errno;
	ident_mark(pfs, e->stat_fd, true);
	err = ident_read_stat(pfs, e->stat_fd, &e->st);
	if (err == 0 && start && e->st.start != start)
		err = -ESRCH; /* the pid now names another process */
	if (err < 0)
		return err;
	e->start = e->st.start;
	ident_fill_exe(pfs, dfd, e, want);
	return 0;
}

static struct procfs_ident *ident_find(struct procfs *pfs, pid_t pid)
{
	int i;

	for (i = 0; i < PROCFS_IDENTS; i++)
		if (pfs->idents[i].pid == pid)
			return &pfs->idents[i];
	return NULL;
}

static struct procfs_ident *ident_miss(struct procfs *pfs, int dfd, pid_t pid,
				       unsigned long long start, int want)
{
	struct procfs_ident *e = ident_slot(pfs);
	int own = -1, err;

	pfs->stats.ident_misses++;
	if (dfd < 0) {
		own = procfs_open_pid(pfs, pid);
		if (own < 0)
			return NULL;
		dfd = own;
	}
	err = ident_fill(pfs, dfd, e, pid, start, want);
	if (own >= 0)
		close(own);
	if (err < 0) {
		ident_free(pfs, e);
		return NULL;
	}
	e->used = ++pfs->tick;
	return e;
}

const struct procfs_ident *procfs_ident_get(struct procfs *pfs, int dfd,
					    pid_t pid, unsigned long long start,
					    int want)
{
	struct procfs_ident *e = ident_find(pfs, pid);

	if (e && (e->have & want) == want && ident_valid(pfs, e, start)) {
		pfs->stats.ident_hits++;
		e->used = ++pfs->tick;
		return e;
	}
	if (e)
		ident_free(pfs, e);
	e = ident_miss(pfs, dfd, pid, start, want);
	/* one that cannot be checked on a later hit is not kept for it */
	if (e && (e->env_len == 0 || !e->exe_ok))
		e->have = 0;
	return e;
}
