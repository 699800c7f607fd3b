/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFJUDGE_DOCTOR_INT_H
#define NFJUDGE_DOCTOR_INT_H

/*
 * One run of the checks, shared by doctor.c (the chain, sysctls, queues),
 * doctor_procs.c (the processes' capabilities) and doctor_uids.c; and
 * the line cursor of the pure half, doctor_text.c and doctor_compare.c.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "doctor.h"

#define USERNS_DEPTH 33 /* the kernel nests at most 32 */
#define NETLINK_MAX  (256 * 1024)
#define FIX_MAX	     160
#define STATUS_MAX   8192 /* a /proc/PID/status read */

/* A process of the namespace, as the uid check needs it. */
struct member {
	long pid, uid, euid, suid;
	bool daemon; /* nfjudge with capabilities */
	char name[64];
};

struct run {
	const struct doctor_env *env;
	struct doctor_report *r;
	bool chain_ok[2]; /* per family: the chain as install writes it */
	bool v6_on;
	char v6_dev[64]; /* an interface with IPv6 enabled */
	char fix[FIX_MAX];
	uint64_t marker; /* inode of a netlink socket of ours, or 0 */
	/* the user namespaces whose capabilities reach this one; none known:
	 * every capability counts */
	struct stat userns[USERNS_DEPTH];
	size_t n_userns;
	char ns[64]; /* our ns link, "" until the process check read it */
	struct member *members; /* the namespace's processes, for the uids */
	size_t n_members, cap_members;
	struct stat self_exe;
	bool have_exe;
};

/* One thread of a process: rel is "PID/task/TID", or "PID" alone. */
struct task {
	long pid, tid;
	char rel[48];
};

/* root/rel into buf (NUL-terminated): its length, or -errno. */
ssize_t doctor_read_at(const char *root, const char *rel, char *buf,
		       size_t cap);

/* Whether pid runs the file self was stat()ed from. */
bool doctor_same_file(const char *root, long pid, const struct stat *self);

/*
 * A capability counts over this namespace in the user namespace that owns
 * it and in that one's ancestors, not in a child user namespace (unshare
 * -r): the kernel checks ns_capable(net->user_ns, ...).
 */
void doctor_find_userns(struct run *run);

/* Whether the task is in the namespace whose link is ns: 1, 0, -errno. */
int doctor_in_netns(struct run *run, const struct task *t, const char *ns);

/* A /proc entry's name as a pid, or -1. */
long doctor_pid_of(const char *name);

/*
 * A process that shares the daemon's uid can signal it (HUP reloads the
 * policy, from a file the same uid may own) and write what it owns: the
 * daemon is not out of the sandbox's reach.
 */
void doctor_check_uids(struct run *run);

/*
 * For the uid check: the daemon (nfjudge holding capabilities), and the
 * processes without capabilities that reach, which the capability check
 * has not already reported (doctor_procs.c).
 */
void doctor_note_member(struct run *run, const struct task *t,
			const struct doctor_status *st, uint64_t caps,
			const struct stat *self_exe);

/*
 * The capability check of every thread of this namespace; it notes the
 * members doctor_check_uids() compares.
 */
void doctor_check_caps(struct run *run);

/* The line at *p (without its newline) in *len; *p moves past it. */
const char *doctor_next_line(const char **p, size_t *len);

/* Whether the line (s, len) starts with prefix. */
bool doctor_line_starts(const char *s, size_t len, const char *prefix);

#endif
