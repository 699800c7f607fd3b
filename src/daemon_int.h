/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFJUDGE_DAEMON_INT_H
#define NFJUDGE_DAEMON_INT_H

/*
 * The running daemon's state, shared by daemon.c (start and stop) and
 * its parts: daemon_open.c (the start-up steps), daemon_host.c (the policy in
 * force, the control socket), daemon_loop.c (the control loop).
 */

#include <stdbool.h>
#include <stdint.h>

#include "chain.h"
#include "ctlcmd.h"
#include "ctlrules.h"
#include "daemon.h"
#include "doctor.h"
#include "record.h"
#include "worker.h"

/* The control loop's reason to stop when a worker gives up. */
#define WORKER_FAILED "a queue worker failed"

/*
 * A worker's heartbeat at the last watchdog check, and for how many
 * checks since it has not changed.
 */
struct daemon_beat {
	uint64_t beat;
	unsigned still;
};

struct daemon {
	const struct daemon_opts *o;
	struct policy_ref *policy;
	struct logsink *sink;
	struct ocsfsink *ocsf; /* --ocsf, or NULL */
	struct pcap_out pcap;
	struct worker *workers;
	int nworkers;
	struct kattr *kattr; /* kernel attribution; NULL: /proc */
	char attr_why[600];  /* for the start record */
	int stop_fd;
	int died_fd;  /* a worker gave up */
	int timer_fd; /* the tick, or -1 */
	unsigned ticks;
	uint64_t wd_usec;	   /* the service manager's watchdog; 0: none */
	int wd_fd;		   /* the watchdog's check, or -1 */
	struct daemon_beat *beats; /* each worker's, per check */
	bool stalled;		   /* a worker made no progress: no pings */
	struct dropwatch *drops;
	struct nflog *nflog;	/* the fence's drops; NULL if unbound */
	struct dnswatch *names; /* names for addresses; NULL: none */
	struct fencelog *fencelog;
	bool rules_installed;
	unsigned chain_ticks;
	bool chain_bad; /* altered, alert written, not yet restored */
	struct doctor_report doctor; /* holes found at start */
	char policy_sha[65];
	char queues[16];
	uint8_t key[CHAIN_KEY_MAX];
	int keylen;
	struct policy *base; /* the policy file's, without temporary rules */
	char policy_path[CTLREQ_FILE_MAX]; /* "" for the embedded one */
	uint64_t generation;		   /* 1 at start, +1 a reload */
	int64_t started_ms;
	char last_error[512];
	struct control *ctl; /* --control, or NULL */
	struct ctlcmd_host host;
	struct ctlrules temps;
	unsigned refused;	    /* refused peers recorded this tick */
	struct procfs *explain_pfs; /* explain --pid, opened on first use */
	struct proc_info *explain_proc;
};

/* daemon.c */
/* A start, reload, control or alert record, stamped now, to the log. */
void daemon_emit(struct daemon *d, struct record_event *ev);

/* daemon_open.c */
/* Every start-up step, in order; -1 (said) when one fails. */
int daemon_setup(struct daemon *d);

/* daemon_host.c */
/* The temporary rules' and control clients' clock. */
int64_t daemon_mono_ms(void);
/* SHA-256 of the policy's canonical form: what is in force, not bytes. */
void daemon_policy_digest(struct policy *p, char out[65]);
/* Find every holder of a socket only for a policy that asks who it is. */
void daemon_tune_attribution(struct daemon *d, const struct policy *p);
/* The base policy with the temporary rules in front, into force. */
void daemon_install_policy(struct daemon *d);
/* As for HUP: reopen the logs, reload the policy file in force. */
void daemon_reload(struct daemon *d);
/* Bound before privileges go: the socket's owner must be root. */
int daemon_open_control(struct daemon *d);

/* daemon_loop.c */
/* The workers' counts with the log's and the fence's losses. */
void daemon_gather_stats(struct daemon *d, struct record_stats *st);
/* A stats or stop record of the counts so far; reason: the stop's. */
void daemon_write_counts(struct daemon *d, enum record_type type,
			 const char *reason);
/* The --metrics-file, written anew. */
void daemon_write_metrics(struct daemon *d);
/* Whatever the fence dropped since the last time, as records. */
void daemon_read_fence_log(struct daemon *d);
/* The control loop: returns the reason for stopping. */
const char *daemon_control_loop(struct daemon *d, int sfd, int tfd);

#endif
