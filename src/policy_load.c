// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Loading a policy: a file read whole into memory, or the embedded
 * default.  The parser itself never touches files.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "policy_int.h"

/* Larger than any policy a person writes; 100,000 CIDRs fit easily. */
#define POLICY_FILE_MAX (64u << 20)

static void report(const struct policy_parse_opts *opts, const char *file,
		   const char *msg)
{
	char line[1024];

	if (!opts || !opts->diag)
		return;
	snprintf(line, sizeof(line), "%s: %s", file, msg);
	opts->diag(opts->ctx, line);
}

static int read_fd(int fd, char **buf, size_t *len)
{
	size_t cap = 0, n = 0;
	char *b = NULL, *nb;
	ssize_t r;

	for (;;) {
		if (n == cap) {
			cap = cap ? cap * 2 : 65536;
			if (cap > POLICY_FILE_MAX)
				goto fail_big;
			nb = realloc(b, cap);
			if (!nb)
				goto fail;
			b = nb;
		}
		r = read(fd, b + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			goto fail;
		if (r == 0)
			break;
		n += (size_t)r;
	}
	*buf = b;
	*len = n;
	return 0;
fail_big:
	errno = EFBIG;
fail:
	free(b);
	return -errno;
}

static struct policy *load_file(const char *file,
				const struct policy_parse_opts *opts)
{
	struct policy *p = NULL;
	char *buf = NULL, msg[256];
	size_t len = 0;
	int fd, rc;

	fd = open(file, O_RDONLY | O_CLOEXEC);
	rc = fd < 0 ? -errno : read_fd(fd, &buf, &len);
	if (fd >= 0)
		close(fd);
	if (rc) {
		snprintf(msg, sizeof(msg), "cannot read: %s", strerror(-rc));
		report(opts, file, msg);
		errno = -rc;
		return NULL;
	}
	p = policy_parse(buf, len, file, opts);
	free(buf);
	return p;
}

struct policy *policy_load(const char *file,
			   const struct policy_default_opts *dflt,
			   const struct policy_parse_opts *opts)
{
	struct policy *p;
	char err[512];
	char *text;

	if (file)
		return load_file(file, opts);
	text = policy_default_text(dflt, err, sizeof(err));
	if (!text) {
		report(opts, "default policy", err);
		return NULL;
	}
	p = policy_parse(text, strlen(text), "default policy", opts);
	free(text);
	return p;
}

static void diag_to_stderr(void *ctx, const char *msg)
{
	fprintf(stderr, "%s\n", msg);
}

struct policy *policy_load_stderr(const char *file, const char *proxy)
{
	struct policy_default_opts dflt = {.proxy = proxy};
	struct policy_parse_opts popts = {.diag = diag_to_stderr};

	return policy_load(file, &dflt, &popts);
}
