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

#include "audit_group.h"
#include "audit_rec.h"

static struct arec rec(const char *verdict, int64_t ts)
{
	struct arec a;

	memset(&a, 0, sizeof(a));
	a.verdict = verdict;
	a.ts_us = ts;
	a.pid = a.uid = -1;
	return a;
}

static void add(struct agroups *t, const char *k1, const char *k2,
		const char *verdict, int64_t ts)
{
	const char *parts[2] = {k1, k2};
	struct arec a = rec(verdict, ts);

	assert_non_null(audit_groups_add(t, parts, &a));
}

static void test_counts_and_order(void **state)
{
	struct agroups *t = audit_groups_new(2);
	struct agroup **v;

	(void)state;
	assert_non_null(t);
	add(t, "b", "x", "reject", 30);
	add(t, "a", "x", "accept", 20);
	add(t, "b", "x", "drop", 10);
	add(t, "a", "y", "accept", 5);
	add(t, "ab", "", "accept", 5);
	add(t, "a", "", "accept", 5);
	/* ("a","b") and ("ab","") must stay two keys */
	add(t, "a", "b", "accept", 5);
	assert_int_equal(audit_groups_size(t), 6);
	v = audit_groups_sorted(t);
	assert_non_null(v);
	assert_string_equal(audit_group_part(v[0], 0), "b");
	assert_string_equal(audit_group_part(v[0], 1), "x");
	assert_int_equal(v[0]->count, 2);
	assert_int_equal(v[0]->first, 10);
	assert_int_equal(v[0]->last, 30);
	assert_int_equal(v[0]->by_verdict[1], 1);
	assert_int_equal(v[0]->by_verdict[2], 1);
	/* ties of one: by key, byte order, shorter first */
	assert_string_equal(audit_group_part(v[1], 0), "a");
	assert_string_equal(audit_group_part(v[1], 1), "");
	assert_string_equal(audit_group_part(v[2], 1), "b");
	assert_string_equal(audit_group_part(v[3], 1), "x");
	assert_string_equal(audit_group_part(v[4], 1), "y");
	assert_string_equal(audit_group_part(v[5], 0), "ab");
	free(v);
	audit_groups_free(t);
}

static void test_many_keys(void **state)
{
	struct agroups *t = audit_groups_new(1);
	struct agroup **v;
	char key[16];
	const char *parts[1] = {key};
	struct arec a = rec("accept", 1);
	int i;

	(void)state;
	for (i = 0; i < 5000; i++) {
		snprintf(key, sizeof(key), "k%05d", i % 2500);
		assert_non_null(audit_groups_add(t, parts, &a));
	}
	assert_int_equal(audit_groups_size(t), 2500);
	v = audit_groups_sorted(t);
	for (i = 0; i < 2500; i++) {
		snprintf(key, sizeof(key), "k%05d", i);
		assert_string_equal(audit_group_part(v[i], 0), key);
		assert_int_equal(v[i]->count, 2);
	}
	free(v);
	audit_groups_free(t);
	audit_groups_free(NULL);
}

static void test_by(void **state)
{
	struct arec a = rec("reject", 1795870799999999LL);
	char buf[ABY_VALUE_LEN];

	(void)state;
	assert_int_equal(audit_by_parse("hour"), ABY_HOUR);
	assert_int_equal(audit_by_parse("host"), -EINVAL);
	a.rule = "default";
	a.ip_version = 6;
	a.dest_ip = "2001:db8::1";
	a.dest_port = 443;
	assert_string_equal(audit_by_value(ABY_HOUR, &a, buf),
			    "2026-11-28T12:00Z");
	assert_string_equal(audit_by_value(ABY_DEST, &a, buf),
			    "[2001:db8::1]:443");
	a.dest_port = -1; /* a record without ports */
	assert_string_equal(audit_by_value(ABY_DEST, &a, buf), "2001:db8::1");
	assert_string_equal(audit_by_value(ABY_EXE, &a, buf), "-");
	assert_string_equal(audit_by_value(ABY_USER, &a, buf), "-");
	a.uid = 1000;
	assert_string_equal(audit_by_value(ABY_USER, &a, buf), "1000");
	a.user = "dev";
	assert_string_equal(audit_by_value(ABY_USER, &a, buf), "dev");
	a.ts_us = -1; /* before the epoch: the hour before */
	assert_string_equal(audit_by_value(ABY_HOUR, &a, buf),
			    "1969-12-31T23:00Z");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counts_and_order),
		cmocka_unit_test(test_many_keys),
		cmocka_unit_test(test_by),
	};

	return cmocka_run_group_tests_name("audit_group", tests, NULL, NULL);
}
