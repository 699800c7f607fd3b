// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <jansson.h>

#include "chain.h"
#include "communityid.h"
#include "flow.h"
#include "flowfmt.h"
#include "record.h"
#include "timefmt.h"

static char buf[RECORD_MAX];

/* A whole line, as the log gets it: body, chain field and newline. */
static int emit(const struct record_event *ev)
{
	struct chain *c = chain_new(NULL, 0);
	int len;

	assert_non_null(c);
	len = record_emit(c, buf, sizeof(buf), false, ev);
	chain_free(c);
	assert_true(len > 0);
	assert_int_equal(buf[len - 1], '\n');
	assert_null(memchr(buf, '\n', len - 1));
	return len;
}

static const char *escape(const char *s, size_t n)
{
	static char out[1024];
	size_t len = record_escape(out, sizeof(out) - 1, s, n);

	assert_true(len < sizeof(out));
	out[len] = '\0';
	return out;
}

#define ESC(lit) escape(lit, sizeof(lit) - 1)

static void test_escape(void **state)
{
	assert_string_equal(ESC("plain /usr/bin/curl"), "plain /usr/bin/curl");
	assert_string_equal(ESC("a\"b\\c"), "a\\\"b\\\\c");
	assert_string_equal(ESC("l1\nl2\r\t"), "l1\\u000al2\\u000d\\u0009");
	assert_string_equal(ESC("nul\0x"), "nul\\u0000x");
	assert_string_equal(ESC("del\x7f"), "del\\u007f");
	assert_string_equal(ESC("\x1b[31m"), "\\u001b[31m");
	/* well-formed UTF-8 of every length stays as it is */
	assert_string_equal(ESC("caf\xc3\xa9"), "caf\xc3\xa9");
	assert_string_equal(ESC("\xe2\x82\xac"), "\xe2\x82\xac");
	assert_string_equal(ESC("\xf0\x9f\x98\x80"), "\xf0\x9f\x98\x80");
	assert_string_equal(ESC("\xf4\x8f\xbf\xbf"), "\xf4\x8f\xbf\xbf");
	assert_string_equal(ESC("\xc2\x85"), "\xc2\x85"); /* C1, valid */
	/* bytes that are not UTF-8 become the text \xNN */
	assert_string_equal(ESC("\xff"), "\\\\xff");
	assert_string_equal(ESC("a\x80z"), "a\\\\x80z");
	assert_string_equal(ESC("\xc0\xaf"), "\\\\xc0\\\\xaf"); /* overlong */
	assert_string_equal(ESC("\xc1\xbf"), "\\\\xc1\\\\xbf");
	assert_string_equal(ESC("\xe0\x80\xaf"), "\\\\xe0\\\\x80\\\\xaf");
	assert_string_equal(ESC("\xf0\x80\x80\xaf"),
			    "\\\\xf0\\\\x80\\\\x80\\\\xaf");
	/* UTF-16 surrogates and code points above U+10FFFF */
	assert_string_equal(ESC("\xed\xa0\x80"), "\\\\xed\\\\xa0\\\\x80");
	assert_string_equal(ESC("\xf4\x90\x80\x80"),
			    "\\\\xf4\\\\x90\\\\x80\\\\x80");
	assert_string_equal(ESC("\xf5\x80\x80\x80"),
			    "\\\\xf5\\\\x80\\\\x80\\\\x80");
	/* truncated sequences, at the end and before ASCII */
	assert_string_equal(ESC("\xe2\x82"), "\\\\xe2\\\\x82");
	assert_string_equal(ESC("\xf0\x9f\x98x"), "\\\\xf0\\\\x9f\\\\x98x");
	assert_string_equal(ESC("\xc3"), "\\\\xc3");
}

static void test_escape_bounded(void **state)
{
	char out[8];

	memset(out, '#', sizeof(out));
	/* the length is measured in full; nothing is written beyond cap */
	assert_int_equal(record_escape(out, 4, "\n\n\n", 3), 18);
	assert_int_equal(out[4], '#');
	assert_int_equal(record_escape(out, 0, "abc", 3), 3);
	assert_int_equal(out[0], '#');
}

static void test_time(void **state)
{
	char ts[TIMEFMT_LEN];

	assert_int_equal(timefmt_format(0, ts), 0);
	assert_string_equal(ts, "1970-01-01T00:00:00.000000Z");
	assert_int_equal(timefmt_format(1795867200123456LL, ts), 0);
	assert_string_equal(ts, "2026-11-28T12:00:00.123456Z");
	assert_int_equal(timefmt_format(-1, ts), 0);
	assert_string_equal(ts, "1969-12-31T23:59:59.999999Z");
	assert_int_equal(timefmt_format(INT64_MAX, ts), -EINVAL);
	assert_int_equal(timefmt_format(INT64_MIN, ts), -EINVAL);
}

/* timefmt_in_range() says what timefmt_format() does, at both ends. */
static void test_time_range(void **state)
{
	static const int64_t at[] = {
		-62167219200000000LL - 1, -62167219200000000LL,
		253402300800000000LL - 1, 253402300800000000LL,
		0, INT64_MAX, INT64_MIN,
	};
	char ts[TIMEFMT_LEN];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(at) / sizeof(at[0]); i++)
		assert_int_equal(timefmt_in_range(at[i]),
				 timefmt_format(at[i], ts) == 0);
	assert_int_equal(timefmt_format(-62167219200000000LL, ts), 0);
	assert_string_equal(ts, "0000-01-01T00:00:00.000000Z");
	assert_int_equal(timefmt_format(253402300800000000LL - 1, ts), 0);
	assert_string_equal(ts, "9999-12-31T23:59:59.999999Z");
}

static void v4_flow(struct flow *f, uint8_t proto, uint16_t dport)
{
	memset(f, 0, sizeof(*f));
	f->ip_version = 4;
	f->proto = proto;
	f->has_ports = true;
	flowfmt_parse_addr("10.0.0.2", f->src);
	flowfmt_parse_addr("93.184.216.34", f->dst);
	f->sport = 40000;
	f->dport = dport;
}

static void fill_proc(struct proc_info *p)
{
	static const char argv[] = "node\0-e\0x=\"a\\b\"\nnext\0";

	memset(p, 0, sizeof(*p));
	p->pid = 4242;
	p->ppid = 1;
	p->uid = 1000;
	p->gid = 1000;
	strcpy(p->user, "dev");
	strcpy(p->exe, "/usr/bin/node");
	strcpy(p->comm, "node");
	memcpy(p->cmdline, argv, sizeof(argv) - 1);
	p->cmdline_len = sizeof(argv) - 1;
	p->argc = 3;
	strcpy(p->cgroup, "/user.slice");
	strcpy(p->start_time, "2026-11-28T11:59:00.000000Z");
	p->n_ancestors = 1;
	p->ancestors[0].pid = 1;
	strcpy(p->ancestors[0].exe, "/sbin/init");
	strcpy(p->ancestors[0].comm, "init");
}

static const char golden[] =
	"{\"timestamp\":\"2026-11-28T12:00:00.123456Z\",\"event_type\":"
	"\"verdict\",\"seq\":1,\"verdict\":\"reject\",\"enforced\":true,"
	"\"rule\":\"default\",\"rule_line\":0,\"hint\":\"use the proxy\","
	"\"proto\":\"TCP\",\"direction\":\"out\",\"ip_version\":4,"
	"\"src_ip\":\"10.0.0.2\","
	"\"src_port\":40000,\"dest_ip\":\"93.184.216.34\",\"dest_port\":443,"
	"\"community_id\":\"1:abc=\",\"attribution\":\"socket\",\"proc\":{"
	"\"pid\":4242,\"ppid\":1,\"uid\":1000,\"gid\":1000,\"user\":\"dev\","
	"\"exe\":\"/usr/bin/node\",\"comm\":\"node\",\"cmdline\":[\"node\","
	"\"-e\",\"x=\\\"a\\\\b\\\"\\u000anext\"],\"cgroup\":\"/user.slice\","
	"\"start_time\":\"2026-11-28T11:59:00.000000Z\",\"shared\":false,"
	"\"ancestors\":[{\"pid\":1,\"exe\":\"/sbin/init\",\"comm\":\"init\"}]}"
	",\"queue\":0,\"packet_id\":7,\"latency_us\":85";

static void verdict_event(struct record_event *ev, struct record_verdict *v,
			  struct flow *f, struct proc_info *p)
{
	v4_flow(f, 6, 443);
	fill_proc(p);
	memset(v, 0, sizeof(*v));
	v->flow = f;
	v->verdict = VERDICT_REJECT;
	v->enforced = true;
	v->rule = "default";
	v->hint = "use the proxy";
	v->community_id = "1:abc=";
	v->attribution = ATTR_SOCKET;
	v->proc = p;
	v->live = true;
	v->packet_id = 7;
	v->latency_us = 85;
	memset(ev, 0, sizeof(*ev));
	ev->type = RECORD_VERDICT;
	ev->ts_us = 1795867200123456LL;
	ev->verdict = v;
}

static json_t *parse_line(const char *line, size_t len)
{
	json_error_t err;
	json_t *j = json_loadb(line, len, JSON_REJECT_DUPLICATES, &err);

	if (!j)
		fail_msg("not JSON: %s: %.*s", err.text, (int)len, line);
	return j;
}

static void test_golden(void **state)
{
	struct record_event ev;
	struct record_verdict v;
	struct flow f;
	struct proc_info p;
	int len;

	verdict_event(&ev, &v, &f, &p);
	len = record_format(buf, sizeof(buf), 1, NULL, &ev);
	assert_int_equal(len, sizeof(golden) - 1);
	assert_memory_equal(buf, golden, len);
}

/* Keys in this order at the top level, then "chain", and no others. */
static void assert_keys(const char *line, size_t len, const char *const *keys,
			size_t n)
{
	char pat[64];
	const char *at = line, *hit;
	json_t *j = parse_line(line, len);
	size_t i;

	for (i = 0; i < n; i++) {
		snprintf(pat, sizeof(pat), "\"%s\":", keys[i]);
		hit = strstr(at, pat);
		if (!hit || !json_object_get(j, keys[i]))
			fail_msg("key %s missing or out of order", keys[i]);
		at = hit;
	}
	assert_non_null(strstr(at, ",\"chain\":"));
	assert_int_equal(json_object_size(j), n + 1);
	json_decref(j);
}

static void test_field_order(void **state)
{
	static const char *const want[] = {
		"timestamp",	"event_type",  "seq",	    "verdict",
		"enforced",	"rule",	       "rule_line", "reason",
		"hint",		"proto",       "direction", "ip_version",
		"src_ip",	"src_port",    "dest_ip",   "dest_port",
		"community_id", "attribution", "proc",	    "prev_chain",
	};
	struct record_event ev;
	struct record_verdict v;
	struct flow f;
	struct proc_info p;
	struct chain *c = chain_new(NULL, 0);
	int len;

	verdict_event(&ev, &v, &f, &p);
	v.live = false;
	v.reason = "metadata";
	len = record_emit(c, buf, sizeof(buf), true, &ev);
	assert_true(len > 0);
	assert_int_equal(buf[len - 1], '\n');
	buf[len] = '\0';
	assert_keys(buf, len, want, sizeof(want) / sizeof(want[0]));
	chain_free(c);
}

/* Decode the JSON string at path "proc" . key [idx] */
static void assert_cmdline(json_t *j, size_t idx, const char *want)
{
	json_t *arr = json_object_get(json_object_get(j, "proc"), "cmdline");

	assert_string_equal(json_string_value(json_array_get(arr, idx)), want);
}

static void test_hostile_proc(void **state)
{
	static const char argv[] = "a\"b\0c\\d\0e\nf\0\xff\xc0\xaf\0"
				   "\xf0\x9f\x98\x80\0\xed\xa0\x80";
	struct record_event ev;
	struct record_verdict v;
	struct flow f;
	struct proc_info p;
	json_t *j;
	int len;

	verdict_event(&ev, &v, &f, &p);
	memcpy(p.cmdline, argv, sizeof(argv) - 1);
	p.cmdline_len = sizeof(argv) - 1;
	strcpy(p.exe, "/tmp/\n{\"evil\":1}\x01");
	strcpy(p.comm, "\x7f\xfe");
	len = emit(&ev);
	j = parse_line(buf, len);
	assert_cmdline(j, 0, "a\"b");
	assert_cmdline(j, 1, "c\\d");
	assert_cmdline(j, 2, "e\nf");
	assert_cmdline(j, 3, "\\xff\\xc0\\xaf");
	assert_cmdline(j, 4, "\xf0\x9f\x98\x80");
	assert_cmdline(j, 5, "\\xed\\xa0\\x80");
	assert_int_equal(json_array_size(json_object_get(
				 json_object_get(j, "proc"), "cmdline")),
			 6);
	assert_string_equal(json_string_value(json_object_get(
				    json_object_get(j, "proc"), "exe")),
			    "/tmp/\n{\"evil\":1}\x01");
	assert_null(json_object_get(j, "evil"));
	json_decref(j);
}

/* The largest process identity, all bytes escaping to six, still fits. */
static void test_max_size(void **state)
{
	struct record_event ev;
	struct record_verdict v;
	struct flow f;
	static struct proc_info p;
	json_t *j;
	int i, len;

	verdict_event(&ev, &v, &f, &p);
	memset(p.user, 1, sizeof(p.user) - 1);
	memset(p.exe, 1, sizeof(p.exe) - 1);
	memset(p.comm, 1, sizeof(p.comm) - 1);
	memset(p.cmdline, 1, sizeof(p.cmdline));
	p.cmdline_len = sizeof(p.cmdline);
	p.cmdline_truncated = true;
	memset(p.cgroup, 1, sizeof(p.cgroup) - 1);
	memset(p.start_time, 1, sizeof(p.start_time) - 1);
	p.n_ancestors = PROC_MAX_ANCESTORS;
	for (i = 0; i < PROC_MAX_ANCESTORS; i++) {
		memset(p.ancestors[i].exe, 1, sizeof(p.ancestors[i].exe) - 1);
		memset(p.ancestors[i].comm, 1, sizeof(p.ancestors[i].comm) - 1);
	}
	v.reason = v.hint = "\x01\x01\x01";
	len = emit(&ev);
	assert_true(len > 6 * (int)sizeof(p.cmdline));
	j = parse_line(buf, len);
	len -= CHAIN_SUFFIX_LEN;
	assert_true(json_is_true(json_object_get(json_object_get(j, "proc"),
						 "cmdline_truncated")));
	json_decref(j);
	/* one byte short and the formatter says so instead of cutting */
	assert_int_equal(record_format(buf, len, 1, NULL, &ev), len);
	assert_int_equal(record_format(buf, len - 1, 1, NULL, &ev), -ENOSPC);
	assert_int_equal(record_format(buf, 10, 1, NULL, &ev), -ENOSPC);
}

static void test_events(void **state)
{
	struct record_start st = {.version = "0.1.0",
				  .policy = "embedded",
				  .mode = "enforce",
				  .queues = "0:3",
				  .on_log_failure = "closed"};
	struct record_stats stats = {.packets = 10,
				     .accepted = 7,
				     .rejected = 2,
				     .dropped = 1,
				     .lost_records = 3,
				     .fenced = 4,
				     .fence_lost = 5,
				     .fence_unreadable = 6};
	struct record_event ev = {.ts_us = 1};
	static const char *const start_keys[] = {
		"timestamp",	  "event_type", "seq",	  "version", "policy",
		"policy_sha256",  "mode",	"queues", "proxy",   "output",
		"on_log_failure", "fail_open",
	};
	static const char *const stop_keys[] = {"timestamp", "event_type",
						"seq", "reason", "stats"};
	static const char *const stats_keys[] = {"timestamp", "event_type",
						 "seq", "stats"};
	static const char *const error_keys[] = {
		"timestamp", "event_type", "seq", "message", "lost_records"};
	static const char *const reload_keys[] = {"timestamp",	   "event_type",
						  "seq",	   "ok",
						  "policy_sha256", "message"};
	int len;

	ev.type = RECORD_START;
	ev.start = &st;
	len = emit(&ev);
	assert_keys(buf, len, start_keys, 12);
	ev.type = RECORD_STOP;
	ev.message = "signal";
	ev.stats = &stats;
	len = emit(&ev);
	assert_keys(buf, len, stop_keys, 5);
	assert_non_null(strstr(buf, "\"stats\":{\"packets\":10,\"accepted\":7,"
				    "\"rejected\":2,\"dropped\":1,\"errors\":0,"
				    "\"lost_records\":3,\"fenced\":4,"
				    "\"fence_lost\":5,\"fence_unreadable\":6}"));
	ev.type = RECORD_STATS;
	len = emit(&ev);
	assert_keys(buf, len, stats_keys, 4);
	ev.type = RECORD_ERROR;
	ev.message = "records lost";
	ev.lost_records = 5;
	len = emit(&ev);
	assert_keys(buf, len, error_keys, 5);
	ev.type = RECORD_RELOAD;
	ev.ok = false;
	ev.message = "policy:3:1: expected an action";
	len = emit(&ev);
	assert_keys(buf, len, reload_keys, 6);
	ev.type = (enum record_type)99;
	assert_int_equal(record_format(buf, sizeof(buf), 6, NULL, &ev),
			 -EINVAL);
}

/* The exact text, so that readers of the log can rely on it. */
static void test_lost(void **state)
{
	struct record_lost lost = {.what = RECORD_LOST_QUEUE,
				   .count = 12,
				   .total = 29012,
				   .queue = 3};
	struct record_event ev = {
		.type = RECORD_LOST, .ts_us = 1, .lost = &lost};
	int len;

	len = record_format(buf, sizeof(buf), 7, NULL, &ev);
	assert_true(len > 0);
	buf[len] = '\0';
	assert_string_equal(buf, "{\"timestamp\":\"1970-01-01T00:00:00."
				 "000001Z\",\"event_type\":\"lost\",\"seq\":7,"
				 "\"lost\":\"queue_dropped\",\"count\":12,"
				 "\"total\":29012,\"queue\":3");
	/* records are not a queue's: no queue field */
	lost.what = RECORD_LOST_RECORDS;
	lost.queue = -1;
	len = record_format(buf, sizeof(buf), 8, NULL, &ev);
	assert_true(len > 0);
	buf[len] = '\0';
	assert_non_null(strstr(buf, "\"lost\":\"records\",\"count\":12,"
				    "\"total\":29012"));
	assert_null(strstr(buf, "queue"));
	lost.what = RECORD_LOST_USER;
	lost.queue = 0;
	len = emit(&ev);
	assert_non_null(strstr(buf, "\"lost\":\"user_dropped\""));
	assert_non_null(strstr(buf, "\"queue\":0,\"chain\":"));
	/* nothing to say what was lost is a caller's bug */
	lost.what = NULL;
	assert_int_equal(record_format(buf, sizeof(buf), 9, NULL, &ev),
			 -EINVAL);
	ev.lost = NULL;
	assert_int_equal(record_format(buf, sizeof(buf), 9, NULL, &ev),
			 -EINVAL);
}

static void test_control(void **state)
{
	struct record_control c = {.command = "allow",
				   .args = "to 10.0.0.5 \"x\"\n --ttl 5s",
				   .ok = true,
				   .rule = "ctl-1",
				   .ttl_s = 5,
				   .uid = 1000,
				   .gid = 4242,
				   .pid = 77};
	struct record_event ev = {
		.type = RECORD_CONTROL, .ts_us = 1, .control = &c};
	int len;

	(void)state;
	len = record_format(buf, sizeof(buf), 3, NULL, &ev);
	assert_true(len > 0);
	buf[len] = '\0';
	assert_non_null(strstr(buf,
			       "\"event_type\":\"control\",\"seq\":3,"
			       "\"command\":\"allow\",\"args\":\"to "
			       "10.0.0.5 \\\"x\\\"\\u000a --ttl 5s\","
			       "\"ok\":true,\"rule\":\"ctl-1\",\"ttl_s\":5,"
			       "\"peer_uid\":1000,\"peer_gid\":4242,"
			       "\"peer_pid\":77"));
	assert_null(strstr(buf, "\"message\""));
	assert_true(emit(&ev) > 0);
	/* an expiry has no peer gid; a failure says why */
	c.gid = -1;
	c.ok = false;
	c.rule = NULL;
	c.args = NULL;
	c.message = "too many";
	len = record_format(buf, sizeof(buf), 3, NULL, &ev);
	assert_true(len > 0);
	buf[len] = '\0';
	assert_non_null(strstr(buf, "\"ok\":false,\"peer_uid\":1000,"
				    "\"peer_gid\":null,\"peer_pid\":77,"
				    "\"message\":\"too many\""));
	/* a command is always named */
	c.command = NULL;
	assert_int_equal(record_format(buf, sizeof(buf), 3, NULL, &ev),
			 -EINVAL);
	ev.control = NULL;
	assert_int_equal(record_format(buf, sizeof(buf), 3, NULL, &ev),
			 -EINVAL);
}

static void test_alert(void **state)
{
	struct record_event ev = {.type = RECORD_ALERT,
				  .ts_us = 1,
				  .kind = "rules_altered",
				  .message =
					  "chain NFJUDGE: \"line\"\nrestored"};
	int len;

	len = record_format(buf, sizeof(buf), 2, NULL, &ev);
	assert_true(len > 0);
	buf[len] = '\0';
	assert_non_null(strstr(buf, "\"event_type\":\"alert\",\"seq\":2,"
				    "\"kind\":\"rules_altered\",\"message\":"
				    "\"chain NFJUDGE: \\\"line\\\"\\u000a"
				    "restored\""));
	len = emit(&ev);
	assert_true(len > 0);
	/* a message may be unknown; a kind may not */
	ev.message = NULL;
	len = record_format(buf, sizeof(buf), 2, NULL, &ev);
	assert_true(len > 0);
	buf[len] = '\0';
	assert_non_null(strstr(buf, "\"message\":null"));
	ev.kind = NULL;
	assert_int_equal(record_format(buf, sizeof(buf), 2, NULL, &ev),
			 -EINVAL);
}

static void test_hint(void **state)
{
	struct flow f;

	v4_flow(&f, 6, 443);
	assert_non_null(strstr(record_hint(&f), "NODE_USE_ENV_PROXY=1"));
	assert_non_null(strstr(record_hint(&f), "HTTPS_PROXY"));
	v4_flow(&f, 17, 53);
	assert_non_null(strstr(record_hint(&f), "resolver"));
	v4_flow(&f, 17, 443);
	assert_non_null(strstr(record_hint(&f), "UDP cannot"));
	v4_flow(&f, 136, 53);
	assert_non_null(strstr(record_hint(&f), "resolver"));
	v4_flow(&f, 136, 5001);
	assert_non_null(strstr(record_hint(&f), "UDP-Lite cannot"));
	v4_flow(&f, 1, 0);
	assert_non_null(strstr(record_hint(&f), "ICMP (ping) cannot"));
	v4_flow(&f, 58, 0);
	assert_non_null(strstr(record_hint(&f), "ICMP (ping) cannot"));
	v4_flow(&f, 132, 80);
	assert_non_null(strstr(record_hint(&f), "this protocol cannot"));
	v4_flow(&f, 47, 0);
	f.has_ports = false;
	assert_non_null(strstr(record_hint(&f), "this protocol cannot"));
	/* a port of 53 without ports is no DNS */
	v4_flow(&f, 136, 53);
	f.has_ports = false;
	assert_non_null(strstr(record_hint(&f), "UDP-Lite cannot"));
	v4_flow(&f, 6, 22);
	f.direction = FLOW_DIR_IN;
	assert_non_null(strstr(record_hint(&f), "direction in"));
}

/* An IPv6 flow without ports, no process, no community id. */
static void test_sparse(void **state)
{
	struct flow f = {.ip_version = 6, .proto = 58};
	struct record_verdict v = {.flow = &f, .verdict = VERDICT_DROP};
	struct record_event ev = {.type = RECORD_VERDICT, .verdict = &v};
	json_t *j;
	int len;

	f.src[15] = 1;
	f.dst[15] = 1;
	len = emit(&ev);
	assert_true(len > 0);
	j = parse_line(buf, len);
	assert_true(json_is_null(json_object_get(j, "proc")));
	assert_true(json_is_null(json_object_get(j, "src_port")));
	assert_true(json_is_null(json_object_get(j, "community_id")));
	assert_string_equal(json_string_value(json_object_get(j, "dest_ip")),
			    "::1");
	assert_string_equal(json_string_value(json_object_get(j, "proto")),
			    "IPV6-ICMP");
	assert_string_equal(json_string_value(json_object_get(j, "direction")),
			    "out");
	json_decref(j);
	/* a flow the outside opened, of a protocol with neither name nor
	 * ports */
	f.direction = FLOW_DIR_IN;
	f.proto = 50;
	len = emit(&ev);
	assert_true(len > 0);
	j = parse_line(buf, len);
	assert_string_equal(json_string_value(json_object_get(j, "proto")),
			    "50");
	assert_string_equal(json_string_value(json_object_get(j, "direction")),
			    "in");
	assert_true(json_is_null(json_object_get(j, "dest_port")));
	json_decref(j);
	v.verdict = (enum verdict)7;
	assert_int_equal(record_format(buf, sizeof(buf), 9, NULL, &ev),
			 -EINVAL);
}

/* A record that names its flow's hasher has the id the hasher gives,
 * byte for byte; one it gives already stays. */
static void test_community_hasher(void **state)
{
	struct communityid *cid = communityid_new(0);
	struct record_verdict v = {.verdict = VERDICT_ACCEPT, .rule = "r"};
	struct record_event ev = {.type = RECORD_VERDICT, .verdict = &v};
	char id[COMMUNITYID_LEN], want[RECORD_MAX], got[RECORD_MAX];
	struct flow f;
	int n, m;

	(void)state;
	assert_non_null(cid);
	v4_flow(&f, 6, 443);
	v.flow = &f;
	communityid_flow(cid, &f, id);
	v.community_id = id;
	n = record_format(want, sizeof(want), 1, NULL, &ev);
	assert_true(n > 0);
	assert_non_null(memmem(want, (size_t)n, id, strlen(id)));
	v.community_id = NULL;
	v.community_hasher = cid;
	m = record_format(got, sizeof(got), 1, NULL, &ev);
	assert_int_equal(m, n);
	assert_memory_equal(got, want, (size_t)n);
	v.community_id = "1:given=";
	m = record_format(got, sizeof(got), 1, NULL, &ev);
	assert_non_null(memmem(got, (size_t)m, "\"1:given=\"", 10));
	communityid_free(cid);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_escape_bounded),
		cmocka_unit_test(test_time),
		cmocka_unit_test(test_time_range),
		cmocka_unit_test(test_golden),
		cmocka_unit_test(test_field_order),
		cmocka_unit_test(test_hostile_proc),
		cmocka_unit_test(test_max_size),
		cmocka_unit_test(test_events),
		cmocka_unit_test(test_lost),
		cmocka_unit_test(test_alert),
		cmocka_unit_test(test_control),
		cmocka_unit_test(test_hint),
		cmocka_unit_test(test_sparse),
		cmocka_unit_test(test_community_hasher),
	};

	return cmocka_run_group_tests_name("record", tests, NULL, NULL);
}
