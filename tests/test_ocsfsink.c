// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The live OCSF stream without a daemon: lines fed before the writer runs
 * wait in the ring and are written at close; a ring that is full drops
 * and counts lines instead of blocking; what is not a record makes no
 * event; with the thread running, every line fed becomes its event.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "ocsfsink.h"

/* Line n (1-based) of the export tests' mixed log. */
static char *mixed_line(int n)
{
	const char *top = getenv("top_srcdir");
	static char buf[65536];
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/tests/export/mixed.jsonl",
		 top ? top : "..");
	f = fopen(path, "r");
	assert_non_null(f);
	while (n-- > 0)
		assert_non_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	return buf;
}

static unsigned long count_lines(const char *path, const char *needle)
{
	static char buf[65536];
	unsigned long n = 0;
	FILE *f = fopen(path, "r");

	assert_non_null(f);
	while (fgets(buf, sizeof(buf), f))
		n += !needle || strstr(buf, needle);
	fclose(f);
	return n;
}

static char *tmpfile_path(void)
{
	static char path[] = "/tmp/test_ocsfsink.XXXXXX";
	int fd;

	strcpy(path, "/tmp/test_ocsfsink.XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	return path;
}

/* Unstarted: everything waits, and the ring refuses what does not fit. */
static void test_full_ring(void **state)
{
	char *path = tmpfile_path(), *line = mixed_line(2);
	struct ocsfsink *s = ocsfsink_open(path);
	size_t len = strlen(line), fed = 0;

	(void)state;
	assert_non_null(s);
	ocsfsink_line(s, "not a record", 12);
	while (!ocsfsink_dropped(s)) {
		ocsfsink_line(s, line, len);
		fed++;
	}
	ocsfsink_close(s);
	/* each fed line that fit is one Network Activity event */
	assert_int_equal(count_lines(path, "\"class_uid\":4001,"), fed - 1);
	assert_int_equal(count_lines(path, NULL), fed - 1);
	unlink(path);
}

static void test_threaded(void **state)
{
	char *path = tmpfile_path();
	struct ocsfsink *s = ocsfsink_open(path);
	int i, n;

	(void)state;
	assert_non_null(s);
	assert_int_equal(ocsfsink_start(s), 0);
	for (n = 0; n < 200; n++)
		for (i = 1; i <= 3; i++) {
			char *line = mixed_line(i);

			ocsfsink_line(s, line, strlen(line));
		}
	ocsfsink_close(s);
	/* start; accept; reject with its finding */
	assert_int_equal(count_lines(path, "\"class_uid\":6002,"), 200);
	assert_int_equal(count_lines(path, "\"class_uid\":4001,"), 400);
	assert_int_equal(count_lines(path, "\"class_uid\":2004,"), 200);
	unlink(path);
}

/* A reader that stops reading: the events it does not take are dropped,
 * and close returns within seconds, not never. */
static void test_stuck_reader(void **state)
{
	char path[64], *line = mixed_line(2);
	struct ocsfsink *s;
	struct timespec t0, t1;
	int fds[2], i;

	(void)state;
	alarm(60); /* a close that never returns fails, by SIGALRM */
	assert_int_equal(pipe(fds), 0);
	snprintf(path, sizeof(path), "/dev/fd/%d", fds[1]);
	s = ocsfsink_open(path);
	assert_non_null(s);
	assert_int_equal(ocsfsink_start(s), 0);
	/* some 2 MB of events for a pipe of 64 KiB */
	for (i = 0; i < 1000; i++)
		ocsfsink_line(s, line, strlen(line));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ocsfsink_close(s);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	alarm(0);
	assert_true(t1.tv_sec - t0.tv_sec < 10);
	close(fds[0]);
	close(fds[1]);
}

static void test_open_fails(void **state)
{
	(void)state;
	assert_null(ocsfsink_open("/nonexistent/dir/ocsf"));
	ocsfsink_close(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_ring),
		cmocka_unit_test(test_threaded),
		cmocka_unit_test(test_stuck_reader),
		cmocka_unit_test(test_open_fails),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
