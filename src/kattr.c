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
	int execs_fd; /* -1: the exec program did not load */
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

/* Without the exec program exe comes from /proc only: still exact. */
static int kattr_load(struct kattr *k, char *why, size_t size)
{
	struct nfjudge_bpf *s;
	int err;

	s = nfjudge_bpf__open();
	if (!s)
		return kattr_why(why, size, "opening the BPF object", -errno);
	k->skel = s;
	s->rodata->target_netns = k->netns;
	err = nfjudge_bpf__load(s);
	if (err == -EINVAL || err == -ENOENT || err == -ESRCH) {
		/* the exec tracepoint alone may be what is missing */
		nfjudge_bpf__destroy(s);
		s = k->skel = nfjudge_bpf__open();
		if (!s)
			return kattr_why(why, size, "opening the BPF object",
					 -errno);
		s->rodata->target_netns = k->netns;
		bpf_program__set_autoload(s->progs.nfj_exec, false);
		bpf_program__set_autoload(s->progs.nfj_fork, false);
		err = nfjudge_bpf__load(s);
	}
	if (err)
		return kattr_why(why, size, "loading the BPF programs", err);
	return 0;
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
