// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for what nfjudge doctor reads: /proc/PID/status,
 * sysctl values, the queue and netlink listings of /proc/net, and an
 * "iptables -S" listing compared with the rules install would write.  The
 * input is one text given to every parser; whatever it holds, nothing may
 * crash and every finding must be one line of printable text.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "doctor.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_compare(const char *listing)
{
	static const struct rules_state none;
	struct doctor_report r = {0};
	struct rules_opts o;
	char *text;
	size_t i;

	rules_opts_init(&o);
	text = rules_text_install(&o, RULES_IPV4, &none);
	if (!text)
		return;
	doctor_compare_table(&r, text, "filter", listing, "IPv4", "fix");
	/* the listing as the expected text too: it is parsed the same way */
	doctor_compare_table(&r, listing, "filter", text, "IPv4", "fix");
	for (i = 0; i < r.n; i++) {
		const char *p = r.v[i].text;

		if (strlen(p) >= DOCTOR_TEXT_MAX)
			abort();
		for (; *p; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				abort();
	}
	doctor_report_free(&r);
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *a = malloc(size + 1), tables[4][32];
	struct doctor_status st;
	struct doctor_queue q;
	uint64_t ino;
	bool open;
	long v;

	if (!a)
		return 0;
	memcpy(a, data, size);
	a[size] = '\0';
	if (!doctor_parse_status(a, &st) && strlen(st.name) >= sizeof(st.name))
		abort();
	doctor_parse_ping_range(a, &open);
	doctor_parse_int(a, &v);
	doctor_parse_queue(a, 0, &q);
	doctor_netlink_lists(a, 4);
	doctor_netlink_socket(a, 12, 0, &ino);
	doctor_text_tables(a, tables, 4);
	fuzz_compare(a);
	free(a);
	return 0;
}
