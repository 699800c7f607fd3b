// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

/*
 * Plain SHA-256 through the low-level interface, which OpenSSL 3 marks
 * deprecated: EVP_DigestInit_ex() allocates a provider context at every
 * call (seen with CRYPTO_set_mem_functions: one malloc per digest), and
 * the chain digests every record on the verdict path.  SHA256_CTX lives
 * on the stack.  HMAC stays on EVP_MAC (two allocations per record).
 */
#define OPENSSL_SUPPRESS_DEPRECATED

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/sha.h>

#include "chain.h"

struct chain {
	EVP_MAC_CTX *mac; /* HMAC-SHA256 when a key was given */
	uint64_t seq;
	char last[CHAIN_HEX + 1];
};

static int chain_mac_init(struct chain *chain, const void *key, size_t keylen)
{
	char digest[] = "SHA256";
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest,
						 0),
		OSSL_PARAM_construct_end(),
	};
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	int err = -EIO;

	if (!mac)
		goto out;
	chain->mac = EVP_MAC_CTX_new(mac);
	if (chain->mac && EVP_MAC_init(chain->mac, key, keylen, params))
		err = 0;
out:
	EVP_MAC_free(mac);
	return err;
}

struct chain *chain_new(const void *key, size_t keylen)
{
	struct chain *chain = calloc(1, sizeof(*chain));

	if (!chain)
		return NULL;
	memcpy(chain->last, CHAIN_GENESIS, sizeof(chain->last));
	if (key && chain_mac_init(chain, key, keylen))
		goto fail;
	return chain;
fail:
	chain_free(chain);
	errno = EIO;
	return NULL;
}

void chain_free(struct chain *chain)
{
	if (!chain)
		return;
	EVP_MAC_CTX_free(chain->mac);
	free(chain);
}

int chain_key_load(const char *path, uint8_t key[CHAIN_KEY_MAX])
{
	uint8_t buf[CHAIN_KEY_MAX + 3];
	ssize_t n = 0, r;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	while (n < (ssize_t)sizeof(buf) &&
	       (r = read(fd, buf + n, sizeof(buf) - n)) != 0) {
		if (r < 0 && errno != EINTR) {
			n = -errno;
			break;
		}
		if (r > 0)
			n += r;
	}
	close(fd);
	if (n < 0)
		return (int)n;
	if (n > 0 && buf[n - 1] == '\n')
		n--;
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	if (n == 0 || n > CHAIN_KEY_MAX)
		return -EINVAL;
	memcpy(key, buf, n);
	return (int)n;
}

/* Two hex digits a byte from one table: every record's digest is written. */
static void chain_hex(const unsigned char *md, char out[CHAIN_HEX + 1])
{
	static const char pairs[] =
		"000102030405060708090a0b0c0d0e0f1011121314151617"
		"18191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f"
		"303132333435363738393a3b3c3d3e3f4041424344454647"
		"48494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f"
		"606162636465666768696a6b6c6d6e6f7071727374757677"
		"78797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f"
		"909192939495969798999a9b9c9d9e9fa0a1a2a3a4a5a6a7"
		"a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf"
		"c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7"
		"d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeef"
		"f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";
	int i;

	for (i = 0; i < CHAIN_HEX / 2; i++)
		memcpy(out + 2 * i, pairs + 2 * md[i], 2);
	out[CHAIN_HEX] = '\0';
}

static int chain_hmac(struct chain *chain, const char *prev, const char *body,
		      size_t len, unsigned char md[32])
{
	size_t mdlen = 0;

	/* a NULL key re-initialises with the key given at chain_new() */
	if (!EVP_MAC_init(chain->mac, NULL, 0, NULL) ||
	    !EVP_MAC_update(chain->mac, (const void *)prev, CHAIN_HEX) ||
	    !EVP_MAC_update(chain->mac, (const void *)"\n", 1) ||
	    !EVP_MAC_update(chain->mac, (const void *)body, len) ||
	    !EVP_MAC_final(chain->mac, md, &mdlen, 32) || mdlen != 32)
		return -EIO;
	return 0;
}

static int chain_sha256(const char *prev, const char *body, size_t len,
			unsigned char md[32])
{
	SHA256_CTX c;

	if (!SHA256_Init(&c) || !SHA256_Update(&c, prev, CHAIN_HEX) ||
	    !SHA256_Update(&c, "\n", 1) || !SHA256_Update(&c, body, len) ||
	    !SHA256_Final(md, &c))
		return -EIO;
	return 0;
}

int chain_digest(struct chain *chain, const char *prev, const char *body,
		 size_t len, char out[CHAIN_HEX + 1])
{
	unsigned char md[32];
	int err;

	if (chain->mac)
		err = chain_hmac(chain, prev, body, len, md);
	else
		err = chain_sha256(prev, body, len, md);
	if (err)
		return err;
	chain_hex(md, out);
	return 0;
}

uint64_t chain_seq(const struct chain *chain)
{
	return chain->seq;
}

const char *chain_last(const struct chain *chain)
{
	return chain->last;
}

void chain_set(struct chain *chain, uint64_t seq, const char *last)
{
	chain->seq = seq;
	memcpy(chain->last, last, CHAIN_HEX);
	chain->last[CHAIN_HEX] = '\0';
}

int chain_seal(struct chain *chain, char *buf, size_t len, size_t cap)
{
	char digest[CHAIN_HEX + 1];
	int err;

	if (cap < len || cap - len < CHAIN_SUFFIX_LEN)
		return -ENOSPC;
	err = chain_digest(chain, chain->last, buf, len, digest);
	if (err)
		return err;
	memcpy(buf + len, ",\"chain\":\"", 10);
	memcpy(buf + len + 10, digest, CHAIN_HEX);
	memcpy(buf + len + 10 + CHAIN_HEX, "\"}\n", 3);
	chain_set(chain, chain->seq + 1, digest);
	return (int)(len + CHAIN_SUFFIX_LEN);
}
