/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFJUDGE_COMMUNITYID_H
#define NFJUDGE_COMMUNITYID_H

#include <stdint.h>

struct flow;
struct communityid;

/* "1:" + base64 of a SHA-1 digest + NUL */
#define COMMUNITYID_LEN 31

/*
 * A Community ID v1 hasher (https://github.com/corelight/community-id-spec)
 * for one seed; hashing a flow allocates nothing.  Returns NULL with errno
 * set on failure.  Safe to share between threads.
 */
struct communityid *communityid_new(uint16_t seed);
void communityid_free(struct communityid *cid);

/*
 * Write the Community ID of the flow's 5-tuple to out.  Protocols without
 * ports (anything but TCP, UDP, SCTP, ICMP, ICMPv6), and flows whose ports
 * are unknown, hash the addresses and protocol only.  It cannot fail: the
 * input is at most one SHA-1 block, hashed with no allocation.
 */
void communityid_flow(const struct communityid *cid, const struct flow *flow,
		      char out[COMMUNITYID_LEN]);

#endif
