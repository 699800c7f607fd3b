/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFJUDGE_OCSFSINK_H
#define NFJUDGE_OCSFSINK_H

#include <stddef.h>
#include <stdint.h>

/*
 * The live OCSF stream (run --ocsf): the same events `audit export
 * --format ocsf` makes of the log, made of each record line as the verdict
 * log queues it.  Lines are copied into a ring of preallocated bytes, so
 * that the judging threads neither wait for nor allocate for this second
 * stream; a thread of its own parses them and writes the events.  When the
 * ring is full a line is dropped and counted: the verdict log stays the
 * record of truth, the stream a copy for a supervisor or a SIEM.
 */
struct ocsfsink;

/* A file (appended to, created 0640) or "-" for standard output.  NULL
 * with errno set. */
struct ocsfsink *ocsfsink_open(const char *target);

/* Start the writer thread, after privileges are dropped: 0 or -errno. */
int ocsfsink_start(struct ocsfsink *s);

/* A record line, without its newline; for logsink_opts.tee.  Never
 * blocks on I/O. */
void ocsfsink_line(void *ctx, const char *line, size_t len);

/* Write what is queued, stop the thread, close; says how many lines were
 * dropped, if any. */
void ocsfsink_close(struct ocsfsink *s);

/*
 * Open the file again by its name (logrotate moved it) and let the writer
 * go on in the new one from its next event; standard output stays.
 * 0 or -errno (the old file is kept).
 */
int ocsfsink_reopen(struct ocsfsink *s);

/* Lines dropped because the ring was full. */
uint64_t ocsfsink_dropped(struct ocsfsink *s);

#endif
