#!/bin/sh
# What attribution costs and how well it names, kernel (BPF) against
# /proc, measured in one run in a network namespace made for the purpose:
#   - blocking connect time: no queue (baseline), a bare accept-all
#     NFQUEUE loop (tests/nfq-verdict), nfjudge with each attribution;
#     the added latency of each over the baseline, as a ratio to the bare
#     loop's;
#   - connects per second of 8 concurrent clients, against the bare loop;
#   - held time (the records' latency_us) of fresh short-lived processes,
#     p50 and p99, alone and with 400 other processes holding 20 sockets;
#   - of 40 processes that connect and _exit at once, how many the records
#     name with pid and exe;
#   - CPU time (user + system) per verdict of each queue reader, which a
#     loaded machine inflates less than wall time, and the load average.
# Needs root and a build with the test helpers (make check).
set -eu
bench_name=attribution
. "$(dirname "$0")/lib.sh"
N=${BENCH_CONNECTS:-2000}
FRESH=${BENCH_FRESH:-200}
NFJ=$top_builddir/src/nfjudge
CLIENT=$(cd "$top_builddir/tests" 2>/dev/null && pwd)/kattr_client
BARE=$top_builddir/tests/nfq-verdict
bench_need_root
[ -x "$CLIENT" ] && [ -x "$BARE" ] ||
	{ echo "attribution benchmark: make check builds its helpers first, skipped"; exit 0; }
NS=nfj-abench-$$
tmp=$(mktemp -d)
pids=""
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null || true; done
	ip netns exec "$NS" "$NFJ" rules remove >/dev/null 2>&1 || true
	ip netns del "$NS" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
ip netns add "$NS"
spawn() { ip netns exec "$NS" "$@" & last=$!; pids="$pids $last"; }
stop() { kill "$1" 2>/dev/null; wait "$1" 2>/dev/null || true; }
waitfor() { # file text: up to 10 s
	i=0
	until grep -q "$2" "$1" 2>/dev/null; do
		i=$((i + 1))
		[ $i -le 200 ] || { echo "no '$2' in $1" >&2; cat "$tmp"/err.* >&2 2>/dev/null; exit 1; }
		sleep 0.05
	done
}
nsx ip link set lo up
nsx ip addr add 10.200.0.1/32 dev lo
nsx ip addr add 10.200.0.9/32 dev lo
# Some 15,000 connects precede the second mode's 8 clients; their ports'
# TIME_WAIT entries made its connect() search for a free port, and the
# clients collapsed to ~0.05x whichever mode came second.
nsx sysctl -qw net.ipv4.tcp_tw_reuse=1
spawn "$PY" -u -c '
import socket
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("10.200.0.1", 3128))
s.listen(4096)
print("ready")
while True:
    s.accept()[0].close()
' >"$tmp/listen.out"
waitfor "$tmp/listen.out" ready

lat() { nsx "$PY" "$top_srcdir/bench/connect_latency.py" 10.200.0.1 3128 "$N"; }
# 8 clients at once: connects per second, from the slowest client's time
rate8() {
	k=0
	while [ $k -lt 8 ]; do
		nsx "$CLIENT" connects 10.200.0.1 3128 $((N / 2)) >"$tmp/rate.$k" &
		k=$((k + 1))
	done
	wait
	cat "$tmp"/rate.* | awk -v n=$((N / 2)) '$1 > m {m = $1}
		END {printf "%.0f", 8 * n / (m / 1e6)}'
}
fresh() { # count: fresh processes, one connect each; their pids to fresh.pids
	: >"$tmp/fresh.pids"
	j=0
	while [ $j -lt "$1" ]; do
		nsx "$CLIENT" connect 10.200.0.1 3128 >>"$tmp/fresh.pids"
		j=$((j + 1))
	done
}
held() { # log: p50 p99 of latency_us over the records of fresh.pids
	"$PY" - "$1" "$tmp/fresh.pids" <<'PY'
import json, sys
pids = {int(x) for x in open(sys.argv[2]) if x.strip()}
l = []
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r.get("event_type") == "verdict" and (r.get("proc") or {}).get("pid") in pids:
        l.append(r["latency_us"])
l.sort()
print("%d %d %d" % (l[len(l) // 2], l[int(len(l) * 0.99)], len(l)) if l else "- - 0")
PY
}
fastexit() { # log: of 40 connect-and-exit processes, how many named
	: >"$tmp/fast.pids"
	j=0
	while [ $j -lt 40 ]; do
		nsx "$CLIENT" connect-exit 10.200.0.9 7001 >>"$tmp/fast.pids"
		j=$((j + 1))
	done
	sleep 0.5
	"$PY" - "$1" "$tmp/fast.pids" "$CLIENT" <<'PY'
import json, sys
pids = {int(x) for x in open(sys.argv[2]) if x.strip()}
n = 0
for line in open(sys.argv[1]):
    r = json.loads(line)
    p = r.get("proc") or {}
    n += (r.get("event_type") == "verdict" and p.get("pid") in pids
          and p.get("exe") == sys.argv[3])
print(n)
PY
}

# a process's CPU time so far (user + system), in microseconds
cpu() { awk -v t="$(getconf CLK_TCK)" '{printf "%d", ($14 + $15) * 1e6 / t}' /proc/"$1"/stat; }
load() { cut -d' ' -f1-3 /proc/loadavg; }
load_start=$(load)
base=$(lat)
nsx "$NFJ" rules install >/dev/null
spawn "$BARE" 0 accept 0x100000/0x100000 >"$tmp/bare.out"
waitfor "$tmp/bare.out" ready
lat >/dev/null
bare=$(lat)
bare_rate=$(rate8)
# what it answered: the warm-up, the timed connects, 8 clients' N / 2
bare_cpu=$(($(cpu "$last") / (2 * N + 4 * N)))
stop "$last"
# the queue is free once the kernel dropped the bare loop's binding
i=0
while [ -n "$(nsx cat /proc/net/netfilter/nfnetlink_queue)" ]; do
	i=$((i + 1))
	[ $i -le 200 ] || { echo "queue 0 still bound" >&2; exit 1; }
	sleep 0.05
done

cat >"$tmp/policy" <<'POL'
set default reject
accept proto tcp to 10.200.0.1 port 3128 name proxy
POL
for mode in kernel proc; do
	log=$tmp/log.$mode
	spawn "$NFJ" run -c "$tmp/policy" --attribution $mode -o "$log" 2>"$tmp/err.$mode"
	d=$last
	waitfor "$log" '"start"'
	lat >/dev/null
	eval "lat_$mode=\"$(lat)\""
	eval "rate_$mode=$(rate8)"
	fresh "$FRESH"
	eval "held_$mode=\"$(held "$log")\""
	spawn "$CLIENT" crowd 400 >"$tmp/crowd.out"
	c=$last
	waitfor "$tmp/crowd.out" ready
	fresh "$FRESH"
	eval "crowd_$mode=\"$(held "$log")\""
	stop "$c"
	eval "named_$mode=$(fastexit "$log")"
	v=$(grep -c '"event_type":"verdict"' "$log")
	eval "cpu_$mode=$(($(cpu "$d") / v))"
	stop "$d"
done

med() { echo "$1" | cut -d' ' -f1; }
p99() { echo "$1" | cut -d' ' -f2; }
b=$(med "$base") bb=$(med "$bare")
printf 'attribution: %s blocking connects, 8 x %s concurrent, %s fresh processes\n' \
	"$N" $((N / 2)) "$FRESH"
printf '  connect (us)       median    p99  added  added/bare\n'
printf '  no queue          %7s %6s\n' "$b" "$(p99 "$base")"
printf '  bare NFQUEUE loop %7s %6s %6s        1.00\n' "$bb" "$(p99 "$bare")" $((bb - b))
for mode in kernel proc; do
	eval "l=\$lat_$mode"
	m=$(med "$l")
	printf '  nfjudge %-9s %7s %6s %6s %11s\n' "$mode" "$m" "$(p99 "$l")" \
		$((m - b)) "$(bench_ratio $((m - b)) $((bb - b)))"
done
printf '  connects/s, 8 clients: bare %s' "$bare_rate"
for mode in kernel proc; do
	eval "r=\$rate_$mode"
	printf ', %s %s (%sx)' "$mode" "$r" "$(bench_ratio "$r" "$bare_rate")"
done
printf '\n  held time of fresh processes (us)   p50   p99  | 400 x 20 sockets: p50   p99  p50 ratio\n'
for mode in kernel proc; do
	eval "h=\$held_$mode c=\$crowd_$mode n=\$named_$mode"
	printf '  %-6s %28s %5s  | %21s %5s  %s\n' "$mode" "$(med "$h")" \
		"$(p99 "$h")" "$(med "$c")" "$(p99 "$c")" \
		"$(bench_ratio "$(med "$c")" "$(med "$h")")"
done
for mode in kernel proc; do
	eval "n=\$named_$mode"
	printf '  connect and _exit at once, named with pid and exe (%s): %s of 40\n' \
		"$mode" "$n"
done
printf '  CPU per verdict (us): bare loop %s, kernel %s, proc %s; load average %s at the start, %s at the end\n' \
	"$bare_cpu" "$cpu_kernel" "$cpu_proc" "$load_start" "$(load)"
