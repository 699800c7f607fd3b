// SPDX-License-Identifier: GPL-2.0-or-later
/* Networks as options name them: the parser, hostile input, containment. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "cidr.h"
#include "flow.h"
#include "flowfmt.h"

static struct flow flow_from(const char *src)
{
	struct flow f;

	memset(&f, 0, sizeof(f));
	f.ip_version = (uint8_t)flowfmt_parse_addr(src, f.src);
	assert_true(f.ip_version == 4 || f.ip_version == 6);
	return f;
}

static void test_parse_and_contain(void **state)
{
	struct cidr_list l = {0};
	struct flow f;

	(void)state;
	assert_int_equal(cidr_list_parse("10.0.0.0/8, fd00::/8,192.0.2.7", &l),
			 0);
	assert_int_equal(l.n, 3);
	f = flow_from("10.200.3.4");
	assert_true(cidr_list_contains(&l, &f));
	f = flow_from("11.0.0.1");
	assert_false(cidr_list_contains(&l, &f));
	f = flow_from("fd12::1");
	assert_true(cidr_list_contains(&l, &f));
	f = flow_from("fe80::1");
	assert_false(cidr_list_contains(&l, &f));
	f = flow_from("192.0.2.7");
	assert_true(cidr_list_contains(&l, &f));
	f = flow_from("192.0.2.8");
	assert_false(cidr_list_contains(&l, &f));
	/* An IPv4 network never holds an IPv6 address of the same bytes. */
	f = flow_from("a00::");
	assert_false(cidr_list_contains(&l, &f));
}

static void test_prefix_bits(void **state)
{
	struct cidr_list l = {0};
	uint8_t a[16] = {192, 168, 0x7f, 1};

	(void)state;
	assert_int_equal(cidr_list_parse("192.168.64.0/18", &l), 0);
	assert_true(cidr_contains(&l.items[0], 4, a));
	a[2] = 0x80;
	assert_false(cidr_contains(&l.items[0], 4, a));
	l.n = 0;
	assert_int_equal(cidr_list_parse("0.0.0.0/0", &l), 0);
	assert_true(cidr_contains(&l.items[0], 4, a));
	assert_false(cidr_contains(&l.items[0], 6, a));
}

static void test_hostile(void **state)
{
	static const char *const bad[] = {
		"",
		",",
		"10.0.0.0/8,",
		",10.0.0.0/8",
		"10.0.0.0/33",
		"fd00::/129",
		"10.0.0.0/-1",
		"10.0.0.0/",
		"10.0.0.0/8x",
		"10.0.0.0/99999999999999999999",
		"10.0.0.256",
		"host.example",
		"10.0.0.0/8;11.0.0.0/8",
		"10.0.0.0/8 11.0.0.0/8",
		"1111:2222:3333:4444:5555:6666:7777:8888:9999:aaaa:bbbb:cccc:"
		"dddd/64",
	};
	struct cidr_list l;
	char many[64 * 12 + 16] = "";
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&l, 0, sizeof(l));
		if (!cidr_list_parse(bad[i], &l))
			fail_msg("'%s' parsed", bad[i]);
	}
	/* One network more than the list holds is refused, not written. */
	for (i = 0; i <= CIDR_LIST_MAX; i++)
		strcat(many, i ? ",10.0.0.1" : "10.0.0.1");
	memset(&l, 0, sizeof(l));
	assert_int_equal(cidr_list_parse(many, &l), -EINVAL);
	assert_int_equal(l.n, CIDR_LIST_MAX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_and_contain),
		cmocka_unit_test(test_prefix_bits),
		cmocka_unit_test(test_hostile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
