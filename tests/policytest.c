// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <netinet/in.h>

#include "flowfmt.h"
#include "policytest.h"

static void collect(void *ctx, const char *msg)
{
	struct pt_diags *d = ctx;
	int n;

	if (!d)
		return;
	n = snprintf(d->buf + d->len, sizeof(d->buf) - d->len, "%s\n", msg);
	if (n > 0 && (size_t)n < sizeof(d->buf) - d->len)
		d->len += (size_t)n;
	d->count++;
}

static int fake_user(void *ctx, const char *name, uid_t *uid)
{
	static const struct {
		const char *name;
		uid_t uid;
	} users[] = {{"root", 0}, {"alice", 1000}, {"bob", 1001}};
	size_t i;

	for (i = 0; i < sizeof(users) / sizeof(users[0]); i++) {
		if (!strcmp(name, users[i].name)) {
			*uid = users[i].uid;
			return 0;
		}
	}
	return -ENOENT;
}

static int fake_group(void *ctx, const char *name, gid_t *gid)
{
	if (!strcmp(name, "wheel"))
		*gid = 10;
	else if (!strcmp(name, "staff"))
		*gid = 50;
	else
		return -ENOENT;
	return 0;
}

struct policy *pt_parse(const char *text, struct pt_diags *d)
{
	struct policy_parse_opts o = {.diag = collect,
				      .user_lookup = fake_user,
				      .group_lookup = fake_group,
				      .ctx = d};

	if (d) {
		d->buf[0] = '\0';
		d->len = 0;
		d->count = 0;
	}
	return policy_parse(text, strlen(text), "t.conf", &o);
}

struct policy *pt_ok(const char *text)
{
	struct pt_diags d;
	struct policy *p = pt_parse(text, &d);

	if (!p)
		fail_msg("unexpected errors:\n%s", d.buf);
	assert_int_equal(d.count, 0);
	return p;
}

const char *pt_errors(const char *text, struct pt_diags *d)
{
	struct policy *p = pt_parse(text, d);

	assert_null(p);
	assert_int_equal(errno, EINVAL);
	assert_true(d->count > 0);
	return d->buf;
}

void pt_flow(struct flow *f, const char *proto, const char *src,
	     const char *dst, uint16_t dport)
{
	static const struct {
		const char *name;
		uint8_t num;
	} names[] = {
		{"tcp", 6},	{"udp", 17},   {"udplite", 136}, {"icmp", 1},
		{"icmpv6", 58}, {"sctp", 132}, {"gre", 47},
	};
	size_t i;

	memset(f, 0, sizeof(*f));
	f->proto = (uint8_t)atoi(proto);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(proto, names[i].name))
			f->proto = names[i].num;
	assert_true(f->proto != 0 || !strcmp(proto, "0"));
	f->ip_version = (uint8_t)flowfmt_parse_addr(dst, f->dst);
	assert_int_equal(flowfmt_parse_addr(src, f->src), f->ip_version);
	f->sport = 40000;
	f->dport = dport;
	f->has_ports = f->proto == 6 || f->proto == 17 || f->proto == 136 ||
		       f->proto == 132 || f->proto == 1 || f->proto == 58;
}

const char *pt_rule(const struct policy *p, const struct flow *f,
		    const struct proc_info *proc)
{
	struct policy_input in = {.flow = f, .proc = proc};
	struct policy_decision d;

	if (proc) {
		in.have_owner = true;
		in.uid = proc->uid;
		in.gid = proc->gid;
	}
	policy_decide(p, &in, &d);
	assert_int_equal(d.is_default, d.line == 0);
	return d.rule;
}

const char *pt_rule_in(const struct policy *p, const char *proto,
		       const char *src, const char *dst, uint16_t dport)
{
	struct flow f;

	pt_flow(&f, proto, src, dst, dport);
	f.direction = FLOW_DIR_IN;
	return pt_rule(p, &f, NULL);
}

const char *pt_rule_to(const struct policy *p, const char *proto,
		       const char *dst, uint16_t dport)
{
	struct flow f;

	pt_flow(&f, proto, strchr(dst, ':') ? "fd00::2" : "10.0.0.2", dst,
		dport);
	return pt_rule(p, &f, NULL);
}

void pt_proc(struct proc_info *pi, const char *exe, const char *comm,
	     const char *args)
{
	size_t i, n = strlen(args);

	memset(pi, 0, sizeof(*pi));
	pi->pid = 4242;
	pi->uid = 1000;
	pi->gid = 1000;
	snprintf(pi->exe, sizeof(pi->exe), "%s", exe);
	snprintf(pi->comm, sizeof(pi->comm), "%s", comm);
	memcpy(pi->cmdline, args, n + 1);
	pi->argc = 1;
	for (i = 0; i < n; i++) {
		if (pi->cmdline[i] == ' ') {
			pi->cmdline[i] = '\0';
			pi->argc++;
		}
	}
	pi->cmdline_len = n + 1;
}

char *pt_print(const struct policy *p)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	policy_print(p, f);
	assert_int_equal(fclose(f), 0);
	return buf;
}
