// SPDX-License-Identifier: GPL-2.0-or-later
/* Kernel attribution without the kernel: finding the cgroup2 mount. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <errno.h>

#include "kattr.h"

static int find(const char *text, char *out, size_t size)
{
	return kattr_mountinfo_cgroup2(text, strlen(text), out, size);
}

static void test_unified(void **state)
{
	char out[64];

	(void)state;
	assert_int_equal(
		find("22 1 0:21 / /proc rw - proc proc rw\n"
		     "30 25 0:26 / /sys/fs/cgroup rw,nosuid shared:9 - "
		     "cgroup2 cgroup2 rw,nsdelegate\n",
		     out, sizeof(out)),
		0);
	assert_string_equal(out, "/sys/fs/cgroup");
}

static void test_hybrid(void **state)
{
	char out[64];

	(void)state;
	/* v1 hierarchies first, a cgroup2 bind of a subtree, then the root */
	assert_int_equal(
		find("31 25 0:27 / /sys/fs/cgroup/cpu rw - cgroup cgroup "
		     "rw,cpu\n"
		     "40 25 0:38 /sub /mnt/sub rw - cgroup2 cgroup2 rw\n"
		     "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - "
		     "cgroup2 cgroup2 rw\n",
		     out, sizeof(out)),
		0);
	assert_string_equal(out, "/sys/fs/cgroup/unified");
}

static void test_escapes(void **state)
{
	char out[64];

	(void)state;
	assert_int_equal(find("41 31 0:38 / /a\\040b\\134c rw - cgroup2 x rw",
			      out, sizeof(out)),
			 0);
	assert_string_equal(out, "/a b\\c");
}

static void test_none_or_hostile(void **state)
{
	char small[8];
	char out[64];

	(void)state;
	assert_int_equal(find("", out, sizeof(out)), -ENOENT);
	assert_int_equal(
		find("22 1 0:21 / /proc rw - proc proc rw\n", out, sizeof(out)),
		-ENOENT);
	/* "cgroup2" as a mount point or option, not the type */
	assert_int_equal(find("1 2 0:1 / /cgroup2 cgroup2 - ext4 /dev/x rw\n",
			      out, sizeof(out)),
			 -ENOENT);
	/* too few fields, a bad escape kept as it is, a name too long */
	assert_int_equal(find("1 2 - cgroup2 x rw\n", out, sizeof(out)),
			 -ENOENT);
	assert_int_equal(
		find("1 2 0:1 / /x\\9 rw - cgroup2 x rw", out, sizeof(out)), 0);
	assert_string_equal(out, "/x\\9");
	assert_int_equal(find("1 2 0:1 / /longer/than/eight rw - cgroup2 x",
			      small, sizeof(small)),
			 -ENAMETOOLONG);
	assert_int_equal(
		find("1 2 0:1 / relative rw - cgroup2 x", out, sizeof(out)),
		-EINVAL);
	assert_int_equal(
		find("1 2 0:1 / /a\\000b rw - cgroup2 x", out, sizeof(out)),
		-EINVAL);
	/* no NUL after the text: only len bytes are read */
	assert_int_equal(kattr_mountinfo_cgroup2("1 2 0:1 / /y rw - cgroup2 x",
						 27, out, sizeof(out)),
			 0);
	assert_string_equal(out, "/y");
}

/* Without BPF support, or without privileges, open fails and says why. */
static void test_open_says_why(void **state)
{
	char why[256] = "";
	struct kattr *k;

	(void)state;
	k = kattr_open(why, sizeof(why));
	if (k) {
		assert_true(kattr_cgroup(k)[0] != '\0');
		kattr_close(k);
		return;
	}
	assert_true(why[0] != '\0');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unified),
		cmocka_unit_test(test_hybrid),
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_none_or_hostile),
		cmocka_unit_test(test_open_says_why),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
