// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What a process is.  Every file of one process is read through an open
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
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include "proc.h"
#include "procfs.h"
#include "procfs_int.h"
#include "procinfo.h"

/* The inode of a network namespace link under the root, 0 if unreadable. */
ino_t procfs_netns(const struct procfs *pfs, const char *path)
{
	struct stat st;

	if (fstatat(pfs->root_fd, path, &st, 0) < 0)
		return 0;
	return st.st_ino;
}

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

/*
 * The budget counts the worker thread's own CPU time: it bounds the work
 * a look-up may do (a table of many thousand fds), not the time a loaded
 * machine keeps the thread waiting (a wall-clock budget there would leave
 * the answer to the machine's load).
 */
int64_t procfs_clock_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

bool procfs_thorough(const struct procfs *pfs)
{
	return __atomic_load_n(&pfs->thorough, __ATOMIC_RELAXED);
}

bool procfs_past_deadline(const struct procfs *pfs)
{
	if (!pfs->deadline)
		return false;
	return procfs_clock_us() > pfs->deadline;
}

/*
 * Ancestors go through the identity cache: the same few for every packet.
 * The first must have started at start (0: whichever process ppid names).
 */
int procfs_ancestors(struct procfs *pfs, pid_t ppid, unsigned long long start,
		     struct proc_info *info)
{
	const struct procfs_ident *id;
	struct proc_ancestor *a;

	info->n_ancestors = 0;
	while (ppid > 0 && info->n_ancestors < PROC_MAX_ANCESTORS) {
		id = procfs_ident_get(pfs, -1, ppid, start);
		if (!id)
			return info->n_ancestors ? 0 : -ESRCH;
		start = 0;
		a = &info->ancestors[info->n_ancestors++];
		a->pid = ppid;
		snprintf(a->comm, sizeof(a->comm), "%s", id->st.comm);
		snprintf(a->exe, sizeof(a->exe), "%s", id->exe);
		a->foreign = procfs_thorough(pfs) && !id->named;
		/* pid 1's parent is 0; a fixture could loop, the bound ends it
		 */
		ppid = id->st.ppid == ppid ? 0 : id->st.ppid;
	}
	return 0;
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

/* Environments past this are not read through: the process is tainted. */
#define PROCFS_ENV_MAX (1 << 20)

/* Was the process started with the dynamic loader told to load more? */
static const char *procfs_taint_env(struct procfs *pfs, int dfd)
{
	struct procinfo_envscan scan = {0};
	size_t total = 0;
	ssize_t n = 0;
	int fd;

	fd = openat(dfd, "environ", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return "environment unreadable";
	while (!scan.found && total < PROCFS_ENV_MAX &&
	       (n = read(fd, pfs->buf, sizeof(pfs->buf))) > 0) {
		procinfo_env_feed(&scan, pfs->buf, (size_t)n);
		total += (size_t)n;
	}
	close(fd);
	if (scan.found)
		return "started with LD_PRELOAD or LD_AUDIT";
	if (total >= PROCFS_ENV_MAX)
		return "environment too large to check";
	return n < 0 ? "environment unreadable" : NULL;
}

/*
 * Executable code must come from a file that its path still names here,
 * owned by root and writable by no one else.  Anonymous executable memory
 * (JIT compilers, the vDSO) is the program's own doing, not a place.
 */
static const char *procfs_taint_map(const struct procinfo_map *m)
{
	static const char deleted[] = " (deleted)";
	const size_t dlen = sizeof(deleted) - 1;
	char path[PROC_EXE_MAX];
	struct stat st;

	if (!m->exec || !m->inode)
		return NULL;
	if (m->path_len >= dlen &&
	    !memcmp(m->path + m->path_len - dlen, deleted, dlen))
		return "executable code from a deleted file";
	if (m->path_len >= sizeof(path) || m->path[0] != '/')
		return "executable code from a file not named here";
	memcpy(path, m->path, m->path_len);
	path[m->path_len] = '\0';
	if (stat(path, &st) < 0 || st.st_ino != m->inode || st.st_dev != m->dev)
		return "executable code from a file not named here";
	if (st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH)))
		return "executable code from a writable place";
	return NULL;
}

/* The complete lines of buf[0..*have); what is left moves to the front. */
static const char *procfs_taint_lines(char *buf, size_t *have)
{
	char *p = buf, *end = buf + *have, *nl;
	struct procinfo_map m;
	const char *why = NULL;

	while (!why && (nl = memchr(p, '\n', (size_t)(end - p)))) {
		if (procinfo_parse_maps_line(p, (size_t)(nl - p), &m) < 0)
			why = "memory map unreadable";
		else
			why = procfs_taint_map(&m);
		p = nl + 1;
	}
	memmove(buf, p, (size_t)(end - p));
	*have = (size_t)(end - p);
	return why;
}

static const char *procfs_taint_maps(struct procfs *pfs, int dfd)
{
	const char *why = NULL;
	size_t have = 0;
	ssize_t n = 0;
	int fd;

	fd = openat(dfd, "maps", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return "memory map unreadable";
	while (!why &&
	       (n = read(fd, pfs->buf + have, sizeof(pfs->buf) - have)) > 0) {
		have += (size_t)n;
		why = procfs_taint_lines(pfs->buf, &have);
		/* a line longer than the buffer cannot be a path we know */
		if (!why && have == sizeof(pfs->buf))
			why = "memory map unreadable";
	}
	close(fd);
	return why ? why : n < 0 ? "memory map unreadable" : NULL;
}

/*
 * The exe link and the file its path names in our mount namespace must
 * be one file: a bind mount in another namespace, or a file deleted and
 * replaced, shows a path that is not what runs.  The environment and the
 * maps are read anew: an exec of the same file can change the first,
 * and code can be mapped at any time.
 */
static const char *procfs_taint(struct procfs *pfs, int dfd,
				const struct procfs_ident *id)
{
	const char *why;

	if (!id->exe[0])
		return "exe unreadable";
	if (!id->named)
		return "exe is not the file its path names here";
	why = procfs_taint_env(pfs, dfd);
	return why ? why : procfs_taint_maps(pfs, dfd);
}

int procfs_fill_some(struct procfs *pfs, pid_t pid, unsigned long long start,
		     struct proc_info *info, int what)
{
	bool thorough = procfs_thorough(pfs);
	const struct procfs_ident *id;
	struct procinfo_stat st;
	int dfd, err;

	if (!start)
		return -ESRCH; /* a holder whose start was never read */
	dfd = procfs_open_pid(pfs, pid);
	if (dfd < 0)
		return dfd;
	id = procfs_ident_get(pfs, dfd, pid, start);
	err = id ? 0 : -ESRCH;
	if (err < 0)
		goto out;
	st = id->st; /* the ancestors' walk reuses the entry's slot */
	snprintf(info->exe, sizeof(info->exe), "%s", id->exe);
	/* the quick scan leaves process rules unknown: no need to know */
	if (thorough)
		info->tainted = procfs_taint(pfs, dfd, id);
	/* what a tainted process runs does not matter: no rule trusts it */
	if (thorough && !info->tainted)
		procfs_exe_digest(pfs, dfd, info->exe_sha256);
	if (what & PROCFS_FILL_IDS)
		err = procfs_fill_ids(pfs, dfd, info);
	if (err < 0)
		goto out;
	info->pid = pid;
	info->ppid = st.ppid;
	snprintf(info->comm, sizeof(info->comm), "%s", st.comm);
	procfs_fill_optional(pfs, dfd, info);
	procinfo_format_start(pfs->btime, st.start, pfs->hz, info->start_time,
			      sizeof(info->start_time));
	if (what & PROCFS_FILL_ANCESTORS)
		procfs_ancestors(pfs, st.ppid, 0, info);
out:
	close(dfd);
	return err;
}

int procfs_fill(struct procfs *pfs, pid_t pid, unsigned long long start,
		struct proc_info *info)
{
	return procfs_fill_some(pfs, pid, start, info,
				PROCFS_FILL_IDS | PROCFS_FILL_ANCESTORS);
}

int procfs_lookup_pid(struct procfs *pfs, pid_t pid, struct proc_info *info)
{
	struct procinfo_stat st;
	int dfd, err;

	dfd = procfs_open_pid(pfs, pid);
	if (dfd < 0)
		return dfd;
	err = procfs_read_stat(pfs, dfd, &st);
	close(dfd);
	if (err < 0)
		return err;
	procfs_info_clear(info);
	return procfs_fill(pfs, pid, st.start, info);
}
