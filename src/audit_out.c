// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Table, CSV and format helpers shared by the audit commands, so that
 * every command quotes and aligns the same way.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "audit_out.h"

#define CELL_MAX 4096

int audit_format_parse(const char *s, enum aformat *f)
{
	if (!strcmp(s, "table"))
		*f = AFORMAT_TABLE;
	else if (!strcmp(s, "json"))
		*f = AFORMAT_JSON;
	else if (!strcmp(s, "csv"))
		*f = AFORMAT_CSV;
	else
		return -EINVAL;
	return 0;
}

void audit_out_heads(enum aformat f, const struct out_col *cols, size_t ncols,
		     const char *const *csv, size_t ncsv)
{
	if (f == AFORMAT_CSV)
		audit_out_csv_row(stdout, csv, ncsv);
	else if (f == AFORMAT_TABLE)
		audit_out_head(stdout, cols, ncols);
}

void audit_out_csv_field(FILE *out, const char *s)
{
	if (!s)
		s = "";
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, out);
		return;
	}
	putc('"', out);
	for (; *s; s++) {
		if (*s == '"')
			putc('"', out);
		putc(*s, out);
	}
	putc('"', out);
}

void audit_out_csv_row(FILE *out, const char *const *cells, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (i)
			putc(',', out);
		audit_out_csv_field(out, cells[i]);
	}
	fputs("\r\n", out);
}

static bool is_cont(unsigned char c)
{
	return (c & 0xc0) == 0x80;
}

size_t audit_out_width(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += !is_cont((unsigned char)*s);
	return n;
}

/* The byte offset where the last `cols` code points of s begin. */
static size_t tail_start(const char *s, size_t len, size_t cols)
{
	size_t i = len;

	while (i > 0 && cols > 0) {
		i--;
		if (!is_cont((unsigned char)s[i]))
			cols--;
	}
	return i;
}

/* The last cols code points of a path, from a '/' when it has one, so
 * that a shortened path shows whole names. */
static const char *path_tail(const char *s, size_t len, size_t cols)
{
	const char *t = s + tail_start(s, len, cols);
	const char *slash = strchr(t, '/');

	return slash && slash[1] ? slash : t;
}

/* The byte length of the first `cols` code points of s. */
static size_t head_len(const char *s, size_t cols)
{
	size_t i, n = 0;

	for (i = 0; s[i]; i++)
		if (!is_cont((unsigned char)s[i]) && n++ == cols)
			break;
	return i;
}

const char *audit_out_cell(char *dst, size_t cap, const char *s, size_t width,
			   bool keep_tail)
{
	char clean[CELL_MAX];
	size_t i, len, w;

	for (i = 0; s && s[i] && i < sizeof(clean) - 1; i++)
		clean[i] =
			(unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
	clean[i] = '\0';
	len = i;
	w = audit_out_width(clean);
	if (!width || w <= width || width < 4) {
		snprintf(dst, cap, "%s", clean);
		return dst;
	}
	if (keep_tail)
		snprintf(dst, cap, "...%s", path_tail(clean, len, width - 3));
	else
		snprintf(dst, cap, "%.*s...", (int)head_len(clean, width - 3),
			 clean);
	return dst;
}

static void pad_cell(FILE *out, const char *text, size_t width, bool right,
		     bool last)
{
	size_t w = audit_out_width(text), pad = w < width ? width - w : 0;

	if (right)
		fprintf(out, "%*s", (int)pad, "");
	fputs(text, out);
	if (!right && !last)
		fprintf(out, "%*s", (int)pad, "");
}

static void print_row(FILE *out, const struct out_col *cols,
		      const size_t *widths, size_t ncols,
		      const char *const *cells)
{
	char cell[CELL_MAX];
	size_t i;

	for (i = 0; i < ncols; i++) {
		if (i)
			fputs("  ", out);
		audit_out_cell(cell, sizeof(cell), cells[i], cols[i].width,
			       cols[i].keep_tail);
		pad_cell(out, cell, widths[i], cols[i].right, i + 1 == ncols);
	}
	putc('\n', out);
}

void audit_out_head(FILE *out, const struct out_col *cols, size_t ncols)
{
	const char *heads[16];
	size_t i;

	for (i = 0; i < ncols && i < 16; i++)
		heads[i] = cols[i].head;
	audit_out_row(out, cols, i, heads);
}

void audit_out_row(FILE *out, const struct out_col *cols, size_t ncols,
		   const char *const *cells)
{
	size_t widths[16], i;

	for (i = 0; i < ncols && i < 16; i++)
		widths[i] = cols[i].width;
	print_row(out, cols, widths, i, cells);
}

struct audit_table {
	const struct out_col *cols;
	size_t ncols, nrows, cap;
	char **cells; /* nrows * ncols, each as audit_out_cell made it */
};

struct audit_table *audit_table_new(const struct out_col *cols, size_t ncols)
{
	struct audit_table *t = calloc(1, sizeof(*t));

	if (!t || ncols > 16) {
		free(t);
		errno = t ? EINVAL : ENOMEM;
		return NULL;
	}
	t->cols = cols;
	t->ncols = ncols;
	return t;
}

int audit_table_add(struct audit_table *t, const char *const *cells)
{
	char cell[CELL_MAX], **grown;
	size_t i, base = t->nrows * t->ncols;

	if (t->nrows == t->cap) {
		grown = reallocarray(t->cells, (t->cap ? t->cap * 2 : 16),
				     t->ncols * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		t->cells = grown;
		t->cap = t->cap ? t->cap * 2 : 16;
	}
	for (i = 0; i < t->ncols; i++) {
		audit_out_cell(cell, sizeof(cell), cells[i], t->cols[i].width,
			       t->cols[i].keep_tail);
		t->cells[base + i] = strdup(cell);
		if (!t->cells[base + i]) {
			while (i--)
				free(t->cells[base + i]);
			return -ENOMEM;
		}
	}
	t->nrows++;
	return 0;
}

void audit_table_print(const struct audit_table *t, FILE *out)
{
	size_t widths[16], r, i, w;
	const char *heads[16];

	for (i = 0; i < t->ncols; i++) {
		heads[i] = t->cols[i].head;
		widths[i] = audit_out_width(heads[i]);
		for (r = 0; r < t->nrows; r++) {
			w = audit_out_width(t->cells[r * t->ncols + i]);
			if (w > widths[i])
				widths[i] = w;
		}
	}
	print_row(out, t->cols, widths, t->ncols, heads);
	for (r = 0; r < t->nrows; r++)
		print_row(out, t->cols, widths, t->ncols,
			  (const char *const *)&t->cells[r * t->ncols]);
}

void audit_table_free(struct audit_table *t)
{
	size_t i;

	if (!t)
		return;
	for (i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t);
}
