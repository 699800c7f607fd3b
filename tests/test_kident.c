// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kident on a fixture /proc tree and made-up kernel entries: a process
 * seen again is described from the cache with no /proc left to read; a
 * reused pid (a later start), an exec (a new exec id), a reparent, a
 * cgroup move or a parent's exec is read anew; a parent's line is kept
 * for its next child; an exec between the call and the read is tainted
 * and not kept; the least recently used goes.
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
#include <unistd.h>

#include "fakeproc.h"
#include "kattr_abi.h"
#include "kident.h"
#include "proc.h"
#include "procfs.h"

#define BTIME 1700000000LL

static struct proc_info info;
static struct procfs *pfs;
static struct kident *ki;
/* what the fake exec program says of every tgid; start_ns 0: nothing */
static struct kattr_exec fake_exec;

static int exec_of(const void *ctx, uint32_t tgid, struct kattr_exec *e)
{
	(void)ctx;
	(void)tgid;
	if (!fake_exec.start_ns)
		return -ENOENT;
	*e = fake_exec;
	return 0;
}

static unsigned long long ns_per_tick(void)
{
	return 1000000000ULL / (unsigned long long)sysconf(_SC_CLK_TCK);
}

/* pid, with parent ppid, running exe, started at tick start. */
static void mkproc(int pid, int ppid, const char *exe, unsigned long long start)
{
	char buf[512];

	fakeproc_mkdirs(fakeproc_at("%d", pid));
	snprintf(buf, sizeof(buf),
		 "%d (x) S %d %d %d 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 "
		 "%llu 1000 10 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 "
		 "17 0 0 0 0 0 0\n",
		 pid, ppid, pid, pid, start);
	fakeproc_put_str(buf, fakeproc_at("%d/stat", pid));
	fakeproc_put_str("Uid:\t1\t1\t1\t1\nGid:\t2\t2\t2\t2\n",
			 fakeproc_at("%d/status", pid));
	fakeproc_put_file("x\0-y", 5, fakeproc_at("%d/cmdline", pid));
	fakeproc_put_str("0::/app.scope\n", fakeproc_at("%d/cgroup", pid));
	fakeproc_link(exe, fakeproc_at("%d/exe", pid));
	fakeproc_put_file("PATH=/bin\0", 10, fakeproc_at("%d/environ", pid));
	fakeproc_put_str("", fakeproc_at("%d/maps", pid));
}

static struct kattr_caller caller(uint32_t tgid, unsigned long long start)
{
	struct kattr_caller c;

	memset(&c, 0, sizeof(c));
	c.tgid = tgid;
	c.start_ns = start * ns_per_tick();
	c.exec_id = 1;
	c.ppid = 50;
	c.parent_exec_id = 1;
	c.parent_start_ns = 10 * ns_per_tick();
	c.cgroup_id = 7;
	return c;
}

static void describe(const struct kattr_caller *c)
{
	procfs_info_clear(&info);
	kident_describe(ki, c, &info);
}

static struct kident_stats stats(void)
{
	struct kident_stats st;

	kident_get_stats(ki, &st);
	return st;
}

/* init (1) <- shell (50) <- app (100, /bin/true) */
static int setup(void **state)
{
	char buf[64];

	(void)state;
	assert_non_null(fakeproc_make("kident"));
	snprintf(buf, sizeof(buf), "cpu 1 2 3\nbtime %lld\n", BTIME);
	fakeproc_put_str(buf, fakeproc_at("stat"));
	fakeproc_mkdirs(fakeproc_at("self/ns"));
	mkproc(1, 0, "/bin/sh", 1);
	mkproc(50, 1, "/bin/sh", 10);
	mkproc(100, 50, "/bin/true", 500);
	pfs = procfs_open(fakeproc_root());
	assert_non_null(pfs);
	procfs_set_thorough(pfs, false);
	memset(&fake_exec, 0, sizeof(fake_exec));
	ki = kident_open(pfs, exec_of, NULL);
	assert_non_null(ki);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	kident_close(ki);
	procfs_close(pfs);
	fakeproc_remove(NULL);
	return 0;
}

/* Seen again: from the cache, though /proc has nothing of it any more. */
static void test_hit(void **state)
{
	struct kattr_caller c = caller(100, 500);

	(void)state;
	describe(&c);
	assert_int_equal(info.pid, 100);
	assert_string_equal(info.exe, "/bin/true");
	assert_int_equal(info.ppid, 50);
	assert_int_equal(info.n_ancestors, 2);
	assert_int_equal(info.ancestors[0].pid, 50);
	assert_string_equal(info.cgroup, "/app.scope");
	assert_int_equal(stats().misses, 1);
	fakeproc_remove(fakeproc_at("100"));
	fakeproc_remove(fakeproc_at("50"));
	describe(&c);
	assert_int_equal(stats().hits, 1);
	assert_int_equal(info.pid, 100);
	assert_string_equal(info.exe, "/bin/true");
	assert_int_equal(info.cmdline_len, 5);
	assert_memory_equal(info.cmdline, "x\0-y", 5);
	assert_int_equal(info.n_ancestors, 2);
	assert_int_equal(info.ancestors[0].pid, 50);
	assert_string_equal(info.ancestors[0].exe, "/bin/sh");
	assert_string_equal(info.cgroup, "/app.scope");
	assert_non_null(strstr(info.start_time, "2023-11-14T22:13:"));
}

/*
 * A parent's line is read once for its children; not for a parent that
 * is not the one the kernel saw (a reused pid), nor once it exec'd.
 */
static void test_chain(void **state)
{
	struct kattr_caller c = caller(100, 500), d = caller(101, 501);

	(void)state;
	mkproc(101, 50, "/bin/true", 501);
	describe(&c);
	fakeproc_link("/bin/true", fakeproc_at("50/exe"));
	describe(&d);
	assert_int_equal(stats().chain_hits, 1);
	assert_int_equal(info.n_ancestors, 2);
	assert_string_equal(info.ancestors[0].exe, "/bin/sh");
	d = caller(102, 502);
	d.parent_exec_id++;
	mkproc(102, 50, "/bin/true", 502);
	describe(&d);
	assert_int_equal(stats().chain_hits, 1);
	assert_string_equal(info.ancestors[0].exe, "/bin/true");
	d = caller(103, 503);
	d.parent_start_ns += ns_per_tick();
	mkproc(103, 50, "/bin/true", 503);
	describe(&d);
	assert_int_equal(stats().chain_hits, 1);
	assert_int_equal(info.n_ancestors, 0);
	assert_int_equal(stats().misses, 4);
}

/* The pid now names a later process: the new start misses, reads it. */
static void test_pid_reuse(void **state)
{
	struct kattr_caller c = caller(100, 500), later = caller(100, 900);

	(void)state;
	describe(&c);
	mkproc(100, 50, "/bin/sh", 900);
	describe(&later);
	assert_int_equal(stats().misses, 2);
	assert_string_equal(info.exe, "/bin/sh");
	/* a packet the old one sent is still its own */
	describe(&c);
	assert_int_equal(stats().hits, 1);
	assert_string_equal(info.exe, "/bin/true");
}

/* Same pid, same start, another program: the exec id says so. */
static void test_exec(void **state)
{
	struct kattr_caller c = caller(100, 500);

	(void)state;
	describe(&c);
	assert_string_equal(info.exe, "/bin/true");
	fakeproc_link("/bin/sh", fakeproc_at("100/exe"));
	c.exec_id++;
	describe(&c);
	assert_int_equal(stats().hits, 0);
	assert_string_equal(info.exe, "/bin/sh");
}

/* What the key holds besides the process: each change reads anew. */
static void test_key_parts(void **state)
{
	struct kattr_caller c = caller(100, 500), d;

	(void)state;
	describe(&c);
	d = c;
	d.ppid = 1; /* reparented */
	describe(&d);
	d = c;
	d.parent_exec_id++;
	describe(&d);
	d = c;
	d.cgroup_id++;
	describe(&d);
	procfs_set_thorough(pfs, true);
	describe(&c);
	assert_int_equal(stats().misses, 5);
	assert_int_equal(stats().hits, 0);
	procfs_set_thorough(pfs, false);
	describe(&c);
	assert_int_equal(stats().hits, 1);
}

/*
 * An exec between the call and the read: /proc shows the next program,
 * which is not what called.  Tainted, and read again the next time.
 */
static void test_exec_before_read(void **state)
{
	struct kattr_caller c = caller(100, 500);

	(void)state;
	fake_exec.start_ns = c.start_ns;
	fake_exec.exec_id = c.exec_id + 1;
	describe(&c);
	assert_non_null(info.tainted);
	assert_string_equal(info.tainted, "exec'd again before /proc was read");
	describe(&c);
	assert_int_equal(stats().hits, 0);
	assert_int_equal(stats().unkept, 2);
	/* the same exec as the call's: kept */
	fake_exec.exec_id = c.exec_id;
	describe(&c);
	assert_null(info.tainted);
	describe(&c);
	assert_int_equal(stats().hits, 1);
}

/* A socket another process sent on too: its entry is read, never kept. */
static void test_shared(void **state)
{
	struct kattr_caller c = caller(100, 500);

	(void)state;
	c.sender[0] = KATTR_SENDER(c.tgid, c.start_ns);
	describe(&c);
	describe(&c);
	assert_int_equal(stats().hits, 1);
	c.sender[1] = KATTR_SENDER(200, 1);
	describe(&c);
	describe(&c);
	assert_int_equal(stats().hits, 1);
	assert_int_equal(stats().unkept, 2);
	assert_string_equal(info.exe, "/bin/true");
}

/* Gone before the read: the exec program's exe, for the same exec only. */
static void test_gone(void **state)
{
	struct kattr_caller c = caller(101, 600);

	(void)state;
	fake_exec.start_ns = c.start_ns;
	fake_exec.exec_id = c.exec_id;
	snprintf(fake_exec.exe, sizeof(fake_exec.exe), "/bin/true");
	describe(&c);
	assert_int_equal(info.pid, 101);
	assert_string_equal(info.exe, "/bin/true");
	assert_non_null(info.tainted);
	fake_exec.exec_id++;
	describe(&c);
	assert_string_equal(info.exe, "");
	assert_int_equal(stats().unkept, 2);
}

/* One more process than the cache holds: the least recently used goes. */
static void test_eviction(void **state)
{
	struct kattr_caller c;
	int i;

	(void)state;
	for (i = 0; i <= KIDENT_SIZE; i++) {
		if (i == KIDENT_SIZE) {
			c = caller(1000, 700);
			describe(&c); /* used again: 1001 is the oldest now */
			assert_int_equal(stats().hits, 1);
		}
		mkproc(1000 + i, 50, "/bin/true", 700 + (unsigned)i);
		c = caller(1000 + (uint32_t)i, 700 + (unsigned)i);
		describe(&c);
	}
	assert_int_equal(stats().evictions, 1);
	c = caller(1000, 700);
	describe(&c);
	assert_int_equal(stats().hits, 2);
	c = caller(1001, 701);
	describe(&c);
	assert_int_equal(stats().hits, 2);
	assert_int_equal(stats().misses, KIDENT_SIZE + 2);
	assert_string_equal(info.exe, "/bin/true");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_hit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_chain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pid_reuse, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_exec, setup, teardown),
		cmocka_unit_test_setup_teardown(test_key_parts, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_exec_before_read, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_shared, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_eviction, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
