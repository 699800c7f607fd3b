// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * DNS messages taken from packets: the UDP datagram of a query to port 53,
 * or of its answer, handed to the name table (dnsname.c).
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "dnsname.h"
#include "flow.h"

#define PROTO_UDP 17
#define DNS_PORT  53
#define UDP_HLEN  8

/* Any program in the sandbox can answer there, as any server. */
static bool dn_loopback(int ver, const uint8_t *a)
{
	static const uint8_t lo6[16] = {[15] = 1};
	static const uint8_t mapped[12] = {[10] = 0xff, [11] = 0xff};

	if (ver == 4)
		return a[0] == 127;
	return !memcmp(a, lo6, 16) || (!memcmp(a, mapped, 12) && a[12] == 127);
}

/*
 * The DNS message of a whole, unfragmented UDP datagram of the given
 * port (source when from_server) of a server not on loopback, and the
 * exchange as seen from its query.  -EINVAL when it is not one, -EBADMSG
 * when it is cut short.
 */
static int dn_message(const struct flow *f, const uint8_t *pkt, size_t caplen,
		      bool from_server, struct dnsname_flow *df,
		      const uint8_t **msg, size_t *len)
{
	size_t off = f->l4_off, ulen;

	if (f->proto != PROTO_UDP || !f->has_ports || f->frag || !off ||
	    (from_server ? f->sport : f->dport) != DNS_PORT ||
	    dn_loopback(f->ip_version, from_server ? f->src : f->dst))
		return -EINVAL;
	if (caplen < off + UDP_HLEN)
		return -EBADMSG;
	ulen = (size_t)pkt[off + 4] << 8 | pkt[off + 5];
	if (ulen < UDP_HLEN || off + ulen > caplen)
		return -EBADMSG;
	*msg = pkt + off + UDP_HLEN;
	*len = ulen - UDP_HLEN;
	df->ip_version = f->ip_version;
	memcpy(df->client, from_server ? f->dst : f->src, 16);
	memcpy(df->server, from_server ? f->src : f->dst, 16);
	df->client_port = from_server ? f->dport : f->sport;
	df->server_port = from_server ? f->sport : f->dport;
	return 0;
}

int dnsname_query_packet(struct dnsname *d, const struct flow *f,
			 const uint8_t *pkt, size_t caplen, int64_t now_us)
{
	struct dnsname_flow df;
	const uint8_t *msg;
	size_t len;
	int err;

	if (f->direction != FLOW_DIR_OUT)
		return -EINVAL;
	err = dn_message(f, pkt, caplen, false, &df, &msg, &len);
	return err ? err : dnsname_query(d, &df, msg, len, now_us);
}

int dnsname_answer_packet(struct dnsname *d, const struct flow *f,
			  const uint8_t *pkt, size_t caplen, int64_t now_us)
{
	struct dnsname_flow df;
	const uint8_t *msg;
	size_t len;
	int err;

	err = dn_message(f, pkt, caplen, true, &df, &msg, &len);
	return err ? err : dnsname_answer(d, &df, msg, len, now_us);
}
