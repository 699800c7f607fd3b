/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFJUDGE_FENCELOG_H
#define NFJUDGE_FENCELOG_H

#include <stdint.h>

struct nflog_packet;
struct record_event;
struct fencelog;

/*
 * The fence's kernel-side drops as records: each packet an NFLOG rule of
 * the chain logged becomes a verdict record (verdict drop, rule "fence",
 * the rule's reason), and each gap in the kernel's numbering a lost record
 * of what "fence", so a drop is never silently unrecorded.
 */

typedef int (*fencelog_emit_fn)(void *ctx, const struct record_event *ev);

struct fencelog *fencelog_new(fencelog_emit_fn emit, void *ctx);
void fencelog_free(struct fencelog *fl);

/* One logged packet, with the wall-clock time to record. */
void fencelog_packet(struct fencelog *fl, const struct nflog_packet *pkt,
		     int64_t ts_us);

struct fencelog_stats {
	uint64_t recorded; /* verdict records written */
	uint64_t lost;	   /* drops known only by the gap they left */
	uint64_t foreign;  /* packets with a prefix not ours */
};
void fencelog_get_stats(const struct fencelog *fl, struct fencelog_stats *st);

#endif
