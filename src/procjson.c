// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "proc.h"
#include "procjson.h"

static void copy_str(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);

	if (n >= size)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* An optional string member; absent or null leaves dst empty. */
static int get_str(json_t *obj, const char *key, char *dst, size_t size)
{
	json_t *v = json_object_get(obj, key);

	dst[0] = '\0';
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return -EINVAL;
	copy_str(dst, size, json_string_value(v));
	return 0;
}

static int get_int(json_t *obj, const char *key, long long *dst)
{
	json_t *v = json_object_get(obj, key);

	*dst = -1;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_integer(v))
		return -EINVAL;
	*dst = json_integer_value(v);
	return 0;
}

static int get_cmdline(json_t *obj, struct proc_info *p)
{
	json_t *arr = json_object_get(obj, "cmdline"), *arg;
	size_t i;

	p->cmdline_len = 0;
	p->argc = 0;
	if (!arr || json_is_null(arr))
		return 0;
	if (!json_is_array(arr))
		return -EINVAL;
	json_array_foreach(arr, i, arg)
	{
		const char *s = json_string_value(arg);
		size_t n;

		if (!s)
			return -EINVAL;
		n = strlen(s) + 1;
		if (p->cmdline_len + n > sizeof(p->cmdline)) {
			p->cmdline_truncated = true;
			break;
		}
		memcpy(p->cmdline + p->cmdline_len, s, n);
		p->cmdline_len += n;
		p->argc++;
	}
	return 0;
}

/* An optional boolean member; absent or null is false. */
static int get_bool(json_t *obj, const char *key, bool *dst)
{
	json_t *v = json_object_get(obj, key);

	*dst = false;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_boolean(v))
		return -EINVAL;
	*dst = json_is_true(v);
	return 0;
}

/*
 * "tainted": why exe rules did not trust the process.  The reason is
 * kept as recorded, in storage of its own, for what a replayed record
 * shows; that there is one is what the policy reads.
 */
static int get_tainted(json_t *obj, char *buf, size_t size, const char **dst)
{
	json_t *v = json_object_get(obj, "tainted");

	*dst = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return -EINVAL;
	copy_str(buf, size, json_string_value(v));
	*dst = buf;
	return 0;
}

static int get_ancestors(json_t *obj, struct proc_info *p)
{
	json_t *arr = json_object_get(obj, "ancestors"), *a;
	size_t i;

	p->n_ancestors = 0;
	if (!arr || json_is_null(arr))
		return 0;
	if (!json_is_array(arr))
		return -EINVAL;
	json_array_foreach(arr, i, a)
	{
		struct proc_ancestor *anc = &p->ancestors[p->n_ancestors];
		long long pid;

		if (p->n_ancestors == PROC_MAX_ANCESTORS)
			break;
		if (!json_is_object(a) || get_int(a, "pid", &pid) ||
		    get_str(a, "exe", anc->exe, sizeof(anc->exe)) ||
		    get_str(a, "comm", anc->comm, sizeof(anc->comm)) ||
		    get_bool(a, "foreign", &anc->foreign))
			return -EINVAL;
		anc->pid = (pid_t)pid;
		p->n_ancestors++;
	}
	return 0;
}

/*
 * The holders a shared socket's record lists, each as far as it is
 * described (pid, exe, comm, tainted): what is not recorded is unknown,
 * and a process rule on it does not hold.
 */
struct procjson_held {
	struct proc_info info[PROC_MAX_HOLDERS];
	char tainted[PROC_MAX_HOLDERS][PROCJSON_TAINT_MAX];
};

static __thread struct procjson_held *held;

static int get_holder(json_t *h, struct proc_info *p, char *taint)
{
	long long pid;

	memset(p, 0, sizeof(*p));
	p->uid = (uid_t)-1;
	p->gid = (gid_t)-1;
	if (!json_is_object(h) || get_int(h, "pid", &pid) ||
	    get_str(h, "exe", p->exe, sizeof(p->exe)) ||
	    get_str(h, "comm", p->comm, sizeof(p->comm)) ||
	    get_tainted(h, taint, PROCJSON_TAINT_MAX, &p->tainted))
		return -EINVAL;
	p->pid = (pid_t)pid;
	return 0;
}

static int get_holders(json_t *obj, struct proc_info *p)
{
	json_t *arr = json_object_get(obj, "holders"), *h;
	long long more;
	size_t i;

	if (!arr || json_is_null(arr))
		return 0;
	if (!json_is_array(arr) || get_int(obj, "holders_more", &more))
		return -EINVAL;
	if (!held)
		held = calloc(1, sizeof(*held));
	if (!held)
		return -ENOMEM;
	json_array_foreach(arr, i, h)
	{
		if (p->n_listed == PROC_MAX_HOLDERS) {
			p->partial = true; /* more than we can weigh */
			break;
		}
		if (get_holder(h, &held->info[p->n_listed],
			       held->tainted[p->n_listed]))
			return -EINVAL;
		p->n_listed++;
	}
	/* of those not listed, only that there were some matters */
	p->n_holders = p->n_listed + (more > 0 ? 1 : 0);
	p->holders = p->n_listed ? held->info : NULL;
	return 0;
}

int procjson_parse(json_t *obj, struct proc_info *out, const char **field)
{
	long long pid, ppid, uid, gid;

	memset(out, 0, sizeof(*out));
	*field = "proc";
	if (!json_is_object(obj))
		return -EINVAL;
#define STEP(name, expr)                \
	do {                            \
		*field = name;          \
		if (expr)               \
			return -EINVAL; \
	} while (0)
	STEP("pid", get_int(obj, "pid", &pid));
	STEP("ppid", get_int(obj, "ppid", &ppid));
	STEP("uid", get_int(obj, "uid", &uid));
	STEP("gid", get_int(obj, "gid", &gid));
	STEP("user", get_str(obj, "user", out->user, sizeof(out->user)));
	STEP("exe", get_str(obj, "exe", out->exe, sizeof(out->exe)));
	STEP("comm", get_str(obj, "comm", out->comm, sizeof(out->comm)));
	STEP("cgroup",
	     get_str(obj, "cgroup", out->cgroup, sizeof(out->cgroup)));
	STEP("start_time", get_str(obj, "start_time", out->start_time,
				   sizeof(out->start_time)));
	STEP("cmdline", get_cmdline(obj, out));
	STEP("ancestors", get_ancestors(obj, out));
	STEP("tainted", get_tainted(obj, out->tainted_text,
				    sizeof(out->tainted_text), &out->tainted));
	STEP("partial", get_bool(obj, "partial", &out->partial));
	STEP("holders", get_holders(obj, out));
#undef STEP
	out->pid = (pid_t)pid;
	out->ppid = (pid_t)ppid;
	out->uid = (uid_t)uid;
	out->gid = (gid_t)gid;
	out->shared = json_is_true(json_object_get(obj, "shared"));
	/* shared, and who else held it not recorded: no process rule holds */
	if (out->shared && !out->n_listed)
		out->partial = true;
	*field = NULL;
	return 0;
}
