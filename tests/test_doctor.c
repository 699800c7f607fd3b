// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The doctor without root: its parsers on real and hostile text, the chain
 * comparison against listings made from the install text and then
 * altered, and every check on a fixture /proc tree.
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
#include <sys/stat.h>
#include <unistd.h>

#include "doctor.h"
#include "fakeproc.h"
#include "rules.h"

#define STATUS_FMT                                                        \
	"Name:\t%s\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t%d\n"      \
	"PPid:\t%d\nUid:\t%d\t%d\t%d\t%d\nKthread:\t%d\n"                 \
	"CapInh:\t0000000000000000\nCapPrm:\t%016llx\nCapEff:\t%016llx\n" \
	"CapBnd:\t000001ffffffffff\nCapAmb:\t%016llx\nNoNewPrivs:\t0\n"

#define RAW   (1ull << DOCTOR_CAP_NET_RAW)
#define ADMIN (1ull << DOCTOR_CAP_NET_ADMIN)

/* "iptables -S" of what install writes: the form the kernel lists back. */
static char *listing_of(const char *text, const char *table)
{
	char *out = calloc(1, 8192), *line, *copy = strdup(text), *save;
	char want[40], chain[32];
	bool in = false;
	int at_n;

	snprintf(want, sizeof(want), "*%s", table);
	strcat(out, "-P INPUT ACCEPT\n-P FORWARD ACCEPT\n-P OUTPUT ACCEPT\n");
	for (line = strtok_r(copy, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '*')
			in = !strcmp(line, want);
		else if (!in || !strcmp(line, "COMMIT") || line[0] == '#')
			continue;
		else if (line[0] == ':')
			sprintf(out + strlen(out), "-N %.*s\n",
				(int)strcspn(line + 1, " "), line + 1);
		else if (sscanf(line, "-I %31s %*u %n", chain, &at_n) == 1)
			sprintf(out + strlen(out), "-A %s %s\n", chain,
				line + at_n);
		else
			sprintf(out + strlen(out), "%s\n", line);
	}
	free(copy);
	return out;
}

static char *expected_text(const struct rules_opts *o, enum rules_family fam)
{
	static const struct rules_state none;
	char *t = rules_text_install(o, fam, &none);

	assert_non_null(t);
	return t;
}

/* Replace the first occurrence of from by to in a malloc'd string. */
static char *edit(char *s, const char *from, const char *to)
{
	char *p = strstr(s, from), *out;

	assert_non_null(p);
	out = malloc(strlen(s) + strlen(to) + 1);
	sprintf(out, "%.*s%s%s", (int)(p - s), s, to, p + strlen(from));
	free(s);
	return out;
}

static bool has(const struct doctor_report *r, enum doctor_level level,
		const char *needle)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (r->v[i].level == level && strstr(r->v[i].text, needle))
			return true;
	return false;
}

static size_t compare(const char *expected, const char *listing,
		      struct doctor_report *r)
{
	return doctor_compare_table(r, expected, "filter", listing, "IPv4",
				    "nfjudge rules install");
}

static void test_status(void **state)
{
	struct doctor_status st;
	char buf[1024];

	(void)state;
	snprintf(buf, sizeof(buf), STATUS_FMT, "py\\nthon'x", 7, 1, 1000, 1000,
		 1000, 1000, 0, RAW, 0ull, 0ull);
	assert_int_equal(doctor_parse_status(buf, &st), 0);
	assert_string_equal(st.name, "py\\nthon?x");
	assert_true(st.cap_prm == RAW && st.cap_eff == 0 && st.cap_amb == 0);
	assert_int_equal(st.uid, 1000);
	assert_int_equal(st.ppid, 1);
	assert_false(doctor_status_kthread(&st, 7));
	assert_int_equal(doctor_parse_status("Name:\tx\nCapEff:\t0\n", &st),
			 -EINVAL);
	assert_int_equal(doctor_parse_status("CapEff:\tzz\nCapPrm:\t0\n", &st),
			 -EINVAL);
	assert_int_equal(doctor_parse_status("", &st), -EINVAL);
	/* older kernels: no Kthread field, kthreadd's children are */
	assert_int_equal(doctor_parse_status("PPid:\t2\nCapEff:\t1ff\n"
					     "CapPrm:\t1ff\n",
					     &st),
			 0);
	assert_int_equal(st.kthread, -1);
	assert_true(doctor_status_kthread(&st, 40));
	assert_int_equal(doctor_parse_status("Uid:\t1000\t0\t5\t0\nCapEff:\t0\n"
					     "CapPrm:\t0\n",
					     &st),
			 0);
	assert_true(st.uid == 1000 && st.euid == 0 && st.suid == 5);
	assert_int_equal(doctor_parse_status("Uid:\t7\nCapEff:\t0\n"
					     "CapPrm:\t0\n",
					     &st),
			 0);
	assert_true(st.uid == 7 && st.euid == -1 && st.suid == -1);
}

static void test_sysctls(void **state)
{
	struct doctor_queue q;
	bool open;
	long v;

	(void)state;
	assert_int_equal(doctor_parse_ping_range("1\t0\n", &open), 0);
	assert_false(open);
	assert_int_equal(doctor_parse_ping_range("0\t2147483647\n", &open), 0);
	assert_true(open);
	assert_int_equal(doctor_parse_ping_range("x", &open), -EINVAL);
	assert_int_equal(doctor_parse_ping_range("5", &open), -EINVAL);
	assert_int_equal(doctor_parse_int("1\n", &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(doctor_parse_int("", &v), -EINVAL);
	assert_int_equal(doctor_parse_int("1 2", &v), -EINVAL);
	doctor_parse_queue(
		"    0  23437     0 2 65531     0     0        0  1\n"
		"    3   4242     0 2 65531     7     9       12  1\n",
		3, &q);
	assert_true(q.bound && q.portid == 4242 && q.queue_dropped == 7 &&
		    q.user_dropped == 9);
	doctor_parse_queue("    0  1  0 2 65531 0 0 0 1\n", 1, &q);
	assert_false(q.bound);
	doctor_parse_queue("garbage\n\n 1 2\n", 1, &q);
	assert_false(q.bound);
}

static void test_netlink(void **state)
{
	const char *text =
		"sk               Eth Pid        Groups   Rmem     Wmem     "
		"Dump  Locks    Drops    Inode\n"
		"00000000c6a729b5 0   0          00000000 0        0        0 "
		"    2        0        4       \n"
		"00000000c373115f 0   77         00000000 0        0        0 "
		"    2        0        2410298 \n";

	(void)state;
	assert_true(doctor_netlink_lists(text, 2410298));
	assert_true(doctor_netlink_lists(text, 4));
	assert_false(doctor_netlink_lists(text, 241029));
	assert_false(doctor_netlink_lists(text, 0));
	assert_false(doctor_netlink_lists("", 4));
}

static void test_netlink_socket(void **state)
{
	const char *text =
		"sk               Eth Pid        Groups   Rmem     Wmem     "
		"Dump  Locks    Drops    Inode\n"
		"00000000c6a729b5 0   23437      00000000 0        0        0 "
		"    2        0        41      \n"
		"00000000c373115f 12  23437      00000000 0        0        0 "
		"    2        0        777     \n";
	uint64_t ino = 0;

	(void)state;
	assert_true(doctor_netlink_socket(text, 12, 23437, &ino));
	assert_int_equal(ino, 777);
	assert_true(doctor_netlink_socket(text, 0, 23437, &ino));
	assert_int_equal(ino, 41);
	assert_false(doctor_netlink_socket(text, 12, 2343, &ino));
	assert_false(doctor_netlink_socket("12 12 12\n", 12, 12, &ino));
}

static void test_chain_intact(void **state)
{
	struct rules_opts o;
	struct doctor_report r = {0};
	char *text, *list;

	(void)state;
	rules_opts_init(&o);
	text = expected_text(&o, RULES_IPV4);
	list = listing_of(text, "filter");
	assert_int_equal(compare(text, list, &r), 0);
	assert_int_equal(r.n, 0);
	/* rules of others after our jump are no business of ours */
	list = edit(list, "-A OUTPUT -j NFJUDGE\n",
		    "-A OUTPUT -j NFJUDGE\n-A OUTPUT -j ACCEPT\n");
	assert_int_equal(compare(text, list, &r), 0);
	free(list);
	free(text);
	doctor_report_free(&r);
}

static void test_chain_missing(void **state)
{
	struct rules_opts o;
	struct doctor_report r = {0};
	char *text;

	(void)state;
	rules_opts_init(&o);
	text = expected_text(&o, RULES_IPV4);
	assert_int_equal(compare(text, "-P OUTPUT ACCEPT\n", &r), 4);
	assert_true(has(&r, DOCTOR_HOLE, "IPv4 chain NFJUDGE is missing"));
	assert_true(has(&r, DOCTOR_HOLE, "OUTPUT has no jump to NFJUDGE"));
	assert_true(has(&r, DOCTOR_HOLE, "IPv4 chain NFJUDGE-IN is missing"));
	assert_true(has(&r, DOCTOR_HOLE, "INPUT has no jump to NFJUDGE-IN"));
	free(text);
	doctor_report_free(&r);
}

static void test_chain_altered(void **state)
{
	struct rules_opts o;
	struct doctor_report r = {0};
	char *text, *list;

	(void)state;
	rules_opts_init(&o);
	text = expected_text(&o, RULES_IPV4);
	/* another queue number: judged by whoever reads queue 7 */
	list = edit(listing_of(text, "filter"), "--queue-num 0",
		    "--queue-num 7");
	assert_int_equal(compare(text, list, &r), 1);
	assert_true(has(&r, DOCTOR_HOLE, "rule 11 is '-A NFJUDGE -p tcp"));
	free(list);
	doctor_report_free(&r);

	/* an ACCEPT added at the end of our chain */
	list = edit(listing_of(text, "filter"), "-A OUTPUT -j NFJUDGE\n",
		    "-A OUTPUT -j NFJUDGE\n-A NFJUDGE -j ACCEPT\n");
	assert_int_equal(compare(text, list, &r), 1);
	assert_true(has(&r, DOCTOR_HOLE,
			"rule 19 '-A NFJUDGE -j ACCEPT' was "
			"added"));
	free(list);
	doctor_report_free(&r);

	/* an ACCEPT before the jump */
	list = edit(listing_of(text, "filter"), "-A OUTPUT -j NFJUDGE\n",
		    "-A OUTPUT -o lo -j ACCEPT\n-A OUTPUT -j NFJUDGE\n");
	assert_int_equal(compare(text, list, &r), 1);
	assert_true(has(&r, DOCTOR_HOLE,
			"the first rule of OUTPUT is '-A OUTPUT -o lo -j "
			"ACCEPT'"));
	free(list);
	free(text);
	doctor_report_free(&r);
}

static void test_chain_reject_bypass(void **state)
{
	struct rules_opts o;
	struct doctor_report r = {0};
	char *text, *list, *open_text;

	(void)state;
	rules_opts_init(&o);
	text = expected_text(&o, RULES_IPV4);
	list = listing_of(text, "filter");
	list = edit(list,
		    "-A NFJUDGE -p tcp -m mark --mark 0x100000/0x100000 "
		    "-j REJECT --reject-with tcp-reset\n",
		    "");
	list = edit(list,
		    "-A NFJUDGE -m mark --mark 0x100000/0x100000 "
		    "-j REJECT --reject-with icmp-port-unreachable\n",
		    "");
	compare(text, list, &r);
	assert_true(has(&r, DOCTOR_HOLE, "has no REJECT rule"));
	free(list);
	doctor_report_free(&r);

	/* fail-open: reported once as such, not also as a difference */
	o.fail_open = true;
	open_text = expected_text(&o, RULES_IPV4);
	list = listing_of(open_text, "filter");
	free(open_text);
	/* each queue rule: two in NFJUDGE, two in NFJUDGE-IN */
	assert_int_equal(compare(text, list, &r), 4);
	assert_true(has(&r, DOCTOR_HOLE, "is fail-open"));
	assert_false(has(&r, DOCTOR_HOLE, "altered"));
	free(list);
	free(text);
	doctor_report_free(&r);
}

static void test_chain_hostile(void **state)
{
	struct rules_opts o;
	struct doctor_report r = {0};
	char *text, *list, *big = malloc(100000);

	(void)state;
	rules_opts_init(&o);
	text = expected_text(&o, RULES_IPV4);
	memset(big, 'A', 99999);
	big[99999] = '\0';
	memcpy(big, "-N NFJUDGE\n-A NFJUDGE ", 22);
	compare(text, big, &r);
	assert_true(has(&r, DOCTOR_HOLE, "altered"));
	assert_true(strlen(r.v[0].text) < DOCTOR_TEXT_MAX);
	list = listing_of(text, "filter");
	compare(text, "\n\n\n-A\n-N\n-A NFJUDGE\n-I OUTPUT 1\n", &r);
	compare("*filter\n:X\n-I\n-I OUTPUT\n-A X\nCOMMIT\n", list, &r);
	compare("", "", &r);
	free(list);
	free(big);
	free(text);
	doctor_report_free(&r);
}

/* --- doctor_run on a fixture tree --------------------------------------- */

static const char *ns_self = "net:[4026532001]";

static void mkproc(int pid, const char *ns, const char *name, int uid,
		   int kthread, unsigned long long prm, unsigned long long eff,
		   const char *exe)
{
	char buf[1024], target[256];

	snprintf(target, sizeof(target), "%s",
		 exe); /* exe may be fakeproc_at()'s */
	fakeproc_mkdirs(fakeproc_at("%d/ns", pid));
	symlink(ns, fakeproc_at("%d/ns/net", pid));
	snprintf(buf, sizeof(buf), STATUS_FMT, name, pid, 1, uid, uid, uid, uid,
		 kthread, prm, eff, 0ull);
	fakeproc_put_str(buf, fakeproc_at("%d/status", pid));
	symlink(target, fakeproc_at("%d/exe", pid));
}

/* Thread tid of pid, as /proc/PID/task/TID shows it. */
static void mkthread(int pid, int tid, const char *ns, unsigned long long caps)
{
	char buf[1024];

	fakeproc_mkdirs(fakeproc_at("%d/task/%d/ns", pid, tid));
	symlink(ns, fakeproc_at("%d/task/%d/ns/net", pid, tid));
	snprintf(buf, sizeof(buf), STATUS_FMT, "worker", pid, 1, 0, 0, 0, 0, 0,
		 caps, caps, 0ull);
	fakeproc_put_str(buf, fakeproc_at("%d/task/%d/status", pid, tid));
}

struct lists {
	char *v4, *v6;
	char *m4, *m6; /* the mangle tables */
	int calls;
};

static int fake_list(void *ctx, enum rules_family fam, const char *table,
		     char **out)
{
	struct lists *l = ctx;
	const char *src = fam == RULES_IPV6 ? l->v6 : l->v4;

	l->calls++;
	if (!strcmp(table, "mangle"))
		src = fam == RULES_IPV6 ? l->m6 : l->m4;
	else if (strcmp(table, "filter"))
		return -EIO;
	if (!src)
		return -EIO;
	*out = strdup(src);
	return 0;
}

static int tree_setup(void **state)
{
	(void)state;
	assert_non_null(fakeproc_make("doctor"));
	fakeproc_put_str("#!/bin/true\n", fakeproc_at("nfjudge-bin"));
	fakeproc_put_str("#!/bin/true\n", fakeproc_at("other-bin"));
	mkproc(100, ns_self, "nfjudge", 0, 0, ~0ull, ~0ull,
	       fakeproc_at("nfjudge-bin"));
	symlink("100", fakeproc_at("self"));
	fakeproc_mkdirs(fakeproc_at("sys/net/ipv4"));
	fakeproc_mkdirs(fakeproc_at("net/netfilter"));
	return 0;
}

static int tree_teardown(void **state)
{
	(void)state;
	return fakeproc_remove(NULL);
}

static void run_as(const struct rules_opts *o, struct lists *l,
		   struct doctor_report *r, bool is_daemon)
{
	struct doctor_env env = {
		.proc_root = fakeproc_root(),
		.self = 100,
		.rules = o,
		.list = fake_list,
		.list_ctx = l,
		.marker_ino = 555,
		.is_daemon = is_daemon,
	};

	doctor_report_free(r);
	assert_int_equal(doctor_run(&env, r), 0);
}

static void run(const struct rules_opts *o, struct lists *l,
		struct doctor_report *r)
{
	run_as(o, l, r, false);
}

static void test_run(void **state)
{
	struct rules_opts o;
	struct doctor_report r = {0};
	struct lists l = {0};
	char *t4, *t6;

	(void)state;
	rules_opts_init(&o);
	t4 = expected_text(&o, RULES_IPV4);
	t6 = expected_text(&o, RULES_IPV6);
	l.v4 = listing_of(t4, "filter");
	l.v6 = listing_of(t6, "filter");
	l.m4 = listing_of(t4, "mangle");
	l.m6 = listing_of(t6, "mangle");
	fakeproc_put_str("0\n", fakeproc_at("sys/net/ipv4/ip_forward"));
	fakeproc_put_str("1\t0\n",
			 fakeproc_at("sys/net/ipv4/ping_group_range"));
	fakeproc_put_str("    0  23437     0 2 65531     0     0        0  1\n",
			 fakeproc_at("net/netfilter/nfnetlink_queue"));
	/* a clean namespace: the daemon, a plain user, others elsewhere */
	mkproc(101, ns_self, "nfjudge", 0, 0, ADMIN, ADMIN,
	       fakeproc_at("nfjudge-bin"));
	mkproc(102, ns_self, "sh", 1000, 0, 0, 0, fakeproc_at("other-bin"));
	mkproc(103, "net:[4026531833]", "sshd", 0, 0, ~0ull, ~0ull,
	       fakeproc_at("other-bin"));
	mkproc(104, ns_self, "kworker/0:1", 0, 1, ~0ull, ~0ull, "/none");
	run(&o, &l, &r);
	assert_int_equal(doctor_holes(&r), 0);
	assert_true(has(&r, DOCTOR_INFO, "pid 101 (nfjudge)"));
	assert_true(has(&r, DOCTOR_INFO,
			"1 process(es) (pid 102 first) could "
			"gain CAP_NET_RAW"));
	/* filter and mangle; no IPv6 beyond lo: not listed */
	assert_int_equal(l.calls, 2);

	/* the queue's reader: nfjudge, or something else */
	fakeproc_put_str("sk Eth Pid Groups Rmem Wmem Dump Locks Drops Inode\n"
			 "00000000c373115f 12  23437  00000000 0 0 0 2 0 777\n",
			 fakeproc_at("net/netlink"));
	fakeproc_mkdirs(fakeproc_at("101/fd"));
	symlink("socket:[777]", fakeproc_at("101/fd/3"));
	run(&o, &l, &r);
	assert_int_equal(doctor_holes(&r), 0);
	assert_false(has(&r, DOCTOR_INFO, "is read by"));
	remove(fakeproc_at("101/fd/3"));
	fakeproc_mkdirs(fakeproc_at("102/fd"));
	symlink("socket:[777]", fakeproc_at("102/fd/3"));
	run(&o, &l, &r);
	assert_true(has(&r, DOCTOR_HOLE,
			"queue 0 is read by pid 102 (sh), "
			"which is not nfjudge"));
	remove(fakeproc_at("102/fd/3"));
	run(&o, &l, &r);
	assert_true(has(&r, DOCTOR_INFO,
			"queue 0 is read by netlink port "
			"23437, of no process"));
	assert_int_equal(doctor_holes(&r), 0);
	symlink("socket:[777]", fakeproc_at("101/fd/3"));

	/* each hole on its own */
	mkproc(105, ns_self, "python3", 1000, 0, RAW, 0,
	       fakeproc_at("other-bin"));
	run(&o, &l, &r);
	assert_int_equal(doctor_holes(&r), 1);
	assert_true(has(&r, DOCTOR_HOLE,
			"pid 105 (python3, uid 1000) holds "
			"CAP_NET_RAW (sets: permitted)"));
	remove(fakeproc_at("105/status"));
	fakeproc_put_str("Name:\tx\n", fakeproc_at("105/status"));
	run(&o, &l, &r);
	assert_true(has(&r, DOCTOR_HOLE,
			"1 process(es) or thread(s) could not be "
			"checked (pid 105 first)"));
	remove(fakeproc_at("105/status"));
	remove(fakeproc_at("105/exe"));
	remove(fakeproc_at("105/ns/net"));
	remove(fakeproc_at("105/ns"));
	remove(fakeproc_at("105"));

	/* capabilities and namespaces are the threads' own */
	mkproc(106, ns_self, "app", 0, 0, 0, 0, fakeproc_at("other-bin"));
	mkthread(106, 106, ns_self, 0);
	mkthread(106, 107, ns_self, RAW);
	mkproc(108, "net:[4026531833]", "agent", 0, 0, 0, 0,
	       fakeproc_at("other-bin"));
	mkthread(108, 108, "net:[4026531833]", ADMIN);
	mkthread(108, 109, ns_self, ADMIN);
	mkthread(108, 110, ns_self, ADMIN);
	run(&o, &l, &r);
	assert_int_equal(doctor_holes(&r), 3);
	assert_true(has(&r, DOCTOR_HOLE,
			"pid 106 thread 107 (worker, uid 0) "
			"holds CAP_NET_RAW"));
	/* its first thread holds nothing, but shares the daemon's uid */
	assert_true(has(&r, DOCTOR_HOLE,
			"pid 106 (worker) runs as uid 0, as nfjudge (pid "
			"101) does"));
	assert_true(has(&r, DOCTOR_HOLE, "holds CAP_NET_ADMIN"));
	assert_true(has(&r, DOCTOR_HOLE, "pid 108 thread 1"));
	assert_false(has(&r, DOCTOR_HOLE, "pid 108 thread 108"));
	fakeproc_remove(fakeproc_at("106"));
	fakeproc_remove(fakeproc_at("108"));

	fakeproc_put_str("1\n", fakeproc_at("sys/net/ipv4/ip_forward"));
	fakeproc_put_str("0\t2147483647\n",
			 fakeproc_at("sys/net/ipv4/ping_group_range"));
	fakeproc_put_str("", fakeproc_at("net/netfilter/nfnetlink_queue"));
	run(&o, &l, &r);
	assert_int_equal(doctor_holes(&r), 2);
	assert_true(has(&r, DOCTOR_HOLE, "net.ipv4.ip_forward is 1"));
	assert_true(has(&r, DOCTOR_HOLE, "queue 0 has no reader"));
	assert_true(has(&r, DOCTOR_INFO, "ping_group_range is '0 2147483647'"));

	/* without the chain, ping sockets are a hole too */
	free(l.v4);
	l.v4 = strdup("-P OUTPUT ACCEPT\n");
	run(&o, &l, &r);
	assert_true(has(&r, DOCTOR_HOLE, "ping_group_range"));
	assert_true(has(&r, DOCTOR_HOLE, "IPv4 chain NFJUDGE is missing"));

	/* IPv6 on an interface: its chain is checked, or --no-ipv6 is one */
	fakeproc_put_str("0\n", fakeproc_at("sys/net/ipv4/ip_forward"));
	fakeproc_mkdirs(fakeproc_at("sys/net/ipv6/conf/eth0"));
	fakeproc_mkdirs(fakeproc_at("sys/net/ipv6/conf/all"));
	fakeproc_put_str("0\n",
			 fakeproc_at("sys/net/ipv6/conf/eth0/disable_ipv6"));
	fakeproc_put_str("1\n",
			 fakeproc_at("sys/net/ipv6/conf/all/forwarding"));
	free(l.v6);
	l.v6 = NULL;
	o.no_ipv6 = true;
	run(&o, &l, &r);
	assert_true(has(&r, DOCTOR_HOLE, "IPv6 is enabled (on eth0)"));
	assert_true(has(&r, DOCTOR_HOLE, "net.ipv6.conf.all.forwarding is 1"));
	o.no_ipv6 = false;
	run(&o, &l, &r);
	assert_true(has(&r, DOCTOR_HOLE,
			"IPv6 rules of the filter table "
			"cannot be listed"));

	/* the daemon itself (pid 100 here) checking: its uid is the one */
	fakeproc_remove(fakeproc_at("101"));
	mkproc(120, ns_self, "svc", 0, 0, 0, 0, fakeproc_at("other-bin"));
	run(&o, &l, &r);
	assert_false(has(&r, DOCTOR_HOLE, "runs as uid 0"));
	run_as(&o, &l, &r, true);
	assert_true(has(&r, DOCTOR_HOLE,
			"pid 120 (svc) runs as uid 0, as nfjudge (pid 100) "
			"does"));

	free(l.v4);
	free(l.m4);
	free(l.m6);
	free(t4);
	free(t6);
	doctor_report_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_sysctls),
		cmocka_unit_test(test_netlink),
		cmocka_unit_test(test_netlink_socket),
		cmocka_unit_test(test_chain_intact),
		cmocka_unit_test(test_chain_missing),
		cmocka_unit_test(test_chain_altered),
		cmocka_unit_test(test_chain_reject_bypass),
		cmocka_unit_test(test_chain_hostile),
		cmocka_unit_test_setup_teardown(test_run, tree_setup,
						tree_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
