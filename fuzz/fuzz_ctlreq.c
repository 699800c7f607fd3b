// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for the control socket's request parser: the bytes of
 * a peer's line.  Any input must parse or fail with a message, without a
 * crash; a request that parses holds only what its bounds allow.  The
 * input also serves as a ttl and an endpoint text.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ctlproto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_text(const uint8_t *data, size_t size)
{
	char text[128];
	uint8_t addr[16];
	uint16_t port;
	uint32_t ttl;
	size_t n = size < sizeof(text) - 1 ? size : sizeof(text) - 1;

	memcpy(text, data, n);
	text[n] = '\0';
	if (!ctlproto_parse_ttl(text, &ttl) && (ttl < 1 || ttl > CTL_TTL_MAX))
		abort();
	n = (size_t)ctlproto_parse_endpoint(text, addr, &port);
	if (n != 0 && n != 4 && n != 6)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ctlreq req;
	char err[256];

	err[0] = '\0';
	if (ctlproto_parse_request((const char *)data, size, &req, err,
				   sizeof(err))) {
		if (!err[0] || strlen(err) >= sizeof(err))
			abort();
	} else {
		if (strlen(req.rule) >= sizeof(req.rule) ||
		    strlen(req.file) >= sizeof(req.file) ||
		    strpbrk(req.rule, "\n\r\\#"))
			abort();
		if ((req.cmd == CTL_ALLOW || req.cmd == CTL_DENY) &&
		    (req.ttl_s < 1 || req.ttl_s > CTL_TTL_MAX || !req.rule[0]))
			abort();
		if (req.cmd == CTL_EXPLAIN && req.flow.ip_version != 4 &&
		    req.flow.ip_version != 6)
			abort();
	}
	check_text(data, size);
	return 0;
}
