// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The peers of tests/flood-live.sh, in C so that a handful of them can
 * outrun the daemon.
 *
 *   floodclient serve ADDR:PORT...
 *	accept TCP (and drop at once) and echo UDP on each, until killed
 *   floodclient flood tcp|udp ADDR:PORT SECONDS PORT0 NPORTS [SRC]
 *	one attempt after another for SECONDS, each from the next source
 *	port of PORT0..PORT0+NPORTS-1 (so that a 5-tuple comes back only
 *	after conntrack forgot it), and from address SRC when given; one
 *	line per attempt: "OUTCOME SPORT", OUTCOME connected, answered,
 *	refused, timeout or error
 *
 * IPv4 only; the test's namespace has nothing else.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>

#define ATTEMPT_TIMEOUT_MS 3000
#define MAX_SERVE	   8

static int parse_addr(const char *s, struct sockaddr_in *sin)
{
	char host[64];
	const char *colon = strrchr(s, ':');

	if (!colon || (size_t)(colon - s) >= sizeof(host))
		return -1;
	memcpy(host, s, (size_t)(colon - s));
	host[colon - s] = '\0';
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons((uint16_t)atoi(colon + 1));
	return inet_pton(AF_INET, host, &sin->sin_addr) == 1 ? 0 : -1;
}

static int bound(int type, const struct sockaddr_in *sin)
{
	int fd = socket(AF_INET, type | SOCK_CLOEXEC, 0), one = 1;

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (const struct sockaddr *)sin, sizeof(*sin)) ||
	    (type == SOCK_STREAM && listen(fd, 1024))) {
		close(fd);
		return -1;
	}
	return fd;
}

static void serve_one(int fd, int type)
{
	struct sockaddr_in peer;
	socklen_t plen = sizeof(peer);
	char buf[512];
	ssize_t n;
	int c;

	if (type == SOCK_STREAM) {
		c = accept(fd, NULL, NULL);
		if (c >= 0)
			close(c);
		return;
	}
	n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&peer, &plen);
	if (n >= 0)
		sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&peer, plen);
}

static int serve(int argc, char **argv)
{
	struct pollfd pfd[2 * MAX_SERVE];
	int type[2 * MAX_SERVE], n = 0, i;
	struct sockaddr_in sin;

	for (i = 0; i < argc && i < MAX_SERVE; i++) {
		if (parse_addr(argv[i], &sin))
			return 2;
		pfd[n] = (struct pollfd){.fd = bound(SOCK_STREAM, &sin),
					 .events = POLLIN};
		type[n++] = SOCK_STREAM;
		pfd[n] = (struct pollfd){.fd = bound(SOCK_DGRAM, &sin),
					 .events = POLLIN};
		type[n++] = SOCK_DGRAM;
		if (pfd[n - 1].fd < 0 || pfd[n - 2].fd < 0) {
			perror(argv[i]);
			return 1;
		}
	}
	for (;;) {
		if (poll(pfd, (nfds_t)n, -1) < 0 && errno != EINTR)
			return 1;
		for (i = 0; i < n; i++)
			if (pfd[i].revents & POLLIN)
				serve_one(pfd[i].fd, type[i]);
	}
}

/* Wait for the socket; 0, or the outcome when it did not get ready. */
static const char *wait_ready(int fd, short events)
{
	struct pollfd p = {.fd = fd, .events = events};
	int r = poll(&p, 1, ATTEMPT_TIMEOUT_MS);

	if (r == 0)
		return "timeout";
	return r < 0 ? "error" : NULL;
}

static const char *outcome_of(int err, const char *ok)
{
	if (!err)
		return ok;
	return err == ECONNREFUSED ? "refused" : "error";
}

static const char *try_tcp(int fd, const struct sockaddr_in *to)
{
	struct linger lg = {.l_onoff = 1, .l_linger = 0};
	socklen_t len = sizeof(int);
	const char *w;
	int err = 0;

	fcntl(fd, F_SETFL, O_NONBLOCK);
	if (connect(fd, (const struct sockaddr *)to, sizeof(*to)) &&
	    errno != EINPROGRESS)
		return outcome_of(errno, "connected");
	w = wait_ready(fd, POLLOUT);
	if (w)
		return w;
	getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
	/* Reset, not FIN: no TIME_WAIT holds the port for the next round. */
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	return outcome_of(err, "connected");
}

static const char *try_udp(int fd, const struct sockaddr_in *to)
{
	char buf[16];
	const char *w;

	if (connect(fd, (const struct sockaddr *)to, sizeof(*to)) ||
	    send(fd, "flood", 5, 0) < 0)
		return outcome_of(errno, "answered");
	w = wait_ready(fd, POLLIN);
	if (w)
		return w;
	return recv(fd, buf, sizeof(buf), 0) < 0 ? outcome_of(errno, "")
						 : "answered";
}

/* One attempt from sport; NULL when the port is busy (not an attempt). */
static const char *attempt(int type, const struct sockaddr_in *to,
			   struct in_addr src, int sport)
{
	struct sockaddr_in from = {.sin_family = AF_INET,
				   .sin_port = htons((uint16_t)sport),
				   .sin_addr = src};
	int fd = socket(AF_INET, type | SOCK_CLOEXEC, 0), one = 1;
	const char *res = NULL;

	if (fd < 0)
		return "error";
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (!bind(fd, (struct sockaddr *)&from, sizeof(from)))
		res = type == SOCK_STREAM ? try_tcp(fd, to) : try_udp(fd, to);
	close(fd);
	return res;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int flood(int argc, char **argv)
{
	int type = !strcmp(argv[0], "udp") ? SOCK_DGRAM : SOCK_STREAM;
	double end = now_s() + atof(argv[2]);
	int p0 = atoi(argv[3]), np = atoi(argv[4]), i = 0;
	struct in_addr src = {.s_addr = htonl(INADDR_ANY)};
	struct sockaddr_in to;
	const char *res;

	if (parse_addr(argv[1], &to) || np < 1 ||
	    (argc > 5 && inet_pton(AF_INET, argv[5], &src) != 1))
		return 2;
	while (now_s() < end) {
		res = attempt(type, &to, src, p0 + i % np);
		if (res)
			printf("%s %d\n", res, p0 + i % np);
		i++;
	}
	return fflush(stdout) ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[1], "serve"))
		return serve(argc - 2, argv + 2);
	if ((argc == 7 || argc == 8) && !strcmp(argv[1], "flood"))
		return flood(argc - 2, argv + 2);
	fprintf(stderr, "usage: floodclient serve ADDR:PORT...\n"
			"       floodclient flood tcp|udp ADDR:PORT SECONDS "
			"PORT0 NPORTS [SRC]\n");
	return 2;
}
