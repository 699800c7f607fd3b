/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFJUDGE_DOCTOR_H
#define NFJUDGE_DOCTOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "rules.h"

/*
 * nfjudge doctor: the holes of a network namespace that the fence cannot
 * close from netfilter (a process that can open AF_PACKET sockets or change
 * the rules), or that make it not the fence it should be (chain missing or
 * altered, no queue reader, forwarding, IPv6 without its chain).  Each
 * check adds findings; a hole is something open, information is not.
 */

#define DOCTOR_TEXT_MAX 640

enum doctor_level {
	DOCTOR_INFO,
	DOCTOR_HOLE,
};

/* One line of output: what is open, then what to do about it. */
struct doctor_finding {
	enum doctor_level level;
	char text[DOCTOR_TEXT_MAX];
};

struct doctor_report {
	struct doctor_finding *v;
	size_t n, cap;
	bool oom; /* a finding was lost: the report is not complete */
};

/*
 * Fetches "iptables -t TABLE -S" for a family into a malloc'd *out: 0, or
 * -errno with *out NULL.  The real one runs the tool; tests replay
 * recorded listings.
 */
typedef int (*doctor_list_fn)(void *ctx, enum rules_family fam,
			      const char *table, char **out);

struct doctor_env {
	const char *proc_root;		/* "/proc", or a test's tree */
	pid_t self;			/* excluded from the process check */
	const struct rules_opts *rules; /* what "our chain" is */
	doctor_list_fn list;
	void *list_ctx;
	/*
	 * The inode of a bound netlink socket of this namespace, or 0 for
	 * doctor_run() to open one: how a process whose ns link cannot be
	 * read (another LSM domain, more capabilities) is placed.
	 */
	uint64_t marker_ino;
	bool is_daemon; /* self is the daemon: whoever shares its uid counts */
};

/* Every check, in a fixed order.  0, or -ENOMEM (r->oom is set too). */
int doctor_run(const struct doctor_env *env, struct doctor_report *r);

/*
 * doctor_run() on this process's namespace, the rules listed for real;
 * is_daemon when the caller is the daemon itself.
 */
int doctor_check_here(const struct rules_opts *o, bool is_daemon,
		      struct doctor_report *r);

size_t doctor_holes(const struct doctor_report *r);
void doctor_report_free(struct doctor_report *r);

/* Appends a finding, printf-style; text longer than a line is cut. */
void doctor_add(struct doctor_report *r, enum doctor_level level,
		const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* --- the pure parsers (doctor_text.c), each fuzzed ---------------------- */

#define DOCTOR_CAP_NET_ADMIN 12
#define DOCTOR_CAP_NET_RAW   13
#define DOCTOR_CAP_SYS_ADMIN 21

/* What the process check reads of /proc/PID/status. */
struct doctor_status {
	char name[64]; /* printable ASCII only, anything else as '?' */
	uint64_t cap_eff, cap_prm, cap_amb, cap_bnd;
	bool no_new_privs;
	long uid, euid, suid; /* real, effective, saved; -1 if absent */
	long ppid;	      /* -1 if absent */
	int kthread;	      /* 1, 0, or -1 where the kernel does not say */
};

/* 0, or -EINVAL when a capability line is missing or malformed. */
int doctor_parse_status(const char *text, struct doctor_status *st);

/* A kernel thread: never in a sandbox, its capabilities are the kernel's. */
bool doctor_status_kthread(const struct doctor_status *st, long pid);

/*
 * net.ipv4.ping_group_range ("MIN\tMAX"): true when some group may open
 * unprivileged ICMP sockets (MIN <= MAX).  -EINVAL when unreadable.
 */
int doctor_parse_ping_range(const char *text, bool *open);

/* A sysctl holding one integer: 0, or -EINVAL. */
int doctor_parse_int(const char *text, long *v);

/*
 * /proc/net/netfilter/nfnetlink_queue: whether queue q has a reader, and
 * its drop counters (queue full, receive buffer full) when it does.
 */
struct doctor_queue {
	bool bound;
	uint32_t portid;
	uint64_t queue_dropped, user_dropped;
};
void doctor_parse_queue(const char *text, unsigned int q,
			struct doctor_queue *out);

/*
 * One table of the expected rules (rules_text_install()'s text) against
 * that table's "iptables -S" listing: a chain missing, its rules in a
 * different order or form, a jump missing or not first, no REJECT rule,
 * --queue-bypass anywhere.  fam_name ("IPv4") and fix (what to run) go
 * into the findings' text.  Returns the number of holes added.
 */
size_t doctor_compare_table(struct doctor_report *r, const char *expected,
			    const char *table, const char *listing,
			    const char *fam_name, const char *fix);

/*
 * Whether a /proc/PID/net/netlink listing holds the socket with inode ino
 * in its last column: the kernel lists only the sockets of PID's network
 * namespace, so this tells membership where the ns link cannot be read.
 */
bool doctor_netlink_lists(const char *text, uint64_t ino);

/*
 * The inode of the netlink socket of protocol proto bound to portid, in a
 * /proc/net/netlink listing: true when found.
 */
bool doctor_netlink_socket(const char *text, unsigned int proto,
			   uint32_t portid, uint64_t *ino);

/* The "*TABLE" names of an iptables-restore text, in order, up to max. */
size_t doctor_text_tables(const char *text, char names[][32], size_t max);

#endif
