// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Process rules over what /proc attribution cannot vouch for: a socket
 * several processes hold, a tainted process, a holder set cut short.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <stdio.h>

#include "policytest.h"

static struct proc_info held[3];
static struct proc_info pi;
static struct flow f;

static const char *rule_for(const char *text)
{
	static char name[64];
	struct policy *p = pt_ok(text);

	snprintf(name, sizeof(name), "%s", pt_rule(p, &f, &pi));
	policy_free(p);
	return name;
}

/* pi names held[0] of n holders, all listed (one: none, as procfs). */
static void share(int n)
{
	memcpy(&pi, &held[0], sizeof(pi));
	if (n < 2)
		return;
	pi.shared = true;
	pi.n_holders = n;
	pi.n_listed = n;
	pi.holders = held;
}

static int setup(void **state)
{
	pt_flow(&f, "tcp", "10.0.0.2", "1.1.1.1", 443);
	pt_proc(&held[0], "/usr/bin/curl", "curl", "curl -s x");
	pt_proc(&held[1], "/usr/bin/curl", "curl", "curl -s x");
	pt_proc(&held[2], "/tmp/evil", "evil", "evil");
	held[1].pid = 4243;
	held[2].pid = 4244;
	return 0;
}

static const char *const curl = "accept exe /usr/bin/curl name curl\n"
				"reject not exe /usr/bin/curl name other\n";

static void test_every_holder(void **state)
{
	share(2);
	assert_string_equal(rule_for(curl), "curl");
	assert_string_equal(rule_for("accept comm curl name c\n"), "c");
	assert_string_equal(rule_for("accept cmdline \"curl -s *\" name c\n"),
			    "c");
	/* one holder of three is another program: neither rule holds */
	share(3);
	assert_string_equal(rule_for(curl), "default");
	assert_string_equal(rule_for("accept comm curl name c\n"), "default");
	/* named the odd one out: the same */
	memcpy(&held[0], &held[2], sizeof(held[0]));
	share(3);
	assert_string_equal(rule_for(curl), "default");
	/* every holder other than curl: the negation holds */
	pt_proc(&held[1], "/tmp/evil", "evil", "evil");
	share(2);
	assert_string_equal(rule_for(curl), "other");
}

static void test_unlisted_or_partial(void **state)
{
	share(2);
	pi.n_holders = 9; /* seven not described */
	assert_string_equal(rule_for(curl), "default");
	share(1);
	pi.partial = true;
	assert_string_equal(rule_for(curl), "default");
	/* a partial set still answers rules that need no process */
	assert_string_equal(rule_for("accept port 443 name port\n"), "port");
	assert_string_equal(rule_for("accept user 1000 name u\n"), "u");
}

static void test_tainted(void **state)
{
	share(1);
	pi.tainted = "started with LD_PRELOAD or LD_AUDIT";
	assert_string_equal(rule_for(curl), "default");
	assert_string_equal(rule_for("accept comm curl name c\n"), "default");
	assert_string_equal(rule_for("accept not comm x name c\n"), "default");
	/* the cgroup is the kernel's to say, not the process's */
	snprintf(pi.cgroup, sizeof(pi.cgroup), "/sandbox");
	assert_string_equal(rule_for("accept cgroup /sandbox name cg\n"), "cg");
	/* one tainted holder of two taints the set */
	pi.tainted = NULL;
	held[1].tainted = "exe is not the file its path names here";
	share(2);
	assert_string_equal(rule_for(curl), "default");
}

static void test_foreign_ancestor(void **state)
{
	share(1);
	pi.n_ancestors = 2;
	snprintf(pi.ancestors[0].exe, PROC_EXE_MAX, "/usr/bin/make");
	snprintf(pi.ancestors[1].exe, PROC_EXE_MAX, "/bin/sh");
	assert_string_equal(rule_for("accept ancestor /usr/bin/make name a\n"),
			    "a");
	pi.ancestors[0].foreign = true;
	assert_string_equal(rule_for("accept ancestor /usr/bin/make name a\n"),
			    "default");
}

#define CURL_SHA                           \
	"0123456789abcdef0123456789abcdef" \
	"0123456789abcdef0123456789abcdef"

static void test_exe_sha256(void **state)
{
	struct pt_diags d;
	struct policy *p;
	char *text;

	share(1);
	snprintf(pi.exe_sha256, sizeof(pi.exe_sha256), "%s", CURL_SHA);
	/* either case; kept, and printed, in lowercase */
	p = pt_ok("accept exe-sha256 0123456789ABCDEF0123456789abcdef"
		  "0123456789abcdef0123456789abcdef name sha\n");
	assert_string_equal(pt_rule(p, &f, &pi), "sha");
	text = pt_print(p);
	assert_non_null(strstr(text, "exe-sha256 " CURL_SHA));
	free(text);
	assert_true(policy_needs_holders(p));
	/* unknown digest, tainted, another digest */
	pi.exe_sha256[0] = '\0';
	assert_string_equal(pt_rule(p, &f, &pi), "default");
	snprintf(pi.exe_sha256, sizeof(pi.exe_sha256), "%s", CURL_SHA);
	pi.tainted = "started with LD_PRELOAD or LD_AUDIT";
	assert_string_equal(pt_rule(p, &f, &pi), "default");
	pi.tainted = NULL;
	pi.exe_sha256[0] = 'f';
	assert_string_equal(pt_rule(p, &f, &pi), "default");
	policy_free(p);
	assert_non_null(strstr(pt_errors("accept exe-sha256 abc\n", &d),
			       "t.conf:1:19: invalid exe-sha256 'abc' (64 hex "
			       "digits)"));
	assert_non_null(
		strstr(pt_errors("accept exe-sha256 " CURL_SHA "0\n", &d),
		       "invalid exe-sha256"));
	assert_non_null(strstr(pt_errors("accept exe-sha256 "
					 "g123456789abcdef0123456789abcdef"
					 "0123456789abcdef0123456789abcdef\n",
					 &d),
			       "invalid exe-sha256"));
	p = pt_ok("accept port 443 cgroup /x name plain\n");
	assert_false(policy_needs_holders(p));
	policy_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_every_holder, setup),
		cmocka_unit_test_setup(test_unlisted_or_partial, setup),
		cmocka_unit_test_setup(test_tainted, setup),
		cmocka_unit_test_setup(test_foreign_ancestor, setup),
		cmocka_unit_test_setup(test_exe_sha256, setup),
	};

	return cmocka_run_group_tests_name("policy-holders", tests, NULL, NULL);
}
