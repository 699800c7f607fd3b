// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nfnetlink_log over libmnl.
 *
 * What the kernel does when we cannot keep up: it builds a message per
 * packet (or per qthresh packets), numbers each packet, and when our
 * receive buffer is full the message is lost and recv() reports ENOBUFS
 * once (we leave NETLINK_NO_ENOBUFS off for that).  The packet itself was
 * dropped by the rule whatever happens here: losing a message loses a
 * record, never lets a packet through, and the gap in the numbers is
 * recorded as lost.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_log.h>

#include "nflog.h"

#define NFLOG_CTRL_BUF 8192
#define NFLOG_RCVBUF   (4 << 20)

struct nflog {
	struct mnl_socket *nl;
	unsigned int portid;
	uint16_t group;
	uint64_t invalid;
	char *rxbuf;
	size_t rxlen;
};

struct log_attrs {
	const struct nlattr *tb[NFULA_MAX + 1];
};

static int attr_cb(const struct nlattr *attr, void *data)
{
	struct log_attrs *a = data;
	int type = mnl_attr_get_type(attr);

	if (mnl_attr_type_valid(attr, NFULA_MAX) < 0)
		return MNL_CB_OK; /* newer than us: skip */
	switch (type) {
	case NFULA_PACKET_HDR:
		if (mnl_attr_validate2(attr, MNL_TYPE_UNSPEC,
				       sizeof(struct nfulnl_msg_packet_hdr)) <
		    0)
			return MNL_CB_ERROR;
		break;
	case NFULA_SEQ:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) < 0)
			return MNL_CB_ERROR;
		break;
	case NFULA_PAYLOAD:
	case NFULA_PREFIX:
		break;
	default:
		return MNL_CB_OK;
	}
	a->tb[type] = attr;
	return MNL_CB_OK;
}

struct parse_ctx {
	nflog_packet_cb cb;
	void *data;
	uint64_t *invalid;
};

static int packet_cb(const struct nlmsghdr *nlh, void *data)
{
	struct parse_ctx *c = data;
	struct log_attrs a = {0};
	const struct nfulnl_msg_packet_hdr *ph;
	struct nflog_packet pkt = {0};

	if (NFNL_MSG_TYPE(nlh->nlmsg_type) != NFULNL_MSG_PACKET ||
	    mnl_attr_parse(nlh, sizeof(struct nfgenmsg), attr_cb, &a) < 0 ||
	    !a.tb[NFULA_PACKET_HDR] || !a.tb[NFULA_PAYLOAD]) {
		(*c->invalid)++;
		return MNL_CB_OK;
	}
	ph = mnl_attr_get_payload(a.tb[NFULA_PACKET_HDR]);
	pkt.hook = ph->hook;
	pkt.data = mnl_attr_get_payload(a.tb[NFULA_PAYLOAD]);
	pkt.caplen = mnl_attr_get_payload_len(a.tb[NFULA_PAYLOAD]);
	if (a.tb[NFULA_PREFIX]) {
		pkt.prefix = mnl_attr_get_payload(a.tb[NFULA_PREFIX]);
		pkt.prefix_len = mnl_attr_get_payload_len(a.tb[NFULA_PREFIX]);
	}
	if (a.tb[NFULA_SEQ]) {
		pkt.has_seq = true;
		pkt.seq = ntohl(mnl_attr_get_u32(a.tb[NFULA_SEQ]));
	}
	c->cb(&pkt, c->data);
	return MNL_CB_OK;
}

/*
 * Message by message, so one malformed message costs only itself; a
 * header that does not fit ends the buffer.  Lengths are checked here as
 * unsigned: mnl_nlmsg_ok() compares them as int, so a length above 2 GiB
 * would pass it.
 */
void nflog_parse(const void *buf, size_t len, nflog_packet_cb cb, void *data,
		 uint64_t *invalid)
{
	struct parse_ctx c = {cb, data, invalid};
	const char *p = buf;
	const struct nlmsghdr *nlh;
	size_t step;

	while (len >= sizeof(*nlh)) {
		nlh = (const struct nlmsghdr *)p;
		if (nlh->nlmsg_len < sizeof(*nlh) || nlh->nlmsg_len > len)
			break;
		if (nlh->nlmsg_type >= NLMSG_MIN_TYPE)
			packet_cb(nlh, &c);
		step = NLMSG_ALIGN(nlh->nlmsg_len);
		if (step >= len)
			return;
		p += step;
		len -= step;
	}
	if (len)
		(*invalid)++;
}

static int send_and_ack(struct nflog *l, struct nlmsghdr *nlh)
{
	char buf[NFLOG_CTRL_BUF];
	uint32_t seq = (uint32_t)time(NULL);
	int n;

	nlh->nlmsg_flags |= NLM_F_ACK;
	nlh->nlmsg_seq = seq;
	if (mnl_socket_sendto(l->nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	n = (int)mnl_socket_recvfrom(l->nl, buf, sizeof(buf));
	if (n < 0)
		return -errno;
	if (mnl_cb_run(buf, (size_t)n, seq, l->portid, NULL, NULL) < 0)
		return -errno;
	return 0;
}

static struct nlmsghdr *config_put(char *buf, uint16_t group)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nfgenmsg *nfg;

	nlh->nlmsg_type = (NFNL_SUBSYS_ULOG << 8) | NFULNL_MSG_CONFIG;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = AF_UNSPEC;
	nfg->version = NFNETLINK_V0;
	nfg->res_id = htons(group);
	return nlh;
}

static int config_bind(struct nflog *l)
{
	char buf[NFLOG_CTRL_BUF];
	struct nlmsghdr *nlh = config_put(buf, l->group);
	struct nfulnl_msg_config_cmd cmd = {.command = NFULNL_CFG_CMD_BIND};

	mnl_attr_put(nlh, NFULA_CFG_CMD, sizeof(cmd), &cmd);
	return send_and_ack(l, nlh);
}

static int config_params(struct nflog *l, uint32_t copy, uint32_t qthresh,
			 uint32_t timeout_cs)
{
	char buf[NFLOG_CTRL_BUF];
	struct nlmsghdr *nlh = config_put(buf, l->group);
	struct nfulnl_msg_config_mode mode = {
		.copy_range = htonl(copy),
		.copy_mode = NFULNL_COPY_PACKET,
	};

	mnl_attr_put(nlh, NFULA_CFG_MODE, sizeof(mode), &mode);
	mnl_attr_put_u16(nlh, NFULA_CFG_FLAGS, htons(NFULNL_CFG_F_SEQ));
	mnl_attr_put_u32(nlh, NFULA_CFG_QTHRESH, htonl(qthresh));
	mnl_attr_put_u32(nlh, NFULA_CFG_TIMEOUT, htonl(timeout_cs));
	return send_and_ack(l, nlh);
}

static int socket_setup(struct nflog *l)
{
	int size = NFLOG_RCVBUF, fd;

	l->nl = mnl_socket_open(NETLINK_NETFILTER);
	if (!l->nl)
		return -errno;
	if (mnl_socket_bind(l->nl, 0, MNL_SOCKET_AUTOPID) < 0)
		return -errno;
	l->portid = mnl_socket_get_portid(l->nl);
	fd = mnl_socket_get_fd(l->nl);
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	return 0;
}

struct nflog *nflog_open(uint16_t group, uint32_t copy, uint32_t qthresh,
			 uint32_t timeout_cs)
{
	struct nflog *l = calloc(1, sizeof(*l));
	int err = -ENOMEM;

	if (!l)
		return NULL;
	l->group = group;
	l->rxlen =
		MNL_SOCKET_BUFFER_SIZE > 65536 ? MNL_SOCKET_BUFFER_SIZE : 65536;
	l->rxbuf = malloc(l->rxlen);
	if (l->rxbuf)
		err = socket_setup(l);
	if (!err)
		err = config_bind(l);
	if (!err)
		err = config_params(l, copy, qthresh, timeout_cs);
	if (!err) {
		int fd = mnl_socket_get_fd(l->nl);

		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
		return l;
	}
	nflog_close(l);
	errno = -err;
	return NULL;
}

void nflog_close(struct nflog *l)
{
	if (!l)
		return;
	if (l->nl)
		mnl_socket_close(l->nl);
	free(l->rxbuf);
	free(l);
}

int nflog_fd(const struct nflog *l)
{
	return mnl_socket_get_fd(l->nl);
}

struct count_ctx {
	nflog_packet_cb cb;
	void *data;
	int n;
};

static void count_cb(const struct nflog_packet *pkt, void *data)
{
	struct count_ctx *c = data;

	c->n++;
	c->cb(pkt, c->data);
}

int nflog_receive(struct nflog *l, nflog_packet_cb cb, void *data)
{
	struct count_ctx c = {cb, data, 0};
	ssize_t n;

	n = mnl_socket_recvfrom(l->nl, l->rxbuf, l->rxlen);
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
	nflog_parse(l->rxbuf, (size_t)n, count_cb, &c, &l->invalid);
	return c.n;
}

uint64_t nflog_invalid(const struct nflog *l)
{
	return l->invalid;
}
