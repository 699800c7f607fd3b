// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "flow.h"
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

static struct newflow_stats st_dummy;

static struct flow reverse(const struct flow *f)
{
	struct flow r = *f;

	memcpy(r.src, f->dst, 16);
	memcpy(r.dst, f->src, 16);
	r.sport = f->dport;
	r.dport = f->sport;
	return r;
}

/* Whether the packet finds no open flow: what the old API called new. */
static bool is_new(struct newflow *nf, const struct flow *f, int64_t ts)
{
	bool reply;

	return newflow_lookup(nf, f, ts, &reply) != NEWFLOW_OPEN;
}

static enum newflow_state state_of(struct newflow *nf, const struct flow *f,
				   int64_t ts, bool *reply)
{
	return newflow_lookup(nf, f, ts, reply);
}

static void test_tcp(void **state)
{
	struct newflow *nf = newflow_new(16, NEWFLOW_TCP_TIMEOUT_US);
	struct flow f = udp("10.0.0.1", 40000, "10.0.0.2", 443);
	struct flow r = reverse(&f);
	bool reply;

	f.proto = r.proto = 6;
	f.tcp_flags = 0x02;
	assert_int_equal(state_of(nf, &f, 0, &reply), NEWFLOW_NONE);
	newflow_pass(nf, &f, 0);
	r.tcp_flags = 0x12; /* SYN+ACK */
	assert_int_equal(state_of(nf, &r, 1, &reply), NEWFLOW_OPEN);
	assert_true(reply);
	f.tcp_flags = 0x10;
	assert_int_equal(state_of(nf, &f, 2, &reply), NEWFLOW_OPEN);
	assert_false(reply);
	/* the same ports over UDP are another flow */
	f.proto = 17;
	assert_int_equal(state_of(nf, &f, 3, &reply), NEWFLOW_NONE);
	/* an established connection stays open for days of silence */
	f.proto = 6;
	assert_int_equal(state_of(nf, &f, 4 * 86400 * SEC, &reply),
			 NEWFLOW_OPEN);
	newflow_free(nf);
}

static void test_refused_keeps_direction(void **state)
{
	struct newflow *nf = newflow_new(16, NEWFLOW_TCP_TIMEOUT_US);
	struct flow f = udp("10.0.0.1", 40000, "93.184.216.34", 443);
	struct flow r = reverse(&f);
	bool reply;

	f.proto = r.proto = 6;
	newflow_refuse(nf, &f, 0);
	/* a refused SYN opens nothing... */
	assert_int_equal(state_of(nf, &f, 1, &reply), NEWFLOW_REFUSED);
	assert_false(reply);
	/* ...but what comes back is known for a reply */
	assert_int_equal(state_of(nf, &r, 2, &reply), NEWFLOW_REFUSED);
	assert_true(reply);
	/* a later SYN that is accepted opens the flow, its direction kept */
	newflow_pass(nf, &f, 3);
	assert_int_equal(state_of(nf, &r, 4, &reply), NEWFLOW_OPEN);
	assert_true(reply);
	/* and a refusal does not close a flow that was let through */
	newflow_refuse(nf, &f, 5);
	assert_int_equal(state_of(nf, &f, 6, &reply), NEWFLOW_OPEN);
	newflow_free(nf);
}

static struct flow echo(const char *src, const char *dst, uint8_t type,
			uint16_t id)
{
	struct flow f = udp(src, type, dst, 0);

	f.proto = f.ip_version == 6 ? 58 : 1;
	f.has_echo_id = true;
	f.echo_id = id;
	return f;
}

static void test_icmp_echo_by_id(void **state)
{
	struct newflow *nf = newflow_new(16, NEWFLOW_UDP_TIMEOUT_US);
	struct flow req = echo("10.0.0.1", "10.0.0.2", 8, 77);
	struct flow rep = echo("10.0.0.2", "10.0.0.1", 0, 77);
	struct flow other = echo("10.0.0.1", "10.0.0.2", 8, 78);
	struct flow v6 = echo("fd00::1", "fd00::2", 128, 77);
	struct flow v6rep = echo("fd00::2", "fd00::1", 129, 77);
	bool reply;

	assert_true(is_new(nf, &req, 0));
	newflow_pass(nf, &req, 0);
	assert_int_equal(state_of(nf, &rep, 1, &reply), NEWFLOW_OPEN);
	assert_true(reply);
	assert_false(is_new(nf, &req, 2));
	/* another identifier is another ping */
	assert_true(is_new(nf, &other, 3));
	assert_true(is_new(nf, &v6, 4));
	newflow_pass(nf, &v6, 4);
	assert_false(is_new(nf, &v6rep, 5));
	newflow_free(nf);
}

static void test_portless_protocols(void **state)
{
	struct newflow *nf = newflow_new(16, NEWFLOW_UDP_TIMEOUT_US);
	struct flow gre = udp("10.0.0.1", 0, "10.0.0.2", 0);
	struct flow back = reverse(&gre);
	struct flow esp;

	gre.proto = back.proto = 47;
	gre.has_ports = back.has_ports = false;
	gre.sport = 1234; /* not ports: ignored */
	esp = gre;
	esp.proto = 50;
	assert_true(is_new(nf, &gre, 0));
	newflow_pass(nf, &gre, 0);
	assert_false(is_new(nf, &back, 1));
	assert_true(is_new(nf, &esp, 2));
	newflow_free(nf);
}

static void test_udp_open_and_reply(void **state)
{
	struct newflow *nf = newflow_new(16, NEWFLOW_UDP_TIMEOUT_US);
	struct flow f = udp("10.0.0.1", 5353, "10.0.0.53", 53);
	struct flow r = reverse(&f);
	struct newflow_stats st;

	assert_true(is_new(nf, &f, 0));
	newflow_pass(nf, &f, 0);
	assert_false(is_new(nf, &f, 1 * SEC));
	assert_false(is_new(nf, &r, 2 * SEC));
	newflow_get_stats(nf, &st);
	assert_int_equal(st.open, 1);
	/* Another source port is another flow. */
	f.sport = 5354;
	assert_true(is_new(nf, &f, 2 * SEC));
	newflow_free(nf);
}

static void test_udp_timeout(void **state)
{
	struct newflow *nf = newflow_new(16, NEWFLOW_UDP_TIMEOUT_US);
	struct flow f = udp("2001:db8::1", 1000, "2001:db8::2", 443);

	assert_true(is_new(nf, &f, 0));
	newflow_pass(nf, &f, 0);
	/* Traffic keeps the flow open past 30 s from its start... */
	assert_false(is_new(nf, &f, 29 * SEC));
	assert_false(is_new(nf, &f, 58 * SEC));
	/* ...30 s of silence closes it. */
	assert_true(is_new(nf, &f, 88 * SEC));
	assert_true(is_new(nf, &f, 88 * SEC + 1));
	newflow_free(nf);
}

static void test_peek_does_not_refresh(void **state)
{
	struct newflow *nf = newflow_new(16, NEWFLOW_UDP_TIMEOUT_US);
	struct flow f = udp("10.0.0.1", 5353, "10.0.0.53", 53);
	struct flow r = reverse(&f);

	assert_int_equal(newflow_peek(nf, &f, 0), NEWFLOW_NONE);
	newflow_pass(nf, &f, 0);
	assert_int_equal(newflow_peek(nf, &r, 29 * SEC), NEWFLOW_OPEN);
	/* a packet that only quotes the flow keeps nothing open */
	assert_int_equal(newflow_peek(nf, &f, 31 * SEC), NEWFLOW_NONE);
	newflow_refuse(nf, &f, 40 * SEC);
	assert_int_equal(newflow_peek(nf, &f, 41 * SEC), NEWFLOW_REFUSED);
	newflow_free(nf);
}

static void test_udp_rejected_opens_nothing(void **state)
{
	struct newflow *nf = newflow_new(16, NEWFLOW_UDP_TIMEOUT_US);
	struct flow f = udp("10.0.0.1", 5353, "8.8.8.8", 53);

	assert_true(is_new(nf, &f, 0));
	/* no newflow_pass: the datagram was rejected */
	assert_true(is_new(nf, &f, 1));
	assert_true(is_new(nf, &f, 2));
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
	assert_false(is_new(nf, &out, 1));
	newflow_free(nf);
}

static void test_fragments(void **state)
{
	struct newflow *nf = newflow_new(16, NEWFLOW_UDP_TIMEOUT_US);
	struct flow f = udp("10.0.0.1", 1, "10.0.0.2", 2);
	bool reply;

	/* A non-first fragment belongs to no flow and opens none. */
	f.frag = FLOW_FRAG_LATER;
	f.has_ports = false;
	assert_int_equal(state_of(nf, &f, 0, &reply), NEWFLOW_NONE);
	newflow_pass(nf, &f, 0);
	newflow_get_stats(nf, &st_dummy);
	assert_int_equal(st_dummy.open, 0);
	/* A first fragment carries the ports: it is the datagram. */
	f = udp("10.0.0.1", 1, "10.0.0.2", 2);
	f.frag = FLOW_FRAG_MF;
	assert_true(is_new(nf, &f, 0));
	newflow_pass(nf, &f, 0);
	f.frag = 0;
	assert_false(is_new(nf, &f, 1));
	newflow_free(nf);
}

static void test_bounded(void **state)
{
	struct newflow *nf = newflow_new(4, NEWFLOW_UDP_TIMEOUT_US);
	struct newflow_stats st;
	uint16_t p;

	for (p = 1; p <= 10; p++) {
		struct flow f = udp("10.0.0.1", p, "10.0.0.2", 53);

		assert_true(is_new(nf, &f, p));
		newflow_pass(nf, &f, p);
	}
	newflow_get_stats(nf, &st);
	assert_int_equal(st.open, 4);
	assert_int_equal(st.evicted, 6);
	/* The newest four are still open, the oldest were evicted. */
	for (p = 1; p <= 10; p++) {
		struct flow f = udp("10.0.0.1", p, "10.0.0.2", 53);

		assert_int_equal(is_new(nf, &f, 11), p <= 6);
	}
	/* Past their deadline, entries are recycled, not evicted: the table
	 * stays at its capacity and counts no live flow lost. */
	for (p = 20; p < 30; p++) {
		struct flow f = udp("10.0.0.1", p, "10.0.0.2", 53);

		assert_true(is_new(nf, &f, 100 * SEC + p));
		newflow_pass(nf, &f, 100 * SEC + p);
		newflow_get_stats(nf, &st);
		assert_true(st.open <= 4);
	}
	newflow_get_stats(nf, &st);
	assert_int_equal(st.open, 4);
	assert_int_equal(st.evicted, 6 + 6);
	/* A flow looked up past its deadline is over, and frees its entry. */
	{
		struct flow f = udp("10.0.0.1", 29, "10.0.0.2", 53);

		assert_true(is_new(nf, &f, 200 * SEC));
	}
	newflow_get_stats(nf, &st);
	assert_int_equal(st.open, 3);
	newflow_free(nf);
}

/* A packet stamped far ahead forgets no flow still within its timeout in
 * packet order; each flow expires by its own packets. */
static void test_time_jump(void **state)
{
	struct newflow *nf = newflow_new(16, NEWFLOW_UDP_TIMEOUT_US);
	struct flow a = udp("10.0.0.1", 1000, "10.0.0.53", 53);
	struct flow b = udp("10.0.0.1", 1001, "10.0.0.53", 53);
	struct flow ra = reverse(&a);
	struct newflow_stats st;

	newflow_pass(nf, &a, 0);
	assert_true(is_new(nf, &b, 86400 * SEC));
	newflow_pass(nf, &b, 86400 * SEC);
	assert_false(is_new(nf, &ra, 1 * SEC));
	assert_false(is_new(nf, &a, 2 * SEC));
	newflow_get_stats(nf, &st);
	assert_int_equal(st.open, 2);
	assert_int_equal(st.evicted, 0);
	/* and its own silence still closes it */
	assert_true(is_new(nf, &a, 32 * SEC));
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
		is_new(nf, &f, (int64_t)i * 10000);
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
		cmocka_unit_test(test_refused_keeps_direction),
		cmocka_unit_test(test_icmp_echo_by_id),
		cmocka_unit_test(test_portless_protocols),
		cmocka_unit_test(test_udp_open_and_reply),
		cmocka_unit_test(test_udp_timeout),
		cmocka_unit_test(test_peek_does_not_refresh),
		cmocka_unit_test(test_udp_rejected_opens_nothing),
		cmocka_unit_test(test_unjudged_packets_open_flows),
		cmocka_unit_test(test_fragments),
		cmocka_unit_test(test_bounded),
		cmocka_unit_test(test_time_jump),
		cmocka_unit_test(test_many_flows_stay_flat),
	};

	return cmocka_run_group_tests_name("newflow", tests, NULL, NULL);
}
