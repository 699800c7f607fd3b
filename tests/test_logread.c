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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_too_long),
		cmocka_unit_test(test_bad_gzip),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_tail),
	};

	return cmocka_run_group_tests_name("logread", tests, NULL, NULL);
}
