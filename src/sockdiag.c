// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * flow -> socket over NETLINK_SOCK_DIAG, by exact lookup (no dump).
 *
 * The kernel answers an exact request by running its receive-path socket
 * lookup.  For TCP the request's src is the local end, as ss(8) shows it.
 * For UDP the kernel passes idiag_src as the *remote* address of the
 * lookup, so for an outbound packet the remote end (the packet's dst) goes
 * in the src fields; tests/attr-live.sh checks both orientations.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>

#include "flow.h"
#include "sockdiag.h"

/* Replies to a request that timed out may arrive late; skip that many. */
#define SOCKDIAG_MAX_STALE 8

/* One exact reply is one inet_diag_msg and a few attributes. */
#define SOCKDIAG_BUF_SIZE 8192

/* TCP states that the kernel reports without an owner (uid 0, inode 0). */
#ifndef TCP_NEW_SYN_RECV
#define TCP_NEW_SYN_RECV 12
#endif

struct sockdiag {
	struct mnl_socket *nl;
	uint32_t portid;
	uint32_t seq;
	char buf[SOCKDIAG_BUF_SIZE];
};

static int sockdiag_set_timeout(int fd)
{
	struct timeval tv = {
		.tv_sec = 0,
		.tv_usec = SOCKDIAG_TIMEOUT_MS * 1000,
	};

	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0)
		return -errno;
	if (fcntl(fd, F_SETFD, FD_CLOEXEC) < 0)
		return -errno;
	return 0;
}

struct sockdiag *sockdiag_open(void)
{
	struct sockdiag *sd;
	int err;

	sd = calloc(1, sizeof(*sd));
	if (!sd)
		return NULL;
	sd->nl = mnl_socket_open(NETLINK_SOCK_DIAG);
	if (!sd->nl)
		goto fail;
	if (mnl_socket_bind(sd->nl, 0, MNL_SOCKET_AUTOPID) < 0)
		goto fail;
	err = sockdiag_set_timeout(mnl_socket_get_fd(sd->nl));
	if (err < 0) {
		errno = -err;
		goto fail;
	}
	sd->portid = mnl_socket_get_portid(sd->nl);
	sd->seq = (uint32_t)time(NULL);
	return sd;
fail:
	sockdiag_close(sd);
	return NULL;
}

void sockdiag_close(struct sockdiag *sd)
{
	int saved = errno;

	if (!sd)
		return;
	if (sd->nl)
		mnl_socket_close(sd->nl);
	free(sd);
	errno = saved;
}

/* --- reply parsing (pure) ------------------------------------------------- */

/* A known attribute must be well formed; nothing in them is used yet. */
static bool sockdiag_attr_ok(const struct nlattr *attr)
{
	static const enum mnl_attr_data_type types[] = {
		[INET_DIAG_SHUTDOWN] = MNL_TYPE_U8,
		[INET_DIAG_SKV6ONLY] = MNL_TYPE_U8,
		[INET_DIAG_MARK] = MNL_TYPE_U32,
		[INET_DIAG_CLASS_ID] = MNL_TYPE_U32,
		[INET_DIAG_CGROUP_ID] = MNL_TYPE_U64,
	};
	uint16_t type = mnl_attr_get_type(attr);

	if (type >= sizeof(types) / sizeof(types[0]) || !types[type])
		return true;
	return mnl_attr_validate(attr, types[type]) >= 0;
}

/*
 * Not mnl_attr_parse(): it walks up to the *aligned* end of the message,
 * up to 3 bytes past a datagram whose last message is unpadded.
 */
static int sockdiag_check_attrs(const struct nlmsghdr *nlh, size_t off)
{
	const struct nlattr *a;
	int left;

	off = MNL_NLMSG_HDRLEN + MNL_ALIGN(off);
	if (nlh->nlmsg_len <= off)
		return 0;
	a = (const void *)((const char *)nlh + off);
	left = (int)(nlh->nlmsg_len - off);
	for (; mnl_attr_ok(a, left); a = mnl_attr_next(a)) {
		if (!sockdiag_attr_ok(a))
			return -EBADMSG;
		left -= (int)MNL_ALIGN(a->nla_len);
	}
	return 0;
}

static bool addr_is_any(const uint32_t a[4], int family)
{
	if (family == AF_INET)
		return a[0] == 0;
	return !(a[0] | a[1] | a[2] | a[3]);
}

static bool addr_equal(const uint32_t a[4], const uint32_t b[4], int family)
{
	size_t n = family == AF_INET ? 4 : 16;

	return memcmp(a, b, n) == 0;
}

/* The socket's bound end: same port; same address or bound to none. */
static bool local_matches(const uint32_t *maddr, uint16_t mport,
			  const uint32_t *raddr, uint16_t rport, int family)
{
	if (mport != rport)
		return false;
	return addr_equal(maddr, raddr, family) || addr_is_any(maddr, family);
}

/* The socket's peer: the flow's remote end, or none (unconnected). */
static bool remote_matches(const uint32_t *maddr, uint16_t mport,
			   const uint32_t *raddr, uint16_t rport, int family)
{
	if (mport == 0 && addr_is_any(maddr, family))
		return true;
	return mport == rport && addr_equal(maddr, raddr, family);
}

/*
 * The kernel falls back to a listener or a wildcard socket; accept only a
 * socket whose bound and connected ends can have sent this flow.
 */
static bool sockdiag_tuple_ok(const struct inet_diag_msg *m,
			      const struct inet_diag_req_v2 *req)
{
	const struct inet_diag_sockid *r = &req->id;
	bool udp = req->sdiag_protocol == IPPROTO_UDP;
	const uint32_t *rl = udp ? r->idiag_dst : r->idiag_src;
	const uint32_t *rr = udp ? r->idiag_src : r->idiag_dst;
	uint16_t rlp = udp ? r->idiag_dport : r->idiag_sport;
	uint16_t rrp = udp ? r->idiag_sport : r->idiag_dport;
	int fam = req->sdiag_family;

	if (m->idiag_family != fam)
		return false;
	if (!local_matches(m->id.idiag_src, m->id.idiag_sport, rl, rlp, fam))
		return false;
	return remote_matches(m->id.idiag_dst, m->id.idiag_dport, rr, rrp, fam);
}

/*
 * An outbound SYN never comes from a listener, and TIME_WAIT and request
 * sockets carry no owner; a new inbound flow arrives only at a listener,
 * which the request asks for by its states (SOCKDIAG_LISTENER).
 */
static bool sockdiag_state_ok(const struct inet_diag_msg *m,
			      const struct inet_diag_req_v2 *req)
{
	if (req->sdiag_protocol != IPPROTO_TCP)
		return true;
	if (req->idiag_states == SOCKDIAG_LISTENER)
		return m->idiag_state == TCP_LISTEN;
	return m->idiag_state != TCP_LISTEN && m->idiag_state != TCP_TIME_WAIT &&
	       m->idiag_state != TCP_NEW_SYN_RECV;
}

static int sockdiag_parse_msg(const struct nlmsghdr *nlh,
			      const struct inet_diag_req_v2 *req,
			      struct sockdiag_result *res)
{
	const struct inet_diag_msg *m;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*m))
		return -EBADMSG;
	m = mnl_nlmsg_get_payload(nlh);
	if (sockdiag_check_attrs(nlh, sizeof(*m)) < 0)
		return -EBADMSG;
	if (!sockdiag_tuple_ok(m, req))
		return -ENOENT;
	if (!sockdiag_state_ok(m, req))
		return -ENOENT;
	memset(res, 0, sizeof(*res));
	res->inode = m->idiag_inode;
	res->uid = m->idiag_uid;
	res->state = m->idiag_state;
	res->family = m->idiag_family;
	res->ifindex = m->id.idiag_if;
	res->cookie =
		(uint64_t)m->id.idiag_cookie[1] << 32 | m->id.idiag_cookie[0];
	return 0;
}

static int sockdiag_parse_error(const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*e))
		return -EBADMSG;
	e = mnl_nlmsg_get_payload(nlh);
	/* An ack (0) without a socket, or a bogus positive value: none. */
	if (e->error >= 0 || e->error < -4095)
		return -ENOENT;
	return e->error;
}

static int sockdiag_parse_one(const struct nlmsghdr *nlh,
			      const struct inet_diag_req_v2 *req,
			      struct sockdiag_result *res)
{
	switch (nlh->nlmsg_type) {
	case NLMSG_ERROR:
		return sockdiag_parse_error(nlh);
	case NLMSG_DONE:
		return -ENOENT;
	case SOCK_DIAG_BY_FAMILY:
		return sockdiag_parse_msg(nlh, req, res);
	}
	return -EBADMSG;
}

/*
 * Not mnl_nlmsg_ok(): it compares nlmsg_len as an int, so 0xffffffff
 * passes, and mnl_nlmsg_next() then aligns it to 0 and never advances.
 */
static bool sockdiag_nlmsg_ok(const struct nlmsghdr *nlh, size_t left)
{
	return left >= sizeof(*nlh) && nlh->nlmsg_len >= sizeof(*nlh) &&
	       nlh->nlmsg_len <= left;
}

int sockdiag_parse(const void *buf, size_t len, uint32_t seq, uint32_t portid,
		   const struct inet_diag_req_v2 *req,
		   struct sockdiag_result *res)
{
	const char *p = buf;
	const struct nlmsghdr *nlh;
	size_t step;

	for (; sockdiag_nlmsg_ok((const void *)p, len);
	     p += step, len -= step) {
		nlh = (const void *)p;
		step = NLMSG_ALIGN(nlh->nlmsg_len);
		if (step > len)
			step = len; /* the last message needs no padding */
		if (nlh->nlmsg_seq != seq)
			continue;
		if (portid && nlh->nlmsg_pid != portid)
			continue;
		if (nlh->nlmsg_type == NLMSG_NOOP)
			continue;
		return sockdiag_parse_one(nlh, req, res);
	}
	/* Bytes that do not form a message: a truncated or corrupt reply. */
	return len > 0 ? -EBADMSG : -EAGAIN;
}

/* One dump message: does its socket fit req's flow? */
static int sockdiag_count_msg(const struct nlmsghdr *nlh,
			      const struct inet_diag_req_v2 *req, int *count)
{
	const struct inet_diag_msg *m;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*m))
		return -EBADMSG;
	m = mnl_nlmsg_get_payload(nlh);
	if (sockdiag_check_attrs(nlh, sizeof(*m)) < 0)
		return -EBADMSG;
	if (sockdiag_tuple_ok(m, req))
		(*count)++;
	return 0;
}

int sockdiag_parse_dump(const void *buf, size_t len, uint32_t seq,
			uint32_t portid, const struct inet_diag_req_v2 *req,
			int *count)
{
	const char *p = buf;
	const struct nlmsghdr *nlh;
	size_t step;
	int err;

	for (; sockdiag_nlmsg_ok((const void *)p, len);
	     p += step, len -= step) {
		nlh = (const void *)p;
		step = NLMSG_ALIGN(nlh->nlmsg_len);
		if (step > len)
			step = len;
		if (nlh->nlmsg_seq != seq ||
		    (portid && nlh->nlmsg_pid != portid))
			continue;
		if (nlh->nlmsg_type == NLMSG_DONE)
			return 1;
		if (nlh->nlmsg_type == NLMSG_ERROR)
			return sockdiag_parse_error(nlh);
		if (nlh->nlmsg_type != SOCK_DIAG_BY_FAMILY)
			continue;
		err = sockdiag_count_msg(nlh, req, count);
		if (err < 0)
			return err;
	}
	return len > 0 ? -EBADMSG : 0;
}

/* --- I/O ------------------------------------------------------------------ */

static int sockdiag_send(struct sockdiag *sd,
			 const struct inet_diag_req_v2 *req)
{
	char out[NLMSG_SPACE(sizeof(*req))];
	struct nlmsghdr *nlh;
	void *p;

	nlh = mnl_nlmsg_put_header(out);
	nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
	/* NLM_F_REQUEST alone: an exact lookup, answered by one message. */
	nlh->nlmsg_flags = NLM_F_REQUEST;
	nlh->nlmsg_seq = ++sd->seq;
	p = mnl_nlmsg_put_extra_header(nlh, sizeof(*req));
	memcpy(p, req, sizeof(*req));
	if (mnl_socket_sendto(sd->nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	return 0;
}

int sockdiag_query(struct sockdiag *sd, const struct inet_diag_req_v2 *req,
		   struct sockdiag_result *res)
{
	ssize_t n;
	int err, i;

	err = sockdiag_send(sd, req);
	if (err < 0)
		return err;
	for (i = 0; i < SOCKDIAG_MAX_STALE; i++) {
		n = mnl_socket_recvfrom(sd->nl, sd->buf, sizeof(sd->buf));
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return -ETIMEDOUT;
		if (n < 0)
			return -errno;
		err = sockdiag_parse(sd->buf, n, sd->seq, sd->portid, req, res);
		if (err != -EAGAIN)
			return err;
	}
	return -ETIMEDOUT;
}

/* A dump never ends in this many datagrams: give up, as on a timeout. */
#define SOCKDIAG_MAX_DUMP 256

/*
 * Dump the UDP sockets of req's family bound to its local port, counting
 * those that fit req's flow.  A UDP dump takes the id's ports as filters,
 * sport the local one (ss(8)'s way round, not the exact look-up's).
 */
static int sockdiag_dump_port(struct sockdiag *sd,
			      const struct inet_diag_req_v2 *req, int *count)
{
	char out[NLMSG_SPACE(sizeof(*req))];
	struct inet_diag_req_v2 *dump;
	struct nlmsghdr *nlh;
	ssize_t n;
	int err = 0, i;

	nlh = mnl_nlmsg_put_header(out);
	nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = ++sd->seq;
	dump = mnl_nlmsg_put_extra_header(nlh, sizeof(*req));
	memcpy(dump, req, sizeof(*req));
	dump->id.idiag_sport = req->id.idiag_dport;
	dump->id.idiag_dport = 0;
	if (mnl_socket_sendto(sd->nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	for (i = 0; i < SOCKDIAG_MAX_DUMP && err == 0; i++) {
		n = mnl_socket_recvfrom(sd->nl, sd->buf, sizeof(sd->buf));
		if (n < 0)
			return errno == EAGAIN ? -ETIMEDOUT : -errno;
		err = sockdiag_parse_dump(sd->buf, (size_t)n, sd->seq,
					  sd->portid, req, count);
	}
	return err == 1 ? 0 : err < 0 ? err : -ETIMEDOUT;
}

/* --- the lookup strategy -------------------------------------------------- */

enum sockdiag_try {
	TRY_MAPPED = 0x1,      /* AF_INET6 socket, ::ffff:a.b.c.d */
	TRY_IFINDEX = 0x2,     /* socket bound to the outgoing device */
	TRY_WILD_REMOTE = 0x4, /* unconnected UDP socket */
	TRY_WILD_LOCAL = 0x8,  /* ... bound to no address */
};

/* a NULL: the wildcard, "::" even on a mapped request */
static void sockdiag_put_addr(uint32_t dst[4], const uint8_t *a, int flags)
{
	uint8_t *d = (uint8_t *)dst;

	memset(dst, 0, 16);
	if (!a)
		return;
	if (!(flags & TRY_MAPPED)) {
		memcpy(d, a, 16);
		return;
	}
	d[10] = 0xff;
	d[11] = 0xff;
	memcpy(d + 12, a, 4);
}

static void sockdiag_build(struct inet_diag_req_v2 *req, const struct flow *f,
			   uint32_t ifindex, int flags)
{
	bool udp = f->proto == IPPROTO_UDP;
	struct inet_diag_sockid *id = &req->id;
	const uint8_t *local = flags & TRY_WILD_LOCAL ? NULL : f->src;
	const uint8_t *remote = flags & TRY_WILD_REMOTE ? NULL : f->dst;
	uint16_t rport = flags & TRY_WILD_REMOTE ? 0 : f->dport;

	memset(req, 0, sizeof(*req));
	req->sdiag_family = f->ip_version == 4 && !(flags & TRY_MAPPED)
				    ? AF_INET
				    : AF_INET6;
	req->sdiag_protocol = f->proto;
	req->idiag_states = ~0U;
	id->idiag_if = flags & TRY_IFINDEX ? ifindex : 0;
	id->idiag_cookie[0] = INET_DIAG_NOCOOKIE;
	id->idiag_cookie[1] = INET_DIAG_NOCOOKIE;
	/* UDP: the kernel's lookup takes src as the remote end (see top). */
	sockdiag_put_addr(udp ? id->idiag_dst : id->idiag_src, local, flags);
	sockdiag_put_addr(udp ? id->idiag_src : id->idiag_dst, remote, flags);
	*(udp ? &id->idiag_dport : &id->idiag_sport) = htons(f->sport);
	*(udp ? &id->idiag_sport : &id->idiag_dport) = htons(rport);
}

/* Whether this combination of retries makes sense for the flow. */
static bool sockdiag_try_ok(const struct flow *f, uint32_t ifindex, int flags)
{
	if ((flags & TRY_MAPPED) && f->ip_version != 4)
		return false;
	if ((flags & TRY_IFINDEX) && !ifindex)
		return false;
	if ((flags & (TRY_WILD_REMOTE | TRY_WILD_LOCAL)) &&
	    f->proto != IPPROTO_UDP)
		return false;
	/* A wildcard local address only ever pairs with a wildcard remote. */
	return !(flags & TRY_WILD_LOCAL) || (flags & TRY_WILD_REMOTE);
}

static bool sockdiag_flow_ok(const struct flow *f)
{
	if (f->proto != IPPROTO_TCP && f->proto != IPPROTO_UDP)
		return false;
	return f->has_ports && (f->ip_version == 4 || f->ip_version == 6);
}

/* The lookups of sockdiag_lookup, with the request's states given. */
static int sockdiag_find(struct sockdiag *sd, const struct flow *flow,
			 uint32_t ifindex, uint32_t states,
			 struct sockdiag_result *res)
{
	struct inet_diag_req_v2 req;
	int flags, err, last = -ENOENT;

	if (!sockdiag_flow_ok(flow))
		return -EINVAL;
	/* Cheapest first: the flags' numeric order is the retry order. */
	for (flags = 0; flags <= 0xf; flags++) {
		if (!sockdiag_try_ok(flow, ifindex, flags))
			continue;
		sockdiag_build(&req, flow, ifindex, flags);
		req.idiag_states = states;
		err = sockdiag_query(sd, &req, res);
		if (err == 0) {
			res->mapped = flags & TRY_MAPPED;
			res->wildcard = flags & TRY_WILD_REMOTE;
			return 0;
		}
		/* A lost reply would cost each retry the full timeout. */
		if (err == -ETIMEDOUT)
			return err;
		/* e.g. EINVAL from a kernel without IPv6: the others may work
		 */
		if (err != -ENOENT)
			last = err;
	}
	return last;
}

int sockdiag_lookup(struct sockdiag *sd, const struct flow *flow,
		    uint32_t ifindex, struct sockdiag_result *res)
{
	return sockdiag_find(sd, flow, ifindex, ~0U, res);
}

void sockdiag_reverse(const struct flow *in, struct flow *out)
{
	*out = *in;
	memcpy(out->src, in->dst, sizeof(out->src));
	memcpy(out->dst, in->src, sizeof(out->dst));
	out->sport = in->dport;
	out->dport = in->sport;
	out->direction = FLOW_DIR_OUT;
}

int sockdiag_lookup_inbound(struct sockdiag *sd, const struct flow *flow,
			    uint32_t ifindex, struct sockdiag_result *res)
{
	struct flow local;

	sockdiag_reverse(flow, &local);
	return sockdiag_find(sd, &local, ifindex,
			     flow->proto == IPPROTO_TCP ? SOCKDIAG_LISTENER
							: ~0U,
			     res);
}

int sockdiag_udp_senders(struct sockdiag *sd, const struct flow *flow,
			 int *count)
{
	struct inet_diag_req_v2 req;
	int err;

	*count = 0;
	if (!sockdiag_flow_ok(flow) || flow->proto != IPPROTO_UDP)
		return -EINVAL;
	sockdiag_build(&req, flow, 0, 0);
	err = sockdiag_dump_port(sd, &req, count);
	if (err == 0 && flow->ip_version == 4) {
		/* an AF_INET6 socket may send IPv4 from the same port */
		sockdiag_build(&req, flow, 0, TRY_MAPPED);
		err = sockdiag_dump_port(sd, &req, count);
	}
	return err;
}
