/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFJUDGE_PROC_H
#define NFJUDGE_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define PROC_EXE_MAX	   4096 /* PATH_MAX */
#define PROC_COMM_MAX	   64	/* the kernel's is 16; room for escapes */
#define PROC_CMDLINE_MAX   4096 /* argv, NUL-separated, bounded */
#define PROC_CGROUP_MAX	   1024
#define PROC_USER_MAX	   64
#define PROC_TIME_MAX	   40 /* RFC 3339 with microseconds */
#define PROC_MAX_ANCESTORS 8
#define PROC_MAX_HOLDERS   8  /* holders of a shared socket described */
#define PROCJSON_TAINT_MAX 96 /* a recorded reason, read back */

struct proc_ancestor {
	pid_t pid;
	char exe[PROC_EXE_MAX];
	char comm[PROC_COMM_MAX];
	bool foreign; /* exe is not the file its path names here */
};

/*
 * The identity of the process that owns a flow's socket: what the record's
 * "proc" object holds and what the policy's process matches read.  Fixed
 * size so that filling one per packet allocates nothing.  Strings are NUL
 * terminated and may hold any bytes the system gave (the record escapes
 * them); an empty string means unknown.
 */
struct proc_info {
	pid_t pid;
	pid_t ppid;
	uid_t uid;
	gid_t gid;
	char user[PROC_USER_MAX];
	char exe[PROC_EXE_MAX];
	char exe_sha256[65]; /* of the file it runs, hex; "" when unknown */
	char comm[PROC_COMM_MAX];
	/* argv[0] NUL argv[1] NUL ... : cmdline_len bytes, argc strings */
	char cmdline[PROC_CMDLINE_MAX];
	size_t cmdline_len;
	int argc;
	bool cmdline_truncated;
	char cgroup[PROC_CGROUP_MAX];
	char start_time[PROC_TIME_MAX]; /* RFC 3339 UTC, microseconds */
	bool shared;			/* socket also held by others */
	int n_ancestors;		/* nearest first */
	struct proc_ancestor ancestors[PROC_MAX_ANCESTORS];
	/*
	 * Why exe, comm, cmdline and ancestor rules must not trust this
	 * process (a static string); NULL when they may.
	 */
	const char *tainted;
	char tainted_text[PROCJSON_TAINT_MAX]; /* where a read-back one is */
	/*
	 * A shared socket: n_holders processes hold it, the first n_listed
	 * of them described in holders[] (this one among them), which the
	 * describing source owns until its next look-up.  A process rule
	 * holds only when it holds for every holder, so never when some
	 * are not listed, or when partial: the attribution budget ran out
	 * before every process was looked at.
	 */
	int n_holders;
	int n_listed;
	const struct proc_info *holders;
	bool partial;
};

#endif
