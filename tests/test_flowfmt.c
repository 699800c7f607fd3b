// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "flowfmt.h"

static void roundtrip(const char *in, int version, const char *want)
{
	char buf[FLOWFMT_ADDR_LEN];
	uint8_t a[16];

	assert_int_equal(flowfmt_parse_addr(in, a), version);
	assert_string_equal(flowfmt_addr(version, a, buf), want);
}

static void test_addresses(void **state)
{
	uint8_t a[16];

	roundtrip("10.200.0.1", 4, "10.200.0.1");
	roundtrip("0.0.0.0", 4, "0.0.0.0");
	roundtrip("255.255.255.255", 4, "255.255.255.255");
	/* RFC 5952: lower case, longest zero run compressed */
	roundtrip("2001:DB8:0:0:0:0:0:1", 6, "2001:db8::1");
	roundtrip("::ffff:10.0.0.1", 6, "::ffff:10.0.0.1");
	roundtrip("::1", 6, "::1");
	roundtrip("fe80::200:86ff:fe05:80da", 6, "fe80::200:86ff:fe05:80da");
	assert_int_equal(flowfmt_parse_addr("10.0.0.256", a), 0);
	assert_int_equal(flowfmt_parse_addr("", a), 0);
	assert_int_equal(flowfmt_parse_addr("1.2.3.4/8", a), 0);
	assert_int_equal(flowfmt_parse_addr("::1::2", a), 0);
	/* IPv4 occupies the first four bytes, the rest is zero */
	flowfmt_parse_addr("1.2.3.4", a);
	assert_int_equal(a[0], 1);
	assert_int_equal(a[3], 4);
	assert_int_equal(a[4], 0);
	assert_int_equal(a[15], 0);
}

/* IPv4 is formatted by hand: every byte value, in every position, reads
 * as inet_ntop() writes it. */
static void test_ipv4_like_ntop(void **state)
{
	char got[FLOWFMT_ADDR_LEN], want[INET_ADDRSTRLEN];
	uint8_t a[16] = {0};
	unsigned v;
	int pos;

	for (v = 0; v < 256; v++) {
		for (pos = 0; pos < 4; pos++) {
			a[pos] = (uint8_t)v;
			a[(pos + 1) % 4] = (uint8_t)(255 - v);
			a[(pos + 2) % 4] = (uint8_t)(v / 3);
			a[(pos + 3) % 4] = (uint8_t)(v * 7);
			assert_non_null(
				inet_ntop(AF_INET, a, want, sizeof(want)));
			assert_string_equal(flowfmt_addr(4, a, got), want);
		}
	}
}

static void test_protocols(void **state)
{
	char buf[8];

	assert_string_equal(flowfmt_proto(6, buf), "TCP");
	assert_string_equal(flowfmt_proto(17, buf), "UDP");
	assert_string_equal(flowfmt_proto(1, buf), "ICMP");
	assert_string_equal(flowfmt_proto(58, buf), "IPV6-ICMP");
	assert_string_equal(flowfmt_proto(132, buf), "SCTP");
	assert_string_equal(flowfmt_proto(136, buf), "UDPLITE");
	assert_string_equal(flowfmt_proto(47, buf), "GRE");
	assert_string_equal(flowfmt_proto(50, buf), "50");
	assert_string_equal(flowfmt_proto(0, buf), "0");
	assert_string_equal(flowfmt_proto(255, buf), "255");
}

static void test_parse_protocols(void **state)
{
	static const char *const bad[] = {
		"", "tcp", "IPv6-ICMP", "256", "-1", "+6", "06", "1000", "6 ",
	};
	char buf[8];
	size_t i;
	int p;

	/* every protocol reads back as the number it was written from */
	for (p = 0; p < 256; p++)
		assert_int_equal(
			flowfmt_parse_proto(flowfmt_proto((uint8_t)p, buf)), p);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(flowfmt_parse_proto(bad[i]), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addresses),
		cmocka_unit_test(test_ipv4_like_ntop),
		cmocka_unit_test(test_protocols),
		cmocka_unit_test(test_parse_protocols),
	};

	return cmocka_run_group_tests_name("flowfmt", tests, NULL, NULL);
}
