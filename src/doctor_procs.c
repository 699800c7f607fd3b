// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The doctor's process checks: every thread of the namespace, for the
 * capabilities that open a hole (AF_PACKET, the rules, another namespace)
 * and for the uid it shares with the daemon.  A process whose namespace
 * or capabilities cannot be read counts as a hole.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/nsfs.h>

#include "doctor.h"
#include "doctor_int.h"

#define GAINED_CAPS \
	((1ull << DOCTOR_CAP_NET_RAW) | (1ull << DOCTOR_CAP_NET_ADMIN))
#define WATCHED_CAPS                                                     \
	((1ull << DOCTOR_CAP_NET_RAW) | (1ull << DOCTOR_CAP_NET_ADMIN) | \
	 (1ull << DOCTOR_CAP_SYS_ADMIN))

/*
 * What is counted into one finding each: the pids that cannot be
 * checked, and those that could gain a capability by exec.
 */
struct unreadable {
	unsigned int n, gain;
	long first, gain_first, gain_last;
	long said; /* the last pid a capability line was written for */
};

bool doctor_same_file(const char *root, long pid, const struct stat *self)
{
	char path[320];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%ld/exe", root, pid);
	return !stat(path, &st) && st.st_dev == self->st_dev &&
	       st.st_ino == self->st_ino;
}

/*
 * A capable child of nfjudge: the rules tool (iptables -S every few
 * seconds, to see that the chain is intact) that the daemon runs with its
 * own capabilities.  It is trusted as far as nfjudge is.
 */
static bool nfjudge_child(const struct run *run, const struct doctor_status *st,
			  const struct stat *self_exe)
{
	return self_exe && st->ppid > 0 &&
	       doctor_same_file(run->env->proc_root, st->ppid, self_exe);
}

static const struct watched {
	int bit;
	const char *name, *why;
} watched[] = {
	{DOCTOR_CAP_NET_RAW, "CAP_NET_RAW",
	 "AF_PACKET sockets bypass netfilter"},
	{DOCTOR_CAP_NET_ADMIN, "CAP_NET_ADMIN",
	 "it can change or remove the rules"},
	{DOCTOR_CAP_SYS_ADMIN, "CAP_SYS_ADMIN",
	 "it can enter another network namespace"},
};

/* Appends to buf at *at, as far as it fits. */
static void put(char *buf, size_t cap, size_t *at, const char *s1,
		const char *s2)
{
	int n = snprintf(buf + *at, cap - *at, "%s%s", s1, s2);

	if (n > 0)
		*at = *at + (size_t)n < cap ? *at + (size_t)n : cap - 1;
}

static void cap_finding(struct run *run, const struct task *t,
			const struct doctor_status *st, uint64_t caps)
{
	char names[64] = "", whys[160] = "", sets[40], thread[32] = "";
	size_t i, nn = 0, nw = 0;

	for (i = 0; i < sizeof(watched) / sizeof(watched[0]); i++) {
		if (!(caps & (1ull << watched[i].bit)))
			continue;
		put(names, sizeof(names), &nn, nn ? ", " : "", watched[i].name);
		put(whys, sizeof(whys), &nw, watched[i].why, "; ");
	}
	snprintf(sets, sizeof(sets), "%s%s%s",
		 st->cap_eff & WATCHED_CAPS ? " effective" : "",
		 st->cap_prm & WATCHED_CAPS ? " permitted" : "",
		 st->cap_amb & WATCHED_CAPS ? " ambient" : "");
	if (t->tid != t->pid)
		snprintf(thread, sizeof(thread), " thread %ld", t->tid);
	doctor_add(run->r, DOCTOR_HOLE,
		   "pid %ld%s (%s, uid %ld) holds %s (sets:%s): %srun it "
		   "without them (as a user without capabilities, or under "
		   "capsh --drop=cap_net_raw,cap_net_admin,cap_sys_admin)",
		   t->pid, thread, st->name, st->uid, names, sets, whys);
}

static void count_unreadable(struct unreadable *u, long pid)
{
	if (!u->n++)
		u->first = pid;
}

/*
 * Without no_new_privs, exec of a setuid-root or file-capability program
 * grants what the bounding set allows.  Once per process.
 */
static void count_gain(struct unreadable *u, const struct task *t,
		       const struct doctor_status *st)
{
	if (!(st->cap_bnd & GAINED_CAPS) || st->no_new_privs ||
	    u->gain_last == t->pid)
		return;
	if (!u->gain++)
		u->gain_first = t->pid;
	u->gain_last = t->pid;
}

/*
 * A capability counts over this namespace in the user namespace that owns
 * it and in that one's ancestors, not in a child user namespace (unshare
 * -r): the kernel checks ns_capable(net->user_ns, ...).
 */
void doctor_find_userns(struct run *run)
{
	char path[320];
	int fd, up;

	snprintf(path, sizeof(path), "%s/self/ns/net", run->env->proc_root);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	up = ioctl(fd, NS_GET_USERNS);
	close(fd);
	/* up to where we can see: the parent of our own is EPERM */
	for (fd = up; fd >= 0 && run->n_userns < USERNS_DEPTH; fd = up) {
		if (fstat(fd, &run->userns[run->n_userns]) == 0)
			run->n_userns++;
		up = ioctl(fd, NS_GET_PARENT);
		close(fd);
	}
	if (fd >= 0)
		close(fd);
}

static bool reaching(const struct run *run, int fd)
{
	struct stat st;
	size_t i;

	if (fstat(fd, &st))
		return false;
	for (i = 0; i < run->n_userns; i++)
		if (run->userns[i].st_dev == st.st_dev &&
		    run->userns[i].st_ino == st.st_ino)
			return true;
	return false;
}

/*
 * Whether the task's capabilities reach this namespace: its user
 * namespace is one of those, or is not known to descend from one (its
 * ancestors out of our sight may be among them).
 */
static bool caps_reach(const struct run *run, const struct task *t)
{
	char path[320];
	int fd, up, depth;
	bool reach = true;

	snprintf(path, sizeof(path), "%s/%s/ns/user", run->env->proc_root,
		 t->rel);
	fd = run->n_userns ? open(path, O_RDONLY | O_CLOEXEC) : -1;
	if (fd < 0 || reaching(run, fd))
		goto out;
	for (depth = 0; depth < USERNS_DEPTH; depth++) {
		up = ioctl(fd, NS_GET_PARENT);
		close(fd);
		fd = up;
		if (fd < 0)
			break;
		if (reaching(run, fd)) {
			reach = false; /* a child of one that reaches */
			break;
		}
	}
out:
	if (fd >= 0)
		close(fd);
	return reach;
}

void doctor_note_member(struct run *run, const struct task *t,
			const struct doctor_status *st, uint64_t caps,
			const struct stat *self_exe)
{
	bool daemon =
		caps && self_exe &&
		(doctor_same_file(run->env->proc_root, t->pid, self_exe) ||
		 nfjudge_child(run, st, self_exe));
	struct member *m;

	if (caps && !daemon && caps_reach(run, t))
		return;
	if (run->n_members == run->cap_members) {
		size_t cap = run->cap_members ? 2 * run->cap_members : 32;

		m = realloc(run->members, cap * sizeof(*m));
		if (!m) {
			run->r->oom = true;
			return;
		}
		run->members = m;
		run->cap_members = cap;
	}
	m = &run->members[run->n_members++];
	*m = (struct member){t->pid, st->uid, st->euid, st->suid, daemon, ""};
	snprintf(m->name, sizeof(m->name), "%s", st->name);
}

/* nfjudge, or the rules tool it runs: information, not a hole. */
static bool nfjudge_info(struct run *run, const struct task *t,
			 const struct doctor_status *st,
			 const struct stat *self_exe)
{
	if (self_exe && doctor_same_file(run->env->proc_root, t->pid, self_exe))
		doctor_add(run->r, DOCTOR_INFO,
			   "pid %ld (%s) holds capabilities and is nfjudge "
			   "(the same program as this one): expected of the "
			   "daemon",
			   t->pid, st->name);
	else if (nfjudge_child(run, st, self_exe))
		doctor_add(run->r, DOCTOR_INFO,
			   "pid %ld (%s) holds capabilities and is a child of "
			   "nfjudge (pid %ld): the rules tool it runs",
			   t->pid, st->name, st->ppid);
	else
		return false;
	return true;
}

/* The capability check for one thread of the namespace. */
static void check_task(struct run *run, const struct task *t,
		       const struct stat *self_exe, struct unreadable *u)
{
	struct doctor_status st;
	char rel[64], *buf = malloc(STATUS_MAX);
	uint64_t caps = 0;
	ssize_t n;

	snprintf(rel, sizeof(rel), "%s/status", t->rel);
	n = buf ? doctor_read_at(run->env->proc_root, rel, buf, STATUS_MAX)
		: -ENOMEM;
	if (n == -ENOENT || n == -ESRCH)
		goto out; /* it has exited */
	if (n < 0 || doctor_parse_status(buf, &st)) {
		count_unreadable(u, t->pid);
		goto out;
	}
	caps = (st.cap_eff | st.cap_prm | st.cap_amb) & WATCHED_CAPS;
	if (doctor_status_kthread(&st, t->pid))
		caps = 0;
	else if (!caps)
		count_gain(u, t, &st);
	else if (u->said == t->pid)
		; /* one line per process, from its first capable thread */
	else if (!caps_reach(run, t))
		doctor_add(
			run->r, DOCTOR_INFO,
			"pid %ld (%s) holds capabilities only in a user "
			"namespace that does not own this network namespace: "
			"they do not reach its sockets or rules",
			t->pid, st.name);
	else if (!nfjudge_info(run, t, &st, self_exe))
		cap_finding(run, t, &st, caps);
	if (caps)
		u->said = t->pid;
	if (t->tid == t->pid && !doctor_status_kthread(&st, t->pid))
		doctor_note_member(run, t, &st, caps, self_exe);
out:
	free(buf);
}

/* Whether the task's namespace lists our marker socket: 1, 0, -errno. */
static int lists_marker(struct run *run, const struct task *t)
{
	char rel[64], *buf;
	ssize_t n;
	int ret;

	if (!run->marker)
		return -EACCES;
	buf = malloc(NETLINK_MAX);
	if (!buf)
		return -ENOMEM;
	snprintf(rel, sizeof(rel), "%s/net/netlink", t->rel);
	n = doctor_read_at(run->env->proc_root, rel, buf, NETLINK_MAX);
	ret = n < 0 ? (int)n : doctor_netlink_lists(buf, run->marker);
	free(buf);
	return ret;
}

/* Whether the task is in the namespace whose link is ns: 1, 0, -errno. */
int doctor_in_netns(struct run *run, const struct task *t, const char *ns)
{
	char path[320], link[64];
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%s/ns/net", run->env->proc_root,
		 t->rel);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0 && (errno == EACCES || errno == EPERM))
		return lists_marker(run, t);
	if (n < 0)
		return -errno;
	link[n] = '\0';
	return !strcmp(link, ns);
}

static void scan_task(struct run *run, const struct task *t, const char *ns,
		      const struct stat *self_exe, struct unreadable *u)
{
	int in = doctor_in_netns(run, t, ns);

	if (in == 1)
		check_task(run, t, self_exe, u);
	else if (in < 0 && in != -ENOENT && in != -ESRCH)
		count_unreadable(u, t->pid);
}

/*
 * Capabilities and the network namespace belong to each thread, not to
 * the process: a thread other than the first may keep CAP_NET_RAW, or
 * have entered the namespace alone with setns(2).  Every thread is looked
 * at; the first one capable reports the process, the first thread stands
 * for it in the uid check.
 */
static void scan_pid(struct run *run, long pid, const char *ns,
		     const struct stat *self_exe, struct unreadable *u)
{
	struct task t = {.pid = pid, .tid = pid};
	struct dirent *de;
	char path[320];
	DIR *dir;

	snprintf(path, sizeof(path), "%s/%ld/task", run->env->proc_root, pid);
	dir = opendir(path);
	if (!dir) {
		snprintf(t.rel, sizeof(t.rel), "%ld", pid);
		scan_task(run, &t, ns, self_exe, u);
		return;
	}
	while ((de = readdir(dir))) {
		t.tid = doctor_pid_of(de->d_name);
		if (t.tid <= 0)
			continue;
		snprintf(t.rel, sizeof(t.rel), "%ld/task/%ld", pid, t.tid);
		scan_task(run, &t, ns, self_exe, u);
	}
	closedir(dir);
}

long doctor_pid_of(const char *name)
{
	char *end;
	long v;

	if (name[0] < '1' || name[0] > '9')
		return -1;
	v = strtol(name, &end, 10);
	return *end ? -1 : v;
}

static void scan_procs(struct run *run, DIR *dir, const char *ns)
{
	char path[320];
	struct stat self_exe;
	struct unreadable u = {0};
	struct dirent *de;
	bool have_exe;
	long pid;

	snprintf(path, sizeof(path), "%s/self/exe", run->env->proc_root);
	have_exe = !stat(path, &self_exe);
	run->self_exe = self_exe;
	run->have_exe = have_exe;
	while ((de = readdir(dir))) {
		pid = doctor_pid_of(de->d_name);
		if (pid > 0 && pid != (long)run->env->self)
			scan_pid(run, pid, ns, have_exe ? &self_exe : NULL, &u);
	}
	if (u.gain)
		doctor_add(run->r, DOCTOR_INFO,
			   "%u process(es) (pid %ld first) could gain "
			   "CAP_NET_RAW or CAP_NET_ADMIN by running a "
			   "setuid-root or file-capability program (in their "
			   "bounding set, no_new_privs off); where none must, "
			   "drop them from the bounding set or set "
			   "no_new_privs (setpriv --no-new-privs)",
			   u.gain, u.gain_first);
	if (u.n)
		doctor_add(run->r, DOCTOR_HOLE,
			   "%u process(es) or thread(s) could not be checked "
			   "(pid %ld first): their namespace and capabilities "
			   "are unknown; run nfjudge doctor as root",
			   u.n, u.first);
}

void doctor_check_caps(struct run *run)
{
	char path[320], ns[64];
	ssize_t n;
	DIR *dir;

	snprintf(path, sizeof(path), "%s/self/ns/net", run->env->proc_root);
	n = readlink(path, ns, sizeof(ns) - 1);
	dir = n > 0 ? opendir(run->env->proc_root) : NULL;
	if (!dir) {
		doctor_add(run->r, DOCTOR_HOLE,
			   "the processes of this namespace cannot be listed "
			   "(%s): their capabilities are unknown",
			   strerror(errno));
		return;
	}
	ns[n] = '\0';
	snprintf(run->ns, sizeof(run->ns), "%s", ns);
	scan_procs(run, dir, ns);
	closedir(dir);
}
