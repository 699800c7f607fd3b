// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <jansson.h>
#include <openssl/opensslv.h>
#include <pcap/pcap.h>
#include <zlib.h>

#include "cmd.h"
#include "cmdopt.h"

int cmd_version(int argc, char **argv)
{
	if (argc > 1 && cmdopt_is_help(argv[1])) {
		printf("usage: nfjudge version\n\n"
		       "Print the version of nfjudge and of the libraries it "
		       "runs with.\n");
		return 0;
	}
	optind = 1; /* no getopt: every argument is one too many */
	if (cmdopt_no_args("nfjudge version", argc, argv))
		return EXIT_USAGE;
	printf("nfjudge %s\n", PACKAGE_VERSION);
	printf("  %s\n", pcap_lib_version());
	printf("  jansson %s\n", JANSSON_VERSION);
	printf("  %s\n", OPENSSL_VERSION_TEXT);
	printf("  zlib %s\n", zlibVersion());
	return 0;
}
