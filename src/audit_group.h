/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFJUDGE_AUDIT_GROUP_H
#define NFJUDGE_AUDIT_GROUP_H

#include <stddef.h>
#include <stdint.h>

struct arec;

/*
 * Records counted by a key of a few strings (a tuple), in a hash table:
 * the one part of the audit commands whose memory grows with the log, by
 * the number of distinct keys.
 */
struct agroup {
	char *key; /* the parts, each ending in NUL */
	size_t key_len;
	uint64_t count;
	uint64_t by_verdict[3]; /* enum verdict: accept, reject, drop */
	int64_t first, last;	/* timestamps, microseconds */
	struct agroup *next;
};

struct agroups;

struct agroups *audit_groups_new(size_t nparts);
void audit_groups_free(struct agroups *t);
size_t audit_groups_size(const struct agroups *t);

/* Count a record (NULL: count only) under the key; NULL when memory ran
 * out. */
struct agroup *audit_groups_add(struct agroups *t, const char *const *parts,
				const struct arec *a);

/*
 * The groups by count, highest first, ties by key (byte order), so that
 * output is the same from run to run.  A malloc'ed array of
 * audit_groups_size() entries; NULL with errno set.
 */
struct agroup **audit_groups_sorted(const struct agroups *t);

/* Part i of a group's key. */
const char *audit_group_part(const struct agroup *g, size_t i);

/* What --by can name. */
enum aby {
	ABY_VERDICT,
	ABY_RULE,
	ABY_EXE,
	ABY_DEST,
	ABY_USER,
	ABY_HOUR,
};

/* The name of --by's value; -EINVAL when it is not one. */
int audit_by_parse(const char *s);
const char *audit_by_name(enum aby by);

/* The key part of a record for --by; "-" when the record has none. */
#define ABY_VALUE_LEN 64
const char *audit_by_value(enum aby by, const struct arec *a,
			   char buf[ABY_VALUE_LEN]);

#endif
