#!/bin/sh
# What nfjudge adds to a connection: N blocking connects to a listener in
# a network namespace made for the purpose, first without the queue (the
# baseline), then through nfjudge run with a policy that accepts them.
# Prints median and p99 connect time of both, the ratio, and the median
# latency_us the records report.  Needs root.
set -eu
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
N=${BENCH_CONNECTS:-2000}
PY=/usr/bin/python3
[ "$(id -u)" -eq 0 ] || { echo "latency benchmark: needs root, skipped"; exit 0; }
NS=nfj-bench-$$
tmp=$(mktemp -d)
cleanup() {
	[ -n "${DPID:-}" ] && kill "$DPID" 2>/dev/null && wait "$DPID" 2>/dev/null
	[ -n "${LPID:-}" ] && kill "$LPID" 2>/dev/null
	ip netns del "$NS" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
ip netns add "$NS"
ip -n "$NS" link set lo up
ip -n "$NS" addr add 10.200.0.1/32 dev lo
ip netns exec "$NS" $PY "$top_srcdir/tests/netpeer.py" listen 10.200.0.1:3128 &
LPID=$!
sleep 0.3
run() { ip netns exec "$NS" $PY "$top_srcdir/bench/connect_latency.py" 10.200.0.1 3128 "$N"; }

base=$(run)
echo "accept proto tcp to 10.200.0.1 port 3128 name proxy" >"$tmp/policy"
ip netns exec "$NS" "$top_builddir/src/nfjudge" run -c "$tmp/policy" \
	--install-rules -o "$tmp/log" &
DPID=$!
until grep -q '"start"' "$tmp/log" 2>/dev/null; do sleep 0.05; done
run >/dev/null # warm the process cache
judged=$(run)
kill "$DPID"
wait "$DPID" || true
DPID=
rec=$($PY -c '
import json, sys
l = sorted(json.loads(x)["latency_us"] for x in open(sys.argv[1])
           if "\"latency_us\"" in x)
print(l[len(l) // 2], l[int(len(l) * 0.99)])' "$tmp/log")
set -- $base $judged $rec
printf 'connect latency, %s connects on loopback in a namespace (us)\n' "$N"
printf '  without nfjudge   median %6s  p99 %6s\n' "$1" "$2"
printf '  through nfjudge   median %6s  p99 %6s  (median %.1fx)\n' "$3" "$4" \
	"$(echo "$3 / $1" | bc -l)"
printf '  records say held  median %6s  p99 %6s\n' "$5" "$6"
