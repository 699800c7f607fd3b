/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFJUDGE_PROCJSON_H
#define NFJUDGE_PROCJSON_H

#include <jansson.h>

struct proc_info;

/*
 * Read a record's "proc" object (SPEC.md §5) back into a proc_info, as
 * replay's --procs and audit's whatif need it.  Strings are taken as the
 * record shows them (an "\xNN" escape stays text).  Overlong strings are
 * cut to the field's size.  What made the live daemon's process rules
 * wary is read too (tainted, partial, the holders of a shared socket and
 * how many more there were, an ancestor's foreign exe), so that judging
 * the record again is not more permissive than the daemon was; the
 * holders are valid until the thread's next call.  Returns 0, or -EINVAL
 * with the offending field named in *field when a field has the wrong
 * type.
 */
int procjson_parse(json_t *obj, struct proc_info *out, const char **field);

#endif
