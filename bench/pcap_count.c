// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The baseline for the replay benchmark: a bare libpcap loop that reads a
 * capture and counts its packets, nothing more.
 */
#include <stdio.h>

#include <pcap/pcap.h>

int main(int argc, char **argv)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	unsigned long n = 0;
	pcap_t *pc;

	if (argc != 2) {
		fprintf(stderr, "usage: pcap_count FILE\n");
		return 2;
	}
	pc = pcap_open_offline(argv[1], errbuf);
	if (!pc) {
		fprintf(stderr, "pcap_count: %s\n", errbuf);
		return 1;
	}
	while (pcap_next_ex(pc, &h, &data) == 1)
		n++;
	printf("%lu\n", n);
	pcap_close(pc);
	return 0;
}
