#!/bin/sh
# Replay speed over two 2-million-packet captures (BENCH_PACKETS to change
# it): one SYN in 50 packets, and a SYN-heavy one where one packet in four
# is a SYN, so that most of the time goes to records.  Each is judged by
# nfjudge replay, against (a) a bare libpcap loop that only counts packets
# and (b) tcpdump printing the same SYNs.  Ratios are measured in the same
# run, best of BENCH_RUNS (default 3) each; the goals for the SYN-heavy
# capture are replay <= 2.5x the bare loop and tcpdump >= 3x replay.
set -eu
bench_name=replay
. "$(dirname "$0")/lib.sh"
N=${BENCH_PACKETS:-2000000}
NFJUDGE=${BENCH_NFJUDGE:-$top_builddir/src/nfjudge}

# The connections are allowed, so that their packets pass as established
# ones do (a refused connection's later packets are fence drops, each
# with a record); the DNS exchanges are refused.
pol=${TMPDIR:-/tmp}/nfjudge-bench-$$.conf
trap 'rm -f "$pol"' EXIT
printf 'set default reject\naccept proto tcp port 443 name web\n' >"$pol"

bench_capture() { # conversation length, label
	cap=${TMPDIR:-/tmp}/nfjudge-bench-v3-$N-$1.pcap
	[ -f "$cap" ] ||
		"$PY" "$top_srcdir/bench/gen_capture.py" "$cap" "$N" "$1"
	count=$(bench_best "$top_builddir/bench/pcap_count" "$cap")
	replay=$(bench_best "$NFJUDGE" replay -c "$pol" -o /dev/null "$cap")
	tcpd=$(bench_best tcpdump -nr "$cap" \
		'tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn')
	printf 'replay benchmark: %s packets, %s, best of %s\n' "$N" "$2" \
		"$RUNS"
	printf '  libpcap count loop   %8.3f s\n' "$count"
	printf '  nfjudge replay       %8.3f s  (%sx the bare loop)\n' \
		"$replay" "$(bench_ratio "$replay" "$count")"
	printf '  tcpdump SYN filter   %8.3f s  (replay is %sx faster)\n' \
		"$tcpd" "$(bench_ratio "$tcpd" "$replay")"
}

bench_capture 50 "one SYN in 50"
bench_capture 4 "one SYN in 4"
