// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Finding the cgroup2 mount in mountinfo (proc(5)):
 *   ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS [OPTIONAL...] - FSTYPE SOURCE SUPER
 * Paths escape space, tab, newline and backslash as \ooo.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "kattr.h"

#define MI_FIELDS 8

/* Split one line into at most max space-separated fields; returns count. */
static int mi_split(const char *line, size_t len, const char **f, size_t *flen,
		    int max)
{
	size_t i = 0, start;
	int n = 0;

	while (i < len && n < max) {
		while (i < len && line[i] == ' ')
			i++;
		if (i == len)
			break;
		start = i;
		while (i < len && line[i] != ' ')
			i++;
		f[n] = line + start;
		flen[n++] = i - start;
	}
	return n;
}

static bool mi_is(const char *f, size_t len, const char *word)
{
	return len == strlen(word) && memcmp(f, word, len) == 0;
}

static bool mi_octal(const char *s, size_t left)
{
	return left >= 4 && s[0] == '\\' && s[1] >= '0' && s[1] <= '3' &&
	       s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7';
}

static int mi_unescape(const char *f, size_t len, char *out, size_t size)
{
	size_t i = 0, o = 0;

	while (i < len) {
		char c = f[i];

		if (mi_octal(f + i, len - i)) {
			c = (char)((f[i + 1] - '0') << 6 |
				   (f[i + 2] - '0') << 3 | (f[i + 3] - '0'));
			i += 4;
		} else {
			i++;
		}
		if (c == '\0')
			return -EINVAL; /* the kernel writes none: not mountinfo
					 */
		if (o + 1 >= size)
			return -ENAMETOOLONG;
		out[o++] = c;
	}
	if (o == 0 || out[0] != '/')
		return -EINVAL;
	out[o] = '\0';
	return 0;
}

/* The fields after the " - " separator: FSTYPE first. */
static bool mi_is_cgroup2(const char *line, size_t len)
{
	const char *sep = NULL;
	size_t i;

	for (i = 0; i + 3 <= len; i++)
		if (memcmp(line + i, " - ", 3) == 0) {
			sep = line + i + 3;
			break;
		}
	if (!sep)
		return false;
	len -= (size_t)(sep - line);
	return len >= 8 && memcmp(sep, "cgroup2", 7) == 0 && sep[7] == ' ';
}

int kattr_mountinfo_cgroup2(const char *buf, size_t len, char *out, size_t size)
{
	const char *f[MI_FIELDS];
	size_t flen[MI_FIELDS];
	size_t pos = 0;

	while (pos < len) {
		const char *line = buf + pos;
		const char *nl = memchr(line, '\n', len - pos);
		size_t ll = nl ? (size_t)(nl - line) : len - pos;

		pos += ll + 1;
		if (!mi_is_cgroup2(line, ll) ||
		    mi_split(line, ll, f, flen, MI_FIELDS) < 5)
			continue;
		if (mi_is(f[3], flen[3], "/"))
			return mi_unescape(f[4], flen[4], out, size);
	}
	return -ENOENT;
}
