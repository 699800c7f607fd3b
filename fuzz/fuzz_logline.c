// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: the input is a verdict log; every line goes through
 * the record parser and the chain check audit verify uses, and the whole
 * input through the tail reader a restarting writer uses.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "audit.h"
#include "chain.h"
#include "logread.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct chain *chain;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size, *nl;
	struct verify v = {0};
	char err[256], tail_chain[CHAIN_HEX + 1];
	struct logrec rec;
	uint64_t seq;

	if (!chain)
		chain = chain_new(NULL, 0);
	v.chain = chain;
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		if (!logread_rec_parse(&rec, p, (size_t)(nl - p), err,
				       sizeof(err))) {
			audit_verify_record(&v, &rec, p, err, sizeof(err));
			logread_rec_clear(&rec);
		}
		p = nl + 1;
	}
	audit_verify_done(&v);
	if (!logread_rec_tail((const char *)data, size, &seq, tail_chain) &&
	    strlen(tail_chain) != CHAIN_HEX)
		__builtin_trap();
	return 0;
}
