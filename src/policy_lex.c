// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The policy lexer: splits text into statements (logical lines, joined
 * across a trailing backslash) of words, quoted strings and commas, each
 * with its line and column.  Also the diagnostics helpers.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy_int.h"

void policy_lex_error(struct pdiag *d, unsigned line, unsigned col,
		      const char *fmt, ...)
{
	char msg[512], full[700];
	va_list ap;

	d->errors++;
	if (!d->opts || !d->opts->diag)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(full, sizeof(full), "%s:%u:%u: %s", d->file, line, col, msg);
	d->opts->diag(d->opts->ctx, full);
}

static size_t min3(size_t a, size_t b, size_t c)
{
	size_t m = a < b ? a : b;

	return m < c ? m : c;
}

/* Levenshtein distance; words longer than 32 bytes are never close. */
static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	size_t prev[33], cur[33];

	if (la > 32 || lb > 32)
		return (size_t)-1;
	for (j = 0; j <= lb; j++)
		prev[j] = j;
	for (i = 1; i <= la; i++) {
		cur[0] = i;
		for (j = 1; j <= lb; j++)
			cur[j] = min3(prev[j] + 1, cur[j - 1] + 1,
				      prev[j - 1] + (a[i - 1] != b[j - 1]));
		memcpy(prev, cur, sizeof(prev));
	}
	return prev[lb];
}

const char *policy_lex_suggest(const char *word, const char *const *words,
			       size_t n)
{
	size_t i, best = (size_t)-1, limit = strlen(word) <= 3 ? 1 : 2;
	const char *found = NULL;

	for (i = 0; i < n; i++) {
		size_t d = edit_distance(word, words[i]);

		if (d <= limit && d < best) {
			best = d;
			found = words[i];
		}
	}
	return found;
}

void policy_lex_init(struct plex *lx, const char *s, size_t len,
		     struct pdiag *d)
{
	memset(lx, 0, sizeof(*lx));
	lx->s = s;
	lx->len = len;
	lx->line = 1;
	lx->col = 1;
	lx->diag = d;
}

static int peek(const struct plex *lx, size_t ahead)
{
	if (lx->pos + ahead >= lx->len)
		return -1;
	return (unsigned char)lx->s[lx->pos + ahead];
}

static void advance(struct plex *lx)
{
	if (lx->s[lx->pos] == '\n') {
		lx->line++;
		lx->col = 1;
	} else {
		lx->col++;
	}
	lx->pos++;
}

/* A backslash, then optional blanks, then a newline: a continuation. */
static size_t continuation_len(const struct plex *lx)
{
	size_t i = 1;

	if (peek(lx, 0) != '\\')
		return 0;
	while (peek(lx, i) == ' ' || peek(lx, i) == '\t' || peek(lx, i) == '\r')
		i++;
	return peek(lx, i) == '\n' ? i + 1 : 0;
}

void *policy_lex_grow(void *arr, size_t n, size_t *cap, size_t size)
{
	size_t c = *cap ? *cap * 2 : 8;
	void *p;

	if (n < *cap)
		return arr;
	p = reallocarray(arr, c, size);
	if (p)
		*cap = c;
	return p;
}

static int push_token(struct pstmt *st, enum ptok_type type, const char *s,
		      size_t n, unsigned line, unsigned col)
{
	struct ptoken *t;

	t = policy_lex_grow(st->t, st->n, &st->cap, sizeof(*t));
	if (!t)
		return -ENOMEM;
	st->t = t;
	t = &st->t[st->n];
	t->text = strndup(s, n);
	if (!t->text)
		return -ENOMEM;
	t->type = type;
	t->line = line;
	t->col = col;
	st->n++;
	return 0;
}

static int keep_header(struct plex *lx, size_t start)
{
	size_t n = lx->pos - start;
	char *h = realloc(lx->header, lx->header_len + n + 2);

	if (!h)
		return -ENOMEM;
	memcpy(h + lx->header_len, lx->s + start, n);
	lx->header_len += n;
	h[lx->header_len++] = '\n';
	h[lx->header_len] = '\0';
	lx->header = h;
	return 0;
}

static int skip_comment(struct plex *lx, bool whole_line)
{
	size_t start = lx->pos;

	while (peek(lx, 0) != -1 && peek(lx, 0) != '\n') {
		/* it would cut the header short where it is printed */
		if (peek(lx, 0) == '\0')
			policy_lex_error(lx->diag, lx->line, lx->col,
					 "NUL byte in policy");
		advance(lx);
	}
	if (whole_line && !lx->started)
		return keep_header(lx, start);
	return 0;
}

static bool word_char(int c)
{
	return c != -1 && c != ' ' && c != '\t' && c != '\r' && c != '\n' &&
	       c != ',' && c != '"' && c != '\0';
}

static int lex_word(struct plex *lx, struct pstmt *st)
{
	unsigned line = lx->line, col = lx->col;
	size_t start = lx->pos;

	while (word_char(peek(lx, 0)) && !continuation_len(lx))
		advance(lx);
	return push_token(st, PTOK_WORD, lx->s + start, lx->pos - start, line,
			  col);
}

/* Bytes up to the closing quote, or -1 when the string is unterminated. */
static long string_len(const struct plex *lx)
{
	size_t i = 1;
	int c;

	while ((c = peek(lx, i)) != '"') {
		if (c == -1 || c == '\n' || c == '\0')
			return -1;
		if (c == '\\' &&
		    (peek(lx, i + 1) == '"' || peek(lx, i + 1) == '\\'))
			i++;
		i++;
	}
	return (long)i - 1;
}

/* "..." with \" and \\ escaped; other backslashes are kept as they are. */
static int lex_string(struct plex *lx, struct pstmt *st)
{
	unsigned line = lx->line, col = lx->col;
	long len = string_len(lx);
	size_t n = 0;
	char *buf;
	int rc;

	if (len < 0) {
		policy_lex_error(lx->diag, line, col, "unterminated string");
		st->bad = true;
		while (peek(lx, 0) != -1 && peek(lx, 0) != '\n')
			advance(lx);
		return 0;
	}
	buf = malloc((size_t)len + 1);
	if (!buf)
		return -ENOMEM;
	advance(lx);
	while (peek(lx, 0) != '"') {
		if (peek(lx, 0) == '\\' &&
		    (peek(lx, 1) == '"' || peek(lx, 1) == '\\'))
			advance(lx);
		buf[n++] = lx->s[lx->pos];
		advance(lx);
	}
	advance(lx);
	rc = push_token(st, PTOK_STRING, buf, n, line, col);
	free(buf);
	return rc;
}

/* One token or separator; 1 when the statement ended. */
static int lex_one(struct plex *lx, struct pstmt *st)
{
	int c = peek(lx, 0);
	size_t cont = continuation_len(lx);

	if (cont) {
		while (cont--)
			advance(lx);
		return 0;
	}
	if (c == ' ' || c == '\t' || c == '\r') {
		advance(lx);
		return 0;
	}
	if (c == '\n') {
		advance(lx);
		return st->n || st->bad;
	}
	if (c == '#')
		return skip_comment(lx, st->n == 0);
	if (c == ',') {
		advance(lx);
		return push_token(st, PTOK_COMMA, ",", 1, lx->line,
				  lx->col - 1);
	}
	if (c == '"')
		return lex_string(lx, st);
	if (c == '\0') {
		policy_lex_error(lx->diag, lx->line, lx->col,
				 "NUL byte in policy");
		st->bad = true;
		advance(lx);
		return 0;
	}
	return lex_word(lx, st);
}

int policy_lex_next(struct plex *lx, struct pstmt *st)
{
	int rc;

	policy_lex_stmt_clear(st);
	while (peek(lx, 0) != -1) {
		rc = lex_one(lx, st);
		if (rc < 0)
			return rc;
		if (rc > 0)
			break;
	}
	if (st->n)
		lx->started = true;
	return st->n || st->bad;
}

void policy_lex_stmt_clear(struct pstmt *st)
{
	size_t i;

	for (i = 0; i < st->n; i++)
		free(st->t[i].text);
	st->n = 0;
	st->bad = false;
}

int policy_lex_token_copy(struct ptoken *dst, const struct ptoken *src)
{
	*dst = *src;
	dst->text = strdup(src->text);
	return dst->text ? 0 : -ENOMEM;
}
