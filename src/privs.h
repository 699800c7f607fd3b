/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFJUDGE_PRIVS_H
#define NFJUDGE_PRIVS_H

#include <stdbool.h>
#include <stdio.h>

/*
 * Give up what the daemon no longer needs once its sockets are open, in a
 * fixed order: switch to user (if given) keeping only the capabilities
 * below, then no_new_privs, then the seccomp allowlist (sandbox.h).
 * Any failed step is fatal (returns -1 after logging it); nothing is
 * half-dropped silently.
 *
 * Kept, and why:
 *   CAP_NET_ADMIN       every nfnetlink message, verdicts included, is
 *                       checked against it, for the opener and the sender;
 *   CAP_SYS_PTRACE      readlink of /proc/PID/fd/N and /proc/PID/exe of
 *                       other users' processes (ptrace read access);
 *   CAP_DAC_READ_SEARCH listing /proc/PID/fd of other users' processes
 *                       (the directory is 0500, owned by them);
 *   CAP_NET_RAW         only with rules: removing them at exit runs
 *                       iptables-restore, which the legacy backend needs it
 *                       for (passed on as an ambient capability when not
 *                       root).
 */
int privs_drop(const char *user, bool rules);

/* Do we hold CAP_NET_ADMIN now (to tell "not allowed" from "taken")? */
bool privs_have_net_admin(void);

/* Describe the above for `run --print-privileges`. */
void privs_print(FILE *out, bool rules);

#endif
