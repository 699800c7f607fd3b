// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The fast path of reading records: what it takes it reads as jansson
 * does; what it is not sure of (escapes where a field is read, non-ASCII,
 * duplicate keys, big integers, exponents, deep nesting, invalid JSON) it
 * declines, and the full parser decides.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "audit_rec.h"
#include "logfast.h"
#include "logread.h"

#define CHAIN           \
	",\"chain\":\"" \
	"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\"}"
#define HEAD "{\"timestamp\":\"2026-11-28T12:00:00.000001Z\",\"seq\":7,"
#define FLOW                                                                \
	"\"event_type\":\"verdict\",\"verdict\":\"reject\",\"rule\":\"r\"," \
	"\"proto\":\"TCP\",\"ip_version\":4,\"src_ip\":\"10.0.0.2\","       \
	"\"src_port\":4000,\"dest_ip\":\"93.184.216.34\",\"dest_port\":443"

static int fast(const char *line, struct logfast *f, struct logrec *rec)
{
	size_t len = strlen(line);

	if (logfast_parse(f, line, len))
		return -EAGAIN;
	return logread_rec_fast(rec, f, line, len);
}

static void test_takes_a_record(void **state)
{
	static const char line[] =
		HEAD FLOW ",\"proc\":{\"pid\":12,\"uid\":0,"
			  "\"user\":\"root\",\"exe\":\"/usr/bin/curl\","
			  "\"cmdline\":[\"a\\u0001\",\"b\"],\"ancestors\":"
			  "[{\"pid\":1,\"exe\":\"/x\"}]}" CHAIN;
	char scratch[sizeof(line) + 64], err[256];
	struct logfast f;
	struct logrec rec;
	struct arec a;

	(void)state;
	assert_int_equal(fast(line, &f, &rec), 0);
	assert_int_equal(rec.seq, 7);
	assert_string_equal(rec.event_type, "verdict");
	assert_int_equal(rec.body_len, strlen(line) - (CHAIN_SUFFIX_LEN - 1));
	assert_int_equal(
		audit_rec_from_fast(&a, &rec, &f, scratch, err, sizeof(err)),
		0);
	assert_true(a.verdict_rec);
	assert_string_equal(a.verdict, "reject");
	assert_string_equal(a.exe, "/usr/bin/curl"); /* not the ancestor's */
	assert_string_equal(a.user, "root");
	assert_int_equal(a.pid, 12);
	assert_int_equal(a.dest_port, 443);
	assert_null(a.proc);
	assert_true(a.has_proc);
}

/* Each field by its name, in its own object only: the top level's names
 * inside "proc" and the other way round are other keys. */
static void test_every_field(void **state)
{
	static const char line[] =
		"{\"timestamp\":\"t\",\"event_type\":\"e\",\"seq\":1,"
		"\"prev_chain\":\"p\",\"verdict\":\"v\",\"rule\":\"r\","
		"\"proto\":\"P\",\"src_ip\":\"s\",\"dest_ip\":\"d\","
		"\"attribution\":\"a\",\"ip_version\":4,\"src_port\":1,"
		"\"dest_port\":2,\"lost\":\"l\",\"count\":3,"
		"\"lost_records\":4,\"exe\":\"top\",\"pid\":\"top\","
		"\"proc\":{\"exe\":\"x\",\"user\":\"u\",\"pid\":5,"
		"\"uid\":6,\"seq\":\"in proc\",\"rule\":\"in proc\"}" CHAIN;
	struct logfast f;
	int i;

	(void)state;
	assert_int_equal(logfast_parse(&f, line, strlen(line)), 0);
	for (i = 0; i < LFK_NKEYS; i++)
		assert_int_not_equal(f.v[i].type, LF_ABSENT);
	assert_int_equal(f.v[LFK_SEQ].type, LF_INT);
	assert_int_equal(f.v[LFK_RULE].len, 1);
	assert_memory_equal(f.v[LFK_PROC_EXE].p, "x", 1);
	assert_int_equal(f.v[LFK_PROC_PID].type, LF_INT);
	assert_int_equal(f.v[LFK_LOST_RECORDS].num, 4);
	assert_int_equal(f.v[LFK_PROC_UID].num, 6);
	assert_memory_equal(f.v[LFK_PROC_USER].p, "u", 1);
}

static void test_gaps(void **state)
{
	struct logfast f;
	struct logrec rec;

	(void)state;
	assert_int_equal(fast(HEAD "\"event_type\":\"lost\",\"lost\":"
				   "\"queue_dropped\",\"count\":29000" CHAIN,
			      &f, &rec),
			 0);
	assert_int_equal(rec.lost_packets, 29000);
	assert_int_equal(rec.lost_records, 0);
	assert_int_equal(fast(HEAD "\"event_type\":\"lost\",\"lost\":"
				   "\"records\",\"count\":4" CHAIN,
			      &f, &rec),
			 0);
	assert_int_equal(rec.lost_records, 4);
	assert_int_equal(fast(HEAD "\"event_type\":\"error\","
				   "\"lost_records\":3" CHAIN,
			      &f, &rec),
			 0);
	assert_int_equal(rec.lost_records, 3);
}

/* proc that is not an object: no process, whatever it holds. */
static void test_proc_not_object(void **state)
{
	static const char line[] =
		HEAD FLOW ",\"proc\":[{\"exe\":\"/x\"}]" CHAIN;
	char scratch[sizeof(line) + 64], err[256];
	struct logfast f;
	struct logrec rec;
	struct arec a;

	(void)state;
	assert_int_equal(fast(line, &f, &rec), 0);
	assert_int_equal(
		audit_rec_from_fast(&a, &rec, &f, scratch, err, sizeof(err)),
		0);
	assert_false(a.has_proc);
	assert_null(a.exe);
	assert_int_equal(a.pid, -1);
}

static void test_declines(void **state)
{
	static const char *const lines[] = {
		HEAD "\"event_type\":\"verd\\u0069ct\"" CHAIN, /* read field */
		HEAD "\"event_type\":\"verdict\",\"seq\":8" CHAIN, /* dup */
		HEAD "\"x\":1,\"x\":2" CHAIN,		/* dup, unread */
		HEAD "\"x\":{\"a\":1,\"a\":1}" CHAIN,	/* dup, nested */
		HEAD "\"x\":\"\xc3\xa9\"" CHAIN,	/* non-ASCII */
		HEAD "\"x\":\"a\tb\"" CHAIN,		/* control */
		HEAD "\"x\":1234567890123456789" CHAIN, /* 19 digits */
		HEAD "\"x\":1e5" CHAIN,			/* exponent */
		HEAD "\"x\":01" CHAIN,			/* leading zero */
		HEAD "\"x\":1." CHAIN,			/* bad fraction */
		HEAD "\"x\":\"\\ud800\"" CHAIN,		/* surrogate */
		HEAD "\"x\":\"\\q\"" CHAIN,		/* bad escape */
		HEAD "\"x\":nul" CHAIN,			/* bad literal */
		HEAD "\"x\":[1,]" CHAIN,		/* trailing comma */
		HEAD "\"x\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]"
		     "]]]]]]]]]]]]]]]]]]]]]]" CHAIN, /* deep */
		HEAD "\"x\":1" CHAIN " ",	     /* chain not last */
		HEAD "\"x\":1" CHAIN "x",	     /* garbage after */
		"{\"seq\":1.0" CHAIN,		     /* seq not an integer */
		"{\"seq\":0" CHAIN,		     /* seq not positive */
		HEAD "\"prev_chain\":null" CHAIN,    /* bad prev_chain */
		HEAD "\"x\":1}",		     /* no chain field */
		"[1]",
		"",
	};
	struct logfast f;
	struct logrec rec;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		assert_int_equal(fast(lines[i], &f, &rec), -EAGAIN);
}

/* An escape where no field is read is validated and passed over. */
static void test_escape_unread(void **state)
{
	struct logfast f;
	struct logrec rec;

	(void)state;
	assert_int_equal(fast(HEAD "\"x\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9"
				   "\\u0000\"" CHAIN,
			      &f, &rec),
			 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_takes_a_record),
		cmocka_unit_test(test_every_field),
		cmocka_unit_test(test_gaps),
		cmocka_unit_test(test_proc_not_object),
		cmocka_unit_test(test_declines),
		cmocka_unit_test(test_escape_unread),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
