// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The sock_diag reply parser on constructed replies: what the kernel
 * sends, what a confused or hostile peer could send, and the sockets the
 * kernel offers that did not send the flow (listener, TIME_WAIT, another
 * connection on the same port).
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

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "sockdiag.h"

#define SEQ    77
#define PORTID 4242

static char buf[8192];

/* The socket as the kernel describes it: src is always the local end. */
struct sock {
	int family;
	uint8_t state;
	const char *src, *dst;
	uint16_t sport, dport;
	uint32_t uid, inode, ifindex;
};

static void put_addr(uint32_t out[4], int family, const char *s)
{
	memset(out, 0, 16);
	assert_int_equal(inet_pton(family, s, out), 1);
}

/* Append one SOCK_DIAG_BY_FAMILY message at buf + off; returns its size. */
static size_t put_msg(size_t off, uint32_t seq, const struct sock *s)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf + off);
	struct inet_diag_msg *m;

	nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
	nlh->nlmsg_seq = seq;
	nlh->nlmsg_pid = PORTID;
	m = mnl_nlmsg_put_extra_header(nlh, sizeof(*m));
	m->idiag_family = (uint8_t)s->family;
	m->idiag_state = s->state;
	put_addr(m->id.idiag_src, s->family, s->src);
	put_addr(m->id.idiag_dst, s->family, s->dst);
	m->id.idiag_sport = htons(s->sport);
	m->id.idiag_dport = htons(s->dport);
	m->id.idiag_if = s->ifindex;
	m->idiag_uid = s->uid;
	m->idiag_inode = s->inode;
	mnl_attr_put_u8(nlh, INET_DIAG_SHUTDOWN, 0);
	if (s->family == AF_INET6)
		mnl_attr_put_u8(nlh, INET_DIAG_SKV6ONLY, 0);
	mnl_attr_put_u64(nlh, INET_DIAG_CGROUP_ID, 1234);
	return nlh->nlmsg_len;
}

static size_t put_error(size_t off, uint32_t seq, int error)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf + off);
	struct nlmsgerr *e;

	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_seq = seq;
	nlh->nlmsg_pid = PORTID;
	e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));
	e->error = error;
	return nlh->nlmsg_len;
}

/* The request sockdiag_lookup makes for local -> remote. */
static void mkreq(struct inet_diag_req_v2 *req, int proto, int family,
		  const char *local, uint16_t lport, const char *remote,
		  uint16_t rport)
{
	bool udp = proto == IPPROTO_UDP;
	struct inet_diag_sockid *id = &req->id;

	memset(req, 0, sizeof(*req));
	req->sdiag_family = (uint8_t)family;
	req->sdiag_protocol = (uint8_t)proto;
	put_addr(udp ? id->idiag_dst : id->idiag_src, family, local);
	put_addr(udp ? id->idiag_src : id->idiag_dst, family, remote);
	*(udp ? &id->idiag_dport : &id->idiag_sport) = htons(lport);
	*(udp ? &id->idiag_sport : &id->idiag_dport) = htons(rport);
}

static const struct sock est4 = {
	.family = AF_INET,
	.state = TCP_ESTABLISHED,
	.src = "10.0.0.2",
	.dst = "93.184.216.34",
	.sport = 40000,
	.dport = 443,
	.uid = 1000,
	.inode = 31337,
	.ifindex = 0,
};

static int parse(size_t len, const struct inet_diag_req_v2 *req,
		 struct sockdiag_result *res)
{
	/* an exact-size copy, so that ASan sees any over-read */
	char *copy = malloc(len ? len : 1);
	int r;

	assert_non_null(copy);
	memcpy(copy, buf, len);
	r = sockdiag_parse(copy, len, SEQ, PORTID, req, res);
	free(copy);
	return r;
}

/* The reply that describes socket s, parsed as the answer to req. */
static int parse_sock(const struct sock *s, const struct inet_diag_req_v2 *req,
		      struct sockdiag_result *res)
{
	return parse(put_msg(0, SEQ, s), req, res);
}

static void req_tcp4(struct inet_diag_req_v2 *req)
{
	mkreq(req, IPPROTO_TCP, AF_INET, "10.0.0.2", 40000, "93.184.216.34",
	      443);
}

static void test_found(void **state)
{
	struct inet_diag_req_v2 req;
	struct sockdiag_result res;
	struct sock s = est4;
	size_t n;

	req_tcp4(&req);
	s.ifindex = 3;
	n = put_msg(0, SEQ, &s);
	assert_int_equal(parse(n, &req, &res), 0);
	assert_int_equal(res.inode, 31337);
	assert_int_equal(res.uid, 1000);
	assert_int_equal(res.state, TCP_ESTABLISHED);
	assert_int_equal(res.family, AF_INET);
	assert_int_equal(res.ifindex, 3);
	s.state = TCP_SYN_SENT;
	n = put_msg(0, SEQ, &s);
	assert_int_equal(parse(n, &req, &res), 0);
	assert_int_equal(res.state, TCP_SYN_SENT);
}

static void test_sequence(void **state)
{
	struct inet_diag_req_v2 req;
	struct sockdiag_result res;
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	size_t n;

	req_tcp4(&req);
	n = put_msg(0, SEQ - 1, &est4); /* a late answer to an old request */
	assert_int_equal(parse(n, &req, &res), -EAGAIN);
	n += put_msg(n, SEQ, &est4);
	assert_int_equal(parse(n, &req, &res), 0);
	n = put_msg(0, SEQ, &est4);
	nlh->nlmsg_pid = PORTID + 1; /* not for us */
	assert_int_equal(parse(n, &req, &res), -EAGAIN);
	assert_int_equal(parse(0, &req, &res), -EAGAIN);
}

static void test_errors(void **state)
{
	struct inet_diag_req_v2 req;
	struct sockdiag_result res;
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	size_t n;

	req_tcp4(&req);
	assert_int_equal(parse(put_error(0, SEQ, -ENOENT), &req, &res),
			 -ENOENT);
	assert_int_equal(parse(put_error(0, SEQ, -EPERM), &req, &res), -EPERM);
	assert_int_equal(parse(put_error(0, SEQ, 0), &req, &res), -ENOENT);
	assert_int_equal(parse(put_error(0, SEQ, 5), &req, &res), -ENOENT);
	assert_int_equal(parse(put_error(0, SEQ, -100000), &req, &res),
			 -ENOENT);
	/* an error message too short for struct nlmsgerr */
	n = put_error(0, SEQ, -EPERM);
	nlh->nlmsg_len = sizeof(*nlh) + 2;
	assert_int_equal(parse(nlh->nlmsg_len, &req, &res), -EBADMSG);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = NLMSG_DONE;
	nlh->nlmsg_seq = SEQ;
	nlh->nlmsg_pid = PORTID;
	assert_int_equal(parse(nlh->nlmsg_len, &req, &res), -ENOENT);
	nlh->nlmsg_type = 0x1234; /* neither diag nor control */
	assert_int_equal(parse(nlh->nlmsg_len, &req, &res), -EBADMSG);
	(void)n;
}

static void test_truncated(void **state)
{
	struct inet_diag_req_v2 req;
	struct sockdiag_result res;
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	size_t n, cut;

	req_tcp4(&req);
	n = put_msg(0, SEQ, &est4);
	/* Every shorter datagram fails cleanly, none is taken as found. */
	for (cut = 0; cut < n; cut++)
		assert_int_not_equal(parse(cut, &req, &res), 0);
	/* nlmsg_len claims less than an inet_diag_msg */
	nlh->nlmsg_len = sizeof(*nlh) + sizeof(struct inet_diag_msg) - 1;
	assert_int_equal(parse(nlh->nlmsg_len, &req, &res), -EBADMSG);
	/* nlmsg_len beyond the datagram, or below a header */
	nlh->nlmsg_len = (uint32_t)n + 4;
	assert_int_equal(parse(n, &req, &res), -EBADMSG);
	nlh->nlmsg_len = 3;
	assert_int_equal(parse(n, &req, &res), -EBADMSG);
	/* so large that aligning it wraps to 0 (found by fuzz_sockdiag) */
	nlh->nlmsg_len = 0xffffffff;
	assert_int_equal(parse(n, &req, &res), -EBADMSG);
	nlh->nlmsg_len = 0xfffffffd;
	assert_int_equal(parse(n, &req, &res), -EBADMSG);
}

static void test_attributes(void **state)
{
	struct inet_diag_req_v2 req;
	struct sockdiag_result res;
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	struct nlattr *a;
	size_t n;

	req_tcp4(&req);
	n = put_msg(0, SEQ, &est4);
	mnl_attr_put_u32(nlh, 200, 1); /* unknown: skipped */
	assert_int_equal(parse(nlh->nlmsg_len, &req, &res), 0);
	/* a known attribute shorter than its type */
	n = put_msg(0, SEQ, &est4);
	a = mnl_nlmsg_get_payload_tail(nlh);
	mnl_attr_put(nlh, INET_DIAG_CGROUP_ID, 2, "ab");
	assert_int_equal(mnl_attr_get_type(a), INET_DIAG_CGROUP_ID);
	assert_int_equal(parse(nlh->nlmsg_len, &req, &res), -EBADMSG);
	/* one stray byte after the attributes, unpadded at the very end:
	 * no attribute header may be read from beyond it */
	n = put_msg(0, SEQ, &est4);
	buf[n] = 4;
	nlh->nlmsg_len = (uint32_t)n + 1;
	assert_int_equal(parse(n + 1, &req, &res), 0);
}

static const struct sock listen4 = {
	.family = AF_INET,
	.state = TCP_LISTEN,
	.src = "0.0.0.0",
	.dst = "0.0.0.0",
	.sport = 40000,
	.inode = 99,
};

/* The kernel falls back to a listener: an outbound SYN is never its. */
static void test_listener(void **state)
{
	struct inet_diag_req_v2 req;
	struct sockdiag_result res;
	struct sock s = listen4;

	req_tcp4(&req);
	assert_int_equal(parse_sock(&s, &req, &res), -ENOENT);
}

/* A request for an inbound flow's listener takes the listener only. */
static void test_listener_asked(void **state)
{
	struct inet_diag_req_v2 req;
	struct sockdiag_result res;
	struct sock s = listen4;

	req_tcp4(&req);
	req.idiag_states = SOCKDIAG_LISTENER;
	assert_int_equal(parse_sock(&s, &req, &res), 0);
	assert_int_equal(res.inode, 99);
	assert_int_equal(res.state, TCP_LISTEN);
	s = est4;
	assert_int_equal(parse_sock(&s, &req, &res), -ENOENT);
	s.state = TCP_TIME_WAIT;
	assert_int_equal(parse_sock(&s, &req, &res), -ENOENT);
}

/* TIME_WAIT and request sockets say uid 0 / inode 0: unknown, not root. */
static void test_ownerless(void **state)
{
	struct inet_diag_req_v2 req;
	struct sockdiag_result res;
	struct sock s = est4;

	req_tcp4(&req);
	s.uid = 0;
	s.inode = 0;
	s.state = TCP_TIME_WAIT;
	assert_int_equal(parse_sock(&s, &req, &res), -ENOENT);
	s.state = 12; /* TCP_NEW_SYN_RECV */
	assert_int_equal(parse_sock(&s, &req, &res), -ENOENT);
}

/* Sockets that share a port with the flow but cannot have sent it. */
static void test_tuple_mismatch(void **state)
{
	struct inet_diag_req_v2 req;
	struct sockdiag_result res;
	struct sock s;

	req_tcp4(&req);
	s = est4;
	s.sport = 40001;
	assert_int_equal(parse_sock(&s, &req, &res), -ENOENT);
	s = est4;
	s.dst = "93.184.216.35";
	assert_int_equal(parse_sock(&s, &req, &res), -ENOENT);
	s = est4;
	s.dport = 80;
	assert_int_equal(parse_sock(&s, &req, &res), -ENOENT);
	s = est4;
	s.src = "10.0.0.3";
	assert_int_equal(parse_sock(&s, &req, &res), -ENOENT);
	s = est4;
	s.family = AF_INET6;
	s.src = "::ffff:10.0.0.2";
	s.dst = "::ffff:93.184.216.34";
	assert_int_equal(parse_sock(&s, &req, &res), -ENOENT);
	/* remote port set but address not: no socket looks like that */
	s = est4;
	s.dst = "0.0.0.0";
	assert_int_equal(parse_sock(&s, &req, &res), -ENOENT);
}

/* UDP requests carry the remote end in src; replies do not. */
static void test_udp(void **state)
{
	struct inet_diag_req_v2 req;
	struct sockdiag_result res;
	struct sock s = {
		.family = AF_INET6,
		.state = TCP_CLOSE,
		.src = "::",
		.dst = "::",
		.sport = 5353,
		.uid = 65534,
		.inode = 4711,
	};

	mkreq(&req, IPPROTO_UDP, AF_INET6, "fd00::2", 5353, "fd00::53", 53);
	/* unconnected, bound to any address */
	assert_int_equal(parse_sock(&s, &req, &res), 0);
	assert_int_equal(res.uid, 65534);
	/* connected to the flow's remote end */
	s.src = "fd00::2";
	s.dst = "fd00::53";
	s.dport = 53;
	s.state = TCP_ESTABLISHED;
	assert_int_equal(parse_sock(&s, &req, &res), 0);
	/* connected elsewhere */
	s.dst = "fd00::54";
	assert_int_equal(parse_sock(&s, &req, &res), -ENOENT);
	/* the remote end's own socket (the orientation the other way) */
	s.src = "fd00::53";
	s.sport = 53;
	s.dst = "::";
	s.dport = 0;
	assert_int_equal(parse_sock(&s, &req, &res), -ENOENT);
}

/* A dual-stack socket sending IPv4, asked for as ::ffff:a.b.c.d. */
static void test_mapped(void **state)
{
	struct inet_diag_req_v2 req;
	struct sockdiag_result res;
	struct sock s = {
		.family = AF_INET6,
		.state = TCP_SYN_SENT,
		.src = "::ffff:10.0.0.2",
		.dst = "::ffff:93.184.216.34",
		.sport = 40000,
		.dport = 443,
		.uid = 1000,
		.inode = 5,
	};

	mkreq(&req, IPPROTO_TCP, AF_INET6, "::ffff:10.0.0.2", 40000,
	      "::ffff:93.184.216.34", 443);
	assert_int_equal(parse_sock(&s, &req, &res), 0);
	assert_int_equal(res.family, AF_INET6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_found),
		cmocka_unit_test(test_sequence),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_attributes),
		cmocka_unit_test(test_listener),
		cmocka_unit_test(test_listener_asked),
		cmocka_unit_test(test_ownerless),
		cmocka_unit_test(test_tuple_mismatch),
		cmocka_unit_test(test_udp),
		cmocka_unit_test(test_mapped),
	};

	return cmocka_run_group_tests_name("sockdiag", tests, NULL, NULL);
}
