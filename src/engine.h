/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFJUDGE_ENGINE_H
#define NFJUDGE_ENGINE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "verdict.h"

struct dnsname_list;
struct flow;
struct policy_ref;
struct proc_info;
struct record_event;
struct engine;

/* What the source of a packet knows besides its bytes. */
struct engine_pkt {
	const struct flow *flow;
	int64_t ts_us; /* the record's timestamp */
	bool live;     /* from NFQUEUE: queue, packet_id, latency */
	int queue;
	uint32_t packet_id;
	int64_t received_us; /* CLOCK_MONOTONIC at receipt, for latency */
	uint32_t ifindex;    /* output interface, 0 when unknown */
	bool have_owner;     /* the socket owner's uid/gid, from NFQUEUE */
	uid_t uid;
	gid_t gid;
};

/*
 * Where the engine finds a flow's process: fill *proc and return
 * ATTR_SOCKET or ATTR_SIDECAR; set the owner (uid, gid) and return ATTR_UID
 * when only the owner is known; return ATTR_NONE otherwise.
 */
typedef enum attribution (*engine_attr_fn)(void *ctx,
					   const struct engine_pkt *pkt,
					   struct proc_info *proc, uid_t *uid,
					   gid_t *gid);

/* The names learned for a packet's destination, the most recent first. */
typedef void (*engine_names_fn)(void *ctx, const struct engine_pkt *pkt,
				struct dnsname_list *out);

/*
 * Where records go.  emit returns 0 when the record was taken for writing
 * and <0 when it was lost.  can_accept (NULL: always) is false while
 * records cannot be written and the log-failure policy is "closed": the
 * engine then rejects what it would have accepted.
 */
struct engine_cfg {
	struct policy_ref *policy;
	engine_names_fn names; /* NULL: no names for addresses */
	void *names_ctx;
	bool force_audit;	  /* --audit */
	engine_attr_fn attribute; /* NULL: no attribution */
	void *attr_ctx;
	int (*emit)(void *ctx, const struct record_event *ev);
	bool (*can_accept)(void *ctx);
	void *out_ctx;
	/* emit's records name the hasher, and the community_id is computed
	 * where they are formatted (replay's writer thread) */
	bool community_id_later;
};

/* Counters, by the policy's decision (not what audit mode enforced). */
struct engine_counts {
	uint64_t judged;
	uint64_t accepted;
	uint64_t rejected;
	uint64_t dropped;
	uint64_t gated;	 /* accepts turned into rejects: log unavailable */
	uint64_t fenced; /* dropped by the fence, not judged: engine_drop() */
	uint64_t lost;	 /* records emit could not take */
};

/*
 * One engine per thread: it owns a Community ID hasher and a process
 * buffer, so judging allocates nothing.  NULL with errno on failure.
 */
struct engine *engine_new(const struct engine_cfg *cfg);
void engine_free(struct engine *e);

/*
 * The one decision path of run and replay: attribution, policy, record.
 * Returns the verdict to enforce (accept in audit mode; reject when the
 * log is unavailable in closed mode); *decided (may be NULL) receives the
 * policy's own verdict.
 */
enum verdict engine_judge(struct engine *e, const struct engine_pkt *pkt,
			  enum verdict *decided);

/* The rule a record of a fence drop names. */
#define ENGINE_FENCE_RULE "fence"

/*
 * Record a packet the fence drops before any policy sees it (SPEC.md §2):
 * a verdict record "drop" by rule "fence", with the fence's reason (such
 * as "tcp-not-new"), attributed as a judged packet would be.
 */
void engine_drop(struct engine *e, const struct engine_pkt *pkt,
		 const char *reason);

void engine_get_counts(const struct engine *e, struct engine_counts *c);

#endif
