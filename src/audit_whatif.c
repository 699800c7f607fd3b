// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nfjudge audit whatif: judge every recorded flow again under another
 * policy and list the records whose verdict would change.  The flow and
 * the process identity come from the record itself, so this is the same
 * decision the daemon would make, as far as the record tells.
 */
#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "audit.h"
#include "audit_out.h"
#include "audit_rec.h"
#include "audit_scan.h"
#include "engine.h"
#include "flow.h"
#include "flowfmt.h"
#include "log.h"
#include "logread.h"
#include "policy.h"
#include "proc.h"
#include "procjson.h"
#include "verdict.h"

struct whatif {
	enum aformat format;
	struct policy *policy;
	struct proc_info proc;
	unsigned long records, changed, skipped;
	unsigned long moves[3][3]; /* [old][new] */
};

static const struct out_col whatif_cols[] = {
	{"TIME", 27, false, false}, {"EXE", 32, false, true},
	{"PROTO", 5, false, false}, {"DESTINATION", 47, false, false},
	{"OLD", 24, false, false},  {"NEW", 0, false, false},
};
#define WHATIF_NCOLS (sizeof(whatif_cols) / sizeof(whatif_cols[0]))

static const char *const csv_head[] = {
	"timestamp", "exe",	    "proto",	"dest_ip",
	"dest_port", "old_verdict", "old_rule", "new_verdict",
	"new_rule",  "file",	    "line"};
#define CSV_NCOLS (sizeof(csv_head) / sizeof(csv_head[0]))

/* The flow as the record shows it; -EINVAL when it cannot be judged. */
static int whatif_flow(const struct arec *a, struct flow *f)
{
	int proto = flowfmt_parse_proto(a->proto);

	memset(f, 0, sizeof(*f));
	if (proto < 0)
		return -EINVAL;
	f->proto = (uint8_t)proto;
	if (a->direction && !strcmp(a->direction, "in"))
		f->direction = FLOW_DIR_IN;
	f->ip_version = (uint8_t)a->ip_version;
	flowfmt_parse_addr(a->src_ip, f->src);
	memcpy(f->dst, a->dst, sizeof(f->dst));
	f->has_ports = a->src_port >= 0 && a->dest_port >= 0;
	f->sport = (uint16_t)(f->has_ports ? a->src_port : 0);
	f->dport = (uint16_t)(f->has_ports ? a->dest_port : 0);
	return 0;
}

/* Decide again; -EINVAL (reported) when the record cannot be judged. */
static int whatif_decide(struct whatif *w, const struct arec *a,
			 struct policy_decision *d)
{
	struct policy_input in = {0};
	const char *field = NULL;
	struct flow f;

	if (whatif_flow(a, &f)) {
		log_warnx_at(a->file, a->lineno,
			     "cannot judge protocol %s again", a->proto);
		return -EINVAL;
	}
	if (a->proc && procjson_parse(a->proc, &w->proc, &field)) {
		log_warnx_at(a->file, a->lineno, "bad \"proc\" field \"%s\"",
			     field);
		return -EINVAL;
	}
	in.flow = &f;
	in.proc = a->proc ? &w->proc : NULL;
	/* XXX: a record of "uid" attribution does not carry the uid. */
	in.have_owner = a->proc != NULL;
	in.uid = w->proc.uid;
	in.gid = w->proc.gid;
	policy_decide(w->policy, &in, d);
	return 0;
}

static void whatif_json(const struct arec *a, const struct policy_decision *d)
{
	json_t *o =
		json_pack("{s:s, s:I, s:s?, s:s, s:s, s:I}", "timestamp",
			  a->timestamp, "seq", (json_int_t)a->rec->seq, "exe",
			  a->exe, "proto", a->proto, "dest_ip", a->dest_ip,
			  "dest_port", (json_int_t)a->dest_port);

	json_object_set_new(o, "old",
			    json_pack("{s:s, s:s}", "verdict", a->verdict,
				      "rule", a->rule));
	json_object_set_new(o, "new",
			    json_pack("{s:s, s:s}", "verdict",
				      verdict_str((enum verdict)d->verdict),
				      "rule", d->rule));
	json_dumpf(o, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
	putchar('\n');
	json_decref(o);
}

static void whatif_row(const struct whatif *w, const struct arec *a,
		       const struct policy_decision *d)
{
	const char *nv = verdict_str((enum verdict)d->verdict);
	char old[256], new[256], dest[AREC_DEST_LEN], dport[AREC_NUM_LEN];
	char line[AREC_NUM_LEN];

	if (w->format == AFORMAT_JSON) {
		whatif_json(a, d);
		return;
	}
	if (w->format == AFORMAT_CSV) {
		audit_out_csv_row(
			stdout,
			(const char *[]){
				a->timestamp, a->exe, a->proto, a->dest_ip,
				audit_rec_num(a->dest_port, dport), a->verdict,
				a->rule, nv, d->rule, a->file,
				audit_rec_num((long long)a->lineno, line)},
			CSV_NCOLS);
		return;
	}
	snprintf(old, sizeof(old), "%s (%s)", a->verdict, a->rule);
	snprintf(new, sizeof(new), "%s (%s)", nv, d->rule);
	audit_out_row(stdout, whatif_cols, WHATIF_NCOLS,
		      (const char *[]){a->timestamp, a->exe ? a->exe : "-",
				       a->proto, audit_rec_dest(a, dest), old,
				       new});
}

static int whatif_one(void *ctx, const struct arec *a)
{
	struct whatif *w = ctx;
	struct policy_decision d;
	int old = audit_rec_verdict(a);

	if (old < 0) {
		log_warnx_at(a->file, a->lineno, "unknown verdict '%s'",
			     a->verdict);
		w->skipped++;
		return 0;
	}
	/* The fence dropped it before any policy: no policy changes that. */
	if (!strcmp(a->rule, ENGINE_FENCE_RULE)) {
		w->records++;
		w->moves[old][old]++;
		return 0;
	}
	if (whatif_decide(w, a, &d)) {
		w->skipped++;
		return 0;
	}
	w->records++;
	w->moves[old][d.verdict]++;
	if (d.verdict == old)
		return 0;
	w->changed++;
	whatif_row(w, a, &d);
	return 0;
}

/* Totals: on stdout, but on stderr for csv, which has no place for them. */
static void whatif_totals(const struct whatif *w)
{
	FILE *out = w->format == AFORMAT_CSV ? stderr : stdout;
	json_t *o = json_object(), *moves = json_object();
	char name[32];
	int i, j;

	if (w->format == AFORMAT_TABLE && w->changed)
		putc('\n', out);
	if (w->format != AFORMAT_JSON)
		fprintf(out, "%lu records, %lu changed\n", w->records,
			w->changed);
	for (i = 0; i < 3; i++) {
		for (j = 0; j < 3; j++) {
			if (i == j || !w->moves[i][j])
				continue;
			snprintf(name, sizeof(name), "%s -> %s",
				 verdict_str((enum verdict)i),
				 verdict_str((enum verdict)j));
			if (w->format != AFORMAT_JSON)
				fprintf(out, "%s: %lu\n", name, w->moves[i][j]);
			json_object_set_new(moves, name,
					    json_integer(w->moves[i][j]));
		}
	}
	json_object_set_new(o, "records", json_integer(w->records));
	json_object_set_new(o, "changed", json_integer(w->changed));
	json_object_set_new(o, "transitions", moves);
	if (w->format == AFORMAT_JSON) {
		json_dumpf(o, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
		putchar('\n');
	}
	json_decref(o);
}

int audit_whatif_run(const struct audit_whatif_config *c, char *const *logs,
		     int nlogs)
{
	static struct whatif w; /* proc_info is large */
	struct ascan scan = {0};
	int ret;

	memset(&w, 0, sizeof(w));
	w.policy = c->policy;
	w.format = c->format;
	audit_out_heads(w.format, whatif_cols, WHATIF_NCOLS, csv_head,
			CSV_NCOLS);
	audit_scan_run(&scan, logs, nlogs, whatif_one, &w);
	whatif_totals(&w);
	ret = audit_scan_status(&scan);
	return ret ? ret : (c->fail_on_change && w.changed);
}
