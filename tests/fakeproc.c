// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <ftw.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fakeproc.h"

static char fakeproc_dir[64];

const char *fakeproc_make(const char *name)
{
	snprintf(fakeproc_dir, sizeof(fakeproc_dir), "/tmp/nfj-%s-XXXXXX",
		 name);
	return mkdtemp(fakeproc_dir);
}

static int fakeproc_rm_one(const char *path, const struct stat *st, int flag,
			   struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

int fakeproc_remove(const char *path)
{
	return nftw(path ? path : fakeproc_dir, fakeproc_rm_one, 16,
		    FTW_DEPTH | FTW_PHYS);
}

const char *fakeproc_root(void)
{
	return fakeproc_dir;
}

const char *fakeproc_at(const char *fmt, ...)
{
	static char bufs[4][256];
	static int next;
	char *b = bufs[next++ % 4];
	va_list ap;
	int n;

	n = snprintf(b, sizeof(bufs[0]), "%s/", fakeproc_dir);
	va_start(ap, fmt);
	vsnprintf(b + n, sizeof(bufs[0]) - (size_t)n, fmt, ap);
	va_end(ap);
	return b;
}

void fakeproc_put_file(const void *data, size_t len, const char *path)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

void fakeproc_put_str(const char *s, const char *path)
{
	fakeproc_put_file(s, strlen(s), path);
}

void fakeproc_mkdir(const char *path)
{
	assert_int_equal(mkdir(path, 0755), 0);
}

/* Levels that exist already are no error: the tree is built piecemeal. */
void fakeproc_mkdirs(const char *path)
{
	char buf[256], *p;

	snprintf(buf, sizeof(buf), "%s", path);
	for (p = buf + strlen(fakeproc_dir) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		mkdir(buf, 0755);
		*p = '/';
	}
	mkdir(buf, 0755);
}

void fakeproc_link(const char *target, const char *path)
{
	unlink(path);
	assert_int_equal(symlink(target, path), 0);
}
