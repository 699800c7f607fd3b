/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFJUDGE_CONTROL_H
#define NFJUDGE_CONTROL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct pollfd;
struct control;

/* The kernel's word on who is at the other end (SO_PEERCRED). */
struct control_peer {
	uid_t uid;
	gid_t gid;
	pid_t pid;
};

/* Clients served at once; more are answered "busy" and closed. */
#define CONTROL_CLIENTS 8
/* The most descriptors control_pollfds fills. */
#define CONTROL_FDS (CONTROL_CLIENTS + 1)
/* A reply's bound, newline included. */
#define CONTROL_REPLY_MAX 65536
/* A client that sends no whole line in this time is closed. */
#define CONTROL_IDLE_MS 5000

/*
 * handle answers one request line (no newline) of an authorised peer
 * with one JSON object in reply[0..cap), returning its length (no
 * newline).  refused is told of each peer turned away.
 */
struct control_opts {
	const char *path;
	bool have_group;
	gid_t group;
	size_t (*handle)(void *ctx, const struct control_peer *peer,
			 const char *line, size_t len, char *reply, size_t cap);
	void (*refused)(void *ctx, const struct control_peer *peer);
	void *ctx;
};

/*
 * Bind and listen on a unix stream socket at path, mode 0660, owner root,
 * group the control group (as it is, without one): made before
 * privileges go, since only root may chown.  A stale socket at path is
 * replaced; anything else there is an error.  NULL with errno set.
 */
struct control *control_open(const struct control_opts *o);

/* Remove the socket and close every client.  NULL is fine. */
void control_close(struct control *c);

/* The descriptors to poll, into pfd[0..CONTROL_FDS); returns how many. */
int control_pollfds(struct control *c, struct pollfd *pfd);

/* Serve what poll found in pfd[0..n) (as control_pollfds filled it). */
void control_service(struct control *c, const struct pollfd *pfd, int n,
		     int64_t now_ms);

/* Close the clients idle since before now_ms - CONTROL_IDLE_MS. */
void control_expire(struct control *c, int64_t now_ms);

/*
 * Whether a peer may use the socket: uid 0, or the peer's gid (its
 * effective group when it connected) is the control group.
 */
bool control_peer_allowed(const struct control_peer *peer, bool have_group,
			  gid_t group);

#endif
