// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A queue worker's batch before its verdicts go (worker_settle()): an
 * accept whose record is not written within the commit wait is withheld,
 * and the log says so in a chained error record after the verdict record,
 * which keeps the policy's accept.  The sink is stalled: its file is a
 * FIFO whose reader stops reading, so the writer thread hangs in write(2)
 * as on a hung disk.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "flow.h"
#include "logsink.h"
#include "logsink_int.h" /* is the writer in its write? */
#include "record.h"
#include "worker.h"

static char dir[] = "/tmp/nfjudge-worker-XXXXXX";
static char fifo[256];

static struct flow flow = {.ip_version = 4,
			   .proto = 6,
			   .has_ports = true,
			   .sport = 40001,
			   .dport = 3128};

/* What the reader got once it reads again, up to the writer's close. */
struct drain {
	int fd;
	char buf[1 << 20];
	size_t len;
};

static void *drain_main(void *arg)
{
	struct drain *d = arg;
	ssize_t n;

	fcntl(d->fd, F_SETFL, fcntl(d->fd, F_GETFL) & ~O_NONBLOCK);
	while (d->len < sizeof(d->buf) - 1 &&
	       (n = read(d->fd, d->buf + d->len, sizeof(d->buf) - 1 - d->len)) >
		       0)
		d->len += (size_t)n;
	d->buf[d->len] = '\0';
	return NULL;
}

static bool writer_in_write(struct logsink *s)
{
	bool in;

	pthread_mutex_lock(&s->w.lock);
	in = !s->idle && s->bytes_out < s->bytes_in;
	pthread_mutex_unlock(&s->w.lock);
	return in;
}

/* A sink on the FIFO whose writer hangs in write(2); *rfd reads it. */
static struct logsink *stalled_sink(int *rfd)
{
	struct logsink_opts o = {
		.target = fifo, .threaded = true, .on_failure = LOGSINK_CLOSED};
	struct record_verdict rv = {
		.flow = &flow, .verdict = VERDICT_REJECT, .rule = "default"};
	struct record_event ev = {
		.type = RECORD_VERDICT, .ts_us = 1, .verdict = &rv};
	struct logsink *s;
	int i;

	assert_int_equal(mkfifo(fifo, 0600), 0);
	*rfd = open(fifo, O_RDONLY | O_NONBLOCK);
	assert_true(*rfd >= 0);
	assert_true(fcntl(*rfd, F_SETPIPE_SZ, 4096) > 0);
	s = logsink_open(&o);
	assert_non_null(s);
	/* more than the pipe holds, in one chunk of the writer's */
	for (i = 0; i < 64; i++)
		assert_int_equal(logsink_submit(s, &ev), 0);
	assert_int_equal(logsink_flush(s, 300), -EIO);
	assert_true(writer_in_write(s));
	return s;
}

/*
 * A lane whose batch holds the accept of packet id (its verdict record
 * queued on the stalled sink) and a reject; returns the record's seq.
 */
static uint64_t lane_start(struct worker_lane *l, struct drain *d, uint32_t id)
{
	struct record_verdict rv = {.flow = &flow,
				    .verdict = VERDICT_ACCEPT,
				    .enforced = true,
				    .rule = "proxy",
				    .live = true,
				    .queue = 3,
				    .packet_id = id};
	struct record_event ev = {
		.type = RECORD_VERDICT, .ts_us = 2, .verdict = &rv};
	struct logsink_pos pos;

	l->w->sink = stalled_sink(&d->fd);
	l->rec = malloc(RECORD_MAX);
	assert_non_null(l->rec);
	assert_int_equal(logsink_submit_deferred(l->w->sink, &ev, l->rec, &pos),
			 0);
	l->held[0] = (struct worker_held){
		.id = id, .v = NFQUEUE_ACCEPT, .seq = pos.seq};
	l->held[1] = (struct worker_held){.id = id + 1, .v = NFQUEUE_REJECT};
	l->nheld = 2;
	l->held_accept = l->deferred = true;
	l->ticket = pos.ticket;
	return pos.seq;
}

/* The reader reads again: everything the sink had is in d at close. */
static void lane_finish(struct worker_lane *l, struct drain *d)
{
	pthread_t t;

	assert_int_equal(pthread_create(&t, NULL, drain_main, d), 0);
	logsink_close(l->w->sink);
	pthread_join(t, NULL);
	close(d->fd);
	free(l->rec);
}

static void test_withheld(void **state)
{
	struct worker w = {.queue = 3};
	struct worker_lane l = {.w = &w};
	struct drain *d = calloc(1, sizeof(*d));
	char want[256], rec[64], *at;
	uint64_t seq;

	assert_non_null(d);
	seq = lane_start(&l, d, 4242);
	worker_settle(&l);
	assert_int_equal(l.held[0].v, NFQUEUE_DROP);
	assert_int_equal(l.held[1].v, NFQUEUE_REJECT);
	assert_int_equal(l.local_errors, 1);
	lane_finish(&l, d);
	/* the verdict record keeps the policy's accept ... */
	snprintf(rec, sizeof(rec), "\"seq\":%" PRIu64 ",\"verdict\":\"accept\"",
		 seq);
	at = strstr(d->buf, rec);
	assert_non_null(at);
	assert_non_null(strstr(at, "\"packet_id\":4242"));
	/* ... and the next record says what became of the packet */
	snprintf(want, sizeof(want),
		 "\"event_type\":\"error\",\"seq\":%" PRIu64 ",\"message\":"
		 "\"accept withheld: record not written within 1 s, packet "
		 "dropped: queue 3, packet_id 4242, seq %" PRIu64 "\"",
		 seq + 1, seq);
	assert_non_null(strstr(at, want));
	assert_null(strstr(d->buf, "packet_id 4243"));
	free(d);
}

/* With --on-log-failure open the accept goes, and nothing is said. */
static void test_open_gives(void **state)
{
	struct worker w = {.queue = 3, .log_open = true};
	struct worker_lane l = {.w = &w};
	struct drain *d = calloc(1, sizeof(*d));

	assert_non_null(d);
	lane_start(&l, d, 7);
	worker_settle(&l);
	assert_int_equal(l.held[0].v, NFQUEUE_ACCEPT);
	assert_int_equal(l.local_errors, 0);
	lane_finish(&l, d);
	assert_null(strstr(d->buf, "withheld"));
	free(d);
}

static int setup(void **state)
{
	if (!mkdtemp(dir))
		return -1;
	snprintf(fifo, sizeof(fifo), "%s/verdicts.log", dir);
	return 0;
}

static int each(void **state)
{
	unlink(fifo);
	return 0;
}

static int teardown(void **state)
{
	unlink(fifo);
	return rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_withheld, each),
		cmocka_unit_test_setup(test_open_gives, each),
	};

	return cmocka_run_group_tests_name("worker", tests, setup, teardown);
}
