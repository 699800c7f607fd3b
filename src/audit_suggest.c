// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nfjudge audit suggest: policy lines that would accept the flows a log
 * shows rejected or dropped, one per executable, protocol, destination
 * address and port.  Never broader than the evidence: exact address,
 * exact port, exact executable (glob characters escaped); a flow without
 * a known process gets a rule without exe, still to that one address
 * and port.  An executable the policy language cannot spell exactly is
 * left out with a comment, not widened.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "audit_group.h"
#include "audit_out.h"
#include "audit_rec.h"
#include "audit_scan.h"
#include "log.h"
#include "timefmt.h"

enum { PART_PROTO, PART_DEST, PART_PORT, PART_EXE, NPARTS };

struct suggest {
	struct agroups *flows; /* rejected and dropped, by NPARTS key */
	struct agroups *names; /* rule names given out */
	int err;
};

static int suggest_one(void *ctx, const struct arec *a)
{
	struct suggest *s = ctx;
	const char *parts[NPARTS];
	char port[24] = "";

	if (audit_rec_verdict(a) <= 0 ||
	    (strcmp(a->proto, "TCP") && strcmp(a->proto, "UDP")))
		return 0;
	if (a->dest_port >= 0)
		snprintf(port, sizeof(port), "%ld", a->dest_port);
	parts[PART_PROTO] = !strcmp(a->proto, "TCP") ? "tcp" : "udp";
	parts[PART_DEST] = a->dest_ip;
	parts[PART_PORT] = port;
	parts[PART_EXE] = a->exe ? a->exe : "";
	if (!audit_groups_add(s->flows, parts, a)) {
		s->err = 1;
		return 1;
	}
	return 0;
}

/*
 * True when the exe can be written as a pattern that matches it alone:
 * no control characters, and no backslash, which in a record may stand
 * for a byte that was not UTF-8 (\xNN) rather than for itself.
 */
static bool exe_spellable(const char *exe)
{
	for (; *exe; exe++)
		if ((unsigned char)*exe < 0x20 || *exe == 0x7f || *exe == '\\')
			return false;
	return true;
}

/* exe "PATTERN": fnmatch's special characters escaped, then quoted. */
static void print_exe(const char *exe)
{
	fputs(" exe \"", stdout);
	for (; *exe; exe++) {
		if (strchr("*?[", *exe))
			fputs("\\\\", stdout);
		else if (*exe == '"')
			putchar('\\');
		putchar(*exe);
	}
	putchar('"');
}

/* A rule name of the language's characters, unique in this output. */
static int make_name(struct suggest *s, const struct agroup *g, char *name,
		     size_t len)
{
	const char *exe = audit_group_part(g, PART_EXE),
		   *base = strrchr(exe, '/');
	const char *port = audit_group_part(g, PART_PORT);
	char stem[96];
	size_t i;
	int n = 1;

	snprintf(stem, sizeof(stem), "%.32s-%s%s%s",
		 !exe[0] ? "unattributed"
		 : base	 ? base + 1
			 : exe,
		 audit_group_part(g, PART_DEST), port[0] ? "-" : "", port);
	for (i = 0; stem[i]; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUV"
			    "WXYZ0123456789_-.",
			    stem[i]))
			stem[i] = '-';
	snprintf(name, len, "%s", stem);
	for (;;) {
		const char *parts[1] = {name};
		const struct agroup *used =
			audit_groups_add(s->names, parts, NULL);

		if (!used)
			return -1;
		if (used->count == 1)
			return 0;
		snprintf(name, len, "%s-%d", stem, ++n);
	}
}

static void print_counts(const struct agroup *g)
{
	if (g->by_verdict[1])
		printf("%llu rejected", (unsigned long long)g->by_verdict[1]);
	if (g->by_verdict[1] && g->by_verdict[2])
		fputs(", ", stdout);
	if (g->by_verdict[2])
		printf("%llu dropped", (unsigned long long)g->by_verdict[2]);
}

static int print_rule(struct suggest *s, const struct agroup *g)
{
	const char *exe = audit_group_part(g, PART_EXE);
	const char *port = audit_group_part(g, PART_PORT);
	char first[TIMEFMT_LEN], last[TIMEFMT_LEN], name[128];
	char cell[256];

	if (timefmt_format(g->first, first) || timefmt_format(g->last, last))
		strcpy(first, "?"), strcpy(last, "?");
	fputs("# ", stdout);
	print_counts(g);
	printf(", %s .. %s\n", first, last);
	if (!exe_spellable(exe)) {
		printf("# no rule: the executable \"%s\" cannot be matched "
		       "exactly\n",
		       audit_out_cell(cell, sizeof(cell), exe, 200, false));
		return 0;
	}
	if (make_name(s, g, name, sizeof(name)))
		return -1;
	printf("accept proto %s to %s", audit_group_part(g, PART_PROTO),
	       audit_group_part(g, PART_DEST));
	if (port[0])
		printf(" port %s", port);
	if (exe[0])
		print_exe(exe);
	printf(" name %s reason \"", name);
	print_counts(g);
	puts("\"");
	return 0;
}

static int suggest_print(struct suggest *s)
{
	struct agroup **v = audit_groups_sorted(s->flows);
	size_t i, n = audit_groups_size(s->flows);
	int ret = 0;

	if (!v)
		return -1;
	if (!n)
		puts("# nothing was rejected or dropped");
	for (i = 0; i < n && !ret; i++)
		ret = print_rule(s, v[i]);
	free(v);
	return ret;
}

int audit_suggest_run(char *const *logs, int nlogs)
{
	struct ascan scan = {.fast = true};
	struct suggest s = {0};
	int ret;

	s.flows = audit_groups_new(NPARTS);
	s.names = audit_groups_new(1);
	if (s.flows && s.names)
		audit_scan_run(&scan, logs, nlogs, suggest_one, &s);
	if (!s.flows || !s.names || s.err || suggest_print(&s)) {
		log_warnx("out of memory");
		ret = 1;
	} else {
		ret = audit_scan_status(&scan);
	}
	audit_groups_free(s.flows);
	audit_groups_free(s.names);
	return ret;
}
