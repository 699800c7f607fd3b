// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Records per second: formatting and chaining alone, and through the
 * sink to a file (unthreaded, and threaded until flushed), each against a
 * plain buffered fwrite(3) of lines of the same length, in the same run.
 * bench_record [COUNT] [DIR]
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "chain.h"
#include "flow.h"
#include "flowfmt.h"
#include "logsink.h"
#include "ocsfsink.h"
#include "record.h"

static char line[RECORD_MAX];
static struct flow flow;
static struct proc_info proc;
static struct record_verdict verdict = {
	.flow = &flow,
	.proc = &proc,
	.verdict = VERDICT_REJECT,
	.rule = "default",
	.live = true,
	.attribution = ATTR_SOCKET,
	.community_id = "1:LQU9qZlK+B5F3KDmev6m5PMibrg="};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void setup(void)
{
	static const char argv[] = "node\0/srv/app/server.js\0--port\0"
				   "8080\0";

	flow.ip_version = 4;
	flow.proto = 6;
	flow.has_ports = true;
	flowfmt_parse_addr("10.200.0.7", flow.src);
	flowfmt_parse_addr("140.82.112.3", flow.dst);
	flow.sport = 51234;
	flow.dport = 443;
	proc.pid = 31337;
	proc.ppid = 31000;
	proc.uid = proc.gid = 1000;
	strcpy(proc.user, "app");
	strcpy(proc.exe, "/usr/bin/node");
	strcpy(proc.comm, "node");
	memcpy(proc.cmdline, argv, sizeof(argv) - 1);
	proc.cmdline_len = sizeof(argv) - 1;
	strcpy(proc.cgroup, "/system.slice/app.service");
	strcpy(proc.start_time, "2026-11-28T11:00:00.000000Z");
	proc.n_ancestors = 2;
	proc.ancestors[0].pid = 31000;
	strcpy(proc.ancestors[0].exe, "/usr/bin/bash");
	strcpy(proc.ancestors[0].comm, "bash");
	proc.ancestors[1].pid = 1;
	strcpy(proc.ancestors[1].exe, "/usr/lib/systemd/systemd");
	strcpy(proc.ancestors[1].comm, "systemd");
	verdict.hint = record_hint(&flow);
}

static struct record_event event(long i)
{
	struct record_event ev = {.type = RECORD_VERDICT,
				  .ts_us = 1795867200000000LL + i,
				  .verdict = &verdict};

	verdict.packet_id = (uint32_t)i;
	return ev;
}

static double bench_format(long n, int *len)
{
	struct chain *c = chain_new(NULL, 0);
	double t0 = now();
	long i;

	for (i = 0; i < n; i++) {
		struct record_event ev = event(i);

		*len = record_emit(c, line, sizeof(line), false, &ev);
	}
	chain_free(c);
	return n / (now() - t0);
}

static double bench_fwrite(const char *path, long n, int len)
{
	FILE *f = fopen(path, "w");
	double t0 = now();
	long i;

	if (!f)
		return 0;
	memset(line, 'x', (size_t)len - 1);
	line[len - 1] = '\n';
	for (i = 0; i < n; i++)
		fwrite(line, 1, (size_t)len, f);
	fclose(f);
	return n / (now() - t0);
}

/*
 * Records per second through a sink, until all are written; *submitted
 * gets the rate at which submit returned, which is what delays verdicts.
 * With ocsf, the sink also feeds an OCSF stream (run --ocsf) to that file,
 * and "written" includes its events.
 */
static double bench_sink(const char *path, long n, bool threaded,
			 const char *ocsf, double *submitted)
{
	struct logsink_opts o = {.target = path,
				 .threaded = threaded,
				 .on_failure = LOGSINK_CLOSED,
				 .ring_size = 64u << 20};
	struct ocsfsink *os = NULL;
	struct logsink *s;
	double t0;
	long i, lost = 0;

	unlink(path);
	if (ocsf) {
		unlink(ocsf);
		os = ocsfsink_open(ocsf);
		if (!os || ocsfsink_start(os))
			return 0;
		o.tee = ocsfsink_line;
		o.tee_ctx = os;
	}
	s = logsink_open(&o);
	if (!s)
		return 0;
	t0 = now();
	for (i = 0; i < n; i++) {
		struct record_event ev = event(i);

		/* a full ring: wait for the writer, as the engine may not */
		while (logsink_submit(s, &ev)) {
			lost++;
			usleep(50);
		}
	}
	*submitted = n / (now() - t0);
	logsink_flush(s, 60000);
	logsink_close(s);
	if (os && ocsfsink_dropped(os))
		printf("  (%llu records had no OCSF event)\n",
		       (unsigned long long)ocsfsink_dropped(os));
	ocsfsink_close(os);
	t0 = n / (now() - t0);
	if (ocsf)
		unlink(ocsf);
	if (lost)
		printf("  (%ld submissions found the ring full)\n", lost);
	return t0;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 200000;
	const char *dir = argc > 2 ? argv[2] : "/tmp";
	char path[4096], base[4096], ocsf[4096];
	double fmt, raw, sync, thr, sub, tee, tee_sub;
	int len = 0;

	setup();
	snprintf(path, sizeof(path), "%s/bench-record-%d.log", dir, getpid());
	snprintf(base, sizeof(base), "%s/bench-fwrite-%d.log", dir, getpid());
	snprintf(ocsf, sizeof(ocsf), "%s/bench-ocsf-%d.log", dir, getpid());
	fmt = bench_format(n, &len);
	raw = bench_fwrite(base, n, len);
	sync = bench_sink(path, n, false, NULL, &sub);
	thr = bench_sink(path, n, true, NULL, &sub);
	tee = bench_sink(path, n, true, ocsf, &tee_sub);
	unlink(path);
	unlink(base);
	printf("bench_record: %ld records of %d bytes\n", n, len);
	printf("  format+chain only     %10.0f records/s\n", fmt);
	printf("  fwrite, same length   %10.0f lines/s\n", raw);
	printf("  sink, unthreaded      %10.0f records/s  (%.2f x fwrite)\n",
	       sync, sync / raw);
	printf("  sink, writer thread   %10.0f records/s  (%.2f x fwrite)\n",
	       thr, thr / raw);
	printf("    of which submit     %10.0f records/s  (%.2f us each)\n",
	       sub, 1e6 / sub);
	printf("  with the OCSF stream  %10.0f records/s  (%.2f x without)\n",
	       tee, tee / thr);
	printf("    of which submit     %10.0f records/s  (%.2f us each, "
	       "%.2f x without)\n",
	       tee_sub, 1e6 / tee_sub, tee_sub / sub);
	return raw > 0 && sync > 0 && thr > 0 && tee > 0 ? 0 : 1;
}
