// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nfjudge audit verify: is the chain of a verdict log intact?  Names the
 * first line that is not, and stops there: what follows a break cannot be
 * trusted to mean anything.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "chain.h"
#include "cmd.h"
#include "logread.h"

/* The predecessor digest of the first record, or NULL: taken on trust. */
static const char *verify_anchor(struct verify *v, const struct logrec *rec)
{
	v->first_seq = rec->seq;
	if (rec->seq == 1)
		return CHAIN_GENESIS;
	if (rec->prev_chain[0])
		return rec->prev_chain;
	v->trusted = true;
	return NULL;
}

static int verify_order(const struct verify *v, const struct logrec *rec,
			char *err, size_t errlen)
{
	if (rec->seq == v->seq + 1)
		return 0;
	if (rec->seq <= v->seq)
		snprintf(err, errlen,
			 "seq %" PRIu64 " after seq %" PRIu64
			 ": records reordered or repeated",
			 rec->seq, v->seq);
	else
		snprintf(err, errlen,
			 "seq %" PRIu64 " after seq %" PRIu64 ": %" PRIu64
			 " record(s) missing",
			 rec->seq, v->seq, rec->seq - v->seq - 1);
	return -EBADMSG;
}

/* Does the record's digest follow from prev? */
static int verify_digest(struct verify *v, const char *prev,
			 const struct logrec *rec, const char *line, char *err,
			 size_t errlen)
{
	char digest[CHAIN_HEX + 1];

	if (rec->prev_chain[0] && strcmp(prev, rec->prev_chain)) {
		snprintf(err, errlen,
			 "prev_chain is not the digest of the "
			 "record before it");
		return -EBADMSG;
	}
	if (chain_digest(v->chain, prev, line, rec->body_len, digest)) {
		snprintf(err, errlen, "digest computation failed");
		return -EIO;
	}
	if (strcmp(digest, rec->chain)) {
		snprintf(err, errlen,
			 "chain mismatch: record altered or "
			 "inserted (or the wrong key)");
		return -EBADMSG;
	}
	return 0;
}

int verify_record(struct verify *v, const struct logrec *rec, const char *line,
		  char *err, size_t errlen)
{
	const char *prev = v->last;
	int ret;

	if (!v->records)
		prev = verify_anchor(v, rec);
	else if ((ret = verify_order(v, rec, err, errlen)))
		return ret;
	if (prev && (ret = verify_digest(v, prev, rec, line, err, errlen)))
		return ret;
	v->records++;
	v->seq = rec->seq;
	memcpy(v->last, rec->chain, sizeof(v->last));
	return 0;
}

/* What is wrong with a line that is not a complete one, or NULL. */
static const char *verify_status(enum logread_status st)
{
	switch (st) {
	case LOGREAD_PARTIAL:
		return "truncated last line (no newline)";
	case LOGREAD_TOO_LONG:
		return "line too long to be a record";
	default:
		return NULL;
	}
}

/* What is wrong with this line, or NULL when it continues the chain. */
static const char *verify_line(struct verify *v, enum logread_status st,
			       const char *line, size_t len, char *err,
			       size_t errlen)
{
	const char *what = verify_status(st);
	struct logrec rec;

	if (what)
		return what;
	if (logrec_parse(&rec, line, len, err, errlen))
		return err;
	if (verify_record(v, &rec, line, err, errlen))
		what = err;
	logrec_clear(&rec);
	return what;
}

/* 0 intact, 1 a bad line (named), 2 unreadable. */
static int verify_file(struct verify *v, const char *path)
{
	struct logread *lr = logread_open(path);
	enum logread_status st;
	const char *line, *what;
	char err[256];
	size_t len;
	int ret = 0;

	if (!lr) {
		fprintf(stderr, "nfjudge audit verify: %s: %s\n", path,
			strerror(errno));
		return EXIT_USAGE;
	}
	while (!ret && (st = logread_next(lr, &line, &len)) != LOGREAD_EOF) {
		if (st == LOGREAD_ERROR) {
			fprintf(stderr, "%s: read error after line %lu: %s\n",
				logread_name(lr), logread_lineno(lr),
				strerror(errno));
			ret = EXIT_USAGE;
		} else if ((what = verify_line(v, st, line, len, err,
					       sizeof(err)))) {
			fprintf(stderr, "%s:%lu: %s\n", logread_name(lr),
				logread_lineno(lr), what);
			ret = 1;
		}
	}
	logread_close(lr);
	return ret;
}

static void verify_report(const struct verify *v, bool keyed)
{
	if (!v->records) {
		printf("no records\n");
		return;
	}
	if (v->first_seq > 1 && !v->trusted)
		printf("note: the log starts at seq %" PRIu64 "; its "
		       "predecessor's digest is taken from prev_chain\n",
		       v->first_seq);
	if (v->trusted)
		printf("note: the log starts at seq %" PRIu64 " without "
		       "prev_chain; that first record is taken on trust\n",
		       v->first_seq);
	printf("%" PRIu64 " records, seq %" PRIu64 " to %" PRIu64
	       ": chain intact (%s)\n",
	       v->records, v->first_seq, v->seq,
	       keyed ? "HMAC-SHA256" : "SHA-256");
}

static void verify_usage(FILE *out)
{
	fprintf(out, "usage: nfjudge audit verify [--key FILE] LOG...\n\n"
		     "Check that verdict logs are complete and unaltered: "
		     "valid records, seq\nwithout gaps, hash chain intact "
		     "across the files in the order given.\nLOG may be - "
		     "(standard input) or gzip-compressed.\n\n"
		     "  -k, --key FILE  the HMAC key the log was written "
		     "with\n\nExit status: 0 intact, 1 tampered or "
		     "truncated, 2 unreadable or usage.\n");
}

static int verify_args(int argc, char **argv, const char **key)
{
	static const struct option opts[] = {
		{"key", required_argument, NULL, 'k'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "k:h", opts, NULL)) != -1) {
		if (c == 'h') {
			verify_usage(stdout);
			return 0;
		}
		if (c != 'k') {
			verify_usage(stderr);
			return EXIT_USAGE;
		}
		*key = optarg;
	}
	if (optind == argc) {
		fprintf(stderr, "nfjudge audit verify: no LOG given\n");
		verify_usage(stderr);
		return EXIT_USAGE;
	}
	return -1;
}

struct chain *verify_chain(const char *keyfile)
{
	uint8_t key[CHAIN_KEY_MAX];
	int len;

	if (!keyfile)
		return chain_new(NULL, 0);
	len = chain_key_load(keyfile, key);
	if (len < 0) {
		fprintf(stderr, "nfjudge audit verify: %s: %s\n", keyfile,
			len == -EINVAL ? "empty or longer than 1024 bytes"
				       : strerror(-len));
		return NULL;
	}
	return chain_new(key, (size_t)len);
}

int audit_verify(int argc, char **argv)
{
	struct verify v = {0};
	const char *keyfile = NULL;
	int i, ret = verify_args(argc, argv, &keyfile);

	if (ret >= 0)
		return ret;
	v.chain = verify_chain(keyfile);
	if (!v.chain)
		return EXIT_USAGE;
	ret = 0;
	for (i = optind; i < argc && !ret; i++)
		ret = verify_file(&v, argv[i]);
	if (!ret)
		verify_report(&v, keyfile != NULL);
	chain_free(v.chain);
	return ret;
}
