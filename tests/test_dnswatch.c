// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dnswatch: queries as the worker lets them out and answers as NFLOG
 * copies them, whole IP packets; only an answer from the queried server
 * to the querying port, with the query's ID and question, names an
 * address; the lookup gives the most recent name first.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <errno.h>

#include "decode.h"
#include "dnswatch.h"
#include "flow.h"
#include "pktbuild.h"

#define S 1000000LL

/* A DNS message: header, one question for name A IN, and when an answer
 * name A addr with a TTL of 300. */
static size_t dns_msg(uint8_t *b, unsigned id, const char *name,
		      const char *addr)
{
	size_t n = 0, i;
	const char *l = name;
	unsigned a[4];

	b[n++] = (uint8_t)(id >> 8);
	b[n++] = (uint8_t)id;
	b[n++] = addr ? 0x81 : 0x01;
	b[n++] = addr ? 0x80 : 0x00;
	memcpy(b + n, addr ? "\0\1\0\1\0\0\0\0" : "\0\1\0\0\0\0\0\0", 8);
	n += 8;
	while (*l) {
		size_t len = strcspn(l, ".");

		b[n++] = (uint8_t)len;
		memcpy(b + n, l, len);
		n += len;
		l += len + (l[len] == '.');
	}
	b[n++] = 0;
	memcpy(b + n, "\0\1\0\1", 4);
	n += 4;
	if (!addr)
		return n;
	/* the answer's owner points at the question's name */
	memcpy(b + n, "\xc0\x0c\0\1\0\1\0\0\1\x2c\0\4", 12);
	n += 12;
	sscanf(addr, "%u.%u.%u.%u", &a[0], &a[1], &a[2], &a[3]);
	for (i = 0; i < 4; i++)
		b[n++] = (uint8_t)a[i];
	return n;
}

/* An IPv4 UDP packet carrying a DNS message. */
static void udp_dns(struct pkt *p, const char *src, uint16_t sport,
		    const char *dst, uint16_t dport, unsigned id,
		    const char *name, const char *addr)
{
	uint8_t m[512];
	size_t n = dns_msg(m, id, name, addr);

	p->len = 0;
	pkt_ipv4(p, 17, src, dst, 8 + n, 5, 0);
	pkt_udp(p, sport, dport, n); /* zeros, the message written over */
	memcpy(p->b + p->len - n, m, n);
}

/* The worker's side: the query packet, decoded and let out. */
static void send_query(struct dnswatch *w, unsigned id, const char *name,
		       int64_t now)
{
	struct flow f;
	struct pkt p;

	udp_dns(&p, "10.0.0.2", 40000, "10.0.0.1", 53, id, name, NULL);
	assert_int_equal(decode_packet(p.b, p.len, DECODE_LINK_IP, &f),
			 DECODE_OK);
	dnswatch_sent(w, &f, p.b, p.len, now);
}

static int answer(struct dnswatch *w, const char *src, uint16_t dport,
		  unsigned id, const char *name, const char *addr)
{
	struct pkt p;

	udp_dns(&p, src, 53, "10.0.0.2", dport, id, name, addr);
	return dnswatch_received(w, p.b, p.len, 0);
}

static const char *name_of(struct dnswatch *w, const char *dst, int64_t now)
{
	static struct dnsname_list out;
	struct flow f;
	struct pkt p = {0};

	pkt_ipv4(&p, 6, "10.0.0.2", dst, 20, 5, 0);
	pkt_tcp(&p, 40001, 443, 0x02);
	assert_int_equal(decode_packet(p.b, p.len, DECODE_LINK_IP, &f),
			 DECODE_OK);
	dnswatch_lookup(w, &f, now, &out);
	return out.n ? out.ptr[0] : NULL;
}

static void test_learned(void **state)
{
	struct dnswatch *w = dnswatch_new(16, 16);

	(void)state;
	assert_int_equal(dnswatch_fd(w), -1);
	send_query(w, 0x1234, "test.example", 0);
	assert_int_equal(answer(w, "10.0.0.1", 40000, 0x1234, "test.example",
				"10.9.0.1"),
			 1);
	assert_string_equal(name_of(w, "10.9.0.1", S), "test.example");
	assert_null(name_of(w, "10.9.0.2", S));
	/* the query is consumed */
	assert_int_equal(answer(w, "10.0.0.1", 40000, 0x1234, "test.example",
				"10.9.0.2"),
			 -ENOENT);
	dnswatch_free(w);
}

/* Another server, port, ID or question, or nothing asked: not learned. */
static void test_spoofed(void **state)
{
	struct dnswatch *w = dnswatch_new(16, 16);

	(void)state;
	assert_int_equal(
		answer(w, "10.0.0.1", 40000, 7, "bank.test", "6.6.6.6"),
		-ENOENT);
	send_query(w, 8, "bank.test", 0);
	assert_int_equal(
		answer(w, "10.0.0.3", 40000, 8, "bank.test", "6.6.6.6"),
		-ENOENT);
	assert_int_equal(
		answer(w, "10.0.0.1", 40001, 8, "bank.test", "6.6.6.6"),
		-ENOENT);
	assert_int_equal(
		answer(w, "10.0.0.1", 40000, 9, "bank.test", "6.6.6.6"),
		-ENOENT);
	assert_int_equal(
		answer(w, "10.0.0.1", 40000, 8, "bank.evil", "6.6.6.6"),
		-ENOENT);
	assert_null(name_of(w, "6.6.6.6", 0));
	dnswatch_free(w);
}

/* Not an answer from port 53, cut short, or not a packet at all. */
static void test_not_answers(void **state)
{
	struct dnswatch *w = dnswatch_new(16, 16);
	struct pkt p;
	size_t n;

	(void)state;
	send_query(w, 10, "cut.test", 0);
	udp_dns(&p, "10.0.0.1", 5353, "10.0.0.2", 40000, 10, "cut.test",
		"1.1.1.1");
	assert_int_equal(dnswatch_received(w, p.b, p.len, 0), -EINVAL);
	udp_dns(&p, "10.0.0.1", 53, "10.0.0.2", 40000, 10, "cut.test",
		"1.1.1.1");
	for (n = 0; n < p.len; n++)
		assert_true(dnswatch_received(w, p.b, n, 0) < 0);
	p.b[9] = 6; /* TCP */
	assert_int_equal(dnswatch_received(w, p.b, p.len, 0), -EINVAL);
	p.b[9] = 17;
	assert_int_equal(dnswatch_received(w, p.b, p.len, 0), 1);
	assert_string_equal(name_of(w, "1.1.1.1", 0), "cut.test");
	dnswatch_free(w);
}

/* A query to another port, or inbound, is not kept. */
static void test_not_queries(void **state)
{
	struct dnswatch *w = dnswatch_new(16, 16);
	struct flow f;
	struct pkt p;

	(void)state;
	udp_dns(&p, "10.0.0.2", 40000, "10.0.0.1", 5353, 11, "q.test", NULL);
	assert_int_equal(decode_packet(p.b, p.len, DECODE_LINK_IP, &f),
			 DECODE_OK);
	dnswatch_sent(w, &f, p.b, p.len, 0);
	udp_dns(&p, "10.0.0.2", 40000, "10.0.0.1", 53, 11, "q.test", NULL);
	assert_int_equal(decode_packet(p.b, p.len, DECODE_LINK_IP, &f),
			 DECODE_OK);
	f.direction = FLOW_DIR_IN;
	dnswatch_sent(w, &f, p.b, p.len, 0);
	/* cut short: the worker copies 512 bytes of a longer packet */
	f.direction = FLOW_DIR_OUT;
	dnswatch_sent(w, &f, p.b, p.len - 1, 0);
	assert_int_equal(answer(w, "10.0.0.1", 40000, 11, "q.test", "2.2.2.2"),
			 -ENOENT);
	dnswatch_free(w);
}

/* A server on loopback: any program in the sandbox can be one. */
static void test_loopback_server(void **state)
{
	struct dnswatch *w = dnswatch_new(16, 16);
	struct flow f;
	struct pkt p;

	(void)state;
	udp_dns(&p, "10.0.0.2", 40000, "127.0.0.53", 53, 12, "lo.test", NULL);
	assert_int_equal(decode_packet(p.b, p.len, DECODE_LINK_IP, &f),
			 DECODE_OK);
	dnswatch_sent(w, &f, p.b, p.len, 0);
	udp_dns(&p, "127.0.0.53", 53, "10.0.0.2", 40000, 12, "lo.test",
		"4.4.4.4");
	assert_int_equal(dnswatch_received(w, p.b, p.len, 0), -EINVAL);
	assert_null(name_of(w, "4.4.4.4", 0));
	dnswatch_free(w);
}

/* Two names for one address: the most recent first, both listed. */
static void test_names(void **state)
{
	struct dnswatch *w = dnswatch_new(16, 16);
	struct dnsname_list out;
	struct flow f;
	struct pkt p = {0};

	(void)state;
	send_query(w, 1, "one.test", 0);
	assert_int_equal(answer(w, "10.0.0.1", 40000, 1, "one.test", "3.3.3.3"),
			 1);
	send_query(w, 2, "two.test", 0);
	assert_int_equal(answer(w, "10.0.0.1", 40000, 2, "two.test", "3.3.3.3"),
			 1);
	pkt_ipv4(&p, 6, "10.0.0.2", "3.3.3.3", 20, 5, 0);
	pkt_tcp(&p, 40001, 443, 0x02);
	assert_int_equal(decode_packet(p.b, p.len, DECODE_LINK_IP, &f),
			 DECODE_OK);
	dnswatch_lookup(w, &f, 0, &out);
	assert_int_equal(out.n, 2);
	assert_string_equal(out.ptr[0], "two.test");
	assert_string_equal(out.ptr[1], "one.test");
	/* expired: at least DNSNAME_TTL_MIN_S, here the TTL of 300 s */
	dnswatch_lookup(w, &f, 301 * S, &out);
	assert_int_equal(out.n, 0);
	dnswatch_free(w);
	dnswatch_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_learned),
		cmocka_unit_test(test_spoofed),
		cmocka_unit_test(test_not_answers),
		cmocka_unit_test(test_not_queries),
		cmocka_unit_test(test_loopback_server),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
