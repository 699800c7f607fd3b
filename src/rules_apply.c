// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Runs iptables(8) and iptables-restore(8) to install or remove the rules.
 *
 * Each change is one "iptables-restore --noflush" transaction, atomic on
 * both backends: it commits whole or not at all.  What it must delete (the
 * jumps already in OUTPUT) is read just before with "iptables -S"; a
 * "-D" of a rule that is not there fails the whole transaction.
 *
 * XXX: between that listing and the commit another program may change
 * OUTPUT.  If it removed our jump, our transaction fails and changes
 * nothing; if a second nfjudge installs at the same moment, both may insert
 * a jump, and OUTPUT holds two until the next install or remove, which
 * delete every exact copy.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "rules.h"
#include "spawn.h"

#define PROG_LEN 32
/*
 * Wait for the xtables lock (legacy; nft ignores it) rather than fail at
 * once, but not for ever: a daemon starting up must not hang on it.
 */
#define RULES_WAIT "--wait=10"

/*
 * Runs argv with input; 0 when it exits 0.  On failure logs the tool's
 * stderr; *out (if asked for) is the tool's stdout on success.
 */
static int run_tool(const char *const argv[], const char *input, char **out)
{
	char *err = NULL, *msg;
	int status, ret;

	ret = spawn_run(argv, input, out, &err, &status);
	if (ret) {
		errno = -ret;
		log_warn("cannot run %s", argv[0]);
		goto out;
	}
	if (status) {
		msg = rules_error_text(err, input);
		log_warnx("%s failed (exit status %d): %s", argv[0], status,
			  msg && *msg ? msg : "(no message)");
		free(msg);
		ret = -EIO;
		if (out) {
			free(*out);
			*out = NULL;
		}
	}
out:
	free(err);
	return ret;
}

static int table_list(const struct rules_opts *o, enum rules_family fam,
		      const char *table, char **listing)
{
	char prog[PROG_LEN];
	const char *argv[] = {prog, RULES_WAIT, "-t", table, "-S", NULL};

	rules_program(fam, o->backend, false, prog, sizeof(prog));
	return run_tool(argv, NULL, listing);
}

static int state_read(const struct rules_opts *o, enum rules_family fam,
		      struct rules_state *st)
{
	char *listing = NULL;
	int ret;

	ret = table_list(o, fam, "filter", &listing);
	if (!ret)
		rules_state_parse(listing, st);
	free(listing);
	listing = NULL;
	if (!ret)
		ret = table_list(o, fam, "mangle", &listing);
	if (!ret)
		rules_state_parse_mangle(listing, st);
	free(listing);
	return ret;
}

static int restore(const struct rules_opts *o, enum rules_family fam,
		   const char *text)
{
	char prog[PROG_LEN];
	const char *argv[] = {prog, RULES_WAIT, "--noflush", NULL};
	int ret;

	if (!text) {
		ret = -errno;
		log_warn("cannot build the rules");
		return ret;
	}
	rules_program(fam, o->backend, true, prog, sizeof(prog));
	return run_tool(argv, text, NULL);
}

static int family_remove(const struct rules_opts *o, enum rules_family fam)
{
	struct rules_state st;
	char *text;
	int ret;

	ret = state_read(o, fam, &st);
	if (ret || !rules_state_any(&st))
		return ret;
	text = rules_text_remove(&st);
	ret = restore(o, fam, text);
	free(text);
	return ret;
}

static int family_install(const struct rules_opts *o, enum rules_family fam,
			  struct rules_state *before)
{
	char *text;
	int ret;

	ret = state_read(o, fam, before);
	if (ret)
		return ret;
	text = rules_text_install(o, fam, before);
	ret = restore(o, fam, text);
	free(text);
	/* Each table commits apart: take out a half-done first install. */
	if (ret && !rules_state_any(before))
		family_remove(o, fam);
	return ret;
}

/*
 * When IPv6 fails after IPv4 went in, IPv4 is taken out again if it was
 * not there before, so a failed install leaves nothing half done.
 */
int rules_install(const struct rules_opts *o)
{
	struct rules_state v4, v6;
	const char *why;
	int ret;

	if (rules_opts_check(o, &why)) {
		log_warnx("rules: %s", why);
		return -EINVAL;
	}
	ret = family_install(o, RULES_IPV4, &v4);
	if (ret || o->no_ipv6)
		return ret;
	ret = family_install(o, RULES_IPV6, &v6);
	if (ret && !rules_state_any(&v4))
		family_remove(o, RULES_IPV4);
	return ret;
}

/* Both families are tried even when the first fails. */
int rules_remove(const struct rules_opts *o)
{
	int ret, ret6 = 0;

	ret = family_remove(o, RULES_IPV4);
	if (!o->no_ipv6)
		ret6 = family_remove(o, RULES_IPV6);
	return ret ? ret : ret6;
}

static int family_verify(const struct rules_opts *o, enum rules_family fam)
{
	static const char *const tables[] = {"filter", "mangle"};
	char *listing = NULL;
	int ret = 1;
	size_t i;

	for (i = 0; i < 2 && ret == 1; i++) {
		ret = table_list(o, fam, tables[i], &listing);
		if (!ret)
			ret = rules_listing_intact(o, fam, tables[i], listing);
		free(listing);
		listing = NULL;
	}
	return ret;
}

int rules_verify(const struct rules_opts *o)
{
	int ret = family_verify(o, RULES_IPV4);

	if (ret == 1 && !o->no_ipv6)
		ret = family_verify(o, RULES_IPV6);
	return ret;
}
