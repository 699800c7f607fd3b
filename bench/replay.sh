#!/bin/sh
# Replay speed: a 2-million-packet capture (BENCH_PACKETS to change it),
# judged by nfjudge replay, against (a) a bare libpcap loop that only counts
# packets and (b) tcpdump printing the same SYNs.  Ratios are measured in
# the same run, best of BENCH_RUNS (default 3) each.
set -eu
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
N=${BENCH_PACKETS:-2000000}
RUNS=${BENCH_RUNS:-3}
cap=${TMPDIR:-/tmp}/nfjudge-bench-v2-$N.pcap
[ -f "$cap" ] || /usr/bin/python3 "$top_srcdir/bench/gen_capture.py" "$cap" "$N"

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

count=$(best "$top_builddir/bench/pcap_count" "$cap")
# The connections are allowed, so that their packets pass as established
# ones do (a refused connection's later packets are fence drops, each
# with a record); the DNS exchanges are refused.
pol=${TMPDIR:-/tmp}/nfjudge-bench-$$.conf
trap 'rm -f "$pol"' EXIT
printf 'set default reject\naccept proto tcp port 443 name web\n' >"$pol"
replay=$(best "$top_builddir/src/nfjudge" replay -c "$pol" -o /dev/null "$cap")
tcpd=$(best tcpdump -nr "$cap" 'tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn')
printf 'replay benchmark: %s packets, best of %s\n' "$N" "$RUNS"
printf '  libpcap count loop   %8.3f s\n' "$count"
printf '  nfjudge replay       %8.3f s  (%.2fx the bare loop)\n' "$replay" \
	"$(echo "$replay / $count" | bc -l)"
printf '  tcpdump SYN filter   %8.3f s  (replay is %.2fx faster)\n' "$tcpd" \
	"$(echo "$tcpd / $replay" | bc -l)"
