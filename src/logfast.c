// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * One pass over a record line, validating as it goes, taking the fields
 * the audit commands read.  Whatever it is not sure jansson would read
 * the same way, it declines (-EAGAIN): the full parser has the last word.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "logfast.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#define LF_DEPTH_MAX 32 /* records nest 4 deep */
#define LF_KEYS_MAX  64 /* keys of one object, for the duplicate check */

enum lf_table { LFT_NONE, LFT_TOP, LFT_PROC };

struct lfp {
	const char *p, *end;
	struct logfast *f;
	int depth;
};

struct lf_span {
	const char *p;
	size_t len;
};

/* The keys of one object so far, for the duplicate check. */
struct lf_keys {
	struct lf_span k[LF_KEYS_MAX];
	size_t n;
	uint64_t seen; /* a bit per hash of length and ends */
};

static const char *const lf_names[LFK_NKEYS] = {
	[LFK_TIMESTAMP] = "timestamp",
	[LFK_EVENT_TYPE] = "event_type",
	[LFK_SEQ] = "seq",
	[LFK_CHAIN] = "chain",
	[LFK_PREV_CHAIN] = "prev_chain",
	[LFK_VERDICT] = "verdict",
	[LFK_RULE] = "rule",
	[LFK_PROTO] = "proto",
	[LFK_SRC_IP] = "src_ip",
	[LFK_DEST_IP] = "dest_ip",
	[LFK_ATTRIBUTION] = "attribution",
	[LFK_IP_VERSION] = "ip_version",
	[LFK_SRC_PORT] = "src_port",
	[LFK_DEST_PORT] = "dest_port",
	[LFK_PROC] = "proc",
	[LFK_LOST] = "lost",
	[LFK_COUNT] = "count",
	[LFK_LOST_RECORDS] = "lost_records",
	[LFK_PROC_EXE] = "exe",
	[LFK_PROC_USER] = "user",
	[LFK_PROC_PID] = "pid",
	[LFK_PROC_UID] = "uid",
};

/* Bytes a string holds as they are: printable ASCII but " and \. */
static const uint8_t lf_plain_tab[256] = {
	[0x20 ... 0x21] = 1, /* 0x22 is " */
	[0x23 ... 0x5b] = 1, /* 0x5c is \ */
	[0x5d ... 0x7e] = 1,
};

static bool lf_digit(char c)
{
	return c >= '0' && c <= '9';
}

static void lf_ws(struct lfp *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' ||
				 *s->p == '\r' || *s->p == '\n'))
		s->p++;
}

/* The fields by the length of their names, each as its index plus one
 * (0 ends a list): a key is compared with names of its length only. */
#define LF_NAME_MAX 12
static const uint8_t lf_by_len[LF_NAME_MAX + 1][5] = {
	[3] = {LFK_SEQ + 1, LFK_PROC_EXE + 1, LFK_PROC_PID + 1,
	       LFK_PROC_UID + 1},
	[4] = {LFK_RULE + 1, LFK_PROC + 1, LFK_LOST + 1, LFK_PROC_USER + 1},
	[5] = {LFK_CHAIN + 1, LFK_PROTO + 1, LFK_COUNT + 1},
	[6] = {LFK_SRC_IP + 1},
	[7] = {LFK_VERDICT + 1, LFK_DEST_IP + 1},
	[8] = {LFK_SRC_PORT + 1},
	[9] = {LFK_TIMESTAMP + 1, LFK_DEST_PORT + 1},
	[10] = {LFK_EVENT_TYPE + 1, LFK_PREV_CHAIN + 1, LFK_IP_VERSION + 1},
	[11] = {LFK_ATTRIBUTION + 1},
	[12] = {LFK_LOST_RECORDS + 1},
};

/* The field a key names in this table, or -1. */
static int lf_key(enum lf_table t, const char *k, size_t len)
{
	const uint8_t *c;
	int i;

	if (t == LFT_NONE || !len || len > LF_NAME_MAX)
		return -1;
	for (c = lf_by_len[len]; *c; c++) {
		i = *c - 1;
		if ((t == LFT_TOP) == (i < LFK_PROC_EXE) &&
		    lf_names[i][0] == k[0] && !memcmp(lf_names[i], k, len))
			return i;
	}
	return -1;
}

static int lf_hexval(char c)
{
	if (lf_digit(c))
		return c - '0';
	c = (char)(c | 0x20);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* After a backslash at *pp: a valid escape, not a surrogate. */
static int lf_escape(const char **pp, const char *end)
{
	const char *p = *pp + 1;
	unsigned v = 0;
	int i, h;

	if (p >= end)
		return -EAGAIN;
	if (*p && strchr("\"\\/bfnrt", *p)) {
		*pp = p + 1;
		return 0;
	}
	if (*p != 'u' || end - p < 5)
		return -EAGAIN;
	for (i = 1; i <= 4; i++) {
		h = lf_hexval(p[i]);
		if (h < 0)
			return -EAGAIN;
		v = v * 16 + (unsigned)h;
	}
	if (v >= 0xd800 && v <= 0xdfff) /* pairs: left to jansson */
		return -EAGAIN;
	*pp = p + 5;
	return 0;
}

#ifdef __SSE2__
/* Past the plain bytes at p, 16 at a time: the run ends at a quote, a
 * backslash, a control byte, DEL or a byte over 0x7f. */
static const char *lf_plain_run(const char *p, const char *end)
{
	const __m128i quote = _mm_set1_epi8('"'), bs = _mm_set1_epi8('\\');
	const __m128i space = _mm_set1_epi8(0x20), del = _mm_set1_epi8(0x7f);
	__m128i v, m;
	int bits;

	while (end - p >= 16) {
		v = _mm_loadu_si128((const __m128i *)(const void *)p);
		/* signed: bytes over 0x7f compare below 0x20 too */
		m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote),
					      _mm_cmpeq_epi8(v, bs)),
				 _mm_or_si128(_mm_cmplt_epi8(v, space),
					      _mm_cmpeq_epi8(v, del)));
		bits = _mm_movemask_epi8(m);
		if (bits)
			return p + __builtin_ctz((unsigned)bits);
		p += 16;
	}
	return p;
}
#else
static const char *lf_plain_run(const char *p, const char *end)
{
	(void)end;
	return p;
}
#endif

/* A string at s->p (its opening quote). */
static int lf_string(struct lfp *s, struct lf_val *v)
{
	const char *p = s->p + 1, *start = p;
	bool esc = false;

	for (;;) {
		p = lf_plain_run(p, s->end);
		while (p < s->end && lf_plain_tab[(unsigned char)*p])
			p++;
		if (p >= s->end || (*p != '"' && *p != '\\'))
			return -EAGAIN; /* control, non-ASCII or cut */
		if (*p == '"')
			break;
		if (lf_escape(&p, s->end))
			return -EAGAIN;
		esc = true;
	}
	v->p = start;
	v->len = (uint32_t)(p - start);
	v->type = esc ? LF_ESC : LF_STR;
	s->p = p + 1;
	return 0;
}

/* A number: integers of up to 18 digits, fractions; no exponent. */
static int lf_number(struct lfp *s, struct lf_val *v)
{
	const char *p = s->p;
	bool neg = *p == '-';
	long long n = 0;
	int digits = 0;

	p += neg;
	if (p >= s->end || !lf_digit(*p) ||
	    (*p == '0' && p + 1 < s->end && lf_digit(p[1])))
		return -EAGAIN;
	for (; p < s->end && lf_digit(*p) && digits < 18; p++, digits++)
		n = n * 10 + (*p - '0');
	if (p < s->end && lf_digit(*p))
		return -EAGAIN; /* 19 digits or more: jansson's range */
	v->type = LF_INT;
	if (p < s->end && *p == '.') {
		if (++p >= s->end || !lf_digit(*p))
			return -EAGAIN;
		while (p < s->end && lf_digit(*p))
			p++;
		v->type = LF_OTHER;
	}
	if (p < s->end && (*p == 'e' || *p == 'E'))
		return -EAGAIN;
	v->num = neg ? -n : n;
	s->p = p;
	return 0;
}

static int lf_literal(struct lfp *s, struct lf_val *v)
{
	static const char *const lits[] = {"null", "true", "false"};
	size_t i, n;

	for (i = 0; i < 3; i++) {
		n = strlen(lits[i]);
		if ((size_t)(s->end - s->p) >= n && !memcmp(s->p, lits[i], n)) {
			s->p += n;
			v->type = LF_OTHER;
			return 0;
		}
	}
	return -EAGAIN;
}

static int lf_object(struct lfp *s, enum lf_table t);
static int lf_array(struct lfp *s);

static int lf_value(struct lfp *s, struct lf_val *v, enum lf_table t)
{
	int ret;

	if (s->p >= s->end)
		return -EAGAIN;
	switch (*s->p) {
	case '"':
		return lf_string(s, v);
	case '{':
		ret = lf_object(s, t);
		v->type = LF_OBJ;
		return ret;
	case '[':
		v->type = LF_OTHER;
		return lf_array(s);
	case 't':
	case 'f':
	case 'n':
		return lf_literal(s, v);
	default:
		return lf_number(s, v);
	}
}

/* Add key k; false when the object had it before: jansson refuses that. */
static bool lf_newkey(struct lf_keys *keys, const struct lf_val *k)
{
	unsigned h = k->len * 7u;
	size_t i;

	if (k->len)
		h += (unsigned char)k->p[0] * 3u +
		     (unsigned char)k->p[k->len - 1];
	h &= 63u;
	if (keys->n == LF_KEYS_MAX)
		return false;
	if (keys->seen & (1ull << h))
		for (i = 0; i < keys->n; i++)
			if (keys->k[i].len == k->len &&
			    !memcmp(keys->k[i].p, k->p, k->len))
				return false;
	keys->seen |= 1ull << h;
	keys->k[keys->n].p = k->p;
	keys->k[keys->n++].len = k->len;
	return true;
}

/* One "key": value of an object in table t. */
static int lf_member(struct lfp *s, enum lf_table t, struct lf_keys *keys)
{
	struct lf_val k, tmp, *v = &tmp;
	int idx;

	if (s->p >= s->end || *s->p != '"' || lf_string(s, &k) ||
	    k.type != LF_STR || !lf_newkey(keys, &k))
		return -EAGAIN;
	lf_ws(s);
	if (s->p >= s->end || *s->p++ != ':')
		return -EAGAIN;
	lf_ws(s);
	idx = lf_key(t, k.p, k.len);
	if (idx >= 0)
		v = &s->f->v[idx];
	if (lf_value(s, v, idx == LFK_PROC ? LFT_PROC : LFT_NONE))
		return -EAGAIN;
	/* an escaped string is declined only where it is read */
	return idx >= 0 && v->type == LF_ESC ? -EAGAIN : 0;
}

static int lf_object(struct lfp *s, enum lf_table t)
{
	struct lf_keys keys;

	if (++s->depth > LF_DEPTH_MAX)
		return -EAGAIN;
	keys.n = 0;
	keys.seen = 0;
	s->p++;
	lf_ws(s);
	if (s->p < s->end && *s->p == '}')
		goto done;
	for (;;) {
		if (lf_member(s, t, &keys))
			return -EAGAIN;
		lf_ws(s);
		if (s->p >= s->end || (*s->p != ',' && *s->p != '}'))
			return -EAGAIN;
		if (*s->p == '}')
			break;
		s->p++;
		lf_ws(s);
	}
done:
	s->p++;
	s->depth--;
	return 0;
}

static int lf_array(struct lfp *s)
{
	struct lf_val v;

	if (++s->depth > LF_DEPTH_MAX)
		return -EAGAIN;
	s->p++;
	lf_ws(s);
	if (s->p < s->end && *s->p == ']')
		goto done;
	for (;;) {
		if (lf_value(s, &v, LFT_NONE))
			return -EAGAIN;
		lf_ws(s);
		if (s->p >= s->end || (*s->p != ',' && *s->p != ']'))
			return -EAGAIN;
		if (*s->p == ']')
			break;
		s->p++;
		lf_ws(s);
	}
done:
	s->p++;
	s->depth--;
	return 0;
}

int logfast_parse(struct logfast *f, const char *line, size_t len)
{
	struct lfp s = {.p = line, .end = line + len, .f = f};
	int i;

	for (i = 0; i < LFK_NKEYS; i++)
		f->v[i].type = LF_ABSENT;
	lf_ws(&s);
	if (s.p >= s.end || *s.p != '{' || lf_object(&s, LFT_TOP))
		return -EAGAIN;
	lf_ws(&s);
	if (s.p != s.end)
		return -EAGAIN;
	/* the fields of "proc" count only when it is an object */
	if (f->v[LFK_PROC].type != LF_OBJ)
		for (i = LFK_PROC_EXE; i < LFK_NKEYS; i++)
			f->v[i].type = LF_ABSENT;
	return 0;
}
