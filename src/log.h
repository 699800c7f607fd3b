/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFJUDGE_LOG_H
#define NFJUDGE_LOG_H

#include <stdbool.h>

/*
 * Diagnostics (not verdict records): stderr in the foreground, syslog when
 * log_init() was told so.  The _warn variants append strerror(errno); every
 * function preserves errno.  fatal/fatalx exit with status 1.
 */
void log_init(const char *progname, bool to_syslog, int verbosity);
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "FILE:LINE: message", the form of a compiler's, which editors and grep
 * -n follow: for what is wrong with a line of input, without progname. */
void log_warnx_at(const char *file, unsigned long line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void fatal(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));
void fatalx(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));

#endif
