/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFJUDGE_CMD_H
#define NFJUDGE_CMD_H

/*
 * One entry point per subcommand.  argv[0] is the subcommand's name; each
 * returns the process exit status (0 ok, 1 runtime failure, 2 usage).
 */
int cmd_version(int argc, char **argv);
int cmd_policy(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_replay(int argc, char **argv);
int cmd_rules(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_doctor(int argc, char **argv);
int cmd_ctl(int argc, char **argv);

#include "exitcode.h"

#endif
