// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * How decision time grows with the size of an address list: one rule
 * "accept to CIDR, CIDR, ..." with 10, 1,000 and 100,000 random IPv4
 * networks, judged for random destinations.  Prints ns per decision and
 * the ratio to the 10-network case of the same run (best of ROUNDS).
 * Then what temporary rules (nfjudge ctl allow) in front of that policy
 * cost: 1, 8 and 32 of them that the flows do not match, against the
 * policy alone.
 */
#include "config.h"

#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctlrules.h"
#include "flow.h"
#include "policy.h"
#include "verdict.h"

#define LOOKUPS 1000000
#define ROUNDS	7
#define N_FLOWS 4096 /* distinct random destinations, reused in turn */

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint32_t rnd(void)
{
	rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(rng_state >> 32);
}

static char *cidr_policy(int n)
{
	size_t cap = (size_t)n * 20 + 64, len;
	char *text = malloc(cap);
	int i;

	if (!text)
		return NULL;
	len = (size_t)snprintf(text, cap, "accept to ");
	for (i = 0; i < n; i++) {
		int plen = 16 + (int)(rnd() % 17);
		uint32_t a = rnd() & ~(0xffffffffu >> plen);

		len += (size_t)snprintf(text + len, cap - len,
					"%s%u.%u.%u.%u/%d", i ? ", " : "",
					a >> 24, (a >> 16) & 255,
					(a >> 8) & 255, a & 255, plen);
	}
	snprintf(text + len, cap - len, " name listed\n");
	return text;
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void random_flows(struct flow *flows, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		uint32_t a = rnd();

		memset(&flows[i], 0, sizeof(flows[i]));
		flows[i].ip_version = 4;
		flows[i].proto = IPPROTO_TCP;
		flows[i].dst[0] = (uint8_t)(a >> 24);
		flows[i].dst[1] = (uint8_t)(a >> 16);
		flows[i].dst[2] = (uint8_t)(a >> 8);
		flows[i].dst[3] = (uint8_t)a;
		flows[i].dport = 443;
		flows[i].has_ports = true;
	}
}

/* One timed round of LOOKUPS decisions: ns per decision. */
static double round_ns(const struct policy *p, const struct flow *flows,
		       unsigned long *matched)
{
	struct policy_input in = {0};
	struct policy_decision d;
	double t0 = now_ns();
	long i;

	*matched = 0;
	for (i = 0; i < LOOKUPS; i++) {
		in.flow = &flows[i % N_FLOWS];
		policy_decide(p, &in, &d);
		*matched += !d.is_default;
	}
	return (now_ns() - t0) / LOOKUPS;
}

/*
 * The best of ROUNDS rounds, which is the least disturbed by whatever
 * else the machine runs; negative when the policy did not load.
 */
static double best_of(const struct policy *p, unsigned long *matched)
{
	static struct flow flows[N_FLOWS];
	double best = -1, ns;
	int r;

	random_flows(flows, N_FLOWS);
	for (r = 0; r < ROUNDS; r++) {
		ns = round_ns(p, flows, matched);
		if (best < 0 || ns < best)
			best = ns;
	}
	return best;
}

static struct policy *load(int n)
{
	char *text = cidr_policy(n);
	struct policy *p;

	p = text ? policy_parse(text, strlen(text), "bench", NULL) : NULL;
	free(text);
	return p;
}

static double measure(int n, unsigned long *matched)
{
	struct policy *p = load(n);
	double ns;

	if (!p)
		return -1;
	ns = best_of(p, matched);
	policy_free(p);
	return ns;
}

/* The 10-network policy behind n temporary rules; -1: did not load. */
static double measure_temps(int n, unsigned long *matched)
{
	static struct ctlrules t;
	struct policy *base = load(10), *p;
	char rule[64], err[256];
	double ns = -1;
	int i;

	memset(&t, 0, sizeof(t));
	for (i = 0; base && i < n; i++) {
		snprintf(rule, sizeof(rule), "proto tcp to 192.0.2.%d port 22",
			 i + 1);
		if (!ctlrules_add(&t, VERDICT_ACCEPT, rule, 60, 0, err,
				  sizeof(err)))
			goto out;
	}
	p = base ? ctlrules_compose(&t, base) : NULL;
	if (p)
		ns = best_of(p, matched);
	policy_free(p);
out:
	policy_free(base);
	return ns;
}

static int temps_table(void)
{
	static const int counts[] = {0, 1, 8, 32};
	unsigned long matched;
	double base = 0, ns;
	size_t i;

	printf("\n%-8s %12s %8s\n", "temps", "ns/decision", "ratio");
	for (i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
		ns = measure_temps(counts[i], &matched);
		if (ns < 0) {
			fprintf(stderr, "bench_policy: rules did not load\n");
			return 1;
		}
		if (i == 0)
			base = ns;
		printf("%-8d %12.1f %8.2f\n", counts[i], ns, ns / base);
	}
	return 0;
}

int main(void)
{
	static const int sizes[] = {10, 1000, 100000};
	unsigned long accepted;
	double base = 0, ns;
	size_t i;

	printf("%-8s %12s %8s %10s\n", "cidrs", "ns/decision", "ratio",
	       "matched");
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		ns = measure(sizes[i], &accepted);
		if (ns < 0) {
			fprintf(stderr, "bench_policy: policy did not load\n");
			return 1;
		}
		if (i == 0)
			base = ns;
		printf("%-8d %12.1f %8.2f %9.1f%%\n", sizes[i], ns, ns / base,
		       100.0 * (double)accepted / LOOKUPS);
	}
	return temps_table();
}
