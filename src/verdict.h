/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NFJUDGE_VERDICT_H
#define NFJUDGE_VERDICT_H

/* What the policy decides for a new flow. */
enum verdict {
	VERDICT_ACCEPT,
	VERDICT_REJECT, /* the program gets ECONNREFUSED: RST / ICMP unreach */
	VERDICT_DROP,	/* the packet vanishes; the program waits */
};

/* How the process behind a flow was found (the record's "attribution"). */
enum attribution {
	ATTR_NONE,    /* nothing known */
	ATTR_UID,     /* only the socket owner's uid/gid */
	ATTR_SOCKET,  /* socket and owning process found */
	ATTR_SIDECAR, /* replay: from a process map (--procs) */
	ATTR_KERNEL,  /* the exact caller, noted by the kernel (BPF) */
};

/* "accept", "reject", "drop"; NULL for an out-of-range value. */
static inline const char *verdict_str(enum verdict v)
{
	switch (v) {
	case VERDICT_ACCEPT:
		return "accept";
	case VERDICT_REJECT:
		return "reject";
	case VERDICT_DROP:
		return "drop";
	}
	return NULL;
}

/* "none", "uid", "socket", "sidecar", "kernel" */
static inline const char *attribution_str(enum attribution a)
{
	switch (a) {
	case ATTR_NONE:
		return "none";
	case ATTR_UID:
		return "uid";
	case ATTR_SOCKET:
		return "socket";
	case ATTR_SIDECAR:
		return "sidecar";
	case ATTR_KERNEL:
		return "kernel";
	}
	return NULL;
}

#endif
