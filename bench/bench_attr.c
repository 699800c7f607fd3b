// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What attributing one live socket costs, measured in one run on loopback:
 * the sock_diag exact lookup against a dump of every TCP socket (what a
 * netstat-style tool does), with BENCH_CONNS connections open; and the
 * procfs lookup on a cache hit against a miss (a scan of /proc).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "attr.h"
#include "flow.h"
#include "proc.h"
#include "procfs.h"
#include "sockdiag.h"

#define BENCH_CONNS 500 /* client + server end: 1,000 sockets */

static int clients[BENCH_CONNS], servers[BENCH_CONNS];
static struct proc_info info;

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static uint16_t port_of(int fd)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);

	if (getsockname(fd, (struct sockaddr *)&a, &len) < 0)
		die("getsockname");
	return ntohs(a.sin_port);
}

static uint16_t open_conns(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET};
	struct rlimit rl = {.rlim_cur = 4096, .rlim_max = 4096};
	int l, i;

	setrlimit(RLIMIT_NOFILE, &rl);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	l = socket(AF_INET, SOCK_STREAM, 0);
	if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    listen(l, BENCH_CONNS) < 0)
		die("listener");
	a.sin_port = htons(port_of(l));
	for (i = 0; i < BENCH_CONNS; i++) {
		clients[i] = socket(AF_INET, SOCK_STREAM, 0);
		if (clients[i] < 0 ||
		    connect(clients[i], (struct sockaddr *)&a, sizeof(a)) < 0)
			die("connect");
		servers[i] = accept(l, NULL, NULL);
		if (servers[i] < 0)
			die("accept");
	}
	return ntohs(a.sin_port);
}

static struct flow flow_of(int i, uint16_t lport)
{
	struct flow f;
	uint32_t lo = htonl(INADDR_LOOPBACK);

	memset(&f, 0, sizeof(f));
	memcpy(f.src, &lo, 4);
	memcpy(f.dst, &lo, 4);
	f.sport = port_of(clients[i]);
	f.dport = lport;
	f.ip_version = 4;
	f.proto = IPPROTO_TCP;
	f.has_ports = true;
	return f;
}

struct dump_match {
	uint16_t sport, dport;
	uint32_t inode;
};

static int dump_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct inet_diag_msg *m = mnl_nlmsg_get_payload(nlh);
	struct dump_match *dm = data;

	if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(*m) &&
	    ntohs(m->id.idiag_sport) == dm->sport &&
	    ntohs(m->id.idiag_dport) == dm->dport)
		dm->inode = m->idiag_inode;
	return MNL_CB_OK;
}

/* The alternative: dump every IPv4 TCP socket and search the list. */
static uint32_t dump_lookup(struct mnl_socket *nl, uint16_t sport,
			    uint16_t dport, uint32_t seq)
{
	static char buf[65536];
	struct dump_match dm = {.sport = sport, .dport = dport};
	struct inet_diag_req_v2 *req;
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	ssize_t n;
	int r = MNL_CB_OK;

	nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	req = mnl_nlmsg_put_extra_header(nlh, sizeof(*req));
	req->sdiag_family = AF_INET;
	req->sdiag_protocol = IPPROTO_TCP;
	req->idiag_states = ~0U;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		die("dump send");
	while (r > MNL_CB_STOP) {
		n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (n < 0)
			die("dump recv");
		r = mnl_cb_run(buf, (size_t)n, seq, mnl_socket_get_portid(nl),
			       dump_cb, &dm);
	}
	return dm.inode;
}

static uint32_t inode_of(int fd)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		die("fstat");
	return (uint32_t)st.st_ino;
}

static double bench_exact(struct sockdiag *sd, uint16_t lport, int iters)
{
	struct sockdiag_result res;
	struct flow f;
	double t0 = now_us();
	int i;

	for (i = 0; i < iters; i++) {
		f = flow_of(i % BENCH_CONNS, lport);
		if (sockdiag_lookup(sd, &f, 0, &res) < 0 ||
		    res.inode != inode_of(clients[i % BENCH_CONNS]))
			die("exact lookup");
	}
	return (now_us() - t0) / iters;
}

static double bench_dump(uint16_t lport, int iters)
{
	struct mnl_socket *nl = mnl_socket_open(NETLINK_SOCK_DIAG);
	double t0;
	int i;

	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
		die("netlink");
	t0 = now_us();
	for (i = 0; i < iters; i++) {
		int c = clients[i % BENCH_CONNS];

		if (dump_lookup(nl, port_of(c), lport, (uint32_t)i + 1) !=
		    inode_of(c))
			die("dump lookup");
	}
	t0 = (now_us() - t0) / iters;
	mnl_socket_close(nl);
	return t0;
}

/* Same inode again and again: revalidated cache hits. */
static double bench_hit(struct procfs *pfs, int iters)
{
	uint32_t inode = inode_of(clients[0]);
	double t0;
	int i;

	if (procfs_lookup(pfs, inode, &info) < 0)
		die("procfs warm-up");
	t0 = now_us();
	for (i = 0; i < iters; i++)
		if (procfs_lookup(pfs, inode, &info) < 0 ||
		    info.pid != getpid())
			die("procfs hit");
	return (now_us() - t0) / iters;
}

/* Cycling through more sockets than the cache holds: every one a scan. */
static double bench_miss(struct procfs *pfs, int iters)
{
	struct procfs_stats before, after;
	double t0;
	int i;

	procfs_get_stats(pfs, &before);
	t0 = now_us();
	for (i = 0; i < iters; i++)
		if (procfs_lookup(pfs, inode_of(servers[i % BENCH_CONNS]),
				  &info) < 0)
			die("procfs miss");
	t0 = (now_us() - t0) / iters;
	procfs_get_stats(pfs, &after);
	if (after.misses - before.misses != (unsigned long)iters)
		die("procfs miss: some lookups hit");
	return t0;
}

int main(void)
{
	struct sockdiag *sd;
	struct procfs *pfs;
	double exact, dump, hit, miss;
	uint16_t lport;

	lport = open_conns();
	sd = sockdiag_open();
	pfs = procfs_open("/proc");
	if (!sd || !pfs)
		die("open");
	exact = bench_exact(sd, lport, 20000);
	dump = bench_dump(lport, 200);
	hit = bench_hit(pfs, 20000);
	miss = bench_miss(pfs, PROCFS_CACHE_SIZE * 2);
	printf("bench_attr: %d TCP sockets open on loopback\n",
	       2 * BENCH_CONNS + 1);
	printf("  sock_diag exact lookup   %9.2f us\n", exact);
	printf("  sock_diag dump + search  %9.2f us   (%.0fx the exact "
	       "lookup)\n",
	       dump, dump / exact);
	printf("  procfs cache hit         %9.2f us\n", hit);
	printf("  procfs miss (scan)       %9.2f us   (%.0fx the hit)\n", miss,
	       miss / hit);
	printf("  attribution, warm        %9.2f us   (exact + hit)\n",
	       exact + hit);
	sockdiag_close(sd);
	procfs_close(pfs);
	return 0;
}
