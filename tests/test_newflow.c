// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "decode.h"
#include "flowfmt.h"
#include "newflow.h"

#define SEC 1000000LL

static struct flow udp(const char *src, uint16_t sport, const char *dst,
		       uint16_t dport)
{
	struct flow f = {0};

	f.ip_version = (uint8_t)flowfmt_parse_addr(src, f.src);
	flowfmt_parse_addr(dst, f.dst);
	f.proto = 17;
	f.has_ports = true;
	f.sport = sport;
	f.dport = dport;
	return f;
}

static struct flow reverse(const struct flow *f)
{
	struct flow r = *f;

	memcpy(r.src, f->dst, 16);
	memcpy(r.dst, f->src, 16);
	r.sport = f->dport;
	r.dport = f->sport;
	return r;
}

static void test_tcp(void **state)
{
	struct newflow *nf = newflow_new(16, NEWFLOW_UDP_TIMEOUT_US);
	struct flow f = udp("10.0.0.1", 40000, "10.0.0.2", 443);

	f.proto = 6;
	f.tcp_flags = 0x02;
	assert_true(newflow_check(nf, &f, 0));
	assert_true(newflow_check(nf, &f, 1)); /* retransmission: again */
	f.tcp_flags = 0x12;		       /* SYN+ACK */
	assert_false(newflow_check(nf, &f, 2));
	f.tcp_flags = 0x10;
	assert_false(newflow_check(nf, &f, 3));
	f.tcp_flags =
		0x02 | 0x01 | 0x08; /* SYN with FIN and PSH is still one */
	assert_true(newflow_check(nf, &f, 4));
	newflow_free(nf);
}

static void test_udp_open_and_reply(void **state)
{
	struct newflow *nf = newflow_new(16, NEWFLOW_UDP_TIMEOUT_US);
	struct flow f = udp("10.0.0.1", 5353, "10.0.0.53", 53);
	struct flow r = reverse(&f);
	struct newflow_stats st;

	assert_true(newflow_check(nf, &f, 0));
	newflow_pass(nf, &f, 0);
	assert_false(newflow_check(nf, &f, 1 * SEC));
	assert_false(newflow_check(nf, &r, 2 * SEC));
	newflow_get_stats(nf, &st);
	assert_int_equal(st.open, 1);
	/* Another source port is another flow. */
	f.sport = 5354;
	assert_true(newflow_check(nf, &f, 2 * SEC));
	newflow_free(nf);
}

static void test_udp_timeout(void **state)
{
	struct newflow *nf = newflow_new(16, NEWFLOW_UDP_TIMEOUT_US);
	struct flow f = udp("2001:db8::1", 1000, "2001:db8::2", 443);

	assert_true(newflow_check(nf, &f, 0));
	newflow_pass(nf, &f, 0);
	/* Traffic keeps the flow open past 30 s from its start... */
	assert_false(newflow_check(nf, &f, 29 * SEC));
	assert_false(newflow_check(nf, &f, 58 * SEC));
	/* ...30 s of silence closes it. */
	assert_true(newflow_check(nf, &f, 88 * SEC));
	assert_true(newflow_check(nf, &f, 88 * SEC + 1));
	newflow_free(nf);
}

static void test_udp_rejected_opens_nothing(void **state)
{
	struct newflow *nf = newflow_new(16, NEWFLOW_UDP_TIMEOUT_US);
	struct flow f = udp("10.0.0.1", 5353, "8.8.8.8", 53);

	assert_true(newflow_check(nf, &f, 0));
	/* no newflow_pass: the datagram was rejected */
	assert_true(newflow_check(nf, &f, 1));
	assert_true(newflow_check(nf, &f, 2));
	newflow_free(nf);
}

static void test_unjudged_packets_open_flows(void **state)
{
	struct newflow *nf = newflow_new(16, NEWFLOW_UDP_TIMEOUT_US);
	struct flow in = udp("192.0.2.9", 53, "10.0.0.1", 5353);
	struct flow out = reverse(&in);

	/* An inbound datagram let through unjudged opens the flow... */
	newflow_pass(nf, &in, 0);
	/* ...so the outbound answer is not new. */
	assert_false(newflow_check(nf, &out, 1));
	newflow_free(nf);
}

static void test_fragments_and_others(void **state)
{
	struct newflow *nf = newflow_new(16, NEWFLOW_UDP_TIMEOUT_US);
	struct flow f = udp("10.0.0.1", 1, "10.0.0.2", 2);

	f.frag = FLOW_FRAG_LATER;
	f.has_ports = false;
	assert_false(newflow_check(nf, &f, 0));
	f.proto = 6;
	assert_false(newflow_check(nf, &f, 0));
	f = udp("10.0.0.1", 1, "10.0.0.2", 2);
	f.proto = 1; /* ICMP */
	assert_false(newflow_check(nf, &f, 0));
	f.proto = 132; /* SCTP */
	assert_false(newflow_check(nf, &f, 0));
	/* A first fragment carries the ports: judged like the datagram. */
	f = udp("10.0.0.1", 1, "10.0.0.2", 2);
	f.frag = FLOW_FRAG_MF;
	assert_true(newflow_check(nf, &f, 0));
	newflow_free(nf);
}

static void test_bounded(void **state)
{
	struct newflow *nf = newflow_new(4, NEWFLOW_UDP_TIMEOUT_US);
	struct newflow_stats st;
	uint16_t p;

	for (p = 1; p <= 10; p++) {
		struct flow f = udp("10.0.0.1", p, "10.0.0.2", 53);

		assert_true(newflow_check(nf, &f, p));
		newflow_pass(nf, &f, p);
	}
	newflow_get_stats(nf, &st);
	assert_int_equal(st.open, 4);
	assert_int_equal(st.evicted, 6);
	/* The newest four are still open, the oldest were evicted. */
	for (p = 1; p <= 10; p++) {
		struct flow f = udp("10.0.0.1", p, "10.0.0.2", 53);

		assert_int_equal(newflow_check(nf, &f, 11), p <= 6);
	}
	/* Expiry frees everything once capture time moves on. */
	{
		struct flow f = udp("10.0.0.1", 99, "10.0.0.2", 53);

		assert_true(newflow_check(nf, &f, 100 * SEC));
	}
	newflow_get_stats(nf, &st);
	assert_int_equal(st.open, 0);
	newflow_free(nf);
}

static void test_many_flows_stay_flat(void **state)
{
	struct newflow *nf = newflow_new(1024, NEWFLOW_UDP_TIMEOUT_US);
	struct newflow_stats st;
	uint32_t i;

	/* A long capture: 200,000 flows, one every 10 ms. */
	for (i = 0; i < 200000; i++) {
		struct flow f = udp("10.0.0.1", (uint16_t)i, "10.0.0.2", 53);

		f.dst[3] = (uint8_t)(i >> 16);
		newflow_check(nf, &f, (int64_t)i * 10000);
		newflow_pass(nf, &f, (int64_t)i * 10000);
	}
	newflow_get_stats(nf, &st);
	assert_true(st.open <= 1024);
	/* 30 s at one flow per 10 ms is 3,000 flows: the table overflowed. */
	assert_true(st.evicted > 0);
	newflow_free(nf);
	assert_null(newflow_new(0, 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tcp),
		cmocka_unit_test(test_udp_open_and_reply),
		cmocka_unit_test(test_udp_timeout),
		cmocka_unit_test(test_udp_rejected_opens_nothing),
		cmocka_unit_test(test_unjudged_packets_open_flows),
		cmocka_unit_test(test_fragments_and_others),
		cmocka_unit_test(test_bounded),
		cmocka_unit_test(test_many_flows_stay_flat),
	};

	return cmocka_run_group_tests_name("newflow", tests, NULL, NULL);
}
