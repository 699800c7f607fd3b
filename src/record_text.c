// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The text inside a record's strings: JSON escaping that keeps every byte
 * a program gave us (invalid UTF-8 as the text \xNN), and the hint that
 * tells the program's user what to do instead.
 */
#include "config.h"

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "flow.h"
#include "record.h"

/* Length of the well-formed UTF-8 sequence at s (RFC 3629), 0 if none. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len, i;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4;
	else
		return 0;
	/* the second byte excludes overlong forms, surrogates, > U+10FFFF */
	if (s[0] == 0xe0)
		lo = 0xa0;
	else if (s[0] == 0xed)
		hi = 0x9f;
	else if (s[0] == 0xf0)
		lo = 0x90;
	else if (s[0] == 0xf4)
		hi = 0x8f;
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

static size_t escape_put(char *dst, size_t cap, size_t at, const char *s,
			 size_t n)
{
	if (at <= cap && cap - at >= n)
		memcpy(dst + at, s, n);
	return at + n;
}

static bool json_plain(unsigned char c)
{
	return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
}

/* The escape for one byte that is neither plain nor part of UTF-8. */
static size_t escape_byte(unsigned char c, char esc[6])
{
	static const char hex[] = "0123456789abcdef";
	size_t n;

	if (c == '"' || c == '\\') {
		esc[0] = '\\';
		esc[1] = (char)c;
		return 2;
	}
	if (c < 0x80) { /* control character or DEL */
		memcpy(esc, "\\u00", 4);
		n = 6;
	} else { /* not UTF-8: the text \xNN */
		memcpy(esc, "\\\\x", 3);
		n = 5;
	}
	esc[n - 2] = hex[c >> 4];
	esc[n - 1] = hex[c & 0xf];
	return n;
}

size_t record_escape(char *dst, size_t cap, const char *src, size_t len)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t i = 0, out = 0, n;
	char esc[6];

	while (i < len) {
		/* runs of plain bytes are copied in one go */
		for (n = i; n < len && json_plain(s[n]); n++)
			;
		out = escape_put(dst, cap, out, src + i, n - i);
		if (n == len)
			break;
		i = n;
		n = s[i] >= 0x80 ? utf8_len(s + i, len - i) : 0;
		if (n)
			out = escape_put(dst, cap, out, src + i, n);
		else
			out = escape_put(dst, cap, out, esc,
					 escape_byte(s[i], esc));
		i += n ? n : 1;
	}
	return out;
}

#define HINT_ONLY_TCP "only TCP through the proxy reaches the outside"

const char *record_hint(const struct flow *flow)
{
	if (flow->direction == FLOW_DIR_IN)
		return "flows the outside opens are refused: a rule with "
		       "'direction in' admits them";
	switch (flow->proto) {
	case 6:
		return "direct connections are refused: use the proxy "
		       "(HTTPS_PROXY/HTTP_PROXY); Node.js: set "
		       "NODE_USE_ENV_PROXY=1";
	case 17:
	case 136:
		if (flow->has_ports && flow->dport == 53)
			return "DNS must use the proxy's resolver: point "
			       "/etc/resolv.conf at the resolver the sandbox "
			       "provides";
		return flow->proto == 17 ? "UDP cannot pass the HTTP "
					   "proxy: " HINT_ONLY_TCP
					 : "UDP-Lite cannot pass the HTTP "
					   "proxy: " HINT_ONLY_TCP;
	case 1:
	case 58:
		return "ICMP (ping) cannot pass the HTTP proxy: " HINT_ONLY_TCP;
	default:
		return "this protocol cannot pass the HTTP "
		       "proxy: " HINT_ONLY_TCP;
	}
}
