// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The control socket, served from the daemon's control thread.  Every
 * descriptor is non-blocking and every client bounded in what it may
 * send (one line of CTLREQ_MAX bytes at a time), in number and in idle
 * time, so a slow or hostile peer costs at most a poll slot: the queue
 * workers never wait for it.  A reply that does not fit the socket's
 * buffer at once closes the client rather than wait for it.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "control.h"
#include "ctlproto.h"
#include "log.h"

struct client {
	int fd;
	struct control_peer peer;
	int64_t last_ms;
	size_t len;
	char buf[CTLREQ_MAX + 1];
};

struct control {
	struct control_opts o;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	int fd;
	struct client cl[CONTROL_CLIENTS];
	char reply[CONTROL_REPLY_MAX];
};

bool control_peer_allowed(const struct control_peer *peer, bool have_group,
			  gid_t group)
{
	return peer->uid == 0 || (have_group && peer->gid == group);
}

/* A socket left by a daemon that died may go; any other file stays. */
static int clear_stale(const char *path)
{
	struct stat st;

	if (lstat(path, &st))
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISSOCK(st.st_mode))
		return -EEXIST;
	return unlink(path) ? -errno : 0;
}

static int bind_socket(struct control *c)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	mode_t old;
	int err;

	memcpy(sa.sun_path, c->path, strlen(c->path));
	err = clear_stale(c->path);
	if (err)
		return err;
	/* no moment in which others may connect: 0660 from the start */
	old = umask(0117);
	err = bind(c->fd, (struct sockaddr *)&sa, sizeof(sa)) ? -errno : 0;
	umask(old);
	if (err)
		return err;
	if (chown(c->path, 0, c->o.have_group ? c->o.group : (gid_t)-1) ||
	    listen(c->fd, 16))
		return -errno;
	return 0;
}

struct control *control_open(const struct control_opts *o)
{
	struct control *c;
	int err, i;

	if (!o->path || strlen(o->path) >= sizeof(c->path)) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->o = *o;
	snprintf(c->path, sizeof(c->path), "%s", o->path);
	for (i = 0; i < CONTROL_CLIENTS; i++)
		c->cl[i].fd = -1;
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	err = c->fd < 0 ? -errno : bind_socket(c);
	if (err) {
		if (c->fd >= 0)
			close(c->fd);
		free(c);
		errno = -err;
		return NULL;
	}
	c->o.path = c->path;
	return c;
}

static void drop_client(struct client *cl)
{
	close(cl->fd);
	cl->fd = -1;
	cl->len = 0;
}

void control_close(struct control *c)
{
	int i;

	if (!c)
		return;
	for (i = 0; i < CONTROL_CLIENTS; i++)
		if (c->cl[i].fd >= 0)
			drop_client(&c->cl[i]);
	close(c->fd);
	/* after privileges went this may fail: the next start replaces it */
	unlink(c->path);
	free(c);
}

int control_pollfds(struct control *c, struct pollfd *pfd)
{
	int i, n = 0;

	pfd[n].fd = c->fd;
	pfd[n++].events = POLLIN;
	for (i = 0; i < CONTROL_CLIENTS; i++) {
		pfd[n].fd = c->cl[i].fd; /* -1: ignored by poll */
		pfd[n++].events = POLLIN;
	}
	return n;
}

/* One line out, whole or not at all. */
static bool send_line(int fd, char *buf, size_t len)
{
	ssize_t n;

	buf[len++] = '\n';
	n = send(fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);
	return n == (ssize_t)len;
}

static void send_error(int fd, const char *msg)
{
	char buf[256];
	int n = snprintf(buf, sizeof(buf) - 1,
			 "{\"ok\":false,\"error\":\"%s\"}", msg);

	send_line(fd, buf, (size_t)n);
}

static struct client *free_client(struct control *c)
{
	int i;

	for (i = 0; i < CONTROL_CLIENTS; i++)
		if (c->cl[i].fd < 0)
			return &c->cl[i];
	return NULL;
}

static void refuse(struct control *c, int fd, const struct control_peer *p)
{
	char msg[160];

	snprintf(msg, sizeof(msg),
		 "permission denied: uid %u is not root and gid %u is not "
		 "the control group",
		 (unsigned)p->uid, (unsigned)p->gid);
	send_error(fd, msg);
	c->o.refused(c->o.ctx, p);
	close(fd);
}

static void accept_one(struct control *c, int64_t now_ms)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	struct control_peer peer;
	struct client *cl;
	int fd = accept4(c->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (fd < 0)
		return;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) ||
	    len != sizeof(cred)) {
		close(fd);
		return;
	}
	peer = (struct control_peer){cred.uid, cred.gid, cred.pid};
	if (!control_peer_allowed(&peer, c->o.have_group, c->o.group)) {
		refuse(c, fd, &peer);
		return;
	}
	cl = free_client(c);
	if (!cl) {
		send_error(fd, "busy: too many control clients");
		close(fd);
		return;
	}
	cl->fd = fd;
	cl->peer = peer;
	cl->last_ms = now_ms;
	cl->len = 0;
}

/* Answer every whole line in the buffer; false when the client must go. */
static bool serve_lines(struct control *c, struct client *cl)
{
	char *nl;
	size_t n, used;

	while ((nl = memchr(cl->buf, '\n', cl->len))) {
		used = (size_t)(nl - cl->buf);
		n = c->o.handle(c->o.ctx, &cl->peer, cl->buf, used, c->reply,
				sizeof(c->reply) - 1);
		if (!send_line(cl->fd, c->reply, n))
			return false;
		memmove(cl->buf, nl + 1, cl->len - used - 1);
		cl->len -= used + 1;
	}
	if (cl->len > CTLREQ_MAX) {
		send_error(cl->fd, "request longer than 4096 bytes");
		return false;
	}
	return true;
}

static void read_client(struct control *c, struct client *cl, int64_t now_ms)
{
	ssize_t n = recv(cl->fd, cl->buf + cl->len, sizeof(cl->buf) - cl->len,
			 MSG_DONTWAIT);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		drop_client(cl);
		return;
	}
	cl->len += (size_t)n;
	cl->last_ms = now_ms;
	if (!serve_lines(c, cl))
		drop_client(cl);
}

void control_service(struct control *c, const struct pollfd *pfd, int n,
		     int64_t now_ms)
{
	int i;

	for (i = 1; i < n && i <= CONTROL_CLIENTS; i++)
		if (c->cl[i - 1].fd >= 0 && pfd[i].fd == c->cl[i - 1].fd &&
		    (pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
			read_client(c, &c->cl[i - 1], now_ms);
	/* a few at a time, so that a flood of connects cannot hold us */
	for (i = 0; n > 0 && (pfd[0].revents & POLLIN) && i < 4; i++)
		accept_one(c, now_ms);
}

void control_expire(struct control *c, int64_t now_ms)
{
	int i;

	for (i = 0; i < CONTROL_CLIENTS; i++)
		if (c->cl[i].fd >= 0 &&
		    now_ms - c->cl[i].last_ms > CONTROL_IDLE_MS)
			drop_client(&c->cl[i]);
}
