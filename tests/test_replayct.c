// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "fence.h"
#include "flow.h"
#include "flowfmt.h"
#include "replayct.h"

#define FIN 0x01
#define SYN 0x02
#define RST 0x04
#define PSH 0x08
#define ACK 0x10
#define URG 0x20
#define ECE 0x40
#define CWR 0x80

static struct flow tcp(uint8_t flags)
{
	struct flow f = {0};

	f.ip_version = (uint8_t)flowfmt_parse_addr("10.0.0.2", f.src);
	flowfmt_parse_addr("93.184.216.34", f.dst);
	f.proto = 6;
	f.has_ports = true;
	f.sport = 40000;
	f.dport = 443;
	f.tcp_flags = flags;
	return f;
}

static struct flow icmp(int v6, uint8_t type)
{
	struct flow f = tcp(0);

	if (v6) {
		f.ip_version = 6;
		flowfmt_parse_addr("fd00::2", f.src);
		flowfmt_parse_addr("fd00::1", f.dst);
	}
	f.proto = v6 ? 58 : 1;
	f.tcp_flags = 0;
	f.sport = type;
	f.dport = 0;
	return f;
}

/* What the fence does with f in state ct: "judge", "pass" or the reason. */
static const char *class_of(const struct flow *f, enum fence_ct ct)
{
	struct fence_pkt p = {.flow = f, .ct = ct};

	return fence_reason(fence_classify(&p));
}

static const char *out_of(uint8_t flags, enum newflow_state st)
{
	struct flow f = tcp(flags);

	return class_of(&f, replayct_state(&f, st));
}

static void test_tcp_outbound(void **state)
{
	/* every plain SYN is judged, whatever conntrack remembers */
	assert_string_equal(out_of(SYN, NEWFLOW_NONE), "judge");
	assert_string_equal(out_of(SYN, NEWFLOW_OPEN), "judge");
	assert_string_equal(out_of(SYN | ECE | CWR, NEWFLOW_NONE), "judge");
	assert_string_equal(out_of(SYN | PSH, NEWFLOW_REFUSED), "judge");
	/* a connection that was judged passes */
	assert_string_equal(out_of(ACK, NEWFLOW_OPEN), "pass");
	assert_string_equal(out_of(PSH | ACK, NEWFLOW_OPEN), "pass");
	assert_string_equal(out_of(FIN | ACK, NEWFLOW_OPEN), "pass");
	assert_string_equal(out_of(RST, NEWFLOW_OPEN), "pass");
	/* flags conntrack refuses are invalid, in a connection or not */
	assert_string_equal(out_of(SYN | FIN, NEWFLOW_NONE), "invalid");
	assert_string_equal(out_of(SYN | FIN, NEWFLOW_OPEN), "invalid");
	assert_string_equal(out_of(SYN | RST, NEWFLOW_NONE), "invalid");
	assert_string_equal(out_of(0, NEWFLOW_NONE), "invalid");
	assert_string_equal(out_of(FIN | PSH | URG, NEWFLOW_NONE), "invalid");
	assert_string_equal(out_of(FIN, NEWFLOW_OPEN), "invalid");
	/* valid flags that start no connection: invalid too */
	assert_string_equal(out_of(SYN | ACK, NEWFLOW_NONE), "invalid");
	assert_string_equal(out_of(FIN | ACK, NEWFLOW_NONE), "invalid");
	assert_string_equal(out_of(RST, NEWFLOW_REFUSED), "invalid");
	/* an ACK conntrack would pick up is no new connection either */
	assert_string_equal(out_of(ACK, NEWFLOW_NONE), "tcp-not-new");
	assert_string_equal(out_of(PSH | ACK, NEWFLOW_REFUSED), "tcp-not-new");
}

static void test_tcp_inbound(void **state)
{
	struct flow f = tcp(SYN);

	f.direction = FLOW_DIR_IN;
	assert_string_equal(class_of(&f, replayct_state(&f, NEWFLOW_NONE)),
			    "judge");
	f.tcp_flags = ACK;
	assert_string_equal(class_of(&f, replayct_state(&f, NEWFLOW_OPEN)),
			    "pass");
	/* what the outside sends out of a connection is not ours to drop */
	f.tcp_flags = RST | ACK;
	assert_string_equal(class_of(&f, replayct_state(&f, NEWFLOW_REFUSED)),
			    "pass");
	f.tcp_flags = SYN | FIN;
	assert_string_equal(class_of(&f, replayct_state(&f, NEWFLOW_NONE)),
			    "pass");
	/* options and routing headers are the sandbox's to refuse */
	f.tcp_flags = SYN;
	f.ip_flags = FLOW_IP_OPTIONS;
	assert_string_equal(class_of(&f, FENCE_CT_NEW), "judge");
}

static void test_icmp(void **state)
{
	struct flow f = icmp(0, 8);

	assert_int_equal(replayct_state(&f, NEWFLOW_NONE), FENCE_CT_NEW);
	assert_string_equal(class_of(&f, FENCE_CT_NEW), "judge");
	assert_int_equal(replayct_state(&f, NEWFLOW_OPEN),
			 FENCE_CT_ESTABLISHED);
	/* a reply nobody asked for */
	f = icmp(0, 0);
	assert_int_equal(replayct_state(&f, NEWFLOW_NONE), FENCE_CT_INVALID);
	assert_string_equal(class_of(&f, FENCE_CT_INVALID), "invalid");
	assert_int_equal(replayct_state(&f, NEWFLOW_OPEN),
			 FENCE_CT_ESTABLISHED);
	/* an error is RELATED to the flow it quotes, if that passed */
	f = icmp(0, 3);
	assert_true(replayct_icmp_error(&f));
	assert_int_equal(replayct_state(&f, NEWFLOW_OPEN), FENCE_CT_RELATED);
	assert_string_equal(class_of(&f, FENCE_CT_RELATED), "pass");
	assert_int_equal(replayct_state(&f, NEWFLOW_NONE), FENCE_CT_INVALID);
	assert_int_equal(replayct_state(&f, NEWFLOW_REFUSED), FENCE_CT_INVALID);
	assert_string_equal(class_of(&f, FENCE_CT_INVALID), "invalid");
	f = icmp(0, 11);
	assert_true(replayct_icmp_error(&f));
	f = icmp(1, 1);
	assert_true(replayct_icmp_error(&f));
	assert_int_equal(replayct_state(&f, NEWFLOW_OPEN), FENCE_CT_RELATED);
	f = icmp(0, 8);
	assert_false(replayct_icmp_error(&f));
	f = icmp(1, 128);
	assert_int_equal(replayct_state(&f, NEWFLOW_NONE), FENCE_CT_NEW);
	f = icmp(1, 129);
	assert_int_equal(replayct_state(&f, NEWFLOW_NONE), FENCE_CT_INVALID);
	/* neighbour discovery is IPv6 itself: it passes though INVALID */
	f = icmp(1, 135);
	assert_string_equal(class_of(&f, replayct_state(&f, NEWFLOW_NONE)),
			    "pass");
}

static void test_other_protocols(void **state)
{
	static const uint8_t protos[] = {17, 136, 132, 47, 50, 253};
	size_t i;

	for (i = 0; i < sizeof(protos); i++) {
		struct flow f = tcp(0);

		f.proto = protos[i];
		f.has_ports =
			protos[i] == 17 || protos[i] == 136 || protos[i] == 132;
		assert_string_equal(
			class_of(&f, replayct_state(&f, NEWFLOW_NONE)),
			"judge");
		assert_string_equal(
			class_of(&f, replayct_state(&f, NEWFLOW_REFUSED)),
			"judge");
		assert_string_equal(
			class_of(&f, replayct_state(&f, NEWFLOW_OPEN)), "pass");
	}
}

static void test_header_drops(void **state)
{
	struct flow f = tcp(SYN);

	f.ip_flags = FLOW_IP_OPTIONS | FLOW_IP_SRCROUTE;
	assert_string_equal(class_of(&f, FENCE_CT_NEW), "ip-options");
	/* before anything passes: a judged flow cannot pick one up later */
	f.tcp_flags = ACK;
	assert_string_equal(class_of(&f, FENCE_CT_ESTABLISHED), "ip-options");
	f = tcp(SYN);
	f.ip_version = 6;
	f.ip_flags = FLOW_IP_ROUTING;
	assert_string_equal(class_of(&f, FENCE_CT_NEW), "routing-header");
	f.tcp_flags = ACK;
	assert_string_equal(class_of(&f, FENCE_CT_ESTABLISHED),
			    "routing-header");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tcp_outbound),
		cmocka_unit_test(test_tcp_inbound),
		cmocka_unit_test(test_icmp),
		cmocka_unit_test(test_other_protocols),
		cmocka_unit_test(test_header_drops),
	};

	return cmocka_run_group_tests_name("replayct", tests, NULL, NULL);
}
