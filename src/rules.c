// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The rules as iptables-restore text.  No I/O here, so the exact text is
 * checked by unit tests against golden copies.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fence.h"
#include "rules.h"

#define JUMP_RULE    "-A OUTPUT -j " RULES_CHAIN
#define JUMP_RULE_IN "-A INPUT -j " RULES_CHAIN_IN

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

/* The form "iptables -S" prints back, so a listing compares equal. */
static void mark_text(const struct rules_opts *o, char *buf, size_t len)
{
	if (o->mask == UINT32_MAX)
		snprintf(buf, len, "-m mark --mark 0x%x", o->mark);
	else
		snprintf(buf, len, "-m mark --mark 0x%x/0x%x", o->mark,
			 o->mask);
}

static void put_head(FILE *f, const char *chain, const char *match)
{
	fprintf(f, "-A %s%s%s", chain, *match ? " " : "", match);
}

/*
 * Marked packets are ours (premarked ones never get this far): TCP gets a
 * reset, anything else an ICMP error, both sent to the sandbox itself.
 */
static void put_rejects(FILE *f, const struct rules_opts *o,
			enum rules_family fam, const char *chain)
{
	char mark[48];

	mark_text(o, mark, sizeof(mark));
	fprintf(f, "-A %s -p tcp %s -j REJECT --reject-with tcp-reset\n", chain,
		mark);
	fprintf(f, "-A %s %s -j REJECT --reject-with %s\n", chain, mark,
		fam == RULES_IPV6 ? "icmp6-port-unreachable"
				  : "icmp-port-unreachable");
}

/*
 * RETURN, not ACCEPT: an exempt packet goes on through the rest of OUTPUT
 * as if nfjudge were not there.
 */
static void put_exempts(FILE *f, const struct rules_opts *o)
{
	size_t i;

	for (i = 0; i < o->n_exempt; i++)
		fprintf(f, "-A %s -m owner --uid-owner %u -j RETURN\n",
			RULES_CHAIN, o->exempt_uid[i]);
}

/* No --queue-bypass unless asked: with no reader the kernel drops. */
static void put_queue_target(FILE *f, const struct rules_opts *o)
{
	if (o->queue_first == o->queue_last)
		fprintf(f, " -j NFQUEUE --queue-num %u", o->queue_first);
	else
		fprintf(f, " -j NFQUEUE --queue-balance %u:%u", o->queue_first,
			o->queue_last);
	if (o->fail_open)
		fprintf(f, " --queue-bypass");
	if (o->queue_first != o->queue_last)
		fprintf(f, " --queue-cpu-fanout");
	fputc('\n', f);
}

/* A drop is logged first, with its reason, for the daemon to record. */
static void put_drop(FILE *f, const struct rules_opts *o, const char *chain,
		     const char *match, enum fence_class cls)
{
	put_head(f, chain, match);
	fprintf(f,
		" -j NFLOG --nflog-prefix \"" FENCE_PREFIX
		"%s\" --nflog-group %u --nflog-size %u\n",
		fence_reason(cls), o->nflog_group, RULES_NFLOG_SIZE);
	put_head(f, chain, match);
	fprintf(f, " -j DROP\n");
}

/* The daemon learns names from these; the packet goes on. */
static void put_log_dns(FILE *f, const struct rules_opts *o, const char *chain,
			const char *match)
{
	put_head(f, chain, match);
	fprintf(f,
		" -j NFLOG --nflog-prefix \"" RULES_DNS_PREFIX
		"\" --nflog-group %u --nflog-size %u\n",
		rules_dns_group(o), RULES_DNS_NFLOG_SIZE);
}

static void put_fence_rule(FILE *f, const struct rules_opts *o,
			   const char *chain, const char *match,
			   const struct fence_rule *r)
{
	enum fence_class cls = r->cls;

	if (r->flags & FENCE_F_LOG_DNS) {
		put_log_dns(f, o, chain, match);
	} else if (cls == FENCE_JUDGE) {
		put_head(f, chain, match);
		put_queue_target(f, o);
	} else if (cls == FENCE_PASS) {
		put_head(f, chain, match);
		fprintf(f, " -j RETURN\n");
	} else {
		put_drop(f, o, chain, match, cls);
	}
}

/* The rules of fence.h's table at one stage, in its order. */
static void put_fence(FILE *f, const struct rules_opts *o,
		      enum rules_family fam, enum fence_stage stage,
		      const char *chain)
{
	const struct fence_rule *r;
	char mark[48];
	const char *match;
	size_t i, n;

	r = fence_rules(&n);
	mark_text(o, mark, sizeof(mark));
	for (i = 0; i < n; i++) {
		if (r[i].stage != stage ||
		    ((r[i].flags & FENCE_F_NO_UDP) && !o->no_udp))
			continue;
		match = fam == RULES_IPV6 ? r[i].v6 : r[i].v4;
		if (r[i].flags & FENCE_F_MARK)
			match = mark;
		if (match)
			put_fence_rule(f, o, chain, match, &r[i]);
	}
}

static void put_jumps(FILE *f, const char *hook, const char *chain,
		      unsigned int now)
{
	unsigned int i;

	/* Delete and insert commit together: never zero jumps, nor two. */
	for (i = 0; i < now; i++)
		fprintf(f, "-D %s -j %s\n", hook, chain);
	fprintf(f, "-I %s 1 -j %s\n", hook, chain);
}

static void put_mangle(FILE *f, const struct rules_opts *o,
		       enum rules_family fam, const struct rules_state *now)
{
	fprintf(f, "*mangle\n:%s - [0:0]\n", RULES_CHAIN);
	put_fence(f, o, fam, FENCE_PREMARK, RULES_CHAIN);
	put_jumps(f, "OUTPUT", RULES_CHAIN, now->mangle_jumps);
	fprintf(f, "COMMIT\n");
}

static void put_filter(FILE *f, const struct rules_opts *o,
		       enum rules_family fam, const struct rules_state *now)
{
	fprintf(f, "*filter\n:%s - [0:0]\n:%s - [0:0]\n", RULES_CHAIN,
		RULES_CHAIN_IN);
	put_fence(f, o, fam, FENCE_OUT_EARLY, RULES_CHAIN);
	put_exempts(f, o);
	put_rejects(f, o, fam, RULES_CHAIN);
	put_fence(f, o, fam, FENCE_OUT_LATE, RULES_CHAIN);
	put_fence(f, o, fam, FENCE_IN_EARLY, RULES_CHAIN_IN);
	put_rejects(f, o, fam, RULES_CHAIN_IN);
	put_fence(f, o, fam, FENCE_IN_LATE, RULES_CHAIN_IN);
	put_jumps(f, "OUTPUT", RULES_CHAIN, now->jumps);
	put_jumps(f, "INPUT", RULES_CHAIN_IN, now->in_jumps);
	fprintf(f, "COMMIT\n");
}

/* Closes f and hands over its buffer, or frees it on a write error. */
static char *memstream_finish(FILE *f, char **buf)
{
	int bad = ferror(f);

	if (fclose(f) || bad) {
		free(*buf);
		errno = ENOMEM;
		return NULL;
	}
	return *buf;
}

char *rules_text_install(const struct rules_opts *o, enum rules_family fam,
			 const struct rules_state *now)
{
	char *buf = NULL, prog[32];
	size_t len;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	fprintf(f, "# nfjudge rules, %s: %s --noflush\n",
		fam == RULES_IPV6 ? "IPv6" : "IPv4",
		rules_program(fam, o->backend, true, prog, sizeof(prog)));
	put_mangle(f, o, fam, now);
	put_filter(f, o, fam, now);
	return memstream_finish(f, &buf);
}

static void put_remove_chain(FILE *f, bool chain, unsigned int jumps,
			     const char *hook, const char *name)
{
	unsigned int i;

	for (i = 0; i < jumps; i++)
		fprintf(f, "-D %s -j %s\n", hook, name);
	if (chain)
		fprintf(f, "-F %s\n-X %s\n", name, name);
}

/*
 * The filter table first: should its transaction fail (another chain
 * jumps to ours), the mangle drop of premarked packets stays with it.
 */
char *rules_text_remove(const struct rules_state *now)
{
	char *buf = NULL;
	size_t len;
	bool mangle = now->mangle_chain || now->mangle_jumps;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	if (!mangle || now->chain || now->jumps || now->in_chain ||
	    now->in_jumps) {
		fprintf(f, "*filter\n");
		put_remove_chain(f, now->chain, now->jumps, "OUTPUT",
				 RULES_CHAIN);
		put_remove_chain(f, now->in_chain, now->in_jumps, "INPUT",
				 RULES_CHAIN_IN);
		fprintf(f, "COMMIT\n");
	}
	if (mangle) {
		fprintf(f, "*mangle\n");
		put_remove_chain(f, now->mangle_chain, now->mangle_jumps,
				 "OUTPUT", RULES_CHAIN);
		fprintf(f, "COMMIT\n");
	}
	return memstream_finish(f, &buf);
}

/* Whether the line at p (up to a newline or NUL) is exactly want. */
static bool line_is(const char *p, const char *want)
{
	size_t n = strlen(want);

	return !strncmp(p, want, n) && (p[n] == '\n' || p[n] == '\0');
}

void rules_state_parse(const char *listing, struct rules_state *st)
{
	const char *p = listing;

	st->chain = st->in_chain = false;
	st->jumps = st->in_jumps = 0;
	while (p && *p) {
		if (line_is(p, "-N " RULES_CHAIN))
			st->chain = true;
		else if (line_is(p, "-N " RULES_CHAIN_IN))
			st->in_chain = true;
		else if (line_is(p, JUMP_RULE))
			st->jumps++;
		else if (line_is(p, JUMP_RULE_IN))
			st->in_jumps++;
		p = strchr(p, '\n');
		if (p)
			p++;
	}
}

void rules_state_parse_mangle(const char *listing, struct rules_state *st)
{
	const char *p = listing;

	st->mangle_chain = false;
	st->mangle_jumps = 0;
	while (p && *p) {
		if (line_is(p, "-N " RULES_CHAIN))
			st->mangle_chain = true;
		else if (line_is(p, JUMP_RULE))
			st->mangle_jumps++;
		p = strchr(p, '\n');
		if (p)
			p++;
	}
}

/* The next line of a text: its start, its length in *len; NULL at the end. */
static const char *next_line(const char **p, size_t *len)
{
	const char *line = *p;

	if (!line || !*line)
		return NULL;
	*len = strcspn(line, "\n");
	*p = line[*len] ? line + *len + 1 : line + *len;
	return line;
}

static bool starts(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && !memcmp(s, prefix, n);
}

/* The i-th line of listing that starts with prefix, or NULL. */
static const char *nth_with(const char *listing, const char *prefix, size_t i,
			    size_t *len)
{
	const char *p = listing, *line;

	while ((line = next_line(&p, len)))
		if (starts(line, *len, prefix) && i-- == 0)
			return line;
	return NULL;
}

static bool has_exact(const char *listing, const char *want, size_t wlen)
{
	const char *p = listing, *line;
	size_t len;

	while ((line = next_line(&p, &len)))
		if (len == wlen && !memcmp(line, want, len))
			return true;
	return false;
}

/*
 * One line of install's text against the listing: a declared chain must
 * be there, a jump must be its hook's first rule, rule k of a chain must
 * be the chain's k-th rule (*k counts them, per chain in turn).
 */
static bool line_holds(const char *listing, const char *line, size_t len,
		       char *chain, size_t *k)
{
	char want[64], name[32];
	const char *got;
	size_t glen;

	if (line[0] == ':') {
		snprintf(want, sizeof(want), "-N %.*s",
			 (int)strcspn(line + 1, " \n"), line + 1);
		return has_exact(listing, want, strlen(want));
	}
	if (sscanf(line, "-I %31s 1 -j", name) == 1) {
		snprintf(want, sizeof(want), "-A %s ", name);
		got = nth_with(listing, want, 0, &glen);
		snprintf(want, sizeof(want), "-A %s -j %.*s", name,
			 (int)(len - strlen(name) - 9),
			 line + strlen(name) + 9);
		return got && glen == strlen(want) && !memcmp(got, want, glen);
	}
	if (sscanf(line, "-A %31s", name) != 1)
		return true;
	if (strcmp(name, chain)) {
		snprintf(chain, 32, "%s", name);
		*k = 0;
	}
	snprintf(want, sizeof(want), "-A %s ", name);
	got = nth_with(listing, want, (*k)++, &glen);
	return got && glen == len && !memcmp(got, line, len);
}

static size_t count_with(const char *listing, const char *prefix)
{
	size_t n = 0, len;

	while (nth_with(listing, prefix, n, &len))
		n++;
	return n;
}

/* Every line of the table's section holds, and no rule was added. */
static bool section_intact(const char *text, const char *table,
			   const char *listing)
{
	char head[32], chain[32] = "";
	const char *p = text, *line;
	size_t len, k = 0, n = 0, n_in = 0;
	bool in = false, ok = true;

	snprintf(head, sizeof(head), "*%s", table);
	while (ok && (line = next_line(&p, &len))) {
		if (line[0] == '*') {
			in = len == strlen(head) && !memcmp(line, head, len);
		} else if (in && starts(line, len, "COMMIT")) {
			in = false;
		} else if (in) {
			ok = line_holds(listing, line, len, chain, &k);
			n += starts(line, len, "-A " RULES_CHAIN " ");
			n_in += starts(line, len, "-A " RULES_CHAIN_IN " ");
		}
	}
	return ok && n == count_with(listing, "-A " RULES_CHAIN " ") &&
	       n_in == count_with(listing, "-A " RULES_CHAIN_IN " ");
}

bool rules_listing_intact(const struct rules_opts *o, enum rules_family fam,
			  const char *table, const char *listing)
{
	static const struct rules_state none;
	char *text;
	bool ok;

	if (!listing)
		return false;
	text = rules_text_install(o, fam, &none);
	ok = text && section_intact(text, table, listing);
	free(text);
	return ok;
}

bool rules_state_any(const struct rules_state *st)
{
	return st->chain || st->jumps || st->in_chain || st->in_jumps ||
	       st->mangle_chain || st->mangle_jumps;
}

/* Line n (from 1) of text: its start, and its length in *len; or NULL. */
static const char *nth_line(const char *text, unsigned long n, size_t *len)
{
	while (text && *text && --n > 0) {
		text = strchr(text, '\n');
		if (text)
			text++;
	}
	if (!text || !*text || n)
		return NULL;
	*len = strcspn(text, "\n");
	return text;
}

/* N of the first "line N" or "line: N" in a tool's message, or 0. */
static unsigned long failed_line(const char *err)
{
	const char *p = err;
	unsigned long n;
	char *end;

	while ((p = strstr(p, "line")) != NULL) {
		p += 4;
		p += strspn(p, ": ");
		if (!isdigit((unsigned char)*p))
			continue;
		n = strtoul(p, &end, 10);
		if (n)
			return n;
	}
	return 0;
}

static void put_message_lines(FILE *f, const char *err)
{
	const char *sep = "", *p = err;
	size_t n;

	for (; *p; p += n + (p[n] == '\n')) {
		p += strspn(p, " \t\r");
		n = strcspn(p, "\n");
		while (n && strchr(" \t\r", p[n - 1]))
			n--;
		if (!n || !strncmp(p, "Try `", 5))
			continue;
		fprintf(f, "%s%.*s", sep, (int)n, p);
		sep = " ";
	}
}

char *rules_error_text(const char *err, const char *input)
{
	char *buf = NULL;
	size_t len, n;
	unsigned long line;
	const char *at;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	put_message_lines(f, err ? err : "");
	line = failed_line(err ? err : "");
	at = line ? nth_line(input, line, &n) : NULL;
	if (at)
		fprintf(f, " [input line %lu: %.*s]", line, (int)n, at);
	return memstream_finish(f, &buf);
}
