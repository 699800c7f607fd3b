// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "dropwatch.h"
#include "record.h"

/* The kernel's counters, as the fake /proc file shows them. */
static uint64_t kqd[4], kud[4];
static bool gone[4];

static int fake_read(uint16_t queue, uint64_t *qd, uint64_t *ud)
{
	if (queue < 10 || queue > 13 || gone[queue - 10])
		return -ENOENT;
	*qd = kqd[queue - 10];
	*ud = kud[queue - 10];
	return 0;
}

/* What was written. */
static struct record_lost seen[16];
static int nseen;
static bool refuse;

static int fake_emit(void *ctx, const struct record_event *ev)
{
	assert_ptr_equal(ctx, &nseen);
	assert_int_equal(ev->type, RECORD_LOST);
	if (refuse)
		return -ENOBUFS;
	assert_true(nseen < 16);
	seen[nseen++] = *ev->lost;
	return 0;
}

static struct dropwatch *watch(void)
{
	struct dropwatch_cfg cfg = {.first = 10,
				    .n = 4,
				    .emit = fake_emit,
				    .ctx = &nseen,
				    .read = fake_read};
	struct dropwatch *dw = dropwatch_new(&cfg);

	assert_non_null(dw);
	nseen = 0;
	refuse = false;
	return dw;
}

static void reset(void **state)
{
	memset(kqd, 0, sizeof(kqd));
	memset(kud, 0, sizeof(kud));
	memset(gone, 0, sizeof(gone));
}

static void test_quiet(void **state)
{
	struct dropwatch *dw;

	reset(state);
	dw = watch();
	dropwatch_check(dw);
	dropwatch_check(dw);
	assert_int_equal(nseen, 0);
	dropwatch_free(dw);
}

/* Each increase is written once, with the new count and the total. */
static void test_growth(void **state)
{
	struct dropwatch *dw;
	uint64_t qd, ud;

	reset(state);
	kqd[1] = 5; /* before the start: not ours to report */
	dw = watch();
	kqd[1] = 17;
	kud[3] = 2;
	dropwatch_check(dw);
	assert_int_equal(nseen, 2);
	assert_string_equal(seen[0].what, RECORD_LOST_QUEUE);
	assert_int_equal(seen[0].queue, 11);
	assert_int_equal(seen[0].count, 12);
	assert_int_equal(seen[0].total, 12);
	assert_string_equal(seen[1].what, RECORD_LOST_USER);
	assert_int_equal(seen[1].queue, 13);
	assert_int_equal(seen[1].count, 2);
	dropwatch_check(dw);
	assert_int_equal(nseen, 2);
	kqd[1] = 20;
	dropwatch_check(dw);
	assert_int_equal(nseen, 3);
	assert_int_equal(seen[2].count, 3);
	assert_int_equal(seen[2].total, 15);
	dropwatch_totals(dw, 11, &qd, &ud);
	assert_int_equal(qd, 15);
	assert_int_equal(ud, 0);
	dropwatch_totals(dw, 99, &qd, &ud);
	assert_int_equal(qd, 0);
	dropwatch_free(dw);
}

/* A record the sink refused is written later, with everything since. */
static void test_refused(void **state)
{
	struct dropwatch *dw;
	uint64_t qd, ud;

	reset(state);
	dw = watch();
	kqd[0] = 4;
	refuse = true;
	dropwatch_check(dw);
	assert_int_equal(nseen, 0);
	dropwatch_totals(dw, 10, &qd, &ud);
	assert_int_equal(qd, 0);
	kqd[0] = 9;
	refuse = false;
	dropwatch_check(dw);
	assert_int_equal(nseen, 1);
	assert_int_equal(seen[0].count, 9);
	assert_int_equal(seen[0].total, 9);
	dropwatch_free(dw);
}

/* A queue whose counters cannot be read is skipped, not reported. */
static void test_unreadable(void **state)
{
	struct dropwatch *dw;

	reset(state);
	dw = watch();
	gone[2] = true;
	kqd[2] = 7;
	dropwatch_check(dw);
	assert_int_equal(nseen, 0);
	gone[2] = false;
	dropwatch_check(dw);
	assert_int_equal(nseen, 1);
	assert_int_equal(seen[0].count, 7);
	dropwatch_free(dw);
}

static void test_bad_cfg(void **state)
{
	struct dropwatch_cfg cfg = {.first = 65535, .n = 2, .emit = fake_emit};

	assert_null(dropwatch_new(&cfg));
	assert_int_equal(errno, EINVAL);
	cfg.first = 0;
	cfg.n = 0;
	assert_null(dropwatch_new(&cfg));
	dropwatch_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quiet),
		cmocka_unit_test(test_growth),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_unreadable),
		cmocka_unit_test(test_bad_cfg),
	};

	return cmocka_run_group_tests_name("dropwatch", tests, NULL, NULL);
}
