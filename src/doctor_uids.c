// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The doctor's uid check: a process of the namespace that shares the
 * daemon's uid can signal it and write what it owns.  The members were
 * noted by the process scan (doctor_procs.c).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "doctor.h"
#include "doctor_int.h"

/* kill(2)'s rule: the sender's real or effective uid is the target's
 * real or saved one. */
static bool can_signal(const struct member *from, const struct member *to)
{
	return (from->uid >= 0 &&
		(from->uid == to->uid || from->uid == to->suid)) ||
	       (from->euid >= 0 &&
		(from->euid == to->uid || from->euid == to->suid));
}

static void add_self(struct run *run)
{
	struct task t = {.pid = run->env->self, .tid = run->env->self};
	struct doctor_status st;
	char *buf = malloc(STATUS_MAX);

	snprintf(t.rel, sizeof(t.rel), "%ld", (long)run->env->self);
	if (buf &&
	    doctor_read_at(run->env->proc_root, "self/status", buf,
			   STATUS_MAX) >= 0 &&
	    !doctor_parse_status(buf, &st))
		doctor_note_member(run, &t, &st, ~0ull,
				   run->have_exe ? &run->self_exe : NULL);
	free(buf);
}

void doctor_check_uids(struct run *run)
{
	size_t i, j;

	if (run->env->is_daemon)
		add_self(run);
	for (i = 0; i < run->n_members; i++)
		for (j = 0; j < run->n_members; j++) {
			const struct member *m = &run->members[i],
					    *d = &run->members[j];

			if (m->daemon || !d->daemon || !can_signal(m, d))
				continue;
			doctor_add(run->r, DOCTOR_HOLE,
				   "pid %ld (%s) runs as uid %ld, as nfjudge "
				   "(pid %ld) does: it can signal the daemon "
				   "(HUP reloads the policy) and write what "
				   "that uid owns; run the sandbox's programs "
				   "as another user",
				   m->pid, m->name, m->euid, d->pid);
			break;
		}
	free(run->members);
	run->members = NULL;
	run->n_members = run->cap_members = 0;
}
