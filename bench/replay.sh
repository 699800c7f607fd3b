#!/bin/sh
# Replay speed over two 2-million-packet captures (BENCH_PACKETS to change
# it): one SYN in 50 packets, and a SYN-heavy one where one packet in four
# is a SYN, so that most of the time goes to records.  Each is judged by
# nfjudge replay, against (a) a bare libpcap loop that only counts packets
# and (b) tcpdump printing the same SYNs.  Ratios are measured in the same
# run, best of BENCH_RUNS (default 3) each; the goals for the SYN-heavy
# capture are replay <= 2.5x the bare loop and tcpdump >= 3x replay.
set -eu
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
N=${BENCH_PACKETS:-2000000}
RUNS=${BENCH_RUNS:-3}
NFJUDGE=${BENCH_NFJUDGE:-$top_builddir/src/nfjudge}

best() { # command...: the best wall time in seconds over RUNS runs
	b=
	i=0
	while [ $i -lt "$RUNS" ]; do
		s=$(date +%s.%N)
		"$@" >/dev/null 2>&1
		e=$(date +%s.%N)
		t=$(echo "$e - $s" | bc)
		if [ -z "$b" ] || [ "$(echo "$t < $b" | bc)" -eq 1 ]; then b=$t; fi
		i=$((i + 1))
	done
	echo "$b"
}

# The connections are allowed, so that their packets pass as established
# ones do (a refused connection's later packets are fence drops, each
# with a record); the DNS exchanges are refused.
pol=${TMPDIR:-/tmp}/nfjudge-bench-$$.conf
trap 'rm -f "$pol"' EXIT
printf 'set default reject\naccept proto tcp port 443 name web\n' >"$pol"

bench_capture() { # conversation length, label
	cap=${TMPDIR:-/tmp}/nfjudge-bench-v3-$N-$1.pcap
	[ -f "$cap" ] ||
		/usr/bin/python3 "$top_srcdir/bench/gen_capture.py" "$cap" "$N" "$1"
	count=$(best "$top_builddir/bench/pcap_count" "$cap")
	replay=$(best "$NFJUDGE" replay -c "$pol" -o /dev/null "$cap")
	tcpd=$(best tcpdump -nr "$cap" \
		'tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn')
	printf 'replay benchmark: %s packets, %s, best of %s\n' "$N" "$2" \
		"$RUNS"
	printf '  libpcap count loop   %8.3f s\n' "$count"
	printf '  nfjudge replay       %8.3f s  (%.2fx the bare loop)\n' \
		"$replay" "$(echo "$replay / $count" | bc -l)"
	printf '  tcpdump SYN filter   %8.3f s  (replay is %.2fx faster)\n' \
		"$tcpd" "$(echo "$tcpd / $replay" | bc -l)"
}

bench_capture 50 "one SYN in 50"
bench_capture 4 "one SYN in 4"
