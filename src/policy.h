/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFJUDGE_POLICY_H
#define NFJUDGE_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

struct flow;
struct proc_info;
struct policy;
struct policy_ref;

/*
 * How to parse.  Every diagnostic reaches diag as one line of text,
 * "FILE:LINE:COL: message" with no newline, so that callers choose where
 * it goes and tests can compare it.  The lookups resolve user and group
 * names at load (0 or -ENOENT); NULL means the system's getpwnam_r(3) and
 * getgrnam_r(3).  A NULL opts discards the diagnostics.
 */
struct policy_parse_opts {
	void (*diag)(void *ctx, const char *msg);
	int (*user_lookup)(void *ctx, const char *name, uid_t *uid);
	int (*group_lookup)(void *ctx, const char *name, gid_t *gid);
	void *ctx;
};

/*
 * Compile the policy text[0..len).  On any error, every error in the text
 * is reported and NULL is returned with errno EINVAL (ENOMEM when memory
 * ran out).  The result is immutable; it holds one reference.
 */
struct policy *policy_parse(const char *text, size_t len, const char *filename,
			    const struct policy_parse_opts *opts);

/* Take another reference, for another thread or holder. */
struct policy *policy_hold(struct policy *p);

/* Drop a reference; the last one frees the policy.  NULL is fine. */
void policy_free(struct policy *p);

/*
 * What a decision reads.  proc is NULL when no owning process is known;
 * have_owner says whether uid/gid (the socket's owner) are known, which
 * they can be without a process.
 */
struct policy_input {
	const struct flow *flow;
	const struct proc_info *proc;
	bool have_owner;
	uid_t uid;
	gid_t gid;
	/* the names learned for the destination (a host match), or none */
	const char *const *names;
	size_t n_names;
};

/* The rule that decided.  Strings live as long as the policy. */
struct policy_decision {
	int verdict;	    /* enum verdict */
	const char *rule;   /* the rule's name, "default" for the default */
	unsigned line;	    /* the rule's line, 0 for the default */
	const char *reason; /* NULL when the rule has none */
	bool is_default;
};

/*
 * First matching rule wins, else the default.  Allocates nothing and
 * writes nothing but *d, so threads may decide on one policy at once.
 */
void policy_decide(const struct policy *p, const struct policy_input *in,
		   struct policy_decision *d);

/* True for "set mode audit": judge and log, but accept every packet. */
bool policy_audit_mode(const struct policy *p);

/*
 * Does a rule read what a process could fake (exe, comm, cmdline,
 * ancestor)?  Only then must attribution find every holder of a socket.
 */
bool policy_needs_holders(const struct policy *p);

/* Number of rules, not counting the default. */
size_t policy_rule_count(const struct policy *p);

/*
 * Write the policy in canonical form: lists expanded, addresses masked,
 * values normalised.  The output parses back to the same policy and prints
 * the same again.
 */
void policy_print(const struct policy *p, FILE *out);

/*
 * A swappable current policy for a daemon: workers take a reference with
 * policy_ref_get and drop it with policy_ref_put; a reload installs a new
 * policy with policy_ref_set.  The old policy is freed only once no
 * worker holds it.  policy_ref_new takes over the caller's reference.
 */
struct policy_ref *policy_ref_new(struct policy *p);
struct policy *policy_ref_get(struct policy_ref *ref);
void policy_ref_put(struct policy *p);
void policy_ref_set(struct policy_ref *ref, struct policy *p);
void policy_ref_free(struct policy_ref *ref);

/*
 * Rules in front of a policy: front's rules (their line numbers made 0)
 * are tried first, then base decides, default and mode included.  Takes
 * over the caller's reference to front, holds a reference to base, and
 * returns front.
 */
struct policy *policy_overlay(struct policy *front, struct policy *base);

/*
 * Why a decision: for each rule tried, in order, match() for each of its
 * matches (its text and whether it holds alone), then rule() with the
 * rule's outcome; it stops after the rule that decides, which may be
 * "default".  Pure like policy_decide.
 */
struct policy_explain_cb {
	void (*match)(void *ctx, const char *text, bool holds);
	void (*rule)(void *ctx, const char *name, unsigned line, int verdict,
		     bool holds);
	void *ctx;
};
void policy_explain(const struct policy *p, const struct policy_input *in,
		    const struct policy_explain_cb *cb);

/*
 * The embedded default policy (SPEC §3): reject all but loopback and the
 * proxy.  proxy is HOST:PORT or a URL; NULL takes it from HTTPS_PROXY,
 * https_proxy, HTTP_PROXY, http_proxy, ALL_PROXY (the first set and not
 * empty).  resolve turns a host name into a ", "-separated list of
 * addresses (0 or -errno); NULL means getaddrinfo(3).
 */
struct policy_default_opts {
	const char *proxy;
	int (*resolve)(void *ctx, const char *host, char *out, size_t len);
	void *ctx;
};

/*
 * The default policy as policy-language text (malloc'ed), so that it is
 * compiled and shown like any file.  NULL with errno set and a message in
 * err when the proxy cannot be used.
 */
char *policy_default_text(const struct policy_default_opts *opts, char *err,
			  size_t errlen);

/*
 * Where a proxy URL or HOST:PORT points.  host is the bare host (no
 * brackets).  0, or -EINVAL when spec is not a usable proxy.
 */
struct policy_proxy {
	char host[256];
	unsigned port;
};
int policy_proxy_parse(const char *spec, struct policy_proxy *out);

/*
 * Load a policy file (read whole, then parsed), or with file NULL the
 * embedded default.  A file that cannot be read is reported through
 * opts->diag like a parse error.  NULL on error.
 */
struct policy *policy_load(const char *file,
			   const struct policy_default_opts *dflt,
			   const struct policy_parse_opts *opts);

/*
 * policy_load with the default's proxy (NULL: from the environment) and
 * every diagnostic on stderr, as the subcommands report them.
 */
struct policy *policy_load_stderr(const char *file, const char *proxy);

#endif
