// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Replay as a library: runs over captures in pcaps/ with a config struct
 * and compares the records with the goldens of tests/replay.sh.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "policy.h"
#include "replay.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
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
