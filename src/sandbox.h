/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFJUDGE_SANDBOX_H
#define NFJUDGE_SANDBOX_H

#include <stdbool.h>
#include <stdio.h>

/*
 * The seccomp allowlist of `nfjudge run`: every system call the daemon
 * makes once set-up is over (worker loop, log writer, reload, signals,
 * shutdown), found by tracing it through every option and signal.  Any
 * other system call kills the whole process (SIGSYS): a compromised or
 * confused daemon stops, and because a dead daemon's fail-closed rules
 * drop new connections, nothing gets through unjudged.  The kernel logs
 * the kill (audit record type SECCOMP, with the call's number).
 *
 * With rules the daemon removes at exit (--install-rules), process
 * creation and what iptables-restore needs are allowed too, since the
 * filter is inherited across fork and exec.
 *
 * Installed on every thread at once (TSYNC); needs no_new_privs set
 * first.  0 or -1 after logging why (fatal for the caller).
 */
int sandbox_install(bool rules);

/* List the allowlist for `run --print-privileges`. */
void sandbox_print(FILE *out, bool rules);

#endif
