/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFJUDGE_PROCMAP_H
#define NFJUDGE_PROCMAP_H

#include <stddef.h>
#include <stdint.h>

struct flow;
struct proc_info;
struct procmap;

/*
 * A process map for replay (--procs): JSON Lines, each with proto, src_ip,
 * src_port, an optional timestamp and a SPEC.md §5 "proc" object.  A verdict
 * log of `nfjudge run` is such a file; its other events, records with
 * "proc": null and records of flows without ports (ICMP, GRE) are skipped.  Fed
 * line by line so it can be fuzzed.
 */
struct procmap *procmap_new(void);
void procmap_free(struct procmap *pm);

/*
 * Add one line (without its newline).  Returns 0, or -EINVAL with a message
 * "LINE:COL: what" in err when the line is not such a record.
 */
int procmap_add_line(struct procmap *pm, const char *line, size_t len,
		     unsigned lineno, char *err, size_t errlen);

/* Number of processes the map holds. */
size_t procmap_size(const struct procmap *pm);

/*
 * The process that owned the flow's source endpoint at capture time ts_us:
 * of the entries for (proto, src_ip, src_port), the latest not after ts_us
 * (ports are reused), else the earliest.  Returns 0 with *out filled, or
 * -ENOENT.
 */
int procmap_lookup(const struct procmap *pm, const struct flow *f,
		   int64_t ts_us, struct proc_info *out);

#endif
