// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <errno.h>

#include "flow.h"
#include "flowfmt.h"
#include "proc.h"
#include "procmap.h"
#include "timefmt.h"

static int add(struct procmap *pm, const char *line, char *err)
{
	static unsigned lineno;

	return procmap_add_line(pm, line, strlen(line), ++lineno, err, 256);
}

static struct flow tcp_from(const char *ip, uint16_t port)
{
	struct flow f = {0};

	f.ip_version = (uint8_t)flowfmt_parse_addr(ip, f.src);
	f.proto = 6;
	f.has_ports = true;
	f.sport = port;
	f.dport = 443;
	return f;
}

static void test_timefmt(void **state)
{
	int64_t us;

	assert_int_equal(timefmt_parse("2026-11-28T12:00:00Z", &us), 0);
	assert_int_equal(us, 1795867200LL * 1000000);
	assert_int_equal(timefmt_parse("2026-11-28T12:00:00.123456Z", &us), 0);
	assert_int_equal(us, 1795867200LL * 1000000 + 123456);
	assert_int_equal(timefmt_parse("2026-11-28T12:00:00.5Z", &us), 0);
	assert_int_equal(us, 1795867200LL * 1000000 + 500000);
	assert_int_equal(timefmt_parse("2026-11-28T14:00:00+02:00", &us), 0);
	assert_int_equal(us, 1795867200LL * 1000000);
	assert_int_equal(timefmt_parse("1970-01-01T00:00:00Z", &us), 0);
	assert_int_equal(us, 0);
	assert_int_equal(timefmt_parse("2026-11-28", &us), -EINVAL);
	assert_int_equal(timefmt_parse("2026-13-28T12:00:00Z", &us), -EINVAL);
	assert_int_equal(timefmt_parse("2026-11-28T12:00:00", &us), -EINVAL);
	assert_int_equal(timefmt_parse("2026-11-28T12:00:00.Z", &us), -EINVAL);
	assert_int_equal(timefmt_parse("2026-11-28T12:00:00Zjunk", &us),
			 -EINVAL);
	assert_int_equal(timefmt_parse("", &us), -EINVAL);
}

static void test_lookup_full_record(void **state)
{
	struct procmap *pm = procmap_new();
	struct proc_info p;
	struct flow f = tcp_from("10.200.0.2", 40002);
	char err[256];

	assert_int_equal(add(pm,
			     "{\"timestamp\":\"2026-11-28T12:00:00.003000Z\","
			     "\"event_type\":\"verdict\",\"proto\":\"TCP\","
			     "\"src_ip\":\"10.200.0.2\",\"src_port\":40002,"
			     "\"proc\":{\"pid\":4242,\"ppid\":1,\"uid\":1000,"
			     "\"gid\":1000,"
			     "\"user\":\"dev\",\"exe\":\"/usr/bin/"
			     "node\",\"comm\":\"node\","
			     "\"cmdline\":[\"node\",\"fetch.js\"],\"cgroup\":"
			     "\"/sandbox\","
			     "\"start_time\":\"2026-11-28T11:59:59.000000Z\","
			     "\"shared\":true,"
			     "\"ancestors\":[{\"pid\":1,\"exe\":\"/sbin/init\","
			     "\"comm\":\"init\"}]}}",
			     err),
			 0);
	assert_int_equal(procmap_size(pm), 1);
	assert_int_equal(procmap_lookup(pm, &f, 0, &p), 0);
	assert_int_equal(p.pid, 4242);
	assert_int_equal(p.uid, 1000);
	assert_string_equal(p.exe, "/usr/bin/node");
	assert_string_equal(p.user, "dev");
	assert_int_equal(p.argc, 2);
	assert_int_equal(p.cmdline_len, 14);
	assert_memory_equal(p.cmdline, "node\0fetch.js", 14);
	assert_true(p.shared);
	assert_int_equal(p.n_ancestors, 1);
	assert_string_equal(p.ancestors[0].comm, "init");
	/* another port, another protocol, another address: unknown */
	f.sport = 40003;
	assert_int_equal(procmap_lookup(pm, &f, 0, &p), -ENOENT);
	f = tcp_from("10.200.0.3", 40002);
	assert_int_equal(procmap_lookup(pm, &f, 0, &p), -ENOENT);
	f = tcp_from("10.200.0.2", 40002);
	f.proto = 17;
	assert_int_equal(procmap_lookup(pm, &f, 0, &p), -ENOENT);
	/* UDP-Lite and SCTP have ports: their records map a process */
	assert_int_equal(add(pm,
			     "{\"proto\":\"UDPLITE\",\"src_ip\":\"10.200.0.2\","
			     "\"src_port\":40002,\"proc\":{\"pid\":7}}",
			     err),
			 0);
	f.proto = 136;
	assert_int_equal(procmap_lookup(pm, &f, 0, &p), 0);
	assert_int_equal(p.pid, 7);
	f.proto = 132;
	assert_int_equal(procmap_lookup(pm, &f, 0, &p), -ENOENT);
	procmap_free(pm);
}

static void test_port_reuse_by_time(void **state)
{
	struct procmap *pm = procmap_new();
	struct flow f = tcp_from("fd00::2", 5000);
	struct proc_info p;
	char err[256];
	int64_t t10, t20;

	add(pm,
	    "{\"timestamp\":\"2026-11-28T12:00:10Z\",\"proto\":\"TCP\","
	    "\"src_ip\":\"fd00::2\",\"src_port\":5000,\"proc\":{\"pid\":10}}",
	    err);
	add(pm,
	    "{\"timestamp\":\"2026-11-28T12:00:20Z\",\"proto\":\"TCP\","
	    "\"src_ip\":\"fd00::2\",\"src_port\":5000,\"proc\":{\"pid\":20}}",
	    err);
	timefmt_parse("2026-11-28T12:00:10Z", &t10);
	timefmt_parse("2026-11-28T12:00:20Z", &t20);
	assert_int_equal(procmap_lookup(pm, &f, t10 + 5, &p), 0);
	assert_int_equal(p.pid, 10);
	assert_int_equal(procmap_lookup(pm, &f, t20, &p), 0);
	assert_int_equal(p.pid, 20);
	/* before every entry: the earliest */
	assert_int_equal(procmap_lookup(pm, &f, 0, &p), 0);
	assert_int_equal(p.pid, 10);
	procmap_free(pm);
}

static void test_skipped_and_bad_lines(void **state)
{
	struct procmap *pm = procmap_new();
	char err[256];

	/* other events and unattributed verdicts add nothing */
	assert_int_equal(add(pm, "{\"event_type\":\"start\"}", err), 0);
	assert_int_equal(
		add(pm, "{\"event_type\":\"verdict\",\"proc\":null}", err), 0);
	assert_int_equal(add(pm, "", err), 0);
	assert_int_equal(procmap_size(pm), 0);

	assert_int_equal(procmap_add_line(pm, "{\"proto\":", 9, 7, err, 256),
			 -EINVAL);
	assert_memory_equal(err, "7:9: ", 5);
	assert_int_equal(add(pm, "[1,2]", err), -EINVAL);
	assert_non_null(strstr(err, "not a JSON object"));
	assert_int_equal(add(pm,
			     "{\"proto\":\"IPv6-ICMP\",\"src_ip\":\"::1\","
			     "\"src_port\":1,\"proc\":{}}",
			     err),
			 -EINVAL);
	assert_non_null(strstr(err, "\"proto\""));
	assert_int_equal(add(pm,
			     "{\"proto\":\"TCP\",\"src_ip\":\"1.2.3.4\","
			     "\"src_port\":null,\"proc\":{}}",
			     err),
			 0);
	/* ICMP's type and code, and a protocol without ports, name no
	 * socket: such records are skipped */
	assert_int_equal(add(pm,
			     "{\"proto\":\"ICMP\",\"src_ip\":\"1.2.3.4\","
			     "\"src_port\":8,\"proc\":{}}",
			     err),
			 0);
	assert_int_equal(add(pm,
			     "{\"proto\":\"GRE\",\"src_ip\":\"1.2.3.4\","
			     "\"src_port\":null,\"proc\":{}}",
			     err),
			 0);
	assert_int_equal(procmap_size(pm), 0);
	assert_int_equal(add(pm,
			     "{\"proto\":\"TCP\",\"src_ip\":\"1.2.3\","
			     "\"src_port\":1,\"proc\":{}}",
			     err),
			 -EINVAL);
	assert_non_null(strstr(err, "\"src_ip\""));
	assert_int_equal(add(pm,
			     "{\"proto\":\"TCP\",\"src_ip\":\"1.2.3.4\","
			     "\"src_port\":70000,\"proc\":{}}",
			     err),
			 -EINVAL);
	assert_non_null(strstr(err, "\"src_port\""));
	assert_int_equal(add(pm,
			     "{\"proto\":\"TCP\",\"src_ip\":\"1.2.3.4\","
			     "\"src_port\":1,\"proc\":{\"pid\":\"x\"}}",
			     err),
			 -EINVAL);
	assert_non_null(strstr(err, "\"proc\""));
	assert_int_equal(add(pm,
			     "{\"proto\":\"TCP\",\"src_ip\":\"1.2.3.4\","
			     "\"src_port\":1,\"timestamp\":\"yesterday\","
			     "\"proc\":{}}",
			     err),
			 -EINVAL);
	assert_non_null(strstr(err, "\"timestamp\""));
	assert_int_equal(procmap_size(pm), 0);
	procmap_free(pm);
}

static void test_many(void **state)
{
	struct procmap *pm = procmap_new();
	struct proc_info p;
	char line[256], err[256];
	int i;

	for (i = 0; i < 5000; i++) {
		snprintf(line, sizeof(line),
			 "{\"proto\":\"UDP\",\"src_ip\":\"10.0.%d.%d\","
			 "\"src_port\":%d,\"proc\":{\"pid\":%d}}",
			 i / 256, i % 256, 1000 + i, i);
		assert_int_equal(add(pm, line, err), 0);
	}
	for (i = 0; i < 5000; i += 7) {
		struct flow f = tcp_from("10.0.0.0", (uint16_t)(1000 + i));

		f.proto = 17;
		f.src[2] = (uint8_t)(i / 256);
		f.src[3] = (uint8_t)(i % 256);
		assert_int_equal(procmap_lookup(pm, &f, 0, &p), 0);
		assert_int_equal(p.pid, i);
	}
	procmap_free(pm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_timefmt),
		cmocka_unit_test(test_lookup_full_record),
		cmocka_unit_test(test_port_reuse_by_time),
		cmocka_unit_test(test_skipped_and_bad_lines),
		cmocka_unit_test(test_many),
	};

	return cmocka_run_group_tests_name("procmap", tests, NULL, NULL);
}
