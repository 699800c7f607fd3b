#!/bin/sh
# What the fence's chain costs established traffic: in a network namespace
# made for the purpose, with a queue reader that accepts every packet
# (tests/nfq-verdict, so that only the chain differs), connect latency
# (bench/connect_latency.py) and a bulk transfer over loopback
# (bench/bulk.py, BENCH_BULK_MB, default 1024) under the chain as it was
# before the fence (TCP SYNs and new UDP queued, nothing else) and under
# the fence's, alternating for BENCH_ROUNDS rounds (default 9).  Prints
# each chain's median connect time (us) and bulk rate (MB/s) over the
# rounds, and the ratios.  Needs root.
set -eu
bench_name=fence
. "$(dirname "$0")/lib.sh"
N=${BENCH_CONNECTS:-2000}
MB=${BENCH_BULK_MB:-1024}
ROUNDS=${BENCH_ROUNDS:-9}
bench_need_root
bench_netns
bench_bg "$PY" "$top_srcdir/tests/netpeer.py" listen 10.200.0.1:3128
bench_bg "$top_builddir/tests/nfq-verdict" 0 accept 0x100000/0x100000 \
	>"$tmp/reader" 2>&1
bench_wait_for "$tmp/reader" ready
bench_wait_listen 10.200.0.1 3128

cat >"$tmp/old" <<'OLD'
*filter
:NFJUDGE - [0:0]
-A NFJUDGE -p tcp -m mark --mark 0x100000/0x100000 -j REJECT --reject-with tcp-reset
-A NFJUDGE -p udp -m mark --mark 0x100000/0x100000 -j REJECT --reject-with icmp-port-unreachable
-A NFJUDGE -p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -j NFQUEUE --queue-num 0
-A NFJUDGE -p udp -m conntrack --ctstate NEW -j NFQUEUE --queue-num 0
-I OUTPUT 1 -j NFJUDGE
COMMIT
OLD
use_old() {
	nsx "$top_builddir/src/nfjudge" rules remove --no-ipv6 >/dev/null
	nsx iptables-restore --noflush <"$tmp/old"
}
use_new() {
	nsx "$top_builddir/src/nfjudge" rules remove --no-ipv6 >/dev/null
	nsx iptables -D OUTPUT -j NFJUDGE 2>/dev/null || true
	nsx iptables -F NFJUDGE 2>/dev/null || true
	nsx iptables -X NFJUDGE 2>/dev/null || true
	nsx "$top_builddir/src/nfjudge" rules install --no-ipv6
}
connects() { nsx "$PY" "$top_srcdir/bench/connect_latency.py" 10.200.0.1 3128 "$N"; }
bulk() { nsx "$PY" "$top_srcdir/bench/bulk.py" 10.200.0.1 5001 "$MB"; }

# The machine may be shared: many short rounds, alternating, and the
# median of each figure over the rounds.
r=0
while [ $r -lt "$ROUNDS" ]; do
	for chain in old new; do
		"use_$chain"
		set -- $(connects)
		echo "$1" >>"$tmp/lat.$chain"
		bulk >>"$tmp/bw.$chain"
	done
	r=$((r + 1))
done
for f in lat bw; do
	o=$(bench_median "$tmp/$f.old") n=$(bench_median "$tmp/$f.new")
	echo "$f: old chain $o, fence chain $n ($(tr '\n' ' ' <"$tmp/$f.new"| \
		sed 's/ $//') against $(tr '\n' ' ' <"$tmp/$f.old" | sed 's/ $//')),"\
		"ratio $(bench_ratio "$n" "$o" 3)"
done
