/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFJUDGE_CMD_AUDIT_H
#define NFJUDGE_CMD_AUDIT_H

/*
 * The options of the audit commands, one entry point each; argv[0] is
 * the command's name and log.h's progname is "nfjudge audit NAME".  Each
 * fills its command's config struct (audit.h) and runs the body.
 */
int cmd_audit_verify(int argc, char **argv);
int cmd_audit_report(int argc, char **argv);
int cmd_audit_search(int argc, char **argv);
int cmd_audit_summary(int argc, char **argv);
int cmd_audit_whatif(int argc, char **argv);
int cmd_audit_suggest(int argc, char **argv);

/* After getopt: -1 when LOGs follow at optind, else 2 with a message. */
int cmd_audit_need_logs(int argc);

/* --format's value into *f: 0, else a message and -EINVAL. */
enum aformat;
int cmd_audit_format(const char *arg, enum aformat *f);

#endif
