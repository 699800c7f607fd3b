#!/bin/sh
# What nfjudge adds to a connection: N blocking connects to a listener in
# a network namespace made for the purpose, first without the queue (the
# baseline), then through nfjudge run with a policy that accepts them.
# Prints median and p99 connect time of both, the ratio, and the median
# latency_us the records report.  Needs root.
set -eu
bench_name=latency
. "$(dirname "$0")/lib.sh"
N=${BENCH_CONNECTS:-2000}
bench_need_root
bench_netns
bench_bg "$PY" "$top_srcdir/tests/netpeer.py" listen 10.200.0.1:3128
bench_wait_listen 10.200.0.1 3128
run() { nsx "$PY" "$top_srcdir/bench/connect_latency.py" 10.200.0.1 3128 "$N"; }

base=$(run)
echo "accept proto tcp to 10.200.0.1 port 3128 name proxy" >"$tmp/policy"
bench_bg "$top_builddir/src/nfjudge" run -c "$tmp/policy" --install-rules \
	-o "$tmp/log"
DPID=$last
bench_wait_for "$tmp/log" '"start"'
run >/dev/null # warm the process cache
judged=$(run)
kill "$DPID"
wait "$DPID" || true
rec=$("$PY" -c '
import json, sys
l = sorted(json.loads(x)["latency_us"] for x in open(sys.argv[1])
           if "\"latency_us\"" in x)
print(l[len(l) // 2], l[int(len(l) * 0.99)])' "$tmp/log")
set -- $base $judged $rec
printf 'connect latency, %s connects on loopback in a namespace (us)\n' "$N"
printf '  without nfjudge   median %6s  p99 %6s\n' "$1" "$2"
printf '  through nfjudge   median %6s  p99 %6s  (median %sx)\n' "$3" "$4" \
	"$(bench_ratio "$3" "$1" 1)"
printf '  records say held  median %6s  p99 %6s\n' "$5" "$6"
