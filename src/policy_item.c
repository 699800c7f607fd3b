// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Compiling one list item of a match: checking it, turning it into the
 * form the decision reads (bit masks, ranges), and keeping its canonical
 * text for printing.
 */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dnsname.h"
#include "policy_int.h"

#define Q PDIAG_QUOTE

static int keep_item(struct pmatch *m, const char *text)
{
	char **items = policy_lex_grow(m->items, m->n_items, &m->items_cap,
				       sizeof(*items));

	if (!items)
		return -ENOMEM;
	m->items = items;
	items[m->n_items] = strdup(text);
	if (!items[m->n_items])
		return -ENOMEM;
	m->n_items++;
	return 0;
}

static int bad(struct pparse *ps, const struct ptoken *t, const char *what,
	       const char *expected)
{
	policy_lex_error(&ps->diag, t->line, t->col, "invalid %s '%.*s'%s",
			 what, Q, t->text, expected);
	return 0;
}

static int compile_mask(struct pparse *ps, struct pmatch *m,
			const struct ptoken *t)
{
	static const char *const names[2][2] = {
		{"ipv4", "ipv6"},
		{"out", "in"},
	};
	const char *const *n = names[m->kind == PM_DIRECTION];
	int i;

	for (i = 0; i < 2; i++) {
		if (!strcmp(t->text, n[i])) {
			m->mask |= 1u << i;
			return keep_item(m, n[i]);
		}
	}
	if (m->kind == PM_DIRECTION)
		return bad(ps, t, "direction", " (expected out or in)");
	return bad(ps, t, "family", " (expected ipv4 or ipv6)");
}

/* The protocol names a policy may use, and their IP protocol numbers. */
static const struct {
	const char *name;
	uint8_t num;
} proto_names[] = {
	/* icmpv6 first: "icmp6" is as close to icmp, but means icmpv6 */
	{"tcp", 6},  {"udp", 17},   {"udplite", 136}, {"icmpv6", 58},
	{"icmp", 1}, {"sctp", 132}, {"gre", 47},
};

#define N_PROTO_NAMES (sizeof(proto_names) / sizeof(proto_names[0]))

static int bad_proto(struct pparse *ps, const struct ptoken *t)
{
	const char *words[N_PROTO_NAMES + 1], *hint;
	size_t i;

	for (i = 0; i < N_PROTO_NAMES; i++)
		words[i] = proto_names[i].name;
	words[i] = "any";
	hint = policy_lex_suggest(t->text, words, N_PROTO_NAMES + 1);
	if (hint)
		policy_lex_error(&ps->diag, t->line, t->col,
				 "invalid protocol '%.*s' (did you mean '%s'?)",
				 Q, t->text, hint);
	else
		bad(ps, t, "protocol",
		    " (expected tcp, udp, udplite, icmp, icmpv6, sctp, gre, "
		    "a number 0 to 255, or any)");
	return 0;
}

/* A name, a protocol number or any: a range of protocol numbers. */
static int compile_proto(struct pparse *ps, struct pmatch *m,
			 const struct ptoken *t)
{
	long lo = policy_item_num(t->text, strlen(t->text), 255), hi = lo;
	char buf[8];
	size_t i;

	for (i = 0; lo < 0 && i < N_PROTO_NAMES; i++)
		if (!strcmp(t->text, proto_names[i].name))
			lo = hi = proto_names[i].num;
	if (lo < 0 && !strcmp(t->text, "any")) {
		lo = 0;
		hi = 255;
	}
	if (lo < 0)
		return bad_proto(ps, t);
	if (rangeset_add(&m->set[0], (rangeset_key)lo, (rangeset_key)hi))
		return -ENOMEM;
	if (t->text[0] >= '0' && t->text[0] <= '9') {
		snprintf(buf, sizeof(buf), "%ld", lo);
		return keep_item(m, buf);
	}
	return keep_item(m, t->text);
}

/* A prefix length: 1 to 3 decimal digits, at most max. */
static int parse_prefix(const char *s, int max)
{
	size_t n = strspn(s, "0123456789");
	int v;

	if (n == 0 || n > 3 || s[n])
		return -1;
	v = atoi(s);
	return v <= max ? v : -1;
}

static int parse_cidr(const char *text, uint8_t addr[16], int *version,
		      int *plen)
{
	char buf[INET6_ADDRSTRLEN + 8];
	const char *slash = strchr(text, '/');
	size_t alen = slash ? (size_t)(slash - text) : strlen(text);

	if (alen >= INET6_ADDRSTRLEN)
		return -EINVAL;
	memcpy(buf, text, alen);
	buf[alen] = '\0';
	memset(addr, 0, 16);
	if (inet_pton(AF_INET, buf, addr) == 1)
		*version = 4;
	else if (inet_pton(AF_INET6, buf, addr) == 1)
		*version = 6;
	else
		return -EINVAL;
	*plen = *version == 4 ? 32 : 128;
	if (slash)
		*plen = parse_prefix(slash + 1, *plen);
	return *plen < 0 ? -EINVAL : 0;
}

static int add_cidr(struct pmatch *m, uint8_t addr[16], int version, int plen)
{
	int bits = version == 4 ? 32 : 128, i;
	char buf[INET6_ADDRSTRLEN + 8];
	rangeset_key lo, hi, host;
	size_t off;

	/* mask the host bits, so that 10.0.0.1/8 means 10.0.0.0/8 */
	for (i = plen; i < bits; i++)
		addr[i / 8] &= (uint8_t) ~(0x80 >> (i % 8));
	lo = rangeset_key_from(addr, (size_t)bits / 8);
	/* a shift by the key's full width would be undefined */
	host = bits - plen == 128 ? ~(rangeset_key)0
				  : ((rangeset_key)1 << (bits - plen)) - 1;
	hi = lo | host;
	if (rangeset_add(&m->set[version == 6], lo, hi))
		return -ENOMEM;
	inet_ntop(version == 4 ? AF_INET : AF_INET6, addr, buf, sizeof(buf));
	off = strlen(buf);
	if (plen != bits)
		snprintf(buf + off, sizeof(buf) - off, "/%d", plen);
	return keep_item(m, buf);
}

static int compile_addr(struct pparse *ps, struct pmatch *m,
			const struct ptoken *t)
{
	uint8_t addr[16];
	int version, plen;

	if (parse_cidr(t->text, addr, &version, &plen) == 0)
		return add_cidr(m, addr, version, plen);
	if (strchr(t->text, '/'))
		return bad(ps, t, "CIDR", "");
	return bad(ps, t, "address", " (expected ADDR or CIDR)");
}

long policy_item_num(const char *s, size_t n, long max)
{
	long v = 0;
	size_t i;

	if (n == 0 || n > 10)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v <= max ? v : -1;
}

static int compile_port(struct pparse *ps, struct pmatch *m,
			const struct ptoken *t)
{
	const char *dash = strchr(t->text, '-');
	size_t n = dash ? (size_t)(dash - t->text) : strlen(t->text);
	long lo = policy_item_num(t->text, n, 65535), hi = lo;
	char buf[48]; /* room for any two longs */

	if (dash)
		hi = policy_item_num(dash + 1, strlen(dash + 1), 65535);
	if (lo < 0 || hi < 0)
		return bad(ps, t, "port", " (expected N or N-M, 0 to 65535)");
	if (hi < lo) {
		policy_lex_error(&ps->diag, t->line, t->col,
				 "port range %ld-%ld is reversed", lo, hi);
		return 0;
	}
	if (rangeset_add(&m->set[0], (rangeset_key)lo, (rangeset_key)hi))
		return -ENOMEM;
	if (lo == hi)
		snprintf(buf, sizeof(buf), "%ld", lo);
	else
		snprintf(buf, sizeof(buf), "%ld-%ld", lo, hi);
	return keep_item(m, buf);
}

static int system_user(void *ctx, const char *name, uid_t *uid)
{
	struct passwd pw, *res = NULL;
	char buf[4096];

	if (getpwnam_r(name, &pw, buf, sizeof(buf), &res) || !res)
		return -ENOENT;
	*uid = res->pw_uid;
	return 0;
}

static int system_group(void *ctx, const char *name, gid_t *gid)
{
	struct group gr, *res = NULL;
	char buf[16384];

	if (getgrnam_r(name, &gr, buf, sizeof(buf), &res) || !res)
		return -ENOENT;
	*gid = res->gr_gid;
	return 0;
}

static int lookup_id(struct pparse *ps, bool group, const char *name, long *id)
{
	const struct policy_parse_opts *o = ps->diag.opts;
	void *ctx = o ? o->ctx : NULL;
	uid_t uid;
	gid_t gid;

	if (group) {
		if ((o && o->group_lookup ? o->group_lookup
					  : system_group)(ctx, name, &gid))
			return -ENOENT;
		*id = (long)gid;
		return 0;
	}
	if ((o && o->user_lookup ? o->user_lookup : system_user)(ctx, name,
								 &uid))
		return -ENOENT;
	*id = (long)uid;
	return 0;
}

static int compile_id(struct pparse *ps, struct pmatch *m,
		      const struct ptoken *t)
{
	bool group = m->kind == PM_GROUP;
	const char *what = group ? "group" : "user";
	long id = policy_item_num(t->text, strlen(t->text), 4294967294L);

	if (id < 0 && t->text[strspn(t->text, "0123456789")] == '\0')
		return bad(ps, t, what,
			   " (a numeric id must be below 4294967295)");
	if (id < 0 && lookup_id(ps, group, t->text, &id)) {
		policy_lex_error(&ps->diag, t->line, t->col,
				 "unknown %s '%.*s'", what, Q, t->text);
		return 0;
	}
	if (rangeset_add(&m->set[0], (rangeset_key)id, (rangeset_key)id))
		return -ENOMEM;
	return keep_item(m, t->text);
}

static int compile_glob(struct pparse *ps, struct pmatch *m,
			const struct ptoken *t)
{
	if (!t->text[0]) {
		policy_lex_error(&ps->diag, t->line, t->col, "empty pattern");
		return 0;
	}
	return keep_item(m, t->text);
}

/*
 * A name pattern, kept in lower case as names are (RFC 4343), without the
 * root's trailing dot, which learned names never carry.
 */
static int compile_host(struct pparse *ps, struct pmatch *m,
			const struct ptoken *t)
{
	char pat[DNSNAME_NAME_MAX];
	size_t i, n = strlen(t->text);

	if (!n || n >= sizeof(pat))
		return bad(ps, t, "host",
			   " (a name pattern of 1 to 255 characters)");
	if (t->text[n - 1] == '.')
		return bad(ps, t, "host",
			   " (names are written without the trailing '.')");
	for (i = 0; i <= n; i++)
		pat[i] = (char)tolower((unsigned char)t->text[i]);
	return keep_item(m, pat);
}

/* A SHA-256 digest: 64 hex digits, kept in lowercase. */
static int compile_sha256(struct pparse *ps, struct pmatch *m,
			  const struct ptoken *t)
{
	char hex[65];
	size_t i, n = strlen(t->text);

	if (n != 64)
		return bad(ps, t, "exe-sha256", " (64 hex digits)");
	for (i = 0; i < n; i++) {
		char c = t->text[i];

		if (c >= 'A' && c <= 'F')
			c = (char)(c - 'A' + 'a');
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return bad(ps, t, "exe-sha256", " (64 hex digits)");
		hex[i] = c;
	}
	hex[n] = '\0';
	return keep_item(m, hex);
}

int policy_item_compile(struct pparse *ps, struct pmatch *m,
			const struct ptoken *t)
{
	switch (m->kind) {
	case PM_PROTO:
		return compile_proto(ps, m, t);
	case PM_FAMILY:
	case PM_DIRECTION:
		return compile_mask(ps, m, t);
	case PM_TO:
	case PM_FROM:
		return compile_addr(ps, m, t);
	case PM_PORT:
		return compile_port(ps, m, t);
	case PM_USER:
	case PM_GROUP:
		return compile_id(ps, m, t);
	case PM_EXE_SHA256:
		return compile_sha256(ps, m, t);
	case PM_HOST:
		return compile_host(ps, m, t);
	default:
		return compile_glob(ps, m, t);
	}
}

void policy_item_finish(struct pmatch *m)
{
	rangeset_finish(&m->set[0]);
	rangeset_finish(&m->set[1]);
}
