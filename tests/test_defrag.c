// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "defrag.h"

#define SEC 1000000LL

/* An IPv4 fragment of datagram id: off bytes in, MF as given. */
static size_t v4(uint8_t *p, uint16_t id, uint32_t off, bool mf,
		 const uint8_t *data, size_t len)
{
	uint16_t fo = (uint16_t)(off / 8 | (mf ? 0x2000 : 0));

	memset(p, 0, 20);
	p[0] = 0x45;
	p[2] = (uint8_t)((20 + len) >> 8);
	p[3] = (uint8_t)(20 + len);
	p[4] = (uint8_t)(id >> 8);
	p[5] = (uint8_t)id;
	p[6] = (uint8_t)(fo >> 8);
	p[7] = (uint8_t)fo;
	p[8] = 64;
	p[9] = 17;
	memcpy(p + 12, "\x0a\x00\x00\x01\x0a\x00\x00\x02", 8);
	memcpy(p + 20, data, len);
	return 20 + len;
}

/* An IPv6 fragment behind a destination options header (8 bytes). */
static size_t v6(uint8_t *p, uint32_t id, uint32_t off, bool mf, uint8_t nh,
		 const uint8_t *data, size_t len)
{
	uint16_t fo = (uint16_t)(off | (mf ? 1 : 0));

	memset(p, 0, 56);
	p[0] = 0x60;
	p[4] = (uint8_t)((16 + len) >> 8);
	p[5] = (uint8_t)(16 + len);
	p[6] = 60; /* destination options */
	p[7] = 64;
	p[8] = 0xfd;
	p[23] = 1;
	p[24] = 0xfd;
	p[39] = 2;
	p[40] = 44; /* then the fragment header */
	p[48] = nh;
	p[50] = (uint8_t)(fo >> 8);
	p[51] = (uint8_t)fo;
	p[52] = (uint8_t)(id >> 24);
	p[55] = (uint8_t)id;
	memcpy(p + 56, data, len);
	return 56 + len;
}

static uint8_t payload[64];

static void fill(void)
{
	size_t i;

	for (i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)(i * 7 + 1);
}

static enum defrag_result feed(struct defrag *d, const uint8_t *p, size_t n,
			       int64_t ts)
{
	const uint8_t *out;
	size_t len;

	return defrag_feed(d, p, n, ts, &out, &len);
}

static void test_not_fragments(void **state)
{
	struct defrag *d = defrag_new();
	uint8_t p[128];
	size_t n = v4(p, 1, 0, false, payload, 24);

	assert_int_equal(feed(d, p, n, 0), DEFRAG_WHOLE);
	/* cut by the capture: cannot be reassembled, taken as it is */
	n = v4(p, 1, 8, true, payload, 24);
	assert_int_equal(feed(d, p, n - 1, 0), DEFRAG_WHOLE);
	assert_int_equal(feed(d, p, 10, 0), DEFRAG_WHOLE);
	assert_int_equal(feed(d, p, 0, 0), DEFRAG_WHOLE);
	/* an atomic IPv6 fragment is a whole datagram */
	n = v6(p, 1, 0, false, 17, payload, 8);
	assert_int_equal(feed(d, p, n, 0), DEFRAG_WHOLE);
	defrag_free(d);
}

static void test_v4_in_any_order(void **state)
{
	struct defrag *d = defrag_new();
	uint8_t a[128], b[128], c[128];
	size_t na = v4(a, 7, 0, true, payload, 8);
	size_t nb = v4(b, 7, 8, true, payload + 8, 8);
	size_t nc = v4(c, 7, 16, false, payload + 16, 12);
	const uint8_t *out;
	size_t len;
	struct defrag_stats st;

	assert_int_equal(feed(d, c, nc, 0), DEFRAG_HELD);
	assert_int_equal(feed(d, a, na, 1), DEFRAG_HELD);
	assert_int_equal(defrag_feed(d, b, nb, 2, &out, &len), DEFRAG_DONE);
	assert_int_equal(len, 20 + 28);
	assert_int_equal(out[2] << 8 | out[3], 48);
	assert_int_equal(out[6] & 0x3f, 0);
	assert_int_equal(out[7], 0);
	assert_memory_equal(out + 20, payload, 28);
	defrag_get_stats(d, &st);
	assert_int_equal(st.fragments, 3);
	assert_int_equal(st.datagrams, 1);
	defrag_free(d);
}

static void test_duplicate_and_overlap(void **state)
{
	struct defrag *d = defrag_new();
	uint8_t a[128], b[128], x[128];
	size_t na = v4(a, 9, 0, true, payload, 16);
	size_t nb = v4(b, 9, 16, false, payload + 16, 8);
	size_t nx = v4(x, 9, 8, true, payload, 16); /* 8..24 */
	struct defrag_stats st;

	assert_int_equal(feed(d, a, na, 0), DEFRAG_HELD);
	/* the same bytes again: only the copy goes */
	assert_int_equal(feed(d, a, na, 1), DEFRAG_DROPPED);
	/* a fragment over part of held data: the datagram goes */
	assert_int_equal(feed(d, x, nx, 2), DEFRAG_DROPPED);
	defrag_get_stats(d, &st);
	assert_int_equal(st.dropped[DEFRAG_DROP_DUPLICATE], 1);
	assert_int_equal(st.dropped[DEFRAG_DROP_OVERLAP], 2);
	/* so the last fragment alone starts over and never completes */
	assert_int_equal(feed(d, b, nb, 3), DEFRAG_HELD);
	defrag_finish(d);
	defrag_get_stats(d, &st);
	assert_int_equal(st.dropped[DEFRAG_DROP_INCOMPLETE], 1);
	assert_int_equal(st.datagrams, 0);
	defrag_free(d);
}

static void test_timeout_is_lazy(void **state)
{
	struct defrag *d = defrag_new();
	uint8_t a[128], b[128];
	size_t na = v4(a, 3, 0, true, payload, 8);
	size_t nb = v4(b, 3, 8, false, payload + 8, 8);
	struct defrag_stats st;

	assert_int_equal(feed(d, a, na, 0), DEFRAG_HELD);
	assert_int_equal(feed(d, b, nb, DEFRAG_V4_TIMEOUT_US), DEFRAG_HELD);
	defrag_get_stats(d, &st);
	assert_int_equal(st.dropped[DEFRAG_DROP_TIMEOUT], 1);
	/* just within it, they make a datagram */
	assert_int_equal(feed(d, a, na, 100 * SEC), DEFRAG_HELD);
	assert_int_equal(feed(d, b, nb, 100 * SEC + DEFRAG_V4_TIMEOUT_US - 1),
			 DEFRAG_DONE);
	defrag_free(d);
}

static void test_lengths_that_contradict(void **state)
{
	struct defrag *d = defrag_new();
	uint8_t a[128], b[128];
	size_t na, nb;
	struct defrag_stats st;

	/* a last fragment, then one past its end */
	na = v4(a, 4, 8, false, payload, 8);
	nb = v4(b, 4, 16, true, payload, 8);
	assert_int_equal(feed(d, a, na, 0), DEFRAG_HELD);
	assert_int_equal(feed(d, b, nb, 1), DEFRAG_DROPPED);
	/* beyond the largest datagram there can be */
	na = v4(a, 5, 65528, true, payload, 16);
	assert_int_equal(feed(d, a, na, 2), DEFRAG_DROPPED);
	/* empty */
	na = v4(a, 6, 8, true, payload, 0);
	assert_int_equal(feed(d, a, na, 3), DEFRAG_DROPPED);
	/* IPv6: a fragment not a multiple of 8 that is not the last */
	na = v6(a, 7, 8, true, 17, payload, 12);
	assert_int_equal(feed(d, a, na, 4), DEFRAG_DROPPED);
	defrag_get_stats(d, &st);
	assert_int_equal(st.dropped[DEFRAG_DROP_INVALID], 5);
	defrag_free(d);
}

static void test_v6(void **state)
{
	struct defrag *d = defrag_new();
	uint8_t a[128], b[128];
	size_t na = v6(a, 0x10001, 0, true, 17, payload, 16);
	size_t nb = v6(b, 0x10001, 16, false, 17, payload + 16, 20);
	const uint8_t *out;
	size_t len;

	assert_int_equal(feed(d, b, nb, 0), DEFRAG_HELD);
	assert_int_equal(defrag_feed(d, a, na, 1, &out, &len), DEFRAG_DONE);
	/* the fragment header is gone, the destination options stay */
	assert_int_equal(len, 48 + 36);
	assert_int_equal(out[4] << 8 | out[5], 8 + 36);
	assert_int_equal(out[6], 60);
	assert_int_equal(out[40], 17);
	assert_memory_equal(out + 48, payload, 36);
	/* another identification is another datagram */
	nb = v6(b, 0x20001, 16, false, 17, payload + 16, 20);
	assert_int_equal(feed(d, b, nb, 2), DEFRAG_HELD);
	defrag_free(d);
}

/* RFC 8200 4.5: a first fragment without its TCP header passes as is. */
static void test_v6_first_without_upper_header(void **state)
{
	struct defrag *d = defrag_new();
	uint8_t a[128];
	size_t na = v6(a, 5, 0, true, 6, payload, 8);
	struct defrag_stats st;

	assert_int_equal(feed(d, a, na, 0), DEFRAG_RAW);
	na = v6(a, 5, 0, true, 6, payload, 24);
	assert_int_equal(feed(d, a, na, 0), DEFRAG_HELD);
	defrag_get_stats(d, &st);
	assert_int_equal(st.fragments, 1);
	defrag_free(d);
}

static void test_bounded(void **state)
{
	struct defrag *d = defrag_new();
	uint8_t a[128], b[128];
	size_t n;
	struct defrag_stats st;
	uint16_t id;

	for (id = 0; id <= DEFRAG_SLOTS; id++) {
		n = v4(a, id, 0, true, payload, 8);
		assert_int_equal(feed(d, a, n, id), DEFRAG_HELD);
	}
	defrag_get_stats(d, &st);
	assert_int_equal(st.dropped[DEFRAG_DROP_EVICTED], 1);
	/* the oldest went; the newest completes */
	n = v4(b, 0, 8, false, payload, 8);
	assert_int_equal(feed(d, b, n, 100), DEFRAG_HELD);
	n = v4(b, DEFRAG_SLOTS, 8, false, payload, 8);
	assert_int_equal(feed(d, b, n, 101), DEFRAG_DONE);
	defrag_free(d);
}

/* Headers that lie about their lengths: never read past the packet. */
static void test_hostile(void **state)
{
	struct defrag *d = defrag_new();
	uint8_t p[128];
	size_t n, i;

	n = v6(p, 1, 8, true, 17, payload, 8);
	p[41] = 0xff; /* destination options far longer than the packet */
	assert_int_equal(feed(d, p, n, 0), DEFRAG_WHOLE);
	n = v6(p, 1, 8, true, 17, payload, 8);
	p[4] = 0xff; /* payload length beyond what was captured */
	assert_int_equal(feed(d, p, n, 0), DEFRAG_WHOLE);
	n = v4(p, 1, 8, true, payload, 8);
	p[0] = 0x4f; /* header longer than the packet */
	assert_int_equal(feed(d, p, n, 0), DEFRAG_WHOLE);
	/* every prefix of a fragment */
	n = v6(p, 2, 0, true, 6, payload, 32);
	for (i = 0; i <= n; i++)
		feed(d, p, i, 0);
	assert_null(NULL);
	defrag_free(d);
	defrag_free(NULL);
	assert_string_equal(defrag_drop_str(DEFRAG_DROP_OVERLAP), "overlap");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_not_fragments),
		cmocka_unit_test(test_v4_in_any_order),
		cmocka_unit_test(test_duplicate_and_overlap),
		cmocka_unit_test(test_timeout_is_lazy),
		cmocka_unit_test(test_lengths_that_contradict),
		cmocka_unit_test(test_v6),
		cmocka_unit_test(test_v6_first_without_upper_header),
		cmocka_unit_test(test_bounded),
		cmocka_unit_test(test_hostile),
	};

	fill();
	return cmocka_run_group_tests_name("defrag", tests, NULL, NULL);
}
