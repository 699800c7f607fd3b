/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFJUDGE_POLICY_INT_H
#define NFJUDGE_POLICY_INT_H

/* Internals shared by the policy_*.c files; nothing else includes this. */

#include <stdatomic.h>

#include "policy.h"
#include "rangeset.h"

enum pm_kind {
	PM_PROTO,
	PM_FAMILY,
	PM_TO,
	PM_FROM,
	PM_PORT,
	PM_USER,
	PM_GROUP,
	PM_EXE,
	PM_COMM,
	PM_CMDLINE,
	PM_ANCESTOR,
	PM_CGROUP,
	PM_UNATTRIBUTED,
	PM_DIRECTION,
	PM_EXE_SHA256,
	PM_HOST,
	PM__MAX,
};

#define PM_FAMILY_4 0x1
#define PM_FAMILY_6 0x2
#define PM_DIR_OUT  0x1 /* as 1 << FLOW_DIR_OUT */
#define PM_DIR_IN   0x2 /* as 1 << FLOW_DIR_IN */

struct pmatch {
	enum pm_kind kind;
	bool negate;
	char **items; /* canonical text of each item, for printing */
	size_t n_items;
	size_t items_cap;
	unsigned mask;		/* family, direction: PM_FAMILY_*, PM_DIR_* */
	struct rangeset set[2]; /* to/from: [0] IPv4, [1] IPv6;
				 * port, ids, protocol numbers: [0] */
};

struct prule {
	int verdict;
	char *name;
	unsigned line;
	bool named;	    /* name given in the text, not "line N" */
	bool has_direction; /* else the rule holds for outbound flows only */
	char *reason;
	struct pmatch *m;
	size_t n;
	size_t cap;
};

struct policy {
	atomic_uint refs;
	int def;
	bool audit;
	char *header;	     /* comment lines before the first statement */
	struct policy *base; /* decides what no rule here does; or NULL */
	struct prule *rules;
	size_t n;
	size_t cap;
};

/* policy_match.c */
int policy_match_kind_lookup(const char *word);
const char *policy_match_kind_name(enum pm_kind kind);
const char *const *policy_match_kind_names(size_t *n);
bool policy_match_rule(const struct prule *r, const struct policy_input *in);
void policy_match_release(struct pmatch *m);
void policy_rule_release(struct prule *r);

/* Diagnostics: "FILE:LINE:COL: message" to the caller's callback. */
struct pdiag {
	const char *file;
	const struct policy_parse_opts *opts;
	unsigned errors;
};

void policy_lex_error(struct pdiag *d, unsigned line, unsigned col,
		      const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Long user text in a message is cut to this many bytes. */
#define PDIAG_QUOTE 64

/*
 * arr, or a larger copy of it, with room for an element after its first
 * n; *cap grows by doubling, so that appending stays linear.  NULL when
 * memory ran out (arr is then still valid).
 */
void *policy_lex_grow(void *arr, size_t n, size_t *cap, size_t size);

/* The closest of words[0..n) to word by edit distance, or NULL. */
const char *policy_lex_suggest(const char *word, const char *const *words,
			       size_t n);

/* policy_lex.c: a statement is the tokens of one logical line. */
enum ptok_type {
	PTOK_WORD,
	PTOK_STRING,
	PTOK_COMMA,
};

struct ptoken {
	enum ptok_type type;
	char *text;
	unsigned line;
	unsigned col;
};

struct pstmt {
	struct ptoken *t;
	size_t n;
	size_t cap;
	bool bad; /* a lexical error was reported; do not parse */
};

struct plex {
	const char *s;
	size_t len;
	size_t pos;
	unsigned line;
	unsigned col;
	struct pdiag *diag;
	bool started; /* a statement was seen: comments no longer header */
	char *header;
	size_t header_len;
};

void policy_lex_init(struct plex *lx, const char *s, size_t len,
		     struct pdiag *d);
int policy_lex_next(struct plex *lx, struct pstmt *st);
void policy_lex_stmt_clear(struct pstmt *st);
int policy_lex_token_copy(struct ptoken *dst, const struct ptoken *src);

/* policy_item.c: compile one list item into a match. */
struct pparse;
int policy_item_compile(struct pparse *ps, struct pmatch *m,
			const struct ptoken *t);
void policy_item_finish(struct pmatch *m);

/* A decimal number of s[0..n) in [0, max]; -1 for anything else. */
long policy_item_num(const char *s, size_t n, long max);

/* policy_index.c: names (not owned) to array indexes. */
struct pindex_slot {
	const char *name;
	size_t idx;
};

struct pindex {
	struct pindex_slot *s;
	size_t cap;
	size_t n;
};

long policy_index_find(const struct pindex *ix, const char *name);
int policy_index_add(struct pindex *ix, const char *name, size_t idx);
void policy_index_release(struct pindex *ix);

struct pdefine {
	char *name;
	unsigned line;
	struct ptoken *items;
	size_t n;
	size_t cap;
};

struct pparse {
	struct pdiag diag;
	struct policy *p;
	struct pdefine *defs;
	size_t n_defs;
	size_t defs_cap;
	struct pindex def_names;
	struct pindex rule_names;
	unsigned default_line;
	unsigned mode_line;
};

/* policy_list.c */
typedef int (*item_fn)(struct pparse *ps, void *arg, const struct ptoken *t);
int policy_list_parse(struct pparse *ps, const struct pstmt *st, size_t *i,
		      item_fn fn, void *arg);
int policy_list_define(struct pparse *ps, const struct pstmt *st);
void policy_list_defines_release(struct pparse *ps);
bool policy_list_name_valid(const char *s);

#endif
