// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for the queue socket's parser: the input is one
 * datagram as the kernel would send it to port 1.  A packet handed over
 * must lie inside the datagram, and nothing may crash or read past it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nfqueue.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct span {
	const uint8_t *p;
	size_t len;
};

static void on_packet(const struct nfqueue_packet *pkt, void *arg)
{
	const struct span *in = arg;
	volatile uint8_t sum = 0;
	size_t i;

	if (pkt->data < in->p || pkt->caplen > in->len ||
	    pkt->data + pkt->caplen > in->p + in->len)
		abort();
	for (i = 0; i < pkt->caplen; i++)
		sum += pkt->data[i];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nfqueue_stats st = {0};
	/* a copy, aligned as a receive buffer is */
	uint8_t *buf = malloc(size ? size : 1);
	struct span in = {buf, size};

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	nfqueue_parse(buf, size, 1, 0, on_packet, &in, &st);
	free(buf);
	return 0;
}
