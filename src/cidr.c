// SPDX-License-Identifier: GPL-2.0-or-later
/* Networks as options name them, and whether an address is in one. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cidr.h"
#include "flow.h"
#include "flowfmt.h"

static int cidr_parse(const char *s, size_t len, struct cidr *c)
{
	char buf[64], *slash, *end;
	long prefix;
	int v;

	if (len == 0 || len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, len);
	buf[len] = '\0';
	slash = strchr(buf, '/');
	if (slash)
		*slash = '\0';
	v = flowfmt_parse_addr(buf, c->addr);
	if (!v)
		return -EINVAL;
	c->version = (uint8_t)v;
	prefix = v == 4 ? 32 : 128;
	if (slash) {
		errno = 0;
		prefix = strtol(slash + 1, &end, 10);
		if (errno || end == slash + 1 || *end || prefix < 0 ||
		    prefix > (v == 4 ? 32 : 128))
			return -EINVAL;
	}
	c->prefix = (uint8_t)prefix;
	return 0;
}

int cidr_list_parse(const char *text, struct cidr_list *list)
{
	const char *p = text;

	for (;;) {
		size_t len;

		while (*p == ' ')
			p++;
		len = strcspn(p, ", ");
		if (list->n == CIDR_LIST_MAX ||
		    cidr_parse(p, len, &list->items[list->n]))
			return -EINVAL;
		list->n++;
		p += len;
		while (*p == ' ')
			p++;
		if (!*p)
			return 0;
		if (*p++ != ',')
			return -EINVAL;
	}
}

bool cidr_contains(const struct cidr *c, int version, const uint8_t *addr)
{
	unsigned full = c->prefix / 8, bits = c->prefix % 8;

	if (c->version != version || memcmp(c->addr, addr, full))
		return false;
	if (!bits)
		return true;
	return ((c->addr[full] ^ addr[full]) & (0xff << (8 - bits))) == 0;
}

bool cidr_list_contains(const struct cidr_list *list, const struct flow *f)
{
	size_t i;

	for (i = 0; i < list->n; i++)
		if (cidr_contains(&list->items[i], f->ip_version, f->src))
			return true;
	return false;
}
