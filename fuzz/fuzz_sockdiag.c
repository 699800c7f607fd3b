// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for the sock_diag reply parser.  The first byte picks
 * the request (TCP or UDP; IPv4, IPv6 or IPv4-mapped), the rest is the
 * reply datagram, answered with sequence number 1.  The parser must never
 * read past the end, and a socket it accepts must match the request; the
 * dump parser, fed the same bytes, counts no more sockets than fit.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <linux/inet_diag.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "sockdiag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_req(struct inet_diag_req_v2 *req, uint8_t sel)
{
	static const uint8_t v4[2][4] = {{10, 0, 0, 2}, {93, 184, 216, 34}};
	int udp = sel & 1, fam = (sel >> 1) % 3;
	uint8_t *src = (uint8_t *)req->id.idiag_src;
	uint8_t *dst = (uint8_t *)req->id.idiag_dst;

	memset(req, 0, sizeof(*req));
	req->sdiag_family = fam == 0 ? AF_INET : AF_INET6;
	req->sdiag_protocol = udp ? IPPROTO_UDP : IPPROTO_TCP;
	req->id.idiag_sport = htons(udp ? 53 : 40000);
	req->id.idiag_dport = htons(udp ? 5353 : 443);
	if (fam == 0) {
		memcpy(src, v4[udp], 4);
		memcpy(dst, v4[!udp], 4);
	} else if (fam == 1) {
		inet_pton(AF_INET6, udp ? "fd00::53" : "fd00::2", src);
		inet_pton(AF_INET6, udp ? "fd00::2" : "fd00::53", dst);
	} else {
		src[10] = src[11] = dst[10] = dst[11] = 0xff;
		memcpy(src + 12, v4[udp], 4);
		memcpy(dst + 12, v4[!udp], 4);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct inet_diag_req_v2 req;
	struct sockdiag_result a, b;
	uint8_t *buf;
	int ra, rb, count = 0;

	if (size < 1)
		return 0;
	fuzz_req(&req, data[0]);
	/* netlink messages are 4-byte aligned; data + 1 is not */
	buf = malloc(size - 1 ? size - 1 : 1);
	if (!buf)
		return 0;
	memcpy(buf, data + 1, size - 1);
	ra = sockdiag_parse(buf, size - 1, 1, 0, &req, &a);
	rb = sockdiag_parse(buf, size - 1, 1, 0, &req, &b);
	if (ra != rb || (ra == 0 && memcmp(&a, &b, sizeof(a))))
		abort();
	if (ra > 0 || (ra == 0 && a.family != req.sdiag_family))
		abort();
	/* the same bytes as a datagram of a dump */
	ra = sockdiag_parse_dump(buf, size - 1, 1, 0, &req, &count);
	if (ra > 1 || count < 0 || (size_t)count > size / 16)
		abort();
	free(buf);
	return 0;
}
