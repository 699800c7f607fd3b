/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFJUDGE_KATTR_H
#define NFJUDGE_KATTR_H

/*
 * Kernel attribution: BPF programs at the cgroup2 root note who called
 * connect() or sendmsg() on which socket, and what each process exec'd
 * (bpf/nfjudge.bpf.c).  Loaded once at start, while the daemon still has
 * CAP_BPF and CAP_PERFMON; afterwards only map look-ups on the fds kept
 * here, which need no capability.  The maps are shared by every worker:
 * a look-up is one bpf(2) call and safe from any thread.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kattr_abi.h"

struct flow;
struct kattr;

/*
 * Load the programs and attach them at the cgroup2 root (the mount in
 * /proc/self/mountinfo, else a private, detached mount), seeing only callers in
 * the network namespace of the calling thread.  NULL on failure, with why it
 * failed in why.  The programs go away with the last fd: kattr_close, or the
 * process's end.
 */
struct kattr *kattr_open(char *why, size_t size);
void kattr_close(struct kattr *k);

/* The cgroup the programs are attached to ("" before kattr_open). */
const char *kattr_cgroup(const struct kattr *k);

/* Whether the exec program loaded (exe of processes already gone). */
bool kattr_has_exec(const struct kattr *k);

/*
 * NULL when a program notes the sender of each send on a UDP socket (the
 * socket_sendmsg LSM hook, else the sys_enter tracepoint): a socket
 * several processes sent on then says so.  Else why not (a string k
 * owns); then a connected UDP socket's plain send() is credited to
 * whoever connected it.
 */
const char *kattr_udp_gap(const struct kattr *k);

/*
 * Which program notes UDP senders (NULL: none), and why not the LSM
 * hook (*lsm_why, NULL when it runs).
 */
const char *kattr_udp_how(const struct kattr *k, const char **lsm_why);

/*
 * The caller behind an outbound flow, by what the packet shows (local
 * port, destination, protocol, our network namespace).  0, or -ENOENT.
 */
int kattr_by_flow(const struct kattr *k, const struct flow *flow,
		  struct kattr_caller *c);

/* The last caller of connect()/sendmsg() on a socket: 0, or -ENOENT. */
int kattr_by_cookie(const struct kattr *k, uint64_t cookie,
		    struct kattr_caller *c);

/*
 * Who sent on a socket, from its entry: the caller first, then each
 * other process in its sender slots once, into out[0..max-1] (tgid and
 * start_ns only; start_ns 0 while the kernel has not written it yet).
 * Their number, at least 1; *lost when some are not there (more than
 * the slots, or than max >= 1).  Pure.
 */
int kattr_senders(const struct kattr_caller *c, struct kattr_caller *out,
		  size_t max, bool *lost);

/* What process tgid last exec'd: 0, or -ENOENT. */
int kattr_exec_of(const struct kattr *k, uint32_t tgid, struct kattr_exec *e);

/*
 * Where cgroup2 is mounted, from mountinfo text (buf, len bytes): the
 * first cgroup2 mount whose root is "/" (a mount of the whole hierarchy),
 * its mount point unescaped into out.  Pure.  0, -ENOENT when there is
 * none, -ENAMETOOLONG when out is too small, -EINVAL when the mount point
 * is not an absolute path without NUL.
 */
int kattr_mountinfo_cgroup2(const char *buf, size_t len, char *out,
			    size_t size);

#endif
