// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The queue socket's parser, fed datagrams made here: packets, a verdict
 * for a flushed packet (ENOENT), other errors, and hostile messages.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_queue.h>
#include <libnetfilter_queue/libnetfilter_queue.h>

#include "nfqueue.h"

#define PORTID 4242

static char buf[8192];
static size_t used;
static struct nfqueue_packet got[4];
static uint8_t got_data[4][64];
static int ngot;

static void on_packet(const struct nfqueue_packet *p, void *data)
{
	assert_ptr_equal(data, &ngot);
	assert_true(ngot < 4);
	assert_true(p->caplen <= sizeof(got_data[0]));
	memcpy(got_data[ngot], p->data, p->caplen);
	got[ngot++] = *p;
}

static void reset(void)
{
	used = 0;
	ngot = 0;
	memset(buf, 0, sizeof(buf));
}

static struct nlmsghdr *put_packet(uint32_t id, const char *payload,
				   bool with_payload)
{
	struct nlmsghdr *nlh = nfq_nlmsg_put(buf + used, NFQNL_MSG_PACKET, 3);
	struct nfqnl_msg_packet_hdr ph = {.packet_id = htonl(id),
					  .hook = NF_INET_LOCAL_OUT};

	nlh->nlmsg_pid = PORTID;
	mnl_attr_put(nlh, NFQA_PACKET_HDR, sizeof(ph), &ph);
	mnl_attr_put_u32(nlh, NFQA_MARK, htonl(0x100));
	if (with_payload)
		mnl_attr_put(nlh, NFQA_PAYLOAD, strlen(payload), payload);
	used += NLMSG_ALIGN(nlh->nlmsg_len);
	return nlh;
}

static void put_error(int error, uint32_t len)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf + used);
	struct nlmsgerr *err =
		mnl_nlmsg_put_extra_header(nlh, sizeof(struct nlmsgerr));

	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_pid = PORTID;
	err->error = error;
	if (len)
		nlh->nlmsg_len = len;
	used += NLMSG_ALIGN(nlh->nlmsg_len);
}

static int parse(struct nfqueue_stats *st)
{
	return nfqueue_parse(buf, used, PORTID, 3, on_packet, &ngot, st);
}

static void test_packets(void **state)
{
	struct nfqueue_stats st = {0};

	reset();
	put_packet(7, "\x45hello", true);
	put_packet(8, "\x60world", true);
	assert_int_equal(parse(&st), 2);
	assert_int_equal(ngot, 2);
	assert_int_equal(got[0].id, 7);
	assert_int_equal(got[0].queue, 3);
	assert_int_equal(got[0].mark, 0x100);
	assert_int_equal(got[0].caplen, 6);
	assert_memory_equal(got_data[1], "\x60world", 6);
	assert_int_equal(st.received, 2);
}

/* A verdict for a packet the kernel flushed is counted, not an error. */
static void test_flushed(void **state)
{
	struct nfqueue_stats st = {0};

	reset();
	put_error(-ENOENT, 0);
	assert_int_equal(parse(&st), 0);
	assert_int_equal(st.stale, 1);
	reset();
	put_error(0, 0); /* an ack */
	assert_int_equal(parse(&st), 0);
	assert_int_equal(st.stale, 1);
}

static void test_other_errors(void **state)
{
	struct nfqueue_stats st = {0};

	reset();
	put_error(-EINVAL, 0);
	assert_int_equal(parse(&st), -EINVAL);
	reset();
	put_error(-EPERM, 0);
	assert_int_equal(parse(&st), -EPERM);
	reset();
	put_error(12345, 0); /* not negative: a broken message */
	assert_int_equal(parse(&st), -EPROTO);
	reset();
	put_error(INT32_MIN, 0);
	assert_int_equal(parse(&st), -EPROTO);
	assert_int_equal(st.stale, 0);
}

/* Hostile: no payload, an error too short to hold its code, lies. */
static void test_hostile(void **state)
{
	struct nfqueue_stats st = {0};
	struct nlmsghdr *nlh;

	reset();
	put_packet(1, "", false);
	assert_int_equal(parse(&st), 0);
	assert_int_equal(st.invalid, 1);
	reset();
	put_error(-ENOENT, sizeof(struct nlmsghdr) + 2);
	assert_true(parse(&st) <= 0);
	assert_int_equal(st.stale, 0);
	reset();
	nlh = put_packet(2, "\x45x", true);
	nlh->nlmsg_len += 64; /* runs past the datagram */
	assert_true(parse(&st) <= 0);
	assert_int_equal(ngot, 0);
	reset();
	put_packet(3, "\x45x", true);
	assert_int_equal(
		nfqueue_parse(buf, used, PORTID + 1, 3, on_packet, &ngot, &st),
		-ESRCH); /* someone else's port */
	assert_int_equal(ngot, 0);
	assert_int_equal(
		nfqueue_parse(buf, 3, PORTID, 3, on_packet, &ngot, &st), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_packets),
		cmocka_unit_test(test_flushed),
		cmocka_unit_test(test_other_errors),
		cmocka_unit_test(test_hostile),
	};

	return cmocka_run_group_tests_name("nfqueue", tests, NULL, NULL);
}
