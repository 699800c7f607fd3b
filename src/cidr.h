/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFJUDGE_CIDR_H
#define NFJUDGE_CIDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct flow;

#define CIDR_LIST_MAX 64

struct cidr {
	uint8_t addr[16];
	uint8_t version;
	uint8_t prefix;
};

/* A short list of networks, as options take them ("10.0.0.0/8,fd00::/8"). */
struct cidr_list {
	struct cidr items[CIDR_LIST_MAX];
	size_t n;
};

/* Append the comma-separated networks of text.  0 or -EINVAL. */
int cidr_list_parse(const char *text, struct cidr_list *list);

/* True when the flow's source address is in one of the networks. */
bool cidr_list_contains(const struct cidr_list *list, const struct flow *f);

/* True when addr (of the given version) is in the network. */
bool cidr_contains(const struct cidr *c, int version, const uint8_t *addr);

#endif
