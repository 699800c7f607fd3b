// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The conditions of audit search (and of anything else that selects
 * records): parsed from option text, matched against one record.
 */
#include "config.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "audit_filter.h"
#include "audit_rec.h"
#include "timefmt.h"

void audit_filter_init(struct afilter *f)
{
	memset(f, 0, sizeof(*f));
	f->uid = f->pid = -1;
	f->port_lo = f->port_hi = -1;
	f->since = INT64_MIN;
	f->until = INT64_MAX;
}

/* A decimal number in [0, max], nothing else. */
static int parse_num(const char *s, long long max, long long *out)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	*out = strtoll(s, &end, 10);
	if (errno || *end || *out > max)
		return -EINVAL;
	return 0;
}

int audit_filter_time(const char *s, int64_t now_us, int64_t *us)
{
	static const struct {
		char unit;
		int64_t us;
	} units[] = {{'s', 1000000},
		     {'m', 60000000},
		     {'h', 3600000000},
		     {'d', 86400000000}};
	size_t n = strlen(s), i;
	char num[24];
	long long v;

	if (s[0] != '-')
		return timefmt_parse(s, us) ? -EINVAL : 0;
	if (n < 3 || n - 2 >= sizeof(num))
		return -EINVAL;
	memcpy(num, s + 1, n - 2);
	num[n - 2] = '\0';
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (s[n - 1] != units[i].unit)
			continue;
		if (parse_num(num, INT64_MAX / units[i].us, &v))
			return -EINVAL;
		*us = now_us - (int64_t)v * units[i].us;
		return 0;
	}
	return -EINVAL;
}

static int set_port(struct afilter *f, const char *v)
{
	char lo[8];
	const char *dash = strchr(v, '-');
	size_t n = dash ? (size_t)(dash - v) : strlen(v);
	long long a, b;

	if (n >= sizeof(lo))
		return -EINVAL;
	memcpy(lo, v, n);
	lo[n] = '\0';
	if (parse_num(lo, 65535, &a) ||
	    parse_num(dash ? dash + 1 : lo, 65535, &b) || a > b)
		return -EINVAL;
	f->port_lo = (long)a;
	f->port_hi = (long)b;
	return 0;
}

static int set_verdict(struct afilter *f, const char *v)
{
	if (strcmp(v, "accept") && strcmp(v, "reject") && strcmp(v, "drop"))
		return -EINVAL;
	f->verdict = v;
	return 0;
}

static int set_proto(struct afilter *f, const char *v)
{
	if (!strcasecmp(v, "tcp"))
		f->proto = "TCP";
	else if (!strcasecmp(v, "udp"))
		f->proto = "UDP";
	else
		return -EINVAL;
	return 0;
}

static int set_user(struct afilter *f, const char *v)
{
	if (!v[0])
		return -EINVAL;
	if (parse_num(v, 0xffffffffLL, &f->uid))
		f->user = v;
	return 0;
}

static int set_value(struct afilter *f, const char *key, const char *v,
		     int64_t now_us)
{
	if (!strcmp(key, "verdict"))
		return set_verdict(f, v);
	if (!strcmp(key, "rule") || !strcmp(key, "exe")) {
		*(!strcmp(key, "rule") ? &f->rule : &f->exe_glob) = v;
		return v[0] ? 0 : -EINVAL;
	}
	if (!strcmp(key, "user"))
		return set_user(f, v);
	if (!strcmp(key, "pid"))
		return parse_num(v, 0x7fffffff, &f->pid);
	if (!strcmp(key, "dest"))
		return cidr_list_parse(v, &f->dest);
	if (!strcmp(key, "port"))
		return set_port(f, v);
	if (!strcmp(key, "proto"))
		return set_proto(f, v);
	if (!strcmp(key, "since"))
		return audit_filter_time(v, now_us, &f->since);
	if (!strcmp(key, "until"))
		return audit_filter_time(v, now_us, &f->until);
	return -ENOENT;
}

static const char *expected(const char *key)
{
	static const char *const what[][2] = {
		{"verdict", "accept, reject or drop"},
		{"rule", "a rule name"},
		{"exe", "a glob"},
		{"user", "a user name or uid"},
		{"pid", "a process id"},
		{"dest", "an address or CIDR, IPv4 or IPv6 (comma list)"},
		{"port", "a port N or range N-M (0..65535)"},
		{"proto", "tcp or udp"},
		{"since", "an RFC 3339 time or -N[smhd]"},
		{"until", "an RFC 3339 time or -N[smhd]"},
	};
	size_t i;

	for (i = 0; i < sizeof(what) / sizeof(what[0]); i++)
		if (!strcmp(key, what[i][0]))
			return what[i][1];
	return "a known option";
}

int audit_filter_set(struct afilter *f, const char *key, const char *value,
		     int64_t now_us, char *err, size_t errlen)
{
	int rc = set_value(f, key, value, now_us);

	if (rc == -EINVAL)
		snprintf(err, errlen, "--%s '%s': expected %s", key, value,
			 expected(key));
	else if (rc)
		snprintf(err, errlen, "unknown filter '%s'", key);
	return rc;
}

static bool match_proc(const struct afilter *f, const struct arec *a)
{
	if (f->exe_glob &&
	    (!a->exe || fnmatch(f->exe_glob, a->exe, FNM_PATHNAME)))
		return false;
	if (f->user && (!a->user || strcmp(f->user, a->user)))
		return false;
	if (f->uid >= 0 && a->uid != f->uid)
		return false;
	return f->pid < 0 || a->pid == f->pid;
}

bool audit_filter_match(const struct afilter *f, const struct arec *a)
{
	size_t i;

	if (a->ts_us < f->since || a->ts_us > f->until)
		return false;
	if ((f->verdict && strcmp(f->verdict, a->verdict)) ||
	    (f->rule && strcmp(f->rule, a->rule)) ||
	    (f->proto && strcmp(f->proto, a->proto)))
		return false;
	if (f->port_lo >= 0 &&
	    (a->dest_port < f->port_lo || a->dest_port > f->port_hi))
		return false;
	for (i = 0; i < f->dest.n; i++)
		if (cidr_contains(&f->dest.items[i], a->ip_version, a->dst))
			break;
	if (f->dest.n && i == f->dest.n)
		return false;
	return match_proc(f, a);
}
