/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFJUDGE_PROCJSON_H
#define NFJUDGE_PROCJSON_H

#include <jansson.h>

struct proc_info;

/*
 * Read a record's "proc" object (SPEC.md §5) back into a proc_info, as
 * replay's --procs and audit's whatif need it.  Strings are taken as the
 * record shows them (an "\xNN" escape stays text).  Overlong strings are
 * cut to the field's size.  Returns 0, or -EINVAL with the offending field
 * named in *field when a field has the wrong type.
 */
int procjson_parse(json_t *obj, struct proc_info *out, const char **field);

#endif
