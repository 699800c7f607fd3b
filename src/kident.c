// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The identity of a process the kernel names, kept per program it runs.
 *
 * Why a hit is the process the kernel saw: the key is all from the
 * kernel's entry for this very call.  tgid and start time name one
 * process for ever (a reused pid has a later start); the exec id is the
 * kernel's self_exec_id, which every exec counts up, so the same process
 * running another program (or the same one anew, with another cmdline
 * and environment) has another key.  An entry is made only from a /proc
 * read of that same process (same start time), and only when the exec
 * program says it had not exec'd between the call and the end of the
 * read; where it cannot say (no entry for the tgid: none since it was
 * loaded, or evicted), the read is as good as an uncached one would have
 * been, and the key still changes at the next exec.
 *
 * Ancestors: the parent's tgid and exec id are in the key too, so a
 * process reparented (its parent gone) or whose parent exec'd since is
 * read again.  Those further up are as they were at the read.
 *
 * uid, gid and comm are not kept: the kernel's entry gives them at every
 * call (setuid and PR_SET_NAME change them without an exec).
 *
 * XXX What a process changes of itself without an exec is shown as it
 * was when first read: a cmdline rewritten in place (setproctitle), code
 * mapped later from a writable place (the maps taint is read once per
 * exec), the exe link changed by PR_SET_MM_EXE_FILE (needs
 * CAP_SYS_RESOURCE), a file rewritten in place under its digest.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "kattr_abi.h"
#include "kident.h"
#include "proc.h"
#include "procfs.h"
#include "procfs_int.h"
#include "procinfo.h"

struct kident_key {
	uint64_t start_ns;
	uint64_t exec_id;
	uint64_t parent_exec_id;
	uint64_t cgroup_id;
	uint32_t tgid; /* 0: a free entry */
	uint32_t ppid;
	bool thorough; /* taint and digest looked for */
};

struct kident_entry {
	struct kident_key key;
	uint64_t used; /* LRU clock */
	struct proc_info info;
};

struct kident {
	struct procfs *pfs;
	kident_exec_fn *exec_of;
	const void *ctx;
	uint64_t tick;
	struct kident_stats stats;
	struct kident_entry *entries; /* KIDENT_SIZE */
};

struct kident *kident_open(struct procfs *pfs, kident_exec_fn *exec_of,
			   const void *ctx)
{
	struct kident *ki = calloc(1, sizeof(*ki));

	if (!ki)
		return NULL;
	/* calloc: pages of entries never used are never touched */
	ki->entries = calloc(KIDENT_SIZE, sizeof(*ki->entries));
	if (!ki->entries) {
		free(ki);
		return NULL;
	}
	ki->pfs = pfs;
	ki->exec_of = exec_of;
	ki->ctx = ctx;
	return ki;
}

void kident_close(struct kident *ki)
{
	if (!ki)
		return;
	free(ki->entries);
	free(ki);
}

void kident_get_stats(const struct kident *ki, struct kident_stats *st)
{
	*st = ki->stats;
}

static int kident_exec_of(const struct kident *ki, uint32_t tgid,
			  struct kattr_exec *e)
{
	return ki->exec_of ? ki->exec_of(ki->ctx, tgid, e) : -ENOENT;
}

/* The file exec ran (the kernel's dev_t) is the one its path names here. */
static bool kident_exec_is_named(const struct kattr_exec *e)
{
	struct stat st;

	if (stat(e->exe, &st) < 0)
		return false;
	return st.st_ino == e->ino &&
	       st.st_dev == makedev(e->dev >> 20, e->dev & 0xfffff);
}

/*
 * What the exec program noted, for a caller gone (or a zombie) now.  Its
 * environment and maps can no longer be read, so exe rules do not trust
 * it: the record names it, the policy does not take its word.  A later
 * exec than the call's is not what called: nothing then.
 */
static void kident_gone_exe(struct kident *ki, const struct kattr_caller *c,
			    struct proc_info *info)
{
	struct kattr_exec e;

	/* a relative path names nothing here: no exe rather than a wrong one */
	if (kident_exec_of(ki, c->tgid, &e) < 0 || e.start_ns != c->start_ns ||
	    e.exec_id != c->exec_id || e.exe[0] != '/')
		return;
	snprintf(info->exe, sizeof(info->exe), "%s", e.exe);
	if (!info->ppid)
		info->ppid = (pid_t)e.ppid;
	info->tainted = kident_exec_is_named(&e)
				? "gone before its environment and maps "
				  "were read"
				: "exe is not the file its path names here";
}

static void kident_gone(struct kident *ki, const struct kattr_caller *c,
			unsigned long long ticks, struct proc_info *info)
{
	procfs_info_clear(info);
	if (c->start_ns)
		procinfo_format_start(ki->pfs->btime, ticks, ki->pfs->hz,
				      info->start_time,
				      sizeof(info->start_time));
}

/*
 * /proc's exe, cmdline and ancestors while that very process (same start
 * time) lives; else what the exec program noted.  True: from /proc.
 */
static bool kident_read(struct kident *ki, const struct kattr_caller *c,
			struct proc_info *info)
{
	unsigned long long ticks =
		c->start_ns / (1000000000ULL / (unsigned long long)ki->pfs->hz);
	bool live = c->start_ns &&
		    procfs_fill(ki->pfs, (pid_t)c->tgid, ticks, info) == 0;

	if (!live)
		kident_gone(ki, c, ticks, info);
	if (!info->exe[0])
		kident_gone_exe(ki, c, info);
	info->pid = (pid_t)c->tgid;
	return live;
}

void kident_describe_sender(struct kident *ki, const struct kattr_caller *c,
			    struct proc_info *info)
{
	kident_read(ki, c, info);
}

/* The exec program saw c's process exec again after the call. */
static bool kident_exec_since(const struct kident *ki,
			      const struct kattr_caller *c)
{
	struct kattr_exec e;

	if (kident_exec_of(ki, c->tgid, &e) < 0 || e.start_ns != c->start_ns)
		return false;
	return e.exec_id != c->exec_id;
}

static void kident_key_of(const struct kident *ki, const struct kattr_caller *c,
			  struct kident_key *k)
{
	memset(k, 0, sizeof(*k));
	k->tgid = c->tgid;
	k->start_ns = c->start_ns;
	k->exec_id = c->exec_id;
	k->ppid = c->ppid;
	k->parent_exec_id = c->parent_exec_id;
	k->cgroup_id = c->cgroup_id;
	k->thorough = procfs_thorough(ki->pfs);
}

static bool kident_key_eq(const struct kident_key *a,
			  const struct kident_key *b)
{
	return a->tgid == b->tgid && a->start_ns == b->start_ns &&
	       a->exec_id == b->exec_id && a->ppid == b->ppid &&
	       a->parent_exec_id == b->parent_exec_id &&
	       a->cgroup_id == b->cgroup_id && a->thorough == b->thorough;
}

/* A string field, only as far as its NUL. */
#define KIDENT_STR(dst, src) snprintf((dst), sizeof(dst), "%s", (src))

/*
 * What of *src a hit gives, without the untouched tail of its buffers
 * (most of the 40 kB a struct proc_info has).  A single caller: no
 * holders, never partial (kident_read sets neither).
 */
static void kident_copy(struct proc_info *dst, const struct proc_info *src)
{
	int i;

	dst->pid = src->pid;
	dst->ppid = src->ppid;
	KIDENT_STR(dst->exe, src->exe);
	KIDENT_STR(dst->exe_sha256, src->exe_sha256);
	memcpy(dst->cmdline, src->cmdline, src->cmdline_len + 1);
	dst->cmdline_len = src->cmdline_len;
	dst->argc = src->argc;
	dst->cmdline_truncated = src->cmdline_truncated;
	KIDENT_STR(dst->cgroup, src->cgroup);
	KIDENT_STR(dst->start_time, src->start_time);
	dst->tainted = src->tainted; /* a static string */
	dst->n_ancestors = src->n_ancestors;
	for (i = 0; i < src->n_ancestors; i++) {
		dst->ancestors[i].pid = src->ancestors[i].pid;
		dst->ancestors[i].foreign = src->ancestors[i].foreign;
		KIDENT_STR(dst->ancestors[i].exe, src->ancestors[i].exe);
		KIDENT_STR(dst->ancestors[i].comm, src->ancestors[i].comm);
	}
}

static struct kident_entry *kident_find(struct kident *ki,
					const struct kident_key *k)
{
	int i;

	for (i = 0; i < KIDENT_SIZE; i++)
		if (ki->entries[i].key.tgid == k->tgid &&
		    kident_key_eq(&ki->entries[i].key, k))
			return &ki->entries[i];
	return NULL;
}

/* A free entry, else the least recently used, whose process is forgotten. */
static struct kident_entry *kident_slot(struct kident *ki)
{
	struct kident_entry *e, *lru = &ki->entries[0];
	int i;

	for (i = 0; i < KIDENT_SIZE; i++) {
		e = &ki->entries[i];
		if (!e->key.tgid)
			return e;
		if (e->used < lru->used)
			lru = e;
	}
	ki->stats.evictions++;
	return lru;
}

static void kident_put(struct kident *ki, const struct kident_key *k,
		       const struct proc_info *info)
{
	struct kident_entry *e = kident_slot(ki);

	e->key = *k;
	e->used = ++ki->tick;
	procfs_info_clear(&e->info);
	kident_copy(&e->info, info);
}

void kident_describe(struct kident *ki, const struct kattr_caller *c,
		     struct proc_info *info)
{
	struct kident_entry *e;
	struct kident_key k;

	kident_key_of(ki, c, &k);
	e = c->tgid && c->start_ns ? kident_find(ki, &k) : NULL;
	if (e) {
		ki->stats.hits++;
		e->used = ++ki->tick;
		kident_copy(info, &e->info);
		return;
	}
	ki->stats.misses++;
	if (!kident_read(ki, c, info)) {
		ki->stats.unkept++;
		return;
	}
	/* after the read: an exec before its end shows in the map */
	if (kident_exec_since(ki, c)) {
		ki->stats.unkept++;
		info->tainted = "exec'd again before /proc was read";
		return;
	}
	kident_put(ki, &k, info);
}
