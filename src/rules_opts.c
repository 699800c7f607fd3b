// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The rules' options (queues, mark, backend, exempt uids, NFLOG group) from
 * the command line's strings, each checked whole, and the tool they name.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"

void rules_opts_init(struct rules_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->mark = RULES_MARK_DEFAULT;
	o->mask = RULES_MASK_DEFAULT;
	o->nflog_group = RULES_NFLOG_GROUP_DEFAULT;
}

/* Strict unsigned parse: digits only (base 0 also allows 0x), no sign. */
static int parse_u32(const char *s, size_t len, int base, uint32_t *out)
{
	char buf[24], *end;
	unsigned long long v;

	if (len == 0 || len >= sizeof(buf) || !isdigit((unsigned char)*s))
		return -EINVAL;
	memcpy(buf, s, len);
	buf[len] = '\0';
	errno = 0;
	v = strtoull(buf, &end, base);
	if (errno || *end || v > UINT32_MAX)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

int rules_opts_parse_queue(struct rules_opts *o, const char *s,
			   const char **why)
{
	const char *colon = strchr(s, ':');
	size_t n1 = colon ? (size_t)(colon - s) : strlen(s);
	uint32_t first, last;

	*why = "expected a queue number N or a range N:M, 0 to 65535, N <= M";
	if (parse_u32(s, n1, 10, &first))
		return -EINVAL;
	last = first;
	if (colon && parse_u32(colon + 1, strlen(colon + 1), 10, &last))
		return -EINVAL;
	if (first > UINT16_MAX || last > UINT16_MAX || first > last)
		return -EINVAL;
	o->queue_first = (uint16_t)first;
	o->queue_last = (uint16_t)last;
	*why = NULL;
	return 0;
}

int rules_opts_parse_mark(struct rules_opts *o, const char *s, const char **why)
{
	const char *slash = strchr(s, '/');
	struct rules_opts t = *o;

	*why = "expected VALUE/MASK, numbers up to 0xffffffff";
	if (!slash || parse_u32(s, (size_t)(slash - s), 0, &t.mark) ||
	    parse_u32(slash + 1, strlen(slash + 1), 0, &t.mask))
		return -EINVAL;
	if (rules_opts_check(&t, why))
		return -EINVAL;
	*o = t;
	return 0;
}

int rules_opts_parse_backend(struct rules_opts *o, const char *s,
			     const char **why)
{
	*why = NULL;
	if (!strcmp(s, "nft")) {
		o->backend = RULES_BACKEND_NFT;
	} else if (!strcmp(s, "legacy")) {
		o->backend = RULES_BACKEND_LEGACY;
	} else {
		*why = "expected nft or legacy";
		return -EINVAL;
	}
	return 0;
}

int rules_opts_add_exempt(struct rules_opts *o, const char *s, const char **why)
{
	uint32_t uid;

	*why = "expected a numeric uid below 4294967295";
	if (parse_u32(s, strlen(s), 10, &uid) || uid == UINT32_MAX)
		return -EINVAL;
	*why = "too many exempt uids (at most 16)";
	if (o->n_exempt >= RULES_MAX_EXEMPT)
		return -E2BIG;
	o->exempt_uid[o->n_exempt++] = uid;
	*why = NULL;
	return 0;
}

int rules_opts_parse_nflog_group(struct rules_opts *o, const char *s,
				 const char **why)
{
	uint32_t g;

	*why = "expected an NFLOG group number, 0 to 65535";
	if (parse_u32(s, strlen(s), 10, &g) || g > UINT16_MAX)
		return -EINVAL;
	o->nflog_group = (uint16_t)g;
	*why = NULL;
	return 0;
}

uint16_t rules_dns_group(const struct rules_opts *o)
{
	return o->nflog_group == UINT16_MAX ? UINT16_MAX - 1
					    : (uint16_t)(o->nflog_group + 1);
}

int rules_opts_check(const struct rules_opts *o, const char **why)
{
	*why = NULL;
	if (o->queue_first > o->queue_last)
		*why = "queue range N:M needs N <= M";
	else if (o->mask == 0)
		*why = "the mark's MASK must not be 0";
	else if (o->mark & ~o->mask)
		*why = "the mark's VALUE has bits outside its MASK";
	/* Every unmarked packet would match, and be rejected. */
	else if (o->mark == 0)
		*why = "the mark's VALUE must not be 0";
	else if (o->n_exempt > RULES_MAX_EXEMPT)
		*why = "too many exempt uids (at most 16)";
	else if ((unsigned int)o->backend > RULES_BACKEND_LEGACY)
		*why = "unknown iptables backend";
	return *why ? -EINVAL : 0;
}

const char *rules_program(enum rules_family fam, enum rules_backend be,
			  bool restore, char *buf, size_t len)
{
	const char *suffix = "";

	if (be == RULES_BACKEND_NFT)
		suffix = "-nft";
	else if (be == RULES_BACKEND_LEGACY)
		suffix = "-legacy";
	snprintf(buf, len, "%s%s%s",
		 fam == RULES_IPV6 ? "ip6tables" : "iptables", suffix,
		 restore ? "-restore" : "");
	return buf;
}
