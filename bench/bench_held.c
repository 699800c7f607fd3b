// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * How long live attribution holds a packet of a fresh, short-lived
 * process (what a build tool's `sh -c` children are): each round forks a
 * process that connects to a local listener, and the attribution of its
 * flow (sock_diag, then /proc) is timed.  In a network namespace of the
 * bench's own, so that only its processes count: first alone, then with
 * 400 other processes holding 20 sockets each, then beside 20 processes
 * holding 19,900 fds each (and a thread sharing one's table); each with
 * the thorough look-up (a policy with exe rules) and the quick one.
 * Wall time and the bench's CPU time, which a loaded machine does not
 * inflate.  BENCH_HELD_ALONE=1: the first scenario only.  Needs root (a
 * namespace, the fds); prints "skipped" without.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "attr.h"
#include "flow.h"
#include "proc.h"

#define ROUNDS	    300
#define CROWD	    400
#define CROWD_SOCKS 20
#define HOGS	    20
#define HOG_FDS	    19900 /* room for it under a hard limit of 20,000 */

static struct proc_info info;
static pid_t others[CROWD + 1];
static int n_others;
static int n_partial; /* look-ups that ran out of budget, or were quick */

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/* The bench's own CPU time: what a look-up costs, whatever the load. */
static double cpu_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static double last_cpu; /* of the last round's look-up */

static void lo_up(void)
{
	struct ifreq ifr = {0};
	int s = socket(AF_INET, SOCK_DGRAM, 0);

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	if (s < 0 || ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
		die("lo");
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
		die("lo up");
	close(s);
}

static uint16_t port_of(int fd)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);

	if (getsockname(fd, (struct sockaddr *)&a, &len) < 0)
		die("getsockname");
	return ntohs(a.sin_port);
}

static int listener(uint16_t *port)
{
	struct sockaddr_in a = {.sin_family = AF_INET};
	int l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    listen(l, 1024) < 0)
		die("listener");
	*port = port_of(l);
	return l;
}

/* A child that dies with us and otherwise sleeps. */
static pid_t sleeper(void (*setup)(void))
{
	pid_t pid = fork();

	if (pid < 0)
		die("fork");
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (setup)
			setup();
		for (;;)
			pause();
	}
	others[n_others++] = pid;
	return pid;
}

static void crowd_setup(void)
{
	int i;

	for (i = 0; i < CROWD_SOCKS; i++)
		if (socket(AF_INET, SOCK_DGRAM, 0) < 0)
			_exit(1);
}

static void kill_others(void)
{
	while (n_others > 0) {
		kill(others[--n_others], SIGKILL);
		waitpid(others[n_others], NULL, 0);
	}
}

static struct flow flow_to(uint16_t sport, uint16_t dport)
{
	uint32_t lo = htonl(INADDR_LOOPBACK);
	struct flow f;

	memset(&f, 0, sizeof(f));
	memcpy(f.src, &lo, 4);
	memcpy(f.dst, &lo, 4);
	f.sport = sport;
	f.dport = dport;
	f.ip_version = 4;
	f.proto = IPPROTO_TCP;
	f.has_ports = true;
	return f;
}

/* Close every fd but stdio and a < b. */
static void child_fds(int a, int b)
{
	if (a > b) {
		int t = a;

		a = b;
		b = t;
	}
	if (a > 3)
		close_range(3, (unsigned)a - 1, 0);
	if (b > a + 1)
		close_range((unsigned)a + 1, (unsigned)b - 1, 0);
	close_range((unsigned)b + 1, ~0U, 0);
}

/* One fresh process connects; its flow's attribution, in microseconds. */
static double one_round(struct attr *at, int l, uint16_t lport, int *named)
{
	struct sockaddr_in a = {.sin_family = AF_INET};
	int rep[2], go[2], s;
	uint16_t port;
	struct flow f;
	double t;
	pid_t pid;
	char b;

	if (pipe2(rep, O_CLOEXEC) || pipe2(go, O_CLOEXEC))
		die("pipe");
	pid = fork();
	if (pid == 0) {
		/* a fresh process has its own few fds, not the bench's */
		child_fds(rep[1], go[0]);
		a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		a.sin_port = htons(lport);
		s = socket(AF_INET, SOCK_STREAM, 0);
		if (s < 0 || connect(s, (struct sockaddr *)&a, sizeof(a)))
			_exit(1);
		port = port_of(s);
		if (write(rep[1], &port, sizeof(port)) != sizeof(port) ||
		    read(go[0], &b, 1) < 0)
			_exit(1);
		_exit(0);
	}
	if (pid < 0 || read(rep[0], &port, sizeof(port)) != sizeof(port))
		die("round");
	f = flow_to(port, lport);
	last_cpu = cpu_us();
	t = now_us();
	if (attr_lookup(at, &f, NULL, &info) == ATTR_SOCKET && info.pid == pid)
		(*named)++;
	t = now_us() - t;
	last_cpu = cpu_us() - last_cpu;
	n_partial += info.partial;
	close(go[1]);
	waitpid(pid, NULL, 0);
	close(rep[0]);
	close(rep[1]);
	close(go[0]);
	s = accept(l, NULL, NULL);
	if (s >= 0)
		close(s);
	return t;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

struct figures {
	double p50, p99, max, cpu50, cpu99;
	int named, partial;
};

static struct figures rounds(bool thorough, int l, uint16_t lport)
{
	static double t[ROUNDS], c[ROUNDS];
	struct attr *at = attr_open_live("/proc");
	struct figures fg = {0};
	int i;

	if (!at)
		die("attr_open_live");
	attr_set_thorough(at, thorough);
	n_partial = 0;
	for (i = 0; i < ROUNDS; i++) {
		t[i] = one_round(at, l, lport, &fg.named);
		c[i] = last_cpu;
	}
	attr_close(at);
	qsort(t, ROUNDS, sizeof(t[0]), cmp_double);
	qsort(c, ROUNDS, sizeof(c[0]), cmp_double);
	fg.cpu50 = c[ROUNDS / 2];
	fg.cpu99 = c[ROUNDS * 99 / 100];
	fg.p50 = t[ROUNDS / 2];
	fg.p99 = t[ROUNDS * 99 / 100];
	fg.max = t[ROUNDS - 1];
	fg.partial = n_partial;
	return fg;
}

static void report(const char *what, const struct figures *f,
		   const struct figures *base)
{
	printf("  %-9s p50 %8.1f us  p99 %8.1f us  max %9.1f us  (cpu p50 "
	       "%6.1f p99 %7.1f)  named %d/%d, partial %d",
	       what, f->p50, f->p99, f->max, f->cpu50, f->cpu99, f->named,
	       ROUNDS, f->partial);
	if (base)
		printf("  (p50 %.2fx alone)", f->p50 / base->p50);
	printf("\n");
}

static void *hog_thread(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

static void hog_setup(void)
{
	pthread_t t;

	/* a thread sharing the table: it must not cost a second scan */
	pthread_create(&t, NULL, hog_thread, NULL);
}

static void hogs(void)
{
	struct rlimit rl;
	int i, fd = open("/dev/null", O_RDONLY);

	if (fd < 0 || getrlimit(RLIMIT_NOFILE, &rl) < 0)
		die("fds");
	if (rl.rlim_cur < HOG_FDS + 64) {
		rl.rlim_cur = rl.rlim_max;
		if (rl.rlim_max < HOG_FDS + 64 ||
		    setrlimit(RLIMIT_NOFILE, &rl) < 0)
			die("RLIMIT_NOFILE");
	}
	for (i = 0; i < HOG_FDS; i++)
		if (dup(fd) < 0)
			die("dup");
	for (i = 0; i < HOGS; i++)
		sleeper(hog_setup);
	/* ours to close: the hogs hold them */
	for (i = 0; i <= HOG_FDS; i++)
		close(fd + i);
}

static void scenario(const char *name, int l, uint16_t lport,
		     struct figures *base)
{
	struct figures t = rounds(true, l, lport), q = rounds(false, l, lport);

	printf("%s\n", name);
	report("thorough", &t, &base[0]);
	report("quick", &q, &base[1]);
}

int main(void)
{
	struct figures alone[2];
	uint16_t lport;
	int l, i;

	if (geteuid() != 0 || unshare(CLONE_NEWNET) < 0) {
		printf("bench_held: skipped (needs root for a namespace)\n");
		return 0;
	}
	lo_up();
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);
	l = listener(&lport);
	printf("bench_held: %d fresh processes each connect once; the "
	       "attribution of their flow\n",
	       ROUNDS);
	alone[0] = rounds(true, l, lport);
	alone[1] = rounds(false, l, lport);
	printf("alone\n");
	report("thorough", &alone[0], NULL);
	report("quick", &alone[1], NULL);
	if (getenv("BENCH_HELD_ALONE"))
		return 0; /* a quick comparison of builds */
	for (i = 0; i < CROWD; i++)
		sleeper(crowd_setup);
	scenario("beside 400 processes x 20 sockets", l, lport, alone);
	kill_others();
	hogs();
	scenario("beside 20 processes x 19,900 fds (+ a CLONE_FILES thread)", l,
		 lport, alone);
	kill_others();
	return 0;
}
