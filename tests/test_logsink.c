// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The sinks: records reach the file whole, chained in submission order,
 * across restarts and reopens; a failing disk is never silent: closed
 * refuses, open counts the lost records and says so in the log.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "audit.h"
#include "chain.h"
#include "flow.h"
#include "logread.h"
#include "logsink.h"
#include "logsink_int.h" /* led: did the waiter write? */
#include "record.h"

static char dir[] = "/tmp/nfjudge-sink-XXXXXX";
static char path[256];

/* What a log file holds, checked with the verifier's own code. */
struct tally {
	uint64_t records, verdicts, errors, lost_reported, first_seq, last_seq;
	int bad; /* lines that failed: parse or chain */
};

static void tally_file(const char *file, struct verify *v, struct tally *t)
{
	struct logread *lr = logread_open(file);
	const char *line;
	struct logrec rec;
	char err[256];
	size_t len;

	assert_non_null(lr);
	while (logread_next(lr, &line, &len) == LOGREAD_LINE) {
		if (logread_rec_parse(&rec, line, len, err, sizeof(err)) ||
		    audit_verify_record(v, &rec, line, err, sizeof(err))) {
			print_error("%s:%lu: %s\n", file, logread_lineno(lr),
				    err);
			t->bad++;
			logread_rec_clear(&rec);
			continue;
		}
		if (!t->records++)
			t->first_seq = rec.seq;
		t->last_seq = rec.seq;
		if (!strcmp(json_string_value(
				    json_object_get(rec.root, "event_type")),
			    "error")) {
			t->errors++;
			t->lost_reported += json_integer_value(
				json_object_get(rec.root, "lost_records"));
		} else {
			t->verdicts++;
		}
		logread_rec_clear(&rec);
	}
	logread_close(lr);
}

/*
 * Tally the files in order as one chain (plain SHA-256, or keyed).  A file
 * after a reopen is checked on its own: its head, on trust, is checked
 * against its prev_chain.
 */
static struct tally tally_key(const char *a, const char *b, const char *key)
{
	struct verify v = {.chain = chain_new(key, key ? strlen(key) : 0),
			   .head = VERIFY_TRUST};
	struct tally t = {0};

	tally_file(a, &v, &t);
	if (b)
		tally_file(b, &v, &t);
	chain_free(v.chain);
	audit_verify_done(&v);
	return t;
}

static struct tally tally(const char *a, const char *b)
{
	return tally_key(a, b, NULL);
}

/* The files, in order, hold one intact chain from first to last seq. */
static void expect_chain(const char *a, const char *b, uint64_t first,
			 uint64_t last)
{
	struct tally t = tally(a, b);

	assert_int_equal(t.bad, 0);
	assert_int_equal(t.records, last - first + 1);
	assert_int_equal(t.first_seq, first);
	assert_int_equal(t.last_seq, last);
}

static bool first_has_prev(const char *file)
{
	char line[4096] = "";
	FILE *f = fopen(file, "r");

	assert_non_null(f);
	assert_non_null(fgets(line, sizeof(line), f));
	fclose(f);
	return strstr(line, ",\"prev_chain\":\"") != NULL;
}

static struct flow flow = {.ip_version = 4,
			   .proto = 6,
			   .has_ports = true,
			   .sport = 40000,
			   .dport = 443};
static struct record_verdict verdict = {
	.flow = &flow, .verdict = VERDICT_REJECT, .rule = "default"};

static int submit(struct logsink *s, int64_t ts)
{
	struct record_event ev = {
		.type = RECORD_VERDICT, .ts_us = ts, .verdict = &verdict};

	return logsink_submit(s, &ev);
}

static void submit_all(struct logsink *s, int n)
{
	int i;

	for (i = 0; i < n; i++)
		assert_int_equal(submit(s, i), 0);
}

static struct logsink *sink(const char *target, bool threaded,
			    enum logsink_failure f, bool resume)
{
	struct logsink_opts o = {.target = target,
				 .threaded = threaded,
				 .on_failure = f,
				 .resume = resume,
				 .ring_size = 1};
	struct logsink *s = logsink_open(&o);

	assert_non_null(s);
	return s;
}

static int setup(void **state)
{
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof(path), "%s/verdicts.log", dir);
	return 0;
}

static int teardown(void **state)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "%s/mnt", dir);
	umount(cmd);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) ? -1 : 0;
}

static void test_sync_and_resume(void **state)
{
	struct logsink *s;

	unlink(path);
	s = sink(path, false, LOGSINK_CLOSED, true);
	submit_all(s, 50);
	assert_true(logsink_can_accept(s));
	logsink_close(s);
	/* a restarted writer continues seq and chain in the same file */
	s = sink(path, true, LOGSINK_CLOSED, true);
	submit_all(s, 50);
	assert_int_equal(logsink_flush(s, 5000), 0);
	logsink_close(s);
	expect_chain(path, NULL, 1, 100);
	unlink(path);
}

/* A file whose last line is cut short cannot be continued blindly. */
static void test_resume_broken(void **state)
{
	struct logsink_opts o = {.target = path, .resume = true};
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs("{\"seq\":1,\"chain\":\"ab", f);
	fclose(f);
	assert_null(logsink_open(&o));
	assert_int_equal(errno, EBADMSG);
	unlink(path);
}

static void *worker(void *arg)
{
	struct logsink *s = arg;
	int i;

	for (i = 0; i < 5000; i++)
		while (submit(s, i) == -ENOBUFS)
			usleep(100);
	return NULL;
}

/* Four producers at once: every record whole, one chain, no gap. */
static void test_threads(void **state)
{
	struct logsink *s = sink(path, true, LOGSINK_OPEN, false);
	pthread_t th[4];
	struct tally t;
	int i;

	for (i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&th[i], NULL, worker, s), 0);
	for (i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	assert_int_equal(logsink_flush(s, 10000), 0);
	/* the producers retried every -ENOBUFS; each counted as lost and
	 * then reported, so the log holds error records saying so */
	logsink_close(s);
	t = tally(path, NULL);
	assert_int_equal(t.bad, 0);
	assert_int_equal(t.verdicts, 20000);
	assert_int_equal(t.records, t.last_seq);
	unlink(path);
}

/* Rotation: rename, reopen; each file verifies alone and both in order. */
static long rss_kb(void)
{
	char line[256];
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "r");

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "VmRSS:", 6))
			kb = atol(line + 6);
	if (f)
		fclose(f);
	return kb;
}

/* The ring is faulted in when the sink starts, not page by page while a
 * worker copies a record in. */
static void test_ring_resident(void **state)
{
	struct logsink_opts o = {
		.target = path, .threaded = true, .ring_size = 32u << 20};
	long before = rss_kb();
	struct logsink *s = logsink_open(&o);

	assert_non_null(s);
	assert_true(rss_kb() - before >= 30 * 1024);
	logsink_close(s);
	unlink(path);
}

/* The daemon opens unthreaded and starts the writer once privileges are
 * gone: records before and after go to the file in one chain. */
static void test_start_later(void **state)
{
	struct logsink *s = sink(path, false, LOGSINK_CLOSED, false);
	struct tally t;

	assert_int_equal(submit(s, 1), 0);
	assert_int_equal(logsink_start(s), 0);
	assert_int_equal(logsink_start(s), 0); /* once is enough */
	assert_int_equal(submit(s, 2), 0);
	assert_int_equal(logsink_flush(s, 10000), 0);
	logsink_close(s);
	t = tally(path, NULL);
	assert_int_equal(t.bad, 0);
	assert_int_equal(t.verdicts, 2);
	assert_int_equal(t.last_seq, 2);
	unlink(path);
}

static void test_reopen(void **state)
{
	char old[300];
	struct logsink *s = sink(path, true, LOGSINK_CLOSED, false);

	snprintf(old, sizeof(old), "%s.1", path);
	submit_all(s, 100);
	assert_int_equal(rename(path, old), 0);
	logsink_reopen(s);
	submit_all(s, 100);
	assert_int_equal(logsink_flush(s, 5000), 0);
	logsink_close(s);
	expect_chain(old, path, 1, 200);
	expect_chain(old, NULL, 1, 100);
	/* the new file's first record names its predecessor: verifiable */
	expect_chain(path, NULL, 101, 200);
	assert_true(first_has_prev(path));
	assert_false(first_has_prev(old));
	unlink(old);
	unlink(path);
}

/* Standard output, fsync policies, syslog: every kind of sink writes. */
static void test_kinds(void **state)
{
	struct logsink_opts o = {
		.target = path, .fsync = LOGSINK_FSYNC_EVERY, .resume = true};
	struct logsink *s;
	int saved = dup(STDOUT_FILENO), fd;

	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(saved >= 0 && fd >= 0);
	fflush(stdout);
	assert_int_equal(dup2(fd, STDOUT_FILENO), STDOUT_FILENO);
	close(fd);
	s = sink("-", false, LOGSINK_CLOSED, false);
	submit_all(s, 3);
	logsink_close(s);
	assert_int_equal(dup2(saved, STDOUT_FILENO), STDOUT_FILENO);
	close(saved);
	expect_chain(path, NULL, 1, 3);
	s = logsink_open(&o);
	assert_non_null(s);
	submit_all(s, 2);
	logsink_close(s);
	o.fsync = LOGSINK_FSYNC_INTERVAL;
	o.threaded = true;
	s = logsink_open(&o);
	assert_non_null(s);
	submit_all(s, 2);
	assert_int_equal(logsink_flush(s, 5000), 0);
	logsink_close(s);
	expect_chain(path, NULL, 1, 7);
	unlink(path);
	s = sink("syslog", true, LOGSINK_CLOSED, false);
	submit_all(s, 2);
	assert_int_equal(logsink_flush(s, 5000), 0);
	assert_int_equal(logsink_get_lost(s), 0);
	logsink_close(s);
}

/* A keyed sink: the chain verifies with its key, and only with it. */
static void test_keyed(void **state)
{
	struct logsink_opts o = {.target = path, .key = "k3y", .keylen = 3};
	struct logsink *s;
	struct tally t;

	unlink(path);
	s = logsink_open(&o);
	assert_non_null(s);
	submit_all(s, 5);
	logsink_close(s);
	t = tally_key(path, NULL, "k3y");
	assert_int_equal(t.bad, 0);
	assert_int_equal(t.records, 5);
	/* the first line already fails; what follows is read past it */
	t = tally_key(path, NULL, "k3z");
	assert_true(t.bad > 0);
	t = tally(path, NULL);
	assert_true(t.bad > 0);
	unlink(path);
}

static bool wait_can_accept(struct logsink *s, bool want)
{
	int i;

	for (i = 0; i < 300 && logsink_can_accept(s) != want; i++)
		usleep(10000);
	return logsink_can_accept(s) == want;
}

static void test_dev_full(void **state)
{
	struct logsink *s = sink("/dev/full", false, LOGSINK_CLOSED, false);

	assert_int_equal(submit(s, 1), -ENOSPC);
	assert_false(logsink_can_accept(s));
	assert_int_equal(logsink_get_lost(s), 1);
	logsink_close(s);
	s = sink("/dev/full", true, LOGSINK_CLOSED, false);
	assert_int_equal(submit(s, 1), 0); /* queued: not lost yet */
	assert_true(wait_can_accept(s, false));
	logsink_close(s); /* gives up: the queued record is counted */
	s = sink("/dev/full", true, LOGSINK_OPEN, false);
	assert_true(logsink_can_accept(s));
	while (submit(s, 1) != -ENOBUFS)
		;
	assert_true(logsink_can_accept(s));
	assert_true(logsink_get_lost(s) >= 1);
	logsink_close(s);
}

static size_t file_size(const char *file)
{
	struct stat st;

	return stat(file, &st) ? 0 : (size_t)st.st_size;
}

/* Group commit: once the wait returns, the records are in the file. */
static void test_wait(void **state)
{
	struct logsink *s = sink(path, true, LOGSINK_CLOSED, false);
	uint64_t t0 = logsink_ticket(s), t;
	size_t before = file_size(path);
	int i;

	assert_int_equal(logsink_wait(s, t0, 1000), 0); /* nothing pending */
	for (i = 0; i < 50; i++) {
		submit_all(s, i % 3 + 1);
		t = logsink_ticket(s);
		assert_true(t > t0);
		/* well inside the writer's linger: it writes at once */
		assert_int_equal(logsink_wait(s, t, 5000), 0);
		assert_int_equal(file_size(path) - before, t);
		t0 = t;
	}
	logsink_close(s);
	/* unthreaded: written by submit */
	s = sink(path, false, LOGSINK_CLOSED, true);
	submit_all(s, 1);
	assert_int_equal(logsink_wait(s, logsink_ticket(s), 0), 0);
	logsink_close(s);
}

/* A write that fails ends the wait at once, with an error. */
static void test_wait_fails(void **state)
{
	struct logsink *s = sink("/dev/full", true, LOGSINK_CLOSED, false);
	struct timespec a, b;

	submit_all(s, 1);
	clock_gettime(CLOCK_MONOTONIC, &a);
	assert_int_equal(logsink_wait(s, logsink_ticket(s), 5000), -EIO);
	clock_gettime(CLOCK_MONOTONIC, &b);
	assert_true(b.tv_sec - a.tv_sec < 3);
	logsink_close(s);
	s = sink("/dev/full", false, LOGSINK_CLOSED, false);
	assert_int_equal(submit(s, 1), -ENOSPC);
	assert_int_equal(logsink_wait(s, logsink_ticket(s), 100), -EIO);
	logsink_close(s);
}

static uint64_t led(struct logsink *s)
{
	uint64_t n;

	pthread_mutex_lock(&s->w.lock);
	n = s->led;
	pthread_mutex_unlock(&s->w.lock);
	return n;
}

/* Until the writer waits for work (up to 10 s): it may lead then. */
static void wait_idle(struct logsink *s)
{
	bool idle = false;
	int i;

	for (i = 0; i < 10000 && !idle; i++) {
		pthread_mutex_lock(&s->w.lock);
		idle = s->idle;
		pthread_mutex_unlock(&s->w.lock);
		if (!idle)
			usleep(1000);
	}
	assert_true(idle);
}

static struct logsink *sink_fsync(const char *target, enum logsink_fsync f)
{
	struct logsink_opts o = {.target = target,
				 .threaded = true,
				 .on_failure = LOGSINK_CLOSED,
				 .fsync = f,
				 .fsync_ms = 1,
				 .ring_size = 1};
	struct logsink *s = logsink_open(&o);

	assert_non_null(s);
	return s;
}

/*
 * Leader commit: a wait that finds the writer idle writes the records
 * itself, and they are in the file, whole and chained, when it returns.
 * The writer may be busy now and then (it lingers after the first line,
 * then looks): most waits lead, not every one.
 */
static void test_lead(void **state)
{
	enum logsink_fsync f[] = {LOGSINK_FSYNC_NONE, LOGSINK_FSYNC_INTERVAL};
	struct logsink *s;
	uint64_t t, n;
	int i, k;

	for (k = 0; k < 2; k++) {
		unlink(path);
		s = sink_fsync(path, f[k]);
		for (i = 0, n = 0; i < 50; i++) {
			if (i % 2)
				wait_idle(s);
			submit_all(s, i % 3 + 1);
			n += i % 3 + 1;
			t = logsink_ticket(s);
			assert_int_equal(logsink_wait(s, t, 5000), 0);
			assert_int_equal(file_size(path), t);
		}
		assert_true(led(s) >= 1);
		logsink_close(s);
		expect_chain(path, NULL, 1, n);
	}
	unlink(path);
}

/* With a sync after every write, the writer's batch shares one: no lead. */
static void test_lead_not_every(void **state)
{
	struct logsink *s;
	uint64_t t;
	int i;

	unlink(path);
	s = sink_fsync(path, LOGSINK_FSYNC_EVERY);
	for (i = 0; i < 20; i++) {
		wait_idle(s);
		submit_all(s, 1);
		t = logsink_ticket(s);
		assert_int_equal(logsink_wait(s, t, 5000), 0);
		assert_int_equal(file_size(path), t);
	}
	assert_int_equal(led(s), 0);
	logsink_close(s);
	unlink(path);
}

/*
 * A leader's write that fails: the wait says so at once, the sink fails
 * (the engine rejects), and the record stays queued, not lost, for the
 * writer to retry; given up at close, it is counted.
 */
static void test_lead_fails(void **state)
{
	struct logsink *s = sink("/dev/full", true, LOGSINK_CLOSED, false);
	int i;

	/* the writer lingers 10 ms after the first line, then writes it:
	 * a wait that comes later finds it busy, and waits for it */
	for (i = 0;; i++) {
		wait_idle(s);
		submit_all(s, 1);
		assert_int_equal(logsink_wait(s, logsink_ticket(s), 5000),
				 -EIO);
		assert_false(logsink_can_accept(s));
		assert_int_equal(logsink_get_lost(s), 0);
		if (led(s) || i == 20)
			break;
		logsink_close(s);
		s = sink("/dev/full", true, LOGSINK_CLOSED, false);
	}
	assert_int_equal(led(s), 1);
	logsink_close(s);
}

/*
 * At a reopen the writer switches files: the wait leaves it the writing,
 * and each record lands in its own file.
 */
static void test_lead_reopen(void **state)
{
	char old[300];
	struct logsink *s = sink(path, true, LOGSINK_CLOSED, false);
	uint64_t n;

	snprintf(old, sizeof(old), "%s.1", path);
	submit_all(s, 1);
	assert_int_equal(logsink_wait(s, logsink_ticket(s), 5000), 0);
	assert_int_equal(rename(path, old), 0);
	logsink_reopen(s);
	n = led(s);
	submit_all(s, 1);
	assert_int_equal(logsink_wait(s, logsink_ticket(s), 5000), 0);
	assert_int_equal(led(s), n);
	submit_all(s, 1);
	assert_int_equal(logsink_wait(s, logsink_ticket(s), 5000), 0);
	logsink_close(s);
	expect_chain(old, NULL, 1, 1);
	expect_chain(path, NULL, 2, 3);
	assert_true(first_has_prev(path));
	unlink(old);
	unlink(path);
}

static int submit_deferred(struct logsink *s, int64_t ts, char *buf,
			   struct logsink_pos *pos)
{
	struct record_event ev = {
		.type = RECORD_VERDICT, .ts_us = ts, .verdict = &verdict};

	return logsink_submit_deferred(s, &ev, buf, pos);
}

static bool same_file(const char *a, const char *b)
{
	char cmd[700];

	snprintf(cmd, sizeof(cmd), "cmp -s '%s' '%s'", a, b);
	return system(cmd) == 0;
}

/*
 * A deferred record is formatted outside the lock and numbered in place:
 * byte for byte what a plain submit writes, at every width of seq, mixed
 * with plain ones; its position names its seq and the ticket a wait
 * needs; a wait writes it, or a kick has the writer write it.
 */
static void test_deferred(void **state)
{
	char plain[300], *buf = malloc(RECORD_MAX);
	struct logsink *s = sink(path, true, LOGSINK_CLOSED, false);
	struct logsink_pos pos;
	int i;

	assert_non_null(buf);
	snprintf(plain, sizeof(plain), "%s.plain", path);
	for (i = 0; i < 1100; i++) {
		if (i % 3 == 0) {
			assert_int_equal(submit(s, i), 0);
			continue;
		}
		assert_int_equal(submit_deferred(s, i, buf, &pos), 0);
		assert_int_equal(pos.seq, i + 1);
		if (i % 5 == 0)
			logsink_kick(s);
		else if (i % 7 == 0)
			assert_int_equal(logsink_wait(s, pos.ticket, 5000), 0);
		if (i % 7 == 0 && i % 5)
			assert_true(file_size(path) >= pos.ticket);
	}
	assert_int_equal(logsink_flush(s, 5000), 0);
	logsink_close(s);
	s = sink(plain, true, LOGSINK_CLOSED, false);
	for (i = 0; i < 1100; i++)
		assert_int_equal(submit(s, i), 0);
	logsink_close(s);
	expect_chain(path, NULL, 1, 1100);
	assert_true(same_file(path, plain));
	unlink(plain);
	unlink(path);
	free(buf);
}

/*
 * Deferred records do not wake the writer; a kick does, and it writes
 * them.  The first record after a reopen takes the plain way (it names
 * its predecessor), and a wait for it is kept all the same.
 */
static void test_deferred_kick(void **state)
{
	char old[300], *buf = malloc(RECORD_MAX);
	struct logsink *s = sink(path, true, LOGSINK_CLOSED, false);
	struct logsink_pos pos;
	int i;

	assert_non_null(buf);
	snprintf(old, sizeof(old), "%s.1", path);
	wait_idle(s);
	for (i = 0; i < 3; i++)
		assert_int_equal(submit_deferred(s, i, buf, &pos), 0);
	usleep(100000);
	assert_int_equal(file_size(path), 0);
	logsink_kick(s);
	for (i = 0; i < 5000 && file_size(path) < pos.ticket; i++)
		usleep(1000);
	assert_int_equal(file_size(path), pos.ticket);
	assert_int_equal(rename(path, old), 0);
	logsink_reopen(s);
	for (i = 0; i < 2; i++)
		assert_int_equal(submit_deferred(s, i, buf, &pos), 0);
	assert_int_equal(pos.seq, 5);
	assert_int_equal(logsink_wait(s, pos.ticket, 5000), 0);
	logsink_close(s);
	expect_chain(old, NULL, 1, 3);
	expect_chain(path, NULL, 4, 5);
	assert_true(first_has_prev(path));
	unlink(old);
	unlink(path);
	free(buf);
}

/*
 * Fill a small tmpfs (larger than the ring, so that the backlog fits once
 * there is room), then make room: the log says what was lost.
 */
static const char *mount_small(char *mnt, size_t len)
{
	snprintf(mnt, len, "%s/mnt", dir);
	if (mkdir(mnt, 0700) && errno != EEXIST)
		return NULL;
	if (mount("nfjudge-test", mnt, "tmpfs", 0, "size=4m"))
		return NULL;
	return mnt;
}

static void fill(const char *file)
{
	static char block[4096];
	FILE *f = fopen(file, "w");

	assert_non_null(f);
	memset(block, 'x', sizeof(block));
	while (fwrite(block, 1, sizeof(block), f) == sizeof(block) &&
	       !fflush(f))
		;
	fclose(f);
}

static void disk_full(const char *mnt, enum logsink_failure mode, bool threaded,
		      struct tally *t, uint64_t *lost)
{
	char log[400], filler[400];
	struct logsink *s;
	int i, lost_now = 0;

	snprintf(log, sizeof(log), "%s/v.log", mnt);
	snprintf(filler, sizeof(filler), "%s/filler", mnt);
	unlink(log);
	s = sink(log, threaded, mode, false);
	submit_all(s, 10);
	assert_int_equal(logsink_flush(s, 5000), 0);
	fill(filler);
	/* enough to overflow the ring while the disk is full */
	for (i = 0; i < 20000; i++)
		lost_now += submit(s, i) != 0;
	assert_true(mode == LOGSINK_OPEN || wait_can_accept(s, false));
	unlink(filler);
	/* the writer retries on its own: the backlog goes out */
	assert_int_equal(logsink_flush(s, 5000), threaded ? 0 : -EIO);
	assert_true(logsink_can_accept(s) == (threaded || mode));
	assert_int_equal(submit(s, 99), 0);
	assert_int_equal(logsink_flush(s, 5000), 0);
	*lost = logsink_get_lost(s);
	assert_int_equal(*lost, lost_now);
	logsink_close(s);
	*t = tally(log, NULL);
}

static void test_disk_full(void **state)
{
	char mnt[300];
	struct tally t;
	uint64_t lost;
	int i;

	if (!mount_small(mnt, sizeof(mnt)))
		skip();
	for (i = 0; i < 4; i++) {
		disk_full(mnt, i & 1 ? LOGSINK_OPEN : LOGSINK_CLOSED, i & 2, &t,
			  &lost);
		assert_int_equal(t.bad, 0);
		assert_true(lost > 0);
		assert_true(t.errors >= 1);
		assert_int_equal(t.lost_reported, lost);
		/* every verdict is in the log or counted there as lost */
		assert_int_equal(t.verdicts + lost, 10 + 20000 + 1);
	}
	umount(mnt);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sync_and_resume),
		cmocka_unit_test(test_resume_broken),
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_start_later),
		cmocka_unit_test(test_ring_resident),
		cmocka_unit_test(test_reopen),
		cmocka_unit_test(test_kinds),
		cmocka_unit_test(test_keyed),
		cmocka_unit_test(test_dev_full),
		cmocka_unit_test(test_wait),
		cmocka_unit_test(test_wait_fails),
		cmocka_unit_test(test_lead),
		cmocka_unit_test(test_lead_not_every),
		cmocka_unit_test(test_lead_fails),
		cmocka_unit_test(test_lead_reopen),
		cmocka_unit_test(test_deferred),
		cmocka_unit_test(test_deferred_kick),
		cmocka_unit_test(test_disk_full),
	};

	return cmocka_run_group_tests_name("logsink", tests, setup, teardown);
}
