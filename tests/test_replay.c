// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Replay as a library: runs over captures in pcaps/ with a config struct
 * and compares the records with the goldens of tests/replay.sh.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <cmocka.h>

#include "chain.h"
#include "flow.h"
#include "policy.h"
#include "record.h"
#include "replay.h"
#include "replay_out.h"

static const char *top(void)
{
	const char *t = getenv("top_srcdir");

	return t ? t : "..";
}

static char *path_of(const char *rel)
{
	static char buf[4][4096];
	static int i;
	char *p = buf[i++ % 4];

	snprintf(p, sizeof(buf[0]), "%s/%s", top(), rel);
	return p;
}

/* The whole of a file; NULL when it cannot be read. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (f && !fseek(f, 0, SEEK_END) && (n = ftell(f)) >= 0 &&
	    !fseek(f, 0, SEEK_SET) && (buf = malloc((size_t)n + 1)) &&
	    fread(buf, 1, (size_t)n, f) == (size_t)n)
		*len = (size_t)n;
	else {
		free(buf);
		buf = NULL;
	}
	if (f)
		fclose(f);
	return buf;
}

static void assert_same_file(const char *got, const char *want)
{
	size_t glen = 0, wlen = 0;
	char *g = slurp(got, &glen), *w = slurp(want, &wlen);

	assert_non_null(g);
	assert_non_null(w);
	assert_int_equal(glen, wlen);
	assert_memory_equal(g, w, wlen);
	free(g);
	free(w);
}

struct fixture {
	char out[64];
	struct replay_cfg cfg;
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	int fd;

	if (!fx)
		return -1;
	strcpy(fx->out, "/tmp/test_replay.XXXXXX");
	fd = mkstemp(fx->out);
	if (fd < 0)
		return -1;
	close(fd);
	fx->cfg.output = fx->out;
	fx->cfg.policy =
		policy_load_stderr(path_of("tests/replay/sandbox.conf"), NULL);
	*state = fx;
	return fx->cfg.policy ? 0 : -1;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	unlink(fx->out);
	free(fx);
	return 0;
}

static void test_sandbox_golden(void **state)
{
	struct fixture *fx = *state;
	char *files[] = {path_of("pcaps/sandbox.pcap")};
	struct replay_stats st;

	assert_int_equal(replay_run(&fx->cfg, files, 1, &st), 0);
	assert_int_equal(st.packets, 18);
	assert_int_equal(st.counts.judged, 11);
	assert_int_equal(st.counts.accepted, 2);
	assert_int_equal(st.counts.rejected, 8);
	assert_int_equal(st.counts.dropped, 1);
	assert_int_equal(st.not_judged, 7);
	assert_int_equal(st.undecodable, 0);
	assert_false(st.failed_on);
	assert_same_file(fx->out, path_of("tests/replay/sandbox.out"));
}

static void test_fail_on_reject(void **state)
{
	struct fixture *fx = *state;
	char *files[] = {path_of("pcaps/sandbox.pcap")};
	struct replay_stats st;

	fx->cfg.fail_on = REPLAY_FAIL_REJECT;
	assert_int_equal(replay_run(&fx->cfg, files, 1, &st), REPLAY_FAILED);
	assert_true(st.failed_on);
	assert_same_file(fx->out, path_of("tests/replay/fail-on-reject.out"));
}

/* A bad capture among good ones: every one is read, the worst decides. */
static void test_several_captures(void **state)
{
	struct fixture *fx = *state;
	char *files[] = {
		path_of("pcaps/sll.pcap"), path_of("pcaps/not-a-capture.pcap"),
		path_of("pcaps/truncated.pcap"), path_of("pcaps/raw.pcap")};

	assert_int_equal(replay_run(&fx->cfg, files, 4, NULL),
			 REPLAY_BAD_INPUT);
	assert_same_file(fx->out, path_of("tests/replay/multi-bad.out"));
}

static void test_unwritable_output(void **state)
{
	struct fixture *fx = *state;
	char *files[] = {path_of("pcaps/sandbox.pcap")};

	fx->cfg.output = "/nonexistent-dir/out";
	assert_int_equal(replay_run(&fx->cfg, files, 1, NULL),
			 REPLAY_BAD_INPUT);
}


/* Records of every kind the stream takes: the thread formats most, the
 * caller those with a process, long strings or a time out of range. */
#define OUT_RECORDS 20000

static void out_event(int i, struct flow *f, struct record_verdict *rv,
		      struct record_event *ev)
{
	static struct proc_info proc = {.pid = 42, .uid = 1000};
	static char long_rule[1500];

	memset(long_rule, 'r', sizeof(long_rule) - 1);
	strcpy(proc.exe, "/usr/bin/\\"
			 "curl");
	memset(f, 0, sizeof(*f));
	f->ip_version = i % 3 ? 4 : 6;
	f->proto = i % 5 ? 6 : 17;
	f->src[0] = 10, f->src[3] = (uint8_t)i, f->dst[0] = (uint8_t)(i >> 8);
	f->sport = (uint16_t)(1024 + i), f->dport = 443, f->has_ports = true;
	f->direction = i % 4 == 0;
	*rv = (struct record_verdict){
		.flow = f,
		.verdict = (enum verdict)(i % 3),
		.enforced = i % 2,
		.rule = i % 11 ? "w\"eb\\" : long_rule,
		.rule_line = (unsigned)i,
		.reason = i % 2 ? "why \x01" : NULL,
		.hint = i % 3 ? NULL : "a hint",
		.community_id = "1:p0sfuDAh9mqJ8mzD5G4JRGtJpVE=",
		.dest_name = i % 6 ? NULL : "example.com",
		.attribution = ATTR_NONE,
		.proc = i % 7 ? NULL : &proc,
	};
	*ev = (struct record_event){
		.type = RECORD_VERDICT,
		.ts_us = 1764331200000000LL + (int64_t)i * 997,
		.verdict = rv,
	};
	if (i == OUT_RECORDS / 2) /* year 10000: refused, takes no seq */
		ev->ts_us = 253402300800LL * 1000000;
}

/* The stream writes what record_emit() gives, record after record. */
static void test_out_same_as_record_emit(void **state)
{
	struct fixture *fx = *state;
	size_t cap = (size_t)OUT_RECORDS * 2048, len = 0;
	char *want = malloc(cap), *line = malloc(RECORD_MAX);
	struct chain *chain = chain_new(NULL, 0);
	int fd = open(fx->out, O_WRONLY | O_TRUNC);
	struct replay_out *out = replay_out_open(fd);
	struct record_verdict rv;
	struct record_event ev;
	struct flow f;
	int i, n, m;

	/* no replay_run here, which would take the policy over */
	policy_free(fx->cfg.policy);
	fx->cfg.policy = NULL;

	assert_non_null(out);
	assert_true(want && line && chain);
	for (i = 0; i < OUT_RECORDS; i++) {
		out_event(i, &f, &rv, &ev);
		n = record_emit(chain, line, RECORD_MAX, false, &ev);
		m = replay_out_emit(out, &ev);
		assert_int_equal(m < 0, n < 0);
		if (n < 0)
			continue;
		assert_true(len + (size_t)n <= cap);
		memcpy(want + len, line, (size_t)n);
		len += (size_t)n;
	}
	/* the refused record is reported at the end, as a failure */
	assert_int_equal(replay_out_close(out), EINVAL);
	{
		size_t glen = 0;
		char *got = slurp(fx->out, &glen);

		assert_non_null(got);
		assert_int_equal(glen, len);
		assert_memory_equal(got, want, len);
		free(got);
	}
	chain_free(chain);
	free(line);
	free(want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_out_same_as_record_emit,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_sandbox_golden, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_fail_on_reject, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_several_captures, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_unwritable_output, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
