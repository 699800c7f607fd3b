// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What names for addresses add to a verdict: dnswatch_lookup() for a
 * destination with a name (hit) and without (miss), with the daemon's
 * tables (1024 names) empty and full, and a miss with the NFLOG socket
 * attached (as root, group 65000, nothing waiting), which reads it only
 * while a query is outstanding; and a query and its answer learned into
 * the full table, which holds the lock the look-ups take.  Prints ns per
 * operation and the ratio to one policy_decide() of a three-rule policy
 * in the same run (best of ROUNDS).
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "decode.h"
#include "dnswatch.h"
#include "flow.h"
#include "nflog.h"
#include "policy.h"

#define LOOKUPS 200000
#define ROUNDS	5
#define NAMES	1024

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* A UDP packet of a DNS message from src:sport to dst:dport. */
static size_t dns_packet(uint8_t *b, const uint8_t src[4], uint16_t sport,
			 const uint8_t dst[4], uint16_t dport, unsigned id,
			 int n, const uint8_t *answer)
{
	size_t len = 0, i;
	char label[16];
	int ll = snprintf(label, sizeof(label), "n%d", n);

	memset(b, 0, 28);
	len = 28;
	b[len++] = (uint8_t)(id >> 8);
	b[len++] = (uint8_t)id;
	b[len++] = answer ? 0x81 : 0x01;
	b[len++] = answer ? 0x80 : 0;
	memcpy(b + len, answer ? "\0\1\0\1\0\0\0\0" : "\0\1\0\0\0\0\0\0", 8);
	len += 8;
	b[len++] = (uint8_t)ll;
	memcpy(b + len, label, (size_t)ll);
	len += (size_t)ll;
	memcpy(b + len, "\4test\0\0\1\0\1", 10);
	len += 10;
	if (answer) {
		memcpy(b + len, "\xc0\x0c\0\1\0\1\0\0\x0e\x10\0\4", 12);
		len += 12;
		memcpy(b + len, answer, 4);
		len += 4;
	}
	b[0] = 0x45;
	b[2] = (uint8_t)(len >> 8);
	b[3] = (uint8_t)len;
	b[8] = 64;
	b[9] = 17;
	memcpy(b + 12, src, 4);
	memcpy(b + 16, dst, 4);
	i = len - 20;
	b[20] = (uint8_t)(sport >> 8);
	b[21] = (uint8_t)sport;
	b[22] = (uint8_t)(dport >> 8);
	b[23] = (uint8_t)dport;
	b[24] = (uint8_t)(i >> 8);
	b[25] = (uint8_t)i;
	return len;
}

static void fill(struct dnswatch *w, int first, int n)
{
	static const uint8_t client[4] = {10, 0, 0, 2},
			     server[4] = {10, 0, 0, 1};
	uint8_t pkt[256], addr[4] = {10, 9, 0, 0};
	struct flow f;
	size_t len;
	int i;

	for (i = first; i < first + n; i++) {
		len = dns_packet(pkt, client, 40000, server, 53, (unsigned)i, i,
				 NULL);
		decode_packet(pkt, len, DECODE_LINK_IP, &f);
		dnswatch_sent(w, &f, pkt, len, 0);
		addr[2] = (uint8_t)(i >> 8);
		addr[3] = (uint8_t)i;
		len = dns_packet(pkt, server, 53, client, 40000, (unsigned)i, i,
				 addr);
		dnswatch_received(w, pkt, len, 0);
	}
}

static double per_lookup(struct dnswatch *w, const uint8_t dst[4])
{
	struct dnsname_list out;
	struct flow f = {.ip_version = 4, .proto = 6, .has_ports = true};
	double best = 1e30, t;
	int r, i;

	memcpy(f.dst, dst, 4);
	for (r = 0; r < ROUNDS; r++) {
		t = now_ns();
		for (i = 0; i < LOOKUPS; i++)
			dnswatch_lookup(w, &f, 1, &out);
		t = (now_ns() - t) / LOOKUPS;
		best = t < best ? t : best;
	}
	return best;
}

/* New names into a full table: each pushes one out.  Best of ROUNDS. */
static double learn_full(void)
{
	double t, best = 1e30;
	struct dnswatch *w;
	int r;

	for (r = 0; r < ROUNDS; r++) {
		w = dnswatch_new(NAMES, 256);
		if (!w)
			return 0;
		fill(w, 0, NAMES);
		t = now_ns();
		fill(w, NAMES, NAMES);
		t = (now_ns() - t) / NAMES;
		best = t < best ? t : best;
		dnswatch_free(w);
	}
	return best;
}

static double per_decide(void)
{
	static const char text[] = "accept to 127.0.0.0/8 name loopback\n"
				   "accept proto tcp to 10.200.0.1 port 3128\n"
				   "reject to 169.254.169.254\n";
	struct policy *p = policy_parse(text, sizeof(text) - 1, "b", NULL);
	struct flow f = {.ip_version = 4, .proto = 6, .has_ports = true};
	struct policy_input in = {.flow = &f};
	struct policy_decision d;
	double best = 1e30, t;
	int r, i;

	f.dst[0] = 10;
	f.dport = 443;
	for (r = 0; r < ROUNDS; r++) {
		t = now_ns();
		for (i = 0; i < LOOKUPS; i++) {
			f.dst[3] = (uint8_t)i;
			policy_decide(p, &in, &d);
		}
		t = (now_ns() - t) / LOOKUPS;
		best = t < best ? t : best;
	}
	policy_free(p);
	return best;
}

int main(void)
{
	static const uint8_t hit[4] = {10, 9, 3, 255}, miss[4] = {10, 8, 0, 1};
	struct dnswatch *empty = dnswatch_new(NAMES, 256);
	struct dnswatch *full = dnswatch_new(NAMES, 256);
	double base = per_decide(), t;
	struct nflog *l;

	if (!empty || !full)
		return 1;
	fill(full, 0, NAMES);
	printf("policy_decide (3 rules)       %7.1f ns\n", base);
	t = learn_full();
	printf("query + answer, full table    %7.1f ns  %5.2fx\n", t, t / base);
	t = per_lookup(empty, miss);
	printf("lookup, empty table, miss     %7.1f ns  %5.2fx\n", t, t / base);
	t = per_lookup(full, miss);
	printf("lookup, %d names, miss      %7.1f ns  %5.2fx\n", NAMES, t,
	       t / base);
	t = per_lookup(full, hit);
	printf("lookup, %d names, hit       %7.1f ns  %5.2fx\n", NAMES, t,
	       t / base);
	l = nflog_open(65000, 4096, 1, 10);
	if (l) {
		dnswatch_attach(empty, l);
		t = per_lookup(empty, miss);
		printf("lookup, NFLOG, no query, miss %7.1f ns  %5.2fx\n", t,
		       t / base);
		fill(empty, 0, 1); /* a query kept: a miss reads the socket */
		t = per_lookup(empty, miss);
		printf("lookup, NFLOG, query, miss    %7.1f ns  %5.2fx\n", t,
		       t / base);
	}
	dnswatch_free(empty);
	dnswatch_free(full);
	return 0;
}
