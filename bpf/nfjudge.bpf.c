// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Who sent it, from the kernel.  cgroup programs at the cgroup2 root run
 * in the caller's context on connect() and on an unconnected UDP
 * sendmsg(): they note the calling thread by socket cookie.  What a packet
 * shows (local port, destination) is noted too, at the point the local
 * port is known -- TCP's connect callback, the UDP sendmsg (autobound
 * before the hook), socket release -- so that a socket already closed
 * when the daemon looks is still found.  A connected UDP socket's plain
 * send() or write() runs no cgroup program: the socket_sendmsg LSM hook
 * (where BPF LSM is active), else the sys_enter tracepoint, notes its
 * sender, and every process that ever sent on the socket, so that a
 * socket shared over fork or SCM_RIGHTS says so.  They only observe:
 * every program lets the call go on.
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

struct file;

struct fdtable {
	unsigned int max_fds;
	struct file **fd;
} __attribute__((preserve_access_index));

struct files_struct {
	struct fdtable *fdt;
} __attribute__((preserve_access_index));

struct task_struct {
	int pid;
	int tgid;
	struct files_struct *files;
	const struct cred *cred;
	__u64 start_boottime;
	__u64 self_exec_id; /* 64 bits since Linux 5.7 */
	struct task_struct *group_leader;
	struct task_struct *real_parent;
} __attribute__((preserve_access_index));

struct super_block {
	__u32 s_dev;
} __attribute__((preserve_access_index));

struct inode {
	unsigned short i_mode;
	unsigned long i_ino;
	struct super_block *i_sb;
} __attribute__((preserve_access_index));

struct file {
	struct inode *f_inode;
	void *private_data;
} __attribute__((preserve_access_index));

struct net {
	__u64 net_cookie;
} __attribute__((preserve_access_index));

struct sock_common {
	unsigned short skc_family;
	struct {
		__s64 counter;
	} skc_cookie;
	struct {
		struct net *net;
	} skc_net;
} __attribute__((preserve_access_index));

struct sock {
	struct sock_common __sk_common;
	__u16 sk_type;
	__u16 sk_protocol;
} __attribute__((preserve_access_index));

struct socket {
	struct file *file;
	struct sock *sk;
} __attribute__((preserve_access_index));

/* x86-64 only: elsewhere the field is missing and the program does not
 * load, which the loader takes as "no sys_enter program". */
struct pt_regs {
	unsigned long di;
	unsigned long dx;
} __attribute__((preserve_access_index));

struct msghdr;

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
	/* an exec's threads are gone: the leader's is every thread's */
	c->exec_id = BPF_CORE_READ(t, group_leader, self_exec_id);
	c->ppid = BPF_CORE_READ(t, group_leader, real_parent, tgid);
	c->parent_exec_id =
		BPF_CORE_READ(t, group_leader, real_parent, self_exec_id);
	/* real_parent is the thread that forked: its process's start */
	c->parent_start_ns = BPF_CORE_READ(t, group_leader, real_parent,
					   group_leader, start_boottime);
	c->cgroup_id = bpf_get_current_cgroup_id();
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

/*
 * The socket's entry names the caller now.  An entry already there is
 * changed in place, field by field, so that its senders stay: a caller
 * on another CPU may mix its fields in, which the senders then show.
 */
static __always_inline struct kattr_caller *
set_caller(__u64 cookie, const struct kattr_caller *now)
{
	struct kattr_caller *c = bpf_map_lookup_elem(&by_cookie, &cookie);

	if (!c) {
		bpf_map_update_elem(&by_cookie, &cookie, now, BPF_NOEXIST);
		return bpf_map_lookup_elem(&by_cookie, &cookie);
	}
	c->ts_ns = now->ts_ns;
	c->noted_ns = now->noted_ns;
	c->start_ns = now->start_ns;
	c->tgid = now->tgid;
	c->tid = now->tid;
	c->uid = now->uid;
	c->gid = now->gid;
	c->ppid = now->ppid;
	c->exec_id = now->exec_id;
	c->parent_exec_id = now->parent_exec_id;
	c->parent_start_ns = now->parent_start_ns;
	c->cgroup_id = now->cgroup_id;
	__builtin_memcpy(c->comm, now->comm, sizeof(c->comm));
	return c;
}

/* Once per process: a free slot taken, or its own found. */
static __always_inline void add_sender(struct kattr_caller *c, __u64 me,
				       __u64 start_ns)
{
	__u64 old;
	int i;

	for (i = 0; i < KATTR_MAX_SENDERS; i++) {
		old = __sync_val_compare_and_swap(&c->sender[i], 0, me);
		if (old == 0) {
			c->sender_start[i] = start_ns;
			return;
		}
		if (old == me)
			return;
	}
	c->senders_lost = 1;
}

static __always_inline int on_connect(struct bpf_sock_addr *ctx)
{
	struct kattr_caller c;
	__u64 cookie;

	if (other_netns(bpf_get_netns_cookie(ctx)))
		return 1;
	cookie = bpf_get_socket_cookie(ctx);
	note_caller(&c, cookie);
	set_caller(cookie, &c);
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

/*
 * An unconnected UDP send: autobound already, so the port is known.  The
 * entry copied to the tuple holds this sender among the socket's.
 */
static __always_inline int on_sendmsg(struct bpf_sock_addr *ctx, bool v6)
{
	struct kattr_tuple k;
	struct kattr_caller c, *e;
	struct bpf_sock *sk = ctx->sk;
	__u64 netns = bpf_get_netns_cookie(ctx);
	__u64 cookie;
	__u32 a[4];

	if (other_netns(netns) || !sk)
		return 1;
	cookie = bpf_get_socket_cookie(ctx);
	note_caller(&c, cookie);
	e = set_caller(cookie, &c);
	if (e) {
		/* the sys_enter program may have found no cookie yet */
		add_sender(e, KATTR_SENDER(c.tgid, c.start_ns), c.start_ns);
		__builtin_memcpy(c.sender, e->sender, sizeof(c.sender));
		__builtin_memcpy(c.sender_start, e->sender_start,
				 sizeof(c.sender_start));
		c.senders_lost = e->senders_lost;
	}
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

/* A send on UDP socket cookie, by the calling thread. */
static __always_inline void note_udp_sender(__u64 cookie)
{
	struct kattr_caller now, *c;

	note_caller(&now, cookie);
	c = set_caller(cookie, &now);
	if (c)
		add_sender(c, KATTR_SENDER(now.tgid, now.start_ns),
			   now.start_ns);
}

static __always_inline bool udp_in_netns(struct sock *sk)
{
	unsigned short family;

	if (BPF_CORE_READ(sk, sk_protocol) != IPPROTO_UDP)
		return false;
	family = BPF_CORE_READ(sk, __sk_common.skc_family);
	if (family != 2 /* AF_INET */ && family != 10 /* AF_INET6 */)
		return false;
	return !other_netns(
		BPF_CORE_READ(sk, __sk_common.skc_net.net, net_cookie));
}

/*
 * Every send on a UDP socket, connected or not, in the sender's context:
 * the one place a plain send() or write() on a connected socket is seen.
 * Everything else leaves at the first test.
 */
SEC("lsm/socket_sendmsg")
int BPF_PROG(nfj_udp_send, struct socket *sock, struct msghdr *msg, int size)
{
	struct sock *sk = sock->sk;

	if (!sk || !udp_in_netns(sk))
		return 0;
	note_udp_sender(bpf_get_socket_cookie(sk));
	return 0;
}

/* x86-64 system calls that send on the fd they name. */
#define SYS_write    1
#define SYS_writev   20
#define SYS_sendfile 40
#define SYS_sendto   44
#define SYS_sendmsg  46
#define SYS_splice   275
#define SYS_sendmmsg 307
#define SYS_pwritev2 328
#define S_IFMT_	     0170000
#define S_IFSOCK_    0140000

static __always_inline bool sends_on_fd(long id)
{
	return id == SYS_write || id == SYS_writev || id == SYS_sendto ||
	       id == SYS_sendmsg || id == SYS_sendmmsg || id == SYS_pwritev2 ||
	       id == SYS_sendfile || id == SYS_splice;
}

/* The socket behind fd in the calling process, NULL if it is none. */
static __always_inline struct sock *sock_of_fd(unsigned long fd)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	struct fdtable *fdt = BPF_CORE_READ(t, files, fdt);
	struct file *f = NULL, **fds;
	struct socket *sock;

	if (!fdt || fd >= BPF_CORE_READ(fdt, max_fds))
		return NULL;
	fds = BPF_CORE_READ(fdt, fd);
	if (bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]) || !f)
		return NULL;
	if ((BPF_CORE_READ(f, f_inode, i_mode) & S_IFMT_) != S_IFSOCK_)
		return NULL;
	sock = BPF_CORE_READ(f, private_data);
	/* an O_PATH file of a socket inode has no socket of its own */
	if (!sock || BPF_CORE_READ(sock, file) != f)
		return NULL;
	return BPF_CORE_READ(sock, sk);
}

/*
 * Where the LSM hook cannot run (BPF LSM not active, or no trampolines):
 * the same note at the entry of the system calls that send on an fd.
 * Every system call passes here; all but those leave at the first test.
 * A socket's cookie is read, not made: one that has none yet (never
 * connected while we ran) is left to the daemon's other ways.
 *
 * XXX Sends that make no system call on the fd (io_uring) are not seen.
 */
SEC("tp_btf/sys_enter")
int BPF_PROG(nfj_sys_send, struct pt_regs *regs, long id)
{
	struct sock *sk;
	__u64 cookie;

	if (!sends_on_fd(id))
		return 0;
	sk = sock_of_fd(id == SYS_splice ? regs->dx : regs->di);
	if (!sk || !udp_in_netns(sk))
		return 0;
	cookie = BPF_CORE_READ(sk, __sk_common.skc_cookie.counter);
	if (cookie)
		note_udp_sender(cookie);
	return 0;
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
	e->exec_id = p->self_exec_id; /* already counted this exec */
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
	e->exec_id = child->self_exec_id; /* its parent's, copied */
	return 0;
}
