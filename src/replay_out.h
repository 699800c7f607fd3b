/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFJUDGE_REPLAY_OUT_H
#define NFJUDGE_REPLAY_OUT_H

struct record_event;
struct replay_out;

/*
 * Replay's record stream, on a thread of its own: replay_out_emit() copies
 * a verdict record's fields, and the thread formats the record, digests
 * the chain (streaming, one record after the other) and writes in large
 * write(2)s.  The bytes are those record_emit() would give one by one.
 *
 * Open fd (taken over, even on failure; closed by replay_out_close()
 * unless it is standard output): NULL with errno on failure.
 */
struct replay_out *replay_out_open(int fd);

/*
 * The next record: 0, or -errno when it cannot be formatted (it is then
 * left out and takes no sequence number, as with record_emit(), and
 * replay_out_close() reports it) or when writing has already failed
 * (-EIO).  Nothing of ev is kept: its strings may change after the call.
 */
int replay_out_emit(struct replay_out *out, const struct record_event *ev);

/*
 * Write what is pending, stop the thread, close the file and free out (NULL
 * is accepted).  Returns 0, or the errno of a record that could not be
 * formatted, else of the first failure to write (after which nothing more
 * was written), so that the caller can say which file it was.
 */
int replay_out_close(struct replay_out *out);

#endif
