/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFJUDGE_TIMEFMT_H
#define NFJUDGE_TIMEFMT_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

/*
 * Parse an RFC 3339 time, "2026-11-28T12:00:00.123456Z" or with a numeric
 * offset ("+02:00"); the fraction is optional.  Returns 0 with *us set to
 * microseconds since the epoch, or -EINVAL.
 */
int timefmt_parse(const char *s, int64_t *us);

/*
 * Microseconds since the epoch as the records write them,
 * "2026-11-28T12:00:00.123456Z", into out; -EINVAL outside years 0..9999.
 */
#define TIMEFMT_LEN 28
int timefmt_format(int64_t ts_us, char out[TIMEFMT_LEN]);

/* Whether timefmt_format() can write the time: years 0..9999. */
bool timefmt_in_range(int64_t ts_us);

/* The clock id's time in microseconds (epoch for CLOCK_REALTIME). */
int64_t timefmt_clock_us(clockid_t id);

#endif
