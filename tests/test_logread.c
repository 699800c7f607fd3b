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
#include <unistd.h>
#include <cmocka.h>

#include <zlib.h>

#include "chain.h"
#include "logread.h"
#include "record.h"

static char path[] = "/tmp/nfjudge-logread-XXXXXX";

static void put_file(const char *data, size_t len, bool gz)
{
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	if (gz) {
		gzFile z = gzdopen(fd, "wb");

		assert_non_null(z);
		assert_int_equal(gzwrite(z, data, (unsigned)len), (int)len);
		gzclose(z);
	} else {
		assert_int_equal(write(fd, data, len), (ssize_t)len);
		close(fd);
	}
}

static void drop_file(void)
{
	unlink(path);
	strcpy(path + strlen(path) - 6, "XXXXXX");
}

static void expect(struct logread *lr, enum logread_status want,
		   const char *text, size_t n)
{
	const char *line;
	size_t len;

	assert_int_equal(logread_next(lr, &line, &len), want);
	assert_int_equal(len, n);
	assert_memory_equal(line, text, n);
}

static void lines_of(bool gz)
{
	static const char data[] = "one\n\ntw\0o\nlast";
	struct logread *lr;

	put_file(data, sizeof(data) - 1, gz);
	lr = logread_open(path);
	assert_non_null(lr);
	expect(lr, LOGREAD_LINE, "one", 3);
	expect(lr, LOGREAD_LINE, "", 0);
	expect(lr, LOGREAD_LINE, "tw\0o", 4);
	expect(lr, LOGREAD_PARTIAL, "last", 4);
	assert_int_equal(logread_lineno(lr), 4);
	expect(lr, LOGREAD_EOF, "", 0);
	logread_close(lr);
	drop_file();
}

static void test_lines(void **state)
{
	lines_of(false);
	lines_of(true);
	assert_null(logread_open("/nonexistent/log"));
	assert_int_equal(errno, ENOENT);
	logread_close(NULL);
}

/* A line over the limit is skipped whole; reading goes on after it. */
static void test_too_long(void **state)
{
	size_t big = LOGREAD_LINE_MAX + 10;
	char *data = malloc(big + 8);
	struct logread *lr;
	const char *line;
	size_t len;

	assert_non_null(data);
	memset(data, 'a', big);
	memcpy(data + big, "\nnext\n", 6);
	put_file(data, big + 6, false);
	free(data);
	lr = logread_open(path);
	assert_non_null(lr);
	assert_int_equal(logread_next(lr, &line, &len), LOGREAD_TOO_LONG);
	expect(lr, LOGREAD_LINE, "next", 4);
	assert_int_equal(logread_lineno(lr), 2);
	logread_close(lr);
	drop_file();
}

static void test_bad_gzip(void **state)
{
	static const char data[] = "\x1f\x8b\x08\x00garbage-not-deflate";
	struct logread *lr;
	const char *line;
	size_t len;

	put_file(data, sizeof(data) - 1, false);
	lr = logread_open(path);
	assert_non_null(lr);
	assert_int_equal(logread_next(lr, &line, &len), LOGREAD_ERROR);
	logread_close(lr);
	drop_file();
}

#define HEX "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static int parse(const char *s, struct logrec *rec, char *err)
{
	return logread_rec_parse(rec, s, strlen(s), err, 128);
}

static void test_parse(void **state)
{
	static const char good[] =
		"{\"seq\":3,\"prev_chain\":\"" HEX "\",\"chain\":\"" HEX "\"}";
	struct logrec rec;
	char err[128];

	assert_int_equal(parse(good, &rec, err), 0);
	assert_int_equal(rec.seq, 3);
	assert_string_equal(rec.chain, HEX);
	assert_string_equal(rec.prev_chain, HEX);
	/* the body ends where ,"chain": begins */
	assert_int_equal(rec.body_len, strchr(good + 80, ',') - good);
	logread_rec_clear(&rec);
	assert_int_equal(parse("{\"seq\":1", &rec, err), -EBADMSG);
	assert_non_null(strstr(err, "invalid JSON"));
	assert_int_equal(parse("[1]", &rec, err), -EBADMSG);
	assert_int_equal(parse("{\"seq\":0,\"chain\":\"" HEX "\"}", &rec, err),
			 -EBADMSG);
	assert_int_equal(parse("{\"seq\":-2,\"chain\":\"" HEX "\"}", &rec, err),
			 -EBADMSG);
	assert_int_equal(parse("{\"a\":1,\"chain\":\"" HEX "\"}", &rec, err),
			 -EBADMSG);
	assert_non_null(strstr(err, "seq"));
	assert_int_equal(parse("{\"chain\":\"" HEX "\"}", &rec, err), -EBADMSG);
	/* chain not last, upper case, duplicated */
	assert_int_equal(parse("{\"chain\":\"" HEX "\",\"seq\":1}", &rec, err),
			 -EBADMSG);
	assert_int_equal(parse("{\"seq\":1,\"chain\":\"" HEX "\" }", &rec, err),
			 -EBADMSG);
	assert_int_equal(parse("{\"seq\":1,\"chain\":\"0123456789ABCDEF0123"
			       "456789abcdef0123456789abcdef0123456789abcdef"
			       "\"}",
			       &rec, err),
			 -EBADMSG);
	assert_int_equal(parse("{\"seq\":1,\"chain\":\"x\",\"chain\":\"" HEX
			       "\"}",
			       &rec, err),
			 -EBADMSG);
	assert_int_equal(parse("{\"seq\":1,\"prev_chain\":7,\"chain\":\"" HEX
			       "\"}",
			       &rec, err),
			 -EBADMSG);
}

static void test_tail(void **state)
{
	static char buf[3 * 1024];
	struct chain *c = chain_new(NULL, 0);
	struct record_event ev = {.type = RECORD_ERROR, .message = "m"};
	char got[CHAIN_HEX + 1];
	uint64_t seq = 0;
	size_t len = 0;
	int i, n;

	for (i = 0; i < 3; i++) {
		n = record_emit(c, buf + len, sizeof(buf) - len, false, &ev);
		assert_true(n > 0);
		len += (size_t)n;
	}
	assert_int_equal(logread_rec_tail(buf, len, &seq, got), 0);
	assert_int_equal(seq, 3);
	assert_string_equal(got, chain_last(c));
	/* the tail may begin inside a line: only the last one counts */
	assert_int_equal(logread_rec_tail(buf + 5, len - 5, &seq, got), 0);
	assert_int_equal(logread_rec_tail(buf, len - 1, &seq, got), -EBADMSG);
	assert_int_equal(logread_rec_tail(buf, 0, &seq, got), -ENOENT);
	assert_int_equal(logread_rec_tail("x\n", 2, &seq, got), -EBADMSG);
	assert_int_equal(logread_rec_tail("\n", 1, &seq, got), -EBADMSG);
	chain_free(c);
}

/* Line n of the keep test: its number, then filler to a varying length. */
static size_t keep_line(char *buf, unsigned long n)
{
	size_t len = 20 + n % 181;

	memset(buf, 'a' + (int)(n % 26), len);
	buf[snprintf(buf, 16, "%lu", n)] = ':';
	return len;
}

/* Over three buffers of lines, the batch before is intact after the next
 * one is read: the two can be at work at once. */
static void keep_of(bool gz)
{
	size_t cap = 3 * (size_t)LOGREAD_BUF, len = 0, n, pn = 0, i;
	static struct lspan v[2][512];
	char *data = malloc(cap + 256), want[256];
	unsigned long lines = 0, seen = 0;
	struct logread *lr;
	int k = 0;

	assert_non_null(data);
	while (len < cap) {
		len += keep_line(data + len, ++lines);
		data[len++] = '\n';
	}
	put_file(data, len, gz);
	lr = logread_open(path);
	assert_non_null(lr);
	assert_int_equal(logread_keep(lr), 0);
	while (logread_batch(lr, v[k], 512, &n) == LOGREAD_LINE) {
		for (i = 0; i < pn; i++) /* the batch before, still there */
			assert_memory_equal(v[!k][i].p, want,
					    keep_line(want, v[!k][i].lineno));
		for (i = 0; i < n; i++) {
			assert_int_equal(v[k][i].lineno, ++seen);
			assert_int_equal(v[k][i].len, keep_line(want, seen));
			assert_memory_equal(v[k][i].p, want, v[k][i].len);
		}
		pn = n;
		k = !k;
	}
	assert_int_equal(seen, lines);
	logread_close(lr);
	drop_file();
	free(data);
}

static void test_keep(void **state)
{
	(void)state;
	keep_of(false);
	keep_of(true);
}

struct pool_ctx {
	unsigned char done[20000];
};

static void pool_fn(void *ctx, size_t i, int half)
{
	struct pool_ctx *c = ctx;

	assert_true(half == 0 || half == 1);
	c->done[i]++;
}

/* Every line of every batch once, whatever the batch's size. */
static void test_pool(void **state)
{
	static const size_t sizes[] = {0, 1, 255, 256, 257, 20000, 3, 20000};
	struct logread_pool *p = logread_pool_new();
	static struct pool_ctx c;
	size_t i, j;

	(void)state;
	assert_non_null(p);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		memset(&c, 0, sizeof(c));
		logread_pool_start(p, pool_fn, &c, sizes[i]);
		logread_pool_finish(p);
		for (j = 0; j < sizeof(c.done); j++)
			assert_int_equal(c.done[j], j < sizes[i]);
	}
	logread_pool_free(p);
	logread_pool_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_too_long),
		cmocka_unit_test(test_bad_gzip),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_tail),
		cmocka_unit_test(test_keep),
		cmocka_unit_test(test_pool),
	};

	return cmocka_run_group_tests_name("logread", tests, NULL, NULL);
}
