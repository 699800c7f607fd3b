// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The control socket's parsers (requests, durations, endpoints), its
 * temporary rules in front of a policy, the explanation of a decision,
 * and the peer check.  Hostile input is refused with a message.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <cmocka.h>

#include "control.h"
#include "ctlproto.h"
#include "ctlrules.h"
#include "flow.h"
#include "policy.h"
#include "verdict.h"

static int parse(const char *line, struct ctlreq *req, char *err)
{
	return ctlproto_parse_request(line, strlen(line), req, err, 256);
}

static void test_requests(void **state)
{
	struct ctlreq r;
	char err[256];

	(void)state;
	assert_int_equal(parse("{\"cmd\":\"status\"}", &r, err), 0);
	assert_int_equal(r.cmd, CTL_STATUS);
	assert_int_equal(parse("{\"cmd\":\"rules\"}", &r, err), 0);
	assert_int_equal(r.cmd, CTL_RULES);
	assert_int_equal(parse("{\"cmd\":\"reload\"}", &r, err), 0);
	assert_string_equal(r.file, "");
	assert_int_equal(
		parse("{\"cmd\":\"reload\",\"file\":\"/a/b\"}", &r, err), 0);
	assert_string_equal(r.file, "/a/b");
	assert_int_equal(parse("{\"cmd\":\"allow\",\"rule\":\"proto tcp to "
			       "10.0.0.5 port 443\",\"ttl\":\"5m\"}",
			       &r, err),
			 0);
	assert_int_equal(r.cmd, CTL_ALLOW);
	assert_string_equal(r.rule, "proto tcp to 10.0.0.5 port 443");
	assert_int_equal(r.ttl_s, 300);
	assert_int_equal(parse("{\"cmd\":\"deny\",\"rule\":\"to ::1\","
			       "\"ttl\":\"2s\"}",
			       &r, err),
			 0);
	assert_int_equal(r.cmd, CTL_DENY);
}

static void test_explain_request(void **state)
{
	struct ctlreq r;
	char err[256];

	(void)state;
	assert_int_equal(parse("{\"cmd\":\"explain\",\"proto\":\"TCP\","
			       "\"src\":\"10.0.0.2:40000\",\"dst\":\"10.0.0."
			       "5:443\",\"pid\":7}",
			       &r, err),
			 0);
	assert_int_equal(r.flow.proto, IPPROTO_TCP);
	assert_int_equal(r.flow.ip_version, 4);
	assert_int_equal(r.flow.sport, 40000);
	assert_int_equal(r.flow.dport, 443);
	assert_true(r.flow.has_ports);
	assert_int_equal(r.pid, 7);
	assert_int_equal(parse("{\"cmd\":\"explain\",\"proto\":\"icmpv6\","
			       "\"src\":\"fd00::2\",\"dst\":\"[fd00::1]:0\"}",
			       &r, err),
			 0);
	assert_int_equal(r.flow.proto, IPPROTO_ICMPV6);
	assert_false(r.flow.has_ports);
	assert_int_equal(parse("{\"cmd\":\"explain\",\"proto\":\"tcp\","
			       "\"src\":\"10.0.0.2\",\"dst\":\"fd00::1\"}",
			       &r, err),
			 -EINVAL);
	assert_non_null(strstr(err, "family"));
	assert_int_equal(parse("{\"cmd\":\"explain\",\"proto\":\"tcp\","
			       "\"src\":\"10.0.0.2\",\"dst\":\"1.2.3.4\","
			       "\"pid\":-1}",
			       &r, err),
			 -EINVAL);
}

static void test_hostile_requests(void **state)
{
	static const char *const bad[] = {
		"",
		"not json",
		"[1,2]",
		"{}",
		"{\"cmd\":7}",
		"{\"cmd\":\"shutdown\"}",
		"{\"cmd\":\"status\",\"cmd\":\"rules\"}",
		"{\"cmd\":\"allow\",\"rule\":\"to 1.2.3.4\"}",
		"{\"cmd\":\"allow\",\"rule\":\"to 1.2.3.4\",\"ttl\":\"0s\"}",
		"{\"cmd\":\"allow\",\"rule\":\"to 1.2.3.4\",\"ttl\":5}",
		"{\"cmd\":\"allow\",\"rule\":\"\",\"ttl\":\"5s\"}",
		"{\"cmd\":\"allow\",\"rule\":\"to 1.2.3.4\\nset default "
		"accept\",\"ttl\":\"5s\"}",
		"{\"cmd\":\"allow\",\"rule\":\"to 1.2.3.4 # "
		"x\",\"ttl\":\"5s\"}",
		"{\"cmd\":\"allow\",\"rule\":\"a\\u0000b\",\"ttl\":\"5s\"}",
		"{\"cmd\":\"reload\",\"file\":3}",
		"{\"cmd\":\"explain\",\"proto\":\"tcp\"}",
		"{\"cmd\":\"explain\",\"proto\":\"xyz\",\"src\":\"1.1.1.1\","
		"\"dst\":\"1.1.1.2\"}",
		"{\"cmd\":\"explain\",\"proto\":\"tcp\",\"src\":\"1.1.1.1:"
		"99999\",\"dst\":\"1.1.1.2\"}",
	};
	struct ctlreq r;
	char err[256], big[CTLREQ_MAX + 64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		assert_int_equal(parse(bad[i], &r, err), -EINVAL);
		assert_true(err[0] != '\0');
	}
	memset(big, ' ', sizeof(big));
	memcpy(big, "{\"cmd\":\"status\"", 15);
	big[sizeof(big) - 2] = '}';
	assert_int_equal(ctlproto_parse_request(big, sizeof(big) - 1, &r, err,
						sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "longer"));
}

static void test_ttl(void **state)
{
	uint32_t s;

	(void)state;
	assert_int_equal(ctlproto_parse_ttl("30s", &s), 0);
	assert_int_equal(s, 30);
	assert_int_equal(ctlproto_parse_ttl("30", &s), 0);
	assert_int_equal(s, 30);
	assert_int_equal(ctlproto_parse_ttl("5m", &s), 0);
	assert_int_equal(s, 300);
	assert_int_equal(ctlproto_parse_ttl("1h", &s), 0);
	assert_int_equal(s, 3600);
	assert_int_equal(ctlproto_parse_ttl("7d", &s), 0);
	assert_int_equal(s, 7 * 86400);
	assert_int_equal(ctlproto_parse_ttl("8d", &s), -EINVAL);
	assert_int_equal(ctlproto_parse_ttl("0s", &s), -EINVAL);
	assert_int_equal(ctlproto_parse_ttl("-1s", &s), -EINVAL);
	assert_int_equal(ctlproto_parse_ttl("1.5h", &s), -EINVAL);
	assert_int_equal(ctlproto_parse_ttl("1hh", &s), -EINVAL);
	assert_int_equal(ctlproto_parse_ttl("1w", &s), -EINVAL);
	assert_int_equal(ctlproto_parse_ttl("", &s), -EINVAL);
	assert_int_equal(ctlproto_parse_ttl(NULL, &s), -EINVAL);
	assert_int_equal(ctlproto_parse_ttl("99999999999999999999s", &s),
			 -EINVAL);
	assert_int_equal(ctlproto_parse_ttl(" 5s", &s), -EINVAL);
}

static void test_endpoints(void **state)
{
	uint8_t a[16];
	uint16_t p;

	(void)state;
	assert_int_equal(ctlproto_parse_endpoint("10.0.0.1", a, &p), 4);
	assert_int_equal(p, 0);
	assert_int_equal(ctlproto_parse_endpoint("10.0.0.1:443", a, &p), 4);
	assert_int_equal(p, 443);
	assert_int_equal(ctlproto_parse_endpoint("fd00::1", a, &p), 6);
	assert_int_equal(ctlproto_parse_endpoint("[fd00::1]:53", a, &p), 6);
	assert_int_equal(p, 53);
	assert_int_equal(ctlproto_parse_endpoint("[10.0.0.1]:53", a, &p), 0);
	/* not an address, and a bare IPv6 address takes no port */
	assert_int_equal(ctlproto_parse_endpoint("fd00::1:99999", a, &p), 0);
	assert_int_equal(ctlproto_parse_endpoint("10.0.0.1:", a, &p), 0);
	assert_int_equal(ctlproto_parse_endpoint("10.0.0.1:65536", a, &p), 0);
	assert_int_equal(ctlproto_parse_endpoint("host:80", a, &p), 0);
	assert_int_equal(ctlproto_parse_endpoint("[fd00::1]", a, &p), 0);
	assert_int_equal(ctlproto_parse_endpoint("", a, &p), 0);
}

static struct policy *compile(const char *text)
{
	return policy_parse(text, strlen(text), "t.conf", NULL);
}

static struct flow tcp_to(uint8_t last, uint16_t port)
{
	struct flow f = {.ip_version = 4,
			 .proto = IPPROTO_TCP,
			 .has_ports = true,
			 .dport = port};

	f.src[0] = 10;
	f.dst[0] = 10;
	f.dst[3] = last;
	return f;
}

static void decide(const struct policy *p, uint8_t last, uint16_t port,
		   struct policy_decision *d)
{
	struct flow f = tcp_to(last, port);
	struct policy_input in = {.flow = &f};

	policy_decide(p, &in, d);
}

static void test_temp_rules(void **state)
{
	struct policy *base = compile("set default reject\n"
				      "accept proto tcp to 10.0.0.1 port 3128 "
				      "name proxy\n");
	struct ctlrules *t = calloc(1, sizeof(*t));
	struct policy_decision d;
	struct ctlrule *r, gone;
	struct policy *p;
	char err[256];

	(void)state;
	assert_non_null(base);
	r = ctlrules_add(t, VERDICT_ACCEPT, "proto tcp to 10.0.0.5 port 443", 2,
			 1000, err, sizeof(err));
	assert_non_null(r);
	assert_string_equal(r->name, "ctl-1");
	r = ctlrules_add(t, VERDICT_REJECT, "to 10.0.0.5", 10, 1000, err,
			 sizeof(err));
	assert_non_null(r);
	assert_string_equal(r->name, "ctl-2");
	assert_null(ctlrules_add(t, VERDICT_ACCEPT, "to nowhere", 2, 1000, err,
				 sizeof(err)));
	assert_non_null(strstr(err, "<rule>:1:"));
	assert_null(ctlrules_add(t, VERDICT_ACCEPT, "to 1.2.3.4 name x", 2,
				 1000, err, sizeof(err)));
	assert_int_equal(ctlrules_count(t), 2);

	p = ctlrules_compose(t, base);
	/* newest first: ctl-2 decides before ctl-1 */
	decide(p, 5, 443, &d);
	assert_string_equal(d.rule, "ctl-2");
	assert_int_equal(d.line, 0);
	assert_int_equal(d.verdict, VERDICT_REJECT);
	decide(p, 1, 3128, &d);
	assert_string_equal(d.rule, "proxy");
	assert_int_equal(d.line, 2);
	decide(p, 7, 80, &d);
	assert_string_equal(d.rule, "default");
	assert_true(d.is_default);
	assert_int_equal(policy_rule_count(p), 3);
	policy_free(p);

	/* ctl-1 goes at 3000, ctl-2 stays until 11000 */
	assert_int_equal(ctlrules_expire(t, 2999, &gone), 0);
	assert_int_equal(ctlrules_expire(t, 3000, &gone), 1);
	assert_string_equal(gone.name, "ctl-1");
	assert_int_equal(ctlrules_expire(t, 3000, &gone), 0);
	assert_int_equal(ctlrules_expire(t, 11000, &gone), 1);
	p = ctlrules_compose(t, base);
	assert_ptr_equal(p, base); /* none left: the base alone */
	policy_free(p);
	policy_free(base);
	free(t);
}

static void test_bounded(void **state)
{
	struct policy *base = compile("set default reject\n");
	struct ctlrules *t = calloc(1, sizeof(*t));
	struct policy *p;
	char err[256];
	int i;

	(void)state;
	for (i = 0; i < CTLRULES_MAX; i++)
		assert_non_null(ctlrules_add(t, VERDICT_ACCEPT, "to 10.0.0.5",
					     60, 0, err, sizeof(err)));
	assert_null(ctlrules_add(t, VERDICT_ACCEPT, "to 10.0.0.5", 60, 0, err,
				 sizeof(err)));
	assert_non_null(strstr(err, "already"));
	p = ctlrules_compose(t, base);
	assert_int_equal(policy_rule_count(p), CTLRULES_MAX);
	policy_free(p);
	policy_free(base);
	free(t);
}

struct steps {
	char text[1024];
};

static void on_match(void *ctx, const char *text, bool holds)
{
	struct steps *s = ctx;
	size_t n = strlen(s->text);

	snprintf(s->text + n, sizeof(s->text) - n, "[%s=%d]", text, holds);
}

static void on_rule(void *ctx, const char *name, unsigned line, int verdict,
		    bool holds)
{
	struct steps *s = ctx;
	size_t n = strlen(s->text);

	snprintf(s->text + n, sizeof(s->text) - n, "%s:%u:%s:%d;", name, line,
		 verdict_str((enum verdict)verdict), holds);
}

static void test_explain(void **state)
{
	struct policy *p = compile("set default reject\n"
				   "accept proto tcp to 10.0.0.1 port 3128 "
				   "name proxy\n"
				   "drop not port 80, 443\n");
	struct steps s = {""};
	struct policy_explain_cb cb = {on_match, on_rule, &s};
	struct flow f = tcp_to(1, 80);
	struct policy_input in = {.flow = &f};

	(void)state;
	policy_explain(p, &in, &cb);
	assert_string_equal(s.text, "[proto tcp=1][to 10.0.0.1=1][port 3128=0]"
				    "proxy:2:accept:0;"
				    "[not port 80, 443=0]line 3:3:drop:0;"
				    "default:0:reject:1;");
	s.text[0] = '\0';
	f.dport = 3128;
	policy_explain(p, &in, &cb);
	assert_string_equal(s.text, "[proto tcp=1][to 10.0.0.1=1][port "
				    "3128=1]proxy:2:accept:1;");
	policy_free(p);
}

static void test_peer(void **state)
{
	struct control_peer root = {0, 0, 1}, member = {1000, 4242, 2},
			    other = {1000, 1000, 3};

	(void)state;
	assert_true(control_peer_allowed(&root, false, 0));
	assert_false(control_peer_allowed(&member, false, 0));
	assert_true(control_peer_allowed(&member, true, 4242));
	assert_false(control_peer_allowed(&other, true, 4242));
	/* no group given: gid 0 alone is not root */
	assert_false(control_peer_allowed(&(struct control_peer){5, 0, 4},
					  false, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_requests),
		cmocka_unit_test(test_explain_request),
		cmocka_unit_test(test_hostile_requests),
		cmocka_unit_test(test_ttl),
		cmocka_unit_test(test_endpoints),
		cmocka_unit_test(test_temp_rules),
		cmocka_unit_test(test_bounded),
		cmocka_unit_test(test_explain),
		cmocka_unit_test(test_peer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
