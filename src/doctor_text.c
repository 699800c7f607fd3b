// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The doctor's pure half: parsers of what it reads (/proc/PID/status,
 * sysctls, the queue listing, "iptables -S") and the comparison of a
 * listing with the rules nfjudge would install.  No I/O, so all of it is
 * unit tested and fuzzed.  Everything read may be hostile: a process
 * names itself, and a program with CAP_NET_ADMIN writes the rules.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doctor.h"

#define MAX_CHAINS 16
#define QUOTE_MAX  160 /* of a rule quoted in a finding */
#define BYPASS	   " --queue-bypass"

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
static const char *next_line(const char **p, size_t *len)
{
	const char *s = *p;

	if (!s || !*s)
		return NULL;
	*len = strcspn(s, "\n");
	*p = s[*len] ? s + *len + 1 : s + *len;
	return s;
}

/* Whether the line (s, len) starts with prefix. */
static bool starts(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && !memcmp(s, prefix, n);
}

/* The value of "Key:\t..." lines: where it starts, or NULL. */
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
	while ((line = next_line(&p, &len)))
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
	while ((line = next_line(&p, &len))) {
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

	while ((line = next_line(&p, &len))) {
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

	while ((line = next_line(&p, &len))) {
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

size_t doctor_text_tables(const char *text, char names[][32], size_t max)
{
	const char *line, *p = text;
	size_t len, n = 0;

	while (n < max && (line = next_line(&p, &len)))
		if (len > 1 && len < 32 && line[0] == '*') {
			memcpy(names[n], line + 1, len - 1);
			names[n++][len - 1] = '\0';
		}
	return n;
}

/* The lines of one "*table" section of a restore text, as a cursor. */
struct section {
	const char *p;
};

static struct section section_of(const char *text, const char *table)
{
	struct section s = {NULL};
	const char *line, *p = text;
	size_t len, n = strlen(table);

	while ((line = next_line(&p, &len)))
		if (line[0] == '*' && len == n + 1 &&
		    !memcmp(line + 1, table, n)) {
			s.p = p;
			break;
		}
	return s;
}

static const char *section_next(struct section *s, size_t *len)
{
	const char *line = next_line(&s->p, len);

	if (!line || (*len == 6 && !memcmp(line, "COMMIT", 6)))
		return s->p = NULL;
	return line;
}

/* A listing line equal to want, optionally ignoring --queue-bypass. */
static bool same_rule(const char *got, size_t glen, const char *want,
		      size_t wlen)
{
	const char *b;
	size_t blen = strlen(BYPASS);

	if (glen == wlen && !memcmp(got, want, wlen))
		return true;
	/* fail-open is reported once, on its own, not as a difference */
	b = glen > blen ? memmem(got, glen, BYPASS, blen) : NULL;
	if (!b || glen - blen != wlen)
		return false;
	return !memcmp(got, want, (size_t)(b - got)) &&
	       !memcmp(b + blen, want + (b - got), wlen - (size_t)(b - got));
}

/* The n-th (from 0) listing line starting with prefix, or NULL. */
static const char *nth_with(const char *listing, const char *prefix, size_t n,
			    size_t *len)
{
	const char *line, *p = listing;

	while ((line = next_line(&p, len)))
		if (starts(line, *len, prefix) && n-- == 0)
			return line;
	return NULL;
}

static bool has_line(const char *listing, const char *want, size_t wlen)
{
	const char *line, *p = listing;
	size_t len;

	while ((line = next_line(&p, &len)))
		if (same_rule(line, len, want, wlen))
			return true;
	return false;
}

/* The context every chain finding needs. */
struct cmp {
	struct doctor_report *r;
	const char *expected, *table, *listing, *fam, *fix;
	size_t holes;
};

static void hole(struct cmp *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void hole(struct cmp *c, const char *fmt, ...)
{
	char buf[DOCTOR_TEXT_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	doctor_add(c->r, DOCTOR_HOLE, "%s", buf);
	c->holes++;
}

static int quote_len(size_t len)
{
	return (int)(len > QUOTE_MAX ? QUOTE_MAX : len);
}

/* The first difference between the chain's rules and the expected ones. */
static void chain_diff(struct cmp *c, const char *name)
{
	char prefix[48];
	const char *want, *got;
	size_t wlen, glen, i;
	struct section s = section_of(c->expected, c->table);

	snprintf(prefix, sizeof(prefix), "-A %s ", name);
	for (i = 0;; i++) {
		do
			want = section_next(&s, &wlen);
		while (want && !starts(want, wlen, prefix));
		got = nth_with(c->listing, prefix, i, &glen);
		if (!want && !got)
			return;
		if (want && got && same_rule(got, glen, want, wlen))
			continue;
		break;
	}
	if (!got)
		hole(c,
		     "%s chain %s is altered: rule %zu '%.*s' is missing; "
		     "run '%s'",
		     c->fam, name, i + 1, quote_len(wlen), want, c->fix);
	else if (!want)
		hole(c,
		     "%s chain %s is altered: rule %zu '%.*s' was added; "
		     "run '%s'",
		     c->fam, name, i + 1, quote_len(glen), got, c->fix);
	else
		hole(c,
		     "%s chain %s is altered: rule %zu is '%.*s', "
		     "expected '%.*s'; run '%s'",
		     c->fam, name, i + 1, quote_len(glen), got, quote_len(wlen),
		     want, c->fix);
}

static bool chain_has_reject(const char *listing, const char *name)
{
	char prefix[48];
	const char *line;
	size_t len, i;

	snprintf(prefix, sizeof(prefix), "-A %s ", name);
	for (i = 0; (line = nth_with(listing, prefix, i, &len)); i++)
		if (memmem(line, len, " -j REJECT", 10))
			return true;
	return false;
}

static void check_chain(struct cmp *c, const char *name)
{
	char decl[48];

	snprintf(decl, sizeof(decl), "-N %s", name);
	if (!has_line(c->listing, decl, strlen(decl))) {
		hole(c,
		     "%s chain %s is missing (%s table): nothing is judged "
		     "or refused; run '%s'",
		     c->fam, name, c->table, c->fix);
		return;
	}
	chain_diff(c, name);
	/* The mangle chain only drops premarked packets: no REJECT there. */
	if (!strcmp(c->table, "filter") && !chain_has_reject(c->listing, name))
		hole(c,
		     "%s chain %s has no REJECT rule: a reject verdict "
		     "cannot refuse the packet; run '%s'",
		     c->fam, name, c->fix);
}

/* A rule appended to a chain that is not ours: it must be there. */
static void check_present(struct cmp *c, const char *line, size_t len)
{
	if (!has_line(c->listing, line, len))
		hole(c, "%s: rule '%.*s' is missing; run '%s'", c->fam,
		     quote_len(len), line, c->fix);
}

/* "-I CHAIN N RULE" other than our jump: listed as "-A CHAIN RULE". */
static void check_inserted(struct cmp *c, const char *buf)
{
	char chain[32], want[96];
	int at = 0;

	if (sscanf(buf, "-I %31s %*u %n", chain, &at) != 1 || !at)
		return;
	snprintf(want, sizeof(want), "-A %s %s", chain, buf + at);
	check_present(c, want, strlen(want));
}

/* "-I CHAIN 1 -j NAME": the jump must be CHAIN's first rule. */
static void check_first(struct cmp *c, const char *line, size_t len)
{
	char buf[80], chain[32], target[32], prefix[40], want[80];
	const char *got;
	size_t glen;

	memcpy(buf, line, len);
	buf[len] = '\0';
	if (sscanf(buf, "-I %31s 1 -j %31s", chain, target) != 2)
		return check_inserted(c, buf);
	snprintf(want, sizeof(want), "-I %s 1 -j %s", chain, target);
	if (strcmp(want, buf))
		return check_inserted(c, buf);
	snprintf(prefix, sizeof(prefix), "-A %s ", chain);
	snprintf(want, sizeof(want), "-A %s -j %s", chain, target);
	got = nth_with(c->listing, prefix, 0, &glen);
	if (got && glen == strlen(want) && !memcmp(got, want, glen))
		return;
	if (!has_line(c->listing, want, strlen(want)))
		hole(c,
		     "%s: %s has no jump to %s: the chain is never "
		     "consulted; run '%s'",
		     c->fam, chain, target, c->fix);
	else
		hole(c,
		     "%s: the first rule of %s is '%.*s', not the jump to "
		     "%s: packets meet it before nfjudge; run '%s'",
		     c->fam, chain, quote_len(glen), got, target, c->fix);
}

static void check_bypass(struct cmp *c)
{
	const char *line, *p = c->listing;
	size_t len;

	while ((line = next_line(&p, &len)))
		if (starts(line, len, "-A ") &&
		    memmem(line, len, BYPASS, strlen(BYPASS)))
			hole(c,
			     "%s rule '%.*s' is fail-open: while no nfjudge "
			     "reads its queue, packets pass unjudged "
			     "(--queue-bypass); run '%s' without "
			     "--fail-open",
			     c->fam, quote_len(len), line, c->fix);
}

/* Whether "-A NAME ..." appends to a chain the text declares. */
static bool declared(char names[][32], size_t n, const char *line, size_t len)
{
	size_t i, k;

	for (i = 0; i < n; i++) {
		k = strlen(names[i]);
		if (len > k + 3 && !memcmp(line + 3, names[i], k) &&
		    line[k + 3] == ' ')
			return true;
	}
	return false;
}

static void check_line(struct cmp *c, char names[][32], size_t *n,
		       const char *line, size_t len)
{
	size_t k;

	if (line[0] == ':' && *n < MAX_CHAINS) {
		k = strcspn(line + 1, " \n");
		if (k && k < 32 && k < len) {
			memcpy(names[*n], line + 1, k);
			names[(*n)++][k] = '\0';
			check_chain(c, names[*n - 1]);
		}
	} else if (starts(line, len, "-I ") && len < 80) {
		check_first(c, line, len);
	} else if (starts(line, len, "-A ") &&
		   !declared(names, *n, line, len)) {
		check_present(c, line, len);
	}
}

size_t doctor_compare_table(struct doctor_report *r, const char *expected,
			    const char *table, const char *listing,
			    const char *fam_name, const char *fix)
{
	struct cmp c = {r, expected, table, listing, fam_name, fix, 0};
	struct section s = section_of(expected, table);
	char names[MAX_CHAINS][32];
	const char *line;
	size_t n = 0, len;

	while ((line = section_next(&s, &len)))
		check_line(&c, names, &n, line, len);
	check_bypass(&c);
	return c.holes;
}
