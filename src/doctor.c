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
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/netlink.h>

#include "doctor.h"
#include "doctor_int.h"
#include "log.h"
#include "spawn.h"

#define QUEUE_MAX    65536
#define MAX_TABLES   4
#define QUEUES_NAMED 8 /* unbound queues named one by one, then counted */

static void check_reader(struct run *run, unsigned int q, uint32_t portid);

/* root/rel into buf (NUL-terminated): its length, or -errno. */
ssize_t doctor_read_at(const char *root, const char *rel, char *buf, size_t cap)
{
	char path[512];
	ssize_t n = 0, got = 0;
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
	ssize_t n = doctor_read_at(root, rel, buf, sizeof(buf));

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

	if (doctor_read_at(run->env->proc_root, "sys/net/ipv4/ping_group_range",
			   buf, sizeof(buf)) < 0 ||
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
	n = doctor_read_at(run->env->proc_root, "net/netfilter/nfnetlink_queue",
			   buf, QUEUE_MAX);
	if (n < 0)
		buf[0] = '\0';
	queue_findings(run, buf);
	free(buf);
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
		pid = doctor_pid_of(de->d_name);
		t.pid = t.tid = pid;
		snprintf(t.rel, sizeof(t.rel), "%ld", pid);
		if (pid > 0 && doctor_in_netns(run, &t, run->ns) == 1 &&
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
	    doctor_read_at(run->env->proc_root, "net/netlink", buf,
			   NETLINK_MAX) >= 0 &&
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
	    doctor_same_file(run->env->proc_root, pid, &run->self_exe))
		goto out;
	snprintf(rel, sizeof(rel), "%ld/status", pid);
	if (doctor_read_at(run->env->proc_root, rel, buf, NETLINK_MAX) >= 0 &&
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
	doctor_find_userns(&run);
	find_ipv6(&run);
	check_chains(&run);
	doctor_check_caps(&run);
	doctor_check_uids(&run);
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
