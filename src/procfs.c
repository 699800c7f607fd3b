// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * inode -> process.  Every file of one process is read through an open
 * /proc/PID directory: if the process exits and its pid is reused while we
 * read, the old directory keeps failing (ESRCH) instead of describing the
 * newcomer, and the start time read first pins the identity.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "proc.h"
#include "procfs.h"
#include "procfs_int.h"
#include "procinfo.h"

/*
 * Boot time, once at open: /proc/stat's "intr" line alone can outgrow any
 * fixed buffer on a large machine, so read it line by line.
 */
static long long procfs_read_btime(int root_fd)
{
	long long btime = 0;
	char *line = NULL;
	size_t cap = 0;
	FILE *f;
	int fd;

	fd = openat(root_fd, "stat", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	f = fdopen(fd, "r");
	if (!f) {
		close(fd);
		return 0;
	}
	while (getline(&line, &cap, f) > 0)
		if (sscanf(line, "btime %lld", &btime) == 1)
			break;
	free(line);
	fclose(f);
	return btime;
}

/* The inode of a network namespace link under the root, 0 if unreadable. */
ino_t procfs_netns(const struct procfs *pfs, const char *path)
{
	struct stat st;

	if (fstatat(pfs->root_fd, path, &st, 0) < 0)
		return 0;
	return st.st_ino;
}

struct procfs *procfs_open(const char *root)
{
	struct procfs *pfs;

	pfs = calloc(1, sizeof(*pfs));
	if (!pfs)
		return NULL;
	pfs->root_fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (pfs->root_fd < 0) {
		free(pfs);
		return NULL;
	}
	pfs->hz = sysconf(_SC_CLK_TCK);
	pfs->btime = procfs_read_btime(pfs->root_fd);
	pfs->netns = procfs_netns(pfs, "self/ns/net");
	return pfs;
}

void procfs_close(struct procfs *pfs)
{
	int saved = errno;

	if (!pfs)
		return;
	close(pfs->root_fd);
	free(pfs->pids);
	free(pfs);
	errno = saved;
}

void procfs_get_stats(const struct procfs *pfs, struct procfs_stats *st)
{
	*st = pfs->stats;
}

void procfs_info_clear(struct proc_info *info)
{
	info->pid = 0;
	info->ppid = 0;
	info->uid = (uid_t)-1;
	info->gid = (gid_t)-1;
	info->user[0] = '\0';
	info->exe[0] = '\0';
	info->comm[0] = '\0';
	info->cmdline[0] = '\0';
	info->cmdline_len = 0;
	info->argc = 0;
	info->cmdline_truncated = false;
	info->cgroup[0] = '\0';
	info->start_time[0] = '\0';
	info->shared = false;
	info->n_ancestors = 0;
}

/* --- identity ------------------------------------------------------------- */

int procfs_open_pid(const struct procfs *pfs, pid_t pid)
{
	char name[16];
	int fd;

	snprintf(name, sizeof(name), "%d", (int)pid);
	fd = openat(pfs->root_fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int procfs_read_buf(struct procfs *pfs, int dfd, const char *name, size_t *len)
{
	bool trunc;

	/* every file parsed from here is far below sizeof(pfs->buf) */
	return procinfo_read(dfd, name, pfs->buf, sizeof(pfs->buf), len,
			     &trunc);
}

int procfs_read_stat(struct procfs *pfs, int dfd, struct procinfo_stat *st)
{
	size_t len;
	int err;

	err = procfs_read_buf(pfs, dfd, "stat", &len);
	if (err < 0)
		return err;
	return procinfo_parse_stat(pfs->buf, len, st);
}

/* getpwuid_r behind a small cache: the same few users own most sockets. */
void procfs_user_name(struct procfs *pfs, uid_t uid, char *out, size_t size)
{
	struct procfs_user *u;
	struct passwd pw, *res = NULL;
	char buf[1024];
	int i;

	for (i = 0; i < PROCFS_USERS; i++) {
		u = &pfs->users[i];
		if (u->valid && u->uid == uid) {
			snprintf(out, size, "%s", u->name);
			return;
		}
	}
	u = &pfs->users[pfs->next_user++ % PROCFS_USERS];
	u->valid = true;
	u->uid = uid;
	u->name[0] = '\0';
	if (getpwuid_r(uid, &pw, buf, sizeof(buf), &res) == 0 && res)
		snprintf(u->name, sizeof(u->name), "%s", pw.pw_name);
	snprintf(out, size, "%s", u->name);
}

static void procfs_ancestors(struct procfs *pfs, pid_t ppid,
			     struct proc_info *info)
{
	struct procinfo_stat st;
	struct proc_ancestor *a;
	int dfd;

	info->n_ancestors = 0;
	while (ppid > 0 && info->n_ancestors < PROC_MAX_ANCESTORS) {
		dfd = procfs_open_pid(pfs, ppid);
		if (dfd < 0)
			return;
		if (procfs_read_stat(pfs, dfd, &st) < 0) {
			close(dfd);
			return;
		}
		a = &info->ancestors[info->n_ancestors++];
		a->pid = ppid;
		snprintf(a->comm, sizeof(a->comm), "%s", st.comm);
		procinfo_readlink(dfd, "exe", a->exe, sizeof(a->exe));
		close(dfd);
		/* pid 1's parent is 0; a fixture could loop, the bound ends it
		 */
		ppid = st.ppid == ppid ? 0 : st.ppid;
	}
}

static int procfs_fill_ids(struct procfs *pfs, int dfd, struct proc_info *info)
{
	size_t len;
	int err;

	err = procfs_read_buf(pfs, dfd, "status", &len);
	if (err < 0)
		return err;
	err = procinfo_parse_status(pfs->buf, len, &info->uid, &info->gid);
	if (err < 0)
		return err;
	procfs_user_name(pfs, info->uid, info->user, sizeof(info->user));
	return 0;
}

/* What may be missing (kernel threads, zombies, no permission) stays "". */
static void procfs_fill_optional(struct procfs *pfs, int dfd,
				 struct proc_info *info)
{
	size_t len;
	bool trunc;

	procinfo_readlink(dfd, "exe", info->exe, sizeof(info->exe));
	if (procinfo_read(dfd, "cmdline", info->cmdline, sizeof(info->cmdline),
			  &len, &trunc) < 0) {
		len = 0;
		trunc = false;
		info->cmdline[0] = '\0';
	}
	procinfo_set_cmdline(info, len, trunc);
	if (procfs_read_buf(pfs, dfd, "cgroup", &len) < 0)
		len = 0;
	procinfo_parse_cgroup(pfs->buf, len, info->cgroup,
			      sizeof(info->cgroup));
}

int procfs_fill(struct procfs *pfs, pid_t pid, unsigned long long start,
		struct proc_info *info)
{
	struct procinfo_stat st;
	int dfd, err;

	dfd = procfs_open_pid(pfs, pid);
	if (dfd < 0)
		return dfd;
	err = procfs_read_stat(pfs, dfd, &st);
	if (err == 0 && st.start != start)
		err = -ESRCH; /* the pid now names another process */
	if (err == 0)
		err = procfs_fill_ids(pfs, dfd, info);
	if (err < 0)
		goto out;
	info->pid = pid;
	info->ppid = st.ppid;
	snprintf(info->comm, sizeof(info->comm), "%s", st.comm);
	procfs_fill_optional(pfs, dfd, info);
	procinfo_format_start(pfs->btime, st.start, pfs->hz, info->start_time,
			      sizeof(info->start_time));
	procfs_ancestors(pfs, st.ppid, info);
out:
	close(dfd);
	return err;
}

/* --- the cache ------------------------------------------------------------ */

static struct procfs_entry *procfs_cache_find(struct procfs *pfs,
					      uint32_t inode)
{
	int i;

	for (i = 0; i < PROCFS_CACHE_SIZE; i++)
		if (pfs->cache[i].inode == inode)
			return &pfs->cache[i];
	return NULL;
}

static struct procfs_entry *procfs_cache_slot(struct procfs *pfs)
{
	struct procfs_entry *e, *lru = &pfs->cache[0];
	int i;

	for (i = 0; i < PROCFS_CACHE_SIZE; i++) {
		e = &pfs->cache[i];
		if (!e->inode)
			return e;
		if (e->used < lru->used)
			lru = e;
	}
	pfs->stats.evictions++;
	return lru;
}

void procfs_cache_put(struct procfs *pfs, uint32_t inode,
		      const struct procfs_holder *h, bool shared)
{
	struct procfs_entry *e = procfs_cache_slot(pfs);

	e->inode = inode;
	e->holder = *h;
	e->shared = shared;
	e->used = ++pfs->tick;
}

/* The holder's fd must still be this socket: it may have been closed. */
static bool procfs_holder_has(struct procfs *pfs, const struct procfs_holder *h)
{
	char path[64], link[64];

	if (h->tid)
		snprintf(path, sizeof(path), "%d/task/%d/fd/%d", (int)h->pid,
			 (int)h->tid, h->fd);
	else
		snprintf(path, sizeof(path), "%d/fd/%d", (int)h->pid, h->fd);
	if (procinfo_readlink(pfs->root_fd, path, link, sizeof(link)) < 0)
		return false;
	return strcmp(link, pfs->target) == 0;
}

/*
 * XXX A shared socket keeps the holder its scan chose for as long as that
 * holder keeps the fd; another holder that starts sending later is not
 * ranked again until the entry goes stale or is evicted.
 */
static int procfs_cache_lookup(struct procfs *pfs, uint32_t inode,
			       struct proc_info *info)
{
	struct procfs_entry *e = procfs_cache_find(pfs, inode);

	if (!e)
		return -ENOENT;
	if (!procfs_holder_has(pfs, &e->holder) ||
	    procfs_fill(pfs, e->holder.pid, e->holder.start, info) < 0) {
		e->inode = 0;
		pfs->stats.stale++;
		return -ENOENT;
	}
	info->shared = e->shared;
	e->used = ++pfs->tick;
	pfs->stats.hits++;
	return 0;
}

int procfs_lookup(struct procfs *pfs, uint32_t inode, struct proc_info *info)
{
	int err;

	procfs_info_clear(info);
	if (!inode)
		return -ENOENT;
	snprintf(pfs->target, sizeof(pfs->target), "socket:[%u]", inode);
	err = procfs_cache_lookup(pfs, inode, info);
	if (err == 0)
		return 0;
	pfs->stats.misses++;
	procfs_info_clear(info);
	return procfs_scan(pfs, inode, info);
}
