// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
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
		    get_str(a, "comm", anc->comm, sizeof(anc->comm)))
			return -EINVAL;
		anc->pid = (pid_t)pid;
		p->n_ancestors++;
	}
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
#undef STEP
	out->pid = (pid_t)pid;
	out->ppid = (pid_t)ppid;
	out->uid = (uid_t)uid;
	out->gid = (gid_t)gid;
	out->shared = json_is_true(json_object_get(obj, "shared"));
	*field = NULL;
	return 0;
}
