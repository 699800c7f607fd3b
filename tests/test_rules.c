// SPDX-License-Identifier: GPL-2.0-or-later
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

#include "rules.h"

static const struct rules_state none;

/* Golden copies live in tests/data/rules/, one file a case. */
static char *golden(const char *name)
{
	const char *dir = getenv("top_srcdir");
	char path[4096], *text;
	FILE *f;
	long n;

	snprintf(path, sizeof(path), "%s/tests/data/rules/%s", dir ? dir : "..",
		 name);
	f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s", path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	text = calloc(1, (size_t)n + 1);
	assert_non_null(text);
	assert_int_equal(fread(text, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return text;
}

static void assert_install(const struct rules_opts *o, enum rules_family fam,
			   const struct rules_state *now, const char *name)
{
	char *text = rules_text_install(o, fam, now), *want = golden(name);

	assert_non_null(text);
	assert_string_equal(text, want);
	free(text);
	free(want);
}

static void test_default(void **state)
{
	struct rules_opts o;

	rules_opts_init(&o);
	assert_install(&o, RULES_IPV4, &none, "default-v4");
	assert_install(&o, RULES_IPV6, &none, "default-v6");
}

static void test_balance(void **state)
{
	struct rules_opts o;
	const char *why;

	rules_opts_init(&o);
	assert_int_equal(rules_opts_parse_queue(&o, "2:5", &why), 0);
	assert_install(&o, RULES_IPV4, &none, "balance-v4");
}

static void test_fail_open(void **state)
{
	struct rules_opts o;
	const char *why;

	rules_opts_init(&o);
	o.fail_open = true;
	assert_int_equal(rules_opts_parse_queue(&o, "65535", &why), 0);
	assert_install(&o, RULES_IPV4, &none, "fail-open-v4");
	assert_int_equal(rules_opts_parse_queue(&o, "0:1", &why), 0);
	assert_install(&o, RULES_IPV6, &none, "fail-open-balance-v6");
}

static void test_no_udp(void **state)
{
	struct rules_opts o;

	rules_opts_init(&o);
	o.no_udp = true;
	assert_install(&o, RULES_IPV6, &none, "no-udp-v6");
}

static void test_custom_mark(void **state)
{
	struct rules_opts o;
	const char *why;

	rules_opts_init(&o);
	assert_int_equal(
		rules_opts_parse_mark(&o, "0x4e4a0000/0xffff0000", &why), 0);
	assert_int_equal(o.mark, 0x4e4a0000);
	assert_int_equal(o.mask, 0xffff0000);
	assert_install(&o, RULES_IPV6, &none, "mark-v6");
	/* A full mask prints as iptables -S shows it: no "/MASK". */
	o.no_udp = true;
	assert_int_equal(rules_opts_parse_mark(&o, "7/4294967295", &why), 0);
	assert_install(&o, RULES_IPV4, &none, "mark-full-v4");
}

static void test_exempt_uid(void **state)
{
	struct rules_opts o;
	const char *why;

	rules_opts_init(&o);
	assert_int_equal(rules_opts_add_exempt(&o, "0", &why), 0);
	assert_int_equal(rules_opts_add_exempt(&o, "4294967294", &why), 0);
	assert_install(&o, RULES_IPV4, &none, "exempt-v4");
}

/* The jumps already there go in the same commit as the new one. */
static void test_reinstall(void **state)
{
	const struct rules_state two = {.chain = true,
					.jumps = 2,
					.in_chain = true,
					.in_jumps = 1,
					.mangle_chain = true,
					.mangle_jumps = 1};
	struct rules_opts o;

	rules_opts_init(&o);
	o.no_udp = true;
	o.backend = RULES_BACKEND_LEGACY;
	assert_install(&o, RULES_IPV4, &two, "reinstall-legacy-v4");
}

static void assert_remove(const struct rules_state *st, const char *want)
{
	char *text = rules_text_remove(st);

	assert_non_null(text);
	assert_string_equal(text, want);
	free(text);
}

static void test_remove(void **state)
{
	const struct rules_state both = {.chain = true, .jumps = 1};
	const struct rules_state chain = {.chain = true, .jumps = 0};
	const struct rules_state all = {.chain = true,
					.jumps = 1,
					.in_chain = true,
					.in_jumps = 2,
					.mangle_chain = true,
					.mangle_jumps = 1};
	const struct rules_state mangle = {.mangle_chain = true};

	assert_remove(&both, "*filter\n-D OUTPUT -j NFJUDGE\n-F NFJUDGE\n"
			     "-X NFJUDGE\nCOMMIT\n");
	assert_remove(&chain, "*filter\n-F NFJUDGE\n-X NFJUDGE\nCOMMIT\n");
	assert_remove(&all, "*filter\n-D OUTPUT -j NFJUDGE\n-F NFJUDGE\n"
			    "-X NFJUDGE\n-D INPUT -j NFJUDGE-IN\n"
			    "-D INPUT -j NFJUDGE-IN\n-F NFJUDGE-IN\n"
			    "-X NFJUDGE-IN\nCOMMIT\n*mangle\n"
			    "-D OUTPUT -j NFJUDGE\n-F NFJUDGE\n-X NFJUDGE\n"
			    "COMMIT\n");
	assert_remove(&mangle, "*mangle\n-F NFJUDGE\n-X NFJUDGE\nCOMMIT\n");
}

static void test_state_parse(void **state)
{
	struct rules_state st = {.chain = true, .jumps = 9};

	rules_state_parse("", &st);
	assert_false(st.chain);
	assert_int_equal(st.jumps, 0);
	rules_state_parse("-P OUTPUT ACCEPT\n-N NFJUDGEX\n-N NFJUDGE\n"
			  "-A OUTPUT -j NFJUDGE\n"
			  "-A OUTPUT -o eth0 -j NFJUDGE\n"
			  "-A OUTPUT -j NFJUDGE2\n"
			  "-A FORWARD -j NFJUDGE\n"
			  " -A OUTPUT -j NFJUDGE\n"
			  "-A OUTPUT -j NFJUDGE",
			  &st);
	assert_true(st.chain);
	assert_int_equal(st.jumps, 2);
	rules_state_parse("-N NFJUDGE2\n-A OUTPUT -j NFJUDGE2\n", &st);
	assert_false(st.chain);
	assert_int_equal(st.jumps, 0);
	rules_state_parse("-N NFJUDGE-IN\n-A INPUT -j NFJUDGE-IN\n"
			  "-A INPUT -j NFJUDGE\n-A OUTPUT -j NFJUDGE-IN\n"
			  "-A INPUT -j NFJUDGE-IN\n",
			  &st);
	assert_false(st.chain);
	assert_true(st.in_chain);
	assert_int_equal(st.in_jumps, 2);
	rules_state_parse_mangle("-N NFJUDGE\n-A OUTPUT -j NFJUDGE\n"
				 "-A PREROUTING -j NFJUDGE\n",
				 &st);
	assert_true(st.mangle_chain);
	assert_int_equal(st.mangle_jumps, 1);
	assert_true(st.in_chain);
	rules_state_parse_mangle(NULL, &st);
	assert_false(st.mangle_chain);
	assert_int_equal(st.mangle_jumps, 0);
}

static void test_program(void **state)
{
	char buf[32];

	assert_string_equal(rules_program(RULES_IPV4, RULES_BACKEND_DEFAULT,
					  true, buf, sizeof(buf)),
			    "iptables-restore");
	assert_string_equal(rules_program(RULES_IPV6, RULES_BACKEND_NFT, false,
					  buf, sizeof(buf)),
			    "ip6tables-nft");
	assert_string_equal(rules_program(RULES_IPV6, RULES_BACKEND_LEGACY,
					  true, buf, sizeof(buf)),
			    "ip6tables-legacy-restore");
}

static void test_queue_parse(void **state)
{
	static const char *const bad[] = {
		"",	   "x",
		"-1",	   "+1",
		" 1",	   "1 ",
		"65536",   "3:1",
		"1:",	   ":1",
		"1:2:3",   "0x10",
		"1:65536", "99999999999999999999",
	};
	struct rules_opts o;
	const char *why;
	size_t i;

	rules_opts_init(&o);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(rules_opts_parse_queue(&o, bad[i], &why),
				 -EINVAL);
		assert_non_null(why);
		assert_int_equal(o.queue_first, 0);
		assert_int_equal(o.queue_last, 0);
	}
	assert_int_equal(rules_opts_parse_queue(&o, "7", &why), 0);
	assert_null(why);
	assert_int_equal(o.queue_first, 7);
	assert_int_equal(o.queue_last, 7);
	assert_int_equal(rules_opts_parse_queue(&o, "0:65535", &why), 0);
	assert_int_equal(o.queue_first, 0);
	assert_int_equal(o.queue_last, 65535);
}

static void assert_bad_mark(const char *text, const char *want_why)
{
	struct rules_opts o;
	const char *why;

	rules_opts_init(&o);
	assert_int_equal(rules_opts_parse_mark(&o, text, &why), -EINVAL);
	assert_string_equal(why, want_why);
	assert_int_equal(o.mark, RULES_MARK_DEFAULT);
	assert_int_equal(o.mask, RULES_MASK_DEFAULT);
}

static void test_mark_parse(void **state)
{
	const char *syntax = "expected VALUE/MASK, numbers up to 0xffffffff";

	assert_bad_mark("0x3/0x1",
			"the mark's VALUE has bits outside its MASK");
	assert_bad_mark("0x0/0x1", "the mark's VALUE must not be 0");
	assert_bad_mark("1/0", "the mark's MASK must not be 0");
	assert_bad_mark("1", syntax);
	assert_bad_mark("1/", syntax);
	assert_bad_mark("/1", syntax);
	assert_bad_mark("-1/1", syntax);
	assert_bad_mark("1/0x100000000", syntax);
	assert_bad_mark("1/1/1", syntax);
	assert_bad_mark("0xg/1", syntax);
}

static void test_backend_exempt_parse(void **state)
{
	struct rules_opts o;
	const char *why;
	char uid[4];
	int i;

	rules_opts_init(&o);
	assert_int_equal(rules_opts_parse_backend(&o, "nft", &why), 0);
	assert_int_equal(o.backend, RULES_BACKEND_NFT);
	assert_int_equal(rules_opts_parse_backend(&o, "legacy", &why), 0);
	assert_int_equal(o.backend, RULES_BACKEND_LEGACY);
	assert_int_equal(rules_opts_parse_backend(&o, "NFT", &why), -EINVAL);
	assert_string_equal(why, "expected nft or legacy");
	assert_int_equal(rules_opts_add_exempt(&o, "4294967295", &why),
			 -EINVAL);
	assert_int_equal(rules_opts_add_exempt(&o, "root", &why), -EINVAL);
	assert_int_equal(rules_opts_add_exempt(&o, "", &why), -EINVAL);
	for (i = 0; i < RULES_MAX_EXEMPT; i++) {
		snprintf(uid, sizeof(uid), "%d", i);
		assert_int_equal(rules_opts_add_exempt(&o, uid, &why), 0);
	}
	assert_int_equal(rules_opts_add_exempt(&o, "99", &why), -E2BIG);
	assert_int_equal(o.n_exempt, RULES_MAX_EXEMPT);
}

/* What the daemon fills in by hand is checked as the parsers would. */
static void test_opts_check(void **state)
{
	struct rules_opts o;
	const char *why;

	rules_opts_init(&o);
	assert_int_equal(rules_opts_check(&o, &why), 0);
	o.queue_first = 3;
	o.queue_last = 2;
	assert_int_equal(rules_opts_check(&o, &why), -EINVAL);
	rules_opts_init(&o);
	o.mark = 0x3;
	assert_int_equal(rules_opts_check(&o, &why), -EINVAL);
	rules_opts_init(&o);
	o.backend = (enum rules_backend)3;
	assert_int_equal(rules_opts_check(&o, &why), -EINVAL);
	assert_string_equal(why, "unknown iptables backend");
	rules_opts_init(&o);
	o.n_exempt = RULES_MAX_EXEMPT + 1;
	assert_int_equal(rules_opts_check(&o, &why), -EINVAL);
	assert_int_equal(rules_install(&o), -EINVAL);
}

static void assert_error_text(const char *err, const char *input,
			      const char *want)
{
	char *text = rules_error_text(err, input);

	assert_non_null(text);
	assert_string_equal(text, want);
	free(text);
}

/* Messages as the two backends' iptables-restore write them. */
static void test_error_text(void **state)
{
	const char *in = "*filter\n-D OUTPUT -j NFJUDGE\n-F NFJUDGE\n"
			 "-X NFJUDGE\nCOMMIT\n";

	assert_error_text("iptables-nft-restore v1.8.9 (nf_tables): \n"
			  "line 4: CHAIN_DEL failed (Device or resource "
			  "busy): chain NFJUDGE\n",
			  in,
			  "iptables-nft-restore v1.8.9 (nf_tables): line 4: "
			  "CHAIN_DEL failed (Device or resource busy): chain "
			  "NFJUDGE [input line 4: -X NFJUDGE]");
	assert_error_text("iptables-restore v1.8.9 (legacy): Couldn't load "
			  "target `X':No such file or directory\n\n"
			  "Error occurred at line: 2\n"
			  "Try `iptables-restore -h' or 'iptables-restore "
			  "--help' for more information.\n",
			  in,
			  "iptables-restore v1.8.9 (legacy): Couldn't load "
			  "target `X':No such file or directory Error "
			  "occurred at line: 2 [input line 2: -D OUTPUT -j "
			  "NFJUDGE]");
	assert_error_text("iptables-restore: line 9 failed\n", in,
			  "iptables-restore: line 9 failed");
	assert_error_text("  no number on this line  \r\n", in,
			  "no number on this line");
	assert_error_text("line 0, then line 1\n", "a\nb\n",
			  "line 0, then line 1 [input line 1: a]");
	assert_error_text("line 2\n", NULL, "line 2");
	assert_error_text(NULL, in, "");
	assert_error_text("line 99999999999999999999999\n", in,
			  "line 99999999999999999999999");
}

/* "iptables -t TABLE -S" after install: jumps first, then the chains. */
static char *listing_of(const char *text, const char *table)
{
	char *out = calloc(1, 16384), *copy = strdup(text), *line, *save;
	char head[32], jumps[256] = "", rules[12288] = "", hook[32];
	bool in = false;
	int at;

	snprintf(head, sizeof(head), "*%s", table);
	for (line = strtok_r(copy, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '*')
			in = !strcmp(line, head);
		else if (!in || line[0] == '#' || !strcmp(line, "COMMIT"))
			continue;
		else if (line[0] == ':')
			sprintf(out + strlen(out), "-N %.*s\n",
				(int)strcspn(line + 1, " "), line + 1);
		else if (sscanf(line, "-I %31s 1 %n", hook, &at) == 1)
			sprintf(jumps + strlen(jumps), "-A %s %s\n", hook,
				line + at);
		else if (!strncmp(line, "-A ", 3))
			sprintf(rules + strlen(rules), "%s\n", line);
	}
	strcat(out, jumps);
	strcat(out, rules);
	free(copy);
	return out;
}

static char *edit(char *s, const char *from, const char *to)
{
	char *p = strstr(s, from), *out;

	assert_non_null(p);
	out = malloc(strlen(s) + strlen(to) + 1);
	sprintf(out, "%.*s%s%s", (int)(p - s), s, to, p + strlen(from));
	free(s);
	return out;
}

static void test_listing_intact(void **state)
{
	struct rules_opts o;
	char *text, *filter, *mangle, *l;

	rules_opts_init(&o);
	text = rules_text_install(&o, RULES_IPV4, &none);
	filter = listing_of(text, "filter");
	mangle = listing_of(text, "mangle");
	assert_true(rules_listing_intact(&o, RULES_IPV4, "filter", filter));
	assert_true(rules_listing_intact(&o, RULES_IPV4, "mangle", mangle));
	/* the other family's, or other options', is not ours */
	assert_false(rules_listing_intact(&o, RULES_IPV6, "filter", filter));
	o.no_udp = true;
	assert_false(rules_listing_intact(&o, RULES_IPV4, "filter", filter));
	rules_opts_init(&o);
	assert_false(rules_listing_intact(&o, RULES_IPV4, "filter", ""));
	assert_false(rules_listing_intact(&o, RULES_IPV4, "filter", NULL));
	assert_false(rules_listing_intact(&o, RULES_IPV4, "mangle", filter));
	/* a rule changed, added, removed; a jump before ours; no jump */
	l = edit(strdup(filter), "--queue-num 0", "--queue-num 7");
	assert_false(rules_listing_intact(&o, RULES_IPV4, "filter", l));
	free(l);
	l = edit(strdup(filter), "-A NFJUDGE-IN -i lo",
		 "-A NFJUDGE -j ACCEPT\n-A NFJUDGE-IN -i lo");
	assert_false(rules_listing_intact(&o, RULES_IPV4, "filter", l));
	free(l);
	l = edit(strdup(filter),
		 "-A NFJUDGE -p tcp -m tcp --tcp-flags "
		 "FIN,SYN,RST,ACK SYN -j NFQUEUE "
		 "--queue-num 0\n",
		 "");
	assert_false(rules_listing_intact(&o, RULES_IPV4, "filter", l));
	free(l);
	l = edit(strdup(filter), "-A OUTPUT -j NFJUDGE\n",
		 "-A OUTPUT -o lo -j ACCEPT\n-A OUTPUT -j NFJUDGE\n");
	assert_false(rules_listing_intact(&o, RULES_IPV4, "filter", l));
	free(l);
	l = edit(strdup(filter), "-A INPUT -j NFJUDGE-IN\n", "");
	assert_false(rules_listing_intact(&o, RULES_IPV4, "filter", l));
	free(l);
	/* others' rules after our jumps are no business of ours */
	l = edit(strdup(filter), "-A OUTPUT -j NFJUDGE\n",
		 "-A OUTPUT -j NFJUDGE\n-A OUTPUT -j ACCEPT\n");
	assert_true(rules_listing_intact(&o, RULES_IPV4, "filter", l));
	free(l);
	free(filter);
	free(mangle);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default),
		cmocka_unit_test(test_balance),
		cmocka_unit_test(test_fail_open),
		cmocka_unit_test(test_no_udp),
		cmocka_unit_test(test_custom_mark),
		cmocka_unit_test(test_exempt_uid),
		cmocka_unit_test(test_reinstall),
		cmocka_unit_test(test_remove),
		cmocka_unit_test(test_state_parse),
		cmocka_unit_test(test_program),
		cmocka_unit_test(test_queue_parse),
		cmocka_unit_test(test_mark_parse),
		cmocka_unit_test(test_backend_exempt_parse),
		cmocka_unit_test(test_opts_check),
		cmocka_unit_test(test_error_text),
		cmocka_unit_test(test_listing_intact),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
