// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * One line of a verdict log parsed into the fields the chain needs: with
 * jansson, or from logfast's scan of it; and the claims read from a line's
 * tail without a parse.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "logfast.h"
#include "logread.h"

#ifndef __SSE2__
static const uint8_t hex_tab[256] = {
	['0' ... '9'] = 1,
	['a' ... 'f'] = 1,
};
#endif

#ifdef __SSE2__
/* 16 bytes at a time: each in '0'..'9' or 'a'..'f' (signed compares:
 * bytes over 0x7f are negative, in neither range). */
static bool is_hex64(const char *s)
{
	const __m128i d0 = _mm_set1_epi8('0' - 1), d9 = _mm_set1_epi8('9' + 1);
	const __m128i a = _mm_set1_epi8('a' - 1), f = _mm_set1_epi8('f' + 1);
	__m128i v, ok = _mm_set1_epi8(-1);
	int i;

	for (i = 0; i < CHAIN_HEX; i += 16) {
		v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
		ok = _mm_and_si128(
			ok, _mm_or_si128(_mm_and_si128(_mm_cmpgt_epi8(v, d0),
						       _mm_cmplt_epi8(v, d9)),
					 _mm_and_si128(_mm_cmpgt_epi8(v, a),
						       _mm_cmplt_epi8(v, f))));
	}
	return _mm_movemask_epi8(ok) == 0xffff;
}
#else
static bool is_hex64(const char *s)
{
	unsigned ok = 1;
	int i;

	for (i = 0; i < CHAIN_HEX; i++)
		ok &= hex_tab[(unsigned char)s[i]];
	return ok;
}
#endif

/* The line must end in ,"chain":"<hex>"}: the chain covers all before. */
static bool logrec_suffix(const char *line, size_t len)
{
	const char *s;

	if (len < CHAIN_SUFFIX_LEN - 1)
		return false;
	s = line + len - (CHAIN_SUFFIX_LEN - 1);
	return !memcmp(s, ",\"chain\":\"", 10) && is_hex64(s + 10) &&
	       !memcmp(s + 10 + CHAIN_HEX, "\"}", 2);
}

static uint64_t jcount(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	return json_is_integer(v) && json_integer_value(v) > 0
		       ? (uint64_t)json_integer_value(v)
		       : 0;
}

/* The event type and, for a gap, what it lost: what verify reads. */
static void logrec_event(struct logrec *rec)
{
	json_t *type = json_object_get(rec->root, "event_type");
	const char *what =
		json_string_value(json_object_get(rec->root, "lost"));

	if (json_is_string(type) &&
	    json_string_length(type) < sizeof(rec->event_type))
		strcpy(rec->event_type, json_string_value(type));
	if (!strcmp(rec->event_type, "error"))
		rec->lost_records = jcount(rec->root, "lost_records");
	if (strcmp(rec->event_type, "lost"))
		return;
	if (what && !strcmp(what, "records"))
		rec->lost_records = jcount(rec->root, "count");
	else
		rec->lost_packets = jcount(rec->root, "count");
}

static int logrec_fields(struct logrec *rec, char *err, size_t errlen)
{
	json_t *seq = json_object_get(rec->root, "seq");
	json_t *prev = json_object_get(rec->root, "prev_chain");
	const char *chain =
		json_string_value(json_object_get(rec->root, "chain"));

	if (!json_is_integer(seq) || json_integer_value(seq) < 1) {
		snprintf(err, errlen, "no \"seq\" (a positive integer)");
		return -EBADMSG;
	}
	if (!chain || strlen(chain) != CHAIN_HEX || !is_hex64(chain)) {
		snprintf(err, errlen, "bad \"chain\" field");
		return -EBADMSG;
	}
	if (prev &&
	    (!json_is_string(prev) || json_string_length(prev) != CHAIN_HEX ||
	     !is_hex64(json_string_value(prev)))) {
		snprintf(err, errlen, "bad \"prev_chain\" field");
		return -EBADMSG;
	}
	rec->seq = (uint64_t)json_integer_value(seq);
	logrec_event(rec);
	memcpy(rec->chain, chain, sizeof(rec->chain));
	if (prev)
		memcpy(rec->prev_chain, json_string_value(prev),
		       sizeof(rec->prev_chain));
	return 0;
}

int logread_rec_parse(struct logrec *rec, const char *line, size_t len,
		      char *err, size_t errlen)
{
	json_error_t jerr;

	memset(rec, 0, sizeof(*rec));
	rec->root = json_loadb(line, len,
			       JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &jerr);
	if (!rec->root) {
		snprintf(err, errlen, "invalid JSON at column %d: %s",
			 jerr.column, jerr.text);
		return -EBADMSG;
	}
	if (!json_is_object(rec->root)) {
		snprintf(err, errlen, "not a JSON object");
		goto bad;
	}
	if (!logrec_suffix(line, len)) {
		snprintf(err, errlen, "does not end with the \"chain\" field");
		goto bad;
	}
	if (logrec_fields(rec, err, errlen))
		goto bad;
	rec->body_len = len - (CHAIN_SUFFIX_LEN - 1);
	return 0;
bad:
	logread_rec_clear(rec);
	return -EBADMSG;
}

static bool fast_hex64(const struct lf_val *v)
{
	return v->type == LF_STR && v->len == CHAIN_HEX && is_hex64(v->p);
}

static uint64_t fast_count(const struct lf_val *v)
{
	return v->type == LF_INT && v->num > 0 ? (uint64_t)v->num : 0;
}

/* As logrec_event(), from the fast path's fields. */
static void logrec_fast_event(struct logrec *rec, const struct logfast *f)
{
	const struct lf_val *type = &f->v[LFK_EVENT_TYPE];
	const struct lf_val *what = &f->v[LFK_LOST];

	if (type->type == LF_STR && type->len < sizeof(rec->event_type)) {
		memcpy(rec->event_type, type->p, type->len);
		rec->event_type[type->len] = '\0';
	}
	if (!strcmp(rec->event_type, "error"))
		rec->lost_records = fast_count(&f->v[LFK_LOST_RECORDS]);
	if (strcmp(rec->event_type, "lost"))
		return;
	if (what->type == LF_STR && what->len == 7 &&
	    !memcmp(what->p, "records", 7))
		rec->lost_records = fast_count(&f->v[LFK_COUNT]);
	else
		rec->lost_packets = fast_count(&f->v[LFK_COUNT]);
}

int logread_rec_fast(struct logrec *rec, const struct logfast *f,
		     const char *line, size_t len)
{
	const struct lf_val *seq = &f->v[LFK_SEQ];
	const struct lf_val *prev = &f->v[LFK_PREV_CHAIN];

	memset(rec, 0, sizeof(*rec));
	/* the suffix is the chain field, its digest checked there */
	if (!logrec_suffix(line, len) || seq->type != LF_INT || seq->num < 1 ||
	    f->v[LFK_CHAIN].type != LF_STR ||
	    f->v[LFK_CHAIN].len != CHAIN_HEX ||
	    (prev->type != LF_ABSENT && !fast_hex64(prev)))
		return -EAGAIN;
	rec->seq = (uint64_t)seq->num;
	memcpy(rec->chain, f->v[LFK_CHAIN].p, CHAIN_HEX);
	if (prev->type != LF_ABSENT)
		memcpy(rec->prev_chain, prev->p, CHAIN_HEX);
	logrec_fast_event(rec, f);
	rec->body_len = len - (CHAIN_SUFFIX_LEN - 1);
	return 0;
}

const char *logread_rec_claim(const char *line, size_t len)
{
	if (!logrec_suffix(line, len))
		return NULL;
	return line + len - (CHAIN_SUFFIX_LEN - 1) + 10;
}

void logread_rec_clear(struct logrec *rec)
{
	json_decref(rec->root);
	rec->root = NULL;
}

int logread_rec_tail(const char *tail, size_t len, uint64_t *seq,
		     char chain[CHAIN_HEX + 1])
{
	struct logrec rec;
	const char *start;
	char err[128];
	size_t end;

	if (!len)
		return -ENOENT;
	if (tail[len - 1] != '\n')
		return -EBADMSG;
	end = len - 1;
	start = tail + end;
	while (start > tail && start[-1] != '\n')
		start--;
	if (logread_rec_parse(&rec, start, (size_t)(tail + end - start), err,
			      sizeof(err)))
		return -EBADMSG;
	*seq = rec.seq;
	memcpy(chain, rec.chain, CHAIN_HEX + 1);
	logread_rec_clear(&rec);
	return 0;
}
