// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Who sent it, from the kernel.  cgroup programs at the cgroup2 root run
 * in the caller's context on connect() and on an unconnected UDP
 * sendmsg(): they note the calling thread by socket cookie.  What a packet
 * shows (local port, destination) is noted too, at the point the local
 * port is known -- TCP's connect callback, the UDP sendmsg (autobound
 * before the hook), socket release -- so that a socket already closed
 * when the daemon looks is still found.  They only observe: every
 * program returns 1.
 */
#include <linux/bpf.h>
#include <stdbool.h>

#include <linux/in.h>
#include <linux/types.h>

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "kattr_abi.h"

char LICENSE[] SEC("license") = "GPL";

/* Set by the loader: the daemon's network namespace; 0 sees every one. */
const volatile __u64 target_netns = 0;

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, __u64);
	__type(value, struct kattr_caller);
} by_cookie SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, struct kattr_tuple);
	__type(value, struct kattr_caller);
} by_tuple SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, struct kattr_exec);
} execs SEC(".maps");

/* Kernel structures, only the fields read; CO-RE relocates them. */
typedef struct {
	__u32 val;
} kuid_t;
typedef struct {
	__u32 val;
} kgid_t;

struct cred {
	kuid_t euid;
	kgid_t egid;
} __attribute__((preserve_access_index));

struct task_struct {
	int pid;
	int tgid;
	const struct cred *cred;
	__u64 start_boottime;
	struct task_struct *group_leader;
	struct task_struct *real_parent;
} __attribute__((preserve_access_index));

struct super_block {
	__u32 s_dev;
} __attribute__((preserve_access_index));

struct inode {
	unsigned long i_ino;
	struct super_block *i_sb;
} __attribute__((preserve_access_index));

struct file {
	struct inode *f_inode;
} __attribute__((preserve_access_index));

struct linux_binprm {
	struct file *file;
	const char *interp;
} __attribute__((preserve_access_index));

static __always_inline bool other_netns(__u64 netns)
{
	return target_netns && netns != target_netns;
}

static __always_inline void note_caller(struct kattr_caller *c, __u64 cookie)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	__u64 id = bpf_get_current_pid_tgid();

	__builtin_memset(c, 0, sizeof(*c));
	c->ts_ns = bpf_ktime_get_ns();
	c->noted_ns = c->ts_ns;
	c->start_ns = BPF_CORE_READ(t, group_leader, start_boottime);
	c->cookie = cookie;
	c->tgid = id >> 32;
	c->tid = (__u32)id;
	/* effective ids, as /proc/PID/status and the policy read them */
	c->uid = BPF_CORE_READ(t, cred, euid.val);
	c->gid = BPF_CORE_READ(t, cred, egid.val);
	bpf_get_current_comm(c->comm, sizeof(c->comm));
}

/* ::ffff:a.b.c.d goes out as IPv4: key it so. */
static __always_inline void tuple_addr6(struct kattr_tuple *k, const __u32 a[4])
{
	if (a[0] == 0 && a[1] == 0 && a[2] == bpf_htonl(0xffff)) {
		k->family = 4;
		k->daddr[0] = a[3];
		return;
	}
	k->family = 6;
	k->daddr[0] = a[0];
	k->daddr[1] = a[1];
	k->daddr[2] = a[2];
	k->daddr[3] = a[3];
}

static __always_inline int on_connect(struct bpf_sock_addr *ctx)
{
	struct kattr_caller c;
	__u64 cookie;

	if (other_netns(bpf_get_netns_cookie(ctx)))
		return 1;
	cookie = bpf_get_socket_cookie(ctx);
	note_caller(&c, cookie);
	bpf_map_update_elem(&by_cookie, &cookie, &c, BPF_ANY);
	return 1;
}

SEC("cgroup/connect4")
int nfj_connect4(struct bpf_sock_addr *ctx)
{
	return on_connect(ctx);
}

SEC("cgroup/connect6")
int nfj_connect6(struct bpf_sock_addr *ctx)
{
	return on_connect(ctx);
}

/* An unconnected UDP send: autobound already, so the port is known. */
static __always_inline int on_sendmsg(struct bpf_sock_addr *ctx, bool v6)
{
	struct kattr_tuple k;
	struct kattr_caller c;
	struct bpf_sock *sk = ctx->sk;
	__u64 netns = bpf_get_netns_cookie(ctx);
	__u64 cookie;
	__u32 a[4];

	if (other_netns(netns) || !sk)
		return 1;
	cookie = bpf_get_socket_cookie(ctx);
	note_caller(&c, cookie);
	bpf_map_update_elem(&by_cookie, &cookie, &c, BPF_ANY);
	__builtin_memset(&k, 0, sizeof(k));
	k.netns = netns;
	k.proto = IPPROTO_UDP;
	k.sport = sk->src_port;
	k.dport = bpf_ntohs(ctx->user_port);
	if (v6) {
		a[0] = ctx->user_ip6[0];
		a[1] = ctx->user_ip6[1];
		a[2] = ctx->user_ip6[2];
		a[3] = ctx->user_ip6[3];
		tuple_addr6(&k, a);
	} else {
		k.family = 4;
		k.daddr[0] = ctx->user_ip4;
	}
	if (k.sport)
		bpf_map_update_elem(&by_tuple, &k, &c, BPF_ANY);
	return 1;
}

SEC("cgroup/sendmsg4")
int nfj_sendmsg4(struct bpf_sock_addr *ctx)
{
	return on_sendmsg(ctx, false);
}

SEC("cgroup/sendmsg6")
int nfj_sendmsg6(struct bpf_sock_addr *ctx)
{
	return on_sendmsg(ctx, true);
}

static __always_inline void copy_to_tuple(__u64 cookie, struct kattr_tuple *k)
{
	struct kattr_caller *c = bpf_map_lookup_elem(&by_cookie, &cookie);
	struct kattr_caller copy;

	/* Not seen connecting (its entry evicted from the LRU): an older
	 * socket's entry for this tuple must not name this one's sender. */
	if (!c) {
		bpf_map_delete_elem(&by_tuple, k);
		return;
	}
	copy = *c;
	copy.noted_ns = bpf_ktime_get_ns();
	bpf_map_update_elem(&by_tuple, k, &copy, BPF_ANY);
}

/* TCP has chosen its local port: the SYN's tuple is known. */
SEC("sockops")
int nfj_sockops(struct bpf_sock_ops *ops)
{
	struct kattr_tuple k;
	__u64 netns;
	__u32 a[4];

	if (ops->op != BPF_SOCK_OPS_TCP_CONNECT_CB)
		return 1;
	netns = bpf_get_netns_cookie(ops);
	if (other_netns(netns))
		return 1;
	__builtin_memset(&k, 0, sizeof(k));
	k.netns = netns;
	k.proto = IPPROTO_TCP;
	k.sport = (__u16)ops->local_port;
	k.dport = (__u16)bpf_ntohl(ops->remote_port);
	if (ops->family == 10 /* AF_INET6 */) {
		a[0] = ops->remote_ip6[0];
		a[1] = ops->remote_ip6[1];
		a[2] = ops->remote_ip6[2];
		a[3] = ops->remote_ip6[3];
		tuple_addr6(&k, a);
	} else {
		k.family = 4;
		k.daddr[0] = ops->remote_ip4;
	}
	copy_to_tuple(bpf_get_socket_cookie(ops), &k);
	return 1;
}

/* The executable, named at exec, for a process gone when we look. */
SEC("tp_btf/sched_process_exec")
int BPF_PROG(nfj_exec, struct task_struct *p, int old_pid,
	     struct linux_binprm *bprm)
{
	static const struct kattr_exec zero;
	struct kattr_exec *e;
	__u32 tgid = p->tgid;

	if (bpf_map_update_elem(&execs, &tgid, &zero, BPF_ANY))
		return 0;
	e = bpf_map_lookup_elem(&execs, &tgid);
	if (!e)
		return 0;
	e->start_ns = p->group_leader->start_boottime;
	e->ppid = p->real_parent->tgid;
	e->ino = bprm->file->f_inode->i_ino;
	e->dev = bprm->file->f_inode->i_sb->s_dev;
	bpf_probe_read_kernel_str(e->exe, sizeof(e->exe), bprm->interp);
	return 0;
}

/* A fork runs what its parent exec'd until it execs itself. */
SEC("tp_btf/sched_process_fork")
int BPF_PROG(nfj_fork, struct task_struct *parent, struct task_struct *child)
{
	struct kattr_exec *pe, *e;
	__u32 ptgid = parent->tgid, tgid = child->tgid;

	if (child->pid != child->tgid)
		return 0; /* a thread */
	pe = bpf_map_lookup_elem(&execs, &ptgid);
	if (!pe || bpf_map_update_elem(&execs, &tgid, pe, BPF_ANY))
		return 0;
	e = bpf_map_lookup_elem(&execs, &tgid);
	if (!e)
		return 0;
	e->start_ns = child->start_boottime;
	e->ppid = ptgid;
	return 0;
}
