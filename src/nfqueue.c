// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * NFQUEUE over libmnl and libnetfilter_queue's nlmsg helpers: the only file
 * that speaks nfnetlink_queue.
 *
 * What the kernel does when we cannot keep up (fail-closed by default):
 *  - the queue holds up to maxlen packets; beyond that the kernel drops new
 *    ones (the connecting program retries its SYN, so a burst costs time,
 *    not correctness), or accepts them if fail_open set NFQA_CFG_F_FAIL_OPEN;
 *  - when our socket's receive buffer overflows, the kernel drops the
 *    message, not the packet: the packet stays queued until the queue
 *    overflows.  NETLINK_NO_ENOBUFS stops that from being reported as a
 *    socket error; we size the buffer for bursts instead.  We never set
 *    FAIL_OPEN in fail-closed mode, because it also accepts packets whose
 *    message could not be delivered;
 *  - when the daemon dies, the kernel unbinds the queue and, without
 *    --queue-bypass on the rule, drops what arrives: nothing gets through.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_queue.h>
#include <libnetfilter_queue/libnetfilter_queue.h>

#include "nfqueue.h"

/* Room for a batch of verdicts: each is 40 bytes on the wire. */
#define VERDICT_BATCH_SIZE 8192
/* Configuration messages and their acks are small. */
#define NFQUEUE_CTRL_BUF 8192
/*
 * Datagrams one receive takes: the kernel sends each packet in its own,
 * the copied bytes plus well under 1 KiB of attributes (one with more
 * would be cut, and its packet never answered: a slot has ample room).
 */
#define NFQUEUE_RX_SLOTS 16
#define NFQUEUE_RX_ROOM	 8192

struct nfqueue {
	struct mnl_socket *nl;
	bool borrowed; /* a clone's: the original closes it */
	unsigned int portid;
	struct nfqueue_opts opts;
	char *rxbuf; /* NFQUEUE_RX_SLOTS slots of rxlen bytes */
	size_t rxlen;
	struct mmsghdr rx[NFQUEUE_RX_SLOTS];
	struct iovec rxiov[NFQUEUE_RX_SLOTS];
	bool more; /* the last receive filled every slot */
	char txbuf[VERDICT_BATCH_SIZE * 2];
	struct mnl_nlmsg_batch *batch;
	struct nfqueue_stats stats;
};

static int send_and_ack(struct nfqueue *q, struct nlmsghdr *nlh)
{
	char buf[NFQUEUE_CTRL_BUF];
	uint32_t seq = (uint32_t)time(NULL);
	int n;

	nlh->nlmsg_flags |= NLM_F_ACK;
	nlh->nlmsg_seq = seq;
	if (mnl_socket_sendto(q->nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	n = (int)mnl_socket_recvfrom(q->nl, buf, sizeof(buf));
	if (n < 0)
		return -errno;
	if (mnl_cb_run(buf, (size_t)n, seq, q->portid, NULL, NULL) < 0)
		return -errno;
	return 0;
}

static int config_cmd(struct nfqueue *q, uint8_t cmd)
{
	char buf[NFQUEUE_CTRL_BUF];
	struct nlmsghdr *nlh =
		nfq_nlmsg_put(buf, NFQNL_MSG_CONFIG, q->opts.queue);

	nfq_nlmsg_cfg_put_cmd(nlh, AF_UNSPEC, cmd);
	return send_and_ack(q, nlh);
}

static int config_params(struct nfqueue *q)
{
	char buf[NFQUEUE_CTRL_BUF];
	struct nlmsghdr *nlh =
		nfq_nlmsg_put(buf, NFQNL_MSG_CONFIG, q->opts.queue);
	uint32_t flags = NFQA_CFG_F_UID_GID | NFQA_CFG_F_GSO;

	if (q->opts.fail_open)
		flags |= NFQA_CFG_F_FAIL_OPEN;
	nfq_nlmsg_cfg_put_params(nlh, NFQNL_COPY_PACKET, (int)q->opts.copy);
	nfq_nlmsg_cfg_put_qmaxlen(nlh, q->opts.maxlen);
	/* The mask names every flag we decide, so FAIL_OPEN is cleared
	 * explicitly in fail-closed mode. */
	mnl_attr_put_u32(nlh, NFQA_CFG_FLAGS, htonl(flags));
	mnl_attr_put_u32(nlh, NFQA_CFG_MASK,
			 htonl(NFQA_CFG_F_UID_GID | NFQA_CFG_F_GSO |
			       NFQA_CFG_F_FAIL_OPEN));
	return send_and_ack(q, nlh);
}

static int socket_setup(struct nfqueue *q)
{
	int on = 1, fd;

	q->nl = mnl_socket_open(NETLINK_NETFILTER);
	if (!q->nl)
		return -errno;
	if (mnl_socket_bind(q->nl, 0, MNL_SOCKET_AUTOPID) < 0)
		return -errno;
	q->portid = mnl_socket_get_portid(q->nl);
	fd = mnl_socket_get_fd(q->nl);
	/* SO_RCVBUFFORCE passes rmem_max (we hold CAP_NET_ADMIN); fall back
	 * to what the limit allows. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &q->opts.rcvbuf,
		       sizeof(q->opts.rcvbuf)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &q->opts.rcvbuf,
			   sizeof(q->opts.rcvbuf));
	if (mnl_socket_setsockopt(q->nl, NETLINK_NO_ENOBUFS, &on, sizeof(on)))
		return -errno;
	/* An ack for the config messages is an extended error: ask for it. */
	mnl_socket_setsockopt(q->nl, NETLINK_EXT_ACK, &on, sizeof(on));
	return 0;
}

/* The buffers of a handle: 0 or -ENOMEM. */
static int buffers_alloc(struct nfqueue *q)
{
	int i;

	q->rxlen = NFQUEUE_RX_ROOM + q->opts.copy;
	q->rxbuf = malloc(q->rxlen * NFQUEUE_RX_SLOTS);
	q->batch = mnl_nlmsg_batch_start(q->txbuf, VERDICT_BATCH_SIZE);
	if (!q->rxbuf || !q->batch)
		return -ENOMEM;
	for (i = 0; i < NFQUEUE_RX_SLOTS; i++) {
		q->rxiov[i].iov_base = q->rxbuf + (size_t)i * q->rxlen;
		q->rxiov[i].iov_len = q->rxlen;
		q->rx[i].msg_hdr.msg_iov = &q->rxiov[i];
		q->rx[i].msg_hdr.msg_iovlen = 1;
	}
	return 0;
}

struct nfqueue *nfqueue_clone(const struct nfqueue *orig)
{
	struct nfqueue *q = calloc(1, sizeof(*q));

	if (!q)
		return NULL;
	q->opts = orig->opts;
	q->nl = orig->nl;
	q->borrowed = true;
	q->portid = orig->portid;
	if (buffers_alloc(q)) {
		nfqueue_close(q);
		errno = ENOMEM;
		return NULL;
	}
	return q;
}

struct nfqueue *nfqueue_open(const struct nfqueue_opts *opts)
{
	struct nfqueue *q = calloc(1, sizeof(*q));
	int err;

	if (!q)
		return NULL;
	q->opts = *opts;
	err = buffers_alloc(q);
	if (!err)
		err = socket_setup(q);
	if (!err)
		err = config_cmd(q, NFQNL_CFG_CMD_BIND);
	if (!err)
		err = config_params(q);
	if (!err) {
		int fd = mnl_socket_get_fd(q->nl);

		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
		return q;
	}
	/* EPERM from BIND means another socket holds the queue. */
	nfqueue_close(q);
	errno = err == -EPERM ? EBUSY : -err;
	return NULL;
}

void nfqueue_close(struct nfqueue *q)
{
	if (!q)
		return;
	if (q->nl && !q->borrowed)
		mnl_socket_close(q->nl);
	if (q->batch)
		mnl_nlmsg_batch_stop(q->batch);
	free(q->rxbuf);
	free(q);
}

int nfqueue_fd(const struct nfqueue *q)
{
	return mnl_socket_get_fd(q->nl);
}

struct pkt_attrs {
	const struct nlattr *tb[NFQA_MAX + 1];
	const char *end; /* the message's last byte + 1, as nlmsg_len says */
};

/* Keep an attribute only when its type is known and its length right. */
static int attr_cb(const struct nlattr *attr, void *data)
{
	struct pkt_attrs *a = data;
	int type = mnl_attr_get_type(attr);

	/* libmnl walks up to the message's aligned end; the kernel does not
	 * pad its last message, so an attribute may reach past nlmsg_len
	 * and past the datagram. */
	if (a->end - (const char *)attr < (ptrdiff_t)sizeof(*attr) ||
	    a->end - (const char *)attr < (ptrdiff_t)attr->nla_len)
		return MNL_CB_ERROR;
	if (mnl_attr_type_valid(attr, NFQA_MAX) < 0)
		return MNL_CB_OK; /* newer than us: skip */
	switch (type) {
	case NFQA_PACKET_HDR:
		if (mnl_attr_validate2(attr, MNL_TYPE_UNSPEC,
				       sizeof(struct nfqnl_msg_packet_hdr)) < 0)
			return MNL_CB_ERROR;
		break;
	case NFQA_MARK:
	case NFQA_IFINDEX_OUTDEV:
	case NFQA_CAP_LEN:
	case NFQA_UID:
	case NFQA_GID:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) < 0)
			return MNL_CB_ERROR;
		break;
	case NFQA_PAYLOAD:
		break;
	default:
		return MNL_CB_OK;
	}
	a->tb[type] = attr;
	return MNL_CB_OK;
}

static uint32_t attr_u32(const struct nlattr *attr, uint32_t dflt)
{
	return attr ? ntohl(mnl_attr_get_u32(attr)) : dflt;
}

/* One datagram being parsed: where its packets go. */
struct nfq_parse {
	uint16_t queue;
	nfqueue_packet_cb cb;
	void *data;
	struct nfqueue_stats *st;
};

static int packet_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nfq_parse *ps = data;
	struct pkt_attrs a = {.end = (const char *)nlh + nlh->nlmsg_len};
	const struct nfqnl_msg_packet_hdr *ph;
	struct nfqueue_packet pkt = {0};

	if (mnl_attr_parse(nlh, sizeof(struct nfgenmsg), attr_cb, &a) < 0 ||
	    !a.tb[NFQA_PACKET_HDR] || !a.tb[NFQA_PAYLOAD]) {
		ps->st->invalid++;
		/* Without a packet id there is nothing to answer; the kernel
		 * keeps the packet until the queue is torn down. */
		return MNL_CB_OK;
	}
	ph = mnl_attr_get_payload(a.tb[NFQA_PACKET_HDR]);
	pkt.id = ntohl(ph->packet_id);
	pkt.queue = ps->queue;
	pkt.data = mnl_attr_get_payload(a.tb[NFQA_PAYLOAD]);
	pkt.caplen = mnl_attr_get_payload_len(a.tb[NFQA_PAYLOAD]);
	pkt.len = attr_u32(a.tb[NFQA_CAP_LEN], (uint32_t)pkt.caplen);
	pkt.mark = attr_u32(a.tb[NFQA_MARK], 0);
	pkt.outdev = attr_u32(a.tb[NFQA_IFINDEX_OUTDEV], 0);
	pkt.inbound = ph->hook == NF_INET_LOCAL_IN;
	if (a.tb[NFQA_UID] && a.tb[NFQA_GID]) {
		pkt.have_owner = true;
		pkt.uid = attr_u32(a.tb[NFQA_UID], 0);
		pkt.gid = attr_u32(a.tb[NFQA_GID], 0);
	}
	ps->st->received++;
	ps->cb(&pkt, ps->data);
	return MNL_CB_OK;
}

/*
 * The kernel answers a verdict only when it failed.  ENOENT is normal: the
 * packet is gone, flushed when a netfilter hook was removed (any nft
 * change, an interface removed) while it was queued, and the kernel
 * dropped it.  Counted; anything else is an error of ours.
 */
static int error_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
	struct nfq_parse *ps = data;

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*err))) {
		ps->st->invalid++;
		return MNL_CB_OK;
	}
	if (err->error == 0)
		return MNL_CB_OK;
	if (err->error == -ENOENT) {
		ps->st->stale++;
		return MNL_CB_OK;
	}
	/* a kernel errno is in -4095..-1; anything else is not one */
	errno = err->error < 0 && err->error > -4096 ? -err->error : EPROTO;
	return MNL_CB_ERROR;
}

static mnl_cb_t ctl_cbs[NLMSG_MIN_TYPE] = {
	[NLMSG_ERROR] = error_cb,
};

/*
 * Every message length within the datagram?  libmnl compares lengths as
 * int, so a length above INT_MAX would pass its check and send it
 * walking off the buffer.
 */
static bool datagram_sane(const uint8_t *p, size_t len)
{
	const struct nlmsghdr *nlh;
	size_t n;

	while (len >= sizeof(*nlh)) {
		nlh = (const struct nlmsghdr *)p;
		n = nlh->nlmsg_len;
		if (n < sizeof(*nlh) || n > len)
			return false;
		n = NLMSG_ALIGN(n) < len ? NLMSG_ALIGN(n) : len;
		p += n;
		len -= n;
	}
	return true;
}

int nfqueue_parse(const void *buf, size_t len, uint32_t portid, uint16_t queue,
		  nfqueue_packet_cb cb, void *data, struct nfqueue_stats *st)
{
	struct nfq_parse ps = {
		.queue = queue, .cb = cb, .data = data, .st = st};
	uint64_t before = st->received;

	if (!datagram_sane(buf, len)) {
		st->invalid++;
		return 0;
	}

	if (mnl_cb_run2(buf, len, 0, portid, packet_cb, &ps, ctl_cbs,
			NLMSG_MIN_TYPE) < 0 &&
	    errno != EINTR)
		return -errno;
	return (int)(st->received - before);
}

/*
 * Every datagram received is parsed, even after one that fails, so that
 * its packets are answered; the first failure is returned.
 */
int nfqueue_receive(struct nfqueue *q, nfqueue_packet_cb cb, void *data)
{
	int i, n, r, got = 0, err = 0;

	for (i = 0; i < NFQUEUE_RX_SLOTS; i++)
		q->rx[i].msg_hdr.msg_flags = 0;
	n = recvmmsg(nfqueue_fd(q), q->rx, NFQUEUE_RX_SLOTS, MSG_DONTWAIT,
		     NULL);
	q->more = n == NFQUEUE_RX_SLOTS;
	if (n < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return 0;
		if (errno == ENOBUFS)
			q->stats.enobufs++;
		return -errno;
	}
	for (i = 0; i < n; i++) {
		if (q->rx[i].msg_hdr.msg_flags & MSG_TRUNC) {
			q->stats.invalid++;
			continue;
		}
		r = nfqueue_parse(q->rxiov[i].iov_base, q->rx[i].msg_len,
				  q->portid, q->opts.queue, cb, data,
				  &q->stats);
		if (r < 0 && !err)
			err = r;
		got += r > 0 ? r : 0;
	}
	return err ? err : got;
}

bool nfqueue_more(const struct nfqueue *q)
{
	return q->more;
}

int nfqueue_verdict(struct nfqueue *q, uint32_t id, uint32_t pkt_mark,
		    enum nfqueue_verdict v)
{
	struct nlmsghdr *nlh;
	int verdict = v == NFQUEUE_ACCEPT ? NF_ACCEPT
		      : v == NFQUEUE_DROP ? NF_DROP
					  : NF_REPEAT;

	nlh = nfq_nlmsg_put(mnl_nlmsg_batch_current(q->batch),
			    NFQNL_MSG_VERDICT, q->opts.queue);
	nfq_nlmsg_verdict_put(nlh, (int)id, verdict);
	if (v == NFQUEUE_REJECT)
		nfq_nlmsg_verdict_put_mark(
			nlh, (pkt_mark & ~q->opts.mark_mask) | q->opts.mark);
	q->stats.verdicts++;
	if (!mnl_nlmsg_batch_next(q->batch))
		return nfqueue_flush(q);
	return 0;
}

int nfqueue_flush(struct nfqueue *q)
{
	size_t len = mnl_nlmsg_batch_size(q->batch);
	int ret = 0;

	if (len == 0)
		return 0;
	if (mnl_socket_sendto(q->nl, mnl_nlmsg_batch_head(q->batch), len) < 0)
		ret = -errno;
	mnl_nlmsg_batch_reset(q->batch);
	return ret;
}

void nfqueue_get_stats(const struct nfqueue *q, struct nfqueue_stats *st)
{
	*st = q->stats;
}

int nfqueue_kernel_drops(uint16_t queue, uint64_t *queue_dropped,
			 uint64_t *user_dropped)
{
	FILE *f = fopen("/proc/net/netfilter/nfnetlink_queue", "re");
	unsigned long long qd, ud;
	unsigned num;
	char line[256];
	int ret = -ENOENT;

	if (!f)
		return -ENOENT;
	/* queue_num peer_portid queue_total copy_mode copy_range
	 * queue_dropped user_dropped id_sequence 1 */
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%u %*u %*u %*u %*u %llu %llu", &num, &qd,
			   &ud) == 3 &&
		    num == queue) {
			*queue_dropped = qd;
			*user_dropped = ud;
			ret = 0;
			break;
		}
	}
	fclose(f);
	return ret;
}
