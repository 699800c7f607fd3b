// SPDX-License-Identifier: GPL-2.0-or-later
/* The policy language: every match, lists, defines, order, defaults. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "policytest.h"
#include "verdict.h"

static const char sandbox[] =
	"set default reject\n"
	"define proxy = 10.200.0.1\n"
	"accept to 127.0.0.0/8, ::1 name loopback\n"
	"accept proto tcp to $proxy port 3128 name proxy\n"
	"reject to 169.254.169.254 name metadata reason \"cloud metadata "
	"endpoint\"\n"
	"accept proto udp to $proxy port 53 exe /usr/lib/resolver/* name dns\n";

static void decide(const struct policy *p, const struct flow *f,
		   const struct proc_info *proc, struct policy_decision *d)
{
	struct policy_input in = {.flow = f, .proc = proc};

	policy_decide(p, &in, d);
}

static void test_sandbox_example(void **state)
{
	struct policy *p = pt_ok(sandbox);
	struct policy_decision d;
	struct proc_info pi;
	struct flow f;

	assert_int_equal(policy_rule_count(p), 4);
	assert_false(policy_audit_mode(p));
	assert_string_equal(pt_rule_to(p, "tcp", "127.0.0.1", 80), "loopback");
	assert_string_equal(pt_rule_to(p, "udp", "127.255.0.9", 9), "loopback");
	assert_string_equal(pt_rule_to(p, "tcp", "::1", 80), "loopback");
	assert_string_equal(pt_rule_to(p, "tcp", "::2", 80), "default");
	assert_string_equal(pt_rule_to(p, "tcp", "10.200.0.1", 3128), "proxy");
	assert_string_equal(pt_rule_to(p, "udp", "10.200.0.1", 3128),
			    "default");
	assert_string_equal(pt_rule_to(p, "tcp", "10.200.0.1", 3129),
			    "default");

	pt_flow(&f, "tcp", "10.0.0.2", "169.254.169.254", 80);
	decide(p, &f, NULL, &d);
	assert_int_equal(d.verdict, VERDICT_REJECT);
	assert_string_equal(d.rule, "metadata");
	assert_int_equal(d.line, 5);
	assert_string_equal(d.reason, "cloud metadata endpoint");
	assert_false(d.is_default);

	pt_flow(&f, "udp", "10.0.0.2", "10.200.0.1", 53);
	pt_proc(&pi, "/usr/lib/resolver/unbound", "unbound", "unbound -d");
	assert_string_equal(pt_rule(p, &f, &pi), "dns");
	pt_proc(&pi, "/usr/bin/dig", "dig", "dig example.org");
	assert_string_equal(pt_rule(p, &f, &pi), "default");
	assert_string_equal(pt_rule(p, &f, NULL), "default");

	pt_flow(&f, "tcp", "10.0.0.2", "8.8.8.8", 443);
	decide(p, &f, NULL, &d);
	assert_int_equal(d.verdict, VERDICT_REJECT);
	assert_string_equal(d.rule, "default");
	assert_int_equal(d.line, 0);
	assert_null(d.reason);
	assert_true(d.is_default);
	policy_free(p);
}

static void test_first_match_and_line_names(void **state)
{
	struct policy *p = pt_ok("# header\n\n"
				 "drop to 10.1.0.0/16\n"
				 "accept to 10.0.0.0/8 name wide\n"
				 "reject \\\n  to 10.1.2.3\n");
	struct policy_decision d;
	struct flow f;

	pt_flow(&f, "tcp", "10.0.0.2", "10.1.2.3", 1);
	decide(p, &f, NULL, &d);
	assert_int_equal(d.verdict, VERDICT_DROP);
	assert_string_equal(d.rule, "line 3");
	assert_int_equal(d.line, 3);
	assert_string_equal(pt_rule_to(p, "tcp", "10.2.0.1", 1), "wide");
	policy_free(p);

	/* a continued rule is named after its first line */
	p = pt_ok("accept \\\n  to 10.1.2.3\n\naccept to 1.1.1.1\n");
	assert_string_equal(pt_rule_to(p, "tcp", "10.1.2.3", 1), "line 1");
	assert_string_equal(pt_rule_to(p, "tcp", "1.1.1.1", 1), "line 4");
	policy_free(p);
}

static void test_defaults_and_mode(void **state)
{
	static const struct {
		const char *text;
		int verdict;
		bool audit;
	} cases[] = {
		{"", VERDICT_REJECT, false},
		{"set default accept\n", VERDICT_ACCEPT, false},
		{"set default drop\nset mode audit\n", VERDICT_DROP, true},
		{"set mode enforce\nset default reject\n", VERDICT_REJECT,
		 false},
	};
	struct policy_decision d;
	struct flow f;
	size_t i;

	pt_flow(&f, "tcp", "10.0.0.2", "1.2.3.4", 80);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct policy *p = pt_ok(cases[i].text);

		decide(p, &f, NULL, &d);
		assert_int_equal(d.verdict, cases[i].verdict);
		assert_true(d.is_default);
		assert_int_equal(policy_audit_mode(p), cases[i].audit);
		policy_free(p);
	}
}

static void test_proto_family(void **state)
{
	struct policy *p = pt_ok("accept proto udp family ipv6 name u6\n"
				 "accept proto tcp,udp family ipv4 name any4\n"
				 "drop proto tcp name t6\n");

	assert_string_equal(pt_rule_to(p, "udp", "2001:db8::1", 53), "u6");
	assert_string_equal(pt_rule_to(p, "tcp", "2001:db8::1", 53), "t6");
	assert_string_equal(pt_rule_to(p, "tcp", "1.2.3.4", 53), "any4");
	assert_string_equal(pt_rule_to(p, "udp", "1.2.3.4", 53), "any4");
	policy_free(p);
}

static void test_proto_names_numbers(void **state)
{
	struct policy *p = pt_ok("accept proto icmp name ping4\n"
				 "accept proto icmpv6, udplite name v6l\n"
				 "accept proto sctp, gre name sg\n"
				 "accept proto 253, 0, 0255 name num\n"
				 "reject proto tcp port 25 name smtp\n"
				 "drop proto any name rest\n");
	char *out;

	assert_string_equal(pt_rule_to(p, "icmp", "1.2.3.4", 0), "ping4");
	assert_string_equal(pt_rule_to(p, "icmpv6", "2001:db8::1", 0), "v6l");
	assert_string_equal(pt_rule_to(p, "udplite", "1.2.3.4", 5001), "v6l");
	assert_string_equal(pt_rule_to(p, "sctp", "1.2.3.4", 38412), "sg");
	assert_string_equal(pt_rule_to(p, "gre", "1.2.3.4", 0), "sg");
	assert_string_equal(pt_rule_to(p, "253", "1.2.3.4", 0), "num");
	assert_string_equal(pt_rule_to(p, "0", "1.2.3.4", 0), "num");
	assert_string_equal(pt_rule_to(p, "255", "1.2.3.4", 0), "num");
	assert_string_equal(pt_rule_to(p, "tcp", "1.2.3.4", 25), "smtp");
	assert_string_equal(pt_rule_to(p, "tcp", "1.2.3.4", 443), "rest");
	assert_string_equal(pt_rule_to(p, "udp", "1.2.3.4", 53), "rest");
	assert_string_equal(pt_rule_to(p, "254", "1.2.3.4", 0), "rest");
	/* a protocol without ports never matches a port */
	assert_string_equal(pt_rule_to(p, "gre", "1.2.3.4", 25), "sg");
	out = pt_print(p);
	assert_non_null(strstr(out, "proto 253, 0, 255 name num"));
	assert_non_null(strstr(out, "proto any name rest"));
	free(out);
	policy_free(p);
}

static void test_not_proto_udp_any(void **state)
{
	struct policy *p = pt_ok("reject not proto tcp, udp name other\n"
				 "accept proto tcp, udp name tu\n");

	assert_string_equal(pt_rule_to(p, "icmp", "1.2.3.4", 0), "other");
	assert_string_equal(pt_rule_to(p, "sctp", "1.2.3.4", 1), "other");
	assert_string_equal(pt_rule_to(p, "udplite", "1.2.3.4", 1), "other");
	assert_string_equal(pt_rule_to(p, "udp", "1.2.3.4", 1), "tu");
	policy_free(p);
}

static void test_direction(void **state)
{
	struct policy *p =
		pt_ok("accept to 10.0.0.0/8 name out-only\n"
		      "accept direction in from 192.0.2.0/24 port 22 name ssh\n"
		      "accept direction in, out to 127.0.0.0/8 name lo\n"
		      "drop not direction out proto udp name in-udp\n"
		      "reject direction out name out-rest\n");

	assert_string_equal(pt_rule_to(p, "tcp", "10.1.1.1", 80), "out-only");
	/* a rule without direction holds for outbound flows only */
	assert_string_equal(pt_rule_in(p, "tcp", "10.9.9.9", "10.1.1.1", 80),
			    "default");
	assert_string_equal(pt_rule_in(p, "tcp", "192.0.2.7", "10.1.1.1", 22),
			    "ssh");
	assert_string_equal(pt_rule_in(p, "tcp", "192.0.2.7", "10.1.1.1", 23),
			    "default");
	assert_string_equal(pt_rule_in(p, "tcp", "127.0.0.1", "127.0.0.1", 80),
			    "lo");
	assert_string_equal(pt_rule_to(p, "udp", "127.0.0.1", 53), "lo");
	assert_string_equal(pt_rule_in(p, "udp", "192.0.2.7", "10.1.1.1", 53),
			    "in-udp");
	assert_string_equal(pt_rule_to(p, "udp", "11.1.1.1", 53), "out-rest");
	policy_free(p);
}

static void test_cidr_edges(void **state)
{
	struct policy *p = pt_ok(
		"accept to 255.255.255.255/32 name top4\n"
		"accept to ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff name top6\n"
		"accept to 10.1.0.0/16, 10.0.0.0/8 name ten\n"
		"accept to 192.168.0.0/25, 192.168.0.128/25 name halves\n"
		"accept to ::ffff:172.16.0.1 name mapped\n"
		"accept to 2001:db8::/32 name doc6\n"
		"accept to 198.51.100.7/32, 2001:db8:1::7/128 name hosts\n"
		"accept to 0.0.0.0/0 name all4\n"
		"accept to ::/0 name all6\n");

	assert_string_equal(pt_rule_to(p, "tcp", "255.255.255.255", 1), "top4");
	assert_string_equal(pt_rule_to(p, "tcp", "255.255.255.254", 1), "all4");
	assert_string_equal(
		pt_rule_to(p, "tcp", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
			   1),
		"top6");
	assert_string_equal(pt_rule_to(p, "tcp", "10.255.255.255", 1), "ten");
	assert_string_equal(pt_rule_to(p, "tcp", "10.1.2.3", 1), "ten");
	assert_string_equal(pt_rule_to(p, "tcp", "11.0.0.0", 1), "all4");
	assert_string_equal(pt_rule_to(p, "tcp", "192.168.0.0", 1), "halves");
	assert_string_equal(pt_rule_to(p, "tcp", "192.168.0.200", 1), "halves");
	assert_string_equal(pt_rule_to(p, "tcp", "192.168.1.0", 1), "all4");
	/* an IPv4-mapped IPv6 address is IPv6: it never matches IPv4 */
	assert_string_equal(pt_rule_to(p, "tcp", "172.16.0.1", 1), "all4");
	assert_string_equal(pt_rule_to(p, "tcp", "::ffff:172.16.0.1", 1),
			    "mapped");
	assert_string_equal(pt_rule_to(p, "tcp", "2001:db8:ffff::1", 1),
			    "doc6");
	assert_string_equal(pt_rule_to(p, "tcp", "2001:db9::", 1), "all6");
	assert_string_equal(pt_rule_to(p, "tcp", "198.51.100.7", 1), "hosts");
	assert_string_equal(pt_rule_to(p, "tcp", "198.51.100.8", 1), "all4");
	assert_string_equal(pt_rule_to(p, "tcp", "2001:db8:1::7", 1), "doc6");
	/* 0.0.0.0/0 is every IPv4 address but no IPv6 one, and back */
	assert_string_equal(pt_rule_to(p, "tcp", "0.0.0.0", 1), "all4");
	assert_string_equal(pt_rule_to(p, "tcp", "::", 1), "all6");
	policy_free(p);

	p = pt_ok("accept to ::/0 name all6\n");
	assert_string_equal(pt_rule_to(p, "tcp", "1.2.3.4", 1), "default");
	policy_free(p);
	p = pt_ok("accept to 0.0.0.0/0 name all4\n");
	assert_string_equal(pt_rule_to(p, "tcp", "::", 1), "default");
	policy_free(p);
}

static void test_from(void **state)
{
	struct policy *p =
		pt_ok("accept from 10.9.0.0/16, fd00::/8 name src\n");
	struct flow f;

	pt_flow(&f, "tcp", "10.9.1.1", "1.1.1.1", 1);
	assert_string_equal(pt_rule(p, &f, NULL), "src");
	pt_flow(&f, "tcp", "10.8.1.1", "10.9.1.1", 1);
	assert_string_equal(pt_rule(p, &f, NULL), "default");
	pt_flow(&f, "tcp", "fd00::5", "2001:db8::1", 1);
	assert_string_equal(pt_rule(p, &f, NULL), "src");
	policy_free(p);
}

static void test_ports(void **state)
{
	struct policy *p = pt_ok("accept port 0, 22,80 ,8000-8080, 65535 "
				 "name p\n");
	struct flow f;

	assert_string_equal(pt_rule_to(p, "tcp", "1.1.1.1", 0), "p");
	assert_string_equal(pt_rule_to(p, "tcp", "1.1.1.1", 22), "p");
	assert_string_equal(pt_rule_to(p, "tcp", "1.1.1.1", 80), "p");
	assert_string_equal(pt_rule_to(p, "tcp", "1.1.1.1", 8000), "p");
	assert_string_equal(pt_rule_to(p, "tcp", "1.1.1.1", 8042), "p");
	assert_string_equal(pt_rule_to(p, "tcp", "1.1.1.1", 8080), "p");
	assert_string_equal(pt_rule_to(p, "tcp", "1.1.1.1", 65535), "p");
	assert_string_equal(pt_rule_to(p, "tcp", "1.1.1.1", 8081), "default");
	assert_string_equal(pt_rule_to(p, "tcp", "1.1.1.1", 23), "default");
	assert_string_equal(pt_rule_to(p, "tcp", "1.1.1.1", 65534), "default");
	/* a flow without ports never matches a port */
	pt_flow(&f, "tcp", "10.0.0.2", "1.1.1.1", 22);
	f.has_ports = false;
	assert_string_equal(pt_rule(p, &f, NULL), "default");
	policy_free(p);
}

static void test_user_group(void **state)
{
	struct policy *p = pt_ok("accept user alice, 4000 group staff name a\n"
				 "accept group wheel, 77 name g\n"
				 "reject not user root name notroot\n");
	struct policy_input in = {0};
	struct policy_decision d;
	struct proc_info pi;
	struct flow f;

	pt_flow(&f, "tcp", "10.0.0.2", "1.1.1.1", 1);
	in.flow = &f;
	in.have_owner = true;
	in.uid = 1000;
	in.gid = 50;
	policy_decide(p, &in, &d);
	assert_string_equal(d.rule, "a");
	in.uid = 4000;
	policy_decide(p, &in, &d);
	assert_string_equal(d.rule, "a");
	in.gid = 77;
	policy_decide(p, &in, &d);
	assert_string_equal(d.rule, "g");
	in.gid = 1;
	policy_decide(p, &in, &d);
	assert_string_equal(d.rule, "notroot");
	in.uid = 0;
	policy_decide(p, &in, &d);
	assert_string_equal(d.rule, "default");
	/* the owner unknown: no user or group match, negated or not */
	in.have_owner = false;
	policy_decide(p, &in, &d);
	assert_string_equal(d.rule, "default");
	/* without have_owner, the process's ids serve */
	pt_proc(&pi, "/bin/x", "x", "x");
	pi.gid = 10;
	in.proc = &pi;
	policy_decide(p, &in, &d);
	assert_string_equal(d.rule, "g");
	policy_free(p);
}

static void test_process_matches(void **state)
{
	struct policy *p = pt_ok(
		"accept exe /usr/bin/* name exe\n"
		"accept comm \"node*\" name comm\n"
		"accept cmdline \"python3 -m http.server *\" name cmdline\n"
		"accept ancestor /opt/ci/*/runner name anc\n"
		"accept cgroup /system.slice/*.service name cg\n");
	struct proc_info pi;
	struct flow f;

	pt_flow(&f, "tcp", "10.0.0.2", "1.1.1.1", 1);
	pt_proc(&pi, "/usr/bin/curl", "curl", "curl -s x");
	assert_string_equal(pt_rule(p, &f, &pi), "exe");
	/* FNM_PATHNAME: * does not cross a / in exe */
	pt_proc(&pi, "/usr/bin/sub/curl", "curl", "curl");
	assert_string_equal(pt_rule(p, &f, &pi), "default");
	pt_proc(&pi, "/opt/node/bin/node", "node-MainThre", "node x.js");
	assert_string_equal(pt_rule(p, &f, &pi), "comm");
	pt_proc(&pi, "/opt/py/python3", "python3",
		"python3 -m http.server 8000");
	assert_string_equal(pt_rule(p, &f, &pi), "cmdline");
	pt_proc(&pi, "/opt/py/python3", "python3", "python3 -m http.server");
	assert_string_equal(pt_rule(p, &f, &pi), "default");

	pt_proc(&pi, "/opt/x", "x", "x");
	pi.n_ancestors = 3;
	snprintf(pi.ancestors[0].exe, PROC_EXE_MAX, "/bin/sh");
	snprintf(pi.ancestors[1].exe, PROC_EXE_MAX, "/bin/bash");
	snprintf(pi.ancestors[2].exe, PROC_EXE_MAX, "/opt/ci/v2/runner");
	assert_string_equal(pt_rule(p, &f, &pi), "anc");
	snprintf(pi.ancestors[2].exe, PROC_EXE_MAX, "/opt/ci/v2/x/runner");
	assert_string_equal(pt_rule(p, &f, &pi), "default");

	snprintf(pi.cgroup, PROC_CGROUP_MAX, "/system.slice/cron.service");
	assert_string_equal(pt_rule(p, &f, &pi), "cg");
	policy_free(p);
}

/* An unknown process satisfies no process match, not even a negated one. */
static void test_unknown_process(void **state)
{
	struct policy *p = pt_ok("accept not exe /usr/bin/* name notexe\n"
				 "accept not comm x name notcomm\n"
				 "accept unattributed port 1 name unattr\n"
				 "accept not unattributed name attributed\n");
	struct proc_info pi;
	struct flow f;

	pt_flow(&f, "tcp", "10.0.0.2", "1.1.1.1", 1);
	assert_string_equal(pt_rule(p, &f, NULL), "unattr");
	pt_flow(&f, "tcp", "10.0.0.2", "1.1.1.1", 2);
	assert_string_equal(pt_rule(p, &f, NULL), "default");
	pt_proc(&pi, "/usr/local/bin/x", "y", "y");
	assert_string_equal(pt_rule(p, &f, &pi), "notexe");
	pt_proc(&pi, "/usr/bin/x", "y", "y");
	assert_string_equal(pt_rule(p, &f, &pi), "notcomm");
	pt_proc(&pi, "/usr/bin/x", "x", "x");
	assert_string_equal(pt_rule(p, &f, &pi), "attributed");
	/* an empty field is unknown too */
	pt_proc(&pi, "", "x", "x");
	assert_string_equal(pt_rule(p, &f, &pi), "attributed");
	policy_free(p);
}

static void test_negation(void **state)
{
	struct policy *p = pt_ok("reject not to 10.0.0.0/8 not port 53 "
				 "name outside\n"
				 "accept not proto tcp name nottcp\n");

	assert_string_equal(pt_rule_to(p, "tcp", "1.1.1.1", 80), "outside");
	assert_string_equal(pt_rule_to(p, "tcp", "1.1.1.1", 53), "default");
	assert_string_equal(pt_rule_to(p, "udp", "1.1.1.1", 53), "nottcp");
	assert_string_equal(pt_rule_to(p, "tcp", "10.1.1.1", 80), "default");
	policy_free(p);
}

static void test_defines(void **state)
{
	struct policy *p =
		pt_ok("define dns = 9.9.9.9, 2620:fe::fe\n"
		      "define more = $dns, 1.1.1.1\n"
		      "define tools = /usr/bin/git, \"/opt/my tool\"\n"
		      "define ports = 53,853\n"
		      "accept to $more port $ports exe $tools name d\n");
	struct proc_info pi;
	struct flow f;

	pt_flow(&f, "udp", "fd00::1", "2620:fe::fe", 853);
	pt_proc(&pi, "/opt/my tool", "t", "t");
	assert_string_equal(pt_rule(p, &f, &pi), "d");
	pt_flow(&f, "udp", "10.0.0.1", "1.1.1.1", 53);
	pt_proc(&pi, "/usr/bin/git", "git", "git fetch");
	assert_string_equal(pt_rule(p, &f, &pi), "d");
	pt_flow(&f, "udp", "10.0.0.1", "8.8.8.8", 53);
	assert_string_equal(pt_rule(p, &f, &pi), "default");
	policy_free(p);
}

static void test_comments_and_continuation(void **state)
{
	struct policy *p = pt_ok("# leading comment\n"
				 "   # indented comment\n"
				 "accept to 1.1.1.1, \\\n"
				 "\t1.0.0.1 \\   \n" /* blanks after the \ */
				 "  port 53 # trailing comment\n"
				 "accept exe /opt/c#/bin/x name hash\r\n");
	struct proc_info pi;
	struct flow f;

	assert_int_equal(policy_rule_count(p), 2);
	assert_string_equal(pt_rule_to(p, "tcp", "1.0.0.1", 53), "line 3");
	pt_flow(&f, "tcp", "10.0.0.1", "8.8.8.8", 1);
	pt_proc(&pi, "/opt/c#/bin/x", "x", "x");
	assert_string_equal(pt_rule(p, &f, &pi), "hash");
	policy_free(p);
}

static const char *rule_named(const struct policy *p, const char *dst,
			      const char *const *names, size_t n)
{
	static struct policy_decision d;
	struct policy_input in = {.names = names, .n_names = n};
	struct flow f;

	pt_flow(&f, "tcp", "10.0.0.2", dst, 443);
	in.flow = &f;
	policy_decide(p, &in, &d);
	return d.rule;
}

/* host: any learned name, any pattern, without regard to case; unknown
 * (never holds, negated or not) when no name was learned. */
static void test_host(void **state)
{
	static const char *const npm[] = {"registry.npmjs.org"};
	static const char *const two[] = {"cdn.example", "Foo.NPMJS.org"};
	static const char *const other[] = {"npmjs.org.evil"};
	struct policy *p = pt_ok("accept proto tcp host *.NPMJS.org, "
				 "pypi.org port 443 name npm\n"
				 "reject not host *.example name notex\n");
	char *out = pt_print(p);

	(void)state;
	assert_string_equal(out, "set default reject\nset mode enforce\n\n"
				 "accept proto tcp host *.npmjs.org, pypi.org "
				 "port 443 name npm\n"
				 "reject not host *.example name notex\n");
	assert_string_equal(rule_named(p, "1.2.3.4", npm, 1), "npm");
	assert_string_equal(rule_named(p, "1.2.3.4", two, 2), "npm");
	assert_string_equal(rule_named(p, "1.2.3.4", other, 1), "notex");
	assert_string_equal(rule_named(p, "1.2.3.4", two, 1), "default");
	assert_string_equal(rule_named(p, "1.2.3.4", NULL, 0), "default");
	free(out);
	policy_free(p);
}

static void test_print_canonical(void **state)
{
	struct policy *p = pt_ok("# about\nset mode audit\n"
				 "define p = 10.200.0.1/8\n"
				 "accept proto tcp,udp to $p port 80,1-2 name "
				 "x reason \"a \\\"b\\\"\"\n"
				 "drop not exe \"/a b\",\"c\\\\d\", \"#e\", "
				 "\"$f\" unattributed\n");
	char *out = pt_print(p);

	assert_string_equal(out,
			    "# about\n\n"
			    "set default reject\nset mode audit\n\n"
			    "accept proto tcp, udp to 10.0.0.0/8 port 80, 1-2 "
			    "name x reason \"a \\\"b\\\"\"\n"
			    "drop not exe \"/a b\", \"c\\\\d\", \"#e\", \"$f\" "
			    "unattributed\n");
	free(out);
	policy_free(p);
}

static void assert_round_trip(const char *text)
{
	struct policy *p = pt_ok(text), *q;
	char *once = pt_print(p), *twice;

	q = pt_ok(once);
	twice = pt_print(q);
	assert_string_equal(once, twice);
	assert_int_equal(policy_rule_count(p), policy_rule_count(q));
	free(once);
	free(twice);
	policy_free(p);
	policy_free(q);
}

static void test_round_trip(void **state)
{
	char big[4096];
	size_t n = 0;
	int i;

	assert_round_trip(sandbox);
	assert_round_trip("set default drop\n# not a header\n"
			  "accept user alice, 7 group staff cmdline \"a  b\"\n"
			  "accept ancestor \"/x\\\\*\" cgroup *\n"
			  "reject family ipv6 from ::/0 reason x\n");
	n += (size_t)snprintf(big, sizeof(big), "accept to ");
	for (i = 0; i < 100; i++)
		n += (size_t)snprintf(big + n, sizeof(big) - n,
				      "%s10.%d.0.0/16", i ? ", " : "", i);
	snprintf(big + n, sizeof(big) - n, " name many\n");
	assert_round_trip(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sandbox_example),
		cmocka_unit_test(test_first_match_and_line_names),
		cmocka_unit_test(test_defaults_and_mode),
		cmocka_unit_test(test_proto_family),
		cmocka_unit_test(test_proto_names_numbers),
		cmocka_unit_test(test_not_proto_udp_any),
		cmocka_unit_test(test_direction),
		cmocka_unit_test(test_cidr_edges),
		cmocka_unit_test(test_from),
		cmocka_unit_test(test_ports),
		cmocka_unit_test(test_user_group),
		cmocka_unit_test(test_process_matches),
		cmocka_unit_test(test_unknown_process),
		cmocka_unit_test(test_negation),
		cmocka_unit_test(test_defines),
		cmocka_unit_test(test_comments_and_continuation),
		cmocka_unit_test(test_print_canonical),
		cmocka_unit_test(test_host),
		cmocka_unit_test(test_round_trip),
	};

	return cmocka_run_group_tests_name("policy", tests, NULL, NULL);
}
