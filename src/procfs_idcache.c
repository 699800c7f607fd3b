// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What a process runs, kept by (pid, start time) so that a process seen
 * again -- the ancestors of every socket's holder, the same for every
 * packet of a build's children -- costs four system calls instead of
 * eight.
 *
 * An entry keeps the exe's path, its device and inode, and whether that
 * path names the file that runs here.  A hit first stats the exe link
 * again (an exec of another file, or PR_SET_MM_EXE_FILE, changes it),
 * then reads the stat file again: the same start time there says the pid
 * still names the process the entry was filled from, and that it was the
 * one whose exe was just looked at.  stat also gives what changes without
 * an exec (the parent when reparented, comm after PR_SET_NAME).
 *
 * An exec of the very same file keeps all of that, which is right for
 * what is kept here; what else such an exec can change (the environment,
 * the maps) the callers read anew.  No file is kept open: each one would
 * be a line more in our own fd table, which every scan reads.
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

int procfs_ident_init(struct procfs *pfs)
{
	pfs->idents = calloc(PROCFS_IDENTS, sizeof(*pfs->idents));
	return pfs->idents ? 0 : -ENOMEM;
}

void procfs_ident_fini(struct procfs *pfs)
{
	free(pfs->idents);
	pfs->idents = NULL;
}

/* The exe's device and inode; false when unreadable. */
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

static int ident_read_stat(struct procfs *pfs, int dfd, pid_t pid,
			   struct procinfo_stat *st)
{
	char path[32];
	size_t len;
	int err;

	if (dfd >= 0)
		return procfs_read_stat(pfs, dfd, st);
	snprintf(path, sizeof(path), "%d/stat", (int)pid);
	err = procfs_read_buf(pfs, pfs->root_fd, path, &len);
	return err < 0 ? err : procinfo_parse_stat(pfs->buf, len, st);
}

/* Still the process, and the program, the entry was filled from? */
static bool ident_valid(struct procfs *pfs, int dfd, struct procfs_ident *e,
			unsigned long long start)
{
	struct procinfo_stat st;
	dev_t dev;
	ino_t ino;

	if (start && start != e->start)
		return false;
	if (!ident_exe_id(pfs, dfd, e->pid, &dev, &ino) || dev != e->exe_dev ||
	    ino != e->exe_ino)
		return false;
	/* after the exe: the same start now says the exe was this one's */
	if (ident_read_stat(pfs, dfd, e->pid, &st) < 0 || st.start != e->start)
		return false;
	e->st = st;
	return true;
}

static int ident_fill(struct procfs *pfs, int dfd, struct procfs_ident *e,
		      pid_t pid, unsigned long long start)
{
	struct stat named;
	int err;

	e->pid = pid;
	err = procfs_read_stat(pfs, dfd, &e->st);
	if (err == 0 && start && e->st.start != start)
		err = -ESRCH; /* the pid now names another process */
	if (err < 0)
		return err;
	e->start = e->st.start;
	procinfo_readlink(dfd, "exe", e->exe, sizeof(e->exe));
	e->exe_ok = ident_exe_id(pfs, dfd, pid, &e->exe_dev, &e->exe_ino);
	e->named = e->exe_ok && e->exe[0] && stat(e->exe, &named) == 0 &&
		   named.st_dev == e->exe_dev && named.st_ino == e->exe_ino;
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
	return lru;
}

static struct procfs_ident *ident_miss(struct procfs *pfs, int dfd, pid_t pid,
				       unsigned long long start)
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
	err = ident_fill(pfs, dfd, e, pid, start);
	if (own >= 0)
		close(own);
	if (err < 0) {
		e->pid = 0;
		return NULL;
	}
	e->used = ++pfs->tick;
	return e;
}

const struct procfs_ident *procfs_ident_get(struct procfs *pfs, int dfd,
					    pid_t pid, unsigned long long start)
{
	struct procfs_ident *e = ident_find(pfs, pid);

	if (e && ident_valid(pfs, dfd, e, start)) {
		pfs->stats.ident_hits++;
		e->used = ++pfs->tick;
		return e;
	}
	if (e)
		e->pid = 0;
	e = ident_miss(pfs, dfd, pid, start);
	/* one whose exe does not stat cannot be checked on a later hit */
	if (e && !e->exe_ok) {
		e->pid = 0;
		e->used = 0;
	}
	return e;
}
