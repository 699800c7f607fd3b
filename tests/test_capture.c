// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The block reader against libpcap over captures larger than its window:
 * records that straddle a window's end, a look ahead across it, and a
 * file cut short in its last record.
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
#include <unistd.h>
#include <cmocka.h>

#include "capture.h"

/* Three windows and more (the reader maps 8 MiB at a time). */
#define CAP_RECORDS 40000

static char path[64];

static void put32(FILE *f, uint32_t v)
{
	uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16),
			(uint8_t)(v >> 24)};

	assert_int_equal(fwrite(b, 1, 4, f), 4);
}

/* Raw IP records of sizes that do not divide a window, then, with cut,
 * a last record cut short. */
static void write_capture(bool cut)
{
	uint8_t data[1500];
	FILE *f;
	int fd, i;
	uint32_t len;

	strcpy(path, "/tmp/test_capture.XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "wb");
	assert_non_null(f);
	put32(f, 0xa1b2c3d4);
	put32(f, 4 << 16 | 2); /* version 2.4 */
	put32(f, 0);
	put32(f, 0);
	put32(f, 65535);
	put32(f, 101); /* LINKTYPE_RAW */
	for (i = 0; i < CAP_RECORDS + cut; i++) {
		len = 20 + (uint32_t)(i * 37 % 1400);
		memset(data, i & 0xff, len);
		data[0] = 0x45;
		put32(f, 1795867200 + (uint32_t)i / 1000);
		put32(f, (uint32_t)i % 1000 * 1000);
		put32(f, len);
		put32(f, len);
		if (i == CAP_RECORDS)
			len /= 2;
		assert_int_equal(fwrite(data, 1, len, f), len);
	}
	assert_int_equal(fclose(f), 0);
}

static bool same_pkt(const struct capture_pkt *a, const struct capture_pkt *b)
{
	return a->caplen == b->caplen && a->len == b->len &&
	       a->ts_us == b->ts_us && !memcmp(a->data, b->data, a->caplen);
}

/* Both readers to the end; the look ahead shows the packet after next. */
static int read_both(char *ea, char *eb, size_t errlen)
{
	char err[256];
	struct capture *a = capture_open(path, NULL, err, sizeof(err));
	struct capture *b = capture_open(path, NULL, err, sizeof(err));
	struct capture_pkt pa, pb;
	const uint8_t *ahead = NULL;
	size_t alen = 0;
	int n = 0, ahead_n = -1, ra, rb;

	assert_non_null(a);
	assert_non_null(b);
	capture_use_libpcap(b);
	for (;;) {
		ra = capture_next(a, &pa, ea, errlen);
		rb = capture_next(b, &pb, eb, errlen);
		assert_int_equal(ra, rb);
		if (ra != 1)
			break;
		assert_true(same_pkt(&pa, &pb));
		/* shown two reads ago: in place, and this very record */
		if (ahead && n == ahead_n) {
			assert_ptr_equal(ahead, pa.data);
			assert_int_equal(alen, pa.caplen);
		}
		if (n != ahead_n - 1) {
			ahead = capture_peek(a, 1, &alen);
			ahead_n = n + 2;
		}
		n++;
	}
	capture_close(a);
	capture_close(b);
	unlink(path);
	return n;
}

static void test_windows(void **state)
{
	char ea[256] = "", eb[256] = "";

	(void)state;
	write_capture(false);
	assert_int_equal(read_both(ea, eb, sizeof(ea)), CAP_RECORDS);
}

static void test_cut_short(void **state)
{
	char ea[256] = "", eb[256] = "";

	(void)state;
	write_capture(true);
	assert_int_equal(read_both(ea, eb, sizeof(ea)), CAP_RECORDS);
	assert_string_equal(ea, eb);
	assert_non_null(strstr(ea, path));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_windows),
		cmocka_unit_test(test_cut_short),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
