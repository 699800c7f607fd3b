// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The doctor's pure half: its report, and parsers of what it reads
 * (/proc/PID/status, sysctls, the queue and netlink listings); the
 * comparison of "iptables -S" with the rules nfjudge would install is in
 * doctor_compare.c.  No I/O, so all of it is unit tested and fuzzed. Everything
 * read may be hostile: a process names itself, and a program with CAP_NET_ADMIN
 * writes the rules.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doctor.h"
#include "doctor_int.h"

void doctor_add(struct doctor_report *r, enum doctor_level level,
		const char *fmt, ...)
{
	struct doctor_finding *f;
	va_list ap;
	char *p;

	if (r->n == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 16;

		f = realloc(r->v, cap * sizeof(*f));
		if (!f) {
			r->oom = true;
			return;
		}
		r->v = f;
		r->cap = cap;
	}
	f = &r->v[r->n++];
	f->level = level;
	va_start(ap, fmt);
	vsnprintf(f->text, sizeof(f->text), fmt, ap);
	va_end(ap);
	/* quoted rules come from whoever wrote them: no terminal controls */
	for (p = f->text; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
}

size_t doctor_holes(const struct doctor_report *r)
{
	size_t i, n = 0;

	for (i = 0; i < r->n; i++)
		n += r->v[i].level == DOCTOR_HOLE;
	return n;
}

void doctor_report_free(struct doctor_report *r)
{
	if (!r)
		return;
	free(r->v);
	r->v = NULL;
	r->n = r->cap = 0;
}

/* The line at *p (without its newline) in *len; *p moves past it. */
const char *doctor_next_line(const char **p, size_t *len)
{
	const char *s = *p;

	if (!s || !*s)
		return NULL;
	*len = strcspn(s, "\n");
	*p = s[*len] ? s + *len + 1 : s + *len;
	return s;
}

/* Whether the line (s, len) starts with prefix. */
bool doctor_line_starts(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && !memcmp(s, prefix, n);
}

/* The value of "Key:\t..." lines: where it doctor_starts, or NULL. */
static const char *field(const char *line, size_t len, const char *key)
{
	size_t n = strlen(key);

	if (len <= n || memcmp(line, key, n) || line[n] != ':')
		return NULL;
	line += n + 1;
	while (*line == '\t' || *line == ' ')
		line++;
	return line;
}

static int parse_hex64(const char *s, uint64_t *v)
{
	char *end;

	if (!isxdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	*v = strtoull(s, &end, 16);
	if (errno || (*end && *end != '\n'))
		return -EINVAL;
	return 0;
}

static long parse_long(const char *s)
{
	char *end;
	long v;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	return errno ? -1 : v;
}

static void copy_name(char *dst, size_t cap, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len && i + 1 < cap; i++)
		dst[i] = isprint((unsigned char)s[i]) && s[i] != '\'' ? s[i]
								      : '?';
	dst[i] = '\0';
}

/* "Uid:\treal\teffective\tsaved\tfs" */
static void parse_uids(const char *v, struct doctor_status *st)
{
	long *dst[] = {&st->uid, &st->euid, &st->suid};
	size_t i;

	for (i = 0; i < 3; i++) {
		*dst[i] = parse_long(v);
		v += strspn(v, "0123456789");
		v += strspn(v, "\t ");
	}
}

/* One line of a status file into st; *seen gets a bit per cap line. */
static int status_line(const char *line, size_t len, struct doctor_status *st,
		       unsigned int *seen)
{
	const char *v;

	if ((v = field(line, len, "Name")))
		copy_name(st->name, sizeof(st->name), v,
			  len - (size_t)(v - line));
	else if ((v = field(line, len, "PPid")))
		st->ppid = parse_long(v);
	else if ((v = field(line, len, "Uid")))
		parse_uids(v, st);
	else if ((v = field(line, len, "Kthread")))
		st->kthread = parse_long(v) == 1;
	else if ((v = field(line, len, "CapEff")))
		return *seen |= 1, parse_hex64(v, &st->cap_eff);
	else if ((v = field(line, len, "CapPrm")))
		return *seen |= 2, parse_hex64(v, &st->cap_prm);
	else if ((v = field(line, len, "CapAmb")))
		return parse_hex64(v, &st->cap_amb);
	else if ((v = field(line, len, "CapBnd")))
		return parse_hex64(v, &st->cap_bnd);
	else if ((v = field(line, len, "NoNewPrivs")))
		st->no_new_privs = parse_long(v) == 1;
	return 0;
}

int doctor_parse_status(const char *text, struct doctor_status *st)
{
	const char *line, *p = text;
	unsigned int seen = 0;
	size_t len;

	memset(st, 0, sizeof(*st));
	st->uid = st->euid = st->suid = st->ppid = -1;
	st->kthread = -1;
	while ((line = doctor_next_line(&p, &len)))
		if (status_line(line, len, st, &seen))
			return -EINVAL;
	/* No capability lines: not a status file we understand. */
	return seen == 3 ? 0 : -EINVAL;
}

/*
 * Kernels before 6.? have no Kthread field: then kthreadd (pid 2) and its
 * children are the kernel threads.
 */
bool doctor_status_kthread(const struct doctor_status *st, long pid)
{
	if (st->kthread >= 0)
		return st->kthread == 1;
	return pid == 2 || st->ppid == 2;
}

int doctor_parse_ping_range(const char *text, bool *open)
{
	char *end;
	long lo, hi;

	errno = 0;
	lo = strtol(text, &end, 10);
	if (errno || end == text || (*end != '\t' && *end != ' '))
		return -EINVAL;
	text = end;
	hi = strtol(text, &end, 10);
	if (errno || end == text)
		return -EINVAL;
	*open = lo <= hi;
	return 0;
}

int doctor_parse_int(const char *text, long *v)
{
	char *end;

	errno = 0;
	*v = strtol(text, &end, 10);
	if (errno || end == text || (*end && *end != '\n'))
		return -EINVAL;
	return 0;
}

/* Up to n unsigned numbers of one line: how many were read. */
static size_t numbers(const char *s, size_t len, unsigned long long *v,
		      size_t n)
{
	char buf[256], *p = buf, *end;
	size_t i;

	if (len >= sizeof(buf))
		return 0;
	memcpy(buf, s, len);
	buf[len] = '\0';
	for (i = 0; i < n; i++, p = end) {
		p += strspn(p, " \t");
		if (!isdigit((unsigned char)*p))
			break;
		errno = 0;
		v[i] = strtoull(p, &end, 10);
		if (errno)
			break;
	}
	return i;
}

void doctor_parse_queue(const char *text, unsigned int q,
			struct doctor_queue *out)
{
	unsigned long long v[7];
	const char *line, *p = text;
	size_t len;

	memset(out, 0, sizeof(*out));
	while ((line = doctor_next_line(&p, &len))) {
		/* queue portid total copy_mode copy_range qdropped udropped */
		if (numbers(line, len, v, 7) < 7 || v[0] != q)
			continue;
		out->bound = true;
		out->portid = (uint32_t)v[1];
		out->queue_dropped = v[5];
		out->user_dropped = v[6];
		return;
	}
}

bool doctor_netlink_lists(const char *text, uint64_t ino)
{
	const char *line, *p = text, *last;
	size_t len, k;
	char *end;

	while ((line = doctor_next_line(&p, &len))) {
		while (len && (line[len - 1] == ' ' || line[len - 1] == '\t'))
			len--;
		for (k = len; k && line[k - 1] != ' ' && line[k - 1] != '\t';)
			k--;
		last = line + k;
		if (k == len || !isdigit((unsigned char)*last))
			continue;
		errno = 0;
		if (strtoull(last, &end, 10) == ino && !errno &&
		    end == line + len)
			return true;
	}
	return false;
}

bool doctor_netlink_socket(const char *text, unsigned int proto,
			   uint32_t portid, uint64_t *ino)
{
	const char *line, *p = text;
	unsigned long long in;
	unsigned int eth, pid;
	char buf[256];
	size_t len;

	while ((line = doctor_next_line(&p, &len))) {
		if (len >= sizeof(buf))
			continue;
		memcpy(buf, line, len);
		buf[len] = '\0';
		/* sk Eth Pid Groups Rmem Wmem Dump Locks Drops Inode */
		if (sscanf(buf, "%*s %u %u %*s %*s %*s %*s %*s %*s %llu", &eth,
			   &pid, &in) != 3 ||
		    eth != proto || pid != portid)
			continue;
		*ino = in;
		return true;
	}
	return false;
}
