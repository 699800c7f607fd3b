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

/* A parent and those above it, as first read for a child of it. */
struct kident_chain {
	uint64_t start_ns; /* the parent's */
	uint64_t exec_id;
	uint32_t ppid; /* 0: a free entry */
	bool thorough;
	uint64_t used;
	int n;
	struct proc_ancestor a[PROC_MAX_ANCESTORS];
};

struct kident {
	struct procfs *pfs;
	kident_exec_fn *exec_of;
	const void *ctx;
	uint64_t tick;
	struct kident_stats stats;
	struct kident_entry *entries; /* KIDENT_SIZE */
	struct kident_chain *chains;  /* KIDENT_CHAINS */
};

void kident_close(struct kident *ki)
{
	if (!ki)
		return;
	free(ki->entries);
	free(ki->chains);
	free(ki);
}

struct kident *kident_open(struct procfs *pfs, kident_exec_fn *exec_of,
			   const void *ctx)
{
	struct kident *ki = calloc(1, sizeof(*ki));

	if (!ki)
		return NULL;
	/* calloc: pages of entries never used are never touched */
	ki->entries = calloc(KIDENT_SIZE, sizeof(*ki->entries));
	ki->chains = calloc(KIDENT_CHAINS, sizeof(*ki->chains));
	if (!ki->entries || !ki->chains) {
		kident_close(ki);
		return NULL;
	}
	ki->pfs = pfs;
	ki->exec_of = exec_of;
	ki->ctx = ctx;
	return ki;
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

static unsigned long long kident_ticks(const struct kident *ki, uint64_t ns)
{
	return ns / (1000000000ULL / (unsigned long long)ki->pfs->hz);
}

/* Copy n ancestors, each only as far as its strings' NULs. */
static void kident_copy_ancestors(struct proc_ancestor *dst,
				  const struct proc_ancestor *src, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		dst[i].pid = src[i].pid;
		dst[i].foreign = src[i].foreign;
		snprintf(dst[i].exe, sizeof(dst[i].exe), "%s", src[i].exe);
		snprintf(dst[i].comm, sizeof(dst[i].comm), "%s", src[i].comm);
	}
}

static struct kident_chain *kident_chain_find(struct kident *ki,
					      const struct kattr_caller *c,
					      bool thorough)
{
	struct kident_chain *ch;
	int i;

	for (i = 0; i < KIDENT_CHAINS; i++) {
		ch = &ki->chains[i];
		if (ch->ppid == c->ppid && ch->start_ns == c->parent_start_ns &&
		    ch->exec_id == c->parent_exec_id &&
		    ch->thorough == thorough)
			return ch;
	}
	return NULL;
}

static void kident_chain_put(struct kident *ki, const struct kattr_caller *c,
			     bool thorough, const struct proc_info *info)
{
	struct kident_chain *ch, *lru = &ki->chains[0];
	int i;

	for (i = 0; i < KIDENT_CHAINS && lru->ppid; i++) {
		ch = &ki->chains[i];
		if (!ch->ppid || ch->used < lru->used)
			lru = ch;
	}
	lru->ppid = c->ppid;
	lru->start_ns = c->parent_start_ns;
	lru->exec_id = c->parent_exec_id;
	lru->thorough = thorough;
	lru->used = ++ki->tick;
	lru->n = info->n_ancestors;
	kident_copy_ancestors(lru->a, info->ancestors, info->n_ancestors);
}

/*
 * The parent the kernel saw at the call (its tgid, start and exec), and
 * those above it: kept for the next child of that parent, since a
 * build's children are many and their parents few.  One gone already
 * leaves no ancestors rather than another process's.
 */
static void kident_ancestors(struct kident *ki, const struct kattr_caller *c,
			     struct proc_info *info)
{
	bool thorough = procfs_thorough(ki->pfs);
	struct kident_chain *ch = kident_chain_find(ki, c, thorough);

	info->n_ancestors = 0;
	if (ch) {
		ch->used = ++ki->tick;
		ki->stats.chain_hits++;
		info->n_ancestors = ch->n;
		kident_copy_ancestors(info->ancestors, ch->a, ch->n);
		return;
	}
	if (!c->ppid || !c->parent_start_ns)
		return;
	if (procfs_ancestors(ki->pfs, (pid_t)c->ppid,
			     kident_ticks(ki, c->parent_start_ns), info) == 0)
		kident_chain_put(ki, c, thorough, info);
}

/*
 * /proc's exe, cmdline and ancestors while that very process (same start
 * time) lives; else what the exec program noted.  uid, gid and user come
 * from the kernel's entry, and the ancestors from its parent, unless c
 * is a sender known by tgid and start only.  True: from /proc.
 */
static bool kident_read(struct kident *ki, const struct kattr_caller *c,
			struct proc_info *info, bool sender)
{
	unsigned long long ticks = kident_ticks(ki, c->start_ns);
	int what = sender ? PROCFS_FILL_IDS | PROCFS_FILL_ANCESTORS : 0;
	bool live = c->start_ns && procfs_fill_some(ki->pfs, (pid_t)c->tgid,
						    ticks, info, what) == 0;

	if (!live) {
		kident_gone(ki, c, ticks, info);
	} else if (!sender) {
		info->ppid = (pid_t)c->ppid;
		kident_ancestors(ki, c, info);
	}
	if (!info->exe[0])
		kident_gone_exe(ki, c, info);
	info->pid = (pid_t)c->tgid;
	return live;
}

void kident_describe_sender(struct kident *ki, const struct kattr_caller *c,
			    struct proc_info *info)
{
	kident_read(ki, c, info, true);
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
	kident_copy_ancestors(dst->ancestors, src->ancestors, src->n_ancestors);
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

/*
 * An entry several processes wrote (a shared UDP socket, each sender
 * updating it in place) may mix one's fields with another's, and so
 * hold a key no single call had: such a caller is read, never kept.
 *
 * XXX Two processes connect()ing one TCP socket at the same instant
 * could mix the entry too, and leave no sender slots to tell.
 */
static bool kident_keyable(const struct kattr_caller *c)
{
	uint64_t me = KATTR_SENDER(c->tgid, c->start_ns);
	int i;

	if (!c->tgid || !c->start_ns || c->senders_lost)
		return false;
	for (i = 0; i < KATTR_MAX_SENDERS; i++)
		if (c->sender[i] && c->sender[i] != me)
			return false;
	return true;
}

void kident_describe(struct kident *ki, const struct kattr_caller *c,
		     struct proc_info *info)
{
	bool keyable = kident_keyable(c);
	struct kident_entry *e;
	struct kident_key k;

	kident_key_of(ki, c, &k);
	e = keyable ? kident_find(ki, &k) : NULL;
	if (e) {
		ki->stats.hits++;
		e->used = ++ki->tick;
		kident_copy(info, &e->info);
		return;
	}
	ki->stats.misses++;
	if (!kident_read(ki, c, info, false) || !keyable) {
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
