/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A fixture /proc tree in a temporary directory, for the tests of modules
 * that take the /proc root as a parameter.  One tree at a time; the
 * helpers fail the running cmocka test when the file system says no.
 */
#ifndef NFJUDGE_TESTS_FAKEPROC_H
#define NFJUDGE_TESTS_FAKEPROC_H

#include <stddef.h>

/* Make /tmp/nfj-NAME-XXXXXX; its path, or NULL with errno set. */
const char *fakeproc_make(const char *name);
/* Remove path and everything below it (the whole tree if NULL). */
int fakeproc_remove(const char *path);
const char *fakeproc_root(void);

/* root/fmt..., in one of four rotating buffers, so that a call may take
 * a few at once. */
const char *fakeproc_at(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

void fakeproc_put_file(const void *data, size_t len, const char *path);
void fakeproc_put_str(const char *s, const char *path);
/* The directory, which must not exist yet. */
void fakeproc_mkdir(const char *path);
/* The directory and those above it up to the root, as mkdir -p. */
void fakeproc_mkdirs(const char *path);
/* A symbolic link at path, replacing what was there. */
void fakeproc_link(const char *target, const char *path);

#endif
