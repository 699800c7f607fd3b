// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>

#include "timefmt.h"

/* Read exactly n digits. */
static int digits(const char **p, int n, int *out)
{
	int v = 0;

	for (; n > 0; n--, (*p)++) {
		if (!isdigit((unsigned char)**p))
			return -EINVAL;
		v = v * 10 + (**p - '0');
	}
	*out = v;
	return 0;
}

static int expect(const char **p, const char *any)
{
	if (!**p || !strchr(any, **p))
		return -EINVAL;
	(*p)++;
	return 0;
}

static int parse_fraction(const char **p, int64_t *us)
{
	int64_t scale = 100000;

	*us = 0;
	if (**p != '.')
		return 0;
	(*p)++;
	if (!isdigit((unsigned char)**p))
		return -EINVAL;
	for (; isdigit((unsigned char)**p); (*p)++) {
		*us += (**p - '0') * scale;
		scale /= 10;
	}
	return 0;
}

static int parse_offset(const char **p, int64_t *off_s)
{
	int sign, h, m;

	if (**p == 'Z' || **p == 'z') {
		(*p)++;
		*off_s = 0;
		return 0;
	}
	if (**p != '+' && **p != '-')
		return -EINVAL;
	sign = **p == '-' ? -1 : 1;
	(*p)++;
	if (digits(p, 2, &h) || expect(p, ":") || digits(p, 2, &m) || h > 23 ||
	    m > 59)
		return -EINVAL;
	*off_s = sign * (h * 3600 + m * 60);
	return 0;
}

int timefmt_parse(const char *s, int64_t *us)
{
	struct tm tm = {0};
	int64_t frac, off;
	const char *p = s;
	time_t t;

	if (digits(&p, 4, &tm.tm_year) || expect(&p, "-") ||
	    digits(&p, 2, &tm.tm_mon) || expect(&p, "-") ||
	    digits(&p, 2, &tm.tm_mday) || expect(&p, "Tt ") ||
	    digits(&p, 2, &tm.tm_hour) || expect(&p, ":") ||
	    digits(&p, 2, &tm.tm_min) || expect(&p, ":") ||
	    digits(&p, 2, &tm.tm_sec) || parse_fraction(&p, &frac) ||
	    parse_offset(&p, &off) || *p)
		return -EINVAL;
	if (tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 ||
	    tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 ||
	    tm.tm_sec > 60)
		return -EINVAL;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	t = timegm(&tm);
	*us = ((int64_t)t - off) * 1000000 + frac;
	return 0;
}

static void put_digits(char *p, unsigned v, int n)
{
	while (n-- > 0) {
		p[n] = (char)('0' + v % 10);
		v /= 10;
	}
}

/* The date and time of one second, as the last call on this thread made
 * them: records come many to a second, gmtime_r() once is enough. */
static __thread struct {
	bool valid;
	int64_t sec;
	char text[TIMEFMT_LEN];
} timefmt_last;

static int format_second(int64_t sec, char out[TIMEFMT_LEN])
{
	time_t t = (time_t)sec;
	struct tm tm;

	if (!gmtime_r(&t, &tm) || tm.tm_year < -1900 || tm.tm_year > 8099)
		return -EINVAL;
	memcpy(out, "0000-00-00T00:00:00.000000Z", TIMEFMT_LEN);
	put_digits(out, (unsigned)(tm.tm_year + 1900), 4);
	put_digits(out + 5, (unsigned)tm.tm_mon + 1, 2);
	put_digits(out + 8, (unsigned)tm.tm_mday, 2);
	put_digits(out + 11, (unsigned)tm.tm_hour, 2);
	put_digits(out + 14, (unsigned)tm.tm_min, 2);
	put_digits(out + 17, (unsigned)tm.tm_sec, 2);
	return 0;
}

/* Formatted by hand: this runs once per record, printf was a tenth of it. */
int timefmt_format(int64_t ts_us, char out[TIMEFMT_LEN])
{
	int64_t sec = ts_us / 1000000, usec = ts_us % 1000000;

	if (usec < 0) {
		usec += 1000000;
		sec--;
	}
	if (!timefmt_last.valid || timefmt_last.sec != sec) {
		if (format_second(sec, timefmt_last.text))
			return -EINVAL;
		timefmt_last.sec = sec;
		timefmt_last.valid = true;
	}
	memcpy(out, timefmt_last.text, TIMEFMT_LEN);
	put_digits(out + 20, (unsigned)usec, 6);
	return 0;
}

/* 0000-01-01T00:00:00Z and 10000-01-01T00:00:00Z, in seconds */
#define TIMEFMT_FIRST_S (-62167219200LL)
#define TIMEFMT_END_S	253402300800LL

bool timefmt_in_range(int64_t ts_us)
{
	return ts_us >= TIMEFMT_FIRST_S * 1000000 &&
	       ts_us < TIMEFMT_END_S * 1000000;
}

int64_t timefmt_clock_us(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}
