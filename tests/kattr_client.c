// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The senders of kattr-live.sh, each a fresh process that prints its pid
 * and then does one thing the kernel attribution must name it for:
 *
 *   connect-exit ADDR PORT      non-blocking TCP connect, then _exit at once
 *   send-close ADDR PORT        UDP sendto, close, _exit at once
 *   sendto-connected CADDR CPORT ADDR PORT
 *                               UDP socket connected to CADDR:CPORT, one
 *                               sendto ADDR:PORT, _exit
 *   inherit-send ADDR PORT OTHER
 *                               UDP socket connected to ADDR:PORT, then a
 *                               child execs OTHER send-fd on it; prints
 *                               our pid, and the child its own
 *   shared-send ADDR PORT PORT2 OTHER
 *                               as inherit-send, then, the child gone,
 *                               connects to PORT2 and write()s itself,
 *                               waiting as send-fd does
 *   send-fd FD                  one write() of one byte on inherited FD,
 *                               then waits (up to 5 s) for the answer or
 *                               the ICMP error, so that it still lives
 *                               when the verdict is given
 *   connect-exec ADDR PORT OTHER
 *                               one blocking TCP connect, then exec OTHER
 *                               connect ADDR PORT: the same pid and start
 *                               time, another program, connects again
 *   thread-shared ADDR PORT SLEEPER
 *                               a TCP socket also held by a child that
 *                               execs SLEEPER (sleeps 5 s); a thread of
 *                               ours does the non-blocking connect.
 *                               Prints connected, refused or timeout.
 *
 * and, for bench/attribution.sh:
 *
 *   connect ADDR PORT           one blocking TCP connect (a fresh process)
 *   connects ADDR PORT N        N blocking connects; prints the time, in us
 *   crowd N                     N sleeping children with 20 sockets each;
 *                               prints "ready" once all have them
 *   blast N                     N one-byte send()s on a UDP socket
 *                               connected to one of ours on 127.0.0.1
 *                               (never read); prints the CPU time per
 *                               send and the wall time per send, in ns
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static struct sockaddr_in mkaddr(const char *ip, const char *port)
{
	struct sockaddr_in a = {.sin_family = AF_INET};

	a.sin_port = htons((uint16_t)atoi(port));
	if (inet_pton(AF_INET, ip, &a.sin_addr) != 1) {
		fprintf(stderr, "kattr_client: bad address %s\n", ip);
		exit(2);
	}
	return a;
}

static void say_pid(void)
{
	printf("%d\n", (int)getpid());
	fflush(stdout);
}

static int connect_exit(char **av)
{
	struct sockaddr_in a = mkaddr(av[0], av[1]);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);

	say_pid();
	connect(fd, (struct sockaddr *)&a, sizeof(a));
	_exit(0);
}

static int send_close(char **av)
{
	struct sockaddr_in a = mkaddr(av[0], av[1]);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	say_pid();
	sendto(fd, "x", 1, 0, (struct sockaddr *)&a, sizeof(a));
	close(fd);
	_exit(0);
}

static int sendto_connected(char **av)
{
	struct sockaddr_in c = mkaddr(av[0], av[1]);
	struct sockaddr_in a = mkaddr(av[2], av[3]);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	say_pid();
	if (connect(fd, (struct sockaddr *)&c, sizeof(c)))
		return 1;
	sendto(fd, "x", 1, 0, (struct sockaddr *)&a, sizeof(a));
	_exit(0);
}

/* One byte, then the answer or the ICMP error (the verdict), 5 s at most. */
static int send_wait(int fd)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	char c;

	if (write(fd, "x", 1) != 1)
		return 1;
	poll(&p, 1, 5000);
	/* takes the socket's pending error, if any, with it */
	recv(fd, &c, 1, MSG_DONTWAIT);
	return 0;
}

static int send_fd(char **av)
{
	say_pid();
	return send_wait(atoi(av[0]));
}

/* A child runs other with our connected socket, which it write()s on. */
static int run_sender(const char *other, int fd)
{
	char arg[16];
	pid_t pid;
	int st;

	snprintf(arg, sizeof(arg), "%d", fd);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		execl(other, "sender", "send-fd", arg, (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return 1;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : 1;
}

static int inherit_send(char **av)
{
	struct sockaddr_in a = mkaddr(av[0], av[1]);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	say_pid();
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)))
		return 1;
	return run_sender(av[2], fd);
}

static int shared_send(char **av)
{
	struct sockaddr_in a = mkaddr(av[0], av[1]);
	struct sockaddr_in b = mkaddr(av[0], av[2]);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	say_pid();
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) ||
	    run_sender(av[3], fd))
		return 1;
	if (connect(fd, (struct sockaddr *)&b, sizeof(b)))
		return 1;
	return send_wait(fd);
}

struct shared {
	int fd;
	struct sockaddr_in a;
	const char *result;
};

static void *connect_thread(void *arg)
{
	struct shared *s = arg;
	struct pollfd p = {.fd = s->fd, .events = POLLOUT};
	int err = 0;
	socklen_t len = sizeof(err);

	s->result = "timeout";
	if (connect(s->fd, (struct sockaddr *)&s->a, sizeof(s->a)) == 0) {
		s->result = "connected";
		return NULL;
	}
	if (errno != EINPROGRESS || poll(&p, 1, 3000) != 1)
		return NULL;
	getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &len);
	s->result = err == 0		  ? "connected"
		    : err == ECONNREFUSED ? "refused"
					  : "timeout";
	return NULL;
}

/* The child execs SLEEPER with the socket; EOF on the pipe says it did. */
static pid_t start_sleeper(const char *sleeper)
{
	int p[2];
	char c;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC))
		return -1;
	pid = fork();
	if (pid == 0) {
		execl(sleeper, "sleep", "5", (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	while (read(p[0], &c, 1) < 0 && errno == EINTR)
		;
	close(p[0]);
	return pid;
}

static int thread_shared(char **av)
{
	struct shared s = {.a = mkaddr(av[0], av[1])};
	pthread_t t;
	pid_t child;

	s.fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	child = start_sleeper(av[2]);
	if (s.fd < 0 || child < 0)
		return 1;
	say_pid();
	pthread_create(&t, NULL, connect_thread, &s);
	pthread_join(t, NULL);
	printf("%s\n", s.result);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	return 0;
}

static int connect_once(char **av)
{
	struct sockaddr_in a = mkaddr(av[0], av[1]);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	say_pid();
	return connect(fd, (struct sockaddr *)&a, sizeof(a)) ? 1 : 0;
}

static int connect_exec(char **av)
{
	struct sockaddr_in a = mkaddr(av[0], av[1]);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	char cmd[] = "connect";
	char *argv[] = {av[2], cmd, av[0], av[1], NULL};

	say_pid();
	connect(fd, (struct sockaddr *)&a, sizeof(a));
	close(fd);
	execv(av[2], argv);
	return 1;
}

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int connects(char **av)
{
	struct sockaddr_in a = mkaddr(av[0], av[1]);
	int i, n = atoi(av[2]);
	long long t0 = now_us();

	for (i = 0; i < n; i++) {
		int fd = socket(AF_INET, SOCK_STREAM, 0);

		if (connect(fd, (struct sockaddr *)&a, sizeof(a)))
			return 1;
		close(fd);
	}
	printf("%lld\n", now_us() - t0);
	return 0;
}

/* Each child: 20 UDP sockets, then sleep until killed with the group. */
static int crowd(char **av)
{
	int i, j, n = atoi(av[0]);
	int p[2];
	char c;

	if (pipe(p))
		return 1;
	for (i = 0; i < n; i++) {
		if (fork() == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			close(p[0]);
			for (j = 0; j < 20; j++)
				socket(AF_INET, SOCK_DGRAM, 0);
			close(p[1]);
			pause();
			_exit(0);
		}
	}
	close(p[1]);
	while (read(p[0], &c, 1) > 0)
		;
	printf("ready\n");
	fflush(stdout);
	pause();
	return 0;
}

static long long cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int blast(char **av)
{
	struct sockaddr_in a = mkaddr("127.0.0.1", "0");
	socklen_t len = sizeof(a);
	int rx = socket(AF_INET, SOCK_DGRAM, 0);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	long i, n = atol(av[0]);
	long long c0, t0;

	if (rx < 0 || fd < 0 || n <= 0 ||
	    bind(rx, (struct sockaddr *)&a, sizeof(a)) ||
	    getsockname(rx, (struct sockaddr *)&a, &len) ||
	    connect(fd, (struct sockaddr *)&a, sizeof(a)))
		return 1;
	c0 = cpu_ns();
	t0 = now_us();
	for (i = 0; i < n; i++)
		send(fd, "x", 1, MSG_DONTWAIT);
	printf("%lld %lld\n", (cpu_ns() - c0) / n, (now_us() - t0) * 1000 / n);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "connect"))
		return connect_once(argv + 2);
	if (argc == 5 && !strcmp(argv[1], "connects"))
		return connects(argv + 2);
	if (argc == 3 && !strcmp(argv[1], "blast"))
		return blast(argv + 2);
	if (argc == 3 && !strcmp(argv[1], "crowd"))
		return crowd(argv + 2);
	if (argc == 4 && !strcmp(argv[1], "connect-exit"))
		return connect_exit(argv + 2);
	if (argc == 4 && !strcmp(argv[1], "send-close"))
		return send_close(argv + 2);
	if (argc == 6 && !strcmp(argv[1], "sendto-connected"))
		return sendto_connected(argv + 2);
	if (argc == 5 && !strcmp(argv[1], "inherit-send"))
		return inherit_send(argv + 2);
	if (argc == 6 && !strcmp(argv[1], "shared-send"))
		return shared_send(argv + 2);
	if (argc == 3 && !strcmp(argv[1], "send-fd"))
		return send_fd(argv + 2);
	if (argc == 5 && !strcmp(argv[1], "connect-exec"))
		return connect_exec(argv + 2);
	if (argc == 5 && !strcmp(argv[1], "thread-shared"))
		return thread_shared(argv + 2);
	fprintf(stderr,
		"usage: kattr_client connect-exit|send-close|"
		"sendto-connected|thread-shared|inherit-send|connect-exec|"
		"shared-send|send-fd|connect|connects|crowd|blast ...\n");
	return 2;
}
