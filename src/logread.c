// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Reading verdict logs back: lines from plain, gzip or standard input, and
 * the parse of one line into the fields the chain needs.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "logread.h"

struct logread {
	gzFile gz;
	const char *name;
	unsigned long lineno;
	bool eof;
	size_t rpos, rlen; /* unread bytes of rbuf */
	size_t len;	   /* bytes of the line gathered in line */
	char rbuf[65536];
	char line[LOGREAD_LINE_MAX];
};

struct logread *logread_open(const char *path)
{
	bool in = !strcmp(path, "-");
	struct logread *lr = malloc(sizeof(*lr));
	int fd = in ? dup(STDIN_FILENO) : open(path, O_RDONLY | O_CLOEXEC);
	int saved;

	if (!lr || fd < 0)
		goto fail;
	lr->gz = gzdopen(fd, "rb"); /* reads plain files as they are */
	if (!lr->gz)
		goto fail;
	fd = -1;
	lr->name = in ? "<stdin>" : path;
	lr->lineno = 0;
	lr->eof = false;
	lr->rpos = lr->rlen = lr->len = 0;
	return lr;
fail:
	saved = errno ? errno : ENOMEM;
	if (fd >= 0)
		close(fd);
	free(lr);
	errno = saved;
	return NULL;
}

void logread_close(struct logread *lr)
{
	if (!lr)
		return;
	gzclose(lr->gz);
	free(lr);
}

/* Refill rbuf; false at the end or on error (errno set, or 0 at EOF). */
static bool logread_fill(struct logread *lr)
{
	int n, zerr;

	if (lr->eof)
		return false;
	n = gzread(lr->gz, lr->rbuf, sizeof(lr->rbuf));
	if (n > 0) {
		lr->rpos = 0;
		lr->rlen = (size_t)n;
		return true;
	}
	lr->eof = true;
	gzerror(lr->gz, &zerr);
	errno = 0;
	if (n < 0 || zerr != Z_OK)
		errno = zerr == Z_ERRNO && errno ? errno : EIO;
	return false;
}

/* Append rbuf up to and including a newline; true when one was found. */
static bool logread_take(struct logread *lr, bool *too_long)
{
	const char *start = lr->rbuf + lr->rpos;
	size_t avail = lr->rlen - lr->rpos;
	const char *nl = memchr(start, '\n', avail);
	size_t n = nl ? (size_t)(nl - start) : avail;

	if (n > sizeof(lr->line) - lr->len)
		*too_long = true;
	else
		memcpy(lr->line + lr->len, start, n);
	if (!*too_long)
		lr->len += n;
	lr->rpos += nl ? n + 1 : n;
	return nl != NULL;
}

enum logread_status logread_next(struct logread *lr, const char **line,
				 size_t *len)
{
	bool too_long = false, nl = false;

	lr->len = 0;
	*line = lr->line;
	*len = 0;
	while (!nl) {
		if (lr->rpos == lr->rlen && !logread_fill(lr))
			break;
		nl = logread_take(lr, &too_long);
	}
	if (!nl && errno)
		return LOGREAD_ERROR;
	if (!nl && !lr->len && !too_long)
		return LOGREAD_EOF;
	lr->lineno++;
	*len = lr->len;
	if (too_long)
		return LOGREAD_TOO_LONG;
	return nl ? LOGREAD_LINE : LOGREAD_PARTIAL;
}

const char *logread_name(const struct logread *lr)
{
	return lr->name;
}

unsigned long logread_lineno(const struct logread *lr)
{
	return lr->lineno;
}

static bool is_hex64(const char *s)
{
	int i;

	for (i = 0; i < CHAIN_HEX; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		      (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

/* The line must end in ,"chain":"<hex>"}: the chain covers all before. */
static bool logrec_suffix(const char *line, size_t len)
{
	const char *s;

	if (len < CHAIN_SUFFIX_LEN - 1)
		return false;
	s = line + len - (CHAIN_SUFFIX_LEN - 1);
	return !memcmp(s, ",\"chain\":\"", 10) && is_hex64(s + 10) &&
	       !memcmp(s + 10 + CHAIN_HEX, "\"}", 2);
}

static uint64_t jcount(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	return json_is_integer(v) && json_integer_value(v) > 0
		       ? (uint64_t)json_integer_value(v)
		       : 0;
}

/* The event type and, for a gap, what it lost: what verify reads. */
static void logrec_event(struct logrec *rec)
{
	json_t *type = json_object_get(rec->root, "event_type");
	const char *what =
		json_string_value(json_object_get(rec->root, "lost"));

	if (json_is_string(type) &&
	    json_string_length(type) < sizeof(rec->event_type))
		strcpy(rec->event_type, json_string_value(type));
	if (!strcmp(rec->event_type, "error"))
		rec->lost_records = jcount(rec->root, "lost_records");
	if (strcmp(rec->event_type, "lost"))
		return;
	if (what && !strcmp(what, "records"))
		rec->lost_records = jcount(rec->root, "count");
	else
		rec->lost_packets = jcount(rec->root, "count");
}

static int logrec_fields(struct logrec *rec, char *err, size_t errlen)
{
	json_t *seq = json_object_get(rec->root, "seq");
	json_t *prev = json_object_get(rec->root, "prev_chain");
	const char *chain =
		json_string_value(json_object_get(rec->root, "chain"));

	if (!json_is_integer(seq) || json_integer_value(seq) < 1) {
		snprintf(err, errlen, "no \"seq\" (a positive integer)");
		return -EBADMSG;
	}
	if (!chain || strlen(chain) != CHAIN_HEX || !is_hex64(chain)) {
		snprintf(err, errlen, "bad \"chain\" field");
		return -EBADMSG;
	}
	if (prev &&
	    (!json_is_string(prev) || json_string_length(prev) != CHAIN_HEX ||
	     !is_hex64(json_string_value(prev)))) {
		snprintf(err, errlen, "bad \"prev_chain\" field");
		return -EBADMSG;
	}
	rec->seq = (uint64_t)json_integer_value(seq);
	logrec_event(rec);
	memcpy(rec->chain, chain, sizeof(rec->chain));
	if (prev)
		memcpy(rec->prev_chain, json_string_value(prev),
		       sizeof(rec->prev_chain));
	return 0;
}

int logrec_parse(struct logrec *rec, const char *line, size_t len, char *err,
		 size_t errlen)
{
	json_error_t jerr;

	memset(rec, 0, sizeof(*rec));
	rec->root = json_loadb(line, len,
			       JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &jerr);
	if (!rec->root) {
		snprintf(err, errlen, "invalid JSON at column %d: %s",
			 jerr.column, jerr.text);
		return -EBADMSG;
	}
	if (!json_is_object(rec->root)) {
		snprintf(err, errlen, "not a JSON object");
		goto bad;
	}
	if (!logrec_suffix(line, len)) {
		snprintf(err, errlen, "does not end with the \"chain\" field");
		goto bad;
	}
	if (logrec_fields(rec, err, errlen))
		goto bad;
	rec->body_len = len - (CHAIN_SUFFIX_LEN - 1);
	return 0;
bad:
	logrec_clear(rec);
	return -EBADMSG;
}

void logrec_clear(struct logrec *rec)
{
	json_decref(rec->root);
	rec->root = NULL;
}

int logrec_tail(const char *tail, size_t len, uint64_t *seq,
		char chain[CHAIN_HEX + 1])
{
	struct logrec rec;
	const char *start;
	char err[128];
	size_t end;

	if (!len)
		return -ENOENT;
	if (tail[len - 1] != '\n')
		return -EBADMSG;
	end = len - 1;
	start = tail + end;
	while (start > tail && start[-1] != '\n')
		start--;
	if (logrec_parse(&rec, start, (size_t)(tail + end - start), err,
			 sizeof(err)))
		return -EBADMSG;
	*seq = rec.seq;
	memcpy(chain, rec.chain, CHAIN_HEX + 1);
	logrec_clear(&rec);
	return 0;
}
