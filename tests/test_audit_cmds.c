// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The bodies of the audit commands called with their config structs, no
 * argv: verify, summary and search over the fixture log of the CLI tests.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "audit.h"
#include "chain.h"
#include "logread.h"

static char fixture[4096];
static char out_path[] = "/tmp/nfjudge-test-audit-cmds-XXXXXX";
static char log_path[] = "/tmp/nfjudge-test-audit-log-XXXXXX";
static char out[65536];

static int setup(void **state)
{
	const char *top = getenv("top_srcdir");
	int fd;

	(void)state;
	snprintf(fixture, sizeof(fixture), "%s/tests/audit/sandbox.jsonl",
		 top ? top : ".");
	fd = mkstemp(out_path);
	if (fd < 0)
		return -1;
	close(fd);
	fd = mkstemp(log_path);
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(out_path);
	unlink(log_path);
	return 0;
}

/* Run body with stdout in a file; what it printed is left in out. */
static int run_captured(int (*body)(const void *c, char *const *logs, int n),
			const void *c, const char *log)
{
	char *logs[1] = {(char *)log};
	int saved, fd, ret;
	ssize_t n;

	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	fd = open(out_path, O_WRONLY | O_TRUNC);
	assert_true(saved >= 0 && fd >= 0);
	dup2(fd, STDOUT_FILENO);
	close(fd);
	ret = body(c, logs, 1);
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	fd = open(out_path, O_RDONLY);
	assert_true(fd >= 0);
	n = read(fd, out, sizeof(out) - 1);
	close(fd);
	out[n > 0 ? n : 0] = '\0';
	return ret;
}

static int verify_body(const void *c, char *const *logs, int n)
{
	return audit_verify_run(c, logs, n);
}

static int summary_body(const void *c, char *const *logs, int n)
{
	return audit_summary_run(c, logs, n);
}

static int search_body(const void *c, char *const *logs, int n)
{
	return audit_search_run(c, logs, n);
}

/* The fixture's lines from..to (1-based), line edit (0: none) with the
 * first "accept" turned into "reject". */
static void write_log(int from, int to, int edit)
{
	FILE *in = fopen(fixture, "r"), *o = fopen(log_path, "w");
	char line[8192], *p;
	int i = 0;

	assert_non_null(in);
	assert_non_null(o);
	while (fgets(line, sizeof(line), in)) {
		i++;
		if (i < from || i > to)
			continue;
		if (i == edit && (p = strstr(line, "\"accept\"")))
			memcpy(p + 1, "reject", 6);
		fputs(line, o);
	}
	fclose(in);
	assert_int_equal(fclose(o), 0);
}

static void test_verify_intact(void **state)
{
	struct audit_verify_config c = {.head = VERIFY_GENESIS};

	(void)state;
	assert_int_equal(run_captured(verify_body, &c, fixture), 0);
	assert_non_null(strstr(out, "10 records, seq 1 to 10"));
	assert_non_null(strstr(out, "chain intact (SHA-256)"));
}

static void test_verify_tampered(void **state)
{
	struct audit_verify_config c = {.head = VERIFY_GENESIS};

	(void)state;
	write_log(1, 10, 1);
	assert_int_equal(run_captured(verify_body, &c, log_path), 1);
	assert_null(strstr(out, "intact"));
}

/* A log cut at its head fails unless its head is taken on trust. */
static void test_verify_head(void **state)
{
	struct audit_verify_config c = {.head = VERIFY_GENESIS};

	(void)state;
	write_log(4, 10, 0);
	assert_int_equal(run_captured(verify_body, &c, log_path), 1);
	c.head = VERIFY_TRUST;
	assert_int_equal(run_captured(verify_body, &c, log_path), 0);
	assert_non_null(strstr(out, "head trusted, not verified"));
	assert_non_null(strstr(out, "7 records, seq 4 to 10"));
}

static void test_verify_unreadable(void **state)
{
	struct audit_verify_config c = {.head = VERIFY_GENESIS};

	(void)state;
	assert_int_equal(run_captured(verify_body, &c, "/nonexistent/log"), 2);
}

static void test_summary_by_verdict(void **state)
{
	struct audit_summary_config c = {
		.by = {ABY_VERDICT}, .nby = 1, .format = AFORMAT_JSON};

	(void)state;
	assert_int_equal(run_captured(summary_body, &c, fixture), 0);
	assert_non_null(strstr(out, "{\"verdict\":\"reject\",\"count\":7,"));
	assert_non_null(strstr(out, "{\"verdict\":\"accept\",\"count\":2,"));
	assert_non_null(strstr(out, "{\"verdict\":\"drop\",\"count\":1,"));
}

static void test_search_reject(void **state)
{
	struct audit_search_config c = {.format = AFORMAT_JSON};
	char err[128];
	const char *p;
	int lines = 0;

	(void)state;
	audit_filter_init(&c.filter);
	assert_int_equal(audit_filter_set(&c.filter, "verdict", "reject", 0,
					  err, sizeof(err)),
			 0);
	assert_int_equal(run_captured(search_body, &c, fixture), 0);
	for (p = out; (p = strchr(p, '\n')); p++)
		lines++;
	assert_int_equal(lines, 7);
	assert_null(strstr(out, "\"verdict\":\"accept\""));
}

/* Record seq of a chain of its own (tag tells the chains apart). */
static size_t sealed(struct chain *c, const char *tag, char *buf, size_t cap)
{
	int n = snprintf(buf, cap,
			 "{\"timestamp\":\"2026-11-28T12:00:00Z\","
			 "\"event_type\":\"%s\",\"seq\":%llu",
			 tag, (unsigned long long)chain_seq(c) + 1);

	n = chain_seal(c, buf, (size_t)n, cap);
	assert_true(n > 0);
	buf[--n] = '\0'; /* no newline */
	return (size_t)n;
}

/* Feed line to v as the report does: a bad one breaks its chain. */
static void feed(struct verify *v, const char *line, size_t len,
		 unsigned long lineno)
{
	char err[256];
	struct logrec rec;

	v->file = "t.log";
	v->line = lineno;
	if (logread_rec_parse(&rec, line, len, err, sizeof(err)) ||
	    audit_verify_record(v, &rec, line, err, sizeof(err)))
		audit_verify_break(v, "t.log", lineno, err);
	logread_rec_clear(&rec);
}

/* Two daemons' logs, the first altered at its third record: the break
 * ends the first chain only, the second is verified on its own. */
static void test_verify_chain_by_chain(void **state)
{
	struct chain *a = chain_new(NULL, 0), *b = chain_new(NULL, 0);
	struct verify v = {.head = VERIFY_GENESIS};
	const struct vchain *c;
	char buf[512];
	size_t len, i;

	(void)state;
	v.chain = chain_new(NULL, 0);
	assert_non_null(a);
	assert_non_null(b);
	for (i = 1; i <= 5; i++) {
		len = sealed(a, "start", buf, sizeof(buf));
		if (i == 3)
			buf[30] = '9'; /* the timestamp altered */
		feed(&v, buf, len, i);
	}
	for (i = 1; i <= 4; i++) {
		len = sealed(b, "verdict", buf, sizeof(buf));
		feed(&v, buf, len, 5 + i);
	}
	assert_int_equal(audit_verify_nchains(&v), 2);
	c = audit_verify_chain_at(&v, 0);
	assert_true(c->broken);
	assert_int_equal(c->records, 2);
	assert_int_equal(c->bad_line, 3);
	assert_int_equal(c->unverified, 2);
	assert_non_null(strstr(c->why, "chain mismatch"));
	c = audit_verify_chain_at(&v, 1);
	assert_false(c->broken);
	assert_int_equal(c->records, 4);
	assert_int_equal(c->line, 6);
	assert_int_equal(c->first_seq, 1);
	assert_int_equal(c->seq, 4);
	assert_null(audit_verify_chain_at(&v, 2));
	audit_verify_done(&v);
	chain_free(v.chain);
	chain_free(a);
	chain_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_verify_intact),
		cmocka_unit_test(test_verify_tampered),
		cmocka_unit_test(test_verify_head),
		cmocka_unit_test(test_verify_unreadable),
		cmocka_unit_test(test_verify_chain_by_chain),
		cmocka_unit_test(test_summary_by_verdict),
		cmocka_unit_test(test_search_reject),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
