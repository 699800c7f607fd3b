// SPDX-License-Identifier: GPL-2.0-or-later
/* The attr interface without the kernel: a process map and custom ops. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <errno.h>
#include <netinet/in.h>

#include "attr.h"
#include "flow.h"
#include "proc.h"

static struct proc_info info;

static struct flow mkflow(uint16_t sport)
{
	struct flow f;

	memset(&f, 0, sizeof(f));
	f.ip_version = 4;
	f.proto = IPPROTO_TCP;
	f.sport = sport;
	f.dport = 443;
	f.has_ports = true;
	return f;
}

/* A map that knows one flow, by source port. */
static int map_fn(void *ctx, const struct flow *flow, struct proc_info *pi)
{
	const uint16_t *known = ctx;

	if (flow->sport != *known)
		return -ENOENT;
	pi->pid = 4321;
	pi->uid = 1000;
	strcpy(pi->exe, "/usr/bin/curl");
	return 0;
}

static void test_map(void **state)
{
	uint16_t known = 40000;
	struct attr_hints hints = {.has_uid = true, .uid = 7};
	struct attr *at = attr_open_map(map_fn, &known);
	struct flow f = mkflow(40000);

	assert_non_null(at);
	/* stale data from a previous lookup must not survive */
	strcpy(info.exe, "/stale");
	info.pid = 99;
	assert_int_equal(attr_lookup(at, &f, NULL, &info), ATTR_SIDECAR);
	assert_int_equal(info.pid, 4321);
	assert_string_equal(info.exe, "/usr/bin/curl");
	f = mkflow(40001);
	assert_int_equal(attr_lookup(at, &f, &hints, &info), ATTR_UID);
	assert_int_equal(info.uid, 7);
	assert_int_equal(info.gid, (gid_t)-1);
	assert_int_equal(info.pid, 0);
	assert_string_equal(info.exe, "");
	assert_int_equal(attr_lookup(at, &f, NULL, &info), ATTR_NONE);
	hints.has_uid = false;
	assert_int_equal(attr_lookup(at, &f, &hints, &info), ATTR_NONE);
	attr_close(at);
	attr_close(NULL);
}

static int closed;

/* An implementation that half-fills and then says it found nothing. */
static enum attribution liar_lookup(void *ctx, const struct flow *flow,
				    const struct attr_hints *hints,
				    struct proc_info *pi)
{
	assert_non_null(hints);
	pi->pid = 55;
	strcpy(pi->comm, "half");
	return ATTR_NONE;
}

static void liar_close(void *ctx)
{
	closed++;
}

static const struct attr_ops liar_ops = {
	.lookup = liar_lookup,
	.close = liar_close,
};

static void test_ops(void **state)
{
	struct attr_hints hints = {
		.has_uid = true, .uid = 3, .has_gid = true, .gid = 4};
	struct attr *at = attr_new(&liar_ops, NULL);
	struct flow f = mkflow(1);

	assert_non_null(at);
	/* what a failed lookup wrote is not reported as identity */
	assert_int_equal(attr_lookup(at, &f, &hints, &info), ATTR_UID);
	assert_int_equal(info.pid, 0);
	assert_string_equal(info.comm, "");
	assert_int_equal(info.uid, 3);
	assert_int_equal(info.gid, 4);
	attr_close(at);
	assert_int_equal(closed, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_map),
		cmocka_unit_test(test_ops),
	};

	return cmocka_run_group_tests_name("attr", tests, NULL, NULL);
}
