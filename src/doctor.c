// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The doctor's checks: each reads one thing of the namespace it runs in
 * (under a /proc root, so tests give it a tree of their own) and adds its
 * findings.  Whatever cannot be read counts as a hole: a check that could
 * not be made has not shown the namespace closed.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/netlink.h>
#include <linux/nsfs.h>

#include "doctor.h"
#include "log.h"
#include "spawn.h"

#define STATUS_MAX   8192
#define USERNS_DEPTH 33 /* the kernel nests at most 32 */
#define NETLINK_MAX  (256 * 1024)
#define QUEUE_MAX    65536
#define FIX_MAX	     160
#define MAX_TABLES   4
#define QUEUES_NAMED 8 /* unbound queues named one by one, then counted */
#define GAINED_CAPS \
	((1ull << DOCTOR_CAP_NET_RAW) | (1ull << DOCTOR_CAP_NET_ADMIN))
#define WATCHED_CAPS                                                     \
	((1ull << DOCTOR_CAP_NET_RAW) | (1ull << DOCTOR_CAP_NET_ADMIN) | \
	 (1ull << DOCTOR_CAP_SYS_ADMIN))

/* A process of the namespace, as the uid check needs it. */
struct member {
	long pid, uid, euid, suid;
	bool daemon; /* nfjudge with capabilities */
	char name[64];
};

struct run {
	const struct doctor_env *env;
	struct doctor_report *r;
	bool chain_ok[2]; /* per family: the chain as install writes it */
	bool v6_on;
	char v6_dev[64]; /* an interface with IPv6 enabled */
	char fix[FIX_MAX];
	uint64_t marker; /* inode of a netlink socket of ours, or 0 */
	/* the user namespaces whose capabilities reach this one; none known:
	 * every capability counts */
	struct stat userns[USERNS_DEPTH];
	size_t n_userns;
	char ns[64]; /* our ns link, "" until the process check read it */
	struct member *members; /* the namespace's processes, for the uids */
	size_t n_members, cap_members;
	struct stat self_exe;
	bool have_exe;
};

static void check_reader(struct run *run, unsigned int q, uint32_t portid);

/* root/rel into buf (NUL-terminated): its length, or -errno. */
static ssize_t read_at(const char *root, const char *rel, char *buf, size_t cap)
{
	char path[512];
	ssize_t n, got = 0;
	int fd, err;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while ((size_t)got < cap - 1 &&
	       (n = read(fd, buf + got, cap - 1 - (size_t)got)) > 0)
		got += n;
	err = n < 0 ? -errno : 0;
	close(fd);
	buf[got] = '\0';
	return err ? err : got;
}

static int read_long(const char *root, const char *rel, long *v)
{
	char buf[64];
	ssize_t n = read_at(root, rel, buf, sizeof(buf));

	if (n < 0)
		return (int)n;
	return doctor_parse_int(buf, v);
}

/* "nfjudge rules install" with the options that make our chain ours. */
static void fix_command(struct run *run)
{
	const struct rules_opts *o = run->env->rules;
	char *p = run->fix, *end = run->fix + sizeof(run->fix);
	size_t i;

	p += snprintf(p, (size_t)(end - p), "nfjudge rules install");
	if (o->queue_first != o->queue_last)
		p += snprintf(p, (size_t)(end - p), " -q %u:%u", o->queue_first,
			      o->queue_last);
	else if (o->queue_first)
		p += snprintf(p, (size_t)(end - p), " -q %u", o->queue_first);
	if (o->mark != RULES_MARK_DEFAULT || o->mask != RULES_MASK_DEFAULT)
		p += snprintf(p, (size_t)(end - p), " --mark 0x%x/0x%x",
			      o->mark, o->mask);
	if (o->nflog_group != RULES_NFLOG_GROUP_DEFAULT)
		p += snprintf(p, (size_t)(end - p), " --nflog-group %u",
			      o->nflog_group);
	if (o->backend != RULES_BACKEND_DEFAULT)
		p += snprintf(p, (size_t)(end - p), " --backend %s",
			      o->backend == RULES_BACKEND_NFT ? "nft"
							      : "legacy");
	for (i = 0; i < o->n_exempt && p < end; i++)
		p += snprintf(p, (size_t)(end - p), " --exempt-uid %u",
			      o->exempt_uid[i]);
	if (o->no_udp && p < end)
		snprintf(p, (size_t)(end - p), " --no-udp");
}

/* Interfaces other than lo with IPv6 on: a route out could exist. */
static void find_ipv6(struct run *run)
{
	char path[512], rel[320];
	struct dirent *de;
	DIR *dir;
	long off;

	snprintf(path, sizeof(path), "%s/sys/net/ipv6/conf",
		 run->env->proc_root);
	dir = opendir(path);
	if (!dir)
		return; /* no IPv6 in this kernel or namespace */
	while ((de = readdir(dir))) {
		if (de->d_name[0] == '.' || !strcmp(de->d_name, "all") ||
		    !strcmp(de->d_name, "default") || !strcmp(de->d_name, "lo"))
			continue;
		snprintf(rel, sizeof(rel), "sys/net/ipv6/conf/%s/disable_ipv6",
			 de->d_name);
		if (read_long(run->env->proc_root, rel, &off) || off)
			continue;
		run->v6_on = true;
		snprintf(run->v6_dev, sizeof(run->v6_dev), "%.*s",
			 (int)sizeof(run->v6_dev) - 1, de->d_name);
		break;
	}
	closedir(dir);
}

static size_t check_table(struct run *run, enum rules_family fam,
			  const char *expected, const char *table)
{
	const char *name = fam == RULES_IPV6 ? "IPv6" : "IPv4";
	char *listing = NULL;
	size_t holes;
	int err;

	err = run->env->list(run->env->list_ctx, fam, table, &listing);
	if (err) {
		doctor_add(run->r, DOCTOR_HOLE,
			   "%s rules of the %s table cannot be listed (%s): "
			   "the chain is not known to be there; run nfjudge "
			   "doctor as root, with the --backend of the rules",
			   name, table, strerror(-err));
		return 1;
	}
	holes = doctor_compare_table(run->r, expected, table, listing, name,
				     run->fix);
	free(listing);
	return holes;
}

static void check_family(struct run *run, enum rules_family fam)
{
	static const struct rules_state none;
	char tables[MAX_TABLES][32], *text;
	size_t i, n, holes = 0;

	text = rules_text_install(run->env->rules, fam, &none);
	if (!text) {
		run->r->oom = true;
		return;
	}
	n = doctor_text_tables(text, tables, MAX_TABLES);
	for (i = 0; i < n; i++)
		holes += check_table(run, fam, text, tables[i]);
	run->chain_ok[fam] = holes == 0;
	free(text);
}

static void check_chains(struct run *run)
{
	check_family(run, RULES_IPV4);
	if (!run->v6_on)
		return;
	if (!run->env->rules->no_ipv6)
		check_family(run, RULES_IPV6);
	else
		doctor_add(run->r, DOCTOR_HOLE,
			   "IPv6 is enabled (on %s) and no IPv6 chain is "
			   "expected (--no-ipv6): IPv6 leaves unjudged; "
			   "install the IPv6 rules, or disable IPv6 (sysctl "
			   "net.ipv6.conf.all.disable_ipv6=1 and "
			   "net.ipv6.conf.default.disable_ipv6=1)",
			   run->v6_dev);
}

static void check_forwarding(struct run *run)
{
	const char *root = run->env->proc_root;
	long v;

	if (!read_long(root, "sys/net/ipv4/ip_forward", &v) && v)
		doctor_add(run->r, DOCTOR_HOLE,
			   "net.ipv4.ip_forward is %ld: packets routed through "
			   "this namespace pass FORWARD, which nfjudge does "
			   "not judge; sysctl -w net.ipv4.ip_forward=0",
			   v);
	if (!read_long(root, "sys/net/ipv6/conf/all/forwarding", &v) && v)
		doctor_add(run->r, DOCTOR_HOLE,
			   "net.ipv6.conf.all.forwarding is %ld: packets "
			   "routed through this namespace pass FORWARD, which "
			   "nfjudge does not judge; sysctl -w "
			   "net.ipv6.conf.all.forwarding=0",
			   v);
}

/* With the chain in place echo requests are judged like any new flow. */
static void check_ping(struct run *run)
{
	bool open, fenced = run->chain_ok[RULES_IPV4];
	char buf[64], *tab;

	if (read_at(run->env->proc_root, "sys/net/ipv4/ping_group_range", buf,
		    sizeof(buf)) < 0 ||
	    doctor_parse_ping_range(buf, &open) || !open)
		return;
	while ((tab = strchr(buf, '\t')))
		*tab = ' ';
	doctor_add(run->r, fenced ? DOCTOR_INFO : DOCTOR_HOLE,
		   "net.ipv4.ping_group_range is '%.*s': unprivileged "
		   "programs can send ICMP echo with a payload%s; sysctl -w "
		   "net.ipv4.ping_group_range='1 0' if they need not",
		   (int)strcspn(buf, "\n"), buf,
		   fenced ? " (judged by the chain)"
			  : ", and the chain is not in place to judge it");
}

static void queue_findings(struct run *run, const char *listing)
{
	const struct rules_opts *o = run->env->rules;
	struct doctor_queue q;
	unsigned int i, unbound = 0;
	char qs[16];

	if (o->queue_first == o->queue_last)
		snprintf(qs, sizeof(qs), "%u", o->queue_first);
	else
		snprintf(qs, sizeof(qs), "%u:%u", o->queue_first,
			 o->queue_last);

	for (i = o->queue_first; i <= o->queue_last; i++) {
		doctor_parse_queue(listing, i, &q);
		if (!q.bound && ++unbound <= QUEUES_NAMED)
			doctor_add(run->r, DOCTOR_HOLE,
				   "queue %u has no reader: its packets are "
				   "dropped unjudged and unrecorded (or pass, "
				   "with --queue-bypass); start nfjudge run "
				   "-q %s",
				   i, qs);
		if (q.bound)
			check_reader(run, i, q.portid);
		if (q.bound && (q.queue_dropped || q.user_dropped))
			doctor_add(run->r, DOCTOR_INFO,
				   "queue %u has dropped %llu packets (queue "
				   "full) and %llu (receive buffer full) since "
				   "it was bound",
				   i, (unsigned long long)q.queue_dropped,
				   (unsigned long long)q.user_dropped);
	}
	if (unbound > QUEUES_NAMED)
		doctor_add(run->r, DOCTOR_HOLE,
			   "%u more queues of %s have no reader; start nfjudge "
			   "run -q %s",
			   unbound - QUEUES_NAMED, qs, qs);
}

static void check_queues(struct run *run)
{
	char *buf = malloc(QUEUE_MAX);
	ssize_t n;

	if (!buf) {
		run->r->oom = true;
		return;
	}
	/* No file: the nfnetlink_queue module is not even loaded. */
	n = read_at(run->env->proc_root, "net/netfilter/nfnetlink_queue", buf,
		    QUEUE_MAX);
	if (n < 0)
		buf[0] = '\0';
	queue_findings(run, buf);
	free(buf);
}

/*
 * What is counted into one finding each: the pids that cannot be
 * checked, and those that could gain a capability by exec.
 */
struct unreadable {
	unsigned int n, gain;
	long first, gain_first, gain_last;
	long said; /* the last pid a capability line was written for */
};

static bool same_file(const char *root, long pid, const struct stat *self)
{
	char path[320];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%ld/exe", root, pid);
	return !stat(path, &st) && st.st_dev == self->st_dev &&
	       st.st_ino == self->st_ino;
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

/* One thread of a process: rel is "PID/task/TID", or "PID" alone. */
struct task {
	long pid, tid;
	char rel[48];
};

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
static void find_userns(struct run *run)
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

/*
 * For the uid check: the daemon (nfjudge holding capabilities), and the
 * processes without capabilities that reach, which the capability check
 * has not already reported.
 */
static void note_member(struct run *run, const struct task *t,
			const struct doctor_status *st, uint64_t caps,
			const struct stat *self_exe)
{
	bool daemon = caps && self_exe &&
		      same_file(run->env->proc_root, t->pid, self_exe);
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

/* The capability check for one thread of the namespace. */
static void check_task(struct run *run, const struct task *t,
		       const struct stat *self_exe, struct unreadable *u)
{
	struct doctor_status st;
	char rel[64], *buf = malloc(STATUS_MAX);
	uint64_t caps = 0;
	ssize_t n;

	snprintf(rel, sizeof(rel), "%s/status", t->rel);
	n = buf ? read_at(run->env->proc_root, rel, buf, STATUS_MAX) : -ENOMEM;
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
	else if (self_exe && same_file(run->env->proc_root, t->pid, self_exe))
		doctor_add(run->r, DOCTOR_INFO,
			   "pid %ld (%s) holds capabilities and is nfjudge "
			   "(the same program as this one): expected of the "
			   "daemon",
			   t->pid, st.name);
	else
		cap_finding(run, t, &st, caps);
	if (caps)
		u->said = t->pid;
	if (t->tid == t->pid && !doctor_status_kthread(&st, t->pid))
		note_member(run, t, &st, caps, self_exe);
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
	n = read_at(run->env->proc_root, rel, buf, NETLINK_MAX);
	ret = n < 0 ? (int)n : doctor_netlink_lists(buf, run->marker);
	free(buf);
	return ret;
}

/* Whether the task is in the namespace whose link is ns: 1, 0, -errno. */
static int in_netns(struct run *run, const struct task *t, const char *ns)
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
	int in = in_netns(run, t, ns);

	if (in == 1)
		check_task(run, t, self_exe, u);
	else if (in < 0 && in != -ENOENT && in != -ESRCH)
		count_unreadable(u, t->pid);
}

static long pid_of(const char *name);

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
		t.tid = pid_of(de->d_name);
		if (t.tid <= 0)
			continue;
		snprintf(t.rel, sizeof(t.rel), "%ld/task/%ld", pid, t.tid);
		scan_task(run, &t, ns, self_exe, u);
	}
	closedir(dir);
}

static long pid_of(const char *name)
{
	char *end;
	long v;

	if (name[0] < '1' || name[0] > '9')
		return -1;
	v = strtol(name, &end, 10);
	return *end ? -1 : v;
}

/* Whether pid has an fd on socket ino. */
static bool holds_socket(const char *root, long pid, uint64_t ino)
{
	char path[320], link[64], want[48];
	struct dirent *de;
	bool found = false;
	ssize_t n;
	DIR *dir;

	snprintf(want, sizeof(want), "socket:[%llu]", (unsigned long long)ino);
	snprintf(path, sizeof(path), "%s/%ld/fd", root, pid);
	dir = opendir(path);
	while (dir && !found && (de = readdir(dir))) {
		snprintf(path, sizeof(path), "%s/%ld/fd/%.32s", root, pid,
			 de->d_name);
		n = readlink(path, link, sizeof(link) - 1);
		if (n > 0) {
			link[n] = '\0';
			found = !strcmp(link, want);
		}
	}
	if (dir)
		closedir(dir);
	return found;
}

/*
 * The process of this namespace that holds socket ino, or 0.
 * XXX: a thread with an fd table of its own is not looked at.
 */
static long socket_owner(struct run *run, uint64_t ino)
{
	struct task t;
	struct dirent *de;
	long pid, owner = 0;
	DIR *dir = run->ns[0] ? opendir(run->env->proc_root) : NULL;

	while (dir && !owner && (de = readdir(dir))) {
		pid = pid_of(de->d_name);
		t.pid = t.tid = pid;
		snprintf(t.rel, sizeof(t.rel), "%ld", pid);
		if (pid > 0 && in_netns(run, &t, run->ns) == 1 &&
		    holds_socket(run->env->proc_root, pid, ino))
			owner = pid;
	}
	if (dir)
		closedir(dir);
	return owner;
}

/*
 * Whoever reads the queue decides what passes: it must be nfjudge.  A
 * reader doctor cannot place is only information (it may be nfjudge in a
 * pid namespace out of sight).
 */
static void check_reader(struct run *run, unsigned int q, uint32_t portid)
{
	char *buf = malloc(NETLINK_MAX), rel[32], name[64] = "?";
	struct doctor_status st;
	uint64_t ino = 0;
	long pid = 0;

	if (buf &&
	    read_at(run->env->proc_root, "net/netlink", buf, NETLINK_MAX) >=
		    0 &&
	    doctor_netlink_socket(buf, NETLINK_NETFILTER, portid, &ino))
		pid = socket_owner(run, ino);
	if (pid <= 0) {
		doctor_add(run->r, DOCTOR_INFO,
			   "queue %u is read by netlink port %u, of no process "
			   "doctor can find in this namespace",
			   q, portid);
		goto out;
	}
	if (run->have_exe &&
	    same_file(run->env->proc_root, pid, &run->self_exe))
		goto out;
	snprintf(rel, sizeof(rel), "%ld/status", pid);
	if (read_at(run->env->proc_root, rel, buf, NETLINK_MAX) >= 0 &&
	    !doctor_parse_status(buf, &st))
		snprintf(name, sizeof(name), "%s", st.name);
	doctor_add(run->r, DOCTOR_HOLE,
		   "queue %u is read by pid %ld (%s), which is not nfjudge: "
		   "that program decides what passes; stop it and start "
		   "nfjudge run",
		   q, pid, name);
out:
	free(buf);
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
		pid = pid_of(de->d_name);
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

/* kill(2)'s rule: the sender's real or effective uid is the target's
 * real or saved one. */
static bool can_signal(const struct member *from, const struct member *to)
{
	return (from->uid >= 0 &&
		(from->uid == to->uid || from->uid == to->suid)) ||
	       (from->euid >= 0 &&
		(from->euid == to->uid || from->euid == to->suid));
}

static void add_self(struct run *run)
{
	struct task t = {.pid = run->env->self, .tid = run->env->self};
	struct doctor_status st;
	char *buf = malloc(STATUS_MAX);

	snprintf(t.rel, sizeof(t.rel), "%ld", (long)run->env->self);
	if (buf &&
	    read_at(run->env->proc_root, "self/status", buf, STATUS_MAX) >= 0 &&
	    !doctor_parse_status(buf, &st))
		note_member(run, &t, &st, ~0ull,
			    run->have_exe ? &run->self_exe : NULL);
	free(buf);
}

/*
 * A process that shares the daemon's uid can signal it (HUP reloads the
 * policy, from a file the same uid may own) and write what it owns: the
 * daemon is not out of the sandbox's reach.
 */
static void check_uids(struct run *run)
{
	size_t i, j;

	if (run->env->is_daemon)
		add_self(run);
	for (i = 0; i < run->n_members; i++)
		for (j = 0; j < run->n_members; j++) {
			const struct member *m = &run->members[i],
					    *d = &run->members[j];

			if (m->daemon || !d->daemon || !can_signal(m, d))
				continue;
			doctor_add(run->r, DOCTOR_HOLE,
				   "pid %ld (%s) runs as uid %ld, as nfjudge "
				   "(pid %ld) does: it can signal the daemon "
				   "(HUP reloads the policy) and write what "
				   "that uid owns; run the sandbox's programs "
				   "as another user",
				   m->pid, m->name, m->euid, d->pid);
			break;
		}
	free(run->members);
	run->members = NULL;
	run->n_members = run->cap_members = 0;
}

static void check_caps(struct run *run)
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

/*
 * A bound netlink socket is listed in /proc/PID/net/netlink of every
 * process of this namespace, and of no other.  -1 when none could be made.
 */
static int open_marker(struct run *run)
{
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK};
	struct stat st;
	int fd;

	run->marker = run->env->marker_ino;
	if (run->marker)
		return -1;
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || fstat(fd, &st)) {
		close(fd);
		return -1;
	}
	run->marker = st.st_ino;
	return fd;
}

int doctor_run(const struct doctor_env *env, struct doctor_report *r)
{
	struct run run = {.env = env, .r = r};
	int marker_fd = open_marker(&run);

	fix_command(&run);
	find_userns(&run);
	find_ipv6(&run);
	check_chains(&run);
	check_caps(&run);
	check_uids(&run);
	check_forwarding(&run);
	check_queues(&run);
	check_ping(&run);
	if (env->rules->n_exempt)
		doctor_add(r, DOCTOR_INFO,
			   "%zu uid(s) are exempt (--exempt-uid): their "
			   "packets are never judged nor recorded",
			   env->rules->n_exempt);
	if (marker_fd >= 0)
		close(marker_fd);
	return r->oom ? -ENOMEM : 0;
}

/* The real lister: rules_program()'s tool with -w -t TABLE -S. */
static int doctor_list_tool(void *ctx, enum rules_family fam, const char *table,
			    char **out)
{
	const struct rules_opts *o = ctx;
	char prog[32], *err = NULL;
	const char *argv[] = {prog, "--wait=10", "-t", table, "-S", NULL};
	int status, ret;

	*out = NULL;
	rules_program(fam, o->backend, false, prog, sizeof(prog));
	ret = spawn_run(argv, NULL, out, &err, &status);
	if (!ret && status) {
		log_warnx("%s -t %s -S failed (exit status %d): %.*s", prog,
			  table, status, (int)strcspn(err ? err : "", "\n"),
			  err ? err : "");
		ret = -EIO;
	}
	if (ret) {
		free(*out);
		*out = NULL;
	}
	free(err);
	return ret;
}

int doctor_check_here(const struct rules_opts *o, bool is_daemon,
		      struct doctor_report *r)
{
	struct doctor_env env = {
		.is_daemon = is_daemon,
		.proc_root = "/proc",
		.self = getpid(),
		.rules = o,
		.list = doctor_list_tool,
		.list_ctx = (void *)o,
	};

	return doctor_run(&env, r);
}
