// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * procfs on a fixture /proc tree built in a temporary directory: identity,
 * ancestors, pid reuse, cache revalidation and eviction, shared sockets,
 * threads, odd command lines.
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
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <signal.h>
#include <netinet/in.h>

#include "fakeproc.h"
#include "proc.h"
#include "procfs.h"
#include "procinfo.h"

#define BTIME 1700000000LL /* 2023-11-14T22:13:20Z */

static struct proc_info info;

static long hz(void)
{
	return sysconf(_SC_CLK_TCK);
}

/* Write /proc/pid/stat with the given parent, comm and start ticks. */
static void put_stat(int pid, int ppid, const char *comm,
		     unsigned long long start)
{
	char buf[512];

	snprintf(buf, sizeof(buf),
		 "%d (%s) S %d %d %d 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 "
		 "%llu 1000 10 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 "
		 "17 0 0 0 0 0 0\n",
		 pid, comm, ppid, pid, pid, start);
	fakeproc_put_str(buf, fakeproc_at("%d/stat", pid));
}

static void put_ids(int pid, unsigned uid, unsigned gid)
{
	char buf[256];

	snprintf(buf, sizeof(buf),
		 "Name:\tx\nUmask:\t0022\nState:\tS\nTgid:\t%d\n"
		 "Uid:\t%u\t%u\t%u\t%u\nGid:\t%u\t%u\t%u\t%u\n",
		 pid, uid + 1, uid, uid, uid, gid + 1, gid, gid, gid);
	fakeproc_put_str(buf, fakeproc_at("%d/status", pid));
}

/* A process with everything /proc would show; cmdline "comm\0-x\0". */
static void mkproc(int pid, int ppid, const char *comm,
		   unsigned long long start)
{
	char buf[128];

	fakeproc_mkdir(fakeproc_at("%d", pid));
	fakeproc_mkdir(fakeproc_at("%d/fd", pid));
	put_stat(pid, ppid, comm, start);
	put_ids(pid, 1000, 100);
	fakeproc_put_file(
		buf, (size_t)snprintf(buf, sizeof(buf), "%s%c-x", comm, 0) + 1,
		fakeproc_at("%d/cmdline", pid));
	snprintf(buf, sizeof(buf), "%s\n", comm);
	fakeproc_put_str(buf, fakeproc_at("%d/comm", pid));
	fakeproc_put_str("1:name=systemd:/\n0::/user.slice/app.scope\n",
			 fakeproc_at("%d/cgroup", pid));
	snprintf(buf, sizeof(buf), "/usr/bin/%s", comm);
	fakeproc_link(buf, fakeproc_at("%d/exe", pid));
	fakeproc_put_file("PATH=/bin\0HOME=/\0", 17,
			  fakeproc_at("%d/environ", pid));
	fakeproc_put_str("", fakeproc_at("%d/maps", pid));
}

/* /proc/PID/syscall of a task blocked in syscall nr with fd first */
static void put_syscall(int pid, long nr, int fd)
{
	char buf[128];

	snprintf(buf, sizeof(buf),
		 "%ld 0x%x 0x7ffd0000 0x10 0x0 0x0 0x0 0x7ffd0010 0x7f000000\n",
		 nr, fd);
	fakeproc_put_str(buf, fakeproc_at("%d/syscall", pid));
}

static void add_fd(int pid, int fd, unsigned inode)
{
	char target[32];

	snprintf(target, sizeof(target), "socket:[%u]", inode);
	fakeproc_link(target, fakeproc_at("%d/fd/%d", pid, fd));
}

static void del_fd(int pid, int fd)
{
	assert_int_equal(unlink(fakeproc_at("%d/fd/%d", pid, fd)), 0);
}

/* A fresh tree: init (1) <- shell (50) <- app (100, holds 12345). */
static int setup(void **state)
{
	char buf[64];

	if (!fakeproc_make("procfs"))
		return -1;
	snprintf(buf, sizeof(buf), "cpu  1 2 3\nintr 0\nbtime %lld\n", BTIME);
	fakeproc_put_str(buf, fakeproc_at("stat"));
	mkproc(1, 0, "init", 1);
	mkproc(50, 1, "sh", 10 * hz());
	mkproc(100, 50, "app", 250 * hz() + hz() / 4);
	add_fd(100, 3, 12345);
	add_fd(100, 4, 555); /* some other socket */
	return 0;
}

static int teardown(void **state)
{
	return fakeproc_remove(NULL);
}

static struct procfs *open_root(void)
{
	struct procfs *pfs = procfs_open(fakeproc_root());

	assert_non_null(pfs);
	/* these cases are about what is found, not how fast */
	procfs_set_budget(pfs, 0);
	return pfs;
}

static void test_identity(void **state)
{
	struct procfs *pfs = open_root();

	assert_int_equal(procfs_lookup(pfs, 12345, &info), 0);
	assert_int_equal(info.pid, 100);
	assert_int_equal(info.ppid, 50);
	assert_int_equal(info.uid, 1000); /* effective, not real (1001) */
	assert_int_equal(info.gid, 100);
	assert_string_equal(info.comm, "app");
	assert_string_equal(info.exe, "/usr/bin/app");
	assert_int_equal(info.argc, 2);
	assert_int_equal(info.cmdline_len, 7);
	assert_memory_equal(info.cmdline, "app\0-x\0", 7);
	assert_false(info.cmdline_truncated);
	assert_string_equal(info.cgroup, "/user.slice/app.scope");
	assert_string_equal(info.start_time, "2023-11-14T22:17:30.250000Z");
	assert_false(info.shared);
	assert_int_equal(procfs_lookup(pfs, 4242, &info), -ENOENT);
	assert_int_equal(info.pid, 0);
	assert_int_equal(procfs_lookup(pfs, 0, &info), -ENOENT);
	procfs_close(pfs);
}

static void test_ancestors(void **state)
{
	struct procfs *pfs = open_root();
	int pid;

	assert_int_equal(procfs_lookup(pfs, 12345, &info), 0);
	assert_int_equal(info.n_ancestors, 2);
	assert_int_equal(info.ancestors[0].pid, 50);
	assert_string_equal(info.ancestors[0].exe, "/usr/bin/sh");
	assert_string_equal(info.ancestors[0].comm, "sh");
	assert_int_equal(info.ancestors[1].pid, 1);
	assert_string_equal(info.ancestors[1].comm, "init");
	/* A chain deeper than PROC_MAX_ANCESTORS is cut, nearest kept. */
	for (pid = 200; pid < 212; pid++)
		mkproc(pid, pid == 200 ? 1 : pid - 1, "deep", 100);
	add_fd(211, 3, 777);
	assert_int_equal(procfs_lookup(pfs, 777, &info), 0);
	assert_int_equal(info.n_ancestors, PROC_MAX_ANCESTORS);
	assert_int_equal(info.ancestors[0].pid, 210);
	assert_int_equal(info.ancestors[7].pid, 203);
	/* A parent that loops onto itself ends the walk. */
	put_stat(50, 50, "sh", 10 * hz());
	assert_int_equal(procfs_lookup(pfs, 12345, &info), 0);
	assert_int_equal(info.n_ancestors, 1);
	procfs_close(pfs);
}

/*
 * The cache serves quick look-ups only (a policy without process rules).
 * Same pid, new start time: the cached identity must not come back.
 */
static void test_pid_reuse(void **state)
{
	struct procfs *pfs = open_root();
	struct procfs_stats st;

	procfs_set_thorough(pfs, false);

	assert_int_equal(procfs_lookup(pfs, 12345, &info), 0);
	assert_int_equal(procfs_lookup(pfs, 12345, &info), 0);
	procfs_get_stats(pfs, &st);
	assert_int_equal(st.hits, 1);
	assert_int_equal(st.misses, 1);
	/* pid 100 is now another process that happens to hold the socket */
	put_stat(100, 50, "newcomer", 999 * hz());
	assert_int_equal(procfs_lookup(pfs, 12345, &info), 0);
	assert_string_equal(info.comm, "newcomer");
	assert_string_equal(info.start_time, "2023-11-14T22:29:59.000000Z");
	procfs_get_stats(pfs, &st);
	assert_int_equal(st.stale, 1);
	/* ... and now one that does not hold it */
	put_stat(100, 50, "other", 1000 * hz());
	del_fd(100, 3);
	assert_int_equal(procfs_lookup(pfs, 12345, &info), -ENOENT);
	assert_int_equal(info.pid, 0);
	procfs_close(pfs);
}

/*
 * A thorough look-up scans every time: a holder that joined after the
 * first look-up (a fork, a descriptor passed on) is among the holders of
 * the next, so an exe rule cannot take the first holder's word for it.
 */
static void test_thorough_sees_newcomer(void **state)
{
	struct procfs *pfs = open_root();
	struct procfs_stats st;

	assert_int_equal(procfs_lookup(pfs, 12345, &info), 0);
	assert_false(info.shared);
	mkproc(310, 1, "joiner", 600 * hz());
	add_fd(310, 4, 12345);
	assert_int_equal(procfs_lookup(pfs, 12345, &info), 0);
	assert_true(info.shared);
	assert_int_equal(info.n_holders, 2);
	procfs_get_stats(pfs, &st);
	assert_int_equal(st.hits, 0);
	assert_int_equal(st.misses, 2);
	procfs_close(pfs);
}

/* A closed fd is noticed; a socket passed on is found at its new owner. */
static void test_revalidate(void **state)
{
	struct procfs *pfs = open_root();
	struct procfs_stats st;

	procfs_set_thorough(pfs, false);

	assert_int_equal(procfs_lookup(pfs, 12345, &info), 0);
	del_fd(100, 3);
	assert_int_equal(procfs_lookup(pfs, 12345, &info), -ENOENT);
	mkproc(300, 1, "heir", 500 * hz());
	add_fd(300, 9, 12345);
	assert_int_equal(procfs_lookup(pfs, 12345, &info), 0);
	assert_int_equal(info.pid, 300);
	assert_int_equal(procfs_lookup(pfs, 12345, &info), 0);
	procfs_get_stats(pfs, &st);
	assert_int_equal(st.stale, 1);
	assert_int_equal(st.hits, 1);
	assert_int_equal(st.misses, 3);
	procfs_close(pfs);
}

static void test_cmdline_odd(void **state)
{
	static const char odd[] = "a\x01"
				  "b\0\xff\xfe\0\n\0";
	static char big[PROC_CMDLINE_MAX + 100];
	struct procfs *pfs = open_root();

	fakeproc_put_file(odd, sizeof(odd) - 1, fakeproc_at("%d/cmdline", 100));
	assert_int_equal(procfs_lookup(pfs, 12345, &info), 0);
	assert_int_equal(info.argc, 3);
	assert_int_equal(info.cmdline_len, sizeof(odd) - 1);
	assert_memory_equal(info.cmdline, odd, sizeof(odd) - 1);
	/* No final NUL (setproctitle): the last argument still counts. */
	fakeproc_put_file("abc", 3, fakeproc_at("%d/cmdline", 100));
	assert_int_equal(procfs_lookup(pfs, 12345, &info), 0);
	assert_int_equal(info.argc, 1);
	assert_int_equal(info.cmdline_len, 4);
	assert_string_equal(info.cmdline, "abc");
	/* Longer than the buffer: cut, terminated, flagged. */
	memset(big, 'y', sizeof(big));
	big[10] = '\0';
	fakeproc_put_file(big, sizeof(big), fakeproc_at("%d/cmdline", 100));
	assert_int_equal(procfs_lookup(pfs, 12345, &info), 0);
	assert_true(info.cmdline_truncated);
	assert_int_equal(info.cmdline_len, PROC_CMDLINE_MAX);
	assert_int_equal(info.cmdline[PROC_CMDLINE_MAX - 1], '\0');
	assert_int_equal(info.argc, 2);
	/* Empty (kernel thread, zombie): no arguments. */
	fakeproc_put_file("", 0, fakeproc_at("%d/cmdline", 100));
	assert_int_equal(procfs_lookup(pfs, 12345, &info), 0);
	assert_int_equal(info.argc, 0);
	assert_int_equal(info.cmdline_len, 0);
	procfs_close(pfs);
}

/* Newest holder wins, unless an older one is sending on that fd. */
static void test_shared(void **state)
{
	struct procfs *pfs = open_root();

	/* after a pid wrap: the child has the lower pid, the scan meets the
	 * parent first and must look at its children */
	mkproc(400, 500, "child", 300 * hz());
	mkproc(500, 1, "parent", 260 * hz());
	fakeproc_mkdir(fakeproc_at("%d/task", 500));
	fakeproc_mkdir(fakeproc_at("%d/task/%d", 500, 500));
	fakeproc_put_str("400 ", fakeproc_at("%d/task/%d/children", 500, 500));
	add_fd(400, 3, 888);
	add_fd(500, 6, 888);
	assert_int_equal(procfs_lookup(pfs, 888, &info), 0);
	assert_int_equal(info.pid, 400);
	assert_true(info.shared);
	/* connect(6, ...) in the older one: it is the sender */
	put_syscall(500, SYS_connect, 6);
	add_fd(400, 3, 889);
	add_fd(500, 6, 889);
	assert_int_equal(procfs_lookup(pfs, 889, &info), 0);
	assert_int_equal(info.pid, 500);
	assert_true(info.shared);
	/* a syscall on another fd does not count */
	put_syscall(500, SYS_connect, 7);
	add_fd(400, 3, 890);
	add_fd(500, 6, 890);
	assert_int_equal(procfs_lookup(pfs, 890, &info), 0);
	assert_int_equal(info.pid, 400);
	/* two fds of one process (dup) are not sharing */
	add_fd(100, 7, 12345);
	assert_int_equal(procfs_lookup(pfs, 12345, &info), 0);
	assert_int_equal(info.pid, 100);
	assert_false(info.shared);
	/* found at the child (higher pid): its parent holds it too */
	mkproc(790, 1, "p2", 50 * hz());
	mkproc(800, 790, "c2", 60 * hz());
	add_fd(790, 3, 891);
	add_fd(800, 3, 891);
	assert_int_equal(procfs_lookup(pfs, 891, &info), 0);
	assert_int_equal(info.pid, 800);
	assert_true(info.shared);
	/* unrelated holders: both found, the most recently started named */
	mkproc(700, 1, "a", 100 * hz());
	mkproc(710, 1, "b", 90 * hz());
	add_fd(700, 3, 892);
	add_fd(710, 3, 892);
	assert_int_equal(procfs_lookup(pfs, 892, &info), 0);
	assert_int_equal(info.pid, 700);
	assert_true(info.shared);
	assert_int_equal(info.n_holders, 2);
	assert_int_equal(info.n_listed, 2);
	assert_int_equal(info.holders[0].pid, 700);
	assert_int_equal(info.holders[1].pid, 710);
	assert_string_equal(info.holders[1].comm, "b");
	/* the hit lists them again, and notices one that let go */
	assert_int_equal(procfs_lookup(pfs, 892, &info), 0);
	assert_int_equal(info.n_listed, 2);
	del_fd(710, 3);
	assert_int_equal(procfs_lookup(pfs, 892, &info), 0);
	assert_false(info.shared);
	assert_int_equal(info.n_listed, 0);
	procfs_close(pfs);
}

/* More holders than a record lists: the rest are counted. */
static void test_many_holders(void **state)
{
	struct procfs *pfs = open_root();
	int i;

	for (i = 0; i < PROC_MAX_HOLDERS + 3; i++) {
		mkproc(1000 + i, 1, "w", (unsigned long long)(100 + i) * hz());
		add_fd(1000 + i, 3, 4444);
		add_fd(1000 + i, 4, 4444); /* dup: still one holder */
	}
	assert_int_equal(procfs_lookup(pfs, 4444, &info), 0);
	assert_true(info.shared);
	assert_int_equal(info.n_holders, PROC_MAX_HOLDERS + 3);
	assert_int_equal(info.n_listed, PROC_MAX_HOLDERS);
	assert_int_equal(info.pid, 1000 + PROC_MAX_HOLDERS + 2);
	procfs_close(pfs);
}

/* The quick way: the first holder and its family, flagged partial. */
static void test_quick(void **state)
{
	struct procfs *pfs = open_root();

	procfs_set_thorough(pfs, false);
	mkproc(700, 1, "a", 100 * hz());
	mkproc(710, 1, "b", 90 * hz());
	add_fd(700, 3, 892);
	add_fd(710, 3, 892);
	assert_int_equal(procfs_lookup(pfs, 892, &info), 0);
	assert_int_equal(info.pid, 710); /* met first, the other not sought */
	assert_false(info.shared);
	assert_true(info.partial);
	assert_null(info.tainted); /* not looked at either */
	/* thorough again: the quick answer in the cache is not enough */
	procfs_set_thorough(pfs, true);
	assert_int_equal(procfs_lookup(pfs, 892, &info), 0);
	assert_false(info.partial);
	assert_int_equal(info.n_holders, 2);
	assert_non_null(info.tainted);
	procfs_close(pfs);
}

/* After the pids wrapped around, the newest have low pids: seen first. */
static void test_pid_wrap(void **state)
{
	struct procfs *pfs = open_root();

	procfs_set_thorough(pfs, false);
	mkproc(700, 1, "old", 100 * hz());
	mkproc(40, 1, "new", 200 * hz());
	add_fd(700, 3, 893);
	add_fd(40, 3, 893);
	fakeproc_put_str("0.10 0.20 0.30 1/120 45\n", fakeproc_at("loadavg"));
	assert_int_equal(procfs_lookup(pfs, 893, &info), 0);
	assert_int_equal(info.pid, 40);
	procfs_close(pfs);
	pfs = open_root();
	procfs_set_thorough(pfs, false);
	fakeproc_put_str("0.10 0.20 0.30 1/120 999\n", fakeproc_at("loadavg"));
	assert_int_equal(procfs_lookup(pfs, 893, &info), 0);
	assert_int_equal(info.pid, 700);
	procfs_close(pfs);
}

/*
 * Quick, the last holder and the newest pids come before a listing of
 * /proc, whose cost grows with every process on the machine.
 */
static void test_quick_guesses(void **state)
{
	struct procfs *pfs = open_root();
	struct procfs_stats st;

	procfs_set_thorough(pfs, false);
	fakeproc_put_str("0.10 0.20 0.30 1/120 101\n", fakeproc_at("loadavg"));
	assert_int_equal(procfs_lookup(pfs, 12345, &info), 0);
	assert_int_equal(info.pid, 100); /* among the newest */
	fakeproc_put_str("0.10 0.20 0.30 1/120 5000\n", fakeproc_at("loadavg"));
	add_fd(100, 7, 777);
	assert_int_equal(procfs_lookup(pfs, 777, &info), 0);
	assert_int_equal(info.pid, 100); /* the last holder */
	procfs_get_stats(pfs, &st);
	assert_int_equal(st.listings, 0);
	/* neither: listed */
	mkproc(60, 1, "old", 5 * hz());
	add_fd(60, 3, 778);
	assert_int_equal(procfs_lookup(pfs, 778, &info), 0);
	assert_int_equal(info.pid, 60);
	procfs_get_stats(pfs, &st);
	assert_int_equal(st.listings, 1);
	/* thorough: every process, listed */
	procfs_set_thorough(pfs, true);
	assert_int_equal(procfs_lookup(pfs, 777, &info), 0);
	procfs_get_stats(pfs, &st);
	assert_int_equal(st.listings, 2);
	procfs_close(pfs);
}

/*
 * A pid guessed may be a thread's: /proc/TID, unlisted, shows the files
 * of its process, which holds the socket and is named.
 */
static void test_quick_thread_pid(void **state)
{
	struct procfs *pfs = open_root();

	procfs_set_thorough(pfs, false);
	mkproc(101, 50, "app", 250 * hz() + hz() / 4);
	fakeproc_put_str("Name:\tapp\nTgid:\t100\nPid:\t101\n"
			 "Uid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\n",
			 fakeproc_at("%d/status", 101));
	add_fd(101, 3, 12345);
	fakeproc_put_str("0.10 0.20 0.30 1/120 101\n", fakeproc_at("loadavg"));
	assert_int_equal(procfs_lookup(pfs, 12345, &info), 0);
	assert_int_equal(info.pid, 100);
	assert_int_equal(info.uid, 1000);
	procfs_close(pfs);
}

/* Out of budget: what was found, flagged partial, or nothing in time. */
static void test_budget(void **state)
{
	struct procfs *pfs = open_root();
	struct procfs_stats st;
	int i, err;

	mkproc(900, 1, "hog", 100 * hz());
	for (i = 0; i < 3000; i++)
		add_fd(900, i + 10, 200000 + (unsigned)i);
	add_fd(900, 5, 12345);
	procfs_set_budget(pfs, 1);
	err = procfs_lookup(pfs, 12345, &info);
	assert_true(err == -ETIME || (err == 0 && info.partial));
	procfs_get_stats(pfs, &st);
	assert_int_equal(st.over_budget, err == -ETIME);
	procfs_close(pfs);
	/* with time enough, both holders */
	pfs = open_root();
	assert_int_equal(procfs_lookup(pfs, 12345, &info), 0);
	assert_false(info.partial);
	assert_int_equal(info.n_holders, 2);
	assert_int_equal(info.pid, 100); /* started later */
	procfs_close(pfs);
}

/* A maps line for the file at path, executable or not. */
static void put_map(int pid, const char *path, bool exec, const char *tail)
{
	char buf[600];
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	snprintf(buf, sizeof(buf),
		 "7f00000000-7f00001000 r%sp 00000000 %02x:%02x %llu "
		 "    %s%s\n7f00002000-7f00003000 rwxp 00000000 00:00 0 \n",
		 exec ? "-x" : "--", major(st.st_dev), minor(st.st_dev),
		 (unsigned long long)st.st_ino, path, tail);
	fakeproc_put_str(buf, fakeproc_at("%d/maps", pid));
}

static void expect_taint(struct procfs *pfs, const char *why)
{
	assert_int_equal(procfs_lookup(pfs, 12345, &info), 0);
	if (!why) {
		assert_null(info.tainted);
		return;
	}
	assert_non_null(info.tainted);
	assert_string_equal(info.tainted, why);
}

static void test_tainted(void **state)
{
	static const char lib[] = "/usr/lib/x86_64-linux-gnu/libc.so.6";
	struct procfs *pfs = open_root();
	char self[PROC_EXE_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	FILE *w;

	assert_true(n > 0);
	self[n] = '\0';
	/* no such file here */
	expect_taint(pfs, "exe is not the file its path names here");
	fakeproc_link(self, fakeproc_at("%d/exe", 100));
	expect_taint(pfs, NULL);
	if (access(lib, R_OK) == 0) {
		put_map(100, lib, true, "");
		expect_taint(pfs, NULL);
		put_map(100, lib, true, " (deleted)");
		expect_taint(pfs, "executable code from a deleted file");
		put_map(100, self, false, ""); /* not executable: not code */
		expect_taint(pfs, NULL);
	}
	put_map(100, fakeproc_at("%d/environ", 100), true, "");
	if (getuid() != 0)
		expect_taint(pfs, "executable code from a writable place");
	fakeproc_put_str("7f0-7f1 r-xp 0 08:01 99 /no/such/lib.so\n",
			 fakeproc_at("%d/maps", 100));
	expect_taint(pfs, "executable code from a file not named here");
	fakeproc_put_str("garbage\n", fakeproc_at("%d/maps", 100));
	expect_taint(pfs, "memory map unreadable");
	fakeproc_put_str("", fakeproc_at("%d/maps", 100));
	/* the loader told to load more, wherever in the environment */
	fakeproc_put_file("A=1\0LD_PRELOAD=/tmp/x.so\0", 26,
			  fakeproc_at("%d/environ", 100));
	expect_taint(pfs, "started with LD_PRELOAD or LD_AUDIT");
	fakeproc_put_file("LD_AUDIT=/tmp/a.so", 18,
			  fakeproc_at("%d/environ", 100));
	expect_taint(pfs, "started with LD_PRELOAD or LD_AUDIT");
	fakeproc_put_file("X=LD_PRELOAD=\0", 14,
			  fakeproc_at("%d/environ", 100));
	expect_taint(pfs, NULL);
	/* past the name of a long entry, past a read's end */
	w = fopen(fakeproc_at("%d/environ", 100), "w");
	assert_non_null(w);
	for (n = 0; n < 10000; n++)
		fputc('v', w);
	fwrite("\0LD_PRELOAD=y", 1, 13, w);
	fclose(w);
	expect_taint(pfs, "started with LD_PRELOAD or LD_AUDIT");
	/* a process's environ does not vanish while it runs: another one */
	unlink(fakeproc_at("%d/environ", 100));
	put_stat(100, 50, "app", 260 * hz());
	expect_taint(pfs, "environment unreadable");
	procfs_close(pfs);
}

/* A thread with its own fd table: found through task/TID/fd. */
static void test_thread_table(void **state)
{
	struct procfs *pfs = open_root();

	fakeproc_mkdir(fakeproc_at("%d/task", 100));
	fakeproc_mkdir(fakeproc_at("%d/task/%d", 100, 100));
	fakeproc_mkdir(fakeproc_at("%d/task/%d", 100, 101));
	fakeproc_mkdir(fakeproc_at("%d/task/%d/fd", 100, 101));
	fakeproc_link("socket:[999]",
		      fakeproc_at("%d/task/%d/fd/%d", 100, 101, 5));
	assert_int_equal(procfs_lookup(pfs, 999, &info), 0);
	assert_int_equal(info.pid, 100);
	assert_string_equal(info.comm, "app");
	/* the hit revalidates through the thread's table too */
	assert_int_equal(procfs_lookup(pfs, 999, &info), 0);
	fakeproc_link("socket:[998]",
		      fakeproc_at("%d/task/%d/fd/%d", 100, 101, 5));
	assert_int_equal(procfs_lookup(pfs, 999, &info), -ENOENT);
	procfs_close(pfs);
}

/* One more socket than the cache holds: the least recently used goes. */
static void test_eviction(void **state)
{
	struct procfs *pfs = open_root();
	struct procfs_stats st;
	unsigned i, n = PROCFS_CACHE_SIZE + 1;

	procfs_set_thorough(pfs, false);
	fakeproc_mkdir(fakeproc_at("%d", 600));
	fakeproc_mkdir(fakeproc_at("%d/fd", 600));
	put_stat(600, 1, "many", 42);
	put_ids(600, 0, 0);
	for (i = 0; i < n; i++)
		add_fd(600, (int)i + 10, 100000 + i);
	for (i = 0; i < n; i++)
		assert_int_equal(procfs_lookup(pfs, 100000 + i, &info), 0);
	procfs_get_stats(pfs, &st);
	assert_int_equal(st.misses, n);
	assert_int_equal(st.evictions, 1);
	/* the newest is still cached, the first is not */
	assert_int_equal(procfs_lookup(pfs, 100000 + n - 1, &info), 0);
	assert_int_equal(procfs_lookup(pfs, 100000, &info), 0);
	procfs_get_stats(pfs, &st);
	assert_int_equal(st.hits, 1);
	assert_int_equal(st.misses, n + 1);
	assert_string_equal(info.exe, ""); /* none in this fixture */
	assert_string_equal(info.user, "root");
	procfs_close(pfs);
}

/* Large machines: /proc/stat's intr line alone runs to many kilobytes. */
static void test_btime_far(void **state)
{
	static char stat[200000];
	struct procfs *pfs;
	size_t n;

	n = (size_t)snprintf(stat, sizeof(stat), "cpu  1 2 3\nintr 1");
	while (n < sizeof(stat) - 64)
		n += (size_t)snprintf(stat + n, sizeof(stat) - n, " 0");
	snprintf(stat + n, sizeof(stat) - n, "\nbtime %lld\n", BTIME);
	fakeproc_put_str(stat, fakeproc_at("stat"));
	pfs = open_root();
	assert_int_equal(procfs_lookup(pfs, 12345, &info), 0);
	assert_string_equal(info.start_time, "2023-11-14T22:17:30.250000Z");
	procfs_close(pfs);
}

static void test_parse_stat(void **state)
{
	static const char *bad[] = {
		"",
		"12",
		"12 (x",
		"12 x) S 1",
		"12 (x) S",
		"12 (x) S 1 2 3",
		"(x) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 9",
		"12 (x) S 99999999999 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 9",
		("12 (x) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 "
		 "99999999999999999999999"),
	};
	const char *odd = "7 (a) b) (c) S 3 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 "
			  "1 0 77 0";
	struct procinfo_stat st;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(
			procinfo_parse_stat(bad[i], strlen(bad[i]), &st),
			-EBADMSG);
	assert_int_equal(procinfo_parse_stat(odd, strlen(odd), &st), 0);
	assert_int_equal(st.pid, 7);
	assert_int_equal(st.ppid, 3);
	assert_int_equal(st.start, 77);
	assert_string_equal(st.comm, "a) b) (c");
}

static void test_parse_status_cgroup(void **state)
{
	const char *no_gid = "Uid:\t1\t2\t3\t4\n";
	const char *short_uid = "Uid:\t1\nGid:\t1\t2\n";
	char cg[8];
	uid_t u;
	gid_t g;

	assert_int_equal(procinfo_parse_status(no_gid, strlen(no_gid), &u, &g),
			 -EBADMSG);
	assert_int_equal(
		procinfo_parse_status(short_uid, strlen(short_uid), &u, &g),
		-EBADMSG);
	procinfo_parse_cgroup("0::/a/very/long/path\n", 21, cg, sizeof(cg));
	assert_string_equal(cg, "/a/very");
	procinfo_parse_cgroup("1:cpu:/x\n", 9, cg, sizeof(cg));
	assert_string_equal(cg, "");
	procinfo_parse_cgroup("0::", 3, cg, sizeof(cg));
	assert_string_equal(cg, "");
}

/* What a process without status cannot give, it does not half-give. */
static void test_missing_files(void **state)
{
	struct procfs *pfs = open_root();

	assert_int_equal(unlink(fakeproc_at("100/status")), 0);
	assert_int_equal(procfs_lookup(pfs, 12345, &info), -ENOENT);
	put_ids(100, 7, 8);
	assert_int_equal(unlink(fakeproc_at("100/cgroup")), 0);
	assert_int_equal(unlink(fakeproc_at("100/exe")), 0);
	assert_int_equal(procfs_lookup(pfs, 12345, &info), 0);
	assert_int_equal(info.uid, 7);
	assert_string_equal(info.cgroup, "");
	assert_string_equal(info.exe, "");
	procfs_close(pfs);
	assert_null(procfs_open("/nonexistent/proc"));
	procfs_close(NULL);
}

/*
 * The same process again: its identity and its ancestors' come from the
 * cache, until it runs another program, is another process, or changes
 * what its environment says.
 */
static void test_ident_cache(void **state)
{
	struct procfs *pfs = open_root();
	char self[PROC_EXE_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	struct procfs_stats st;

	assert_true(n > 0);
	self[n] = '\0';
	fakeproc_link(self, fakeproc_at("%d/exe", 100));
	fakeproc_link(self, fakeproc_at("%d/exe", 50));
	fakeproc_link(self, fakeproc_at("%d/exe", 1));
	assert_int_equal(procfs_lookup(pfs, 12345, &info), 0);
	assert_int_equal(procfs_lookup(pfs, 12345, &info), 0);
	procfs_get_stats(pfs, &st);
	assert_int_equal(st.ident_misses, 3); /* app, sh, init: once each */
	assert_int_equal(st.ident_hits, 3);
	assert_string_equal(info.exe, self);
	assert_string_equal(info.ancestors[0].exe, self);
	/* an exec under the same pid and start time: another exe */
	fakeproc_link("/bin/sh", fakeproc_at("%d/exe", 100));
	assert_int_equal(procfs_lookup(pfs, 12345, &info), 0);
	assert_string_equal(info.exe, "/bin/sh");
	/* ... or the same exe, run again with the loader told to load more */
	fakeproc_link(self, fakeproc_at("%d/exe", 100));
	assert_int_equal(procfs_lookup(pfs, 12345, &info), 0);
	assert_null(info.tainted);
	fakeproc_put_file("LD_PRELOAD=/tmp/x.so\0", 21,
			  fakeproc_at("%d/environ", 100));
	assert_int_equal(procfs_lookup(pfs, 12345, &info), 0);
	assert_non_null(info.tainted);
	assert_string_equal(info.tainted,
			    "started with LD_PRELOAD or LD_AUDIT");
	/* the parent's pid now names another process: read afresh */
	put_stat(50, 1, "newsh", 20 * hz());
	fakeproc_link("/bin/sh", fakeproc_at("%d/exe", 50));
	assert_int_equal(procfs_lookup(pfs, 12345, &info), 0);
	assert_string_equal(info.ancestors[0].comm, "newsh");
	assert_string_equal(info.ancestors[0].exe, "/bin/sh");
	/* comm and parent are read on every hit (prctl, reparenting) */
	put_stat(50, 50, "renamed", 20 * hz());
	assert_int_equal(procfs_lookup(pfs, 12345, &info), 0);
	assert_int_equal(info.n_ancestors, 1);
	assert_string_equal(info.ancestors[0].comm, "renamed");
	procfs_close(pfs);
}

/*
 * Live: a process that holds a socket, seen (and kept), then runs its
 * own exe again with LD_PRELOAD: same pid, start time and exe, and yet
 * the next look-up must see the new environment.
 */
static void test_live_reexec(void **state)
{
	char self[PROC_EXE_MAX], fdarg[16], hold[] = "--hold", c;
	char pre[] = "LD_PRELOAD=", path[] = "PATH=/bin";
	char *argv[] = {self, hold, fdarg, NULL};
	char *envp[] = {pre, path, NULL};
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	int rep[2], go[2], s;
	struct procfs_stats st;
	struct procfs *pfs;
	struct stat sst;
	uint32_t inode;
	pid_t pid;

	assert_true(n > 0);
	self[n] = '\0';
	assert_int_equal(pipe(rep), 0);
	assert_int_equal(pipe2(go, O_CLOEXEC), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG,
		      SIGKILL); /* a failed test leaves none */
		s = socket(AF_INET, SOCK_DGRAM, 0); /* kept across exec */
		if (s < 0 || fstat(s, &sst) < 0)
			_exit(1);
		inode = (uint32_t)sst.st_ino;
		snprintf(fdarg, sizeof(fdarg), "%d", rep[1]);
		if (write(rep[1], &inode, sizeof(inode)) != sizeof(inode) ||
		    read(go[0], &c, 1) != 1)
			_exit(1);
		execve(self, argv, envp);
		_exit(1);
	}
	assert_int_equal(read(rep[0], &inode, sizeof(inode)), sizeof(inode));
	pfs = procfs_open("/proc");
	assert_non_null(pfs);
	procfs_set_budget(pfs, 0);
	assert_int_equal(procfs_lookup(pfs, inode, &info), 0);
	assert_int_equal(info.pid, pid);
	assert_int_equal(procfs_lookup(pfs, inode, &info), 0);
	procfs_get_stats(pfs, &st);
	assert_true(st.ident_hits >= 1);
	assert_true(
		!info.tainted ||
		strcmp(info.tainted, "started with LD_PRELOAD or LD_AUDIT"));
	assert_int_equal(write(go[1], "x", 1), 1);
	assert_int_equal(read(rep[0], &c, 1), 1); /* run again, holding it */
	assert_int_equal(procfs_lookup(pfs, inode, &info), 0);
	assert_int_equal(info.pid, pid);
	assert_non_null(info.tainted);
	assert_string_equal(info.tainted,
			    "started with LD_PRELOAD or LD_AUDIT");
	procfs_close(pfs);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	close(rep[0]);
	close(rep[1]);
	close(go[0]);
	close(go[1]);
}

int main(int argc, char **argv)
{
	/* test_live_reexec's child, run again: say so, hold the socket */
	if (argc == 3 && !strcmp(argv[1], "--hold")) {
		if (write(atoi(argv[2]), "x", 1) != 1)
			return 1;
		for (;;)
			pause();
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_identity, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ancestors, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_pid_reuse, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_thorough_sees_newcomer, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_revalidate, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_cmdline_odd, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_shared, setup, teardown),
		cmocka_unit_test_setup_teardown(test_many_holders, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_tainted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_budget, setup, teardown),
		cmocka_unit_test_setup_teardown(test_quick, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pid_wrap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_quick_guesses, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_quick_thread_pid, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_thread_table, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_eviction, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_files, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_btime_far, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_ident_cache, setup,
						teardown),
		cmocka_unit_test(test_live_reexec),
		cmocka_unit_test(test_parse_stat),
		cmocka_unit_test(test_parse_status_cgroup),
	};

	return cmocka_run_group_tests_name("procfs", tests, NULL, NULL);
}
