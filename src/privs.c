// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>

#include <cap-ng.h>
#include <linux/capability.h>

#include "log.h"
#include "privs.h"
#include "sandbox.h"

struct kept_cap {
	int cap;
	const char *name;
	const char *why;
	bool rules_only;
};

static const struct kept_cap kept[] = {
	{CAP_NET_ADMIN, "CAP_NET_ADMIN",
	 "send verdicts (nfnetlink checks it on every message)", false},
	{CAP_SYS_PTRACE, "CAP_SYS_PTRACE",
	 "read /proc/PID/fd/N and /proc/PID/exe of other users", false},
	{CAP_DAC_READ_SEARCH, "CAP_DAC_READ_SEARCH",
	 "list /proc/PID/fd of other users (mode 0500)", false},
	{CAP_NET_RAW, "CAP_NET_RAW",
	 "remove the iptables rules at exit (legacy backend)", true},
};

#define N_KEPT (sizeof(kept) / sizeof(kept[0]))

/* What --attribution needs at start, and what each mode can promise. */
static void privs_print_attribution(FILE *out)
{
	fprintf(out,
		"Attribution (--attribution):\n"
		"  kernel  at start, as root: CAP_BPF, CAP_PERFMON (the "
		"caller's comm,\n"
		"          task fields), CAP_NET_ADMIN, CAP_SYS_ADMIN (attach "
		"at the cgroup2\n"
		"          root; a private cgroup2 mount where none is "
		"mounted).  BPF\n"
		"          programs at the cgroup2 root note the thread that "
		"called\n"
		"          connect() or sendmsg(), every process that sent "
		"on a UDP\n"
		"          socket (the socket_sendmsg BPF LSM hook, else a "
		"sys_enter\n"
		"          tracepoint; with neither, a connected UDP socket's "
		"send is\n"
		"          credited to who connected it: the start record "
		"says which)\n"
		"          and what each process exec'd; afterwards only\n"
		"          look-ups in their maps, which need no capability.  "
		"Records say\n"
		"          \"attribution\":\"kernel\": the exact sender, "
		"even one gone at once.\n"
		"  proc    sock_diag and /proc with the capabilities above: a "
		"holder of\n"
		"          the socket, not always the sender (\"socket\").\n"
		"  auto    (default) kernel when the programs load, else proc; "
		"the daemon\n"
		"          says at start which and why.\n");
}

void privs_print(FILE *out, bool rules)
{
	size_t i;

	fprintf(out, "After set-up nfjudge run keeps only these "
		     "capabilities:\n");
	for (i = 0; i < N_KEPT; i++)
		if (!kept[i].rules_only || rules)
			fprintf(out, "  %-20s %s\n", kept[i].name, kept[i].why);
	fprintf(out, "and sets no_new_privs.  With --user it runs as that "
		     "user and group,\nwithout supplementary groups.\n");
	privs_print_attribution(out);
	sandbox_print(out, rules);
}

bool privs_have_net_admin(void)
{
	if (capng_get_caps_process())
		return geteuid() == 0;
	return capng_have_capability(CAPNG_EFFECTIVE, CAP_NET_ADMIN);
}

static int keep_caps(bool rules, bool ambient)
{
	size_t i;

	capng_clear(CAPNG_SELECT_BOTH);
	for (i = 0; i < N_KEPT; i++) {
		capng_type_t t =
			CAPNG_EFFECTIVE | CAPNG_PERMITTED | CAPNG_BOUNDING_SET;

		if (kept[i].rules_only && !rules)
			continue;
		/* iptables-restore, run at exit, inherits these. */
		if (rules && (kept[i].cap == CAP_NET_ADMIN ||
			      kept[i].cap == CAP_NET_RAW)) {
			t |= CAPNG_INHERITABLE;
			if (ambient)
				t |= CAPNG_AMBIENT;
		}
		if (capng_update(CAPNG_ADD, t, (unsigned)kept[i].cap))
			return -1;
	}
	return 0;
}

static int lookup_user(const char *user, uid_t *uid, gid_t *gid)
{
	struct passwd pw, *res = NULL;
	char buf[4096];

	if (getpwnam_r(user, &pw, buf, sizeof(buf), &res) || !res) {
		log_warnx("--user: no such user '%s'", user);
		return -1;
	}
	*uid = pw.pw_uid;
	*gid = pw.pw_gid;
	return 0;
}

int privs_drop(const char *user, bool rules)
{
	uid_t uid = 0;
	gid_t gid = 0;
	int rc;

	if (user && lookup_user(user, &uid, &gid))
		return -1;
	if (geteuid() != 0) {
		if (user) {
			log_warnx("--user needs nfjudge to start as root");
			return -1;
		}
	} else if (keep_caps(rules, user && uid != 0)) {
		log_warnx("cannot compute the capability set");
		return -1;
	} else {
		rc = user && uid != 0
			     ? capng_change_id((int)uid, (int)gid,
					       CAPNG_DROP_SUPP_GRP |
						       CAPNG_CLEAR_BOUNDING)
			     : capng_apply(CAPNG_SELECT_ALL);
		if (rc) {
			log_warnx("cannot drop privileges (libcap-ng step %d)",
				  rc);
			return -1;
		}
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) {
		log_warn("no_new_privs");
		return -1;
	}
	return sandbox_install(rules);
}
