// SPDX-License-Identifier: GPL-2.0-or-later
/* Policy errors: the exact text a person reads, and all of them at once. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "policytest.h"

struct error_case {
	const char *text;
	const char *want; /* every diagnostic, one per line */
};

static void check_cases(const struct error_case *c, size_t n)
{
	struct pt_diags d;
	size_t i;

	for (i = 0; i < n; i++) {
		const char *got = pt_errors(c[i].text, &d);

		if (strcmp(got, c[i].want))
			fail_msg("policy:\n%s\ngot:\n%swant:\n%s", c[i].text,
				 got, c[i].want);
	}
}

#define CHECK(cases) check_cases(cases, sizeof(cases) / sizeof(cases[0]))

static void test_unknown_words(void **state)
{
	static const struct error_case cases[] = {
		{"accept prot tcp\n",
		 "t.conf:1:8: unknown match 'prot' (did you mean 'proto'?)\n"},
		{"accept frobnicate 1\n", "t.conf:1:8: unknown match "
					  "'frobnicate'\n"},
		{"accept \\\n\tprot tcp\n",
		 "t.conf:2:2: unknown match 'prot' (did you mean 'proto'?)\n"},
		{"accept exe /bin/x nmae x\n",
		 "t.conf:1:19: unknown match 'nmae' (did you mean 'name'?)\n"},
		{"to 1.2.3.4\n", "t.conf:1:1: missing action: a rule starts "
				 "with accept, reject or drop\n"},
		{"acept to 1.1.1.1\n",
		 "t.conf:1:1: unknown action 'acept' (did you mean "
		 "'accept'?)\n"},
		{"frobnicate\n", "t.conf:1:1: expected accept, reject, drop, "
				 "set or define, not 'frobnicate'\n"},
		{"\"accept\"\n", "t.conf:1:1: expected accept, reject, drop, "
				 "set or define, not 'accept'\n"},
		{"accept , to 1.1.1.1\n",
		 "t.conf:1:8: expected a match, 'name' or 'reason', not ','\n"},
	};

	CHECK(cases);
}

static void test_bad_host(void **state)
{
	static const struct error_case cases[] = {
		{"accept host example.org.\n",
		 "t.conf:1:13: invalid host 'example.org.' (names are written "
		 "without the trailing '.')\n"},
		{"accept proto tcp host a.test, \"\", *.b.test.\n",
		 "t.conf:1:31: invalid host '' (a name pattern of 1 to 255 "
		 "characters)\n"
		 "t.conf:1:35: invalid host '*.b.test.' (names are written "
		 "without the trailing '.')\n"},
		{"accept hots a.test\n",
		 "t.conf:1:8: unknown match 'hots' (did you mean 'host'?)\n"},
		{"accept host\n", "t.conf:1:8: missing value after 'host'\n"},
	};

	(void)state;
	CHECK(cases);
}

static void test_bad_values(void **state)
{
	static const struct error_case cases[] = {
		{"accept to 10.0.0.0/33\n",
		 "t.conf:1:11: invalid CIDR '10.0.0.0/33'\n"},
		{"accept to ::/129, 1.2.3.4/, 1.2.3.4/-1, 1.2.3.4/0x1\n",
		 "t.conf:1:11: invalid CIDR '::/129'\n"
		 "t.conf:1:19: invalid CIDR '1.2.3.4/'\n"
		 "t.conf:1:29: invalid CIDR '1.2.3.4/-1'\n"
		 "t.conf:1:41: invalid CIDR '1.2.3.4/0x1'\n"},
		{"accept to example.org\n",
		 "t.conf:1:11: invalid address 'example.org' (expected ADDR "
		 "or CIDR)\n"},
		{"accept port 90-80\n",
		 "t.conf:1:13: port range 90-80 is reversed\n"},
		{"accept port 65536, 1-, -5, x\n",
		 "t.conf:1:13: invalid port '65536' (expected N or N-M, 0 to "
		 "65535)\n"
		 "t.conf:1:20: invalid port '1-' (expected N or N-M, 0 to "
		 "65535)\n"
		 "t.conf:1:24: invalid port '-5' (expected N or N-M, 0 to "
		 "65535)\n"
		 "t.conf:1:28: invalid port 'x' (expected N or N-M, 0 to "
		 "65535)\n"},
		{"accept proto icmp family ipv5\n",
		 "t.conf:1:26: invalid family 'ipv5' (expected ipv4 or "
		 "ipv6)\n"},
		{"accept proto icmp6, udp-lite, ip, 256, -1, tcp udp\n",
		 "t.conf:1:14: invalid protocol 'icmp6' (did you mean "
		 "'icmpv6'?)\n"
		 "t.conf:1:21: invalid protocol 'udp-lite' (did you mean "
		 "'udplite'?)\n"
		 "t.conf:1:31: invalid protocol 'ip' (expected tcp, udp, "
		 "udplite, icmp, icmpv6, sctp, gre, a number 0 to 255, or "
		 "any)\n"
		 "t.conf:1:35: invalid protocol '256' (expected tcp, udp, "
		 "udplite, icmp, icmpv6, sctp, gre, a number 0 to 255, or "
		 "any)\n"
		 "t.conf:1:40: invalid protocol '-1' (expected tcp, udp, "
		 "udplite, icmp, icmpv6, sctp, gre, a number 0 to 255, or "
		 "any)\n"
		 "t.conf:1:48: unknown match 'udp'\n"},
		{"accept direction inbound, up\n",
		 "t.conf:1:18: invalid direction 'inbound' (expected out or "
		 "in)\n"
		 "t.conf:1:27: invalid direction 'up' (expected out or in)\n"},
		{"accept directon in\n",
		 "t.conf:1:8: unknown match 'directon' (did you mean "
		 "'direction'?)\n"},
		{"accept user mallory group nogroup\n",
		 "t.conf:1:13: unknown user 'mallory'\n"
		 "t.conf:1:27: unknown group 'nogroup'\n"},
		{"accept user 4294967295\n",
		 "t.conf:1:13: invalid user '4294967295' (a numeric id must be "
		 "below 4294967295)\n"},
		{"accept exe \"\"\n", "t.conf:1:12: empty pattern\n"},
		{"accept to $proxy\n", "t.conf:1:11: $proxy is not defined\n"},
		/* a define's item is checked where it is used */
		{"define x = 1.2.3.4/40\naccept to $x\n",
		 "t.conf:1:12: invalid CIDR '1.2.3.4/40'\n"},
	};

	CHECK(cases);
}

static void test_structure(void **state)
{
	static const struct error_case cases[] = {
		{"accept reason \"abc\n", "t.conf:1:15: unterminated string\n"},
		{"accept to\n", "t.conf:1:8: missing value after 'to'\n"},
		{"accept to 1.1.1.1,\n",
		 "t.conf:1:18: missing value after ','\n"},
		{"accept to , 1.1.1.1\n",
		 "t.conf:1:11: missing value after 'to'\n"},
		{"accept not\n",
		 "t.conf:1:8: 'not' must be followed by a match\n"},
		{"accept not name x\n",
		 "t.conf:1:12: 'not' must be followed by a match\n"},
		{"accept name\n", "t.conf:1:8: 'name' needs a value\n"},
		{"accept name \"a b\"\n",
		 "t.conf:1:13: invalid rule name 'a b' (letters, digits, '_', "
		 "'-' and '.')\n"},
		{"accept name a name b\n", "t.conf:1:20: rule has two names\n"},
		{"accept reason x reason y\n",
		 "t.conf:1:24: rule has two reasons\n"},
		{"accept name a\ndrop name a\n",
		 "t.conf:2:11: duplicate rule name 'a' (first on line 1)\n"},
	};

	CHECK(cases);
}

static void test_set_and_define(void **state)
{
	static const struct error_case cases[] = {
		{"set default maybe\n",
		 "t.conf:1:13: invalid default 'maybe' (expected accept, "
		 "reject or drop)\n"},
		{"set mode loud\n", "t.conf:1:10: invalid mode 'loud' "
				    "(expected enforce or audit)\n"},
		{"set foo x\n", "t.conf:1:5: unknown setting 'foo' (expected "
				"default or mode)\n"},
		{"set\n", "t.conf:1:1: expected 'default' or 'mode' after "
			  "'set'\n"},
		{"set default\n", "t.conf:1:5: 'set default' needs a value\n"},
		{"set default accept\nset default drop\n",
		 "t.conf:2:5: 'set default' given twice (first on line 1)\n"},
		{"set default accept extra\n",
		 "t.conf:1:20: unexpected 'extra' after the value\n"},
		{"define = 1\n",
		 "t.conf:1:8: expected 'define NAME = ITEM, ...'\n"},
		{"define a=1\n", "t.conf:1:8: expected 'define NAME = ITEM, "
				 "...' (with spaces around '=')\n"},
		{"define x 1\n", "t.conf:1:8: expected '=' after 'define x'\n"},
		{"define x =\n", "t.conf:1:10: missing value after '='\n"},
		{"define x = 1\ndefine x = 2\n",
		 "t.conf:2:8: 'x' is already defined (line 1)\n"},
		{"define x = 1, $x\n", "t.conf:1:15: $x is not defined\n"},
		{"define \"\" = 1\n",
		 "t.conf:1:8: expected 'define NAME = ITEM, ...'\n"},
		{"define x = 1 2\n",
		 "t.conf:1:14: unexpected '2' after the list\n"},
	};

	CHECK(cases);
}

/* One run reports every error in the file, in order. */
static void test_all_errors_reported(void **state)
{
	static const char text[] = "# a policy with one error on most lines\n"
				   "set default maybe\n"
				   "accept prot tcp to 10.0.0.0/33 port 90-80\n"
				   "accept to 1.1.1.1 name ok\n"
				   "accept to $proxy name ok\n"
				   "acept to 1.1.1.1\n"
				   "accept reason \"open\n"
				   "accept user nobody-here\n";
	struct pt_diags d;

	assert_string_equal(
		pt_errors(text, &d),
		"t.conf:2:13: invalid default 'maybe' (expected accept, reject "
		"or drop)\n"
		"t.conf:3:8: unknown match 'prot' (did you mean 'proto'?)\n"
		"t.conf:3:20: invalid CIDR '10.0.0.0/33'\n"
		"t.conf:3:37: port range 90-80 is reversed\n"
		"t.conf:5:11: $proxy is not defined\n"
		"t.conf:5:23: duplicate rule name 'ok' (first on line 4)\n"
		"t.conf:6:1: unknown action 'acept' (did you mean 'accept'?)\n"
		"t.conf:7:15: unterminated string\n"
		"t.conf:8:13: unknown user 'nobody-here'\n");
	assert_int_equal(d.count, 9);
}

/* Long input in a message is cut, so a message stays one short line. */
static void test_long_text_is_cut(void **state)
{
	char text[512], want[256];
	struct pt_diags d;

	memset(want, 0, sizeof(want));
	snprintf(text, sizeof(text), "accept to %0300d\n", 7);
	snprintf(want, sizeof(want),
		 "t.conf:1:11: invalid address '%064d' "
		 "(expected ADDR or CIDR)\n",
		 0);
	assert_string_equal(pt_errors(text, &d), want);
}

static void collect(void *ctx, const char *msg)
{
	snprintf(ctx, 256, "%s", msg);
}

static void test_nul_and_no_callback(void **state)
{
	struct policy_parse_opts o = {.diag = collect};
	char msg[256] = "";
	struct policy *p;

	o.ctx = msg;
	assert_null(policy_parse("accept\0 x\n", 10, "n.conf", &o));
	assert_string_equal(msg, "n.conf:1:7: NUL byte in policy");
	assert_null(policy_parse("# a\0b\naccept\n", 13, "n.conf", &o));
	assert_string_equal(msg, "n.conf:1:4: NUL byte in policy");
	errno = 0;
	assert_null(policy_parse("bogus\n", 6, NULL, NULL));
	assert_int_equal(errno, EINVAL);
	/* an empty policy is valid: the default decides everything */
	p = policy_parse(NULL, 0, NULL, NULL);
	assert_non_null(p);
	assert_int_equal(policy_rule_count(p), 0);
	policy_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unknown_words),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_bad_host),
		cmocka_unit_test(test_structure),
		cmocka_unit_test(test_set_and_define),
		cmocka_unit_test(test_all_errors_reported),
		cmocka_unit_test(test_long_text_is_cut),
		cmocka_unit_test(test_nul_and_no_callback),
	};

	return cmocka_run_group_tests_name("policy errors", tests, NULL, NULL);
}
