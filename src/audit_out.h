/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFJUDGE_AUDIT_OUT_H
#define NFJUDGE_AUDIT_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* How the audit commands print: for a terminal, for a spreadsheet, for jq. */
enum aformat {
	AFORMAT_TABLE,
	AFORMAT_JSON,
	AFORMAT_CSV,
};

/* "table", "json" or "csv".  0 or -EINVAL. */
int audit_format_parse(const char *s, enum aformat *f);

/* On stdout, the heads of a streamed output: the csv row or the table's
 * column heads; nothing for json. */
struct out_col;
void audit_out_heads(enum aformat f, const struct out_col *cols, size_t ncols,
		     const char *const *csv, size_t ncsv);

/* One field as RFC 4180 has it: quoted when it holds , " CR or LF. */
void audit_out_csv_field(FILE *out, const char *s);
/* A row of n fields ending in CRLF, as RFC 4180 asks. */
void audit_out_csv_row(FILE *out, const char *const *cells, size_t n);

/*
 * The text of one table cell: control characters (a log may carry any)
 * as '?', so that nothing reaches the terminal but text; cut to width
 * columns with "..." at the start (keep_tail: a path keeps its file name)
 * or at the end.  Returns dst.
 */
const char *audit_out_cell(char *dst, size_t cap, const char *s, size_t width,
			   bool keep_tail);

/* Display columns of UTF-8 text (one per code point). */
size_t audit_out_width(const char *s);

struct out_col {
	const char *head;
	size_t width;	/* the most a cell takes; 0 for no limit */
	bool right;	/* align right (numbers) */
	bool keep_tail; /* shorten at the start (paths) */
};

/*
 * A table whose column widths fit its cells (up to each column's width):
 * rows are kept until audit_table_print.  NULL with errno set.
 */
struct audit_table;
struct audit_table *audit_table_new(const struct out_col *cols, size_t ncols);
int audit_table_add(struct audit_table *t, const char *const *cells);
void audit_table_print(const struct audit_table *t, FILE *out);
void audit_table_free(struct audit_table *t);

/* A row in fixed widths, for output that streams: each cell padded to
 * its column's width, the last one not padded. */
void audit_out_row(FILE *out, const struct out_col *cols, size_t ncols,
		   const char *const *cells);
/* The heads of the columns, as audit_out_row prints a row. */
void audit_out_head(FILE *out, const struct out_col *cols, size_t ncols);

#endif
