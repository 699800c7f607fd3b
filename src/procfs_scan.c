// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The cache-miss path of procfs_lookup: which processes hold a socket,
 * and which of them to name.
 *
 * Every process of our network namespace is looked at, each fd table
 * once: a rule that names a program may let a socket pass only when every
 * holder is that program, so the scan cannot stop at the first.  A
 * socket lives in the namespace it was made in, and so do its holders,
 * but for one passed to another namespace with SCM_RIGHTS.  Where the
 * daemon runs in a sandbox's namespace that is a handful of processes,
 * not the host's hundreds.  The look-up's budget bounds the scan: when
 * it runs out the holders found are kept and the result is partial.
 *
 * A thread that unshared its fd table (clone without CLONE_FILES,
 * unshare(CLONE_FILES)) has a table of its own to scan; kcmp(2) tells
 * which threads share their process's, so that a process of many
 * threads costs one table, not one per thread.
 *
 * The quick scan (no process rule to decide) needs one holder: it tries
 * the processes that held the last sockets, then the pids given out
 * last, and lists /proc only when those fail.  Listing /proc walks every
 * process of the machine, whichever namespace it is in: it, not the fd
 * tables, is what made a quick look-up cost more the more processes ran.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/stat.h>
#include <sys/syscall.h>
#include <linux/kcmp.h>

#include "procfs_int.h"
#include "procinfo.h"

static bool name_to_int(const char *s, int *out)
{
	long v = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > 0x3fffffff)
			return false;
		v = v * 10 + (*s - '0');
	}
	*out = (int)v;
	return true;
}

/*
 * Directories are read with getdents64(2) into buffers the procfs owns,
 * not opendir(3), so that a scan allocates nothing.
 */
struct dirwalk {
	int fd;
	char *buf;
	size_t cap, pos, len;
};

enum { DIR_OUTER, DIR_INNER };

static int dirwalk_open(struct procfs *pfs, struct dirwalk *w, int dirfd,
			const char *path, int which)
{
	w->buf = (char *)pfs->dirbuf[which];
	w->cap = sizeof(pfs->dirbuf[which]);
	w->pos = w->len = 0;
	w->fd = openat(dirfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return w->fd < 0 ? -errno : 0;
}

/* The next entry; false at the end (or on a read error). */
static bool dirwalk_next(struct dirwalk *w, const char **name)
{
	const struct dirent64 *de;

	if (w->pos >= w->len) {
		ssize_t n = getdents64(w->fd, w->buf, w->cap);

		if (n <= 0)
			return false;
		w->len = (size_t)n;
		w->pos = 0;
	}
	de = (const struct dirent64 *)(w->buf + w->pos);
	w->pos += de->d_reclen;
	*name = de->d_name;
	return true;
}

static int pid_cmp_desc(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return (x < y) - (x > y);
}

static void pid_swap(pid_t *a, pid_t *b)
{
	pid_t t = *a;

	*a = *b;
	*b = t;
}

static int procfs_grow_pids(struct procfs *pfs)
{
	size_t cap = pfs->pids_cap ? pfs->pids_cap * 2 : 1024;
	pid_t *p = realloc(pfs->pids, cap * sizeof(*p));

	if (!p)
		return -ENOMEM;
	pfs->pids = p;
	pfs->pids_cap = cap;
	return 0;
}

/*
 * Is the process in our network namespace?  When ours is unknown (a
 * fixture tree) every process is.  A process whose namespace we cannot
 * read is gone or beyond our ptrace access, and so are its fds.  Asked
 * anew each time: a process may change namespace (setns, unshare), as
 * `ip netns exec` does between its fork and its exec.
 */
static ino_t procfs_pid_netns(struct procfs *pfs, pid_t pid)
{
	char path[40];

	snprintf(path, sizeof(path), "%d/ns/net", (int)pid);
	return procfs_netns(pfs, path);
}

static bool procfs_same_netns(struct procfs *pfs, pid_t pid)
{
	return !pfs->netns || procfs_pid_netns(pfs, pid) == pfs->netns;
}

/*
 * The pid the kernel gave out last (/proc/loadavg's last field), 0 when
 * unknown: pids are given out upwards from it and wrap around.
 */
static pid_t procfs_last_pid(struct procfs *pfs)
{
	const char *p;
	size_t len;
	long v;

	if (procfs_read_buf(pfs, pfs->root_fd, "loadavg", &len) < 0)
		return 0;
	p = strrchr(pfs->buf, ' ');
	v = p ? strtol(p + 1, NULL, 10) : 0;
	return v > 0 && v <= 0x3fffffff ? (pid_t)v : 0;
}

/*
 * Newest first, as far as a pid tells: downwards from the pid given out
 * last, then downwards from the highest, where the pids wrapped around.
 */
static void procfs_order_pids(struct procfs *pfs, size_t n)
{
	pid_t last = procfs_last_pid(pfs);
	size_t i, k = 0;

	qsort(pfs->pids, n, sizeof(pid_t), pid_cmp_desc);
	while (last && k < n && pfs->pids[k] > last)
		k++;
	if (k == 0 || k == n)
		return;
	/* rotate by k: [k, n) then [0, k), in place by three reversals */
	for (i = 0; i < k / 2; i++)
		pid_swap(&pfs->pids[i], &pfs->pids[k - 1 - i]);
	for (i = 0; i < (n - k) / 2; i++)
		pid_swap(&pfs->pids[k + i], &pfs->pids[n - 1 - i]);
	for (i = 0; i < n / 2; i++)
		pid_swap(&pfs->pids[i], &pfs->pids[n - 1 - i]);
}

/* Every numeric entry of the root, newest first. */
static int procfs_list_pids(struct procfs *pfs, size_t *n)
{
	struct dirwalk w;
	const char *name;
	int pid, err;

	*n = 0;
	pfs->stats.listings++;
	err = dirwalk_open(pfs, &w, pfs->root_fd, ".", DIR_OUTER);
	if (err < 0)
		return err;
	while (err == 0 && dirwalk_next(&w, &name)) {
		if (!name_to_int(name, &pid) || pid <= 0)
			continue;
		if (*n == pfs->pids_cap)
			err = procfs_grow_pids(pfs);
		if (err == 0)
			pfs->pids[(*n)++] = pid;
	}
	close(w.fd);
	procfs_order_pids(pfs, *n);
	return err;
}

/* One entry per process: its first fd on the socket names it. */
static void procfs_add_holder(struct procfs *pfs, pid_t pid, pid_t tid, int fd)
{
	struct procfs_holder *h;
	int i;

	for (i = 0; i < pfs->n_holders; i++)
		if (pfs->holders[i].pid == pid)
			return;
	if (pfs->n_procs > pfs->n_holders && pfs->last_pid == pid)
		return; /* counted already, not listed */
	pfs->n_procs++;
	pfs->last_pid = pid;
	if (pfs->n_holders == PROCFS_MAX_HOLDERS)
		return;
	h = &pfs->holders[pfs->n_holders++];
	memset(h, 0, sizeof(*h));
	h->pid = pid;
	h->tid = tid;
	h->fd = fd;
}

/* Add every fd in dirfd/path (an fd directory) that links to the target. */
static void procfs_scan_table(struct procfs *pfs, int dirfd, const char *path,
			      pid_t pid, pid_t tid)
{
	char link[64];
	struct dirwalk w;
	const char *name;
	int n, err;

	if (dirwalk_open(pfs, &w, dirfd, path, DIR_INNER) < 0)
		return; /* gone, or not ours to read */
	while (!pfs->partial && dirwalk_next(&w, &name)) {
		if (!name_to_int(name, &n))
			continue;
		/* a table of many thousand fds must not hold up the packet */
		if ((n & 255) == 255 && procfs_past_deadline(pfs))
			pfs->partial = true;
		err = procinfo_readlink(w.fd, name, link, sizeof(link));
		/* Denied for one fd is denied for all: ptrace access is per
		 * process.  Gone (ENOENT) is just this fd, closed meanwhile. */
		if (err == -EACCES || err == -EPERM)
			break;
		if (err < 0)
			continue;
		if (strcmp(link, pfs->target) == 0)
			procfs_add_holder(pfs, pid, tid, n);
	}
	close(w.fd);
}

/* Does thread tid of pid have an fd table of its own? */
static bool procfs_own_table(pid_t pid, pid_t tid)
{
	/* unknown (no kcmp, no access): scan it, to be sure */
	return syscall(SYS_kcmp, pid, tid, KCMP_FILES, 0, 0) != 0;
}

/*
 * The threads of pid, where it has more than one: /proc/PID/task links
 * once for each thread beyond its own two.
 */
static void procfs_scan_tasks(struct procfs *pfs, pid_t pid)
{
	char path[48];
	struct dirwalk w;
	struct stat st;
	const char *name;
	int tid;

	snprintf(path, sizeof(path), "%d/task", (int)pid);
	if (fstatat(pfs->root_fd, path, &st, 0) < 0 || st.st_nlink == 3)
		return;
	if (dirwalk_open(pfs, &w, pfs->root_fd, path, DIR_OUTER) < 0)
		return;
	while (!pfs->partial && dirwalk_next(&w, &name)) {
		if (!name_to_int(name, &tid) || tid == pid ||
		    !procfs_own_table(pid, tid))
			continue;
		snprintf(path, sizeof(path), "%d/fd", tid);
		procfs_scan_table(pfs, w.fd, path, pid, tid);
	}
	close(w.fd);
}

/* Is the holder's task in a syscall that sends on its fd right now? */
static bool procfs_in_send(struct procfs *pfs, const struct procfs_holder *h)
{
	char path[64];
	unsigned long long nr;
	unsigned long arg0;
	size_t len;

	if (h->tid)
		snprintf(path, sizeof(path), "%d/task/%d/syscall", (int)h->pid,
			 (int)h->tid);
	else
		snprintf(path, sizeof(path), "%d/syscall", (int)h->pid);
	if (procfs_read_buf(pfs, pfs->root_fd, path, &len) < 0)
		return false;
	if (sscanf(pfs->buf, "%llu 0x%lx", &nr, &arg0) != 2)
		return false;
	if (arg0 != (unsigned long)h->fd)
		return false;
	return nr == SYS_connect || nr == SYS_sendto || nr == SYS_sendmsg ||
	       nr == SYS_sendmmsg;
}

static int holder_cmp(const void *a, const void *b)
{
	const struct procfs_holder *x = a, *y = b;

	if (x->in_send != y->in_send)
		return x->in_send ? -1 : 1;
	if (x->start != y->start)
		return x->start > y->start ? -1 : 1;
	return (x->pid < y->pid) - (x->pid > y->pid);
}

static void procfs_rank(struct procfs *pfs)
{
	struct procinfo_stat st;
	struct procfs_holder *h;
	int i, dfd;

	for (i = 0; i < pfs->n_holders; i++) {
		h = &pfs->holders[i];
		dfd = procfs_open_pid(pfs, h->pid);
		if (dfd < 0)
			continue;
		if (procfs_read_stat(pfs, dfd, &st) == 0)
			h->start = st.start;
		close(dfd);
		h->in_send = procfs_in_send(pfs, h);
	}
	qsort(pfs->holders, (size_t)pfs->n_holders, sizeof(pfs->holders[0]),
	      holder_cmp);
}

static void procfs_scan_pid(struct procfs *pfs, pid_t pid)
{
	char path[24];

	snprintf(path, sizeof(path), "%d/fd", (int)pid);
	procfs_scan_table(pfs, pfs->root_fd, path, pid, 0);
	procfs_scan_tasks(pfs, pid);
}

/*
 * The quick scan, for a policy that no holder set can sway: after the
 * first holder, only its family (ancestors, children), which is how a
 * socket is mostly shared.
 */
static void procfs_scan_ancestors(struct procfs *pfs, pid_t pid)
{
	struct procinfo_stat st;
	int i, dfd;

	for (i = 0; i < PROC_MAX_ANCESTORS && pid > 1; i++) {
		dfd = procfs_open_pid(pfs, pid);
		if (dfd < 0)
			return;
		if (procfs_read_stat(pfs, dfd, &st) < 0)
			st.ppid = 0;
		close(dfd);
		/* Past our namespace no ancestor can hold the socket. */
		if (st.ppid <= 0 || st.ppid == pid ||
		    !procfs_same_netns(pfs, st.ppid))
			return;
		pid = st.ppid;
		procfs_scan_pid(pfs, pid);
	}
}

/* Children of the main thread; a server's workers are a bounded few. */
static void procfs_scan_children(struct procfs *pfs, pid_t pid)
{
	char path[48];
	const char *p;
	char *end;
	size_t len;
	long c;
	int n;

	snprintf(path, sizeof(path), "%d/task/%d/children", (int)pid, (int)pid);
	if (procfs_read_buf(pfs, pfs->root_fd, path, &len) < 0)
		return;
	for (p = pfs->buf, n = 0; n < PROCFS_MAX_CHILDREN; p = end, n++) {
		c = strtol(p, &end, 10);
		if (end == p || c <= 0 || c > 0x3fffffff)
			return;
		if (procfs_same_netns(pfs, (pid_t)c))
			procfs_scan_pid(pfs, (pid_t)c);
	}
}

/*
 * Which process pid belongs to, 0 when unknown: a pid guessed rather than
 * listed may be a thread's, and /proc/TID shows its process's files
 * under the thread's number.
 */
static pid_t procfs_tgid(struct procfs *pfs, pid_t pid)
{
	char path[32];
	const char *p;
	size_t len;
	long v;

	snprintf(path, sizeof(path), "%d/status", (int)pid);
	if (procfs_read_buf(pfs, pfs->root_fd, path, &len) < 0)
		return 0;
	p = strstr(pfs->buf, "\nTgid:");
	v = p ? strtol(p + 6, NULL, 10) : 0;
	return v > 0 && v <= 0x3fffffff ? (pid_t)v : 0;
}

/*
 * A guessed pid, scanned as a listed one, each holder found then put
 * under its process; a thread with a table of its own keeps its tid.
 * Called only while nothing is found yet, so every holder is pid's.
 */
static int procfs_scan_guess(struct procfs *pfs, pid_t pid)
{
	struct procfs_holder *h;
	ino_t ns = pfs->netns ? procfs_pid_netns(pfs, pid) : 0;
	pid_t tgid;
	int i;

	if (pfs->netns && !ns)
		return -ESRCH;
	if (ns != pfs->netns)
		return 0;
	procfs_scan_pid(pfs, pid);
	if (!pfs->n_holders)
		return 0;
	tgid = procfs_tgid(pfs, pid);
	if (tgid == pid)
		return 0;
	if (!tgid) {
		/* gone meanwhile: the listing finds what is left of it */
		pfs->n_holders = pfs->n_procs = 0;
		pfs->last_pid = 0;
		return -ESRCH;
	}
	for (i = 0; i < pfs->n_holders; i++) {
		h = &pfs->holders[i];
		if (!h->tid && procfs_own_table(tgid, pid))
			h->tid = pid;
		h->pid = tgid;
	}
	return 0;
}

/*
 * A process that made one connection often makes the next; one that is
 * gone is forgotten, so that a build's short-lived children cost a failed
 * stat once, not on every packet after.
 */
static void procfs_scan_recent(struct procfs *pfs)
{
	pid_t *r = pfs->recent;
	int i = 0;

	while (i < PROCFS_RECENT && r[i] && !pfs->n_holders && !pfs->partial) {
		if (procfs_scan_guess(pfs, r[i]) == 0) {
			i++;
			continue;
		}
		memmove(&r[i], &r[i + 1],
			(size_t)(PROCFS_RECENT - 1 - i) * sizeof(*r));
		r[PROCFS_RECENT - 1] = 0;
	}
}

/*
 * A new process's socket: its pid is among the last given out.  Probed
 * one by one, a pid that is free costs one failed stat, where a listing
 * of /proc costs as much as there are processes on the machine.
 */
static void procfs_scan_newest(struct procfs *pfs)
{
	pid_t pid = procfs_last_pid(pfs);

	pfs->probed_hi = pid;
	for (; pid > 0 && pfs->probed_hi - pid < PROCFS_PROBE; pid--) {
		if (pfs->n_holders || pfs->partial)
			return;
		procfs_scan_guess(pfs, pid);
		pfs->probed_lo = pid;
	}
}

static bool procfs_probed(const struct procfs *pfs, pid_t pid)
{
	return pid >= pfs->probed_lo && pid <= pfs->probed_hi;
}

/* Newest first, so that the quick scan meets the sender early. */
static void procfs_remember(struct procfs *pfs, pid_t pid)
{
	int i;

	for (i = 0; i < PROCFS_RECENT - 1 && pfs->recent[i] != pid; i++)
		;
	memmove(&pfs->recent[1], &pfs->recent[0], (size_t)i * sizeof(pid));
	pfs->recent[0] = pid;
}

/* Every process of /proc, newest first, until the scan may stop. */
static int procfs_scan_listed(struct procfs *pfs, bool all)
{
	size_t i, n;
	pid_t pid;
	int err;

	err = procfs_list_pids(pfs, &n);
	if (err < 0)
		return err;
	for (i = 0; i < n && !pfs->partial && (all || !pfs->n_holders); i++) {
		pid = pfs->pids[i];
		if ((i & 15) == 15 && procfs_past_deadline(pfs))
			pfs->partial = true;
		else if (!procfs_probed(pfs, pid) &&
			 procfs_same_netns(pfs, pid))
			procfs_scan_pid(pfs, pid);
	}
	return 0;
}

/*
 * Thorough, every process is listed and scanned.  Quick, the likely
 * holders come first -- the last ones, the newest processes -- and only
 * when none of them holds the socket is /proc listed.
 */
int procfs_scan(struct procfs *pfs)
{
	bool all = procfs_thorough(pfs);
	int err = 0;

	pfs->n_holders = 0;
	pfs->n_procs = 0;
	pfs->last_pid = 0;
	pfs->partial = false;
	pfs->probed_lo = 1;
	pfs->probed_hi = 0;
	if (!all) {
		procfs_scan_recent(pfs);
		procfs_scan_newest(pfs);
	}
	if (all || (!pfs->n_holders && !pfs->partial))
		err = procfs_scan_listed(pfs, all);
	if (err < 0)
		return err;
	if (!all && pfs->n_holders) {
		procfs_scan_ancestors(pfs, pfs->holders[0].pid);
		procfs_scan_children(pfs, pfs->holders[0].pid);
		pfs->partial = true; /* others were not looked for */
	}
	procfs_rank(pfs);
	if (!pfs->n_holders)
		return pfs->partial ? -ETIME : -ENOENT;
	procfs_remember(pfs, pfs->holders[0].pid);
	return 0;
}
