// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * NFQUEUE for real: the test moves itself into a network namespace of its
 * own (unshare), queues loopback SYNs and UDP there, and checks that each
 * verdict reaches the connecting socket as it should.  Needs root; skips
 * (77) where namespaces or iptables are missing.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "decode.h"
#include "flow.h"
#include "nfqueue.h"

#define QUEUE 7
#define MARK  0x100
#define PORT  5555

static struct nfqueue *q;
static int listener;

struct seen {
	int n;
	struct nfqueue_packet last;
	struct flow flow;
	enum nfqueue_verdict answer;
};

static void on_packet(const struct nfqueue_packet *pkt, void *data)
{
	struct seen *s = data;

	s->n++;
	s->last = *pkt;
	assert_int_equal(
		decode_packet(pkt->data, pkt->caplen, DECODE_LINK_IP, &s->flow),
		DECODE_OK);
	assert_int_equal(nfqueue_verdict(q, pkt->id, pkt->mark, s->answer), 0);
}

/* Wait until the queue delivers want packets, answering each. */
static void pump(struct seen *s, int want)
{
	struct pollfd pfd = {.fd = nfqueue_fd(q), .events = POLLIN};
	int tries;

	for (tries = 0; s->n < want && tries < 50; tries++) {
		if (poll(&pfd, 1, 100) > 0)
			assert_true(nfqueue_receive(q, on_packet, s) >= 0);
	}
	assert_int_equal(s->n, want);
	assert_int_equal(nfqueue_flush(q), 0);
}

static int start_connect(int type, uint16_t port)
{
	struct sockaddr_in sa = {.sin_family = AF_INET,
				 .sin_port = htons(port)};
	int fd = socket(AF_INET, type | SOCK_NONBLOCK, 0);

	assert_true(fd >= 0);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		assert_int_equal(errno, EINPROGRESS);
	return fd;
}

/* The connect's outcome: 0, an errno, or EINPROGRESS after timeout_ms. */
static int connect_result(int fd, int timeout_ms)
{
	struct pollfd pfd = {.fd = fd, .events = POLLOUT};
	socklen_t len = sizeof(int);
	int err = 0;

	if (poll(&pfd, 1, timeout_ms) == 0)
		return EINPROGRESS;
	getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
	return err;
}

static void test_tcp_accept(void **state)
{
	struct seen s = {.answer = NFQUEUE_ACCEPT};
	int fd = start_connect(SOCK_STREAM, PORT);

	pump(&s, 1);
	assert_int_equal(connect_result(fd, 2000), 0);
	assert_int_equal(s.flow.proto, 6);
	assert_int_equal(s.flow.dport, PORT);
	assert_int_equal(s.flow.tcp_flags & 0x12, 0x02);
	assert_true(s.last.have_owner);
	assert_int_equal(s.last.uid, getuid());
	assert_int_equal(s.last.queue, QUEUE);
	assert_false(s.last.inbound);
	close(fd);
}

static void test_tcp_reject(void **state)
{
	struct seen s = {.answer = NFQUEUE_REJECT};
	int fd = start_connect(SOCK_STREAM, PORT);

	pump(&s, 1);
	/* The repeated packet meets the mark rule: RST, refused at once. */
	assert_int_equal(connect_result(fd, 2000), ECONNREFUSED);
	close(fd);
}

static void test_tcp_drop(void **state)
{
	struct seen s = {.answer = NFQUEUE_DROP};
	int fd = start_connect(SOCK_STREAM, PORT);

	pump(&s, 1);
	assert_int_equal(connect_result(fd, 300), EINPROGRESS);
	close(fd);
}

static void test_udp_reject(void **state)
{
	struct seen s = {.answer = NFQUEUE_REJECT};
	int fd = start_connect(SOCK_DGRAM, PORT + 1);
	struct pollfd pfd = {.fd = fd, .events = POLLIN};
	char b;

	assert_int_equal(send(fd, "x", 1, 0), 1);
	pump(&s, 1);
	assert_int_equal(s.flow.proto, 17);
	assert_int_equal(s.flow.dport, PORT + 1);
	/* ICMP port unreachable comes back as ECONNREFUSED. */
	poll(&pfd, 1, 2000);
	assert_int_equal(recv(fd, &b, 1, 0), -1);
	assert_int_equal(errno, ECONNREFUSED);
	close(fd);
}

/* A SYN queued at INPUT says so: the flow is one the outside opened. */
static void test_inbound_hook(void **state)
{
	struct seen s = {.answer = NFQUEUE_DROP};
	int fd = start_connect(SOCK_STREAM, PORT + 2);

	pump(&s, 1);
	assert_true(s.last.inbound);
	assert_int_equal(s.flow.dport, PORT + 2);
	close(fd);
}

static void test_burst_batched(void **state)
{
	struct seen s = {.answer = NFQUEUE_ACCEPT};
	int fds[20], i;

	for (i = 0; i < 20; i++)
		fds[i] = start_connect(SOCK_STREAM, PORT);
	pump(&s, 20);
	for (i = 0; i < 20; i++) {
		assert_int_equal(connect_result(fds[i], 2000), 0);
		close(fds[i]);
	}
}

static void keep_id(const struct nfqueue_packet *pkt, void *data)
{
	uint32_t *ids = data;

	ids[ids[0]++ + 1] = pkt->id;
}

/* Receive on h until the ids array holds want packets. */
static void pump_ids(struct nfqueue *h, uint32_t *ids, uint32_t want)
{
	struct pollfd pfd = {.fd = nfqueue_fd(h), .events = POLLIN};
	int tries;

	for (tries = 0; ids[0] < want && tries < 50; tries++)
		if (poll(&pfd, 1, 100) > 0)
			assert_true(nfqueue_receive(h, keep_id, ids) >= 0);
	assert_int_equal(ids[0], want);
}

/*
 * A second handle on the queue's socket (another worker thread's): it
 * receives, its verdicts count, and they may come out of packet order
 * and from either handle.  Closing it leaves the queue to the first.
 */
static void test_clone(void **state)
{
	struct nfqueue *c = nfqueue_clone(q);
	uint32_t ids[4] = {0};
	int a, b;

	assert_non_null(c);
	assert_int_equal(nfqueue_fd(c), nfqueue_fd(q));
	a = start_connect(SOCK_STREAM, PORT);
	pump_ids(c, ids, 1);
	b = start_connect(SOCK_STREAM, PORT);
	pump_ids(c, ids, 2);
	assert_true(ids[2] > ids[1]);
	assert_int_equal(nfqueue_verdict(c, ids[2], 0, NFQUEUE_ACCEPT), 0);
	assert_int_equal(nfqueue_flush(c), 0);
	assert_int_equal(connect_result(b, 2000), 0);
	assert_int_equal(connect_result(a, 200), EINPROGRESS);
	assert_int_equal(nfqueue_verdict(q, ids[1], 0, NFQUEUE_ACCEPT), 0);
	assert_int_equal(nfqueue_flush(q), 0);
	assert_int_equal(connect_result(a, 2000), 0);
	close(a);
	close(b);
	nfqueue_close(c);
	test_tcp_accept(state);
}

static void test_queue_busy(void **state)
{
	struct nfqueue_opts o = {
		.queue = QUEUE, .maxlen = 16, .copy = 128, .rcvbuf = 1 << 20};

	assert_null(nfqueue_open(&o));
	assert_int_equal(errno, EBUSY);
}

static void test_kernel_counters(void **state)
{
	uint64_t qd = 99, ud = 99;

	assert_int_equal(nfqueue_kernel_drops(QUEUE, &qd, &ud), 0);
	assert_int_equal(qd, 0);
	assert_int_equal(ud, 0);
	assert_int_equal(nfqueue_kernel_drops(4321, &qd, &ud), -ENOENT);
}

static int setup_netns(void)
{
	static const char *const cmds[] = {
		"ip link set lo up",
		"iptables -A OUTPUT -m mark --mark 0x100/0x100 -p tcp "
		"-j REJECT --reject-with tcp-reset",
		"iptables -A OUTPUT -m mark --mark 0x100/0x100 -p udp "
		"-j REJECT --reject-with icmp-port-unreachable",
		"iptables -A OUTPUT -p tcp --syn --dport 5555 "
		"-j NFQUEUE --queue-num 7",
		"iptables -A OUTPUT -p udp --dport 5556 -j NFQUEUE --queue-num "
		"7",
		"iptables -A INPUT -p tcp --syn --dport 5557 "
		"-j NFQUEUE --queue-num 7",
	};
	size_t i;

	if (geteuid() != 0 || unshare(CLONE_NEWNET) < 0)
		return -1;
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (system(cmds[i]) != 0)
			return -1;
	return 0;
}

static int group_setup(void **state)
{
	struct nfqueue_opts o = {.queue = QUEUE,
				 .maxlen = 64,
				 .copy = 128,
				 .rcvbuf = 1 << 20,
				 .mark = MARK,
				 .mark_mask = MARK};
	struct sockaddr_in sa = {.sin_family = AF_INET,
				 .sin_port = htons(PORT)};
	int on = 1;

	q = nfqueue_open(&o);
	if (!q)
		return -1;
	listener = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(listener, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(listener, 64))
		return -1;
	return 0;
}

static int group_teardown(void **state)
{
	nfqueue_close(q);
	close(listener);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tcp_accept),
		cmocka_unit_test(test_tcp_reject),
		cmocka_unit_test(test_tcp_drop),
		cmocka_unit_test(test_udp_reject),
		cmocka_unit_test(test_inbound_hook),
		cmocka_unit_test(test_burst_batched),
		cmocka_unit_test(test_clone),
		cmocka_unit_test(test_queue_busy),
		cmocka_unit_test(test_kernel_counters),
	};

	if (setup_netns()) {
		fprintf(stderr, "skipped: needs root, a network namespace "
				"and iptables\n");
		return 77;
	}
	return cmocka_run_group_tests_name("nfqueue_live", tests, group_setup,
					   group_teardown);
}
