// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target, differential: every line the fast path takes must be
 * read by jansson the same way: the chain fields, the gap counts and
 * every field the audit commands use, and the same verdict on validity.
 * A difference aborts.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "audit_rec.h"
#include "logfast.h"
#include "logread.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static void same_arec(const struct arec *x, const struct arec *y)
{
	if (!same_str(x->event_type, y->event_type) ||
	    !same_str(x->timestamp, y->timestamp) || x->ts_us != y->ts_us ||
	    x->verdict_rec != y->verdict_rec ||
	    !same_str(x->verdict, y->verdict) || !same_str(x->rule, y->rule) ||
	    !same_str(x->proto, y->proto) || !same_str(x->src_ip, y->src_ip) ||
	    !same_str(x->dest_ip, y->dest_ip) ||
	    !same_str(x->attribution, y->attribution) ||
	    x->ip_version != y->ip_version || x->src_port != y->src_port ||
	    x->dest_port != y->dest_port || x->has_proc != y->has_proc ||
	    !same_str(x->exe, y->exe) || !same_str(x->user, y->user) ||
	    x->pid != y->pid || x->uid != y->uid ||
	    (x->verdict_rec && memcmp(x->dst, y->dst, sizeof(x->dst))))
		abort();
}

static void same_rec(const struct logrec *x, const struct logrec *y)
{
	if (x->seq != y->seq || strcmp(x->chain, y->chain) ||
	    strcmp(x->prev_chain, y->prev_chain) ||
	    strcmp(x->event_type, y->event_type) ||
	    x->lost_packets != y->lost_packets ||
	    x->lost_records != y->lost_records || x->body_len != y->body_len)
		abort();
}

static void one(const char *line, size_t len, char *scratch)
{
	struct logrec fast, slow;
	struct arec fa, sa;
	struct logfast f;
	char ferr[256], serr[256];
	int fr, sr;

	if (logfast_parse(&f, line, len) ||
	    logread_rec_fast(&fast, &f, line, len))
		return; /* declined: jansson decides alone */
	if (logread_rec_parse(&slow, line, len, serr, sizeof(serr)))
		abort(); /* taken, but jansson refuses it */
	same_rec(&fast, &slow);
	fr = audit_rec_from_fast(&fa, &fast, &f, scratch, ferr, sizeof(ferr));
	sr = audit_rec_from(&sa, &slow, serr, sizeof(serr));
	if (fr != sr || (fr && strcmp(ferr, serr)))
		abort();
	if (!fr)
		same_arec(&fa, &sa);
	logread_rec_clear(&slow);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size, *nl;
	char *scratch = malloc(size + 64);

	while (scratch && p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		one(p, (size_t)(nl - p), scratch);
		p = nl + 1;
	}
	free(scratch);
	return 0;
}
