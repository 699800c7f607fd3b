/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFJUDGE_CHAIN_H
#define NFJUDGE_CHAIN_H

#include <stddef.h>
#include <stdint.h>

/*
 * The hash chain over verdict records.  For record n, with body_n its line
 * up to (not including) ",\"chain\":" and chain_0 sixty-four '0':
 *
 *	chain_n = hex(SHA-256(chain_{n-1} || "\n" || body_n))
 *
 * or HMAC-SHA256 under a key with the same message, so that whoever can
 * edit the log cannot recompute the digests without the key.
 */
#define CHAIN_HEX     64
#define CHAIN_KEY_MAX 1024
#define CHAIN_GENESIS \
	"0000000000000000000000000000000000000000000000000000000000000000"

/* The suffix the chain adds: ,"chain":"<64 hex>"} and a newline. */
#define CHAIN_SUFFIX_LEN (10 + CHAIN_HEX + 3)

struct chain;

/*
 * A chain at its genesis; key NULL for plain SHA-256.  Holds its digest
 * contexts, so that hashing allocates nothing.  NULL with errno on error.
 * Not thread-safe.
 */
struct chain *chain_new(const void *key, size_t keylen);
void chain_free(struct chain *chain);

/*
 * Read a key file: its bytes, one trailing newline (LF or CR LF) removed.
 * Returns the key length, or -errno (-EINVAL: empty or over CHAIN_KEY_MAX).
 */
int chain_key_load(const char *path, uint8_t key[CHAIN_KEY_MAX]);

/* The digest of body following prev (CHAIN_HEX chars), into out. */
int chain_digest(struct chain *chain, const char *prev, const char *body,
		 size_t len, char out[CHAIN_HEX + 1]);

/* The last sequence number and digest the chain has reached. */
uint64_t chain_seq(const struct chain *chain);
const char *chain_last(const struct chain *chain);

/* Continue after record seq, whose digest is last (restart, rollback). */
void chain_set(struct chain *chain, uint64_t seq, const char *last);

/*
 * Append the chain field and newline to the body in buf[0..len), as record
 * seq + 1, and advance the chain.  Returns the new length or -ENOSPC.
 */
int chain_seal(struct chain *chain, char *buf, size_t len, size_t cap);

#endif
