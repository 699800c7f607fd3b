// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmdutil.h"
#include "flow.h"
#include "flowfmt.h"
#include "policy.h"

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

int cmdutil_lines_foreach(const char *path, cmdutil_lines_cb cb, void *ctx)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "re") : stdin;
	char *line = NULL, err[512];
	unsigned lineno = 0;
	size_t cap = 0;
	ssize_t n;
	int ret = 0;

	if (!f) {
		ret = -errno;
		fprintf(stderr, "nfjudge: %s: %s\n", path, strerror(errno));
		return ret;
	}
	while (!ret && (n = getline(&line, &cap, f)) >= 0) {
		lineno++;
		if (n > 0 && line[n - 1] == '\n')
			n--;
		ret = cb(ctx, line, (size_t)n, lineno, err, sizeof(err));
		if (ret)
			fprintf(stderr, "nfjudge: %s:%s\n", path, err);
	}
	if (!ret && ferror(f)) {
		ret = -EIO;
		fprintf(stderr, "nfjudge: %s: read error\n", path);
	}
	free(line);
	if (f != stdin)
		fclose(f);
	return ret;
}

static void diag_to_stderr(void *ctx, const char *msg)
{
	fprintf(stderr, "%s\n", msg);
}

struct policy *cmdutil_load_policy(const char *file, const char *proxy)
{
	struct policy_default_opts dflt = {.proxy = proxy};
	struct policy_parse_opts popts = {.diag = diag_to_stderr};

	return policy_load(file, &dflt, &popts);
}
