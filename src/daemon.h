/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFJUDGE_DAEMON_H
#define NFJUDGE_DAEMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "logsink.h"
#include "rules.h"

/* --attribution: who names the process behind a flow. */
enum daemon_attribution {
	DAEMON_ATTR_AUTO,   /* the kernel (BPF) when it loads, else /proc */
	DAEMON_ATTR_KERNEL, /* the kernel, or no start */
	DAEMON_ATTR_PROC,   /* sock_diag and /proc only */
};

/* What `nfjudge run` was asked to do. */
struct daemon_opts {
	const char *policy_file; /* NULL: the embedded policy */
	const char *proxy;
	const char *output; /* path, "-" or "syslog" */
	const char *pcap_out;
	const char *ocsf; /* the OCSF stream: path or "-"; NULL for none */
	const char *pidfile;
	const char *metrics_file;
	const char *key_file;
	const char *user;
	const char *proc_root;
	const char *control; /* --control: the socket's path, or NULL */
	bool have_control_group;
	gid_t control_group;
	enum logsink_failure on_log_failure;
	enum logsink_fsync fsync;
	enum daemon_attribution attribution;
	bool audit;
	bool install_rules;
	uint32_t queue_maxlen;
	struct rules_opts rules; /* queues, mark, fail-open, backend, ... */
};

/*
 * Run the daemon until TERM or INT: fixed start-up order (policy, log,
 * queues, rules, privileges, start record, READY=1), one worker per queue,
 * signals handled in the calling thread.  Returns the exit status.
 */
int daemon_run(const struct daemon_opts *o);

#endif
