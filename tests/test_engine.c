// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The decision path alone: a real policy, but attribution, the record sink
 * and the log gate are fakes, so every verdict and failure path can be
 * reached without a queue or a log.
 */
#include "config.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "communityid.h"
#include "dnsname.h"
#include "engine.h"
#include "policytest.h"
#include "record.h"
#include "timefmt.h"
#include "verdict.h"

static const char policy_text[] =
	"set default reject\n"
	"accept proto tcp port 443 name web\n"
	"drop proto tcp port 25 name smtp\n"
	"reject proto tcp port 23 name telnet reason \"no telnet\"\n"
	"accept exe /usr/bin/curl port 8443 name curl\n"
	"accept user alice port 7000 name alice\n"
	"reject unattributed port 9000 name nobody\n"
	"accept proto tcp host *.npmjs.org port 4430 name npm\n";

/* What the fake attribution answers. */
struct fake_attr {
	enum attribution answer;
	struct proc_info proc;
	uid_t uid;
	gid_t gid;
	int calls;
};

/* The last record emitted, copied: the engine's strings are transient. */
struct fake_out {
	int emitted;
	bool emit_fails;
	bool can_accept;
	bool break_on_fail; /* a failed emit also makes can_accept false */
	int gate_calls;
	enum record_type type;
	int64_t ts_us;
	enum verdict verdict;
	bool enforced;
	char rule[64];
	unsigned rule_line;
	char reason[128];
	bool has_reason;
	bool has_hint;
	char dest_name[64];
	bool has_dest_name;
	char community_id[COMMUNITYID_LEN];
	enum attribution attribution;
	bool has_proc;
	char exe[PROC_EXE_MAX];
	bool live;
	int queue;
	uint32_t packet_id;
	int64_t latency_us;
	const struct flow *flow;
};

struct fixture {
	struct policy_ref *ref;
	struct engine_cfg cfg;
	struct fake_attr attr;
	struct fake_out out;
	struct flow flow;
	struct engine_pkt pkt;
	struct engine *eng;
};

static enum attribution fake_attribute(void *ctx, const struct engine_pkt *pkt,
				       struct proc_info *proc, uid_t *uid,
				       gid_t *gid)
{
	struct fake_attr *a = ctx;

	(void)pkt;
	a->calls++;
	if (a->answer == ATTR_UID) {
		*uid = a->uid;
		*gid = a->gid;
	} else if (a->answer != ATTR_NONE) {
		*proc = a->proc;
	}
	return a->answer;
}

/* The names the fake DNS learned for every destination. */
static void fake_names(void *ctx, const struct engine_pkt *pkt,
		       struct dnsname_list *out)
{
	const char *const *names = ctx;

	(void)pkt;
	for (out->n = 0; names[out->n] && out->n < DNSNAME_LIST_MAX; out->n++) {
		snprintf(out->name[out->n], sizeof(out->name[out->n]), "%s",
			 names[out->n]);
		out->ptr[out->n] = out->name[out->n];
	}
}

static void copy(char *dst, size_t cap, const char *src)
{
	snprintf(dst, cap, "%s", src ? src : "");
}

static int fake_emit(void *ctx, const struct record_event *ev)
{
	struct fake_out *o = ctx;
	const struct record_verdict *rv = ev->verdict;

	o->emitted++;
	o->type = ev->type;
	o->ts_us = ev->ts_us;
	o->verdict = rv->verdict;
	o->enforced = rv->enforced;
	copy(o->rule, sizeof(o->rule), rv->rule);
	o->rule_line = rv->rule_line;
	o->has_reason = rv->reason != NULL;
	copy(o->reason, sizeof(o->reason), rv->reason);
	o->has_hint = rv->hint != NULL;
	o->has_dest_name = rv->dest_name != NULL;
	copy(o->dest_name, sizeof(o->dest_name), rv->dest_name);
	copy(o->community_id, sizeof(o->community_id), rv->community_id);
	o->attribution = rv->attribution;
	o->has_proc = rv->proc != NULL;
	copy(o->exe, sizeof(o->exe), rv->proc ? rv->proc->exe : NULL);
	o->live = rv->live;
	o->queue = rv->queue;
	o->packet_id = rv->packet_id;
	o->latency_us = rv->latency_us;
	o->flow = rv->flow;
	if (!o->emit_fails)
		return 0;
	if (o->break_on_fail)
		o->can_accept = false;
	return -1;
}

static bool fake_can_accept(void *ctx)
{
	struct fake_out *o = ctx;

	o->gate_calls++;
	return o->can_accept;
}

static struct fixture *fixture_new(const char *text, bool gate, bool attr)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->ref = policy_ref_new(pt_ok(text));
	assert_non_null(f->ref);
	f->out.can_accept = true;
	f->cfg.policy = f->ref;
	f->cfg.attribute = attr ? fake_attribute : NULL;
	f->cfg.attr_ctx = &f->attr;
	f->cfg.emit = fake_emit;
	f->cfg.can_accept = gate ? fake_can_accept : NULL;
	f->cfg.out_ctx = &f->out;
	f->pkt.flow = &f->flow;
	f->pkt.ts_us = 1764331200123456;
	pt_flow(&f->flow, "tcp", "10.0.0.2", "192.0.2.1", 443);
	return f;
}

static void fixture_start(struct fixture *f)
{
	f->eng = engine_new(&f->cfg);
	assert_non_null(f->eng);
}

static int setup(void **state)
{
	*state = fixture_new(policy_text, true, true);
	fixture_start(*state);
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	engine_free(f->eng);
	policy_ref_free(f->ref);
	free(f);
	return 0;
}

/* Judge the fixture's TCP flow to dport; returns the enforced verdict. */
static enum verdict judge_port(struct fixture *f, uint16_t dport,
			       enum verdict *decided)
{
	pt_flow(&f->flow, "tcp", "10.0.0.2", "192.0.2.1", dport);
	return engine_judge(f->eng, &f->pkt, decided);
}

static struct engine_counts counts(const struct fixture *f)
{
	struct engine_counts c;

	engine_get_counts(f->eng, &c);
	return c;
}

/* Free functions take NULL. */
static void test_free_null(void **state)
{
	(void)state;
	engine_free(NULL);
}

static void test_accept(void **state)
{
	struct fixture *f = *state;
	enum verdict decided = VERDICT_DROP;
	struct engine_counts c;

	assert_int_equal(judge_port(f, 443, &decided), VERDICT_ACCEPT);
	assert_int_equal(decided, VERDICT_ACCEPT);
	assert_int_equal(f->out.emitted, 1);
	assert_int_equal(f->out.type, RECORD_VERDICT);
	assert_true(f->out.ts_us == 1764331200123456);
	assert_int_equal(f->out.verdict, VERDICT_ACCEPT);
	assert_true(f->out.enforced);
	assert_string_equal(f->out.rule, "web");
	assert_int_equal(f->out.rule_line, 2);
	assert_false(f->out.has_reason);
	assert_false(f->out.has_hint);
	assert_ptr_equal(f->out.flow, &f->flow);
	assert_true(!strncmp(f->out.community_id, "1:", 2));
	assert_false(f->out.live);
	c = counts(f);
	assert_int_equal(c.judged, 1);
	assert_int_equal(c.accepted, 1);
	assert_int_equal(c.rejected + c.dropped + c.gated + c.lost, 0);
}

static void test_reject_with_reason(void **state)
{
	struct fixture *f = *state;
	struct engine_counts c;

	assert_int_equal(judge_port(f, 23, NULL), VERDICT_REJECT);
	assert_int_equal(f->out.verdict, VERDICT_REJECT);
	assert_string_equal(f->out.rule, "telnet");
	assert_int_equal(f->out.rule_line, 4);
	assert_string_equal(f->out.reason, "no telnet");
	/* Only the default rule's rejects carry a hint. */
	assert_false(f->out.has_hint);
	c = counts(f);
	assert_int_equal(c.rejected, 1);
	assert_int_equal(c.accepted + c.dropped, 0);
}

static void test_drop(void **state)
{
	struct fixture *f = *state;
	enum verdict decided;
	struct engine_counts c;

	assert_int_equal(judge_port(f, 25, &decided), VERDICT_DROP);
	assert_int_equal(decided, VERDICT_DROP);
	assert_int_equal(f->out.verdict, VERDICT_DROP);
	assert_string_equal(f->out.rule, "smtp");
	c = counts(f);
	assert_int_equal(c.dropped, 1);
	assert_int_equal(c.judged, 1);
}

static void test_default_rule(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(judge_port(f, 1234, NULL), VERDICT_REJECT);
	assert_string_equal(f->out.rule, "default");
	assert_int_equal(f->out.rule_line, 0);
	assert_true(f->out.has_hint);
	assert_int_equal(counts(f).rejected, 1);
}

static void test_default_accept_has_no_hint(void **state)
{
	struct fixture *f = fixture_new("set default accept\n", true, false);

	fixture_start(f);
	assert_int_equal(judge_port(f, 1234, NULL), VERDICT_ACCEPT);
	assert_string_equal(f->out.rule, "default");
	assert_false(f->out.has_hint);
	*state = f;
	teardown(state);
}

static void test_audit_flag(void **state)
{
	struct fixture *f = fixture_new(policy_text, true, true);
	enum verdict decided;
	struct engine_counts c;

	f->cfg.force_audit = true;
	fixture_start(f);
	assert_int_equal(judge_port(f, 23, &decided), VERDICT_ACCEPT);
	assert_int_equal(decided, VERDICT_REJECT);
	assert_int_equal(f->out.verdict, VERDICT_REJECT);
	assert_false(f->out.enforced);
	assert_int_equal(judge_port(f, 25, &decided), VERDICT_ACCEPT);
	assert_int_equal(decided, VERDICT_DROP);
	/* Counted by the policy's decision, not by what passed. */
	c = counts(f);
	assert_int_equal(c.rejected, 1);
	assert_int_equal(c.dropped, 1);
	assert_int_equal(c.accepted, 0);
	*state = f;
	teardown(state);
}

static void test_audit_mode_policy(void **state)
{
	struct fixture *f =
		fixture_new("set mode audit\nset default drop\n", true, false);
	enum verdict decided;

	fixture_start(f);
	assert_int_equal(judge_port(f, 80, &decided), VERDICT_ACCEPT);
	assert_int_equal(decided, VERDICT_DROP);
	assert_int_equal(f->out.verdict, VERDICT_DROP);
	assert_false(f->out.enforced);
	*state = f;
	teardown(state);
}

static void test_gate_closed_rejects_accepts(void **state)
{
	struct fixture *f = *state;
	enum verdict decided;
	struct engine_counts c;

	f->out.can_accept = false;
	assert_int_equal(judge_port(f, 443, &decided), VERDICT_REJECT);
	assert_int_equal(decided, VERDICT_ACCEPT);
	assert_int_equal(f->out.emitted, 1);
	assert_int_equal(f->out.verdict, VERDICT_REJECT);
	assert_true(f->out.enforced);
	assert_string_equal(f->out.rule, "log-unavailable");
	assert_int_equal(f->out.rule_line, 0);
	assert_string_equal(
		f->out.reason,
		"records cannot be written (on-log-failure closed)");
	assert_false(f->out.has_hint);
	c = counts(f);
	assert_int_equal(c.gated, 1);
	assert_int_equal(c.accepted, 1);
	assert_int_equal(c.rejected, 0);
	assert_int_equal(c.lost, 0);
}

static void test_gate_ignores_rejects_and_drops(void **state)
{
	struct fixture *f = *state;

	f->out.can_accept = false;
	assert_int_equal(judge_port(f, 25, NULL), VERDICT_DROP);
	assert_string_equal(f->out.rule, "smtp");
	assert_int_equal(judge_port(f, 23, NULL), VERDICT_REJECT);
	assert_string_equal(f->out.rule, "telnet");
	assert_int_equal(judge_port(f, 1234, NULL), VERDICT_REJECT);
	assert_true(f->out.has_hint);
	assert_int_equal(counts(f).gated, 0);
	/* Nothing to gate: the sink was not even asked. */
	assert_int_equal(f->out.gate_calls, 0);
}

static void test_gate_not_in_audit(void **state)
{
	struct fixture *f = fixture_new(policy_text, true, true);
	struct engine_counts c;

	f->cfg.force_audit = true;
	fixture_start(f);
	f->out.can_accept = false;
	assert_int_equal(judge_port(f, 443, NULL), VERDICT_ACCEPT);
	assert_int_equal(f->out.verdict, VERDICT_ACCEPT);
	assert_string_equal(f->out.rule, "web");
	f->out.emit_fails = true;
	assert_int_equal(judge_port(f, 443, NULL), VERDICT_ACCEPT);
	c = counts(f);
	assert_int_equal(c.gated, 0);
	assert_int_equal(c.lost, 1);
	*state = f;
	teardown(state);
}

/* on-log-failure open: no can_accept, a lost record changes nothing. */
static void test_open_emit_fails(void **state)
{
	struct fixture *f = fixture_new(policy_text, false, true);
	struct engine_counts c;

	fixture_start(f);
	f->out.emit_fails = true;
	assert_int_equal(judge_port(f, 443, NULL), VERDICT_ACCEPT);
	assert_int_equal(judge_port(f, 23, NULL), VERDICT_REJECT);
	c = counts(f);
	assert_int_equal(c.lost, 2);
	assert_int_equal(c.gated, 0);
	assert_int_equal(c.accepted, 1);
	assert_int_equal(c.rejected, 1);
	*state = f;
	teardown(state);
}

/* The sink failed this very record and is now closed: reject. */
static void test_emit_fails_then_gate(void **state)
{
	struct fixture *f = *state;
	enum verdict decided;
	struct engine_counts c;

	f->out.emit_fails = true;
	f->out.break_on_fail = true;
	assert_int_equal(judge_port(f, 443, &decided), VERDICT_REJECT);
	assert_int_equal(decided, VERDICT_ACCEPT);
	/* The record tried was the accept; it is the one lost. */
	assert_int_equal(f->out.verdict, VERDICT_ACCEPT);
	c = counts(f);
	assert_int_equal(c.lost, 1);
	assert_int_equal(c.gated, 1);
	assert_int_equal(c.accepted, 1);
}

/* A record lost while the sink still takes others: the accept stands. */
static void test_emit_fails_gate_open(void **state)
{
	struct fixture *f = *state;
	struct engine_counts c;

	f->out.emit_fails = true;
	assert_int_equal(judge_port(f, 443, NULL), VERDICT_ACCEPT);
	assert_int_equal(judge_port(f, 25, NULL), VERDICT_DROP);
	c = counts(f);
	assert_int_equal(c.lost, 2);
	assert_int_equal(c.gated, 0);
}

static void test_no_attribution(void **state)
{
	struct fixture *f = fixture_new(policy_text, true, false);

	fixture_start(f);
	assert_int_equal(judge_port(f, 9000, NULL), VERDICT_REJECT);
	assert_string_equal(f->out.rule, "nobody");
	assert_int_equal(f->out.attribution, ATTR_NONE);
	assert_false(f->out.has_proc);
	*state = f;
	teardown(state);
}

static void test_attribution_fails(void **state)
{
	struct fixture *f = *state;

	f->attr.answer = ATTR_NONE;
	assert_int_equal(judge_port(f, 8443, NULL), VERDICT_REJECT);
	assert_int_equal(f->attr.calls, 1);
	assert_string_equal(f->out.rule, "default");
	assert_int_equal(f->out.attribution, ATTR_NONE);
	assert_false(f->out.has_proc);
	assert_int_equal(judge_port(f, 9000, NULL), VERDICT_REJECT);
	assert_string_equal(f->out.rule, "nobody");
}

/* NFQUEUE's owner stands in when no process is found. */
static void test_owner_from_queue(void **state)
{
	struct fixture *f = *state;

	f->attr.answer = ATTR_NONE;
	f->pkt.have_owner = true;
	f->pkt.uid = 1000;
	f->pkt.gid = 1000;
	assert_int_equal(judge_port(f, 7000, NULL), VERDICT_ACCEPT);
	assert_string_equal(f->out.rule, "alice");
	assert_int_equal(f->out.attribution, ATTR_UID);
	assert_false(f->out.has_proc);
	f->pkt.uid = 1001;
	assert_int_equal(judge_port(f, 7000, NULL), VERDICT_REJECT);
	assert_string_equal(f->out.rule, "default");
}

static void test_owner_from_attribution(void **state)
{
	struct fixture *f = *state;

	f->attr.answer = ATTR_UID;
	f->attr.uid = 1000;
	f->attr.gid = 1000;
	assert_int_equal(judge_port(f, 7000, NULL), VERDICT_ACCEPT);
	assert_string_equal(f->out.rule, "alice");
	assert_int_equal(f->out.attribution, ATTR_UID);
	assert_false(f->out.has_proc);
	/* A known owner is no process: still unattributed. */
	assert_int_equal(judge_port(f, 9000, NULL), VERDICT_REJECT);
	assert_string_equal(f->out.rule, "nobody");
}

static void test_attributed_process(void **state)
{
	static const enum attribution kinds[] = {ATTR_SOCKET, ATTR_SIDECAR,
						 ATTR_KERNEL};
	struct fixture *f = *state;
	size_t i;

	pt_proc(&f->attr.proc, "/usr/bin/curl", "curl", "curl");
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		f->attr.answer = kinds[i];
		assert_int_equal(judge_port(f, 8443, NULL), VERDICT_ACCEPT);
		assert_string_equal(f->out.rule, "curl");
		assert_int_equal(f->out.attribution, kinds[i]);
		assert_true(f->out.has_proc);
		assert_string_equal(f->out.exe, "/usr/bin/curl");
		/* The process's owner is the owner, whatever NFQUEUE said. */
		assert_int_equal(judge_port(f, 7000, NULL), VERDICT_ACCEPT);
		assert_string_equal(f->out.rule, "alice");
	}
}

static void test_tainted_process(void **state)
{
	struct fixture *f = *state;

	pt_proc(&f->attr.proc, "/usr/bin/curl", "curl", "curl");
	f->attr.proc.tainted = "LD_PRELOAD";
	f->attr.answer = ATTR_SOCKET;
	assert_int_equal(judge_port(f, 8443, NULL), VERDICT_REJECT);
	assert_string_equal(f->out.rule, "default");
	/* Still attributed and recorded, only not trusted by exe rules. */
	assert_int_equal(f->out.attribution, ATTR_SOCKET);
	assert_true(f->out.has_proc);
	assert_string_equal(f->out.exe, "/usr/bin/curl");
}

static void test_partial_holders(void **state)
{
	struct fixture *f = *state;
	static struct proc_info holder;

	pt_proc(&holder, "/usr/bin/curl", "curl", "curl");
	pt_proc(&f->attr.proc, "/usr/bin/curl", "curl", "curl");
	f->attr.proc.shared = true;
	f->attr.proc.n_holders = 1;
	f->attr.proc.n_listed = 1;
	f->attr.proc.holders = &holder;
	f->attr.answer = ATTR_SOCKET;
	assert_int_equal(judge_port(f, 8443, NULL), VERDICT_ACCEPT);
	assert_string_equal(f->out.rule, "curl");
	f->attr.proc.partial = true;
	assert_int_equal(judge_port(f, 8443, NULL), VERDICT_REJECT);
	assert_string_equal(f->out.rule, "default");
	f->attr.proc.partial = false;
	f->attr.proc.n_holders = 2;
	assert_int_equal(judge_port(f, 8443, NULL), VERDICT_REJECT);
	assert_string_equal(f->out.rule, "default");
}

static void test_live_fields(void **state)
{
	struct fixture *f = *state;
	int64_t before;

	f->pkt.live = true;
	f->pkt.queue = 3;
	f->pkt.packet_id = 77;
	before = timefmt_clock_us(CLOCK_MONOTONIC);
	f->pkt.received_us = before - 5000;
	assert_int_equal(judge_port(f, 443, NULL), VERDICT_ACCEPT);
	assert_true(f->out.live);
	assert_int_equal(f->out.queue, 3);
	assert_int_equal(f->out.packet_id, 77);
	assert_true(f->out.latency_us >= 5000);
	assert_true(f->out.latency_us <=
		    timefmt_clock_us(CLOCK_MONOTONIC) - before + 5000);
}

static void test_fence_drop(void **state)
{
	struct fixture *f = fixture_new(policy_text, true, true);
	struct engine_counts c;

	f->cfg.force_audit = true;
	fixture_start(f);
	f->out.can_accept = false;
	pt_proc(&f->attr.proc, "/usr/bin/curl", "curl", "curl");
	f->attr.answer = ATTR_SOCKET;
	engine_drop(f->eng, &f->pkt, "tcp-not-new");
	assert_int_equal(f->out.emitted, 1);
	assert_int_equal(f->out.verdict, VERDICT_DROP);
	/* The kernel dropped it: enforced even in audit mode. */
	assert_true(f->out.enforced);
	assert_string_equal(f->out.rule, ENGINE_FENCE_RULE);
	assert_int_equal(f->out.rule_line, 0);
	assert_string_equal(f->out.reason, "tcp-not-new");
	assert_false(f->out.has_hint);
	assert_int_equal(f->out.attribution, ATTR_SOCKET);
	assert_string_equal(f->out.exe, "/usr/bin/curl");
	assert_true(!strncmp(f->out.community_id, "1:", 2));
	c = counts(f);
	assert_int_equal(c.fenced, 1);
	assert_int_equal(c.judged + c.gated + c.lost, 0);
	f->out.emit_fails = true;
	engine_drop(f->eng, &f->pkt, "tcp-not-new");
	assert_int_equal(counts(f).lost, 1);
	assert_int_equal(counts(f).fenced, 2);
	*state = f;
	teardown(state);
}

/* A reload between packets: the next judgement uses the new policy. */
static void test_reload(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(judge_port(f, 443, NULL), VERDICT_ACCEPT);
	policy_ref_set(f->ref, pt_ok("set default drop\n"));
	assert_int_equal(judge_port(f, 443, NULL), VERDICT_DROP);
	assert_string_equal(f->out.rule, "default");
}

/* Temporary rules stand in front of the policy, as the control socket
 * composes them: they decide first, the policy decides the rest. */
static void test_temporary_rule(void **state)
{
	struct fixture *f = *state;
	struct policy *base = policy_ref_get(f->ref);
	struct policy *front = pt_ok("reject proto tcp port 443 name ctl-1\n"
				     "accept proto tcp port 1234 name ctl-2\n");

	policy_ref_set(f->ref, policy_overlay(front, base));
	policy_ref_put(base);
	assert_int_equal(judge_port(f, 443, NULL), VERDICT_REJECT);
	assert_string_equal(f->out.rule, "ctl-1");
	assert_int_equal(f->out.rule_line, 0);
	assert_false(f->out.has_hint);
	assert_int_equal(judge_port(f, 1234, NULL), VERDICT_ACCEPT);
	assert_string_equal(f->out.rule, "ctl-2");
	assert_int_equal(judge_port(f, 25, NULL), VERDICT_DROP);
	assert_string_equal(f->out.rule, "smtp");
	assert_int_equal(f->out.rule_line, 3);
	assert_int_equal(judge_port(f, 1235, NULL), VERDICT_REJECT);
	assert_string_equal(f->out.rule, "default");
	assert_true(f->out.has_hint);
	/* The closed gate holds for a temporary accept too. */
	f->out.can_accept = false;
	assert_int_equal(judge_port(f, 1234, NULL), VERDICT_REJECT);
	assert_string_equal(f->out.rule, "log-unavailable");
}

static void test_dest_names(void **state)
{
	static const char *const npm[] = {"registry.npmjs.org", "npmjs.org",
					  NULL};
	static const char *const none[] = {NULL};
	struct fixture *f = fixture_new(policy_text, true, true);

	f->cfg.names = fake_names;
	f->cfg.names_ctx = (void *)npm;
	fixture_start(f);
	assert_int_equal(judge_port(f, 4430, NULL), VERDICT_ACCEPT);
	assert_string_equal(f->out.rule, "npm");
	assert_true(f->out.has_dest_name);
	assert_string_equal(f->out.dest_name, "registry.npmjs.org");
	/* A fence drop names the destination too. */
	engine_drop(f->eng, &f->pkt, "tcp-not-new");
	assert_int_equal(f->out.verdict, VERDICT_DROP);
	assert_true(f->out.has_dest_name);
	assert_string_equal(f->out.dest_name, "registry.npmjs.org");
	engine_free(f->eng);
	f->cfg.names_ctx = (void *)none;
	fixture_start(f);
	assert_int_equal(judge_port(f, 4430, NULL), VERDICT_REJECT);
	assert_string_equal(f->out.rule, "default");
	assert_false(f->out.has_dest_name);
	*state = f;
	teardown(state);
}

/* Without a names source no host rule holds and no name is recorded. */
static void test_no_names_source(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(judge_port(f, 4430, NULL), VERDICT_REJECT);
	assert_string_equal(f->out.rule, "default");
	assert_false(f->out.has_dest_name);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_free_null),
		T(test_accept),
		T(test_reject_with_reason),
		T(test_drop),
		T(test_default_rule),
		cmocka_unit_test(test_default_accept_has_no_hint),
		cmocka_unit_test(test_audit_flag),
		cmocka_unit_test(test_audit_mode_policy),
		T(test_gate_closed_rejects_accepts),
		T(test_gate_ignores_rejects_and_drops),
		cmocka_unit_test(test_gate_not_in_audit),
		cmocka_unit_test(test_open_emit_fails),
		T(test_emit_fails_then_gate),
		T(test_emit_fails_gate_open),
		cmocka_unit_test(test_no_attribution),
		T(test_attribution_fails),
		T(test_owner_from_queue),
		T(test_owner_from_attribution),
		T(test_attributed_process),
		T(test_tainted_process),
		T(test_partial_holders),
		T(test_live_fields),
		cmocka_unit_test(test_fence_drop),
		T(test_reload),
		T(test_temporary_rule),
		cmocka_unit_test(test_dest_names),
		T(test_no_names_source),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
