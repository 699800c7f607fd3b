/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFJUDGE_SPAWN_H
#define NFJUDGE_SPAWN_H

/*
 * Run a program without a shell: argv[0] is looked up in PATH (absolute
 * directories only) and then in the usual sbin and bin directories (a
 * root daemon may have a short PATH).  input (may be NULL) is its
 * standard input; its standard output and error are captured into
 * malloc'd strings when out/err are not NULL.  Files in memory, not
 * pipes, carry all three, so neither side can block on the other.
 * *status is the exit status, or 128 + the signal that killed it.
 * Returns 0 when the program ran (whatever its status), or -errno
 * (-ENOENT: not found).
 */
int spawn_run(const char *const argv[], const char *input, char **out,
	      char **err, int *status);

#endif
