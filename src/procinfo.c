// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/sysmacros.h>

#include "proc.h"
#include "procinfo.h"

/* Parse a decimal number at *p, advancing it; false when there is none. */
static bool parse_ull(const char **p, const char *end, unsigned long long *out)
{
	unsigned long long v = 0;
	const char *s = *p;

	if (s >= end || *s < '0' || *s > '9')
		return false;
	for (; s < end && *s >= '0' && *s <= '9'; s++) {
		if (v > (~0ULL - 9) / 10)
			return false;
		v = v * 10 + (unsigned long long)(*s - '0');
	}
	*p = s;
	*out = v;
	return true;
}

static void copy_bounded(char *out, size_t size, const char *s, size_t n)
{
	if (!size)
		return;
	if (n >= size)
		n = size - 1;
	memcpy(out, s, n);
	out[n] = '\0';
}

/* Skip to the start of the idx-th space-separated field after p. */
static const char *skip_fields(const char *p, const char *end, int idx)
{
	while (idx-- > 0) {
		p = memchr(p, ' ', (size_t)(end - p));
		if (!p)
			return NULL;
		p++;
	}
	return p;
}

int procinfo_parse_stat(const char *buf, size_t len, struct procinfo_stat *st)
{
	const char *end = buf + len, *p = buf, *open, *close, *f;
	unsigned long long pid = 0, ppid = 0;

	open = memchr(buf, '(', len);
	/* comm may hold ')' and spaces: it ends at the last ')'. */
	for (close = end; close > buf && close[-1] != ')'; close--)
		;
	if (!open || close <= open + 1 || !parse_ull(&p, open, &pid))
		return -EBADMSG;
	copy_bounded(st->comm, sizeof(st->comm), open + 1,
		     (size_t)(close - 1 - (open + 1)));
	/* close points past ')': " S ppid ..." -- fields 3 onwards. */
	f = skip_fields(close, end, 2);
	if (!f || !parse_ull(&f, end, &ppid))
		return -EBADMSG;
	f = skip_fields(f, end, 22 - 4);
	if (!f || !parse_ull(&f, end, &st->start))
		return -EBADMSG;
	if (pid > INT32_MAX || ppid > INT32_MAX)
		return -EBADMSG;
	st->pid = (pid_t)pid;
	st->ppid = (pid_t)ppid;
	return 0;
}

/* The second number of a "Key:\treal\teffective\tsaved\tfs" line. */
static int status_effective(const char *buf, size_t len, const char *key,
			    unsigned long long *out)
{
	const char *end = buf + len, *p = buf, *nl;
	size_t klen = strlen(key);

	for (; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		if ((size_t)(nl - p) <= klen || memcmp(p, key, klen))
			continue;
		p += klen;
		for (int i = 0; i < 2; i++) {
			while (p < nl && (*p == '\t' || *p == ' '))
				p++;
			if (!parse_ull(&p, nl, out))
				return -EBADMSG;
		}
		return *out > UINT32_MAX ? -EBADMSG : 0;
	}
	return -EBADMSG;
}

int procinfo_parse_status(const char *buf, size_t len, uid_t *uid, gid_t *gid)
{
	unsigned long long u = 0, g = 0;

	if (status_effective(buf, len, "Uid:", &u) < 0 ||
	    status_effective(buf, len, "Gid:", &g) < 0)
		return -EBADMSG;
	*uid = (uid_t)u;
	*gid = (gid_t)g;
	return 0;
}

void procinfo_parse_cgroup(const char *buf, size_t len, char *out, size_t size)
{
	const char *end = buf + len, *p = buf, *nl;

	copy_bounded(out, size, "", 0);
	for (; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		if (nl - p >= 3 && !memcmp(p, "0::", 3)) {
			copy_bounded(out, size, p + 3, (size_t)(nl - p - 3));
			return;
		}
	}
}

void procinfo_set_cmdline(struct proc_info *info, size_t len, bool truncated)
{
	size_t i;

	/* The reader left a NUL at [len]: count it when the last arg lacks one.
	 */
	if (len > 0 && info->cmdline[len - 1] != '\0')
		len++;
	info->cmdline_len = len;
	info->cmdline_truncated = truncated;
	info->argc = 0;
	for (i = 0; i < len; i++)
		if (info->cmdline[i] == '\0')
			info->argc++;
}

void procinfo_format_start(long long btime, unsigned long long ticks, long hz,
			   char *out, size_t size)
{
	struct tm tm;
	time_t secs;
	long usec;
	char date[32];

	copy_bounded(out, size, "", 0);
	if (btime <= 0 || hz <= 0)
		return;
	secs = (time_t)(btime + (long long)(ticks / (unsigned long long)hz));
	usec = (long)((ticks % (unsigned long long)hz) * 1000000ULL /
		      (unsigned long long)hz);
	if (!gmtime_r(&secs, &tm) ||
	    !strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm))
		return;
	snprintf(out, size, "%s.%06ldZ", date, usec);
}

void procinfo_env_feed(struct procinfo_envscan *s, const char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len && !s->found; i++) {
		if (buf[i] == '\0') {
			s->n = 0;
			continue;
		}
		if (s->n >= sizeof(s->head))
			continue; /* past the name of this entry */
		s->head[s->n++] = buf[i];
		s->found =
			(s->n == 11 && !memcmp(s->head, "LD_PRELOAD=", 11)) ||
			(s->n == 9 && !memcmp(s->head, "LD_AUDIT=", 9));
	}
}

static bool parse_hex(const char **p, const char *end, unsigned long long *out)
{
	unsigned long long v = 0;
	const char *s = *p;
	int d;

	for (; s < end && s - *p < 16; s++) {
		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else
			break;
		v = v * 16 + (unsigned long long)d;
	}
	if (s == *p)
		return false;
	*p = s;
	*out = v;
	return true;
}

/* "start-end perms offset major:minor inode [path]" */
int procinfo_parse_maps_line(const char *line, size_t len,
			     struct procinfo_map *m)
{
	const char *end = line + len, *p;
	unsigned long long maj, min;

	p = skip_fields(line, end, 1);
	if (!p || end - p < 4)
		return -EBADMSG;
	m->exec = p[2] == 'x';
	p = skip_fields(p, end, 2);
	if (!p || !parse_hex(&p, end, &maj) || p >= end || *p++ != ':' ||
	    !parse_hex(&p, end, &min) || p >= end || *p++ != ' ' ||
	    !parse_ull(&p, end, &m->inode) || maj > 0xfff || min > 0xfffff)
		return -EBADMSG;
	m->dev = makedev((unsigned)maj, (unsigned)min);
	while (p < end && *p == ' ')
		p++;
	m->path = p;
	m->path_len = (size_t)(end - p);
	return 0;
}

int procinfo_read(int dirfd, const char *name, char *buf, size_t size,
		  size_t *len, bool *truncated)
{
	size_t n = 0, want;
	ssize_t r = 0;
	char extra;
	int fd, err = 0;

	fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	while (n + 1 < size) {
		want = size - 1 - n;
		r = read(fd, buf + n, want);
		if (r <= 0)
			break;
		n += (size_t)r;
		/* /proc fills a read while it has data: short means the end */
		if ((size_t)r < want)
			break;
	}
	if (r < 0)
		err = -errno;
	*truncated = err == 0 && n + 1 == size && read(fd, &extra, 1) > 0;
	close(fd);
	buf[n] = '\0';
	*len = n;
	return err;
}

int procinfo_readlink(int dirfd, const char *name, char *buf, size_t size)
{
	ssize_t n = readlinkat(dirfd, name, buf, size - 1);

	if (n < 0) {
		buf[0] = '\0';
		return -errno;
	}
	buf[n] = '\0';
	return 0;
}
