// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nfjudge audit verify: is the chain of a verdict log intact?  Names the
 * first line that is not, and stops there: what follows a break cannot be
 * trusted to mean anything.  Record by record here; the files are read,
 * parsed ahead and reported in audit_verify_run.c.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "chain.h"
#include "logread.h"

static void verify_begin(struct verify *v, const struct logrec *rec)
{
	v->cur = (struct vchain){
		.file = v->file, .line = v->line, .first_seq = rec->seq};
	memcpy(v->cur.first, rec->chain, sizeof(v->cur.first));
}

/* rec, seq 1, begins a chain: not one of those followed before. */
static int verify_repeated(const struct verify *v, const struct logrec *rec,
			   char *err, size_t errlen)
{
	size_t i;

	for (i = 0; i <= v->ndone; i++) {
		const struct vchain *c = i < v->ndone ? &v->done[i] : &v->cur;

		if ((c->records || i < v->ndone) &&
		    !strcmp(c->first, rec->chain)) {
			snprintf(err, errlen,
				 "seq 1 after seq %" PRIu64 ": a chain begun "
				 "again (records repeated)",
				 v->cur.seq);
			return -EBADMSG;
		}
	}
	return 0;
}

/* The chain followed so far is done; the next begins empty. */
static int verify_push(struct verify *v, char *err, size_t errlen)
{
	struct vchain *done = realloc(v->done, (v->ndone + 1) * sizeof(*done));

	if (!done) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	v->done = done;
	v->done[v->ndone++] = v->cur;
	memset(&v->cur, 0, sizeof(v->cur));
	return 0;
}

/* The previous chain is done; rec, seq 1, begins the next one. */
static int verify_next_chain(struct verify *v, const struct logrec *rec,
			     char *err, size_t errlen)
{
	int ret = verify_repeated(v, rec, err, errlen);

	if (!ret)
		ret = verify_push(v, err, errlen);
	if (!ret)
		verify_begin(v, rec);
	return ret;
}

/* The --from anchor: record from_seq carries its digest, or rec follows. */
static int verify_from(struct verify *v, const struct logrec *rec,
		       const char **prev, char *err, size_t errlen)
{
	if (rec->seq == v->from_seq) {
		if (strcmp(rec->chain, v->from)) {
			snprintf(err, errlen,
				 "seq %" PRIu64 " does not carry the digest "
				 "--from names: not the anchored log",
				 rec->seq);
			return -EBADMSG;
		}
		v->at_anchor = true;
		memcpy(v->last, v->from, sizeof(v->last));
		return 1;
	}
	if (rec->seq != v->from_seq + 1) {
		snprintf(err, errlen,
			 "the log starts at seq %" PRIu64 "; --from "
			 "anchors seq %" PRIu64 ", so it must start at "
			 "seq %" PRIu64 " or %" PRIu64,
			 rec->seq, v->from_seq, v->from_seq, v->from_seq + 1);
		return -EBADMSG;
	}
	*prev = v->from;
	return 0;
}

/*
 * The predecessor digest of the first record, in *prev; NULL when it is
 * taken on trust.  1 when rec is the anchor itself, which is not counted.
 */
static int verify_head(struct verify *v, const struct logrec *rec,
		       const char **prev, char *err, size_t errlen)
{
	int ret = 0;

	*prev = CHAIN_GENESIS;
	if (v->head == VERIFY_FROM)
		ret = verify_from(v, rec, prev, err, errlen);
	else if (v->head == VERIFY_TRUST && rec->seq != 1)
		*prev = rec->prev_chain[0] ? rec->prev_chain : NULL;
	else if (rec->seq != 1) {
		snprintf(err, errlen,
			 "the log starts at seq %" PRIu64 ", not at seq 1: "
			 "its head cannot be verified (records cut?); "
			 "anchor it with --from SEQ:DIGEST or --trust-head",
			 rec->seq);
		ret = -EBADMSG;
	}
	if (ret)
		return ret;
	verify_begin(v, rec);
	v->cur.trusted = v->head == VERIFY_TRUST && rec->seq != 1;
	v->cur.anchored = v->head == VERIFY_FROM;
	return 0;
}

static int verify_order(const struct verify *v, const struct logrec *rec,
			char *err, size_t errlen)
{
	uint64_t seq = v->cur.records ? v->cur.seq : v->from_seq;

	if (rec->seq == seq + 1)
		return 0;
	if (rec->seq <= seq)
		snprintf(err, errlen,
			 "seq %" PRIu64 " after seq %" PRIu64
			 ": records reordered or repeated",
			 rec->seq, seq);
	else
		snprintf(err, errlen,
			 "seq %" PRIu64 " after seq %" PRIu64 ": %" PRIu64
			 " record(s) missing",
			 rec->seq, seq, rec->seq - seq - 1);
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
	if (v->pre_prev && !memcmp(prev, v->pre_prev, CHAIN_HEX))
		memcpy(digest, v->pre_digest, sizeof(digest));
	else if (chain_digest(v->chain, prev, line, rec->body_len, digest)) {
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

/* Where rec stands: its predecessor's digest in *prev (NULL: trusted). */
static int verify_place(struct verify *v, const struct logrec *rec,
			const char **prev, char *err, size_t errlen)
{
	int ret;

	*prev = v->last;
	if (!v->cur.records && !v->at_anchor)
		return verify_head(v, rec, prev, err, errlen);
	if (v->cur.records && rec->seq == 1) {
		*prev = CHAIN_GENESIS;
		return 0;
	}
	ret = verify_order(v, rec, err, errlen);
	if (!ret && !v->cur.records) {
		verify_begin(v, rec);
		v->cur.anchored = true;
	}
	return ret;
}

/* After a break: 1 to pass rec over, else 0 with the next chain begun
 * empty (rec has seq 1), or an error. */
static int verify_resync(struct verify *v, const struct logrec *rec, char *err,
			 size_t errlen)
{
	int ret;

	if (rec->seq != 1) {
		v->cur.unverified++;
		return 1;
	}
	if ((ret = verify_repeated(v, rec, err, errlen)) ||
	    (ret = verify_push(v, err, errlen)))
		return ret;
	v->resync = false;
	v->at_anchor = false;
	return 0;
}

void audit_verify_break(struct verify *v, const char *file, unsigned long line,
			const char *why)
{
	struct vchain *c = &v->cur;

	if (v->resync) {
		c->unverified++;
		return;
	}
	if (!c->records && !c->broken) {
		c->file = file;
		c->line = line;
	}
	c->broken = true;
	c->bad_file = file;
	c->bad_line = line;
	snprintf(c->why, sizeof(c->why), "%s", why);
	v->resync = true;
}

int audit_verify_record(struct verify *v, const struct logrec *rec,
			const char *line, char *err, size_t errlen)
{
	const char *prev;
	int ret = v->resync ? verify_resync(v, rec, err, errlen) : 0;

	if (ret)
		return ret > 0 ? 0 : ret;
	ret = verify_place(v, rec, &prev, err, errlen);

	if (ret)
		return ret > 0 ? 0 : ret;
	if (prev && (ret = verify_digest(v, prev, rec, line, err, errlen)))
		return ret;
	if (v->cur.records && rec->seq == 1 &&
	    (ret = verify_next_chain(v, rec, err, errlen)))
		return ret;
	v->cur.records++;
	v->cur.seq = rec->seq;
	if (rec->lost_packets || rec->lost_records) {
		v->cur.lost_packets += rec->lost_packets;
		v->cur.lost_records += rec->lost_records;
		v->cur.gaps++;
	}
	memcpy(v->last, rec->chain, sizeof(v->last));
	return 0;
}

void audit_verify_done(struct verify *v)
{
	free(v->done);
	v->done = NULL;
	v->ndone = 0;
}

size_t audit_verify_nchains(const struct verify *v)
{
	return v->ndone + (v->cur.records || v->cur.broken ? 1 : 0);
}

const struct vchain *audit_verify_chain_at(const struct verify *v, size_t i)
{
	if (i < v->ndone)
		return &v->done[i];
	return i == v->ndone && (v->cur.records || v->cur.broken) ? &v->cur
								  : NULL;
}
