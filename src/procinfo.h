/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFJUDGE_PROCINFO_H
#define NFJUDGE_PROCINFO_H

/*
 * Parsers for the files under /proc/PID, one per file, taking bytes so that
 * each can be tested alone; and the reads that feed them, relative to an
 * open /proc/PID directory so that every file comes from one process even
 * if its pid is reused meanwhile.  Internal to procfs.c.
 */

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct proc_info;

struct procinfo_stat {
	pid_t pid;
	pid_t ppid;
	unsigned long long start; /* field 22: clock ticks after boot */
	char comm[64];
};

/* "pid (comm) state ppid ... starttime ...": 0 or -EBADMSG. */
int procinfo_parse_stat(const char *buf, size_t len, struct procinfo_stat *st);

/* Effective uid and gid from the Uid:/Gid: lines: 0 or -EBADMSG. */
int procinfo_parse_status(const char *buf, size_t len, uid_t *uid, gid_t *gid);

/* The cgroup v2 path ("0::/path"); empty when there is none. */
void procinfo_parse_cgroup(const char *buf, size_t len, char *out, size_t size);

/*
 * Split what was read of /proc/PID/cmdline (len bytes, NUL at buf[len])
 * into info->cmdline, cmdline_len, argc and cmdline_truncated.
 */
void procinfo_set_cmdline(struct proc_info *info, size_t len, bool truncated);

/* RFC 3339 UTC with microseconds for a start time in ticks after boot. */
void procinfo_format_start(long long btime, unsigned long long ticks, long hz,
			   char *out, size_t size);

/*
 * /proc/PID/environ, fed in pieces: does an entry name the dynamic
 * loader's LD_PRELOAD or LD_AUDIT?  Start from a zeroed scan.
 */
struct procinfo_envscan {
	char head[12];
	size_t n; /* bytes of the current entry in head; > sizeof: past it */
	bool found;
};
void procinfo_env_feed(struct procinfo_envscan *s, const char *buf, size_t len);

/* One line of /proc/PID/maps, without its newline. */
struct procinfo_map {
	bool exec;
	dev_t dev;
	unsigned long long inode; /* 0: anonymous, [vdso] and the like */
	const char *path;	  /* into the line; "" when none */
	size_t path_len;
};
/* 0 or -EBADMSG. */
int procinfo_parse_maps_line(const char *line, size_t len,
			     struct procinfo_map *m);

/*
 * Read at most size - 1 bytes of dirfd/name into buf and NUL-terminate it;
 * *truncated tells whether the file holds more.  0 or -errno.
 */
int procinfo_read(int dirfd, const char *name, char *buf, size_t size,
		  size_t *len, bool *truncated);

/* readlinkat into buf, NUL-terminated; empty and -errno on failure. */
int procinfo_readlink(int dirfd, const char *name, char *buf, size_t size);

#endif
