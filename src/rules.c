// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The rules as iptables-restore text.  No I/O here, so the exact text is
 * checked by unit tests against golden copies.  The options are parsed in
 * rules_opts.c, the tool's listings read in rules_listing.c.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fence.h"
#include "rules.h"

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
