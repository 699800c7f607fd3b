// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The seccomp allowlist.  The lists below are what strace -f showed the
 * daemon doing after no_new_privs, through every output (file, stdout,
 * syslog), --pcap-out, --metrics-file, --user, --fsync, --key, HUP with
 * a renamed log and with a proxy host name to resolve, USR1, TERM and
 * both iptables backends.  Names that do not exist on the build's
 * architecture are skipped, so one list serves them all.
 */
#include "config.h"

#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include <linux/bpf.h>
#include <seccomp.h>

#include "log.h"
#include "sandbox.h"

/* Where clone(2) takes its flags: the first argument, but for s390. */
#if defined(__s390__) || defined(__s390x__)
#define CLONE_FLAGS_ARG 1
#else
#define CLONE_FLAGS_ARG 0
#endif

struct sc_group {
	const char *why;
	bool rules_only;
	const char *const *calls;
};

/* Lists of names read better filled than one a line. */
/* clang-format off */
static const char *const sc_io[] = {
	"read", "readv", "pread64", "write", "writev", "close", "openat",
	"open", "fcntl", "lseek", "newfstatat", "fstat", "statx",
	"readlinkat", "readlink", "getdents64", "fdatasync", "fsync",
	"ftruncate", "rename", "renameat", "renameat2", "unlink", "unlinkat",
	"poll", "ppoll", "kcmp", NULL,
};

static const char *const sc_net[] = {
	"recvmsg", "recvmmsg", "recvmmsg_time64", "recvfrom", "sendto",
	"sendmsg", "sendmmsg", "connect", "bind", "getsockname", "setsockopt",
	"accept4", "accept", NULL,
};

static const char *const sc_mem[] = {
	"mmap", "munmap", "mremap", "mprotect", "madvise", "brk", NULL,
};

static const char *const sc_task[] = {
	"futex", "set_robust_list", "rseq", "exit", "exit_group",
	"rt_sigprocmask", "rt_sigreturn", "rt_sigaction", "restart_syscall",
	"clock_gettime", "clock_nanosleep", "nanosleep", "gettimeofday",
	"getpid", "gettid", "sched_yield", "sched_getaffinity", "sysinfo",
	"getrandom", NULL,
};

/*
 * Read-only calls of the NSS modules a reload may reach (a user or group
 * name not in /etc/passwd goes on to nscd or systemd's userdb over a Unix
 * socket), where a host has them; not seen here, allowed so that a
 * policy naming an unknown user fails cleanly instead of killing.
 */
static const char *const sc_names[] = {
	"getsockopt", "getpeername", "epoll_create1", "epoll_ctl",
	"epoll_wait", "epoll_pwait", "uname", "getuid", "geteuid", "getgid",
	"getegid", "access", "faccessat", "faccessat2", NULL,
};

static const char *const sc_rules[] = {
	"execve", "wait4", "memfd_create", "dup2", "dup3", "arch_prctl",
	"set_tid_address", "prlimit64", "flock", "statfs", "fstatfs",
	"pselect6", "select", NULL,
};
/* clang-format on */

static const struct sc_group groups[] = {
	{"files: /proc, the log, pcap-out, metrics, pidfile, policy", false,
	 sc_io},
	{"sockets: the queue, sock_diag, syslog, name look-ups on reload, "
	 "the control socket",
	 false, sc_net},
	{"name services (user, group and host names on reload)", false,
	 sc_names},
	{"memory", false, sc_mem},
	{"threads, signals, time", false, sc_task},
	{"--install-rules: run iptables-restore at exit (it inherits the "
	 "filter)",
	 true, sc_rules},
};

#define N_GROUPS (sizeof(groups) / sizeof(groups[0]))

/* glibc's name look-ups and syslog open only these. */
static const int socket_domains[] = {AF_UNIX, AF_INET, AF_INET6, AF_NETLINK};

static int allow_names(scmp_filter_ctx ctx, const char *const *calls)
{
	int nr, err;

	for (; *calls; calls++) {
		nr = seccomp_syscall_resolve_name(*calls);
		if (nr == __NR_SCMP_ERROR)
			continue; /* not on this architecture */
		err = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0);
		if (err) {
			log_warnx("seccomp: cannot allow %s: %s", *calls,
				  strerror(-err));
			return err;
		}
	}
	return 0;
}

/*
 * The calls allowed only with some arguments: threads but not processes
 * (unless iptables-restore must run), the socket families above, signals
 * to ourselves (abort), and the two ioctls of isatty and the resolver.
 */
static int allow_narrow(scmp_filter_ctx ctx, bool rules)
{
	size_t i;
	int err = 0;

	if (rules)
		err = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(clone), 0);
	else
		err = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1,
				       SCMP_CMP(CLONE_FLAGS_ARG,
						SCMP_CMP_MASKED_EQ,
						CLONE_THREAD, CLONE_THREAD));
	/* clone3's flags are in memory, out of the filter's reach: ENOSYS
	 * makes glibc fall back to clone. */
	err = err
		      ?: seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS),
					  SCMP_SYS(clone3), 0);
	for (i = 0; !err && i < sizeof(socket_domains) / sizeof(int); i++)
		err = seccomp_rule_add(
			ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 1,
			SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)socket_domains[i]));
	err = err
		      ?: seccomp_rule_add(
				 ctx, SCMP_ACT_ALLOW, SCMP_SYS(tgkill), 1,
				 SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)getpid()));
	err = err
		      ?: seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl),
					  1, SCMP_A1(SCMP_CMP_EQ, TCGETS));
	err = err
		      ?: seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl),
					  1, SCMP_A1(SCMP_CMP_EQ, FIONREAD));
	if (err)
		log_warnx("seccomp: cannot add a narrow rule: %s",
			  strerror(-err));
	return err;
}

/*
 * Kernel attribution reads its maps through the fds it opened at start:
 * look-ups only, no program or map can be made or changed.
 */
static int allow_bpf(scmp_filter_ctx ctx)
{
	int err = seccomp_rule_add(
		ctx, SCMP_ACT_ALLOW, SCMP_SYS(bpf), 1,
		SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)BPF_MAP_LOOKUP_ELEM));

	if (err)
		log_warnx("seccomp: cannot allow bpf: %s", strerror(-err));
	return err;
}

/*
 * Builds with AddressSanitizer only: its leak check at exit stops the
 * threads with ptrace from a helper it clones.  Never in a normal build.
 */
#if defined(__SANITIZE_ADDRESS__)
#define SANITIZER_BUILD 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZER_BUILD 1
#endif
#endif

static int allow_sanitizer(scmp_filter_ctx ctx)
{
#ifdef SANITIZER_BUILD
	/* clang-format off */
	static const char *const calls[] = {
		"clone", "ptrace", "wait4", "waitid", "prctl", "sigaltstack",
		"getppid", "process_vm_readv", "kill", "tgkill", "getdents",
		NULL,
	};
	/* clang-format on */

	return allow_names(ctx, calls);
#else
	(void)ctx;
	return 0;
#endif
}

/* Make the hidden self-test's forbidden call: see tests/privs-live.sh. */
static void sandbox_selftest(void)
{
	const char *v = getenv("NFJUDGE_TEST_FORBIDDEN_SYSCALL");
	long rc;

	if (!v || strcmp(v, "1"))
		return;
	log_warnx("NFJUDGE_TEST_FORBIDDEN_SYSCALL: calling mount(2), which "
		  "must kill this process");
	/* Harmless without the filter too: CAP_SYS_ADMIN is gone. */
	rc = syscall(SYS_mount, "none", "/nonexistent", "tmpfs", 0UL, NULL);
	log_warnx("mount(2) was not stopped by the filter (returned %ld)", rc);
}

static int build(scmp_filter_ctx ctx, bool rules)
{
	size_t i;
	int err = 0;

	for (i = 0; !err && i < N_GROUPS; i++)
		if (!groups[i].rules_only || rules)
			err = allow_names(ctx, groups[i].calls);
	err = err ?: allow_narrow(ctx, rules);
	err = err ?: allow_bpf(ctx);
	err = err ?: allow_sanitizer(ctx);
	/* Every thread, the log writer's and the workers' alike. */
	err = err ?: seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
	if (!err && seccomp_attr_set(ctx, SCMP_FLTATR_CTL_LOG, 1))
		log_debug("seccomp: the kernel cannot log filter actions");
	return err;
}

int sandbox_install(bool rules)
{
	/* Anything not listed kills the process: see sandbox.h for why. */
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
	int err;

	if (!ctx) {
		log_warnx("seccomp: cannot make a filter");
		return -1;
	}
	err = build(ctx, rules);
	err = err ?: seccomp_load(ctx);
	seccomp_release(ctx);
	if (err) {
		log_warnx("seccomp: cannot install the allowlist: %s",
			  strerror(-err));
		return -1;
	}
	log_info("seccomp allowlist installed; any other system call kills "
		 "the process (SIGSYS)");
	sandbox_selftest();
	return 0;
}

static void print_list(FILE *out, const char *const *calls)
{
	int col = 0;

	for (; *calls; calls++) {
		if (seccomp_syscall_resolve_name(*calls) == __NR_SCMP_ERROR)
			continue;
		if (col && col + (int)strlen(*calls) + 1 > 76)
			col = 0;
		col += fprintf(out, col ? " %s" : "\n    %s", *calls);
	}
	fputc('\n', out);
}

void sandbox_print(FILE *out, bool rules)
{
	size_t i;

	fprintf(out, "Then it installs a seccomp allowlist on every thread; "
		     "any other system call\nkills the process (SIGSYS, "
		     "logged by the kernel) and the fail-closed rules\n"
		     "stop new connections.  Allowed:\n");
	for (i = 0; i < N_GROUPS; i++) {
		if (groups[i].rules_only && !rules)
			continue;
		fprintf(out, "  %s:", groups[i].why);
		print_list(out, groups[i].calls);
	}
	fprintf(out,
		"  with arguments checked:\n"
		"    clone (%s), socket (AF_UNIX, AF_INET,\n"
		"    AF_INET6, AF_NETLINK), tgkill (own process), ioctl "
		"(TCGETS, FIONREAD),\n    bpf (BPF_MAP_LOOKUP_ELEM: "
		"kernel attribution's maps); clone3 fails\n    with ENOSYS\n",
		rules ? "threads and processes" : "threads only");
}
