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

#include "audit_filter.h"
#include "audit_rec.h"
#include "logread.h"

#define HEX64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define T0    1795867200000000LL /* 2026-11-28T12:00:00Z */

static const char rec_v4[] =
	"{\"timestamp\":\"2026-11-28T12:00:00.000000Z\",\"event_type\":"
	"\"verdict\",\"seq\":1,\"verdict\":\"reject\",\"rule\":\"default\","
	"\"proto\":\"TCP\",\"ip_version\":4,\"src_ip\":\"10.0.0.2\","
	"\"src_port\":40000,\"dest_ip\":\"140.82.112.3\",\"dest_port\":443,"
	"\"proc\":{\"pid\":42,\"uid\":1000,\"user\":\"dev\",\"exe\":"
	"\"/usr/bin/git\"},\"chain\":\"" HEX64 "\"}";

static const char rec_v6[] =
	"{\"timestamp\":\"2026-11-28T13:30:00Z\",\"event_type\":\"verdict\","
	"\"seq\":2,\"verdict\":\"drop\",\"rule\":\"quic\",\"proto\":\"UDP\","
	"\"ip_version\":6,\"src_ip\":\"fd00::2\",\"src_port\":5000,"
	"\"dest_ip\":\"2001:db8::1\",\"dest_port\":8443,\"proc\":null,"
	"\"chain\":\"" HEX64 "\"}";

static struct logrec rec;
static struct arec a;

static const struct arec *load(const char *line)
{
	char err[256];

	logread_rec_clear(&rec);
	assert_int_equal(
		logread_rec_parse(&rec, line, strlen(line), err, sizeof(err)),
		0);
	assert_int_equal(audit_rec_from(&a, &rec, err, sizeof(err)), 0);
	return &a;
}

/* Does the record match with one condition set? */
static bool match1(const char *line, const char *key, const char *value)
{
	struct afilter f;
	char err[256];

	audit_filter_init(&f);
	assert_int_equal(audit_filter_set(&f, key, value, T0, err, sizeof(err)),
			 0);
	return audit_filter_match(&f, load(line));
}

static void bad(const char *key, const char *value)
{
	struct afilter f;
	char err[256] = "";

	audit_filter_init(&f);
	assert_int_equal(audit_filter_set(&f, key, value, T0, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, key));
}

static void test_fields(void **state)
{
	const struct arec *r = load(rec_v4);

	(void)state;
	assert_true(r->verdict_rec);
	assert_int_equal(r->ts_us, T0);
	assert_string_equal(r->exe, "/usr/bin/git");
	assert_int_equal(r->pid, 42);
	assert_int_equal(r->uid, 1000);
	r = load(rec_v6);
	assert_null(r->exe);
	assert_int_equal(r->pid, -1);
	assert_int_equal(r->ip_version, 6);
}

static void test_each_filter(void **state)
{
	(void)state;
	assert_true(match1(rec_v4, "verdict", "reject"));
	assert_false(match1(rec_v4, "verdict", "accept"));
	assert_true(match1(rec_v4, "rule", "default"));
	assert_false(match1(rec_v6, "rule", "default"));
	assert_true(match1(rec_v4, "exe", "/usr/bin/*"));
	assert_false(match1(rec_v4, "exe", "/usr/*")); /* FNM_PATHNAME */
	assert_false(match1(rec_v6, "exe", "*"));      /* no process */
	assert_true(match1(rec_v4, "user", "dev"));
	assert_true(match1(rec_v4, "user", "1000"));
	assert_false(match1(rec_v4, "user", "0"));
	assert_false(match1(rec_v6, "user", "dev"));
	assert_true(match1(rec_v4, "pid", "42"));
	assert_false(match1(rec_v4, "pid", "43"));
	assert_true(match1(rec_v4, "dest", "140.82.112.0/20"));
	assert_false(match1(rec_v4, "dest", "140.82.128.0/20"));
	assert_false(match1(rec_v4, "dest", "::/0"));
	assert_true(match1(rec_v6, "dest", "2001:db8::/32"));
	assert_true(match1(rec_v6, "dest", "10.0.0.0/8,2001:db8::1"));
	assert_true(match1(rec_v4, "port", "443"));
	assert_true(match1(rec_v4, "port", "400-500"));
	assert_false(match1(rec_v4, "port", "444-500"));
	assert_true(match1(rec_v6, "proto", "udp"));
	assert_false(match1(rec_v6, "proto", "TCP"));
	assert_true(match1(rec_v4, "since", "2026-11-28T12:00:00Z"));
	assert_false(match1(rec_v4, "since", "2026-11-28T12:00:00.000001Z"));
	assert_true(match1(rec_v4, "until", "2026-11-28T12:00:00Z"));
	assert_false(match1(rec_v6, "until", "-1m")); /* after now - 1 min */
	assert_true(match1(rec_v6, "since", "-1m"));
}

static void test_combined(void **state)
{
	struct afilter f;
	char err[256];

	(void)state;
	audit_filter_init(&f);
	assert_int_equal(
		audit_filter_set(&f, "verdict", "reject", T0, err, 256), 0);
	assert_int_equal(audit_filter_set(&f, "port", "443", T0, err, 256), 0);
	assert_true(audit_filter_match(&f, load(rec_v4)));
	assert_int_equal(audit_filter_set(&f, "proto", "udp", T0, err, 256), 0);
	assert_false(audit_filter_match(&f, load(rec_v4)));
	assert_int_equal(audit_filter_set(&f, "nope", "x", T0, err, 256),
			 -ENOENT);
}

static void test_bad_values(void **state)
{
	(void)state;
	bad("verdict", "allow");
	bad("port", "65536");
	bad("port", "500-400");
	bad("port", "-1");
	bad("port", "12a");
	bad("port", "1-");
	bad("pid", "");
	bad("pid", "-5");
	bad("dest", "10.0.0.0/33");
	bad("dest", "example.com");
	bad("proto", "icmp");
	bad("since", "yesterday");
	bad("since", "-");
	bad("since", "-h");
	bad("until", "-3w");
	bad("until", "-99999999999999999999d");
	bad("exe", "");
	bad("user", "");
}

static void test_relative_time(void **state)
{
	int64_t t;

	(void)state;
	assert_int_equal(audit_filter_time("-30s", T0, &t), 0);
	assert_int_equal(t, T0 - 30000000LL);
	assert_int_equal(audit_filter_time("-30m", T0, &t), 0);
	assert_int_equal(t, T0 - 1800000000LL);
	assert_int_equal(audit_filter_time("-1h", T0, &t), 0);
	assert_int_equal(t, T0 - 3600000000LL);
	assert_int_equal(audit_filter_time("-2d", T0, &t), 0);
	assert_int_equal(t, T0 - 2 * 86400000000LL);
	assert_int_equal(audit_filter_time("2026-11-28T14:00:00+02:00", 0, &t),
			 0);
	assert_int_equal(t, T0);
	assert_int_equal(audit_filter_time("-1.5h", T0, &t), -EINVAL);
	assert_int_equal(audit_filter_time("--1h", T0, &t), -EINVAL);
	assert_int_equal(audit_filter_time("-106751992d", T0, &t), -EINVAL);
}

static void test_bad_records(void **state)
{
	static const char *const lines[] = {
		"{\"seq\":1,\"event_type\":\"verdict\",\"chain\":\"" HEX64
		"\"}",
		"{\"seq\":1,\"timestamp\":\"x\",\"event_type\":\"stop\","
		"\"chain\":\"" HEX64 "\"}",
		"{\"seq\":1,\"timestamp\":\"2026-11-28T12:00:00Z\","
		"\"event_type\":\"verdict\",\"verdict\":\"accept\",\"rule\":"
		"\"r\",\"proto\":\"TCP\",\"ip_version\":4,\"src_ip\":\"::1\","
		"\"dest_ip\":\"1.2.3.4\",\"src_port\":1,\"dest_port\":2,"
		"\"chain\":\"" HEX64 "\"}",
		"{\"seq\":1,\"timestamp\":\"2026-11-28T12:00:00Z\","
		"\"event_type\":\"verdict\",\"verdict\":\"accept\",\"rule\":"
		"\"r\",\"proto\":\"TCP\",\"ip_version\":4,\"src_ip\":\"1.2.3."
		"4\","
		"\"dest_ip\":\"1.2.3.4\",\"src_port\":1,\"dest_port\":70000,"
		"\"chain\":\"" HEX64 "\"}",
	};
	struct logrec r;
	struct arec x;
	char err[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		assert_int_equal(logread_rec_parse(&r, lines[i],
						   strlen(lines[i]), err,
						   sizeof(err)),
				 0);
		assert_int_equal(audit_rec_from(&x, &r, err, sizeof(err)),
				 -EBADMSG);
		logread_rec_clear(&r);
	}
}

static int teardown(void **state)
{
	(void)state;
	logread_rec_clear(&rec);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_each_filter),
		cmocka_unit_test(test_combined),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_relative_time),
		cmocka_unit_test(test_bad_records),
	};

	return cmocka_run_group_tests_name("audit_filter", tests, NULL,
					   teardown);
}
