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

#include "audit_out.h"

static char *mem;
static size_t memlen;

static FILE *mopen(void)
{
	FILE *f;

	free(mem);
	mem = NULL;
	f = open_memstream(&mem, &memlen);
	assert_non_null(f);
	return f;
}

static const char *csv(const char *s)
{
	FILE *f = mopen();

	audit_out_csv_field(f, s);
	fclose(f);
	return mem;
}

static void test_csv_quoting(void **state)
{
	static const char *const row[] = {"a", "b,c", NULL, "x\"y"};
	FILE *f;

	(void)state;
	assert_string_equal(csv("plain"), "plain");
	assert_string_equal(csv(""), "");
	assert_string_equal(csv(NULL), "");
	assert_string_equal(csv("a,b"), "\"a,b\"");
	assert_string_equal(csv("say \"hi\""), "\"say \"\"hi\"\"\"");
	assert_string_equal(csv("two\nlines"), "\"two\nlines\"");
	assert_string_equal(csv("cr\r"), "\"cr\r\"");
	assert_string_equal(csv(" spaced "), " spaced ");
	f = mopen();
	audit_out_csv_row(f, row, 4);
	fclose(f);
	assert_string_equal(mem, "a,\"b,c\",,\"x\"\"y\"\r\n");
}

static void test_cells(void **state)
{
	char buf[128];

	(void)state;
	assert_string_equal(
		audit_out_cell(buf, sizeof(buf), "short", 10, false), "short");
	assert_string_equal(audit_out_cell(buf, sizeof(buf),
					   "/usr/lib/jvm/java-17/bin/java", 16,
					   true),
			    ".../bin/java");
	assert_int_equal(audit_out_width(buf), 12);
	assert_string_equal(
		audit_out_cell(buf, sizeof(buf), "abcdefghijklmnop", 8, true),
		"...lmnop");
	assert_string_equal(
		audit_out_cell(buf, sizeof(buf), "abcdefghij", 8, false),
		"abcde...");
	/* control characters never reach the terminal */
	assert_string_equal(
		audit_out_cell(buf, sizeof(buf), "a\033[2Jb\n\x7f", 0, false),
		"a?[2Jb??");
	/* cut on a code point, width counted in code points */
	assert_int_equal(audit_out_width("caf\xc3\xa9"), 4);
	assert_string_equal(
		audit_out_cell(buf, sizeof(buf),
			       "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 4,
			       false),
		"\xc3\xa9...");
	assert_string_equal(
		audit_out_cell(buf, sizeof(buf),
			       "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 4,
			       true),
		"...\xc3\xa9");
}

static const struct out_col cols[] = {
	{"NAME", 0, false, false},
	{"COUNT", 0, true, false},
	{"LAST", 0, false, false},
};

static void test_table_alignment(void **state)
{
	struct audit_table *t = audit_table_new(cols, 3);
	FILE *f;

	(void)state;
	assert_non_null(t);
	assert_int_equal(audit_table_add(t, (const char *[]){"git", "12", "x"}),
			 0);
	assert_int_equal(
		audit_table_add(
			t, (const char *[]){"caf\xc3\xa9-longer", "3", "y"}),
		0);
	f = mopen();
	audit_table_print(t, f);
	fclose(f);
	audit_table_free(t);
	assert_string_equal(mem, "NAME         COUNT  LAST\n"
				 "git             12  x\n"
				 "caf\xc3\xa9-longer      3  y\n");
}

static void test_fixed_rows(void **state)
{
	static const struct out_col fixed[] = {
		{"A", 4, false, false},
		{"B", 3, true, false},
		{"C", 5, false, true},
	};
	FILE *f = mopen();

	(void)state;
	audit_out_head(f, fixed, 3);
	audit_out_row(f, fixed, 3,
		      (const char *[]){"toolong", "7", "/a/b/cdef"});
	fclose(f);
	assert_string_equal(mem, "A       B  C\n"
				 "t...    7  ...ef\n");
}

static void test_formats(void **state)
{
	enum aformat f;

	(void)state;
	assert_int_equal(audit_format_parse("csv", &f), 0);
	assert_int_equal(f, AFORMAT_CSV);
	assert_int_equal(audit_format_parse("table", &f), 0);
	assert_int_equal(f, AFORMAT_TABLE);
	assert_int_equal(audit_format_parse("json", &f), 0);
	assert_int_equal(f, AFORMAT_JSON);
	assert_int_equal(audit_format_parse("JSON", &f), -EINVAL);
}

static int teardown(void **state)
{
	(void)state;
	free(mem);
	mem = NULL;
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv_quoting),
		cmocka_unit_test(test_cells),
		cmocka_unit_test(test_table_alignment),
		cmocka_unit_test(test_fixed_rows),
		cmocka_unit_test(test_formats),
	};

	return cmocka_run_group_tests_name("audit_out", tests, NULL, teardown);
}
