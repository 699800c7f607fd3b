// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Writes a chained verdict log to standard output, for the audit tests:
 * mklog [-k KEYFILE] [-n COUNT] [-r SEQ] [-s] [-t SECONDS] [-v]  (-r: record
 * SEQ is the first after a reopen, so it names its predecessor in
 * prev_chain; -s: record 1 is a start record, as a daemon's log begins;
 * -t: timestamps later by SECONDS, so that two logs differ; -v: varied
 * executables and verdicts, for the benchmarks).
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chain.h"
#include "flow.h"
#include "flowfmt.h"
#include "record.h"

static char line[RECORD_MAX];

/* -v: many executables, all verdicts, some flows without a process. */
static bool varied;

static void vary(struct record_verdict *v, unsigned i)
{
	struct proc_info *p = (struct proc_info *)v->proc;

	snprintf(p->exe, sizeof(p->exe), "/usr/bin/tool%u", i % 37);
	snprintf(p->comm, sizeof(p->comm), "tool%u", i % 37);
	v->verdict = i % 3 ? VERDICT_ACCEPT : VERDICT_REJECT;
	if (i % 17 == 0)
		v->verdict = VERDICT_DROP;
	v->rule = v->verdict == VERDICT_ACCEPT ? "proxy" : "default";
	if (i % 11 == 0)
		v->proc = NULL;
}

static void fill(struct flow *f, struct proc_info *p, unsigned i)
{
	static const char argv[] = "curl\0-s\0https://example.com/\"q\"\0";

	memset(f, 0, sizeof(*f));
	f->ip_version = 4;
	f->proto = i % 3 ? 6 : 17;
	f->has_ports = true;
	flowfmt_parse_addr("10.0.0.2", f->src);
	flowfmt_parse_addr("93.184.216.34", f->dst);
	f->sport = (uint16_t)(40000 + i);
	f->dport = i % 3 ? 443 : 53;
	memset(p, 0, sizeof(*p));
	p->pid = (pid_t)(1000 + i);
	p->ppid = 1;
	strcpy(p->exe, "/usr/bin/curl");
	strcpy(p->comm, "curl");
	memcpy(p->cmdline, argv, sizeof(argv) - 1);
	p->cmdline_len = sizeof(argv) - 1;
}

/* The start record a daemon writes first. */
static int start(struct chain *chain, int64_t ts)
{
	struct record_start st = {.version = "test",
				  .policy = "embedded",
				  .mode = "enforce",
				  .queues = "0",
				  .output = "-",
				  .on_log_failure = "closed"};
	struct record_event ev = {
		.type = RECORD_START, .ts_us = ts, .start = &st};
	int len = record_emit(chain, line, sizeof(line), false, &ev);

	if (len < 0 || fwrite(line, 1, (size_t)len, stdout) != (size_t)len)
		return 1;
	return 0;
}

int main(int argc, char **argv)
{
	uint8_t key[CHAIN_KEY_MAX];
	unsigned long n = 10, reopen = 0, i;
	long long t0 = 1795867200000000LL;
	bool with_start = false;
	struct chain *chain = NULL;
	int c, len = 0;

	while ((c = getopt(argc, argv, "k:n:r:st:v")) != -1) {
		if (c == 'v')
			varied = true;
		if (c == 's')
			with_start = true;
		if (c == 't')
			t0 += strtoll(optarg, NULL, 10) * 1000000;
		if (c == 'k' && (len = chain_key_load(optarg, key)) < 0)
			return 2;
		if (c == 'n')
			n = strtoul(optarg, NULL, 10);
		if (c == 'r')
			reopen = strtoul(optarg, NULL, 10);
	}
	chain = len ? chain_new(key, (size_t)len) : chain_new(NULL, 0);
	if (chain && with_start && start(chain, t0))
		return 1;
	for (i = with_start ? 2 : 1; chain && i <= n; i++) {
		struct flow f;
		struct proc_info p;
		struct record_verdict v = {.flow = &f,
					   .proc = &p,
					   .rule = "default",
					   .attribution = ATTR_SOCKET,
					   .verdict = VERDICT_REJECT,
					   .enforced = true};
		struct record_event ev = {.type = RECORD_VERDICT,
					  .ts_us = t0 + (long long)i,
					  .verdict = &v};

		fill(&f, &p, (unsigned)i);
		if (varied)
			vary(&v, (unsigned)i);
		v.hint = record_hint(&f);
		len = record_emit(chain, line, sizeof(line), i == reopen, &ev);
		if (len < 0 ||
		    fwrite(line, 1, (size_t)len, stdout) != (size_t)len)
			return 1;
	}
	chain_free(chain);
	return chain ? 0 : 1;
}
