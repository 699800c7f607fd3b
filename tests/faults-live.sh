#!/bin/sh
# What the daemon does when things go wrong, each case in a fresh network
# namespace of the test's own:
#   SIGKILL    rules stay, nothing passes; a restart resumes seq and chain
#   SIGSTOP    nothing passes while stopped; held packets judged on CONT
#   overflow   a full queue drops (fail-closed), counted by the kernel and
#              in lost records: attempts = verdict records + lost count
#   flushed    a hook removed while packets are queued: the kernel drops
#              them, their verdicts fail (ENOENT), the daemon judges on
#   undecodable  IPv6 with 17 extension headers: dropped, with a record
#   full log   closed: rejects once records cannot be written, accepts
#              nothing unrecorded; open: keeps accepting, and every
#              accepted connection is recorded or counted as lost
#   rotation   mv + HUP, and rm + HUP: the new file names its predecessor
#   reload     policy files renamed in while HUPs arrive: always a policy
#   failure    a start that fails leaves the rules: nothing passes
#   busy queue a second daemon on the same queue exits 1 naming it
set -u
live_name=faults
. "$(cd "$(dirname "$0")" && pwd)/livelib.sh"

listen() { listen_proxy_web || exit 1; }
connects() { connects_to 10.200.0.1:3128; }
times_out() { [ "$(attempt tcp 10.200.0.1:3128)" = timeout ]; }
verifies() { "$NFJUDGE" audit verify "$@" >/dev/null; }
# Packets held in queue 0 now: COUNT?
queued() { [ "$(nsx awk '$1 == 0 {print $3}' /proc/net/netfilter/nfnetlink_queue)" = "$1" ]; }
# The id queue 0 gave its latest packet.
queue_seq() { nsx awk '$1 == 0 {print $8}' /proc/net/netfilter/nfnetlink_queue; }
# Every packet queue 0 holds came after id SEQ: none queued before it is
# still held.  (A client's resent SYN may already be queued again.)
held_only_after() {
	set -- "$1" "$(nsx awk '$1 == 0 {print $3, $8}' \
		/proc/net/netfilter/nfnetlink_queue)"
	# shellcheck disable=SC2086
	set -- "$1" $2
	[ "$2" -eq $(($3 - $1)) ]
}
stop_daemon() {
	kill -TERM "$DPID"
	wait "$DPID"
}
# A TCP attempt with a long timeout, in the background: its outcome and
# source port go to FILE.
slow_attempt() { # addr port file
	nsx "$PY" -c '
import socket, sys, time
s = socket.socket()
s.bind(("0.0.0.0", 0))
s.settimeout(15)
t = time.monotonic()
try:
    s.connect((sys.argv[1], int(sys.argv[2])))
    r = "connected"
except ConnectionRefusedError:
    r = "refused"
except OSError:
    r = "timeout"
print(r, s.getsockname()[1], int((time.monotonic() - t) * 1000))
' "$1" "$2" >"$3" &
	last_pid=$!
}

# --- SIGKILL: fail-closed, then a restart continues the chain -------------
nsx "$NFJUDGE" rules install
listen
start_daemon 1 "$tmp/kill.log" -c "$tmp/policy.conf" || exit 1
check "kill: proxy reachable while running" connects
kill -KILL "$DPID"
wait "$DPID" 2>/dev/null
check "kill: nothing passes while the daemon is dead" times_out
check "kill: rules still there" sh -c "ip netns exec $NS iptables -S | grep -q NFJUDGE"
start_daemon 2 "$tmp/kill.log" -c "$tmp/policy.conf" || exit 1
check "kill: restart judges again" connects
stop_daemon
check "kill: the whole file verifies across the kill" verifies "$tmp/kill.log"
check "kill: seq continues 1..N without a gap" "$PY" -c '
import json, sys
seq = [json.loads(l)["seq"] for l in open(sys.argv[1])]
ev = [json.loads(l)["event_type"] for l in open(sys.argv[1])]
sys.exit(not (seq == list(range(1, len(seq) + 1)) and ev.count("start") == 2))
' "$tmp/kill.log"

# A crash in the middle of a write leaves a partial line: the restart
# refuses to chain onto it and says why, and the file stays as it was.
cp "$tmp/kill.log" "$tmp/torn.log"
printf '{"timestamp":"2026-11-28T12:00:00.000000Z","event_type":"verd' \
	>>"$tmp/torn.log"
cp "$tmp/torn.log" "$tmp/torn.copy"
nsx "$NFJUDGE" run -c "$tmp/policy.conf" -o "$tmp/torn.log" 2>"$tmp/torn.err"
check "torn: refuses to continue a log ending in a partial line" [ $? -eq 1 ]
check "torn: says what to do" grep -q 'last line is not a whole record.*move' \
	"$tmp/torn.err"
check "torn: the file is left alone" cmp -s "$tmp/torn.log" "$tmp/torn.copy"

# --- SIGSTOP: packets wait in the queue ---------------------------------
ns_fresh
listen
start_daemon 1 "$tmp/stop.log" -c "$tmp/policy.conf" --install-rules || exit 1
kill -STOP "$DPID"
slow_attempt 10.200.0.1 3128 "$tmp/stop.allowed"
a1=$last_pid
slow_attempt 10.200.0.9 443 "$tmp/stop.rejected"
a2=$last_pid
# Both SYNs held (a loaded machine may start the clients late), then 3 s.
i=0
while ! queued 2 && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
sleep 3
check "stop: nothing answered while stopped" \
	[ ! -s "$tmp/stop.allowed" ] && [ ! -s "$tmp/stop.rejected" ]
kill -CONT "$DPID"
wait "$a1" "$a2"
check "stop: held proxy connection accepted after CONT" \
	grep -q '^connected' "$tmp/stop.allowed"
check "stop: held direct connection refused after CONT" \
	grep -q '^refused' "$tmp/stop.rejected"
stop_daemon
check "stop: both waited for the daemon" "$PY" -c '
import sys
sys.exit(not all(int(open(f).read().split()[2]) >= 2500 for f in sys.argv[1:]))
' "$tmp/stop.allowed" "$tmp/stop.rejected"
check "stop: both recorded once judged" "$PY" -c '
import json, sys
port = lambda f: int(open(f).read().split()[1])
v = [json.loads(l) for l in open(sys.argv[1])]
v = [r for r in v if r["event_type"] == "verdict"]
a = [r for r in v if r["src_port"] == port(sys.argv[2])]
j = [r for r in v if r["src_port"] == port(sys.argv[3])]
sys.exit(not (a and j and all(r["verdict"] == "accept" for r in a)
              and all(r["verdict"] == "reject" for r in j)))
' "$tmp/stop.log" "$tmp/stop.allowed" "$tmp/stop.rejected"

# --- the queue overflows (stopped daemon, --queue-maxlen 8) --------------
# Fail-closed: the kernel drops what does not fit and counts it; what fit
# is judged on CONT; a dropped datagram has no record.
ns_fresh
nsbg "$top_builddir/tests/floodclient" serve 10.200.0.1:3128
wait_bound tcp 3128 && wait_bound udp 3128 || exit 1
start_daemon 1 "$tmp/ovf.log" -c "$tmp/policy.conf" --install-rules \
	--queue-maxlen 8 || exit 1
kill -STOP "$DPID"
nsx "$PY" -c '
import select, socket, time
socks = []
for i in range(20):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.connect(("10.200.0.1", 3128))
    s.send(b"x")
    socks.append(s)
got, end = set(), time.monotonic() + 8
while len(got) < len(socks) and time.monotonic() < end:
    r, _, _ = select.select([s for s in socks if s not in got], [], [], 0.2)
    for s in r:
        s.recv(16)
        got.add(s)
print(" ".join(str(s.getsockname()[1]) for s in got))
' >"$tmp/ovf.out" &
ovf=$!
# All 20 sent: 8 held, 12 dropped (a loaded machine may start the sender
# late; 10 s at most, then the checks below say what the queue saw).
full_and_dropped() {
	[ "$(nsx awk '$1 == 0 {print $3, $6}' /proc/net/netfilter/nfnetlink_queue)" = "8 12" ]
}
poll 100 full_and_dropped
qline=$(nsx cat /proc/net/netfilter/nfnetlink_queue)
kill -CONT "$DPID"
wait "$ovf"
stop_daemon
echo "queue overflow: /proc/net/netfilter/nfnetlink_queue: $qline"
qdrop=$(echo "$qline" | awk '{print $6}')
check "overflow: the kernel dropped the 12 that did not fit (got $qdrop)" \
	[ "$qdrop" -eq 12 ]
check "overflow: the 8 that fit were answered after CONT" \
	[ "$(wc -w <"$tmp/ovf.out")" -eq 8 ]
check "overflow: exactly those 8 have records" "$PY" -c '
import json, sys
v = [json.loads(l) for l in open(sys.argv[1])]
ports = sorted(r["src_port"] for r in v if r["event_type"] == "verdict")
sys.exit(ports != sorted(int(p) for p in open(sys.argv[2]).read().split()))
' "$tmp/ovf.log" "$tmp/ovf.out"
check "overflow: every attempt accounted for (verdicts + lost = 20)" "$PY" -c '
import json, sys
r = [json.loads(l) for l in open(sys.argv[1])]
v = sum(x["event_type"] == "verdict" for x in r)
lost = [x for x in r if x["event_type"] == "lost"]
n = sum(x["count"] for x in lost)
ok = all(x["lost"] == "queue_dropped" and x["queue"] == 0 for x in lost)
ok = ok and lost and lost[-1]["total"] == n
print("overflow: %d verdict records, %d lost records counting %d" %
      (v, len(lost), n))
sys.exit(not (ok and v + n == 20 and n == 12))
' "$tmp/ovf.log"
check "overflow: the lost record came before the stop record" "$PY" -c '
import json, sys
ev = [json.loads(l)["event_type"] for l in open(sys.argv[1])]
sys.exit(not ("lost" in ev and ev.index("lost") < ev.index("stop")))
' "$tmp/ovf.log"
check "overflow: the log verifies" verifies "$tmp/ovf.log"

# The drops are seen within about a second, while the daemon runs on.
ns_fresh
nsbg "$top_builddir/tests/floodclient" serve 10.200.0.1:3128
wait_bound tcp 3128 && wait_bound udp 3128 || exit 1
start_daemon 1 "$tmp/ovf2.log" -c "$tmp/policy.conf" --install-rules \
	--queue-maxlen 4 --metrics-file "$tmp/ovf2.prom" || exit 1
kill -STOP "$DPID"
nsx "$PY" -c '
import socket
for i in range(10):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.connect(("10.200.0.1", 3128))
    s.send(b"x")
'
kill -CONT "$DPID"
check "overflow: a lost record while running" wait_events lost 1 "$tmp/ovf2.log"
stop_daemon
check "overflow: the metrics count what the lost records count" grep -q \
	'^nfjudge_packets_lost_total{queue="0",lost="queue_dropped"} 6$' \
	"$tmp/ovf2.prom"

# --- a netfilter hook removed while packets are queued -------------------
# The kernel flushes the queued packets (iptables-nft deleting a built-in
# chain, as any nft change that removes a hook, or a removed interface):
# their verdicts fail with ENOENT, which is normal.  The daemon goes on,
# the held client's resent SYN is judged, and the rules stay in force.
ns_fresh
listen
start_daemon 1 "$tmp/flush.log" -c "$tmp/policy.conf" --install-rules \
	--metrics-file "$tmp/flush.prom" || exit 1
nsx iptables -t mangle -A OUTPUT -j ACCEPT
kill -STOP "$DPID"
slow_attempt 10.200.0.1 3128 "$tmp/flush.held"
a1=$last_pid
i=0
while ! queued 1 && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
check "flushed: one SYN held in the queue" queued 1
seq=$(queue_seq)
nsx iptables -t mangle -F OUTPUT
nsx iptables -t mangle -X OUTPUT
check "flushed: removing the hook flushed the queue" held_only_after "$seq"
kill -CONT "$DPID"
wait "$a1"
check "flushed: the held client got through on its resent SYN" \
	grep -q '^connected' "$tmp/flush.held"
check "flushed: the daemon still runs" kill -0 "$DPID"
check "flushed: the next connection is judged" connects
check "flushed: a direct connection is still refused" \
	refused_by 10.200.0.9:443
stop_daemon
check "flushed: the daemon counted the failed verdict" grep -q \
	'^nfjudge_verdicts_flushed_total{queue="0"} 1$' "$tmp/flush.prom"
check "flushed: stopped by TERM, the rules are gone" sh -c \
	"! ip netns exec $NS iptables -S | grep -q NFJUDGE"
check "flushed: log verifies" verifies "$tmp/flush.log"

# --- a full log file system ----------------------------------------------
# The log shares a small tmpfs with a filler file that leaves room for a
# few dozen records; removing the filler frees the space again.
full_fs() { # dir
	mkdir -p "$1"
	mount -t tmpfs -o size=256k nfjudge-test "$1" || return 1
	dd if=/dev/zero of="$1/filler" bs=1k count=230 2>/dev/null
}
# Proxy attempts until one is refused (at most 200): the outcomes, one a
# line, in FILE.
attempts_until_refused() { # file
	n=0
	: >"$1"
	while [ $n -lt 200 ]; do
		r=$(nsx "$PY" "$top_srcdir/tests/netpeer.py" tcp-ok 10.200.0.1:3128)
		echo "$r" >>"$1"
		case $r in refused*) break ;; esac
		n=$((n + 1))
	done
}
count() { grep -c "$1" "$2"; }
accepts() { grep -c '"verdict":"accept"' "$1"; }

ns_fresh
listen
full_fs "$tmp/fullc" || exit 1
start_daemon 1 "$tmp/fullc/log" -c "$tmp/policy.conf" --install-rules \
	--on-log-failure closed || exit 1
attempts_until_refused "$tmp/closed.out"
check "closed: a proxy connection is refused once the log is full" \
	grep -q '^refused' "$tmp/closed.out"
check "closed: still refused while full" refused_by 10.200.0.1:3128
rm "$tmp/fullc/filler"
# The writer retries every 100 ms; until its next write succeeds a
# connection is still refused (a loaded machine may take longer than a
# fixed second): up to 30 tries, each refusal a reject record.
check "closed: accepted again once there is room" poll 30 connects
stop_daemon
check "closed: log verifies" verifies "$tmp/fullc/log"
# An accept whose record could not be written is withheld (the packet
# dropped); its record reaches the file later, and the resent SYN of the
# same connection is rejected.  Every other accept record is a connection.
check "closed: every accepted connection has its record, and no more" "$PY" -c '
import json, sys
r = [json.loads(l) for l in open(sys.argv[1])]
v = [x for x in r if x["event_type"] == "verdict"]
gated = {x["src_port"] for x in v if x["rule"] == "log-unavailable"}
acc = [x for x in v if x["verdict"] == "accept"]
given = [x for x in acc if x["src_port"] not in gated]
print("closed: %d accept records, %d withheld, %d connections" %
      (len(acc), len(acc) - len(given), int(sys.argv[2])))
sys.exit(len(given) != int(sys.argv[2]) or len(acc) - len(given) > 1)
' "$tmp/fullc/log" $(($(count '^connected' "$tmp/closed.out") + 1))

ns_fresh
listen
: >"$tmp/daemon.err"
full_fs "$tmp/fullo" || exit 1
start_daemon 1 "$tmp/fullo/log" -c "$tmp/policy.conf" --install-rules \
	--on-log-failure open || exit 1
for i in $(seq 1 100); do attempt tcp-ok 10.200.0.1:3128; done >"$tmp/open.out"
check "open: the log did fill up" grep -q 'cannot write records' "$tmp/daemon.err"
check "open: connections kept flowing" [ "$(count '^connected' "$tmp/open.out")" -eq 100 ]
rm "$tmp/fullo/filler"
sleep 1
stop_daemon
check "open: log verifies" verifies "$tmp/fullo/log"
check "open: every connection recorded or counted as lost" "$PY" -c '
import json, sys
r = [json.loads(l) for l in open(sys.argv[1])]
acc = sum(x.get("verdict") == "accept" for x in r)
lost = sum(x.get("lost_records", 0) for x in r if x["event_type"] == "error")
sys.exit(acc + lost < 100)
' "$tmp/fullo/log"

# Disk full, then SIGKILL: a connection the daemon accepted has its
# record in the file, even though the records still in memory die with the
# daemon (group commit: an accept waits until its record is written).
# Twenty clients connect at once once the file system is full to the byte.
ns_fresh
listen
full_fs "$tmp/fullk" || exit 1
start_daemon 1 "$tmp/fullk/log" -c "$tmp/policy.conf" --install-rules || exit 1
dd if=/dev/zero of="$tmp/fullk/filler2" bs=1k count=1024 2>/dev/null
nsx "$PY" -c '
import errno, select, socket, time
socks = []
for i in range(20):
    s = socket.socket()
    s.setblocking(False)
    s.connect_ex(("10.200.0.1", 3128))
    socks.append(s)
out, end = {}, time.monotonic() + 15
while len(out) < len(socks) and time.monotonic() < end:
    _, w, _ = select.select([], [s for s in socks if s not in out], [], 0.2)
    for s in w:
        e = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
        out[s] = "connected" if e == 0 else \
            "refused" if e == errno.ECONNREFUSED else "error"
for s in socks:
    print(out.get(s, "timeout"), s.getsockname()[1])
' >"$tmp/fullk.out"
kill -KILL "$DPID"
wait "$DPID" 2>/dev/null
echo "disk full + SIGKILL: $(cut -d' ' -f1 "$tmp/fullk.out" | sort | uniq -c | tr '\n' ' ')"
check "disk full + kill: every connection was answered" \
	[ "$(grep -c -e '^connected' -e '^refused' "$tmp/fullk.out")" -eq 20 ]
check "disk full + kill: every accepted connection has its record" "$PY" -c '
import json, sys
r = [json.loads(l) for l in open(sys.argv[1])]
acc = {x["src_port"] for x in r if x.get("verdict") == "accept"}
ok = [int(l.split()[1]) for l in open(sys.argv[2]) if l.startswith("connected")]
sys.exit(not all(p in acc for p in ok))
' "$tmp/fullk/log" "$tmp/fullk.out"
check "disk full + kill: the log verifies" verifies "$tmp/fullk/log"

# Open, until the 8 MiB record buffer overflows (floods of 10 s, at most
# nine): connections keep flowing, and once there is room again an error
# record counts what was lost, so accepted = recorded + lost.  The daemon's
# own count of accepts (stop record) is the reference.
FC=$top_builddir/tests/floodclient
ns_fresh
nsbg "$FC" serve 10.200.0.1:3128
wait_bound tcp 3128 && wait_bound udp 3128 || exit 1
mkdir -p "$tmp/fullx"
mount -t tmpfs -o size=24m nfjudge-test "$tmp/fullx" || exit 1
dd if=/dev/zero of="$tmp/fullx/filler" bs=1k count=$((24 * 1024 - 32)) 2>/dev/null
start_daemon 1 "$tmp/fullx/log" -c "$tmp/policy.conf" --install-rules \
	--on-log-failure open --metrics-file "$tmp/metrics" || exit 1
# Every client of every round connects from an address of its own, from
# 40000 ports: no 4-tuple comes back, neither in the next round (which
# would be about 10 s later, conntrack's timeout for a closed TCP flow)
# nor within one.
lost=0 round=0
while [ "$lost" -eq 0 ] && [ $round -lt 9 ]; do
	fl=""
	for c in 0 1 2 3; do
		src=10.210.$round.$((c + 1))
		nsx ip addr add "$src/32" dev lo
		nsx "$FC" flood tcp 10.200.0.1:3128 10 20000 40000 "$src" \
			>"$tmp/overflow.$round.$c" &
		fl="$fl $!"
	done
	# shellcheck disable=SC2086
	wait $fl
	round=$((round + 1))
	lost=$(sed -n 's/^nfjudge_records_lost_total \([0-9]*\)$/\1/p' \
		"$tmp/metrics" 2>/dev/null)
	lost=${lost:-0}
done
echo "open overflow: $round rounds of 10 s, $lost records lost"
check "open: records were lost once the buffer was full" [ "$lost" -gt 0 ]
rm "$tmp/fullx/filler"
wait_events error 1 "$tmp/fullx/log" || bad "open: no error record"
stop_daemon
echo "open overflow: outcomes: $(cat "$tmp"/overflow.* | cut -d' ' -f1 |
	sort | uniq -c | tr '\n' ' ')"
check "open: every flood attempt connected" \
	sh -c "! cat '$tmp'/overflow.* | grep -vq '^connected '"
check "open: accepted = recorded + reported lost, none unaccounted" "$PY" -c '
import glob, json, sys
tries = sum(1 for f in glob.glob(sys.argv[2] + "/overflow.*") for l in open(f))
r = [json.loads(l) for l in open(sys.argv[1])]
acc = sum(x.get("verdict") == "accept" for x in r)
lost = sum(x.get("lost_records", 0) for x in r if x["event_type"] == "error")
judged = [x for x in r if x["event_type"] == "stop"][-1]["stats"]["accepted"]
print("open overflow: %d attempts, %d accepted by the daemon, %d recorded, "
      "%d reported lost" % (tries, judged, acc, lost))
# A SYN held over a second is sent again and judged again: the daemon may
# accept a little more than the clients tried, never less.
sys.exit(not (judged == acc + lost and tries <= judged))
' "$tmp/fullx/log" "$tmp"
check "open: log verifies" verifies "$tmp/fullx/log"

# --- a packet the decoder cannot follow ----------------------------------
# IPv6 to ::1 with N destination-options headers before UDP: conntrack
# sees a new UDP flow and the packet is queued.  With 2 the policy accepts
# it (the listener's count shows the path works); with 17 (the decoder
# follows 16) nfjudge drops it and records the drop with what it knows.
ns_fresh
printf 'set default reject\naccept to ::1 name loopback\n' >"$tmp/undec.conf"
nsx "$PY" -c '
import os, socket, sys, time
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.bind(("::1", 9999))
s.settimeout(0.2)
print("ready", flush=True)
# Until 2 s after the test says both were judged (the stop file), 60 s at
# most: a slow start on a loaded machine must not end the listening early.
n, end, stop = 0, time.monotonic() + 60, None
while time.monotonic() < end:
    if stop is None and os.path.exists(sys.argv[1]):
        stop = time.monotonic()
    if stop is not None and time.monotonic() > stop + 2:
        break
    try:
        n += len(s.recv(64)) > 0
    except socket.timeout:
        pass
print(n)
' "$tmp/undec.stop" >"$tmp/undec.heard" &
lpid=$!
i=0
while ! grep -q ready "$tmp/undec.heard" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
start_daemon 1 "$tmp/undec.log" -c "$tmp/undec.conf" --install-rules || exit 1
ext_send() { # number of extension headers
	nsx "$PY" -c '
import socket, struct, sys
n = int(sys.argv[1])
lo = socket.inet_pton(socket.AF_INET6, "::1")
data = b"leak"
udp = struct.pack("!HHHH", 40000, 9999, 8 + len(data), 0) + data
def csum(b):
    b += b"\0" * (len(b) % 2)
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
c = csum(lo + lo + struct.pack("!IxxxB", len(udp), 17) + udp) or 0xffff
udp = udp[:6] + struct.pack("!H", c) + udp[8:]
ext = b"".join(bytes([60 if i < n - 1 else 17, 0, 1, 4, 0, 0, 0, 0])
               for i in range(n))
ip = struct.pack("!IHBB", 6 << 28, len(ext) + len(udp), 60, 64) + lo + lo
s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_RAW)
s.sendto(ip + ext + udp, ("::1", 0))
' "$1"
}
ext_send 2
ext_send 17
wait_events verdict 2 "$tmp/undec.log" || bad "undecodable: no records"
: >"$tmp/undec.stop"
wait "$lpid"
stop_daemon
check "undecodable: the decodable one arrived, the other did not ($(tail -1 "$tmp/undec.heard"))" \
	[ "$(tail -1 "$tmp/undec.heard")" = 1 ]
check "undecodable: dropped and recorded with its addresses" "$PY" -c '
import json, sys
v = [json.loads(l) for l in open(sys.argv[1])]
v = [x for x in v if x["event_type"] == "verdict"]
u = [x for x in v if x.get("reason") == "undecodable"]
ok = len(v) == 2 and v[0]["verdict"] == "accept" and len(u) == 1
u = u[0] if u else {}
ok = ok and u.get("verdict") == "drop" and u.get("rule") == "fence"
ok = ok and u.get("enforced") is True and u.get("ip_version") == 6
ok = ok and u.get("src_ip") == "::1" and u.get("dest_ip") == "::1"
ok = ok and u.get("proc") is None and u.get("queue") == 0
sys.exit(not ok)
' "$tmp/undec.log"
check "undecodable: counted as an error in the stop record" "$PY" -c '
import json, sys
st = [json.loads(l) for l in open(sys.argv[1])][-1]["stats"]
sys.exit(not (st["packets"] == 2 and st["errors"] == 1))
' "$tmp/undec.log"
check "undecodable: log verifies" verifies "$tmp/undec.log"

# --- the log rotated or removed underneath -------------------------------
chained() { # old new: the new file's first record names the old's last
	"$PY" -c '
import json, sys
last = [json.loads(l) for l in open(sys.argv[1])][-1]
first = json.loads(open(sys.argv[2]).readline())
sys.exit(first.get("prev_chain") != last["chain"])
' "$1" "$2"
}
ns_fresh
listen
start_daemon 1 "$tmp/rot.log" -c "$tmp/policy.conf" --install-rules || exit 1
connects
mv "$tmp/rot.log" "$tmp/rot.log.1"
kill -HUP "$DPID"
wait_events reload 1 "$tmp/rot.log" || bad "rotate: no reload record"
connects
# The writer thread writes the record after the verdict: wait for it.
wait_events verdict 1 "$tmp/rot.log" || bad "rotate: no verdict record"
cp "$tmp/rot.log" "$tmp/rot.log.2"
rm "$tmp/rot.log"
kill -HUP "$DPID"
wait_events reload 1 "$tmp/rot.log" || bad "remove: no reload record"
connects
stop_daemon
check "rotate: the old file ends before the reload" \
	[ "$(count '"event_type":"reload"' "$tmp/rot.log.1")" -eq 0 ]
check "rotate: records go to the new file" [ "$(accepts "$tmp/rot.log.2")" -eq 1 ]
check "rotate: the new file's first record names the old one's last" \
	chained "$tmp/rot.log.1" "$tmp/rot.log.2"
check "rotate: the old file and the new one verify as a chain" \
	verifies "$tmp/rot.log.1" "$tmp/rot.log.2"
check "remove: a new file, whose first record names the removed one's" \
	chained "$tmp/rot.log.2" "$tmp/rot.log"
check "remove: records go to the new file" [ "$(accepts "$tmp/rot.log")" -eq 1 ]
check "remove: the new file verifies on its own, head per its prev_chain" \
	verifies --trust-head "$tmp/rot.log"

# --- a policy file replaced while reloads arrive ------------------------
ns_fresh
listen
cp "$tmp/policy.conf" "$tmp/live.conf"
start_daemon 1 "$tmp/reload.log" -c "$tmp/live.conf" --install-rules || exit 1
i=0
while [ $i -lt 40 ]; do
	case $((i % 4)) in
	0) printf 'set default reject\naccept to 10.200.0.1 port 3128 name proxy\n' ;;
	1) printf 'set default reject\naccept to 10.200.0.1 port 3128 name proxy\naccept to 10.200.0.9 port 443 name web\n' ;;
	2) printf 'accept prot tcp\n' ;;
	3) printf 'set default reject\n%s\naccept to 10.200.0.1 port 3128 name proxy\n' \
		"$(seq -f 'reject to 10.201.%g.0/24' 1 200)" ;;
	esac >"$tmp/new.conf"
	mv "$tmp/new.conf" "$tmp/live.conf"
	kill -HUP "$DPID"
	sleep 0.05
	i=$((i + 1))
done &
hups=$!
n=0 lost=0
while kill -0 "$hups" 2>/dev/null && [ $n -lt 200 ]; do
	connects || lost=$((lost + 1))
	n=$((n + 1))
done
wait "$hups"
printf 'set default reject\naccept to 10.200.0.1 port 3128 name proxy\naccept to 10.200.0.9 port 443 name web\n' \
	>"$tmp/new.conf"
mv "$tmp/new.conf" "$tmp/live.conf"
sleep 0.5
nreload=$(count_events reload "$tmp/reload.log")
kill -HUP "$DPID"
wait_events reload $((nreload + 1)) "$tmp/reload.log" || bad "reload: none"
check "reload: daemon alive through the storm" kill -0 "$DPID"
check "reload: the proxy always reachable ($lost of $n were not)" [ "$lost" -eq 0 ]
check "reload: the last policy is in force" \
	connects_to 10.200.0.9:443
stop_daemon
check "reload: every reload ok or a clean failure" "$PY" -c '
import json, sys
r = [json.loads(l) for l in open(sys.argv[1])]
rl = [x for x in r if x["event_type"] == "reload"]
good = all((x["ok"] is True and len(x["policy_sha256"]) == 64) or
           (x["ok"] is False and x.get("message")) for x in rl)
sys.exit(not (good and rl[-1]["ok"] and r[-1]["event_type"] == "stop"))
' "$tmp/reload.log"
check "reload: log verifies" verifies "$tmp/reload.log"

# --- a failure leaves the rules in place ---------------------------------
# Only TERM/INT remove the rules --install-rules put in.  A start that
# fails after they went in (here: the pidfile cannot be written) exits 1
# and leaves them: nothing passes until nfjudge runs again.
ns_fresh
listen
nsx "$NFJUDGE" run -c "$tmp/policy.conf" --install-rules -o "$tmp/fail.log" \
	--pidfile "$tmp/no/such/dir/pid" 2>"$tmp/fail.err"
st=$?
check "failure: exits 1 (got $st)" [ "$st" -eq 1 ]
check "failure: says the rules stay" grep -q 'rules stay in place' "$tmp/fail.err"
check "failure: the rules are still there" sh -c \
	"ip netns exec $NS iptables -S | grep -q -- '-A OUTPUT -j NFJUDGE'"
check "failure: nothing passes" times_out
start_daemon 1 "$tmp/fail.log" -c "$tmp/policy.conf" --install-rules || exit 1
check "failure: a new daemon judges again" connects
stop_daemon
check "failure: TERM removes them" sh -c \
	"! ip netns exec $NS iptables -S | grep -q NFJUDGE"

# --- the queue already bound ---------------------------------------------
ns_fresh
listen
start_daemon 1 "$tmp/q.log" -c "$tmp/policy.conf" --install-rules || exit 1
nsx "$NFJUDGE" run -c "$tmp/policy.conf" -o "$tmp/q2.log" 2>"$tmp/q2.err"
st=$?
check "busy queue: the second daemon exits 1 (got $st)" [ "$st" -eq 1 ]
check "busy queue: the message names the queue" \
	grep -q 'queue 0 is already bound' "$tmp/q2.err"
check "busy queue: the first daemon still judges" connects
stop_daemon
check "busy queue: the first daemon's log verifies" verifies "$tmp/q.log"

test_summary
