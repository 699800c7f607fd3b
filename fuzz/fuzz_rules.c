// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for the text the rules module reads: option values,
 * "iptables -S" listings and tool error messages.  The input is split at
 * its first NUL into two strings; whatever they hold, the parsers must
 * leave the options valid and the generated text well formed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_options(const char *s)
{
	struct rules_opts o;
	const char *why;
	char *text;

	rules_opts_init(&o);
	rules_opts_parse_queue(&o, s, &why);
	rules_opts_parse_mark(&o, s, &why);
	rules_opts_parse_backend(&o, s, &why);
	rules_opts_add_exempt(&o, s, &why);
	if (rules_opts_check(&o, &why))
		abort();
	text = rules_text_install(&o, RULES_IPV6, &(struct rules_state){0});
	if (text && !strstr(text, "\nCOMMIT\n"))
		abort();
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *a = malloc(size + 2), *b;
	struct rules_state st;

	if (!a)
		return 0;
	memcpy(a, data, size);
	a[size] = a[size + 1] = '\0';
	b = a + strlen(a) + 1;
	fuzz_options(a);
	rules_state_parse(a, &st);
	rules_state_parse_mangle(b, &st);
	free(rules_error_text(a, b));
	free(a);
	return 0;
}
