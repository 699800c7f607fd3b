// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dnsname: names learned only from answers to queries the sandbox sent
 * (ID, question, client and server checked), along the CNAME chain, for
 * as long as the TTL says, in bounded tables; hostile messages (cut
 * short, compression loops, CNAME loops, bad lengths) teach nothing and
 * crash nothing.
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

#include "dnsname.h"

#define S	1000000LL /* a second in microseconds */
#define T_A	1
#define T_CNAME 5
#define T_AAAA	28

/* A DNS message written field by field, as a test builds it. */
struct msg {
	uint8_t b[2048];
	size_t len;
};

static void put8(struct msg *m, unsigned v)
{
	m->b[m->len++] = (uint8_t)v;
}

static void put16(struct msg *m, unsigned v)
{
	put8(m, v >> 8);
	put8(m, v & 0xff);
}

static void put32(struct msg *m, uint32_t v)
{
	put16(m, v >> 16);
	put16(m, v & 0xffff);
}

/* A name as uncompressed labels. */
static void put_name(struct msg *m, const char *name)
{
	const char *dot;
	size_t n;

	while (*name) {
		dot = strchr(name, '.');
		n = dot ? (size_t)(dot - name) : strlen(name);
		put8(m, (unsigned)n);
		memcpy(m->b + m->len, name, n);
		m->len += n;
		name += n + (dot ? 1 : 0);
	}
	put8(m, 0);
}

/* flags: 0x8180 a response (QR, RD, RA), 0x0100 a query (RD) */
static void header(struct msg *m, unsigned id, unsigned flags, unsigned an)
{
	m->len = 0;
	put16(m, id);
	put16(m, flags);
	put16(m, 1);
	put16(m, an);
	put16(m, 0);
	put16(m, 0);
}

static void question(struct msg *m, const char *name, unsigned type)
{
	put_name(m, name);
	put16(m, type);
	put16(m, 1); /* IN */
}

static void rr_head(struct msg *m, const char *owner, unsigned type,
		    uint32_t ttl, unsigned rdlen)
{
	put_name(m, owner);
	put16(m, type);
	put16(m, 1);
	put32(m, ttl);
	put16(m, rdlen);
}

static void rr_a(struct msg *m, const char *owner, uint32_t ttl, const char *a4)
{
	unsigned x[4];

	sscanf(a4, "%u.%u.%u.%u", &x[0], &x[1], &x[2], &x[3]);
	rr_head(m, owner, T_A, ttl, 4);
	for (int i = 0; i < 4; i++)
		put8(m, x[i]);
}

static void rr_cname(struct msg *m, const char *owner, uint32_t ttl,
		     const char *target)
{
	struct msg t = {0};

	put_name(&t, target);
	rr_head(m, owner, T_CNAME, ttl, (unsigned)t.len);
	memcpy(m->b + m->len, t.b, t.len);
	m->len += t.len;
}

static const struct dnsname_flow flow = {
	.ip_version = 4,
	.client = {10, 0, 0, 2},
	.server = {10, 0, 0, 1},
	.client_port = 40000,
	.server_port = 53,
};

static const uint8_t addr1[16] = {93, 184, 216, 34};
static const uint8_t addr2[16] = {93, 184, 216, 35};

static void send_query(struct dnsname *d, unsigned id, const char *name,
		       unsigned type, int64_t now)
{
	struct msg q;

	header(&q, id, 0x0100, 0);
	question(&q, name, type);
	assert_int_equal(dnsname_query(d, &flow, q.b, q.len, now), 0);
}

/* An answer to (id, name, A): name A 93.184.216.34, TTL ttl. */
static void simple_answer(struct msg *m, unsigned id, const char *name,
			  uint32_t ttl)
{
	header(m, id, 0x8180, 1);
	question(m, name, T_A);
	rr_a(m, name, ttl, "93.184.216.34");
}

static void test_a(void **state)
{
	struct dnsname *d = dnsname_new(8, 8);
	struct msg m;

	(void)state;
	send_query(d, 0x1234, "Test.Example", T_A, 0);
	simple_answer(&m, 0x1234, "Test.Example", 300);
	assert_int_equal(dnsname_answer(d, &flow, m.b, m.len, S), 1);
	assert_string_equal(dnsname_lookup(d, 4, addr1, 2 * S), "test.example");
	assert_null(dnsname_lookup(d, 4, addr2, 2 * S));
	assert_null(dnsname_lookup(d, 6, addr1, 2 * S));
	/* the query was consumed: the same answer again teaches nothing */
	assert_int_equal(dnsname_answer(d, &flow, m.b, m.len, S), -ENOENT);
	dnsname_free(d);
}

static void test_aaaa(void **state)
{
	static const uint8_t v6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 7};
	struct dnsname *d = dnsname_new(8, 8);
	struct msg m;

	(void)state;
	send_query(d, 7, "six.test", T_AAAA, 0);
	header(&m, 7, 0x8180, 1);
	question(&m, "six.test", T_AAAA);
	rr_head(&m, "six.test", T_AAAA, 60, 16);
	memcpy(m.b + m.len, v6, 16);
	m.len += 16;
	assert_int_equal(dnsname_answer(d, &flow, m.b, m.len, 0), 1);
	assert_string_equal(dnsname_lookup(d, 6, v6, S), "six.test");
	assert_null(dnsname_lookup(d, 4, v6, S));
	dnsname_free(d);
}

/* The question's name for the end of a CNAME chain, in any order; a record
 * off the chain is not believed. */
static void test_cname_chain(void **state)
{
	struct dnsname *d = dnsname_new(8, 8);
	struct msg m;

	(void)state;
	send_query(d, 9, "www.a.test", T_A, 0);
	header(&m, 9, 0x8180, 4);
	question(&m, "www.a.test", T_A);
	rr_a(&m, "c.test", 300, "93.184.216.34");
	rr_cname(&m, "b.test", 300, "c.test");
	rr_cname(&m, "www.a.test", 300, "b.test");
	rr_a(&m, "evil.test", 300, "93.184.216.35");
	assert_int_equal(dnsname_answer(d, &flow, m.b, m.len, 0), 1);
	assert_string_equal(dnsname_lookup(d, 4, addr1, S), "www.a.test");
	assert_null(dnsname_lookup(d, 4, addr2, S));
	dnsname_free(d);
}

static void test_cname_loop(void **state)
{
	struct dnsname *d = dnsname_new(8, 8);
	struct msg m;

	(void)state;
	send_query(d, 10, "a.test", T_A, 0);
	header(&m, 10, 0x8180, 3);
	question(&m, "a.test", T_A);
	rr_cname(&m, "a.test", 300, "b.test");
	rr_cname(&m, "b.test", 300, "a.test");
	rr_a(&m, "b.test", 300, "93.184.216.34");
	assert_int_equal(dnsname_answer(d, &flow, m.b, m.len, 0), 1);
	assert_string_equal(dnsname_lookup(d, 4, addr1, S), "a.test");
	dnsname_free(d);
}

/* The least TTL on the chain; at least DNSNAME_TTL_MIN_S. */
static void test_ttl(void **state)
{
	struct dnsname *d = dnsname_new(8, 8);
	struct msg m;

	(void)state;
	send_query(d, 11, "ttl.test", T_A, 0);
	header(&m, 11, 0x8180, 2);
	question(&m, "ttl.test", T_A);
	rr_cname(&m, "ttl.test", 60, "x.test");
	rr_a(&m, "x.test", 3600, "93.184.216.34");
	assert_int_equal(dnsname_answer(d, &flow, m.b, m.len, 0), 1);
	assert_non_null(dnsname_lookup(d, 4, addr1, 59 * S));
	assert_null(dnsname_lookup(d, 4, addr1, 61 * S));

	send_query(d, 12, "zero.test", T_A, 100 * S);
	simple_answer(&m, 12, "zero.test", 0);
	assert_int_equal(dnsname_answer(d, &flow, m.b, m.len, 100 * S), 1);
	assert_non_null(
		dnsname_lookup(d, 4, addr1, (100 + DNSNAME_TTL_MIN_S - 1) * S));
	assert_null(
		dnsname_lookup(d, 4, addr1, (100 + DNSNAME_TTL_MIN_S + 1) * S));
	dnsname_free(d);
}

/* A query not answered in time is forgotten. */
static void test_query_timeout(void **state)
{
	struct dnsname *d = dnsname_new(8, 8);
	struct msg m;

	(void)state;
	send_query(d, 13, "late.test", T_A, 0);
	simple_answer(&m, 13, "late.test", 300);
	assert_int_equal(dnsname_answer(d, &flow, m.b, m.len,
					(DNSNAME_QUERY_TIMEOUT_S + 1) * S),
			 -ENOENT);
	assert_null(dnsname_lookup(d, 4, addr1, 0));
	dnsname_free(d);
}

/* Spoofs: wrong ID, question, server, ports; unsolicited.  Then the real
 * answer still counts. */
static void test_spoofed(void **state)
{
	struct dnsname *d = dnsname_new(8, 8);
	struct dnsname_flow f;
	struct msg m;

	(void)state;
	send_query(d, 0x4242, "bank.test", T_A, 0);
	simple_answer(&m, 0x4243, "bank.test", 300);
	assert_int_equal(dnsname_answer(d, &flow, m.b, m.len, 0), -ENOENT);
	simple_answer(&m, 0x4242, "bank.test.evil", 300);
	assert_int_equal(dnsname_answer(d, &flow, m.b, m.len, 0), -ENOENT);
	header(&m, 0x4242, 0x8180, 1);
	question(&m, "bank.test", T_AAAA);
	rr_a(&m, "bank.test", 300, "93.184.216.34");
	assert_int_equal(dnsname_answer(d, &flow, m.b, m.len, 0), -ENOENT);
	simple_answer(&m, 0x4242, "bank.test", 300);
	f = flow;
	f.server[3] = 99;
	assert_int_equal(dnsname_answer(d, &f, m.b, m.len, 0), -ENOENT);
	f = flow;
	f.server_port = 5353;
	assert_int_equal(dnsname_answer(d, &f, m.b, m.len, 0), -ENOENT);
	f = flow;
	f.client_port = 40001;
	assert_int_equal(dnsname_answer(d, &f, m.b, m.len, 0), -ENOENT);
	assert_null(dnsname_lookup(d, 4, addr1, 0));
	assert_int_equal(dnsname_answer(d, &flow, m.b, m.len, 0), 1);
	assert_string_equal(dnsname_lookup(d, 4, addr1, 0), "bank.test");
	dnsname_free(d);
}

static void test_unsolicited(void **state)
{
	struct dnsname *d = dnsname_new(8, 8);
	struct msg m;

	(void)state;
	simple_answer(&m, 1, "x.test", 300);
	assert_int_equal(dnsname_answer(d, &flow, m.b, m.len, 0), -ENOENT);
	assert_int_equal(dnsname_count(d), 0);
	dnsname_free(d);
}

/* Resolvers randomise the question's case (0x20); the answer echoes it. */
static void test_case(void **state)
{
	struct dnsname *d = dnsname_new(8, 8);
	struct msg m;

	(void)state;
	send_query(d, 5, "wWw.ExAmple.TEST", T_A, 0);
	simple_answer(&m, 5, "WwW.eXample.test", 300);
	assert_int_equal(dnsname_answer(d, &flow, m.b, m.len, 0), 1);
	assert_string_equal(dnsname_lookup(d, 4, addr1, 0), "www.example.test");
	dnsname_free(d);
}

/* A query is not an answer, nor an answer a query. */
static void test_direction(void **state)
{
	struct dnsname *d = dnsname_new(8, 8);
	struct msg m;

	(void)state;
	simple_answer(&m, 3, "dir.test", 300);
	assert_int_equal(dnsname_query(d, &flow, m.b, m.len, 0), -EBADMSG);
	header(&m, 3, 0x0100, 0);
	question(&m, "dir.test", T_A);
	assert_int_equal(dnsname_query(d, &flow, m.b, m.len, 0), 0);
	assert_int_equal(dnsname_answer(d, &flow, m.b, m.len, 0), -EBADMSG);
	dnsname_free(d);
}

/* NXDOMAIN and truncated answers consume the query, teach nothing. */
static void test_no_answer(void **state)
{
	struct dnsname *d = dnsname_new(8, 8);
	struct msg m;

	(void)state;
	send_query(d, 20, "nx.test", T_A, 0);
	simple_answer(&m, 20, "nx.test", 300);
	m.b[3] = 0x83; /* rcode 3 */
	assert_int_equal(dnsname_answer(d, &flow, m.b, m.len, 0), 0);
	send_query(d, 21, "tc.test", T_A, 0);
	simple_answer(&m, 21, "tc.test", 300);
	m.b[2] |= 0x02; /* TC */
	assert_int_equal(dnsname_answer(d, &flow, m.b, m.len, 0), 0);
	assert_int_equal(dnsname_count(d), 0);
	dnsname_free(d);
}

/* Every prefix of an answer, and a record with a bad length. */
static void test_truncated(void **state)
{
	struct dnsname *d = dnsname_new(8, 64);
	struct msg m;
	size_t n;
	int ret;

	(void)state;
	simple_answer(&m, 30, "cut.test", 300);
	for (n = 0; n < m.len; n++) {
		send_query(d, 30, "cut.test", T_A, 0);
		ret = dnsname_answer(d, &flow, m.b, n, 0);
		assert_true(ret == -EBADMSG || ret == 0);
	}
	assert_null(dnsname_lookup(d, 4, addr1, 0));
	send_query(d, 31, "len.test", T_A, 0);
	header(&m, 31, 0x8180, 1);
	question(&m, "len.test", T_A);
	rr_head(&m, "len.test", T_A, 300, 5);
	put32(&m, 0x5db8d822);
	put8(&m, 0);
	assert_int_equal(dnsname_answer(d, &flow, m.b, m.len, 0), 0);
	dnsname_free(d);
}

/* A name that points at itself, in the question or in a CNAME. */
static void test_compression_loop(void **state)
{
	struct dnsname *d = dnsname_new(8, 8);
	struct msg m;

	(void)state;
	header(&m, 40, 0x0100, 0);
	put16(&m, 0xc000 | 12); /* the question's name points at itself */
	put16(&m, T_A);
	put16(&m, 1);
	assert_int_equal(dnsname_query(d, &flow, m.b, m.len, 0), -EBADMSG);

	send_query(d, 41, "loop.test", T_A, 0);
	header(&m, 41, 0x8180, 2);
	question(&m, "loop.test", T_A);
	put16(&m, 0xc000 | 12);
	put16(&m, T_CNAME);
	put16(&m, 1);
	put32(&m, 300);
	put16(&m, 2);
	put16(&m, 0xc000 | (unsigned)(m.len - 2)); /* rdata points at itself */
	rr_a(&m, "loop.test", 300, "93.184.216.34");
	assert_int_equal(dnsname_answer(d, &flow, m.b, m.len, 0), 1);
	assert_string_equal(dnsname_lookup(d, 4, addr1, 0), "loop.test");
	dnsname_free(d);
}

/* A full table of names: the entry nearest its expiry makes room. */
static void test_names_full(void **state)
{
	struct dnsname *d = dnsname_new(4, 8);
	uint8_t a[16] = {10, 1, 0, 0};
	char name[32], text[32];
	struct msg m;
	unsigned i;

	(void)state;
	for (i = 1; i <= 6; i++) {
		snprintf(name, sizeof(name), "n%u.test", i);
		snprintf(text, sizeof(text), "10.1.0.%u", i);
		send_query(d, i, name, T_A, 0);
		header(&m, i, 0x8180, 1);
		question(&m, name, T_A);
		rr_a(&m, name, 100 * i, text);
		assert_int_equal(dnsname_answer(d, &flow, m.b, m.len, 0), 1);
		assert_true(dnsname_count(d) <= 4);
	}
	for (i = 1; i <= 6; i++) {
		a[3] = (uint8_t)i;
		snprintf(name, sizeof(name), "n%u.test", i);
		if (i <= 2)
			assert_null(dnsname_lookup(d, 4, a, S));
		else
			assert_string_equal(dnsname_lookup(d, 4, a, S), name);
	}
	dnsname_free(d);
}

/* A table larger than the eviction's scan: a new name still gets a slot,
 * by pushing out exactly one live name, and every other stays. */
static void test_names_full_large(void **state)
{
	struct dnsname *d = dnsname_new(100, 8);
	uint8_t a[16] = {10, 2, 0, 0};
	char name[32], text[32];
	struct msg m;
	unsigned i, found = 0;

	(void)state;
	for (i = 0; i <= 100; i++) {
		snprintf(name, sizeof(name), "m%u.test", i);
		snprintf(text, sizeof(text), "10.2.0.%u", i);
		send_query(d, i, name, T_A, 0);
		header(&m, i, 0x8180, 1);
		question(&m, name, T_A);
		rr_a(&m, name, 1000 + i, text);
		assert_int_equal(dnsname_answer(d, &flow, m.b, m.len, 0), 1);
	}
	assert_int_equal(dnsname_count(d), 100);
	for (i = 0; i <= 100; i++) {
		a[3] = (uint8_t)i;
		found += dnsname_lookup(d, 4, a, S) != NULL;
	}
	assert_int_equal(found, 100);
	a[3] = 100;
	assert_string_equal(dnsname_lookup(d, 4, a, S), "m100.test");
	dnsname_free(d);
}

/* A full table of queries: the oldest is forgotten. */
static void test_queries_full(void **state)
{
	struct dnsname *d = dnsname_new(8, 2);
	struct msg m;

	(void)state;
	send_query(d, 1, "q1.test", T_A, 0);
	send_query(d, 2, "q2.test", T_A, 0);
	send_query(d, 3, "q3.test", T_A, 0);
	simple_answer(&m, 1, "q1.test", 300);
	assert_int_equal(dnsname_answer(d, &flow, m.b, m.len, 0), -ENOENT);
	simple_answer(&m, 3, "q3.test", 300);
	assert_int_equal(dnsname_answer(d, &flow, m.b, m.len, 0), 1);
	simple_answer(&m, 2, "q2.test", 300);
	assert_int_equal(dnsname_answer(d, &flow, m.b, m.len, 0), 1);
	dnsname_free(d);
}

/* Two names for one address: the most recent is the record's, both match. */
static int collect(void *ctx, const char *name)
{
	strcat(ctx, name);
	strcat(ctx, " ");
	return 0;
}

static void test_two_names(void **state)
{
	struct dnsname *d = dnsname_new(8, 8);
	char names[128] = "";
	struct msg m;

	(void)state;
	send_query(d, 1, "one.test", T_A, 0);
	simple_answer(&m, 1, "one.test", 300);
	assert_int_equal(dnsname_answer(d, &flow, m.b, m.len, 0), 1);
	send_query(d, 2, "two.test", T_A, S);
	simple_answer(&m, 2, "two.test", 300);
	assert_int_equal(dnsname_answer(d, &flow, m.b, m.len, S), 1);
	assert_string_equal(dnsname_lookup(d, 4, addr1, 2 * S), "two.test");
	assert_int_equal(dnsname_each(d, 4, addr1, 2 * S, collect, names), 0);
	assert_non_null(strstr(names, "one.test "));
	assert_non_null(strstr(names, "two.test "));
	dnsname_free(d);
}

static void test_new_bad(void **state)
{
	(void)state;
	assert_null(dnsname_new(0, 8));
	assert_int_equal(errno, EINVAL);
	dnsname_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a),
		cmocka_unit_test(test_aaaa),
		cmocka_unit_test(test_cname_chain),
		cmocka_unit_test(test_cname_loop),
		cmocka_unit_test(test_ttl),
		cmocka_unit_test(test_query_timeout),
		cmocka_unit_test(test_spoofed),
		cmocka_unit_test(test_unsolicited),
		cmocka_unit_test(test_case),
		cmocka_unit_test(test_direction),
		cmocka_unit_test(test_no_answer),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_compression_loop),
		cmocka_unit_test(test_names_full),
		cmocka_unit_test(test_names_full_large),
		cmocka_unit_test(test_queries_full),
		cmocka_unit_test(test_two_names),
		cmocka_unit_test(test_new_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
