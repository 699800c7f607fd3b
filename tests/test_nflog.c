// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nfnetlink_log messages as the kernel sends them, and hostile ones, into
 * nflog_parse(); and fencelog's records: one verdict per logged drop, a
 * lost record per gap in the numbering, someone else's prefix ignored.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_log.h>
#include <linux/netlink.h>

#include "fencelog.h"
#include "flow.h"
#include "nflog.h"
#include "record.h"

/* A TCP bare ACK from 10.0.0.2:40000 to 10.0.0.9:80. */
static const uint8_t ack[40] = {
	0x45, 0, 0,  40, 0,    1,    0x40, 0,	 64, 6,	 0, 0, 10, 0,
	0,    2, 10, 0,	 0,    9,    0x9c, 0x40, 0,  80, 0, 0, 0,  1,
	0,    0, 0,  1,	 0x50, 0x10, 0x10, 0,	 0,  0,	 0, 0,
};

struct msgbuf {
	uint32_t words[512];
	size_t len;
};

static void put_attr(struct msgbuf *m, uint16_t type, const void *p, size_t n)
{
	uint8_t *at = (uint8_t *)m->words + m->len;
	uint16_t alen = (uint16_t)(4 + n);

	memcpy(at, &alen, 2);
	memcpy(at + 2, &type, 2);
	memcpy(at + 4, p, n);
	m->len += (4 + n + 3) & ~3u;
}

/* One packet message at the end of m; seq < 0: no NFULA_SEQ. */
static void put_packet(struct msgbuf *m, const char *prefix, long seq,
		       uint8_t hook)
{
	size_t start = m->len;
	struct nlmsghdr *nlh = (struct nlmsghdr *)((uint8_t *)m->words + start);
	struct nfgenmsg *nfg = (struct nfgenmsg *)(nlh + 1);
	struct nfulnl_msg_packet_hdr ph = {.hw_protocol = htons(0x0800),
					   .hook = hook};
	uint32_t s = htonl((uint32_t)seq);

	memset(nlh, 0, sizeof(*nlh) + sizeof(*nfg));
	nlh->nlmsg_type = (NFNL_SUBSYS_ULOG << 8) | NFULNL_MSG_PACKET;
	nfg->nfgen_family = AF_INET;
	m->len += sizeof(*nlh) + sizeof(*nfg);
	put_attr(m, NFULA_PACKET_HDR, &ph, sizeof(ph));
	if (prefix)
		put_attr(m, NFULA_PREFIX, prefix, strlen(prefix) + 1);
	if (seq >= 0)
		put_attr(m, NFULA_SEQ, &s, sizeof(s));
	put_attr(m, NFULA_PAYLOAD, ack, sizeof(ack));
	nlh->nlmsg_len = (uint32_t)(m->len - start);
}

struct seen {
	int n;
	struct nflog_packet last;
	char prefix[64];
};

static void on_packet(const struct nflog_packet *pkt, void *data)
{
	struct seen *s = data;

	s->n++;
	s->last = *pkt;
	snprintf(s->prefix, sizeof(s->prefix), "%.*s", (int)pkt->prefix_len,
		 pkt->prefix ? pkt->prefix : "");
}

static void test_parse(void **state)
{
	struct msgbuf m = {0};
	struct seen s = {0};
	uint64_t invalid = 0;

	put_packet(&m, "nfjudge spoofed", 41, NF_INET_LOCAL_OUT);
	put_packet(&m, NULL, -1, NF_INET_LOCAL_IN);
	nflog_parse(m.words, m.len, on_packet, &s, &invalid);
	assert_int_equal(s.n, 2);
	assert_int_equal(invalid, 0);
	assert_int_equal(s.last.hook, NF_INET_LOCAL_IN);
	assert_false(s.last.has_seq);
	assert_null(s.last.prefix);
	assert_int_equal(s.last.caplen, sizeof(ack));
	assert_memory_equal(s.last.data, ack, sizeof(ack));

	memset(&s, 0, sizeof(s));
	m.len = 0;
	put_packet(&m, "nfjudge spoofed", 41, NF_INET_LOCAL_OUT);
	nflog_parse(m.words, m.len, on_packet, &s, &invalid);
	assert_true(s.last.has_seq);
	assert_int_equal(s.last.seq, 41);
	assert_string_equal(s.prefix, "nfjudge spoofed"); /* with its NUL */
}

static void test_hostile(void **state)
{
	struct msgbuf m = {0};
	struct seen s = {0};
	uint64_t invalid = 0;
	struct nlmsghdr *nlh = (struct nlmsghdr *)m.words;
	size_t cut;

	put_packet(&m, "nfjudge invalid", 1, NF_INET_LOCAL_OUT);
	/* a length beyond the buffer, and one beyond 2 GiB */
	nlh->nlmsg_len = (uint32_t)m.len + 4;
	nflog_parse(m.words, m.len, on_packet, &s, &invalid);
	nlh->nlmsg_len = 0x9f9f9f9f;
	nflog_parse(m.words, m.len, on_packet, &s, &invalid);
	nlh->nlmsg_len = 3;
	nflog_parse(m.words, m.len, on_packet, &s, &invalid);
	assert_int_equal(s.n, 0);
	assert_int_equal(invalid, 3);
	/* cut inside the attributes: the message is shorter than it says */
	nlh->nlmsg_len = (uint32_t)m.len;
	for (cut = 0; cut < m.len; cut++)
		nflog_parse(m.words, cut, on_packet, &s, &invalid);
	assert_int_equal(s.n, 0);
	/* a packet header attribute of the wrong size, no payload */
	m.len = 0;
	put_packet(&m, NULL, -1, 0);
	((uint16_t *)((uint8_t *)m.words + sizeof(*nlh) + 4))[0] = 5;
	invalid = 0;
	nflog_parse(m.words, m.len, on_packet, &s, &invalid);
	assert_int_equal(s.n, 0);
	assert_int_equal(invalid, 1);
	nflog_parse(NULL, 0, on_packet, &s, &invalid);
	assert_int_equal(invalid, 1);
}

struct records {
	int verdicts, lost;
	char reason[32], rule[16], src[16];
	int direction;
	uint64_t lost_count, lost_total;
	char what[16];
};

static int on_record(void *ctx, const struct record_event *ev)
{
	struct records *r = ctx;

	if (ev->type == RECORD_VERDICT) {
		r->verdicts++;
		snprintf(r->reason, sizeof(r->reason), "%s",
			 ev->verdict->reason);
		snprintf(r->rule, sizeof(r->rule), "%s", ev->verdict->rule);
		inet_ntop(AF_INET, ev->verdict->flow->src, r->src,
			  sizeof(r->src));
		r->direction = ev->verdict->flow->direction;
		assert_int_equal(ev->verdict->verdict, VERDICT_DROP);
		assert_true(ev->verdict->enforced);
	} else if (ev->type == RECORD_LOST) {
		r->lost++;
		r->lost_count = ev->lost->count;
		r->lost_total = ev->lost->total;
		snprintf(r->what, sizeof(r->what), "%s", ev->lost->what);
	}
	return 0;
}

static void feed(struct fencelog *fl, const char *prefix, long seq,
		 uint8_t hook)
{
	struct nflog_packet pkt = {
		.data = ack,
		.caplen = sizeof(ack),
		.prefix = prefix,
		.prefix_len = prefix ? strlen(prefix) + 1 : 0,
		.hook = hook,
		.has_seq = seq >= 0,
		.seq = (uint32_t)seq,
	};

	fencelog_packet(fl, &pkt, 1000000);
}

static void test_fencelog(void **state)
{
	struct records r = {0};
	struct fencelog *fl = fencelog_new(on_record, &r);
	struct fencelog_stats st;

	assert_non_null(fl);
	feed(fl, "nfjudge tcp-not-new", 0, NF_INET_LOCAL_OUT);
	assert_int_equal(r.verdicts, 1);
	assert_string_equal(r.reason, "tcp-not-new");
	assert_string_equal(r.rule, "fence");
	assert_string_equal(r.src, "10.0.0.2");
	assert_int_equal(r.direction, FLOW_DIR_OUT);
	feed(fl, "nfjudge no-udp", 1, NF_INET_LOCAL_IN);
	assert_int_equal(r.direction, FLOW_DIR_IN);
	assert_int_equal(r.lost, 0);
	/* 2..6 never arrived */
	feed(fl, "nfjudge invalid", 7, NF_INET_LOCAL_OUT);
	assert_int_equal(r.lost, 1);
	assert_int_equal(r.lost_count, 5);
	assert_string_equal(r.what, RECORD_LOST_FENCE);
	feed(fl, "nfjudge invalid", 9, NF_INET_LOCAL_OUT);
	assert_int_equal(r.lost_count, 1);
	assert_int_equal(r.lost_total, 6);
	/* someone else's rule: counted, not recorded as ours */
	feed(fl, "FW DROP", 10, NF_INET_LOCAL_OUT);
	feed(fl, NULL, 11, NF_INET_LOCAL_OUT);
	assert_int_equal(r.verdicts, 4);
	assert_int_equal(r.lost, 2);
	fencelog_get_stats(fl, &st);
	assert_int_equal(st.recorded, 4);
	assert_int_equal(st.lost, 6);
	assert_int_equal(st.foreign, 2);
	fencelog_free(fl);
	fencelog_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_fencelog),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
