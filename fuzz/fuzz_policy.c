// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for the policy parser.  Any input must parse or fail
 * without a crash; a policy that parses must print a canonical form that
 * parses again and prints the same; and deciding must not crash.  The
 * input also serves as a --proxy value: a proxy that is accepted must
 * give a default policy that parses.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow.h"
#include "policy.h"
#include "proc.h"

static void no_diag(void *ctx, const char *msg)
{
	/* every message is one line that names the file */
	if (strncmp(msg, "fuzz:", 5) || strchr(msg, '\n'))
		abort();
}

/* Users and groups without /etc/passwd: short names resolve. */
static int fake_user(void *ctx, const char *name, uid_t *uid)
{
	if (strlen(name) > 4)
		return -ENOENT;
	*uid = (uid_t)strlen(name) * 1000;
	return 0;
}

static int fake_group(void *ctx, const char *name, gid_t *gid)
{
	if (strlen(name) > 4)
		return -ENOENT;
	*gid = (gid_t)strlen(name);
	return 0;
}

static const struct policy_parse_opts opts = {
	.diag = no_diag,
	.user_lookup = fake_user,
	.group_lookup = fake_group,
};

static char *print(const struct policy *p, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	if (!f)
		abort();
	policy_print(p, f);
	if (fclose(f))
		abort();
	return buf;
}

static void decide_some(const struct policy *p)
{
	static struct proc_info pi = {
		.pid = 1,
		.uid = 1000,
		.gid = 3,
		.exe = "/usr/bin/curl",
		.comm = "curl",
		.cmdline = "curl\0-s\0",
		.cmdline_len = 9,
		.argc = 2,
		.cgroup = "/user.slice",
		.n_ancestors = 1,
		.ancestors = {{.pid = 1, .exe = "/bin/sh", .comm = "sh"}},
	};
	struct flow f = {.ip_version = 4,
			 .proto = IPPROTO_TCP,
			 .dst = {10, 200, 0, 1},
			 .dport = 3128,
			 .has_ports = true};
	struct policy_input in = {.flow = &f};
	struct policy_decision d;

	policy_decide(p, &in, &d);
	in.proc = &pi;
	f.ip_version = 6;
	f.proto = IPPROTO_UDP;
	policy_decide(p, &in, &d);
	if (!d.rule || (d.is_default != (d.line == 0)))
		abort();
	/* a flow the outside opened, of a protocol without ports */
	f.direction = FLOW_DIR_IN;
	f.proto = 47;
	f.has_ports = false;
	policy_decide(p, &in, &d);
	if (!d.rule || (d.is_default != (d.line == 0)))
		abort();
}

static int fake_resolve(void *ctx, const char *host, char *out, size_t len)
{
	snprintf(out, len, "10.0.0.1, fd00::1");
	return 0;
}

static void default_from_proxy(const uint8_t *data, size_t size)
{
	struct policy_default_opts o = {.resolve = fake_resolve};
	char spec[512], err[256], *text;
	struct policy *p;

	if (size >= sizeof(spec))
		return;
	memcpy(spec, data, size);
	spec[size] = '\0';
	o.proxy = spec;
	text = policy_default_text(&o, err, sizeof(err));
	if (!text)
		return;
	p = policy_parse(text, strlen(text), "fuzz", &opts);
	if (!p || policy_rule_count(p) != 2)
		abort();
	policy_free(p);
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct policy *p, *q;
	char *once, *twice;
	size_t n1, n2;

	default_from_proxy(data, size);
	p = policy_parse((const char *)data, size, "fuzz", &opts);
	if (!p)
		return 0;
	decide_some(p);
	once = print(p, &n1);
	q = policy_parse(once, n1, "fuzz", &opts);
	if (!q)
		abort(); /* the canonical form must parse */
	twice = print(q, &n2);
	if (n1 != n2 || memcmp(once, twice, n1))
		abort(); /* and be stable */
	if (policy_rule_count(p) != policy_rule_count(q))
		abort();
	free(once);
	free(twice);
	policy_free(q);
	policy_free(p);
	return 0;
}
