/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the BPF programs (bpf/nfjudge.bpf.c) and the daemon (src/kattr.c)
 * both read: the layout of the maps' keys and values.  Only fixed-width
 * types, so that both compilers lay them out alike.
 */
#ifndef NFJUDGE_KATTR_ABI_H
#define NFJUDGE_KATTR_ABI_H

#include <linux/types.h>

#define KATTR_COMM_LEN	  16
#define KATTR_EXE_LEN	  512
#define KATTR_MAX_SENDERS 4

/* A sender's slot: its tgid and the low half of its start time. */
#define KATTR_SENDER(tgid, start_ns) (((__u64)(tgid) << 32) | (__u32)(start_ns))

/*
 * The caller of connect() or sendmsg(), as the kernel saw it: the last
 * one.  On a UDP socket (with the socket_sendmsg LSM hook or the
 * sys_enter program) also every process seen sending on it, each set
 * once by compare-and-swap so that a concurrent sender is never lost,
 * and never cleared while the entry lives.  A sender's start (sender_start) is
 * written after its slot and may read 0 for a moment.
 */
struct kattr_caller {
	__u64 ts_ns;	/* bpf_ktime_get_ns() at the call */
	__u64 noted_ns; /* when keyed by tuple (release: later) */
	__u64 start_ns; /* the process's start (boot time ns), 0: unknown */
	__u64 cookie;	/* the socket's cookie */
	__u32 tgid;
	__u32 tid;
	__u32 uid;
	__u32 gid;
	char comm[KATTR_COMM_LEN];
	__u64 sender[KATTR_MAX_SENDERS];       /* KATTR_SENDER(); 0: free */
	__u64 sender_start[KATTR_MAX_SENDERS]; /* boot time ns */
	__u32 senders_lost;		       /* 1: more senders than slots */
	__u32 ppid;			       /* the process's parent, then */
	/*
	 * What the process was at the call, for the daemon's cache of
	 * identities: which exec (the kernel's self_exec_id, one more at
	 * each exec), its parent's (and the parent's start), and which
	 * cgroup (its id on cgroup2).
	 */
	__u64 exec_id;
	__u64 parent_exec_id;
	__u64 parent_start_ns;
	__u64 cgroup_id;
};

/*
 * What an outbound packet shows of its socket, so that one already closed
 * is still found: the local port, the destination, the protocol, in one
 * network namespace.  No source address: an unbound UDP socket has none
 * yet when sendmsg runs.  A v4-mapped IPv6 destination is stored as IPv4,
 * as the packet carries it.  Ports in host order.
 */
struct kattr_tuple {
	__u64 netns;
	__u32 daddr[4]; /* IPv4: daddr[0], the rest 0 */
	__u16 sport;
	__u16 dport;
	__u8 proto;  /* IPPROTO_TCP, IPPROTO_UDP */
	__u8 family; /* 4 or 6 */
	__u8 pad[6];
};

/* The executable a process last exec'd, keyed by tgid. */
struct kattr_exec {
	__u64 start_ns; /* the process's start (boot time ns) */
	__u64 ino; /* the executable file: inode, device (kernel's dev_t) */
	__u32 dev;
	__u32 ppid;
	__u64 exec_id;		 /* the kernel's self_exec_id after that exec */
	char exe[KATTR_EXE_LEN]; /* as exec named it; NUL-terminated */
};

#endif
