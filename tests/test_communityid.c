// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Community ID v1 against the published baseline of the spec's reference
 * implementation (tests/data/community-id): every tuple of the baseline,
 * for seed 0 and seed 1, and every packet of the three reference captures
 * decoded by our own decoder.
 */
#include "config.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <jansson.h>
#include <pcap/pcap.h>

#include "communityid.h"
#include "decode.h"
#include "flow.h"
#include "flowfmt.h"

static char *data_path(const char *name)
{
	const char *top = getenv("top_srcdir");
	static char buf[4096];

	snprintf(buf, sizeof(buf), "%s/tests/data/community-id/%s",
		 top ? top : ".", name);
	return buf;
}

static json_t *load_baseline(const char *name)
{
	json_error_t err;
	json_t *j = json_load_file(data_path(name), 0, &err);

	if (!j)
		fail_msg("%s:%d: %s", name, err.line, err.text);
	assert_true(json_is_array(j));
	assert_int_equal(json_array_size(j), 23);
	return j;
}

static void tuple_from_json(json_t *e, struct flow *f)
{
	json_t *sp = json_object_get(e, "sport"),
	       *dp = json_object_get(e, "dport");
	uint8_t dst[16];
	int v;

	memset(f, 0, sizeof(*f));
	v = flowfmt_parse_addr(json_string_value(json_object_get(e, "saddr")),
			       f->src);
	assert_int_not_equal(v, 0);
	assert_int_equal(
		flowfmt_parse_addr(
			json_string_value(json_object_get(e, "daddr")), dst),
		v);
	memcpy(f->dst, dst, 16);
	f->ip_version = (uint8_t)v;
	f->proto = (uint8_t)json_integer_value(json_object_get(e, "proto"));
	if (json_is_integer(sp) && json_is_integer(dp)) {
		f->has_ports = true;
		f->sport = (uint16_t)json_integer_value(sp);
		f->dport = (uint16_t)json_integer_value(dp);
	}
}

static void check_baseline(const char *name, uint16_t seed)
{
	struct communityid *cid = communityid_new(seed);
	json_t *base = load_baseline(name), *e;
	char out[COMMUNITYID_LEN];
	size_t i;

	assert_non_null(cid);
	json_array_foreach(base, i, e)
	{
		struct flow f;

		tuple_from_json(e, &f);
		communityid_flow(cid, &f, out);
		assert_string_equal(out, json_string_value(json_object_get(
						 e, "communityid")));
	}
	json_decref(base);
	communityid_free(cid);
}

static void test_baseline_seed0(void **state)
{
	check_baseline("baseline_deflt.json", 0);
}

static void test_baseline_seed1(void **state)
{
	check_baseline("baseline_seed1.json", 1);
}

static void test_issue_vectors(void **state)
{
	struct communityid *c0 = communityid_new(0), *c1 = communityid_new(1);
	char out[COMMUNITYID_LEN];
	struct flow f = {0};

	flowfmt_parse_addr("1.2.3.4", f.src);
	flowfmt_parse_addr("5.6.7.8", f.dst);
	f.ip_version = 4;
	f.proto = 6;
	f.has_ports = true;
	f.sport = 1122;
	f.dport = 3344;
	communityid_flow(c0, &f, out);
	assert_string_equal(out, "1:wCb3OG7yAFWelaUydu0D+125CLM=");
	communityid_flow(c1, &f, out);
	assert_string_equal(out, "1:HhA1B+6CoLbiKPEs5nhNYN4XWfk=");
	communityid_free(c0);
	communityid_free(c1);
}

/* The baseline entry for exactly this tuple, or NULL. */
static const char *baseline_id(json_t *base, const struct flow *pf)
{
	json_t *e;
	size_t i;

	json_array_foreach(base, i, e)
	{
		struct flow f;

		tuple_from_json(e, &f);
		if (f.proto == pf->proto && f.ip_version == pf->ip_version &&
		    !memcmp(f.src, pf->src, 16) &&
		    !memcmp(f.dst, pf->dst, 16) && f.sport == pf->sport &&
		    f.dport == pf->dport)
			return json_string_value(
				json_object_get(e, "communityid"));
	}
	return NULL;
}

/* Whether id is the Community ID of some flow of the baseline. */
static bool baseline_has(json_t *base, const char *id)
{
	json_t *e;
	size_t i;

	json_array_foreach(base, i, e)
	{
		if (!strcmp(json_string_value(
				    json_object_get(e, "communityid")),
			    id))
			return true;
	}
	return false;
}

static void check_capture(const char *pcapname, int want_packets)
{
	struct communityid *cid = communityid_new(0);
	json_t *base = load_baseline("baseline_deflt.json");
	char errbuf[PCAP_ERRBUF_SIZE], out[COMMUNITYID_LEN];
	pcap_t *pc = pcap_open_offline(data_path(pcapname), errbuf);
	const uint8_t *data;
	struct pcap_pkthdr *h;
	int n = 0, matched = 0;

	if (!pc)
		fail_msg("%s", errbuf);
	while (pcap_next_ex(pc, &h, &data) == 1) {
		const char *want;
		struct flow f;

		n++;
		assert_int_equal(
			decode_packet(data, h->caplen, pcap_datalink(pc), &f),
			DECODE_OK);
		communityid_flow(cid, &f, out);
		want = baseline_id(base, &f);
		if (want)
			assert_string_equal(out, want);
		/* The baseline lists a flow once, not each direction of an
		 * ICMP exchange: but every packet's ID is a flow's of it. */
		if (baseline_has(base, out))
			matched++;
	}
	assert_int_equal(n, want_packets);
	assert_int_equal(matched, n);
	pcap_close(pc);
	json_decref(base);
	communityid_free(cid);
}

static void test_capture_tcp(void **state)
{
	check_capture("tcp.pcap", 12);
}

static void test_capture_udp(void **state)
{
	check_capture("udp.pcap", 2);
}

static void test_capture_ipv6(void **state)
{
	check_capture("ipv6.pcap", 17);
}

/* ICMP and ICMPv6 type and code as the ports, the spec's way. */
static void test_capture_icmp(void **state)
{
	check_capture("icmp.pcap", 4);
}

static void test_capture_icmp6(void **state)
{
	check_capture("icmp6.pcap", 20);
}

static void test_capture_sctp(void **state)
{
	check_capture("sctp.pcap", 5);
}

/* RSVP: a protocol without ports. */
static void test_capture_rsvp(void **state)
{
	check_capture("rsvp.pcap", 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_baseline_seed0),
		cmocka_unit_test(test_baseline_seed1),
		cmocka_unit_test(test_issue_vectors),
		cmocka_unit_test(test_capture_tcp),
		cmocka_unit_test(test_capture_udp),
		cmocka_unit_test(test_capture_ipv6),
		cmocka_unit_test(test_capture_icmp),
		cmocka_unit_test(test_capture_icmp6),
		cmocka_unit_test(test_capture_sctp),
		cmocka_unit_test(test_capture_rsvp),
	};

	return cmocka_run_group_tests_name("communityid", tests, NULL, NULL);
}
