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

#include "chain.h"
#include "record.h"

/* Values computed independently (Python hashlib / hmac). */
#define BODY1 "{\"seq\":1"
#define SHA_1 "ab9780d6981eda3048e5eec0f4b1b00131c481699f69b64094eb4e4ac6e2e88d"
#define HMAC_1 \
	"82bdd80fde8d2fc0c91ebb2acd4e2917d8b761beb1462b9e8514f187f055c23b"

static void test_vectors(void **state)
{
	struct chain *c = chain_new(NULL, 0);
	struct chain *k = chain_new("secret", 6);
	char out[CHAIN_HEX + 1];

	assert_non_null(c);
	assert_non_null(k);
	assert_int_equal(chain_digest(c, CHAIN_GENESIS, BODY1, 8, out), 0);
	assert_string_equal(out, SHA_1);
	assert_int_equal(chain_digest(k, CHAIN_GENESIS, BODY1, 8, out), 0);
	assert_string_equal(out, HMAC_1);
	/* the HMAC context is re-used: the same input gives the same MAC */
	assert_int_equal(chain_digest(k, CHAIN_GENESIS, BODY1, 8, out), 0);
	assert_string_equal(out, HMAC_1);
	chain_free(c);
	chain_free(k);
	chain_free(NULL);
}

static void test_seal(void **state)
{
	struct chain *c = chain_new(NULL, 0);
	char buf[128] = BODY1;
	int len;

	assert_int_equal(chain_seq(c), 0);
	assert_string_equal(chain_last(c), CHAIN_GENESIS);
	assert_int_equal(chain_seal(c, buf, 8, 8 + CHAIN_SUFFIX_LEN - 1),
			 -ENOSPC);
	assert_int_equal(chain_seq(c), 0);
	len = chain_seal(c, buf, 8, sizeof(buf));
	assert_int_equal(len, 8 + CHAIN_SUFFIX_LEN);
	assert_memory_equal(buf, BODY1 ",\"chain\":\"" SHA_1 "\"}\n", len);
	assert_int_equal(chain_seq(c), 1);
	assert_string_equal(chain_last(c), SHA_1);
	chain_free(c);
}

/*
 * Many records: every digest follows from its predecessor, and a chain
 * restarted from (seq, last) goes on exactly as one that never stopped.
 */
static void test_many_and_restart(void **state)
{
	static char a[RECORD_MAX], b[RECORD_MAX];
	struct chain *c1 = chain_new("k", 1), *c2 = chain_new("k", 1);
	struct record_event ev = {.type = RECORD_ERROR, .message = "x"};
	char prev[CHAIN_HEX + 1], dig[CHAIN_HEX + 1];
	int i, la, lb;

	for (i = 0; i < 1000; i++) {
		ev.ts_us = i;
		memcpy(prev, chain_last(c1), sizeof(prev));
		la = record_emit(c1, a, sizeof(a), false, &ev);
		assert_true(la > CHAIN_SUFFIX_LEN);
		assert_int_equal(
			chain_digest(c2, prev, a, la - CHAIN_SUFFIX_LEN, dig),
			0);
		assert_memory_equal(a + la - CHAIN_HEX - 3, dig, CHAIN_HEX);
	}
	assert_int_equal(chain_seq(c1), 1000);
	chain_set(c2, chain_seq(c1), chain_last(c1));
	la = record_emit(c1, a, sizeof(a), false, &ev);
	lb = record_emit(c2, b, sizeof(b), false, &ev);
	assert_int_equal(la, lb);
	assert_memory_equal(a, b, la);
	assert_non_null(strstr(a, "\"seq\":1001,"));
	chain_free(c1);
	chain_free(c2);
}

static void test_key_load(void **state)
{
	char path[] = "/tmp/nfjudge-key-XXXXXX";
	uint8_t key[CHAIN_KEY_MAX];
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, "secret\r\n", 8), 8);
	assert_int_equal(chain_key_load(path, key), 6);
	assert_memory_equal(key, "secret", 6);
	assert_int_equal(ftruncate(fd, 1), 0);
	assert_int_equal(chain_key_load(path, key), 1);
	assert_int_equal(ftruncate(fd, 0), 0);
	assert_int_equal(chain_key_load(path, key), -EINVAL);
	assert_int_equal(ftruncate(fd, CHAIN_KEY_MAX + 1), 0);
	assert_int_equal(chain_key_load(path, key), -EINVAL);
	close(fd);
	unlink(path);
	assert_int_equal(chain_key_load(path, key), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_seal),
		cmocka_unit_test(test_many_and_restart),
		cmocka_unit_test(test_key_load),
	};

	return cmocka_run_group_tests_name("chain", tests, NULL, NULL);
}
