// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Test helper: answer every packet on one NFQUEUE with a fixed verdict,
 * the way the daemon answers, so rules-live.sh can prove the rules work
 * with a reader bound.
 *
 * usage: nfq-verdict QUEUE accept|reject VALUE/MASK
 *
 * reject is what nfjudge does: set VALUE under MASK and NF_REPEAT, so the
 * packet meets the chain's REJECT rules.  Prints "ready" once bound; runs
 * until killed.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <linux/netfilter.h>
#include <libnetfilter_queue/libnetfilter_queue.h>

struct verdict_cfg {
	unsigned int verdict;
	uint32_t value;
	uint32_t mask;
};

static int answer(struct nfq_q_handle *qh, struct nfgenmsg *msg,
		  struct nfq_data *nfa, void *data)
{
	const struct verdict_cfg *cfg = data;
	struct nfqnl_msg_packet_hdr *ph = nfq_get_msg_packet_hdr(nfa);
	uint32_t mark;

	if (!ph)
		return -1;
	mark = (nfq_get_nfmark(nfa) & ~cfg->mask) | cfg->value;
	return nfq_set_verdict2(qh, ntohl(ph->packet_id), cfg->verdict, mark, 0,
				NULL);
}

static int parse_args(int argc, char **argv, uint16_t *queue,
		      struct verdict_cfg *cfg)
{
	char *slash;

	if (argc != 4 || !(slash = strchr(argv[3], '/')))
		return -1;
	*queue = (uint16_t)strtoul(argv[1], NULL, 0);
	cfg->value = (uint32_t)strtoul(argv[3], NULL, 0);
	cfg->mask = (uint32_t)strtoul(slash + 1, NULL, 0);
	if (!strcmp(argv[2], "accept"))
		cfg->verdict = NF_ACCEPT;
	else if (!strcmp(argv[2], "reject"))
		cfg->verdict = NF_REPEAT;
	else
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	struct verdict_cfg cfg;
	struct nfq_handle *h;
	struct nfq_q_handle *qh;
	char buf[65536] __attribute__((aligned));
	uint16_t queue;
	ssize_t n;

	if (parse_args(argc, argv, &queue, &cfg)) {
		fprintf(stderr, "usage: nfq-verdict QUEUE accept|reject "
				"VALUE/MASK\n");
		return 2;
	}
	h = nfq_open();
	qh = h ? nfq_create_queue(h, queue, answer, &cfg) : NULL;
	if (!qh || nfq_set_mode(qh, NFQNL_COPY_META, 0) < 0) {
		perror("nfq-verdict: cannot bind the queue");
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	while ((n = recv(nfq_fd(h), buf, sizeof(buf), 0)) >= 0 ||
	       errno == EINTR || errno == ENOBUFS)
		if (n > 0)
			nfq_handle_packet(h, buf, (int)n);
	perror("nfq-verdict: recv");
	return 1;
}
