// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "record.h"
#include "runctl.h"
#include "timefmt.h"

void runctl_notify(const char *state)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	size_t len;
	int fd;

	if (!path || (path[0] != '/' && path[0] != '@'))
		return;
	len = strlen(path);
	if (len >= sizeof(sa.sun_path))
		return;
	memcpy(sa.sun_path, path, len);
	if (sa.sun_path[0] == '@')
		sa.sun_path[0] = '\0'; /* abstract namespace */
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	sendto(fd, state, strlen(state), MSG_NOSIGNAL, (struct sockaddr *)&sa,
	       (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len));
	close(fd);
}

void runctl_notify_reloading(void)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "RELOADING=1\nMONOTONIC_USEC=%lld",
		 (long long)timefmt_clock_us(CLOCK_MONOTONIC));
	runctl_notify(buf);
}

/* A whole decimal number, > 0; 0 for anything else. */
static uint64_t parse_positive(const char *s)
{
	unsigned long long v;
	char *end;

	if (!s || *s < '0' || *s > '9')
		return 0;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end)
		return 0;
	return v;
}

uint64_t runctl_watchdog_usec(void)
{
	const char *pid = getenv("WATCHDOG_PID");
	uint64_t usec = parse_positive(getenv("WATCHDOG_USEC"));

	/* Another process's interval (we were started by its child). */
	if (pid && parse_positive(pid) != (uint64_t)getpid())
		usec = 0;
	unsetenv("WATCHDOG_USEC");
	unsetenv("WATCHDOG_PID");
	return usec;
}

int runctl_write_pidfile(const char *path)
{
	char buf[32];
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	int n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid()), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, buf, (size_t)n) != n)
		ret = -errno;
	if (close(fd) && !ret)
		ret = -errno;
	return ret;
}

static void put_counter(FILE *f, const char *name, const char *help,
			const char *labels, uint64_t v)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s counter\n%s%s %" PRIu64 "\n", name,
		help, name, name, labels, v);
}

/* What the log says of the kernel's drops, and verdicts that came late. */
static void put_queues(FILE *f, const struct runctl_queue *q, int nq)
{
	int i;

	fprintf(f, "# HELP nfjudge_packets_lost_total Packets the kernel "
		   "dropped, as counted in lost records.\n"
		   "# TYPE nfjudge_packets_lost_total counter\n");
	for (i = 0; i < nq; i++)
		fprintf(f,
			"nfjudge_packets_lost_total{queue=\"%u\",lost=\"queue_"
			"dropped\"} %" PRIu64 "\n"
			"nfjudge_packets_lost_total{queue=\"%u\",lost=\"user_"
			"dropped\"} %" PRIu64 "\n",
			q[i].queue, q[i].lost_queue, q[i].queue,
			q[i].lost_user);
	fprintf(f, "# HELP nfjudge_verdicts_flushed_total Verdicts for "
		   "packets the kernel had already dropped (a hook removed).\n"
		   "# TYPE nfjudge_verdicts_flushed_total counter\n");
	for (i = 0; i < nq; i++)
		fprintf(f,
			"nfjudge_verdicts_flushed_total{queue=\"%u\"} %" PRIu64
			"\n",
			q[i].queue, q[i].flushed);
}

/* The fence's drops before the queue, as its log reader saw them. */
static void put_fence(FILE *f, const struct record_stats *st)
{
	put_counter(f, "nfjudge_fence_drops_total",
		    "Packets the fence dropped, each with a record.", "",
		    st->fenced);
	put_counter(f, "nfjudge_fence_lost_total",
		    "Fence drops known only by the gap they left in its log.",
		    "", st->fence_lost);
	put_counter(f, "nfjudge_fence_unreadable_total",
		    "Fence log messages that could not be parsed.", "",
		    st->fence_unreadable);
}

int runctl_write_metrics(const char *path, const struct record_stats *st,
			 const struct runctl_queue *q, int nq)
{
	char tmp[4096];
	FILE *f;
	int i;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "we");
	if (!f)
		return -errno;
	fprintf(f,
		"# HELP nfjudge_verdicts_total Flows judged, by the "
		"policy's verdict.\n# TYPE nfjudge_verdicts_total counter\n");
	fprintf(f, "nfjudge_verdicts_total{verdict=\"accept\"} %" PRIu64 "\n",
		st->accepted);
	fprintf(f, "nfjudge_verdicts_total{verdict=\"reject\"} %" PRIu64 "\n",
		st->rejected);
	fprintf(f, "nfjudge_verdicts_total{verdict=\"drop\"} %" PRIu64 "\n",
		st->dropped);
	put_counter(f, "nfjudge_packets_total", "Packets received.", "",
		    st->packets);
	put_counter(f, "nfjudge_errors_total",
		    "Packets that could not be judged or answered.", "",
		    st->errors);
	put_counter(f, "nfjudge_records_lost_total",
		    "Verdict records that could not be written.", "",
		    st->lost_records);
	put_fence(f, st);
	fprintf(f, "# HELP nfjudge_queue_dropped_total Packets the kernel "
		   "dropped: queue full or socket full.\n"
		   "# TYPE nfjudge_queue_dropped_total counter\n");
	for (i = 0; i < nq; i++)
		fprintf(f,
			"nfjudge_queue_dropped_total{queue=\"%u\",why=\"queue_"
			"full\"} %" PRIu64 "\n"
			"nfjudge_queue_dropped_total{queue=\"%u\",why=\"socket_"
			"full\"} %" PRIu64 "\n",
			q[i].queue, q[i].queue_dropped, q[i].queue,
			q[i].user_dropped);
	put_queues(f, q, nq);
	if (fclose(f) || rename(tmp, path)) {
		int err = -errno;

		unlink(tmp);
		return err;
	}
	return 0;
}
