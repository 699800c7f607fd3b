// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

/*
 * SHA-1 through the low-level interface, which OpenSSL 3 marks deprecated:
 * EVP_DigestInit_ex() allocates a provider context at every call, and a
 * Community ID is computed for every judged packet.  SHA_CTX lives on the
 * stack.
 */
#define OPENSSL_SUPPRESS_DEPRECATED

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/sha.h>

#include "communityid.h"
#include "flow.h"

#define PROTO_ICMP   1
#define PROTO_TCP    6
#define PROTO_UDP    17
#define PROTO_ICMPV6 58
#define PROTO_SCTP   132

struct communityid {
	uint8_t seed[2];
};

struct communityid *communityid_new(uint16_t seed)
{
	struct communityid *cid = calloc(1, sizeof(*cid));

	if (!cid)
		return NULL;
	cid->seed[0] = (uint8_t)(seed >> 8);
	cid->seed[1] = (uint8_t)seed;
	return cid;
}

void communityid_free(struct communityid *cid)
{
	if (!cid)
		return;
	free(cid);
}

/*
 * ICMP message types that have a counterpart (request/reply pairs): the
 * spec hashes these as if type were the source port and the counterpart
 * the destination port, so that both directions get one ID.  Returns -1
 * for one-way messages.
 */
static int icmp_counterpart(uint8_t proto, uint16_t type)
{
	static const uint8_t v4[][2] = {
		{8, 0},	  {0, 8},  {13, 14}, {14, 13}, {15, 16},
		{16, 15}, {10, 9}, {9, 10},  {17, 18}, {18, 17},
	};
	static const uint8_t v6[][2] = {
		{128, 129}, {129, 128}, {133, 134}, {134, 133},
		{135, 136}, {136, 135}, {130, 131}, {131, 130},
		{139, 140}, {140, 139}, {144, 145}, {145, 144},
	};
	const uint8_t(*map)[2] = proto == PROTO_ICMP ? v4 : v6;
	size_t i, n = proto == PROTO_ICMP ? sizeof(v4) / sizeof(v4[0])
					  : sizeof(v6) / sizeof(v6[0]);

	for (i = 0; i < n; i++)
		if (map[i][0] == type)
			return map[i][1];
	return -1;
}

static bool has_ports(const struct flow *f)
{
	if (!f->has_ports)
		return false;
	return f->proto == PROTO_TCP || f->proto == PROTO_UDP ||
	       f->proto == PROTO_SCTP || f->proto == PROTO_ICMP ||
	       f->proto == PROTO_ICMPV6;
}

/* Endpoints in the order the spec hashes them. */
struct cid_tuple {
	const uint8_t *a, *b;
	uint16_t pa, pb;
};

static void order_tuple(const struct flow *f, size_t alen, bool ports,
			struct cid_tuple *t)
{
	bool one_way = false;
	int cmp;

	t->a = f->src;
	t->b = f->dst;
	t->pa = f->sport;
	t->pb = f->dport;
	if (ports && (f->proto == PROTO_ICMP || f->proto == PROTO_ICMPV6)) {
		int peer = icmp_counterpart(f->proto, f->sport);

		if (peer < 0)
			one_way = true;
		else
			t->pb = (uint16_t)peer;
	}
	if (one_way)
		return;
	cmp = memcmp(t->a, t->b, alen);
	if (cmp < 0 || (cmp == 0 && t->pa < t->pb))
		return;
	t->a = f->dst;
	t->b = f->src;
	t->pa = t->pb;
	t->pb = f->sport;
}

/*
 * SHA-1 of a message that fits one block (at most 55 bytes, as every
 * tuple does), padded here and compressed once: the Init/Update/Final
 * round trip cost more than the compression itself.
 */
static void sha1_short(const uint8_t *msg, size_t n,
		       uint8_t md[SHA_DIGEST_LENGTH])
{
	uint8_t block[SHA_CBLOCK] = {0};
	uint64_t bits = (uint64_t)n * 8;
	SHA_CTX sha;
	uint32_t h[5];
	int i;

	memcpy(block, msg, n);
	block[n] = 0x80;
	for (i = 0; i < 8; i++)
		block[SHA_CBLOCK - 1 - i] = (uint8_t)(bits >> (8 * i));
	SHA1_Init(&sha);
	SHA1_Transform(&sha, block);
	h[0] = sha.h0;
	h[1] = sha.h1;
	h[2] = sha.h2;
	h[3] = sha.h3;
	h[4] = sha.h4;
	for (i = 0; i < 5; i++) {
		md[4 * i] = (uint8_t)(h[i] >> 24);
		md[4 * i + 1] = (uint8_t)(h[i] >> 16);
		md[4 * i + 2] = (uint8_t)(h[i] >> 8);
		md[4 * i + 3] = (uint8_t)h[i];
	}
}

/* Base64 of the 20-byte digest: 27 characters, one '=' and a NUL. */
static void base64_digest(const uint8_t md[SHA_DIGEST_LENGTH], char *out)
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				  "abcdefghijklmnopqrstuvwxyz0123456789+/";
	uint32_t v;
	int i;

	for (i = 0; i < 18; i += 3) {
		v = (uint32_t)md[i] << 16 | (uint32_t)md[i + 1] << 8 |
		    md[i + 2];
		*out++ = b64[v >> 18];
		*out++ = b64[(v >> 12) & 63];
		*out++ = b64[(v >> 6) & 63];
		*out++ = b64[v & 63];
	}
	v = (uint32_t)md[18] << 16 | (uint32_t)md[19] << 8;
	*out++ = b64[v >> 18];
	*out++ = b64[(v >> 12) & 63];
	*out++ = b64[(v >> 6) & 63];
	*out++ = '=';
	*out = '\0';
}

void communityid_flow(const struct communityid *cid, const struct flow *flow,
		      char out[COMMUNITYID_LEN])
{
	uint8_t buf[2 + 16 + 16 + 2 + 4], md[SHA_DIGEST_LENGTH];
	size_t alen = flow->ip_version == 6 ? 16 : 4, n = 0;
	bool ports = has_ports(flow);
	struct cid_tuple t;

	_Static_assert(sizeof(buf) < SHA_CBLOCK - 8, "one SHA-1 block");
	order_tuple(flow, alen, ports, &t);
	memcpy(buf, cid->seed, 2);
	n = 2;
	memcpy(buf + n, t.a, alen);
	n += alen;
	memcpy(buf + n, t.b, alen);
	n += alen;
	buf[n++] = flow->proto;
	buf[n++] = 0;
	if (ports) {
		buf[n++] = (uint8_t)(t.pa >> 8);
		buf[n++] = (uint8_t)t.pa;
		buf[n++] = (uint8_t)(t.pb >> 8);
		buf[n++] = (uint8_t)t.pb;
	}
	sha1_short(buf, n, md);
	memcpy(out, "1:", 2);
	base64_digest(md, out + 2);
}
