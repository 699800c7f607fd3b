// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The floor for the verify benchmark: read a log in the reader's blocks
 * and split its lines ("read"), or also hash on one core exactly the
 * bytes verify hashes, each record's body after the digest before it
 * ("hash").  No parse, no check: what verify cannot go below.
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "chain.h"
#include "logread.h"

#define FLOOR_LINES 8192

static struct lspan spans[FLOOR_LINES];

int main(int argc, char **argv)
{
	char prev[CHAIN_HEX + 1] = CHAIN_GENESIS, next[CHAIN_HEX + 1];
	struct chain *chain = chain_new(NULL, 0);
	unsigned long lines = 0;
	struct logread *lr;
	size_t n, i;
	bool hash;

	if (argc != 3 || (strcmp(argv[1], "read") && strcmp(argv[1], "hash"))) {
		fprintf(stderr, "usage: chain_floor read|hash LOG\n");
		return 2;
	}
	hash = !strcmp(argv[1], "hash");
	lr = logread_open(argv[2]);
	if (!lr || !chain) {
		perror(argv[2]);
		return 2;
	}
	while (logread_batch(lr, spans, FLOOR_LINES, &n) == LOGREAD_LINE) {
		for (i = 0; hash && i < n; i++) {
			if (spans[i].len < CHAIN_SUFFIX_LEN - 1 ||
			    chain_digest(chain, prev, spans[i].p,
					 spans[i].len - (CHAIN_SUFFIX_LEN - 1),
					 next))
				continue;
			memcpy(prev, next, sizeof(prev));
		}
		lines += n;
	}
	printf("%lu lines, last digest %s\n", lines, prev);
	logread_close(lr);
	chain_free(chain);
	return 0;
}
