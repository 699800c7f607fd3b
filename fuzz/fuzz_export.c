// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: the input is a verdict log; every line that parses as
 * a record goes through both exporters, and every event they make must
 * serialise as JSON.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "audit_rec.h"
#include "export.h"
#include "logread.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int fuzz_emit(void *ctx, json_t *event)
{
	char *s = json_dumps(event, JSON_COMPACT);

	(void)ctx;
	/* an event that cannot be written is a bug in the exporter */
	if (!s || !json_is_object(event))
		__builtin_trap();
	free(s);
	json_decref(event);
	return 0;
}

static void fuzz_line(struct export_state *st, const char *p, size_t len)
{
	struct logrec rec;
	struct arec a;
	char err[256];

	if (logread_rec_parse(&rec, p, len, err, sizeof(err)))
		return;
	if (!audit_rec_from(&a, &rec, err, sizeof(err))) {
		if (export_ocsf(st, &a, fuzz_emit, NULL) < 0 ||
		    export_ecs(st, &a, fuzz_emit, NULL) < 0)
			__builtin_trap();
	}
	logread_rec_clear(&rec);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size, *nl;
	struct export_state st = {0};

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		fuzz_line(&st, p, (size_t)(nl - p));
		p = nl + 1;
	}
	return 0;
}
