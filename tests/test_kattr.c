// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Kernel attribution without the kernel: finding the cgroup2 mount, and
 * who sent on a socket from its map entry.
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
#include <stdbool.h>

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

#define START_A 1000000123ULL
#define START_B 2000000456ULL

static struct kattr_caller caller(uint32_t tgid, uint64_t start)
{
	struct kattr_caller c;

	memset(&c, 0, sizeof(c));
	c.tgid = tgid;
	c.start_ns = start;
	return c;
}

static void put_sender(struct kattr_caller *c, int i, uint32_t tgid,
		       uint64_t start)
{
	c->sender[i] = KATTR_SENDER(tgid, start);
	c->sender_start[i] = start;
}

/* The caller alone, in its own slot or in none (only connected). */
static void test_senders_alone(void **state)
{
	struct kattr_caller c = caller(10, START_A), out[5];
	bool lost = true;

	(void)state;
	assert_int_equal(kattr_senders(&c, out, 5, &lost), 1);
	assert_false(lost);
	put_sender(&c, 0, 10, START_A);
	assert_int_equal(kattr_senders(&c, out, 5, &lost), 1);
	assert_false(lost);
	assert_int_equal(out[0].tgid, 10);
	assert_int_equal(out[0].start_ns, START_A);
}

/* Connected by 10, written on by 20: both, the caller first. */
static void test_senders_other(void **state)
{
	struct kattr_caller c = caller(10, START_A), out[5];
	bool lost;

	(void)state;
	put_sender(&c, 0, 20, START_B);
	assert_int_equal(kattr_senders(&c, out, 5, &lost), 2);
	assert_false(lost);
	assert_int_equal(out[0].tgid, 10);
	assert_int_equal(out[1].tgid, 20);
	assert_int_equal(out[1].start_ns, START_B);
	/* the same pid, another process (its start differs): not the caller */
	c = caller(20, START_A);
	put_sender(&c, 0, 20, START_B);
	assert_int_equal(kattr_senders(&c, out, 5, &lost), 2);
	/* slot taken, start not written yet: listed, start unknown */
	c = caller(10, START_A);
	put_sender(&c, 1, 20, START_B);
	c.sender_start[1] = 0;
	assert_int_equal(kattr_senders(&c, out, 5, &lost), 2);
	assert_int_equal(out[1].start_ns, 0);
}

/* More than the slots, or than the room given: some are not listed. */
static void test_senders_lost(void **state)
{
	struct kattr_caller c = caller(10, START_A), out[5];
	bool lost;
	int i;

	(void)state;
	for (i = 0; i < KATTR_MAX_SENDERS; i++)
		put_sender(&c, i, 20 + (uint32_t)i, START_B);
	assert_int_equal(kattr_senders(&c, out, 5, &lost), 5);
	assert_false(lost);
	assert_int_equal(kattr_senders(&c, out, 3, &lost), 3);
	assert_true(lost);
	c.senders_lost = 1;
	assert_int_equal(kattr_senders(&c, out, 5, &lost), 5);
	assert_true(lost);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unified),
		cmocka_unit_test(test_hybrid),
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_none_or_hostile),
		cmocka_unit_test(test_open_says_why),
		cmocka_unit_test(test_senders_alone),
		cmocka_unit_test(test_senders_other),
		cmocka_unit_test(test_senders_lost),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
