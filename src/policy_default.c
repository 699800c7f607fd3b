// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The embedded default policy (reject all but loopback and the proxy),
 * generated as policy text so that it is compiled, checked and shown
 * exactly like a file; and loading a policy from a file or the default.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "policy_int.h"

static const char *const proxy_vars[] = {
	"HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY",
};

#define N_PROXY_VARS (sizeof(proxy_vars) / sizeof(proxy_vars[0]))

/* The port a scheme implies when the URL names none; -1 for none. */
static long scheme_port(const char *spec, size_t n)
{
	if (n == 4 && !strncasecmp(spec, "http", 4))
		return 80;
	if (n == 5 && !strncasecmp(spec, "https", 5))
		return 443;
	return -1;
}

/* Split "host:port", "[v6]:port", "host" or a bare IPv6 address. */
static int split_hostport(const char *s, size_t n, struct policy_proxy *out,
			  long dport)
{
	const char *host = s, *colon = NULL, *end = s + n;
	size_t hlen = n;
	long port = dport;

	if (n && s[0] == '[') {
		const char *rb = memchr(s, ']', n);

		if (!rb || (rb + 1 < end && rb[1] != ':'))
			return -EINVAL;
		host = s + 1;
		hlen = (size_t)(rb - host);
		colon = rb + 1 < end ? rb + 1 : NULL;
	} else if ((colon = memchr(s, ':', n)) &&
		   memchr(colon + 1, ':', (size_t)(end - colon - 1))) {
		colon = NULL; /* an IPv6 address without brackets or port */
	} else if (colon) {
		hlen = (size_t)(colon - s);
	}
	if (colon)
		port = policy_item_num(colon + 1, (size_t)(end - colon - 1),
				       65535);
	if (port <= 0 || hlen == 0 || hlen >= sizeof(out->host) ||
	    strspn(host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			 "0123456789.-_:%") < hlen)
		return -EINVAL;
	memcpy(out->host, host, hlen);
	out->host[hlen] = '\0';
	out->port = (unsigned)port;
	return 0;
}

int policy_proxy_parse(const char *spec, struct policy_proxy *out)
{
	const char *s = spec, *sep = strstr(spec, "://"), *at;
	long dport = -1;
	size_t n;

	if (sep) {
		dport = scheme_port(spec, (size_t)(sep - spec));
		s = sep + 3;
	}
	n = strcspn(s, "/?#");
	/* user:password@ -- the last @ ends it, a password may hold one */
	for (at = s; (at = memchr(at, '@', n - (size_t)(at - s))); at++) {
		n -= (size_t)(at + 1 - s);
		s = at + 1;
	}
	return split_hostport(s, n, out, dport);
}

/* The numeric form of one address, without an IPv6 zone. */
static int numeric_host(const struct addrinfo *ai, char *buf, size_t len)
{
	if ((ai->ai_family != AF_INET && ai->ai_family != AF_INET6) ||
	    getnameinfo(ai->ai_addr, ai->ai_addrlen, buf, (socklen_t)len, NULL,
			0, NI_NUMERICHOST))
		return -EINVAL;
	buf[strcspn(buf, "%")] = '\0';
	return 0;
}

static bool in_list(const char *list, const char *addr)
{
	size_t n = strlen(addr);
	const char *p;

	for (p = list; (p = strstr(p, addr)); p += n)
		if ((p == list || p[-1] == ' ') && (!p[n] || p[n] == ','))
			return true;
	return false;
}

static int system_resolve(void *ctx, const char *host, char *out, size_t len)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res, *ai;
	char addr[NI_MAXHOST];
	size_t used = 0;

	if (getaddrinfo(host, NULL, &hints, &res))
		return -ENOENT;
	out[0] = '\0';
	for (ai = res; ai && used < len; ai = ai->ai_next) {
		if (numeric_host(ai, addr, sizeof(addr)) || in_list(out, addr))
			continue;
		used += (size_t)snprintf(out + used, len - used, "%s%s",
					 used ? ", " : "", addr);
	}
	freeaddrinfo(res);
	return used && used < len ? 0 : -ENOENT;
}

/* The proxy's addresses, as a policy list. */
static int proxy_addrs(const struct policy_default_opts *o,
		       const struct policy_proxy *px, char *out, size_t len)
{
	uint8_t buf[16];

	if (inet_pton(AF_INET, px->host, buf) == 1 ||
	    inet_pton(AF_INET6, px->host, buf) == 1) {
		snprintf(out, len, "%s", px->host);
		return 0;
	}
	if (o && o->resolve)
		return o->resolve(o->ctx, px->host, out, len);
	return system_resolve(NULL, px->host, out, len);
}

static const char *proxy_from_env(const char **var)
{
	size_t i;

	for (i = 0; i < N_PROXY_VARS; i++) {
		const char *v = getenv(proxy_vars[i]);

		if (v && *v) {
			*var = proxy_vars[i];
			return v;
		}
	}
	return NULL;
}

static const char head[] =
	"# The embedded default policy: reject everything but loopback and\n"
	"# the proxy, inbound as outbound.  See nfjudge.conf(5).\n";

static char *text_without_proxy(void)
{
	char *t = NULL;

	if (asprintf(&t,
		     "%s# No proxy is configured (--proxy, HTTPS_PROXY, "
		     "https_proxy, HTTP_PROXY,\n# http_proxy, ALL_PROXY): "
		     "only loopback is accepted.\nset default reject\n"
		     "accept direction out, in to 127.0.0.0/8, ::1 name "
		     "loopback\n",
		     head) < 0)
		return NULL;
	return t;
}

static char *text_with_proxy(const struct policy_proxy *px, const char *from,
			     const char *addrs)
{
	char *t = NULL;

	if (asprintf(&t,
		     "%s# Proxy: %s port %u, from %s.\nset default reject\n"
		     "define proxy = %s\n"
		     "accept direction out, in to 127.0.0.0/8, ::1 name "
		     "loopback\n"
		     "accept proto tcp to $proxy port %u name proxy\n",
		     head, px->host, px->port, from, addrs, px->port) < 0)
		return NULL;
	return t;
}

char *policy_default_text(const struct policy_default_opts *opts, char *err,
			  size_t errlen)
{
	const char *var = "--proxy", *spec = opts ? opts->proxy : NULL;
	struct policy_proxy px;
	char addrs[1024];
	char *t;

	if (!spec)
		spec = proxy_from_env(&var);
	if (!spec) {
		t = text_without_proxy();
		goto out;
	}
	if (policy_proxy_parse(spec, &px)) {
		/* the value may hold a password: do not repeat it */
		snprintf(err, errlen, "%s: not a proxy URL or HOST:PORT", var);
		errno = EINVAL;
		return NULL;
	}
	if (proxy_addrs(opts, &px, addrs, sizeof(addrs))) {
		snprintf(err, errlen, "%s: cannot resolve proxy host '%s'", var,
			 px.host);
		errno = ENOENT;
		return NULL;
	}
	t = text_with_proxy(&px, var, addrs);
out:
	if (!t)
		snprintf(err, errlen, "out of memory");
	return t;
}
