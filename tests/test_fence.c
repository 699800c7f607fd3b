// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The fence's classes, as replay and the daemon see them: one case for each
 * kind of packet the issue of the fence names, and the table's consistency
 * with the chain rules.c writes from it.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fence.h"
#include "flow.h"
#include "rules.h"

#define SYN 0x02
#define FIN 0x01
#define RST 0x04
#define PSH 0x08
#define ACK 0x10
#define URG 0x20

static struct flow flow4(uint8_t proto, uint8_t flags)
{
	struct flow f;

	memset(&f, 0, sizeof(f));
	f.ip_version = 4;
	f.proto = proto;
	f.tcp_flags = flags;
	f.has_ports = true;
	return f;
}

static enum fence_class out(const struct flow *f, enum fence_ct ct)
{
	struct fence_pkt p = {.flow = f, .ct = ct};

	return fence_classify(&p);
}

static enum fence_class in(const struct flow *f, enum fence_ct ct, bool lo)
{
	struct flow g = *f;
	struct fence_pkt p = {.flow = &g, .ct = ct, .loopback = lo};

	g.direction = FLOW_DIR_IN;
	return fence_classify(&p);
}

static void test_tcp(void **state)
{
	static const uint8_t bad[] = {
		SYN | FIN,	 ACK,	    RST,       FIN,	  PSH | ACK, 0,
		FIN | PSH | URG, SYN | ACK, SYN | RST, RST | ACK,
	};
	struct flow f = flow4(6, SYN);
	size_t i;

	assert_int_equal(out(&f, FENCE_CT_NEW), FENCE_JUDGE);
	/* A SYN conntrack calls ESTABLISHED is judged all the same. */
	assert_int_equal(out(&f, FENCE_CT_ESTABLISHED), FENCE_JUDGE);
	f.tcp_flags = SYN | PSH | URG; /* flags outside the four don't matter */
	assert_int_equal(out(&f, FENCE_CT_NEW), FENCE_JUDGE);
	for (i = 0; i < sizeof(bad); i++) {
		f.tcp_flags = bad[i];
		assert_int_equal(out(&f, FENCE_CT_NEW), FENCE_DROP_TCP_NOT_NEW);
		assert_int_equal(out(&f, FENCE_CT_INVALID), FENCE_DROP_INVALID);
	}
	f.tcp_flags = ACK;
	assert_int_equal(out(&f, FENCE_CT_ESTABLISHED), FENCE_PASS);
	assert_int_equal(out(&f, FENCE_CT_RELATED), FENCE_PASS);
	f.tcp_flags = SYN | ACK;
	assert_int_equal(out(&f, FENCE_CT_ESTABLISHED), FENCE_PASS);
}

static void test_other_protocols(void **state)
{
	static const uint8_t protos[] = {17, 136, 1, 132, 47, 253, 0, 255};
	struct flow f;
	size_t i;

	for (i = 0; i < sizeof(protos); i++) {
		f = flow4(protos[i], 0);
		assert_int_equal(out(&f, FENCE_CT_NEW), FENCE_JUDGE);
		assert_int_equal(out(&f, FENCE_CT_ESTABLISHED), FENCE_PASS);
		assert_int_equal(out(&f, FENCE_CT_RELATED), FENCE_PASS);
		assert_int_equal(out(&f, FENCE_CT_INVALID), FENCE_DROP_INVALID);
		assert_int_equal(out(&f, FENCE_CT_UNTRACKED),
				 FENCE_DROP_INVALID);
	}
}

static void test_no_udp(void **state)
{
	struct flow f = flow4(17, 0);
	struct fence_pkt p = {.flow = &f, .ct = FENCE_CT_NEW, .no_udp = true};

	assert_int_equal(fence_classify(&p), FENCE_DROP_NO_UDP);
	f.proto = 136;
	assert_int_equal(fence_classify(&p), FENCE_DROP_NO_UDP);
	p.ct = FENCE_CT_ESTABLISHED;
	assert_int_equal(fence_classify(&p), FENCE_PASS);
	f.proto = 1;
	p.ct = FENCE_CT_NEW;
	assert_int_equal(fence_classify(&p), FENCE_JUDGE);
	f.direction = FLOW_DIR_IN;
	f.proto = 17;
	assert_int_equal(fence_classify(&p), FENCE_DROP_NO_UDP);
}

/* Options, routing headers and fragments: in every conntrack state. */
static void test_every_state(void **state)
{
	static const enum fence_ct cts[] = {
		FENCE_CT_NEW,	  FENCE_CT_ESTABLISHED, FENCE_CT_RELATED,
		FENCE_CT_INVALID, FENCE_CT_UNTRACKED,
	};
	struct flow f;
	size_t i;

	for (i = 0; i < sizeof(cts) / sizeof(cts[0]); i++) {
		f = flow4(6, ACK);
		f.ip_flags = FLOW_IP_OPTIONS;
		assert_int_equal(out(&f, cts[i]), FENCE_DROP_IP_OPTIONS);
		f = flow4(17, 0);
		f.frag = FLOW_FRAG_MF;
		assert_int_equal(out(&f, cts[i]), FENCE_DROP_FRAGMENT);
		f.frag = FLOW_FRAG_LATER;
		assert_int_equal(out(&f, cts[i]), FENCE_DROP_FRAGMENT);
		f = flow4(6, SYN);
		f.ip_version = 6;
		f.ip_flags = FLOW_IP_ROUTING;
		assert_int_equal(out(&f, cts[i]), FENCE_DROP_ROUTING_HEADER);
		f.ip_flags = FLOW_IP_FRAGHDR;
		assert_int_equal(out(&f, cts[i]), FENCE_DROP_FRAGMENT);
	}
	/* The IPv4 flags mean nothing in IPv6, and the other way round. */
	f = flow4(6, SYN);
	f.ip_flags = FLOW_IP_ROUTING | FLOW_IP_FRAGHDR;
	assert_int_equal(out(&f, FENCE_CT_NEW), FENCE_JUDGE);
	f.ip_version = 6;
	f.ip_flags = FLOW_IP_OPTIONS;
	assert_int_equal(out(&f, FENCE_CT_NEW), FENCE_JUDGE);
}

static void test_spoofed_premarked(void **state)
{
	struct flow f = flow4(6, SYN);
	struct fence_pkt p = {
		.flow = &f, .ct = FENCE_CT_NEW, .src_foreign = true};

	assert_int_equal(fence_classify(&p), FENCE_DROP_SPOOFED);
	f.tcp_flags = RST;
	assert_int_equal(fence_classify(&p), FENCE_DROP_SPOOFED);
	f.proto = 1;
	assert_int_equal(fence_classify(&p), FENCE_DROP_SPOOFED);
	p.premarked = true;
	p.ct = FENCE_CT_ESTABLISHED;
	assert_int_equal(fence_classify(&p), FENCE_DROP_PREMARKED);
}

static void test_inbound(void **state)
{
	struct flow f = flow4(6, SYN);

	assert_int_equal(in(&f, FENCE_CT_NEW, false), FENCE_JUDGE);
	assert_int_equal(in(&f, FENCE_CT_NEW, true), FENCE_PASS);
	f.tcp_flags = ACK;
	assert_int_equal(in(&f, FENCE_CT_ESTABLISHED, false), FENCE_PASS);
	/* conntrack picks up a bare ACK mid-stream as NEW: judged. */
	assert_int_equal(in(&f, FENCE_CT_NEW, false), FENCE_JUDGE);
	assert_int_equal(in(&f, FENCE_CT_INVALID, false), FENCE_PASS);
	f = flow4(17, 0);
	assert_int_equal(in(&f, FENCE_CT_NEW, false), FENCE_JUDGE);
	assert_int_equal(in(&f, FENCE_CT_ESTABLISHED, false), FENCE_PASS);
	/* Only outbound packets are tested for their source. */
	f.frag = FLOW_FRAG_LATER;
	assert_int_equal(in(&f, FENCE_CT_INVALID, false), FENCE_PASS);
}

/* IPv6's own traffic, sent before an address is usable. */
static void test_ndp(void **state)
{
	static const uint16_t pass[] = {133, 135, 136, 143};
	struct flow f = flow4(58, 0);
	struct fence_pkt p = {
		.flow = &f, .ct = FENCE_CT_INVALID, .src_foreign = true};
	size_t i;

	f.ip_version = 6;
	for (i = 0; i < sizeof(pass) / sizeof(pass[0]); i++) {
		f.sport = pass[i];
		assert_int_equal(fence_classify(&p), FENCE_PASS);
	}
	f.sport = 128; /* echo request */
	assert_int_equal(fence_classify(&p), FENCE_DROP_SPOOFED);
	p.src_foreign = false;
	assert_int_equal(fence_classify(&p), FENCE_DROP_INVALID);
	f.ip_version = 4;
	f.proto = 1;
	f.sport = 135;
	assert_int_equal(fence_classify(&p), FENCE_DROP_INVALID);
}

static void test_reasons(void **state)
{
	static const char *const drops[] = {
		"ip-options", "routing-header", "fragment", "spoofed",
		"invalid",    "tcp-not-new",	"no-udp",   "premarked",
	};
	char buf[64];
	size_t i;
	enum fence_class c;

	for (i = 0; i < sizeof(drops) / sizeof(drops[0]); i++) {
		c = fence_from_reason(drops[i], strlen(drops[i]));
		assert_true(fence_is_drop(c));
		assert_string_equal(fence_reason(c), drops[i]);
		/* The kernel's prefix attribute ends in a NUL. */
		snprintf(buf, sizeof(buf), FENCE_PREFIX "%s", drops[i]);
		assert_int_equal(fence_from_prefix(buf, strlen(buf) + 1), c);
		assert_int_equal(fence_from_prefix(buf, strlen(buf) - 1),
				 FENCE__MAX);
	}
	assert_false(fence_is_drop(FENCE_JUDGE));
	assert_false(fence_is_drop(FENCE_PASS));
	assert_false(fence_is_drop(FENCE__MAX));
	assert_int_equal(fence_from_prefix("nfjudge judge", 13), FENCE__MAX);
	assert_int_equal(fence_from_prefix("nfjudge ", 8), FENCE__MAX);
	assert_int_equal(fence_from_prefix("other invalid", 13), FENCE__MAX);
	assert_int_equal(fence_from_prefix("", 0), FENCE__MAX);
	assert_string_equal(fence_reason(FENCE__MAX), "unknown");
}

/* Each drop reason the table names appears in the chain, with its log. */
static void test_chain_has_table(void **state)
{
	struct rules_opts o;
	const struct rules_state none = {0};
	const struct fence_rule *r;
	char *v4, *v6, want[128];
	size_t i, n;

	rules_opts_init(&o);
	o.no_udp = true;
	v4 = rules_text_install(&o, RULES_IPV4, &none);
	v6 = rules_text_install(&o, RULES_IPV6, &none);
	assert_non_null(v4);
	assert_non_null(v6);
	r = fence_rules(&n);
	for (i = 0; i < n; i++) {
		if (!fence_is_drop(r[i].cls))
			continue;
		snprintf(want, sizeof(want),
			 "--nflog-prefix \"" FENCE_PREFIX "%s\"",
			 fence_reason(r[i].cls));
		assert_non_null(strstr(r[i].v4 ? v4 : v6, want));
		if (r[i].v4 && *r[i].v4)
			assert_non_null(strstr(v4, r[i].v4));
		if (r[i].v6 && *r[i].v6)
			assert_non_null(strstr(v6, r[i].v6));
	}
	free(v4);
	free(v6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tcp),
		cmocka_unit_test(test_other_protocols),
		cmocka_unit_test(test_no_udp),
		cmocka_unit_test(test_every_state),
		cmocka_unit_test(test_spoofed_premarked),
		cmocka_unit_test(test_inbound),
		cmocka_unit_test(test_ndp),
		cmocka_unit_test(test_reasons),
		cmocka_unit_test(test_chain_has_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
