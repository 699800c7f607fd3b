/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFJUDGE_CMDUTIL_H
#define NFJUDGE_CMDUTIL_H

#include <stddef.h>

/* Helpers the subcommands share for their options and input files. */

/*
 * Call cb for each line of path ("-" for standard input), without its
 * newline.  The first callback error is printed as "path:MSG" on stderr
 * (the callback's message starts with "LINE:COL: ") and returned.
 */
typedef int (*cmdutil_lines_cb)(void *ctx, const char *line, size_t len,
				unsigned lineno, char *err, size_t errlen);
int cmdutil_lines_foreach(const char *path, cmdutil_lines_cb cb, void *ctx);

#endif
