// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmdutil.h"
#include "log.h"

int cmdutil_lines_foreach(const char *path, cmdutil_lines_cb cb, void *ctx)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "re") : stdin;
	char *line = NULL, err[512];
	unsigned lineno = 0;
	size_t cap = 0;
	ssize_t n;
	int ret = 0;

	if (!f) {
		ret = -errno;
		log_warn("%s", path);
		return ret;
	}
	while (!ret && (n = getline(&line, &cap, f)) >= 0) {
		lineno++;
		if (n > 0 && line[n - 1] == '\n')
			n--;
		ret = cb(ctx, line, (size_t)n, lineno, err, sizeof(err));
		if (ret)
			log_warnx("%s:%s", path, err);
	}
	if (!ret && ferror(f)) {
		ret = -EIO;
		log_warnx("%s: read error", path);
	}
	free(line);
	if (f != stdin)
		fclose(f);
	return ret;
}
