#!/bin/sh
# The cost of group commit (an accept waits until its record is written):
# connect latency through the daemon and records per second under a flood
# of accepted connections, for the daemon built here and, when
# NFJUDGE_BEFORE names another build, for that one in the same run, with
# the ratios; BENCH_ROUNDS repeats, alternating the two.  Needs root; uses
# tests/floodclient (make check builds it).
set -eu
bench_name=commit
. "$(dirname "$0")/lib.sh"
N=${BENCH_CONNECTS:-2000}
SECS=${BENCH_FLOOD_SECONDS:-5}
FC=$top_builddir/tests/floodclient
bench_need_root
[ -z "${NFJUDGE_BEFORE:-}" ] || [ -x "$NFJUDGE_BEFORE" ] ||
	{ echo "commit benchmark: $NFJUDGE_BEFORE is not a program"; exit 1; }
[ -x "$FC" ] || { echo "commit benchmark: build tests/floodclient first"; exit 0; }
bench_netns
nsx sysctl -qw net.netfilter.nf_conntrack_tcp_timeout_time_wait=1 \
	2>/dev/null || true
bench_bg "$FC" serve 10.200.0.1:3128
bench_wait_listen 10.200.0.1 3128
echo "accept proto tcp to 10.200.0.1 port 3128 name proxy" >"$tmp/policy"

# measure BINARY: prints "median p99 records_per_second"
measure() {
	rm -f "$tmp/log"
	bench_bg "$1" run -c "$tmp/policy" --install-rules -o "$tmp/log" \
		2>"$tmp/err"
	DPID=$last
	bench_wait_for "$tmp/log" '"start"' >&2 || { cat "$tmp/err" >&2; exit 1; }
	nsx "$PY" "$top_srcdir/bench/connect_latency.py" \
		10.200.0.1 3128 200 >/dev/null # warm the process cache
	lat=$(nsx "$PY" "$top_srcdir/bench/connect_latency.py" \
		10.200.0.1 3128 "$N")
	before=$(grep -c '"verdict"' "$tmp/log")
	fl=""
	for c in 0 1 2 3; do
		nsx "$FC" flood tcp 10.200.0.1:3128 "$SECS" \
			$((20000 + c * 10000)) 10000 >/dev/null &
		fl="$fl $!"
	done
	# shellcheck disable=SC2086
	wait $fl
	kill "$DPID"
	wait "$DPID" || true
	after=$(grep -c '"event_type":"verdict"' "$tmp/log")
	echo "$lat $(((after - before) / SECS))"
}

# Rounds alternate the two builds, so that a change in the machine's load
# falls on both; each round prints its figures and ratios.
ROUNDS=${BENCH_ROUNDS:-1}
printf 'group commit, %s connects and %s s of 4 flooding clients (us, records/s)\n' \
	"$N" "$SECS"
r=0
while [ $r -lt "$ROUNDS" ]; do
	r=$((r + 1))
	set -- $(measure "$top_builddir/src/nfjudge")
	printf '  this build        median %6s  p99 %6s  %8s records/s\n' "$1" "$2" "$3"
	[ -n "${NFJUDGE_BEFORE:-}" ] || continue
	set -- "$@" $(measure "$NFJUDGE_BEFORE")
	printf '  NFJUDGE_BEFORE    median %6s  p99 %6s  %8s records/s\n' "$4" "$5" "$6"
	printf '  ratio (this/before) median %s  p99 %s  records/s %s\n' \
		"$(bench_ratio "$1" "$4")" "$(bench_ratio "$2" "$5")" \
		"$(bench_ratio "$3" "$6")"
done
