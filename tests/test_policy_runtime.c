// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The policy at run time: the embedded default and its proxy, loading
 * files, reloading under concurrent decisions, and large address sets.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <unistd.h>

#include "policytest.h"
#include "verdict.h"

static const char *const proxy_vars[] = {
	"HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY",
};

#define N_VARS (sizeof(proxy_vars) / sizeof(proxy_vars[0]))

static void clear_env(void)
{
	size_t i;

	for (i = 0; i < N_VARS; i++)
		unsetenv(proxy_vars[i]);
}

static void assert_proxy(const char *spec, const char *host, unsigned port)
{
	struct policy_proxy px;

	if (policy_proxy_parse(spec, &px))
		fail_msg("'%s' did not parse", spec);
	assert_string_equal(px.host, host);
	assert_int_equal(px.port, port);
}

static void test_proxy_forms(void **state)
{
	static const char *const bad[] = {
		"",	      "host",	    "host:", "host:0",
		"host:65536", "host:12x",   "[::1",  "[::1]x",
		"socks5://h", "http://:80", "a b:1", "http://h\n:1",
		"[]:80",
	};
	struct policy_proxy px;
	size_t i;

	assert_proxy("10.200.0.1:3128", "10.200.0.1", 3128);
	assert_proxy("http://10.200.0.1:3128", "10.200.0.1", 3128);
	assert_proxy("http://user:pw@10.200.0.1:3128/", "10.200.0.1", 3128);
	assert_proxy("http://us@r:p@ss@proxy.local:8080/x?y#z", "proxy.local",
		     8080);
	assert_proxy("[::1]:3128", "::1", 3128);
	assert_proxy("http://[fd00::1]:8080/", "fd00::1", 8080);
	assert_proxy("http://proxy.example", "proxy.example", 80);
	assert_proxy("HTTPS://proxy.example/", "proxy.example", 443);
	assert_proxy("socks5://proxy:1080", "proxy", 1080);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (!policy_proxy_parse(bad[i], &px))
			fail_msg("'%s' parsed as %s:%u", bad[i], px.host,
				 px.port);
}

static int fake_resolve(void *ctx, const char *host, char *out, size_t len)
{
	int *calls = ctx;

	(*calls)++;
	if (strcmp(host, "proxy.internal"))
		return -ENOENT;
	snprintf(out, len, "10.9.8.7, fd00::7");
	return 0;
}

static struct policy *default_policy(const char *proxy, char *text_out,
				     size_t len)
{
	int calls = 0;
	struct policy_default_opts o = {
		.proxy = proxy, .resolve = fake_resolve, .ctx = &calls};
	char err[256];
	char *text = policy_default_text(&o, err, sizeof(err));
	struct policy *p;

	if (!text)
		fail_msg("no default policy: %s", err);
	snprintf(text_out, len, "%s", text);
	p = pt_ok(text);
	free(text);
	return p;
}

static void test_default_without_proxy(void **state)
{
	char text[2048];
	struct policy *p;
	char *out;

	clear_env();
	p = default_policy(NULL, text, sizeof(text));
	assert_non_null(strstr(text, "only loopback is accepted"));
	assert_int_equal(policy_rule_count(p), 1);
	assert_string_equal(pt_rule_to(p, "tcp", "127.0.0.53", 53), "loopback");
	assert_string_equal(pt_rule_to(p, "udp", "::1", 53), "loopback");
	assert_string_equal(pt_rule_to(p, "tcp", "10.200.0.1", 3128),
			    "default");
	assert_string_equal(pt_rule_to(p, "icmp", "127.0.0.1", 0), "loopback");
	assert_string_equal(pt_rule_to(p, "icmp", "10.200.0.1", 0), "default");
	/* flows the outside opens are refused, but on loopback */
	assert_string_equal(pt_rule_in(p, "tcp", "127.0.0.1", "127.0.0.1", 80),
			    "loopback");
	assert_string_equal(pt_rule_in(p, "tcp", "::1", "::1", 80), "loopback");
	assert_string_equal(
		pt_rule_in(p, "tcp", "93.184.216.34", "10.200.0.2", 22),
		"default");
	assert_string_equal(
		pt_rule_in(p, "udp", "93.184.216.34", "10.200.0.2", 53),
		"default");
	out = pt_print(p);
	assert_non_null(strstr(out, "# No proxy is configured"));
	assert_non_null(strstr(out, "set default reject\n"));
	free(out);
	policy_free(p);
}

static void test_default_with_proxy(void **state)
{
	char text[2048];
	struct policy *p;

	clear_env();
	p = default_policy("http://u:secret@10.200.0.1:3128/", text,
			   sizeof(text));
	assert_null(strstr(text, "secret"));
	assert_string_equal(pt_rule_to(p, "tcp", "10.200.0.1", 3128), "proxy");
	assert_string_equal(pt_rule_to(p, "udp", "10.200.0.1", 3128),
			    "default");
	assert_string_equal(pt_rule_to(p, "tcp", "10.200.0.1", 80), "default");
	assert_string_equal(pt_rule_to(p, "tcp", "127.0.0.1", 80), "loopback");
	assert_string_equal(pt_rule_to(p, "udplite", "10.200.0.1", 3128),
			    "default");
	assert_string_equal(pt_rule_to(p, "sctp", "10.200.0.1", 3128),
			    "default");
	/* the proxy rule is for the sandbox's connections to it only */
	assert_string_equal(
		pt_rule_in(p, "tcp", "10.200.0.1", "10.200.0.2", 3128),
		"default");
	assert_string_equal(
		pt_rule_in(p, "tcp", "10.200.0.2", "10.200.0.1", 3128),
		"default");
	assert_string_equal(
		pt_rule_in(p, "tcp", "127.0.0.1", "127.0.0.1", 3128),
		"loopback");
	policy_free(p);

	/* a host name is resolved once, to all its addresses */
	p = default_policy("proxy.internal:8080", text, sizeof(text));
	assert_string_equal(pt_rule_to(p, "tcp", "10.9.8.7", 8080), "proxy");
	assert_string_equal(pt_rule_to(p, "tcp", "fd00::7", 8080), "proxy");
	assert_string_equal(pt_rule_to(p, "tcp", "10.9.8.8", 8080), "default");
	policy_free(p);
}

static void test_proxy_environment(void **state)
{
	char text[2048];
	struct policy *p;
	size_t i;

	/* each variable is used when those before it are unset or empty */
	for (i = 0; i < N_VARS; i++) {
		char addr[32], val[64];
		size_t j;

		clear_env();
		for (j = 0; j < i; j++)
			setenv(proxy_vars[j], "", 1);
		for (j = i; j < N_VARS; j++) {
			snprintf(val, sizeof(val), "http://10.0.0.%zu:3128/",
				 j + 1);
			setenv(proxy_vars[j], val, 1);
		}
		p = default_policy(NULL, text, sizeof(text));
		snprintf(addr, sizeof(addr), "10.0.0.%zu", i + 1);
		assert_string_equal(pt_rule_to(p, "tcp", addr, 3128), "proxy");
		assert_non_null(strstr(text, proxy_vars[i]));
		policy_free(p);
	}
	/* --proxy wins over the environment */
	p = default_policy("10.1.1.1:1", text, sizeof(text));
	assert_string_equal(pt_rule_to(p, "tcp", "10.1.1.1", 1), "proxy");
	policy_free(p);
	clear_env();
}

static void test_default_errors(void **state)
{
	int calls = 0;
	struct policy_default_opts o = {.resolve = fake_resolve, .ctx = &calls};
	char err[256];

	clear_env();
	setenv("HTTPS_PROXY", "http://u:secret@:3128", 1);
	assert_null(policy_default_text(&o, err, sizeof(err)));
	assert_int_equal(errno, EINVAL);
	assert_string_equal(err, "HTTPS_PROXY: not a proxy URL or HOST:PORT");
	clear_env();
	o.proxy = "nowhere.invalid:3128";
	assert_null(policy_default_text(&o, err, sizeof(err)));
	assert_int_equal(errno, ENOENT);
	assert_string_equal(err, "--proxy: cannot resolve proxy host "
				 "'nowhere.invalid'");
	assert_int_equal(calls, 1);
	/* an address needs no resolver */
	o.proxy = "[fd00::1]:3128";
	free(policy_default_text(&o, err, sizeof(err)));
	assert_int_equal(calls, 1);
}

static void collect_one(void *ctx, const char *msg)
{
	snprintf(ctx, 256, "%s", msg);
}

static void test_load(void **state)
{
	struct policy_parse_opts o = {.diag = collect_one};
	char msg[256] = "", path[] = "/tmp/nfjudge-policy-XXXXXX";
	struct policy *p;
	FILE *f;
	int fd;

	o.ctx = msg;
	assert_null(policy_load("/nonexistent/p.conf", NULL, &o));
	assert_string_equal(msg, "/nonexistent/p.conf: cannot read: No such "
				 "file or directory");
	assert_null(policy_load("/", NULL, &o));
	assert_string_equal(msg, "/: cannot read: Is a directory");

	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fputs("accept to 1.2.3.4 name one\n", f);
	fclose(f);
	p = policy_load(path, NULL, &o);
	assert_non_null(p);
	assert_string_equal(pt_rule_to(p, "tcp", "1.2.3.4", 1), "one");
	policy_free(p);
	unlink(path);
}

struct worker {
	struct policy_ref *ref;
	volatile int *stop;
	unsigned long decisions;
	int bad;
};

/* Decide over and over; every answer must come from one whole policy. */
static void *worker_run(void *arg)
{
	struct worker *w = arg;
	struct policy_decision d;
	struct policy_input in;
	struct flow f;

	pt_flow(&f, "tcp", "10.0.0.2", "10.0.0.1", 1);
	in = (struct policy_input){.flow = &f};
	while (!*w->stop || w->decisions < 1000) {
		struct policy *p = policy_ref_get(w->ref);

		policy_decide(p, &in, &d);
		/* rule "gN" always carries reason "gN" */
		if (!d.reason || strcmp(d.rule, d.reason))
			w->bad++;
		policy_ref_put(p);
		w->decisions++;
	}
	return NULL;
}

static struct policy *generation(int n)
{
	char text[128];

	snprintf(text, sizeof(text), "accept to 10.0.0.1 name g%d reason g%d\n",
		 n, n);
	return pt_ok(text);
}

static void test_reload_under_load(void **state)
{
	struct policy_ref *ref = policy_ref_new(generation(0));
	volatile int stop = 0;
	struct worker w[4];
	pthread_t t[4];
	struct policy *p;
	int i;

	assert_non_null(ref);
	for (i = 0; i < 4; i++) {
		w[i] = (struct worker){.ref = ref, .stop = &stop};
		assert_int_equal(pthread_create(&t[i], NULL, worker_run, &w[i]),
				 0);
	}
	for (i = 1; i <= 2000; i++)
		policy_ref_set(ref, generation(i));
	stop = 1;
	for (i = 0; i < 4; i++) {
		assert_int_equal(pthread_join(t[i], NULL), 0);
		assert_int_equal(w[i].bad, 0);
		assert_true(w[i].decisions >= 1000);
	}
	/* a held policy outlives its replacement */
	p = policy_ref_get(ref);
	policy_ref_set(ref, generation(9999));
	assert_string_equal(pt_rule_to(p, "tcp", "10.0.0.1", 1), "g2000");
	policy_ref_put(p);
	p = policy_ref_get(ref);
	assert_string_equal(pt_rule_to(p, "tcp", "10.0.0.1", 1), "g9999");
	policy_ref_put(p);
	policy_ref_free(ref);
	policy_ref_free(NULL);
}

static uint32_t rnd(uint64_t *s)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(*s >> 32);
}

/* 100,000 random CIDRs: the interval search agrees with a linear scan. */
static void test_large_set(void **state)
{
	enum { N = 100000, LOOKUPS = 2000 };
	uint32_t *net = malloc(N * sizeof(*net)), *mask = malloc(N * 4);
	size_t cap = (size_t)N * 20 + 64, n = 0;
	char *text = malloc(cap);
	uint64_t s = 42;
	struct policy *p;
	int i, j, hits = 0;

	assert_non_null(net);
	assert_non_null(mask);
	assert_non_null(text);
	n += (size_t)snprintf(text, cap, "accept to ");
	for (i = 0; i < N; i++) {
		int plen = 16 + (int)(rnd(&s) % 17);

		mask[i] = plen == 32 ? 0xffffffffu : ~(0xffffffffu >> plen);
		net[i] = rnd(&s) & mask[i];
		n += (size_t)snprintf(text + n, cap - n, "%s%u.%u.%u.%u/%d",
				      i ? "," : "", net[i] >> 24,
				      (net[i] >> 16) & 255, (net[i] >> 8) & 255,
				      net[i] & 255, plen);
	}
	snprintf(text + n, cap - n, " name big\n");
	p = pt_ok(text);
	for (i = 0; i < LOOKUPS; i++) {
		uint32_t a =
			i % 2 ? rnd(&s) : net[rnd(&s) % N] | (rnd(&s) & 0xff);
		bool want = false;
		char dst[20];

		for (j = 0; j < N && !want; j++)
			want = (a & mask[j]) == net[j];
		snprintf(dst, sizeof(dst), "%u.%u.%u.%u", a >> 24,
			 (a >> 16) & 255, (a >> 8) & 255, a & 255);
		assert_string_equal(pt_rule_to(p, "tcp", dst, 1),
				    want ? "big" : "default");
		hits += want;
	}
	/* both outcomes were exercised */
	assert_true(hits > 100 && hits < LOOKUPS - 100);
	policy_free(p);
	free(text);
	free(net);
	free(mask);
}

/* Many rules and defines: every name is found, the duplicate too. */
static void test_many_names(void **state)
{
	enum { N = 5000 };
	size_t cap = (size_t)N * 80, n = 0;
	char *text = malloc(cap), want[128];
	struct pt_diags d;
	struct policy *p;
	int i;

	assert_non_null(text);
	for (i = 0; i < N; i++)
		n += (size_t)snprintf(text + n, cap - n,
				      "define d%d = %d\n"
				      "accept proto tcp port $d%d name r%d\n",
				      i, i, i, i);
	snprintf(text + n, cap - n, "accept port $d%d name r%d\n", N - 1,
		 N / 2);
	snprintf(want, sizeof(want),
		 "t.conf:%d:25: duplicate rule name 'r%d' (first on line %d)\n",
		 2 * N + 1, N / 2, 2 * (N / 2) + 2);
	assert_string_equal(pt_errors(text, &d), want);
	assert_int_equal(d.count, 1);
	text[n] = '\0';
	p = pt_ok(text);
	assert_string_equal(pt_rule_to(p, "tcp", "1.1.1.1", N - 1), "r4999");
	assert_string_equal(pt_rule_to(p, "tcp", "1.1.1.1", 7), "r7");
	policy_free(p);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_proxy_forms),
		cmocka_unit_test(test_default_without_proxy),
		cmocka_unit_test(test_default_with_proxy),
		cmocka_unit_test(test_proxy_environment),
		cmocka_unit_test(test_default_errors),
		cmocka_unit_test(test_load),
		cmocka_unit_test(test_reload_under_load),
		cmocka_unit_test(test_large_set),
		cmocka_unit_test(test_many_names),
	};

	return cmocka_run_group_tests_name("policy runtime", tests, NULL, NULL);
}
