// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Live attribution against the running kernel.  Run by attr-live.sh inside
 * a network namespace of its own, where lo carries 10.77.0.1 and
 * fd00:77::1 and (NFJ_SYN_DROP=1) TCP SYNs to port 9 are dropped.  Every
 * packet stays inside that namespace.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <linux/inet_diag.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <libmnl/libmnl.h>
#include <linux/sock_diag.h>

#include "attr.h"
#include "flow.h"
#include "policy.h"
#include "proc.h"
#include "procfs.h"
#include "sockdiag.h"

#define V4	  "10.77.0.1"
#define V6	  "fd00:77::1"
#define DROP_PORT 9 /* SYNs dropped by the namespace's iptables */

static struct sockdiag *sd;
static struct procfs *pfs;
static struct proc_info info;

/* --- sockets -------------------------------------------------------------- */

static int family_of(const char *addr)
{
	return strchr(addr, ':') ? AF_INET6 : AF_INET;
}

static socklen_t mkaddr(struct sockaddr_storage *ss, const char *addr,
			uint16_t port)
{
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (family_of(addr) == AF_INET) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons(port);
		assert_int_equal(inet_pton(AF_INET, addr, &a4->sin_addr), 1);
		return sizeof(*a4);
	}
	a6->sin6_family = AF_INET6;
	a6->sin6_port = htons(port);
	assert_int_equal(inet_pton(AF_INET6, addr, &a6->sin6_addr), 1);
	return sizeof(*a6);
}

static uint16_t local_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	assert_int_equal(getsockname(fd, (struct sockaddr *)&ss, &len), 0);
	if (ss.ss_family == AF_INET)
		return ntohs(((struct sockaddr_in *)&ss)->sin_port);
	return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
}

static uint32_t inode_of(int fd)
{
	struct stat st;

	assert_int_equal(fstat(fd, &st), 0);
	return (uint32_t)st.st_ino;
}

static int bound_socket(int family, int type, const char *addr, uint16_t port)
{
	struct sockaddr_storage ss;
	socklen_t len = mkaddr(&ss, addr, port);
	int one = 1;
	int fd = socket(family, type, 0);

	assert_true(fd >= 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	assert_int_equal(bind(fd, (struct sockaddr *)&ss, len), 0);
	return fd;
}

static int tcp_listener(const char *addr, uint16_t *port)
{
	int fd = bound_socket(family_of(addr), SOCK_STREAM, addr, 0);

	assert_int_equal(listen(fd, 16), 0);
	*port = local_port(fd);
	return fd;
}

/* connect from a socket of family fam (AF_INET6 may reach a v4 address) */
static int connect_from(int fam, int type, const char *addr, uint16_t port,
			bool nonblock)
{
	struct sockaddr_storage ss;
	socklen_t len = mkaddr(&ss, addr, port);
	int fd = socket(fam, type | (nonblock ? SOCK_NONBLOCK : 0), 0);
	int r;

	assert_true(fd >= 0);
	r = connect(fd, (struct sockaddr *)&ss, len);
	assert_true(r == 0 || (nonblock && errno == EINPROGRESS));
	return fd;
}

static int connect_to(int type, const char *addr, uint16_t port)
{
	return connect_from(family_of(addr), type, addr, port, false);
}

static struct flow mkflow(int proto, const char *src, uint16_t sport,
			  const char *dst, uint16_t dport)
{
	struct flow f;

	memset(&f, 0, sizeof(f));
	f.ip_version = family_of(src) == AF_INET ? 4 : 6;
	assert_int_equal(inet_pton(family_of(src), src, f.src), 1);
	assert_int_equal(inet_pton(family_of(dst), dst, f.dst), 1);
	f.sport = sport;
	f.dport = dport;
	f.proto = (uint8_t)proto;
	f.has_ports = true;
	return f;
}

/* The flow of a connected socket's first packet. */
static struct flow flow_of(int fd, int proto, const char *addr, uint16_t dport)
{
	return mkflow(proto, addr, local_port(fd), addr, dport);
}

/* Lookup must find fd's socket, and procfs the given pid. */
static void expect_owner(const struct flow *f, uint32_t ifindex, int fd,
			 pid_t pid, struct sockdiag_result *res)
{
	assert_int_equal(sockdiag_lookup(sd, f, ifindex, res), 0);
	assert_int_equal(res->inode, inode_of(fd));
	assert_int_equal(procfs_lookup(pfs, res->inode, &info), 0);
	assert_int_equal(info.pid, pid);
}

/* --- TCP ------------------------------------------------------------------ */

static void tcp_established(const char *addr)
{
	struct sockdiag_result res;
	struct flow f;
	uint16_t port;
	int l = tcp_listener(addr, &port);
	int c = connect_to(SOCK_STREAM, addr, port);

	f = flow_of(c, IPPROTO_TCP, addr, port);
	expect_owner(&f, 0, c, getpid(), &res);
	assert_int_equal(res.state, TCP_ESTABLISHED);
	assert_int_equal(res.uid, 0);
	assert_int_equal(res.family, family_of(addr));
	assert_false(res.mapped);
	assert_false(info.shared);
	/* From the listener's port: the kernel offers the listener. */
	f = mkflow(IPPROTO_TCP, addr, port, addr, 1);
	assert_int_equal(sockdiag_lookup(sd, &f, 0, &res), -ENOENT);
	close(c);
	close(l);
}

static void test_tcp4_established(void **state)
{
	tcp_established(V4);
}

static void test_tcp6_established(void **state)
{
	tcp_established(V6);
}

static void syn_drop_required(void)
{
	const char *s = getenv("NFJ_SYN_DROP");

	if (!s || strcmp(s, "1"))
		skip();
}

static void test_tcp_syn_sent(void **state)
{
	struct sockdiag_result res;
	struct flow f;
	int c;

	syn_drop_required();
	c = connect_from(AF_INET, SOCK_STREAM, V4, DROP_PORT, true);
	f = flow_of(c, IPPROTO_TCP, V4, DROP_PORT);
	expect_owner(&f, 0, c, getpid(), &res);
	assert_int_equal(res.state, TCP_SYN_SENT);
	close(c);
}

/* An AF_INET6 socket that talks IPv4 is found as ::ffff:10.77.0.1. */
static void test_tcp_dual_stack(void **state)
{
	struct sockdiag_result res;
	struct flow f;
	uint16_t port;
	int l = tcp_listener(V4, &port);
	int c = connect_from(AF_INET6, SOCK_STREAM, "::ffff:" V4, port, false);

	f = flow_of(c, IPPROTO_TCP, V4, port);
	expect_owner(&f, 0, c, getpid(), &res);
	assert_true(res.mapped);
	assert_int_equal(res.family, AF_INET6);
	close(c);
	close(l);
}

/* SO_BINDTODEVICE: the lookup needs the device, as NFQUEUE's outdev. */
static void test_tcp_bound_device(void **state)
{
	struct sockdiag_result res;
	struct sockaddr_storage ss;
	struct flow f;
	uint16_t port;
	uint32_t lo = if_nametoindex("lo");
	int l = tcp_listener(V4, &port);
	int c = socket(AF_INET, SOCK_STREAM, 0);
	socklen_t len = mkaddr(&ss, V4, port);

	assert_true(lo > 0);
	assert_int_equal(setsockopt(c, SOL_SOCKET, SO_BINDTODEVICE, "lo", 3),
			 0);
	assert_int_equal(connect(c, (struct sockaddr *)&ss, len), 0);
	f = flow_of(c, IPPROTO_TCP, V4, port);
	assert_int_equal(sockdiag_lookup(sd, &f, 0, &res), -ENOENT);
	expect_owner(&f, lo, c, getpid(), &res);
	assert_int_equal(res.ifindex, lo);
	close(c);
	close(l);
}

/* Actively closed: TIME_WAIT says uid 0, inode 0 -- unknown, not root. */
static void test_tcp_time_wait(void **state)
{
	struct sockdiag_result res;
	struct flow f;
	uint16_t port;
	int l = tcp_listener(V4, &port);
	int c = connect_to(SOCK_STREAM, V4, port);
	int s = accept(l, NULL, NULL);
	char b;

	assert_true(s >= 0);
	f = flow_of(c, IPPROTO_TCP, V4, port);
	close(c);
	assert_int_equal(read(s, &b, 1), 0);
	close(s);
	usleep(20000);
	assert_int_equal(sockdiag_lookup(sd, &f, 0, &res), -ENOENT);
	close(l);
}

/* --- UDP ------------------------------------------------------------------ */

static void udp_connected(const char *addr)
{
	struct sockdiag_result res;
	struct flow f;
	int srv = bound_socket(family_of(addr), SOCK_DGRAM, addr, 0);
	uint16_t port = local_port(srv);
	int c = connect_to(SOCK_DGRAM, addr, port);

	assert_int_equal(send(c, "x", 1, 0), 1);
	f = flow_of(c, IPPROTO_UDP, addr, port);
	expect_owner(&f, 0, c, getpid(), &res);
	assert_int_equal(res.state, TCP_ESTABLISHED);
	assert_false(res.wildcard);
	close(c);
	close(srv);
}

static void test_udp4_connected(void **state)
{
	udp_connected(V4);
}

static void test_udp6_connected(void **state)
{
	udp_connected(V6);
}

static void udp_unconnected(const char *addr, int fam)
{
	struct sockdiag_result res;
	struct sockaddr_storage ss;
	struct flow f;
	int srv = bound_socket(family_of(addr), SOCK_DGRAM, addr, 0);
	uint16_t port = local_port(srv);
	int c = socket(fam, SOCK_DGRAM, 0);
	socklen_t len;

	len = mkaddr(&ss,
		     fam == AF_INET6 && family_of(addr) == AF_INET
			     ? "::ffff:" V4
			     : addr,
		     port);
	assert_int_equal(sendto(c, "x", 1, 0, (struct sockaddr *)&ss, len), 1);
	f = flow_of(c, IPPROTO_UDP, addr, port);
	expect_owner(&f, 0, c, getpid(), &res);
	assert_int_equal(res.state, TCP_CLOSE);
	assert_int_equal(res.mapped, fam != family_of(addr));
	/* the kernel's lookup takes an unset peer as a wildcard: no retry */
	assert_false(res.wildcard);
	close(c);
	close(srv);
}

static void test_udp4_unconnected(void **state)
{
	udp_unconnected(V4, AF_INET);
}

static void test_udp6_unconnected(void **state)
{
	udp_unconnected(V6, AF_INET6);
}

static void test_udp_dual_stack(void **state)
{
	udp_unconnected(V4, AF_INET6);
}

static void orient(struct inet_diag_req_v2 *req, const struct flow *f,
		   bool remote_in_src)
{
	struct inet_diag_sockid *id = &req->id;

	memset(req, 0, sizeof(*req));
	req->sdiag_family = AF_INET;
	req->sdiag_protocol = IPPROTO_UDP;
	req->idiag_states = ~0U;
	id->idiag_cookie[0] = id->idiag_cookie[1] = INET_DIAG_NOCOOKIE;
	memcpy(remote_in_src ? id->idiag_dst : id->idiag_src, f->src, 4);
	memcpy(remote_in_src ? id->idiag_src : id->idiag_dst, f->dst, 4);
	id->idiag_sport = htons(remote_in_src ? f->dport : f->sport);
	id->idiag_dport = htons(remote_in_src ? f->sport : f->dport);
}

/*
 * Send req as it is; parse the answer as if its src were the local end
 * (the way ss(8) and TCP read it), so that the parser's own orientation
 * cannot hide what the kernel returned.
 */
static int raw_query(const struct inet_diag_req_v2 *req,
		     struct sockdiag_result *res)
{
	struct inet_diag_req_v2 as_local = *req;
	char buf[8192];
	struct mnl_socket *nl = mnl_socket_open(NETLINK_SOCK_DIAG);
	struct nlmsghdr *nlh;
	ssize_t n;

	assert_non_null(nl);
	assert_int_equal(mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID), 0);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	nlh->nlmsg_seq = 1;
	memcpy(mnl_nlmsg_put_extra_header(nlh, sizeof(*req)), req,
	       sizeof(*req));
	assert_true(mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) > 0);
	n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
	assert_true(n > 0);
	mnl_socket_close(nl);
	as_local.sdiag_protocol = IPPROTO_TCP;
	return sockdiag_parse(buf, (size_t)n, 1, 0, &as_local, res);
}

/*
 * Which way round does the kernel want a UDP request?  Nothing listens at
 * the destination port, so only one orientation can find the socket.
 */
static void test_udp_orientation(void **state)
{
	struct inet_diag_req_v2 req;
	struct sockdiag_result res;
	struct flow f;
	int c = connect_to(SOCK_DGRAM, V4, 7);

	f = flow_of(c, IPPROTO_UDP, V4, 7);
	/* local end in src, as for TCP: the kernel finds nothing */
	orient(&req, &f, false);
	assert_int_equal(raw_query(&req, &res), -ENOENT);
	/* remote end in src: found, and sockdiag_query agrees */
	orient(&req, &f, true);
	assert_int_equal(sockdiag_query(sd, &req, &res), 0);
	assert_int_equal(res.inode, inode_of(c));
	close(c);
}

/* --- processes ------------------------------------------------------------ */

static void wait_readable(int fd)
{
	char b;

	assert_int_equal(read(fd, &b, 1), 1);
}

static void reap(pid_t pid)
{
	int status;

	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
}

/* fork(), with a child that cannot outlive a test that failed early */
static pid_t fork_child(void)
{
	pid_t parent = getpid(), pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(1);
	}
	return pid;
}

/* A child that keeps the fds it inherited until killed. */
static pid_t fork_holder(int ready)
{
	pid_t pid = fork_child();

	if (pid == 0) {
		assert_int_equal(write(ready, "r", 1), 1);
		pause();
		_exit(0);
	}
	return pid;
}

/* After fork both hold it: the newer (the child) is named, shared. */
static void test_fork_shared(void **state)
{
	struct sockdiag_result res;
	struct flow f;
	int p[2], c = connect_to(SOCK_DGRAM, V4, 7);
	pid_t child;

	assert_int_equal(pipe(p), 0);
	child = fork_holder(p[1]);
	wait_readable(p[0]);
	assert_int_equal(send(c, "x", 1, 0), 1);
	f = flow_of(c, IPPROTO_UDP, V4, 7);
	expect_owner(&f, 0, c, child, &res);
	assert_true(info.shared);
	reap(child);
	close(p[0]);
	close(p[1]);
	close(c);
}

/*
 * The older of two holders (parent and child) is blocked in connect() on
 * the socket: it is the one named, though the other started later.
 */
static void test_shared_in_connect(void **state)
{
	struct sockaddr_storage ss;
	struct sockdiag_result res;
	struct flow f;
	socklen_t len = mkaddr(&ss, V4, DROP_PORT);
	int p[2], c = socket(AF_INET, SOCK_STREAM, 0);
	pid_t conn;

	syn_drop_required();
	assert_int_equal(pipe(p), 0);
	conn = fork_child();
	if (conn == 0) {
		/* a newer holder (our child, killed with us), then connect */
		fork_holder(p[1]);
		connect(c, (struct sockaddr *)&ss, len);
		_exit(0);
	}
	wait_readable(p[0]);
	while (local_port(c) == 0)
		usleep(1000);
	usleep(20000); /* let it reach the wait inside connect() */
	f = flow_of(c, IPPROTO_TCP, V4, DROP_PORT);
	close(c);
	assert_int_equal(sockdiag_lookup(sd, &f, 0, &res), 0);
	assert_int_equal(procfs_lookup(pfs, res.inode, &info), 0);
	assert_int_equal(info.pid, conn);
	assert_true(info.shared);
	reap(conn);
	close(p[0]);
	close(p[1]);
}

/* A socket made by nobody is nobody's, not root's. */
static void test_nobody(void **state)
{
	struct sockdiag_result res;
	struct flow f;
	int p[2];
	uint16_t port;
	pid_t child;

	assert_int_equal(pipe(p), 0);
	child = fork_child();
	if (child == 0) {
		int c;

		if (setgid(65534) || setuid(65534))
			_exit(1);
		/* a change of credentials clears the parent-death signal */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		c = connect_to(SOCK_DGRAM, V4, 7);
		port = local_port(c);
		if (send(c, "x", 1, 0) != 1 ||
		    write(p[1], &port, sizeof(port)) != sizeof(port))
			_exit(1);
		pause();
		_exit(0);
	}
	assert_int_equal(read(p[0], &port, sizeof(port)), sizeof(port));
	f = mkflow(IPPROTO_UDP, V4, port, V4, 7);
	assert_int_equal(sockdiag_lookup(sd, &f, 0, &res), 0);
	assert_int_equal(res.uid, 65534);
	assert_int_equal(procfs_lookup(pfs, res.inode, &info), 0);
	assert_int_equal(info.pid, child);
	assert_int_equal(info.uid, 65534);
	assert_int_equal(info.gid, 65534);
	reap(child);
	close(p[0]);
	close(p[1]);
}

/*
 * A process seen in another network namespace that then joins ours, as
 * `ip netns exec` does between its fork and its exec, is still found: the
 * namespace is asked anew on every scan, never remembered.
 */
static void moved_child(int ours, int go, int rep)
{
	uint16_t port;
	char b;
	int c;

	if (unshare(CLONE_NEWNET) || write(rep, "u", 1) != 1)
		_exit(1);
	if (read(go, &b, 1) != 1 || setns(ours, CLONE_NEWNET))
		_exit(1);
	c = connect_to(SOCK_DGRAM, V4, 7);
	port = local_port(c);
	if (send(c, "x", 1, 0) != 1 ||
	    write(rep, &port, sizeof(port)) != sizeof(port))
		_exit(1);
	pause();
	_exit(0);
}

static void test_moved_netns(void **state)
{
	int go[2], rep[2], c, ours = open("/proc/self/ns/net", O_RDONLY);
	struct sockdiag_result res;
	uint16_t port;
	struct flow f;
	pid_t child;

	assert_true(ours >= 0);
	assert_int_equal(pipe(go), 0);
	assert_int_equal(pipe(rep), 0);
	child = fork_child();
	if (child == 0)
		moved_child(ours, go[0], rep[1]);
	wait_readable(rep[0]);
	/* A scan while the child is elsewhere: it passes the child by. */
	c = connect_to(SOCK_DGRAM, V4, 7);
	assert_int_equal(send(c, "x", 1, 0), 1);
	f = flow_of(c, IPPROTO_UDP, V4, 7);
	expect_owner(&f, 0, c, getpid(), &res);
	/* Now it joins us and sends. */
	assert_int_equal(write(go[1], "g", 1), 1);
	assert_int_equal(read(rep[0], &port, sizeof(port)), sizeof(port));
	f = mkflow(IPPROTO_UDP, V4, port, V4, 7);
	assert_int_equal(sockdiag_lookup(sd, &f, 0, &res), 0);
	assert_int_equal(procfs_lookup(pfs, res.inode, &info), 0);
	assert_int_equal(info.pid, child);
	reap(child);
	close(c);
	close(ours);
	close(go[0]);
	close(go[1]);
	close(rep[0]);
	close(rep[1]);
}

struct thread_sock {
	int fd;
	uint16_t port;
	int ready[2];
	int done[2];
};

/* A thread with a table of its own: its socket is in no /proc/PID/fd. */
static void *thread_own_table(void *arg)
{
	struct thread_sock *ts = arg;
	char b;

	if (unshare(CLONE_FILES) == 0) {
		ts->fd = connect_to(SOCK_DGRAM, V4, 7);
		ts->port = local_port(ts->fd);
		if (send(ts->fd, "x", 1, 0) != 1)
			ts->fd = -1;
	}
	if (write(ts->ready[1], "r", 1) != 1 || read(ts->done[0], &b, 1) < 0)
		return NULL;
	close(ts->fd);
	return NULL;
}

static void test_thread_own_table(void **state)
{
	struct thread_sock ts = {.fd = -1};
	struct sockdiag_result res;
	struct flow f;
	pthread_t t;

	assert_int_equal(pipe(ts.ready), 0);
	assert_int_equal(pipe(ts.done), 0);
	assert_int_equal(pthread_create(&t, NULL, thread_own_table, &ts), 0);
	wait_readable(ts.ready[0]);
	assert_true(ts.fd >= 0);
	f = mkflow(IPPROTO_UDP, V4, ts.port, V4, 7);
	assert_int_equal(sockdiag_lookup(sd, &f, 0, &res), 0);
	assert_int_equal(procfs_lookup(pfs, res.inode, &info), 0);
	assert_int_equal(info.pid, getpid());
	assert_int_equal(write(ts.done[1], "d", 1), 1);
	pthread_join(t, NULL);
}

/* --- who may pass as curl ------------------------------------------------- */

#define CURL "/usr/bin/curl"

static void diag_print(void *ctx, const char *msg)
{
	(void)ctx;
	print_error("%s\n", msg);
}

/* The rule that decides info's flow under "accept exe curl". */
static const char *curl_rule(const struct flow *f)
{
	static const char text[] = "accept exe " CURL " name curl\n";
	struct policy_parse_opts o = {.diag = diag_print};
	struct policy *pol = policy_parse(text, strlen(text), "t.conf", &o);
	struct policy_input in = {.flow = f, .proc = &info};
	struct policy_decision d;
	static char rule[32];

	assert_non_null(pol);
	policy_decide(pol, &in, &d);
	snprintf(rule, sizeof(rule), "%s", d.rule);
	policy_free(pol);
	return rule;
}

/* The rule that decides under "accept exe-sha256 (curl's digest)". */
static const char *curl_sha_rule(const struct flow *f)
{
	char text[128], hex[65] = "";
	struct policy_parse_opts o = {.diag = diag_print};
	struct policy_input in = {.flow = f, .proc = &info};
	struct policy_decision d;
	struct policy *pol;
	static char rule[32];
	FILE *p = popen("sha256sum " CURL, "r");

	assert_non_null(p);
	assert_int_equal(fscanf(p, "%64s", hex), 1);
	pclose(p);
	snprintf(text, sizeof(text), "accept exe-sha256 %s name sha\n", hex);
	pol = policy_parse(text, strlen(text), "t.conf", &o);
	assert_non_null(pol);
	policy_decide(pol, &in, &d);
	snprintf(rule, sizeof(rule), "%s", d.rule);
	policy_free(pol);
	return rule;
}

static bool exe_is(pid_t pid, const char *want)
{
	char path[64], exe[PROC_EXE_MAX];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
	n = readlink(path, exe, sizeof(exe) - 1);
	if (n < 0)
		return false;
	exe[n] = '\0';
	return strcmp(exe, want) == 0;
}

/* Bounded: a loaded machine gets seconds, a broken one fails. */
static void wait_exe(pid_t pid, const char *want)
{
	int i;

	for (i = 0; i < 5000 && !exe_is(pid, want); i++)
		usleep(1000);
	assert_true(exe_is(pid, want));
}

/*
 * A real curl that does nothing but read its configuration from a pipe
 * nobody writes: it holds every fd it inherited, sleeping.
 */
static pid_t sleeping_curl(int *feed)
{
	int p[2];
	pid_t pid;

	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	pid = fork_child();
	if (pid == 0) {
		if (dup2(p[0], 0) < 0)
			_exit(126);
		execl(CURL, "curl", "-s", "-K", "-", (char *)NULL);
		_exit(127);
	}
	close(p[0]);
	*feed = p[1];
	wait_exe(pid, CURL);
	return pid;
}

static bool holds(pid_t pid)
{
	int i;

	for (i = 0; i < info.n_listed; i++)
		if (info.holders[i].pid == pid)
			return true;
	return false;
}

/* The socket behind f is ours and curl's: both listed, curl not trusted. */
static void expect_shared_not_curl(struct attr *at, const struct flow *f,
				   pid_t curl)
{
	assert_int_equal(attr_lookup(at, f, NULL, &info), ATTR_SOCKET);
	assert_true(info.shared);
	assert_int_equal(info.n_holders, 2);
	assert_true(holds(curl));
	assert_true(holds(getpid()));
	assert_string_equal(curl_rule(f), "default");
}

static void curl_done(pid_t curl, int feed)
{
	reap(curl);
	close(feed);
}

static void test_curl_nonblocking_connect(void **state)
{
	struct attr *at = attr_open_live("/proc");
	struct sockaddr_storage ss;
	uint16_t port;
	int l = tcp_listener(V4, &port), feed;
	socklen_t len = mkaddr(&ss, V4, port);
	int c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	pid_t curl = sleeping_curl(&feed);
	struct flow f;

	assert_non_null(at);
	assert_true(connect(c, (struct sockaddr *)&ss, len) == 0 ||
		    errno == EINPROGRESS);
	f = flow_of(c, IPPROTO_TCP, V4, port);
	expect_shared_not_curl(at, &f, curl);
	curl_done(curl, feed);
	close(c);
	close(l);
	attr_close(at);
}

struct thread_connect {
	int fd;
	struct sockaddr_storage ss;
	socklen_t len;
	int err;
};

static void *connect_thread(void *arg)
{
	struct thread_connect *tc = arg;

	tc->err = connect(tc->fd, (struct sockaddr *)&tc->ss, tc->len);
	return NULL;
}

static void test_curl_thread_connect(void **state)
{
	struct attr *at = attr_open_live("/proc");
	struct thread_connect tc;
	uint16_t port;
	int l = tcp_listener(V4, &port), feed;
	pid_t curl;
	pthread_t t;
	struct flow f;

	assert_non_null(at);
	tc.fd = socket(AF_INET, SOCK_STREAM, 0);
	tc.len = mkaddr(&tc.ss, V4, port);
	curl = sleeping_curl(&feed);
	assert_int_equal(pthread_create(&t, NULL, connect_thread, &tc), 0);
	pthread_join(t, NULL);
	assert_int_equal(tc.err, 0);
	f = flow_of(tc.fd, IPPROTO_TCP, V4, port);
	expect_shared_not_curl(at, &f, curl);
	curl_done(curl, feed);
	close(tc.fd);
	close(l);
	attr_close(at);
}

static void test_curl_inherited_udp(void **state)
{
	struct attr *at = attr_open_live("/proc");
	int u = socket(AF_INET, SOCK_DGRAM, 0), feed;
	struct sockaddr_storage ss;
	socklen_t len = mkaddr(&ss, V4, 7);
	pid_t curl;
	struct flow f;

	assert_non_null(at);
	assert_int_equal(connect(u, (struct sockaddr *)&ss, len), 0);
	curl = sleeping_curl(&feed);
	assert_int_equal(send(u, "x", 1, 0), 1);
	f = flow_of(u, IPPROTO_UDP, V4, 7);
	expect_shared_not_curl(at, &f, curl);
	curl_done(curl, feed);
	close(u);
	attr_close(at);
}

/*
 * A second UDP socket bound to the port of one a sleeping curl holds
 * (SO_REUSEADDR): the flow cannot tell the two apart, and curl's may be
 * the one the kernel's look-up finds.
 */
static void curl_reused_port(bool curl_first)
{
	struct attr *at = attr_open_live("/proc");
	int a, b = -1, feed;
	struct sockaddr_storage ss;
	socklen_t len = mkaddr(&ss, V4, 7);
	uint16_t port;
	pid_t curl;
	struct flow f;

	assert_non_null(at);
	if (!curl_first)
		b = bound_socket(AF_INET, SOCK_DGRAM, V4, 0);
	a = bound_socket(AF_INET, SOCK_DGRAM, V4, b < 0 ? 0 : local_port(b));
	port = local_port(a);
	curl = sleeping_curl(&feed);
	close(a);
	if (b < 0)
		b = bound_socket(AF_INET, SOCK_DGRAM, V4, port);
	assert_int_equal(sendto(b, "x", 1, 0, (struct sockaddr *)&ss, len), 1);
	f = mkflow(IPPROTO_UDP, V4, port, V4, 7);
	assert_int_equal(attr_lookup(at, &f, NULL, &info), ATTR_SOCKET);
	assert_true(info.partial); /* either socket may have sent it */
	assert_string_equal(curl_rule(&f), "default");
	curl_done(curl, feed);
	close(b);
	attr_close(at);
}

static void test_curl_reused_port(void **state)
{
	curl_reused_port(true);
	curl_reused_port(false);
}

/*
 * curl itself sends a TFTP request to srv; the flow it sent, and curl
 * waiting for an answer that never comes.
 */
static pid_t tftp_curl(const char *as, char *const envp[], int srv,
		       struct flow *f)
{
	struct sockaddr_in from;
	socklen_t len = sizeof(from);
	char url[64], b[512];
	pid_t pid;

	snprintf(url, sizeof(url), "tftp://" V4 ":%u/x", local_port(srv));
	pid = fork_child();
	if (pid == 0) {
		char *argv[] = {(char *)"curl",	     (char *)"-s", (char *)"-o",
				(char *)"/dev/null", url,	   NULL};

		execve(as, argv, envp);
		_exit(127);
	}
	assert_true(recvfrom(srv, b, sizeof(b), 0, (struct sockaddr *)&from,
			     &len) > 0);
	*f = mkflow(IPPROTO_UDP, V4, ntohs(from.sin_port), V4, local_port(srv));
	return pid;
}

/* The real curl, alone on its socket, passes: the rule can hold. */
static void test_curl_itself(void **state)
{
	char *envp[] = {(char *)"PATH=/usr/bin:/bin", NULL};
	struct attr *at = attr_open_live("/proc");
	int srv = bound_socket(AF_INET, SOCK_DGRAM, V4, 0);
	struct flow f;
	pid_t curl;

	assert_non_null(at);
	curl = tftp_curl(CURL, envp, srv, &f);
	assert_int_equal(attr_lookup(at, &f, NULL, &info), ATTR_SOCKET);
	assert_int_equal(info.pid, curl);
	assert_string_equal(info.exe, CURL);
	assert_false(info.shared);
	if (info.tainted)
		fail_msg("curl tainted: %s", info.tainted);
	assert_string_equal(curl_rule(&f), "curl");
	assert_string_equal(curl_sha_rule(&f), "sha");
	reap(curl);
	close(srv);
	attr_close(at);
}

/* A copy of curl elsewhere: not exe /usr/bin/curl, but curl's content. */
static void test_curl_copy(void **state)
{
	char copy[] = "/tmp/nfj-curlcopy-XXXXXX", cmd[128];
	char *envp[] = {(char *)"PATH=/usr/bin:/bin", NULL};
	struct attr *at = attr_open_live("/proc");
	int srv = bound_socket(AF_INET, SOCK_DGRAM, V4, 0);
	int fd = mkstemp(copy);
	struct flow f;
	pid_t curl;

	assert_non_null(at);
	assert_true(fd >= 0);
	close(fd);
	snprintf(cmd, sizeof(cmd), "cp " CURL " %s && chmod 755 %s", copy,
		 copy);
	assert_int_equal(system(cmd), 0);
	curl = tftp_curl(copy, envp, srv, &f);
	assert_int_equal(attr_lookup(at, &f, NULL, &info), ATTR_SOCKET);
	assert_string_equal(info.exe, copy);
	assert_null(info.tainted);
	assert_string_equal(curl_rule(&f), "default");
	assert_string_equal(curl_sha_rule(&f), "sha");
	reap(curl);
	unlink(copy);
	close(srv);
	attr_close(at);
}

static void test_curl_preloaded(void **state)
{
	char *envp[] = {(char *)"PATH=/usr/bin:/bin",
			(char *)"LD_PRELOAD=/lib/x86_64-linux-gnu/libz.so.1",
			NULL};
	struct attr *at = attr_open_live("/proc");
	int srv = bound_socket(AF_INET, SOCK_DGRAM, V4, 0);
	struct flow f;
	pid_t curl;

	assert_non_null(at);
	curl = tftp_curl(CURL, envp, srv, &f);
	assert_int_equal(attr_lookup(at, &f, NULL, &info), ATTR_SOCKET);
	assert_int_equal(info.pid, curl);
	assert_string_equal(info.exe, CURL);
	assert_non_null(info.tainted);
	assert_string_equal(info.tainted,
			    "started with LD_PRELOAD or LD_AUDIT");
	assert_string_equal(curl_rule(&f), "default");
	assert_string_equal(curl_sha_rule(&f), "default");
	reap(curl);
	close(srv);
	attr_close(at);
}

/*
 * Another program mounted over /usr/bin/curl in a mount namespace of its
 * own (what `unshare -Urm` gives anyone): it reads as /usr/bin/curl.
 */
static void test_curl_bind_mounted(void **state)
{
	char copy[] = "/tmp/nfj-notcurl-XXXXXX";
	char cmd[128];
	char *envp[] = {(char *)"PATH=/usr/bin:/bin", NULL};
	struct attr *at = attr_open_live("/proc");
	int srv = bound_socket(AF_INET, SOCK_DGRAM, V4, 0);
	int fd = mkstemp(copy);
	struct flow f;
	pid_t pid;

	assert_non_null(at);
	assert_true(fd >= 0);
	close(fd);
	snprintf(cmd, sizeof(cmd), "cp " CURL " %s && chmod 755 %s", copy,
		 copy);
	assert_int_equal(system(cmd), 0);
	pid = fork_child();
	if (pid == 0) {
		if (unshare(CLONE_NEWNS) ||
		    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
		    mount(copy, CURL, NULL, MS_BIND, NULL))
			_exit(126);
		pid = tftp_curl(CURL, envp, srv, &f);
		waitpid(pid, NULL, 0);
		_exit(0);
	}
	{
		struct sockaddr_in from;
		socklen_t len = sizeof(from);
		char b[512];

		assert_true(recvfrom(srv, b, sizeof(b), 0,
				     (struct sockaddr *)&from, &len) > 0);
		f = mkflow(IPPROTO_UDP, V4, ntohs(from.sin_port), V4,
			   local_port(srv));
	}
	assert_int_equal(attr_lookup(at, &f, NULL, &info), ATTR_SOCKET);
	assert_string_equal(info.exe, CURL);
	assert_non_null(info.tainted);
	assert_string_equal(info.tainted,
			    "exe is not the file its path names here");
	assert_string_equal(curl_rule(&f), "default");
	/* the same content, but what runs is not what the path says */
	assert_string_equal(curl_sha_rule(&f), "default");
	kill(info.pid, SIGKILL);
	reap(pid);
	unlink(copy);
	close(srv);
	attr_close(at);
}

/* --- the fd-table hog ----------------------------------------------------- */

#define HOGS	19
#define HOG_FDS 19000 /* under a hard RLIMIT_NOFILE of 20,000 */

static void *hog_thread(void *arg)
{
	(void)arg;
	pause();
	return NULL;
}

static double thread_cpu_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/*
 * Processes with huge fd tables (one with a thread sharing its table)
 * must not hold up another program's packet: the look-up's budget ends
 * it, by the work it did, not by how loaded the machine is.
 */
static void test_fd_hog(void **state)
{
	struct attr *at = attr_open_live("/proc");
	int i, fd = open("/dev/null", O_RDONLY | O_CLOEXEC), first = -1;
	pid_t hogs[HOGS + 1];
	struct rlimit rl;
	pthread_t t;
	uint16_t port;
	struct flow f;
	double cpu;
	int l, c;

	assert_non_null(at);
	assert_true(fd >= 0);
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &rl), 0);
	if (rl.rlim_cur < HOG_FDS + 100)
		skip();
	for (i = 0; i < HOG_FDS; i++) {
		int d = dup(fd);

		assert_true(d >= 0);
		if (first < 0)
			first = d;
	}
	for (i = 0; i < HOGS; i++) {
		hogs[i] = fork_child();
		if (hogs[i] == 0) {
			if (i == 0 &&
			    pthread_create(&t, NULL, hog_thread, NULL))
				_exit(1);
			pause();
			_exit(0);
		}
	}
	for (i = 0; i < HOG_FDS; i++)
		close(first + i);
	l = tcp_listener(V4, &port);
	c = connect_to(SOCK_STREAM, V4, port);
	f = flow_of(c, IPPROTO_TCP, V4, port);
	cpu = thread_cpu_ms();
	assert_int_not_equal(attr_lookup(at, &f, NULL, &info), ATTR_NONE);
	cpu = thread_cpu_ms() - cpu;
	print_message("fd hog: %.1f ms of CPU, pid %d, partial %d\n", cpu,
		      (int)info.pid, info.partial);
	assert_true(cpu < 50.0);
	/* 380,000 fds are not read in that time: what it says is partial */
	assert_true(info.pid == 0 || info.partial);
	for (i = 0; i < HOGS; i++)
		reap(hogs[i]);
	close(c);
	close(l);
	close(fd);
	attr_close(at);
}

/* --- the attr interface --------------------------------------------------- */

static void test_attr_live(void **state)
{
	struct attr_hints hints = {.has_uid = true, .uid = 4242};
	struct attr *at = attr_open_live("/proc");
	char exe[PROC_EXE_MAX];
	struct flow f;
	uint16_t port;
	ssize_t n;
	int l, c;

	assert_non_null(at);
	l = tcp_listener(V4, &port);
	c = connect_to(SOCK_STREAM, V4, port);
	f = flow_of(c, IPPROTO_TCP, V4, port);
	assert_int_equal(attr_lookup(at, &f, NULL, &info), ATTR_SOCKET);
	assert_int_equal(info.pid, getpid());
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	assert_true(n > 0);
	exe[n] = '\0';
	assert_string_equal(info.exe, exe);
	assert_string_equal(info.user, "root");
	assert_true(info.argc >= 1);
	assert_true(info.n_ancestors >= 1);
	assert_int_equal(info.ancestors[0].pid, getppid());
	assert_int_not_equal(info.start_time[0], '\0');
	/* No socket: the hint's uid, or nothing. */
	f = mkflow(IPPROTO_TCP, V4, 1, V4, 2);
	assert_int_equal(attr_lookup(at, &f, &hints, &info), ATTR_UID);
	assert_int_equal(info.uid, 4242);
	assert_int_equal(info.pid, 0);
	assert_int_equal(attr_lookup(at, &f, NULL, &info), ATTR_NONE);
	close(c);
	close(l);
	attr_close(at);
}

/*
 * A new inbound flow belongs to the socket it arrives at: the listener,
 * held here and by a forked child (shared, both listed), or the bound UDP
 * socket; a port nobody listens on belongs to no one.
 */
static void test_inbound(void **state)
{
	struct attr *at = attr_open_live("/proc");
	uint16_t port;
	struct flow f;
	int l, u, p[2];
	pid_t child;

	assert_non_null(at);
	l = tcp_listener(V4, &port);
	f = mkflow(IPPROTO_TCP, V4, 40999, V4, port);
	f.direction = FLOW_DIR_IN;
	assert_int_equal(attr_lookup(at, &f, NULL, &info), ATTR_SOCKET);
	assert_int_equal(info.pid, getpid());
	assert_false(info.shared);
	/* the same flow outbound is not the listener's */
	f.direction = FLOW_DIR_OUT;
	assert_int_equal(attr_lookup(at, &f, NULL, &info), ATTR_NONE);
	assert_int_equal(pipe(p), 0);
	child = fork_holder(p[1]);
	wait_readable(p[0]);
	f.direction = FLOW_DIR_IN;
	assert_int_equal(attr_lookup(at, &f, NULL, &info), ATTR_SOCKET);
	assert_true(info.shared);
	assert_int_equal(info.n_holders, 2);
	reap(child);
	close(p[0]);
	close(p[1]);
	close(l);
	assert_int_equal(attr_lookup(at, &f, NULL, &info), ATTR_NONE);
	u = bound_socket(AF_INET, SOCK_DGRAM, V4, 0);
	f = mkflow(IPPROTO_UDP, V4, 40999, V4, local_port(u));
	f.direction = FLOW_DIR_IN;
	assert_int_equal(attr_lookup(at, &f, NULL, &info), ATTR_SOCKET);
	assert_int_equal(info.pid, getpid());
	close(u);
	attr_close(at);
}

static int setup(void **state)
{
	sd = sockdiag_open();
	pfs = procfs_open("/proc");
	return sd && pfs ? 0 : -1;
}

static int teardown(void **state)
{
	sockdiag_close(sd);
	procfs_close(pfs);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tcp4_established),
		cmocka_unit_test(test_tcp6_established),
		cmocka_unit_test(test_tcp_syn_sent),
		cmocka_unit_test(test_tcp_dual_stack),
		cmocka_unit_test(test_tcp_bound_device),
		cmocka_unit_test(test_tcp_time_wait),
		cmocka_unit_test(test_udp4_connected),
		cmocka_unit_test(test_udp6_connected),
		cmocka_unit_test(test_udp4_unconnected),
		cmocka_unit_test(test_udp6_unconnected),
		cmocka_unit_test(test_udp_dual_stack),
		cmocka_unit_test(test_udp_orientation),
		cmocka_unit_test(test_fork_shared),
		cmocka_unit_test(test_shared_in_connect),
		cmocka_unit_test(test_nobody),
		cmocka_unit_test(test_moved_netns),
		cmocka_unit_test(test_thread_own_table),
		cmocka_unit_test(test_attr_live),
		cmocka_unit_test(test_inbound),
		cmocka_unit_test(test_curl_nonblocking_connect),
		cmocka_unit_test(test_curl_thread_connect),
		cmocka_unit_test(test_curl_inherited_udp),
		cmocka_unit_test(test_curl_reused_port),
		cmocka_unit_test(test_curl_itself),
		cmocka_unit_test(test_curl_copy),
		cmocka_unit_test(test_curl_preloaded),
		cmocka_unit_test(test_curl_bind_mounted),
		cmocka_unit_test(test_fd_hog),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests_name("attr-live", tests, setup, teardown);
}
