// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * inode -> the processes holding it: a cache of what the scan found,
 * revalidated on every hit, and the description of each holder.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>

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

struct procfs *procfs_open(const char *root)
{
	struct procfs *pfs;

	pfs = calloc(1, sizeof(*pfs));
	if (!pfs)
		return NULL;
	pfs->held = calloc(PROCFS_MAX_HOLDERS, sizeof(*pfs->held));
	pfs->root_fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (pfs->root_fd < 0 || !pfs->held || procfs_ident_init(pfs) < 0) {
		if (pfs->root_fd >= 0)
			close(pfs->root_fd);
		procfs_ident_fini(pfs);
		free(pfs->held);
		free(pfs);
		return NULL;
	}
	pfs->budget_us = PROCFS_BUDGET_US;
	pfs->thorough = true;
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
	procfs_ident_fini(pfs);
	free(pfs->pids);
	free(pfs->held);
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
	info->exe_sha256[0] = '\0';
	info->comm[0] = '\0';
	info->cmdline[0] = '\0';
	info->cmdline_len = 0;
	info->argc = 0;
	info->cmdline_truncated = false;
	info->cgroup[0] = '\0';
	info->start_time[0] = '\0';
	info->shared = false;
	info->n_ancestors = 0;
	info->tainted = NULL;
	info->n_holders = 0;
	info->n_listed = 0;
	info->holders = NULL;
	info->partial = false;
}

void procfs_set_budget(struct procfs *pfs, long budget_us)
{
	pfs->budget_us = budget_us;
}

void procfs_set_thorough(struct procfs *pfs, bool on)
{
	__atomic_store_n(&pfs->thorough, on, __ATOMIC_RELAXED);
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

static void procfs_cache_put(struct procfs *pfs, uint32_t inode)
{
	struct procfs_entry *e = procfs_cache_slot(pfs);

	e->inode = inode;
	memcpy(e->holders, pfs->holders, sizeof(e->holders));
	e->n_listed = pfs->n_holders;
	e->n_procs = pfs->n_procs;
	e->partial = pfs->partial;
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
 * Several holders: each described into pfs->held, the first that is
 * still there named.  One gone meanwhile may have been the sender: what
 * it was is unknown, and so the set is partial.
 */
static int procfs_describe_all(struct procfs *pfs, struct proc_info *info)
{
	const struct procfs_holder *h;
	int i, n = 0;

	for (i = 0; i < pfs->n_holders; i++) {
		h = &pfs->holders[i];
		procfs_info_clear(&pfs->held[n]);
		if (procfs_fill(pfs, h->pid, h->start, &pfs->held[n]) == 0)
			n++;
		else
			pfs->partial = true;
	}
	if (!n)
		return -ENOENT;
	memcpy(info, &pfs->held[0], sizeof(*info));
	info->shared = pfs->n_procs > 1;
	info->n_holders = pfs->n_procs;
	info->n_listed = n;
	info->holders = pfs->held;
	info->partial = pfs->partial;
	return 0;
}

/* pfs->holders, as the scan or the cache left them, into *info. */
static int procfs_describe(struct procfs *pfs, struct proc_info *info)
{
	const struct procfs_holder *h = &pfs->holders[0];

	if (pfs->n_procs > 1)
		return procfs_describe_all(pfs, info);
	if (procfs_fill(pfs, h->pid, h->start, info) < 0) {
		procfs_info_clear(info);
		return -ENOENT;
	}
	info->partial = pfs->partial;
	return 0;
}

/*
 * A hit is used only when every holder listed still holds the socket and
 * is still the process it was.
 *
 * XXX A process that got the socket after the scan (fork, SCM_RIGHTS) is
 * not seen until the entry goes stale or is evicted.
 */
static int procfs_cache_lookup(struct procfs *pfs, uint32_t inode,
			       struct proc_info *info)
{
	struct procfs_entry *e = procfs_cache_find(pfs, inode);
	int i;

	if (!e)
		return -ENOENT;
	/*
	 * A thorough look-up must see every holder, and one that joined since
	 * (a fork, a descriptor passed over a unix socket) leaves no trace
	 * the cache could check: it scans.  What a quick scan found is not
	 * enough for it either.
	 */
	if (procfs_thorough(pfs)) {
		e->inode = 0;
		return -ENOENT;
	}
	memcpy(pfs->holders, e->holders, sizeof(pfs->holders));
	pfs->n_holders = e->n_listed;
	pfs->n_procs = e->n_procs;
	pfs->partial = e->partial;
	for (i = 0; i < pfs->n_holders; i++)
		if (!procfs_holder_has(pfs, &pfs->holders[i]))
			break;
	if (i < pfs->n_holders || procfs_describe(pfs, info) < 0 ||
	    info->partial != e->partial) {
		e->inode = 0;
		pfs->stats.stale++;
		return -ENOENT;
	}
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
	pfs->deadline =
		pfs->budget_us > 0 ? procfs_clock_us() + pfs->budget_us : 0;
	snprintf(pfs->target, sizeof(pfs->target), "socket:[%u]", inode);
	err = procfs_cache_lookup(pfs, inode, info);
	if (err == 0)
		return 0;
	pfs->stats.misses++;
	procfs_info_clear(info);
	err = procfs_scan(pfs);
	if (err == 0)
		err = procfs_describe(pfs, info);
	if (err == 0)
		procfs_cache_put(pfs, inode);
	if (err == -ETIME)
		pfs->stats.over_budget++;
	return err;
}
