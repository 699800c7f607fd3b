// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: arbitrary bytes as a process's exe, comm and cmdline
 * must still give one line of valid JSON that verifies, and text that
 * needs no escaping must come back unchanged; the flow's addresses, taken
 * from the input too, must read as inet_ntop() writes them.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "chain.h"
#include "flow.h"
#include "logread.h"
#include "record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char line[RECORD_MAX];

/* True when escaping leaves the bytes as they are. */
static bool plain(const char *s, size_t n)
{
	char tmp[PROC_EXE_MAX * 6];

	return record_escape(tmp, sizeof(tmp), s, n) == n && !memcmp(tmp, s, n);
}

static void fill(struct proc_info *p, const uint8_t *data, size_t size)
{
	size_t n = size < PROC_EXE_MAX - 1 ? size : PROC_EXE_MAX - 1;

	memset(p, 0, sizeof(*p));
	memcpy(p->exe, data, n); /* a NUL in the input ends exe early */
	memcpy(p->comm, data, size < 15 ? size : 15);
	p->cmdline_len = size < PROC_CMDLINE_MAX ? size : PROC_CMDLINE_MAX;
	memcpy(p->cmdline, data, p->cmdline_len);
	p->n_ancestors = 1;
	memcpy(p->ancestors[0].exe, p->exe, sizeof(p->ancestors[0].exe));
}

static void check_addr(json_t *root, const char *key, const uint8_t *a)
{
	char want[INET_ADDRSTRLEN];
	const char *got = json_string_value(json_object_get(root, key));

	if (!inet_ntop(AF_INET, a, want, sizeof(want)) || !got ||
	    strcmp(got, want))
		__builtin_trap();
}

static void check(const char *exe, const struct flow *f, const char *text,
		  size_t len)
{
	struct verify v = {.chain = chain_new(NULL, 0)};
	struct logrec rec;
	char err[256];
	const char *got;

	if (!v.chain)
		return;
	if (memchr(text, '\n', len - 1) || text[len - 1] != '\n' ||
	    logread_rec_parse(&rec, text, len - 1, err, sizeof(err)))
		__builtin_trap();
	if (audit_verify_record(&v, &rec, text, err, sizeof(err)))
		__builtin_trap();
	got = json_string_value(
		json_object_get(json_object_get(rec.root, "proc"), "exe"));
	if (*exe && plain(exe, strlen(exe)) && (!got || strcmp(got, exe)))
		__builtin_trap();
	check_addr(rec.root, "src_ip", f->src);
	check_addr(rec.root, "dest_ip", f->dst);
	logread_rec_clear(&rec);
	chain_free(v.chain);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct proc_info p;
	struct flow f = {.ip_version = 4, .proto = 6, .has_ports = true};
	struct record_verdict v = {.flow = &f, .proc = &p, .rule = "r"};
	struct record_event ev = {.type = RECORD_VERDICT, .verdict = &v};
	struct chain *c = chain_new(NULL, 0);
	int len;

	if (!c)
		return 0;
	fill(&p, data, size);
	if (size >= 8) {
		memcpy(f.src, data, 4);
		memcpy(f.dst, data + 4, 4);
	}
	v.reason = p.comm;
	len = record_emit(c, line, sizeof(line), false, &ev);
	if (len <= 0)
		__builtin_trap();
	check(p.exe, &f, line, (size_t)len);
	chain_free(c);
	return 0;
}
