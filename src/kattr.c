// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Loading the kernel attribution programs and reading their maps.  Built
 * only with libbpf (configure --enable-bpf); without it kattr_open says
 * so and the daemon attributes through /proc.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/mount.h>
#include <sys/socket.h>

#include "flow.h"
#include "kattr.h"

#ifndef SO_NETNS_COOKIE
#define SO_NETNS_COOKIE 71
#endif
#ifndef SO_COOKIE
#define SO_COOKIE 57
#endif

int kattr_senders(const struct kattr_caller *c, struct kattr_caller *out,
		  size_t max, bool *lost)
{
	uint64_t me = KATTR_SENDER(c->tgid, c->start_ns), s;
	size_t i, n = 1;

	memset(out, 0, max * sizeof(*out));
	out[0].tgid = c->tgid;
	out[0].start_ns = c->start_ns;
	*lost = c->senders_lost != 0;
	for (i = 0; i < KATTR_MAX_SENDERS; i++) {
		s = c->sender[i];
		if (!s || s == me)
			continue;
		if (n == max) {
			*lost = true;
			break;
		}
		out[n].tgid = (uint32_t)(s >> 32);
		/* its start is written after its slot: 0 until then */
		if ((uint32_t)c->sender_start[i] == (uint32_t)s)
			out[n].start_ns = c->sender_start[i];
		n++;
	}
	return (int)n;
}

#ifdef HAVE_BPF

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "nfjudge.skel.h"

#define MOUNTINFO_MAX (256 * 1024)

struct kattr {
	struct nfjudge_bpf *skel;
	int cg_fd;
	int by_cookie_fd;
	int by_tuple_fd;
	int execs_fd;	       /* -1: the exec program did not load */
	bool udp_send;	       /* a program that notes UDP senders runs */
	const char *udp_how;   /* which */
	char udp_why[160];     /* why not */
	char udp_lsm_why[160]; /* why not the LSM hook */
	uint64_t netns;
	char cgroup[4096];
};

/* libbpf's own messages: the last warning is kept for the caller. */
static __thread char kattr_lasterr[256];

static int kattr_print(enum libbpf_print_level level, const char *fmt,
		       va_list ap)
{
	size_t n;

	if (level == LIBBPF_DEBUG)
		return 0;
	vsnprintf(kattr_lasterr, sizeof(kattr_lasterr), fmt, ap);
	n = strlen(kattr_lasterr);
	while (n &&
	       (kattr_lasterr[n - 1] == '\n' || kattr_lasterr[n - 1] == ' '))
		kattr_lasterr[--n] = '\0';
	return 0;
}

static int kattr_read_file(const char *path, char **buf, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	*len = 0;
	*buf = NULL;
	if (fd < 0)
		return -errno;
	*buf = malloc(MOUNTINFO_MAX);
	while (*buf && *len < MOUNTINFO_MAX - 1) {
		n = read(fd, *buf + *len, MOUNTINFO_MAX - 1 - *len);
		if (n <= 0)
			break;
		*len += (size_t)n;
	}
	close(fd);
	return *buf ? 0 : -ENOMEM;
}

static int kattr_find_in(const char *mountinfo, char *out, size_t size)
{
	char mnt[4096];
	char *buf;
	size_t len;
	int err = kattr_read_file(mountinfo, &buf, &len);

	if (err == 0)
		err = kattr_mountinfo_cgroup2(buf, len, mnt, sizeof(mnt));
	free(buf);
	if (err == 0 && (size_t)snprintf(out, size, "%s", mnt) >= size)
		err = -ENAMETOOLONG;
	return err;
}

/* A cgroup2 mount of our own, never attached to any tree. */
static int kattr_private_cgroup(struct kattr *k)
{
	int fs, mnt, err = 0;

	fs = fsopen("cgroup2", FSOPEN_CLOEXEC);
	if (fs < 0)
		return -errno;
	if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0)) {
		close(fs);
		return -errno;
	}
	mnt = fsmount(fs, FSMOUNT_CLOEXEC, 0);
	close(fs);
	if (mnt < 0)
		return -errno;
	/* fsmount's fd is O_PATH, which cgroup attach does not take */
	k->cg_fd = openat(mnt, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (k->cg_fd < 0)
		err = -errno;
	close(mnt);
	snprintf(k->cgroup, sizeof(k->cgroup), "cgroup2 root (private mount)");
	return err;
}

/*
 * The mount in our namespace, if there is one; ip netns exec, for one,
 * mounts a fresh /sys without it, and then a mount of our own.
 */
static int kattr_open_cgroup(struct kattr *k)
{
	if (kattr_find_in("/proc/self/mountinfo", k->cgroup, sizeof(k->cgroup)))
		return kattr_private_cgroup(k);
	k->cg_fd = open(k->cgroup, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return k->cg_fd < 0 ? -errno : 0;
}

static int kattr_netns_cookie(uint64_t *cookie)
{
	socklen_t len = sizeof(*cookie);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int err = 0;

	if (fd < 0)
		return -errno;
	if (getsockopt(fd, SOL_SOCKET, SO_NETNS_COOKIE, cookie, &len))
		err = -errno;
	close(fd);
	return err;
}

static int kattr_attach_cg(struct bpf_program *p, int cg_fd,
			   struct bpf_link **link)
{
	*link = bpf_program__attach_cgroup(p, cg_fd);
	return *link ? 0 : -errno;
}

static int kattr_attach(struct kattr *k)
{
	struct nfjudge_bpf *s = k->skel;
	int err;

	err = kattr_attach_cg(s->progs.nfj_connect4, k->cg_fd,
			      &s->links.nfj_connect4);
	if (!err)
		err = kattr_attach_cg(s->progs.nfj_connect6, k->cg_fd,
				      &s->links.nfj_connect6);
	if (!err)
		err = kattr_attach_cg(s->progs.nfj_sendmsg4, k->cg_fd,
				      &s->links.nfj_sendmsg4);
	if (!err)
		err = kattr_attach_cg(s->progs.nfj_sendmsg6, k->cg_fd,
				      &s->links.nfj_sendmsg6);
	if (!err)
		err = kattr_attach_cg(s->progs.nfj_sockops, k->cg_fd,
				      &s->links.nfj_sockops);
	return err;
}

static int kattr_why(char *why, size_t size, const char *what, int err)
{
	if (kattr_lasterr[0])
		snprintf(why, size, "%s: %s (%s)", what, strerror(-err),
			 kattr_lasterr);
	else
		snprintf(why, size, "%s: %s", what, strerror(-err));
	return err;
}

/* Programs the others do without, dropped in turn if loading fails. */
#define KATTR_NO_LSM  1
#define KATTR_NO_EXEC 2
#define KATTR_NO_SYS  4

static struct nfjudge_bpf *kattr_skel(const struct kattr *k, int without)
{
	struct nfjudge_bpf *s = nfjudge_bpf__open();

	if (!s)
		return NULL;
	s->rodata->target_netns = k->netns;
	if (without & KATTR_NO_LSM)
		bpf_program__set_autoload(s->progs.nfj_udp_send, false);
	if (without & KATTR_NO_SYS)
		bpf_program__set_autoload(s->progs.nfj_sys_send, false);
	if (without & KATTR_NO_EXEC) {
		bpf_program__set_autoload(s->progs.nfj_exec, false);
		bpf_program__set_autoload(s->progs.nfj_fork, false);
	}
	return s;
}

/*
 * Without the exec programs exe comes from /proc only: still exact.
 * Without the LSM hook a connected UDP socket's send() is not seen.
 */
static int kattr_load(struct kattr *k, char *why, size_t size)
{
	static const int tries[] = {
		0,
		KATTR_NO_LSM,
		KATTR_NO_LSM | KATTR_NO_SYS,
		KATTR_NO_EXEC,
		KATTR_NO_EXEC | KATTR_NO_LSM,
		KATTR_NO_EXEC | KATTR_NO_LSM | KATTR_NO_SYS,
	};
	int err = 0;
	size_t i;

	for (i = 0; i < sizeof(tries) / sizeof(tries[0]); i++) {
		nfjudge_bpf__destroy(k->skel);
		k->skel = kattr_skel(k, tries[i]);
		if (!k->skel)
			return kattr_why(why, size, "opening the BPF object",
					 -errno);
		err = nfjudge_bpf__load(k->skel);
		/* what else fails, fails without the optional ones too */
		if (err != -EINVAL && err != -ENOENT && err != -ESRCH &&
		    err != -EOPNOTSUPP && err != -EPERM)
			break;
		if (i == 0)
			snprintf(k->udp_lsm_why, sizeof(k->udp_lsm_why),
				 "the socket_sendmsg LSM program did not "
				 "load: %s",
				 strerror(-err));
	}
	if (err)
		return kattr_why(why, size, "loading the BPF programs", err);
	return 0;
}

/*
 * Whether the hook runs: a send the UDP layer refuses at once (MSG_OOB),
 * after the LSM hook and before any packet, must leave our pid in the
 * socket's entry.  An LSM program attaches even where BPF LSM is not
 * among the active LSMs (lsm= at boot), and then never runs.
 */
static bool kattr_probe_udp(const struct kattr *k)
{
	struct kattr_caller c;
	uint64_t cookie = 0;
	socklen_t len = sizeof(cookie);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	bool ok = false;

	if (fd < 0)
		return false;
	if (getsockopt(fd, SOL_SOCKET, SO_COOKIE, &cookie, &len) == 0 &&
	    send(fd, "", 0, MSG_OOB) < 0 &&
	    bpf_map_lookup_elem(k->by_cookie_fd, &cookie, &c) == 0)
		ok = (c.sender[0] >> 32) == (uint64_t)getpid();
	close(fd);
	return ok;
}

/* Attached and seen to run: true.  Else detached, why in k->udp_why. */
static bool kattr_attach_udp(struct kattr *k, struct bpf_program *p,
			     struct bpf_link **link, const char *what)
{
	if (!bpf_program__autoload(p)) {
		snprintf(k->udp_why, sizeof(k->udp_why), "the %s did not load",
			 what);
		return false;
	}
	*link = bpf_program__attach(p);
	if (!*link) {
		snprintf(k->udp_why, sizeof(k->udp_why),
			 "the %s did not attach: %s", what, strerror(errno));
		return false;
	}
	if (kattr_probe_udp(k))
		return true;
	bpf_link__destroy(*link);
	*link = NULL;
	snprintf(k->udp_why, sizeof(k->udp_why), "the %s does not run", what);
	return false;
}

/*
 * The LSM hook sees every send; the sys_enter program, only where it
 * cannot, the system calls that send on an fd.  An LSM program attaches
 * even where BPF LSM is not among the active LSMs (lsm= at boot), and
 * then never runs: the probe tells.
 */
static void kattr_attach_senders(struct kattr *k)
{
	struct nfjudge_bpf *s = k->skel;

	k->udp_send = kattr_attach_udp(k, s->progs.nfj_udp_send,
				       &s->links.nfj_udp_send,
				       "socket_sendmsg LSM program");
	if (k->udp_send) {
		k->udp_how = "socket_sendmsg LSM hook";
		return;
	}
	if (!k->udp_lsm_why[0])
		snprintf(k->udp_lsm_why, sizeof(k->udp_lsm_why), "%s",
			 k->udp_why);
	k->udp_send =
		kattr_attach_udp(k, s->progs.nfj_sys_send,
				 &s->links.nfj_sys_send, "sys_enter program");
	if (k->udp_send)
		k->udp_how = "sys_enter tracepoint";
}

/* Optional: without them, the exe of a process already gone is unknown. */
static void kattr_attach_exec(struct kattr *k)
{
	struct nfjudge_bpf *s = k->skel;

	k->execs_fd = -1;
	if (!bpf_program__autoload(s->progs.nfj_exec))
		return;
	s->links.nfj_exec = bpf_program__attach(s->progs.nfj_exec);
	s->links.nfj_fork = bpf_program__attach(s->progs.nfj_fork);
	if (s->links.nfj_exec && s->links.nfj_fork)
		k->execs_fd = bpf_map__fd(s->maps.execs);
}

struct kattr *kattr_open(char *why, size_t size)
{
	struct kattr *k = calloc(1, sizeof(*k));
	int err;

	if (!k) {
		snprintf(why, size, "out of memory");
		return NULL;
	}
	k->cg_fd = -1;
	kattr_lasterr[0] = '\0';
	libbpf_set_print(kattr_print);
	err = kattr_netns_cookie(&k->netns);
	if (err) {
		kattr_why(why, size, "the network namespace cookie", err);
		goto fail;
	}
	err = kattr_open_cgroup(k);
	if (err) {
		kattr_why(why, size, "no cgroup2 mount to attach to", err);
		goto fail;
	}
	if (kattr_load(k, why, size))
		goto fail;
	err = kattr_attach(k);
	if (err) {
		kattr_why(why, size, "attaching to the cgroup", err);
		goto fail;
	}
	kattr_attach_exec(k);
	k->by_cookie_fd = bpf_map__fd(k->skel->maps.by_cookie);
	k->by_tuple_fd = bpf_map__fd(k->skel->maps.by_tuple);
	kattr_attach_senders(k);
	return k;
fail:
	kattr_close(k);
	return NULL;
}

void kattr_close(struct kattr *k)
{
	if (!k)
		return;
	nfjudge_bpf__destroy(k->skel);
	if (k->cg_fd >= 0)
		close(k->cg_fd);
	free(k);
}

const char *kattr_cgroup(const struct kattr *k)
{
	return k ? k->cgroup : "";
}

bool kattr_has_exec(const struct kattr *k)
{
	return k && k->execs_fd >= 0;
}

const char *kattr_udp_gap(const struct kattr *k)
{
	if (!k)
		return "no BPF programs";
	return k->udp_send ? NULL : k->udp_why;
}

const char *kattr_udp_how(const struct kattr *k, const char **lsm_why)
{
	*lsm_why = k && k->udp_lsm_why[0] ? k->udp_lsm_why : NULL;
	return k && k->udp_send ? k->udp_how : NULL;
}

static void kattr_tuple_of(const struct kattr *k, const struct flow *f,
			   struct kattr_tuple *t)
{
	memset(t, 0, sizeof(*t));
	t->netns = k->netns;
	t->sport = f->sport;
	t->dport = f->dport;
	t->proto = f->proto;
	t->family = f->ip_version;
	memcpy(t->daddr, f->dst, f->ip_version == 4 ? 4 : 16);
}

int kattr_by_flow(const struct kattr *k, const struct flow *flow,
		  struct kattr_caller *c)
{
	struct kattr_tuple t;

	if (!flow->has_ports ||
	    (flow->proto != IPPROTO_TCP && flow->proto != IPPROTO_UDP))
		return -ENOENT;
	kattr_tuple_of(k, flow, &t);
	return bpf_map_lookup_elem(k->by_tuple_fd, &t, c) ? -ENOENT : 0;
}

int kattr_by_cookie(const struct kattr *k, uint64_t cookie,
		    struct kattr_caller *c)
{
	return bpf_map_lookup_elem(k->by_cookie_fd, &cookie, c) ? -ENOENT : 0;
}

int kattr_exec_of(const struct kattr *k, uint32_t tgid, struct kattr_exec *e)
{
	if (k->execs_fd < 0 || bpf_map_lookup_elem(k->execs_fd, &tgid, e))
		return -ENOENT;
	e->exe[sizeof(e->exe) - 1] = '\0';
	return 0;
}

#else /* !HAVE_BPF */

struct kattr *kattr_open(char *why, size_t size)
{
	snprintf(why, size,
		 "this nfjudge was built without BPF support "
		 "(configure --enable-bpf, libbpf)");
	errno = ENOTSUP;
	return NULL;
}

void kattr_close(struct kattr *k)
{
	(void)k;
}

const char *kattr_cgroup(const struct kattr *k)
{
	(void)k;
	return "";
}

bool kattr_has_exec(const struct kattr *k)
{
	(void)k;
	return false;
}

const char *kattr_udp_gap(const struct kattr *k)
{
	(void)k;
	return "no BPF programs";
}

const char *kattr_udp_how(const struct kattr *k, const char **lsm_why)
{
	(void)k;
	*lsm_why = NULL;
	return NULL;
}

int kattr_by_flow(const struct kattr *k, const struct flow *flow,
		  struct kattr_caller *c)
{
	return -ENOENT;
}

int kattr_by_cookie(const struct kattr *k, uint64_t cookie,
		    struct kattr_caller *c)
{
	return -ENOENT;
}

int kattr_exec_of(const struct kattr *k, uint32_t tgid, struct kattr_exec *e)
{
	return -ENOENT;
}

#endif
