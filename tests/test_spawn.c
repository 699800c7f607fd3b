// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "spawn.h"

static int sh(const char *script, const char *input, char **out, char **err,
	      int *status)
{
	const char *argv[] = {"sh", "-c", script, NULL};

	return spawn_run(argv, input, out, err, status);
}

static void test_io(void **state)
{
	char *out = NULL, *err = NULL;
	int status = -1;

	assert_int_equal(sh("cat; echo oops >&2; exit 3", "in\nput\n", &out,
			    &err, &status),
			 0);
	assert_int_equal(status, 3);
	assert_string_equal(out, "in\nput\n");
	assert_string_equal(err, "oops\n");
	free(out);
	free(err);
}

static void test_no_input_no_capture(void **state)
{
	char *out = NULL;
	int status = -1;

	assert_int_equal(sh("cat; echo done", NULL, &out, NULL, &status), 0);
	assert_int_equal(status, 0);
	assert_string_equal(out, "done\n");
	free(out);
	assert_int_equal(sh("echo x; echo y >&2", NULL, NULL, NULL, &status),
			 0);
	assert_int_equal(status, 0);
}

/* Far more than a pipe holds, both ways, with no reader on the other side. */
static void test_large(void **state)
{
	size_t n = 4u << 20;
	char *in = malloc(n + 1), *out = NULL, *err = NULL;
	int status = -1;

	assert_non_null(in);
	memset(in, 'a', n);
	in[n] = '\0';
	assert_int_equal(sh("cat; cat /dev/null >&2", in, &out, &err, &status),
			 0);
	assert_int_equal(status, 0);
	assert_int_equal(strlen(out), n);
	assert_string_equal(err, "");
	free(in);
	free(out);
	free(err);
}

static void test_signal(void **state)
{
	int status = -1;

	assert_int_equal(sh("kill -9 $$", NULL, NULL, NULL, &status), 0);
	assert_int_equal(status, 128 + SIGKILL);
}

static void test_not_found(void **state)
{
	const char *name[] = {"nfjudge-no-such-program", NULL};
	const char *path[] = {"/nonexistent/nfjudge-no-such-program", NULL};
	const char *self[] = {"test_spawn", NULL};
	int status = -1;
	char *out = NULL;

	assert_int_equal(spawn_run(name, NULL, &out, NULL, &status), -ENOENT);
	assert_null(out);
	/* Nor in a relative PATH entry, though it is there. */
	assert_int_equal(setenv("PATH", ".:tests:", 1), 0);
	assert_int_equal(spawn_run(self, NULL, &out, NULL, &status), -ENOENT);
	/* A path is run as given; exec fails in the child. */
	assert_int_equal(spawn_run(path, NULL, NULL, NULL, &status), 0);
	assert_int_equal(status, 127);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_io),
		cmocka_unit_test(test_no_input_no_capture),
		cmocka_unit_test(test_large),
		cmocka_unit_test(test_signal),
		cmocka_unit_test(test_not_found),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
