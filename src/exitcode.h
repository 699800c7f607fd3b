/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFJUDGE_EXITCODE_H
#define NFJUDGE_EXITCODE_H

/*
 * Exit status for usage and configuration errors, as SPEC.md fixes it,
 * here rather than in cmd.h so that library code returning it does not
 * depend on the subcommands.
 */
#define EXIT_USAGE 2

#endif
