// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A record's "proc" read back (audit whatif, replay --procs) must judge no
 * more permissively than the daemon did: each process the daemon would
 * not vouch for -- tainted, a shared socket's holders, a holder set cut
 * short, a foreign ancestor -- is written by record.c, read back by
 * procjson.c, and judged again under process rules.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>

#include <jansson.h>

#include "policytest.h"
#include "procjson.h"
#include "record.h"

static struct proc_info held[PROC_MAX_HOLDERS];
static struct proc_info pi, back;
static struct flow f;
static char line[RECORD_MAX];

static const char *const curl = "accept exe /usr/bin/curl name curl\n"
				"accept ancestor /usr/bin/make name make\n"
				"reject not exe /usr/bin/curl name other\n";

/* pi as the daemon records it, read back into back. */
static void round_trip(void)
{
	struct record_verdict v = {0};
	struct record_event ev = {0};
	const char *field = NULL;
	json_error_t err;
	json_t *j;
	int len;

	v.flow = &f;
	v.verdict = VERDICT_ACCEPT;
	v.enforced = true;
	v.rule = "x";
	v.community_id = "1:abc=";
	v.attribution = ATTR_SOCKET;
	v.proc = &pi;
	ev.type = RECORD_VERDICT;
	ev.ts_us = 1795867200123456LL;
	ev.verdict = &v;
	len = record_format(line, sizeof(line), 1, NULL, &ev);
	assert_true(len > 0 && (size_t)len < sizeof(line) - 1);
	line[len++] = '}'; /* where the chain field would go */
	j = json_loadb(line, (size_t)len, 0, &err);
	assert_non_null(j);
	assert_int_equal(
		procjson_parse(json_object_get(j, "proc"), &back, &field), 0);
	json_decref(j);
}

/* The rule that decides, live and again from the record: the same. */
static const char *judged(void)
{
	static char live[64];
	struct policy *p = pt_ok(curl);

	snprintf(live, sizeof(live), "%s", pt_rule(p, &f, &pi));
	round_trip();
	assert_string_equal(pt_rule(p, &f, &back), live);
	policy_free(p);
	return live;
}

static void share(int n)
{
	int i;

	memcpy(&pi, &held[0], sizeof(pi));
	pi.shared = n > 1;
	pi.n_holders = n;
	pi.n_listed = n < PROC_MAX_HOLDERS ? n : PROC_MAX_HOLDERS;
	pi.holders = n > 1 ? held : NULL;
	if (n < 2)
		pi.n_holders = pi.n_listed = 0;
	for (i = 1; i < pi.n_listed; i++)
		held[i].pid = 4242 + i;
}

static int setup(void **state)
{
	int i;

	pt_flow(&f, "tcp", "10.0.0.2", "1.1.1.1", 443);
	for (i = 0; i < PROC_MAX_HOLDERS; i++)
		pt_proc(&held[i], "/usr/bin/curl", "curl", "curl -s x");
	return 0;
}

static void test_plain(void **state)
{
	share(1);
	assert_string_equal(judged(), "curl");
	assert_null(back.tainted);
	assert_false(back.shared);
	assert_false(back.partial);
}

static void test_tainted(void **state)
{
	share(1);
	pi.tainted = "started with LD_PRELOAD or LD_AUDIT";
	assert_string_equal(judged(), "default");
	assert_non_null(back.tainted);
	assert_string_equal(back.tainted, pi.tainted);
}

static void test_shared(void **state)
{
	/* every holder curl: as live, the rule holds */
	share(2);
	assert_string_equal(judged(), "curl");
	assert_true(back.shared);
	assert_int_equal(back.n_listed, 2);
	assert_int_equal(back.holders[1].pid, 4243);
	/* a sleeping curl named, another program beside it */
	pt_proc(&held[1], "/tmp/evil", "evil", "evil");
	share(2);
	assert_string_equal(judged(), "default");
	/* a tainted holder */
	pt_proc(&held[1], "/usr/bin/curl", "curl", "curl");
	held[1].tainted = "exe is not the file its path names here";
	share(2);
	assert_string_equal(judged(), "default");
	assert_string_equal(back.holders[1].tainted, held[1].tainted);
}

static void test_cut_short(void **state)
{
	/* more holders than a record lists */
	share(PROC_MAX_HOLDERS + 3);
	assert_string_equal(judged(), "default");
	assert_true(back.n_holders > back.n_listed);
	/* the budget ran out */
	share(1);
	pi.partial = true;
	assert_string_equal(judged(), "default");
	assert_true(back.partial);
}

static void test_foreign_ancestor(void **state)
{
	share(1);
	snprintf(pi.exe, sizeof(pi.exe), "/usr/bin/wget");
	pi.n_ancestors = 1;
	pi.ancestors[0].pid = 7;
	snprintf(pi.ancestors[0].exe, PROC_EXE_MAX, "/usr/bin/make");
	snprintf(pi.ancestors[0].comm, PROC_COMM_MAX, "make");
	assert_string_equal(judged(), "make");
	pi.ancestors[0].foreign = true;
	assert_string_equal(judged(), "other");
	assert_true(back.ancestors[0].foreign);
}

static int parse(const char *text, const char **field)
{
	json_error_t err;
	json_t *j = json_loads(text, 0, &err);
	int ret;

	assert_non_null(j);
	ret = procjson_parse(j, &back, field);
	json_decref(j);
	return ret;
}

/* Records written elsewhere, or by hand: the wary reading still holds. */
static void test_hostile(void **state)
{
	static const struct {
		const char *text, *field;
	} bad[] = {
		{"{\"tainted\":5}", "tainted"},
		{"{\"tainted\":true}", "tainted"},
		{"{\"partial\":\"yes\"}", "partial"},
		{"{\"holders\":{}}", "holders"},
		{"{\"holders\":[1]}", "holders"},
		{"{\"holders\":[{\"pid\":\"1\"}]}", "holders"},
		{"{\"holders\":[{\"exe\":3}]}", "holders"},
		{"{\"holders\":[{\"tainted\":[]}]}", "holders"},
		{"{\"holders\":[],\"holders_more\":\"2\"}", "holders"},
		{"{\"ancestors\":[{\"foreign\":1}]}", "ancestors"},
	};
	char big[4096];
	const char *field;
	struct policy *p = pt_ok(curl);
	size_t i, n;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		field = NULL;
		assert_int_equal(parse(bad[i].text, &field), -EINVAL);
		assert_non_null(field);
		assert_string_equal(field, bad[i].field);
	}
	/* shared, but who else held it is not said (an older record) */
	assert_int_equal(parse("{\"pid\":1,\"exe\":\"/usr/bin/curl\","
			       "\"shared\":true}",
			       &field),
			 0);
	assert_true(back.partial);
	assert_string_equal(pt_rule(p, &f, &back), "default");
	/* more holders listed than a record has room for */
	n = (size_t)snprintf(big, sizeof(big),
			     "{\"exe\":\"/usr/bin/curl\",\"shared\":true,"
			     "\"holders\":[");
	for (i = 0; i < 20; i++)
		n += (size_t)snprintf(big + n, sizeof(big) - n,
				      "%s{\"pid\":%zu,\"exe\":\"/usr/bin/"
				      "curl\"}",
				      i ? "," : "", i + 1);
	snprintf(big + n, sizeof(big) - n, "]}");
	assert_int_equal(parse(big, &field), 0);
	assert_int_equal(back.n_listed, PROC_MAX_HOLDERS);
	assert_string_equal(pt_rule(p, &f, &back), "default");
	/* an overlong reason is cut, and still taints */
	memset(big, 'a', sizeof(big));
	memcpy(big, "{\"tainted\":\"", 12);
	memcpy(big + sizeof(big) - 3, "\"}", 3);
	assert_int_equal(parse(big, &field), 0);
	assert_non_null(back.tainted);
	assert_int_equal(strlen(back.tainted), PROCJSON_TAINT_MAX - 1);
	policy_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_plain, setup),
		cmocka_unit_test_setup(test_tainted, setup),
		cmocka_unit_test_setup(test_shared, setup),
		cmocka_unit_test_setup(test_cut_short, setup),
		cmocka_unit_test_setup(test_foreign_ancestor, setup),
		cmocka_unit_test_setup(test_hostile, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
