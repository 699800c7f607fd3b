// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The control socket's request parser.  Every field is checked for type
 * and length before use; anything not understood is refused whole, so a
 * request never half-applies.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include <jansson.h>

#include "ctlproto.h"
#include "flowfmt.h"

static const char *const cmd_names[] = {
	[CTL_STATUS] = "status",   [CTL_RELOAD] = "reload",
	[CTL_EXPLAIN] = "explain", [CTL_ALLOW] = "allow",
	[CTL_DENY] = "deny",	   [CTL_RULES] = "rules",
};

#define N_CMDS (sizeof(cmd_names) / sizeof(cmd_names[0]))

const char *ctlproto_cmd_name(enum ctlreq_cmd cmd)
{
	return (unsigned)cmd < N_CMDS ? cmd_names[cmd] : "?";
}

static int fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

int ctlproto_parse_ttl(const char *text, uint32_t *seconds)
{
	unsigned long long v, mul = 1;
	char *end;

	if (!text || !isdigit((unsigned char)*text))
		return -EINVAL;
	errno = 0;
	v = strtoull(text, &end, 10);
	if (errno || end - text > 9)
		return -EINVAL;
	if (*end == 'm')
		mul = 60;
	else if (*end == 'h')
		mul = 3600;
	else if (*end == 'd')
		mul = 86400;
	else if (*end && *end != 's')
		return -EINVAL;
	if (*end && end[1])
		return -EINVAL;
	if (v == 0 || v * mul > CTL_TTL_MAX)
		return -EINVAL;
	*seconds = (uint32_t)(v * mul);
	return 0;
}

static int parse_port(const char *s, uint16_t *port)
{
	char *end;
	unsigned long v;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > 65535)
		return -1;
	*port = (uint16_t)v;
	return 0;
}

int ctlproto_parse_endpoint(const char *text, uint8_t addr[16], uint16_t *port)
{
	char buf[64];
	const char *colon = strrchr(text, ':');
	size_t n = strlen(text);
	int v;

	*port = 0;
	if (n >= sizeof(buf))
		return 0;
	memcpy(buf, text, n + 1);
	v = flowfmt_parse_addr(buf, addr);
	if (v)
		return v; /* a bare address, either family */
	if (buf[0] == '[') {
		char *close = strchr(buf, ']');

		if (!close || close[1] != ':' || parse_port(close + 2, port))
			return 0;
		*close = '\0';
		v = flowfmt_parse_addr(buf + 1, addr);
		return v == 6 ? 6 : 0;
	}
	if (!colon)
		return 0;
	buf[colon - text] = '\0';
	if (parse_port(buf + (colon - text) + 1, port))
		return 0;
	v = flowfmt_parse_addr(buf, addr);
	return v == 4 ? 4 : 0;
}

/* A string member, or NULL when absent; -EINVAL when not a string that
 * fits in cap (with its NUL). */
static int get_str(json_t *o, const char *key, const char **out, size_t cap)
{
	json_t *v = json_object_get(o, key);

	*out = NULL;
	if (!v)
		return 0;
	if (!json_is_string(v) || json_string_length(v) >= cap ||
	    strlen(json_string_value(v)) != json_string_length(v))
		return -EINVAL;
	*out = json_string_value(v);
	return 0;
}

static int parse_proto(const char *s, uint8_t *proto)
{
	char up[16];
	size_t i;
	int p;

	for (i = 0; s[i] && i < sizeof(up) - 1; i++)
		up[i] = (char)toupper((unsigned char)s[i]);
	up[i] = '\0';
	if (s[i])
		return -1;
	if (!strcmp(up, "ICMPV6"))
		strcpy(up, "IPV6-ICMP");
	p = flowfmt_parse_proto(up);
	if (p < 0)
		return -1;
	*proto = (uint8_t)p;
	return 0;
}

static int parse_ends(json_t *o, struct flow *f, char *err, size_t errlen)
{
	const char *src, *dst;
	uint8_t a[16];
	int vs, vd;

	if (get_str(o, "src", &src, 64) || get_str(o, "dst", &dst, 64) ||
	    !src || !dst)
		return fail(err, errlen, "%s needs \"src\" and \"dst\"",
			    "explain");
	vs = ctlproto_parse_endpoint(src, f->src, &f->sport);
	if (!vs)
		return fail(err, errlen,
			    "src '%.64s': expected ADDR, ADDR:PORT or "
			    "[ADDR]:PORT",
			    src);
	vd = ctlproto_parse_endpoint(dst, a, &f->dport);
	if (!vd)
		return fail(err, errlen,
			    "dst '%.64s': expected ADDR, ADDR:PORT or "
			    "[ADDR]:PORT",
			    dst);
	if (vs != vd)
		return fail(err, errlen, "%s: src and dst differ in family",
			    "explain");
	memcpy(f->dst, a, sizeof(a));
	f->ip_version = (uint8_t)vs;
	return 0;
}

static int parse_explain(json_t *o, struct ctlreq *req, char *err,
			 size_t errlen)
{
	struct flow *f = &req->flow;
	const char *proto;
	json_t *pid = json_object_get(o, "pid");

	if (get_str(o, "proto", &proto, 16) || !proto ||
	    parse_proto(proto, &f->proto))
		return fail(err, errlen,
			    "%s needs \"proto\": tcp, udp, udplite, icmp, "
			    "icmpv6, sctp or a number",
			    "explain");
	if (parse_ends(o, f, err, errlen))
		return -EINVAL;
	f->has_ports = f->proto == IPPROTO_TCP || f->proto == IPPROTO_UDP ||
		       f->proto == IPPROTO_UDPLITE || f->proto == IPPROTO_SCTP;
	f->direction = FLOW_DIR_OUT;
	if (!pid)
		return 0;
	if (!json_is_integer(pid) || json_integer_value(pid) < 1 ||
	    json_integer_value(pid) > INT_MAX)
		return fail(err, errlen, "%s: \"pid\" must be a process id",
			    "explain");
	req->pid = (int)json_integer_value(pid);
	return 0;
}

static int parse_temp(json_t *o, struct ctlreq *req, char *err, size_t errlen)
{
	const char *rule, *ttl;

	if (get_str(o, "rule", &rule, sizeof(req->rule)) || !rule || !*rule)
		return fail(err, errlen,
			    "%s needs \"rule\": the matches of a policy rule",
			    ctlproto_cmd_name(req->cmd));
	/* one line of matches: no second statement, no comment */
	if (strpbrk(rule, "\n\r\\#"))
		return fail(err, errlen,
			    "%s: the rule is one line of matches (no newline, "
			    "'\\' or '#')",
			    ctlproto_cmd_name(req->cmd));
	if (get_str(o, "ttl", &ttl, 16) || ctlproto_parse_ttl(ttl, &req->ttl_s))
		return fail(err, errlen,
			    "%s needs \"ttl\": a duration such as 30s, 5m or "
			    "1h, at most 7d",
			    ctlproto_cmd_name(req->cmd));
	strcpy(req->rule, rule);
	return 0;
}

static int parse_cmd(json_t *o, struct ctlreq *req, char *err, size_t errlen)
{
	const char *cmd, *file;
	size_t i;

	if (get_str(o, "cmd", &cmd, 16) || !cmd)
		return fail(err, errlen, "expected a \"%s\" string", "cmd");
	for (i = 0; i < N_CMDS; i++)
		if (!strcmp(cmd, cmd_names[i]))
			break;
	if (i == N_CMDS)
		return fail(err, errlen,
			    "unknown command '%.16s' (status, reload, "
			    "explain, allow, deny, rules)",
			    cmd);
	req->cmd = (enum ctlreq_cmd)i;
	switch (req->cmd) {
	case CTL_RELOAD:
		if (get_str(o, "file", &file, sizeof(req->file)))
			return fail(err, errlen, "%s: bad \"file\"", "reload");
		if (file)
			strcpy(req->file, file);
		return 0;
	case CTL_EXPLAIN:
		return parse_explain(o, req, err, errlen);
	case CTL_ALLOW:
	case CTL_DENY:
		return parse_temp(o, req, err, errlen);
	default:
		return 0;
	}
}

int ctlproto_parse_request(const char *line, size_t len, struct ctlreq *req,
			   char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *o;
	int ret;

	memset(req, 0, sizeof(*req));
	if (len > CTLREQ_MAX)
		return fail(err, errlen, "request longer than %s bytes",
			    "4096");
	o = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!o)
		return fail(err, errlen, "not JSON: %.80s", jerr.text);
	if (!json_is_object(o))
		ret = fail(err, errlen, "expected a JSON %s", "object");
	else
		ret = parse_cmd(o, req, err, errlen);
	json_decref(o);
	return ret;
}
