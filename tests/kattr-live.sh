#!/bin/sh
# Kernel (BPF) attribution, live, in a network namespace of its own: the
# record names the exact sender, with pid and exe, where /proc cannot --
# a process that connects and exits at once, a thread connecting on a
# socket a sleeping process also holds, a UDP sendto on a socket
# connected elsewhere, send then close, a connected UDP socket that
# another program inherits and write()s on (with the socket_sendmsg LSM
# hook; skipped, said why, where BPF LSM is not active).  Skips (77) only where the BPF
# programs cannot load (said why).
set -u
live_name=kattr
. "$(dirname "$0")/livelib.sh"
: "${top_builddir:=$top_srcdir}"
CLIENT=$(cd "$top_builddir/tests" && pwd)/kattr_client
SLEEP=$(readlink -f "$(command -v sleep)")

cat >"$tmp/policy.conf" <<POL
set default reject
accept proto tcp to 10.200.0.9 port 7000 exe $SLEEP name sleeper
accept proto udp to 10.200.0.9 port 7004-7007 exe $CLIENT name client-udp
accept proto tcp to 10.200.0.9 port 7008 exe $CLIENT name before-exec
accept to 10.200.0.1 port 3128 name proxy
POL
cp "$CLIENT" "$tmp/other"

start_daemon 1 "$tmp/log" -c "$tmp/policy.conf" --install-rules \
	--attribution kernel || {
	if grep -q "attribution kernel" "$tmp/daemon.err"; then
		echo "skipped: $(grep 'attribution kernel' "$tmp/daemon.err")"
		exit 77
	fi
	exit 1
}
check "the daemon says it runs kernel attribution" \
	grep -q "\"event_type\":\"start\".*\"attribution\":\"kernel\"" "$tmp/log"
# the far side: a listener that says each connection it accepts
nsbg "$PY" -u -c '
import socket
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("10.200.0.9", 7000))
s.listen(16)
print("ready")
while True:
    c, _ = s.accept()
    print("accepted")
    c.close()
' >"$tmp/listen.out" 2>&1
i=0
until grep -q ready "$tmp/listen.out"; do
	i=$((i + 1))
	[ $i -le 100 ] || { bad "the listener did not start"; break; }
	sleep 0.1
done

# verdict records for a port: "pid exe verdict attribution", one a line
records() { # dport [proto]
	"$PY" - "$tmp/log" "$1" "${2:-TCP}" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r.get("event_type") != "verdict" or r["dest_port"] != int(sys.argv[2]):
        continue
    if r["proto"] != sys.argv[3]:
        continue
    p = r.get("proc") or {}
    print(p.get("pid", "-"), p.get("exe") or "-", r["verdict"], r["attribution"])
PY
}
wait_records() { # n dport [proto]: up to 10 s
	i=0
	while [ "$(records "$2" "${3:-TCP}" | wc -l)" -lt "$1" ]; do
		i=$((i + 1))
		[ $i -le 100 ] || return 1
		sleep 0.1
	done
}

# 1. connect then _exit at once, 40 fresh processes
: >"$tmp/fast.pids"
n=0
while [ $n -lt 40 ]; do
	nsx "$CLIENT" connect-exit 10.200.0.9 7001 >>"$tmp/fast.pids"
	n=$((n + 1))
done
wait_records 40 7001 || bad "fast exit: fewer than 40 records"
named=$(records 7001 | awk -v exe="$CLIENT" 'NR==FNR {p[$1]=1; next}
	($1 in p) && $2 == exe && $4 == "kernel" {n++} END {print n+0}' \
	"$tmp/fast.pids" -)
echo "fast exit: $named of 40 named with pid and exe"
check "fast exit: >= 38 of 40 named with pid and exe" [ "$named" -ge 38 ]

# 2. a thread connects on a socket a sleeping process also holds: the
# record names the sender, and the sleeper's exe rule does not let it out
nsx "$CLIENT" thread-shared 10.200.0.9 7000 "$SLEEP" >"$tmp/shared.out"
spid=$(sed -n 1p "$tmp/shared.out")
wait_records 1 7000 || bad "shared: no record"
expect_eq "shared: the record names the connecting process" \
	"$(records 7000 | head -1)" "$spid $CLIENT reject kernel"
expect_eq "shared: the connect was refused" \
	"$(sed -n 2p "$tmp/shared.out")" "refused"
check "shared: nothing reached the listener" \
	[ "$(grep -c accepted "$tmp/listen.out")" -eq 0 ]

# 3. sendto on a UDP socket connected elsewhere
upid=$(nsx "$CLIENT" sendto-connected 10.200.0.1 3128 10.200.0.9 7002)
wait_records 1 7002 UDP || bad "sendto-connected: no record"
expect_eq "sendto on a connected UDP socket names the sender" \
	"$(records 7002 UDP | head -1)" "$upid $CLIENT reject kernel"

# 4. UDP send, close, exit at once
cpid=$(nsx "$CLIENT" send-close 10.200.0.9 7003)
wait_records 1 7003 UDP || bad "send-close: no record"
expect_eq "send then close names the sender" \
	"$(records 7003 UDP | head -1)" "$cpid $CLIENT reject kernel"

# 5. a path is not an identity: another program mounted over the path
# the rule names, in a mount namespace of its own, connects and exits at
# once.  Named by that path, but tainted, and refused: counted where the
# SYN would arrive (INPUT of the namespace), not from the log.
cp "$CLIENT" "$tmp/impostor"
nsx iptables -I INPUT 1 -p tcp --syn --dport 7000
syn_in() { nsx iptables -nvxL INPUT 1 | awk '{print $1}'; }
before=$(syn_in)
ipid=$(nsx unshare -m sh -c "mount --bind '$tmp/impostor' '$SLEEP' &&
	exec '$SLEEP' connect-exit 10.200.0.9 7000")
# Its records (more than one if a slow daemon let the SYN be sent again;
# case 2's may be two as well): waited for by its pid, each alike.
impostor() {
	"$PY" - "$tmp/log" "$ipid" "$SLEEP" <<'PY' | sort -u >"$tmp/impostor.out"
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    p = r.get("proc") or {}
    if r.get("event_type") == "verdict" and p.get("pid") == int(sys.argv[2]):
        print(r["attribution"], p.get("exe") == sys.argv[3],
              bool(p.get("tainted")), r["verdict"])
PY
	[ -s "$tmp/impostor.out" ]
}
poll 100 impostor || bad "impostor: no record"
expect_eq "impostor: named by the path, tainted, rejected" \
	"$(cat "$tmp/impostor.out")" "kernel True True reject"
expect_eq "impostor: no SYN reached the listener's side" "$(syn_in)" "$before"

# 5b. one process, one pid, one start time, two programs: the connect
# after the exec names the new one, which the old one's exe rule does
# not let out (no identity kept from before the exec)
nsx iptables -A INPUT -p tcp --syn --dport 7008
syn_7008() { nsx iptables -nvxL INPUT | awk '/ dpt:7008 flags:/ {print $1}'; }
xpid=$(nsx "$CLIENT" connect-exec 10.200.0.9 7008 "$tmp/other" | sort -u)
wait_records 2 7008 || bad "exec: fewer than 2 records"
expect_eq "exec: each connect named by the program that made it" \
	"$(records 7008 | head -2 | xargs)" \
	"$xpid $CLIENT accept kernel $xpid $tmp/other reject kernel"
# Where the SYNs would arrive: one for each the records accepted (a SYN
# held over a second is sent again and judged again), none of the
# rejected program's.
accepted_7008() { records 7008 | awk '$3 == "accept" {n++} END {print n + 0}'; }
arrived_all() { [ "$(syn_7008)" -ge "$(accepted_7008)" ]; }
poll 100 arrived_all || true
expect_eq "exec: only the accepted SYNs arrived" "$(syn_7008)" \
	"$(accepted_7008)"

# 6-8. a UDP socket connected by this program, written on by a child: in
# the record and where the datagrams would arrive (INPUT of the
# namespace), the child's own exe decides, not the connecting program's
udp_in() { nsx iptables -nvxL INPUT | awk -v p="dpt:$1" '$NF == p {print $1}'; }
for p in 7004 7005 7006 7007; do
	nsx iptables -A INPUT -p udp --dport $p
done
# "pid shared holder-pids..." of the first verdict record for a UDP port
sharing() { # dport
	"$PY" - "$tmp/log" "$1" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r.get("event_type") != "verdict" or r["dest_port"] != int(sys.argv[2]):
        continue
    p = r.get("proc") or {}
    pids = sorted(h["pid"] for h in p.get("holders", []))
    print(p.get("pid", "-"), p.get("shared"), *pids)
    break
PY
}
if grep -q '"event_type":"start".*UDP senders: not seen' "$tmp/log"; then
	echo "skipped 6-8: $(grep -o 'UDP senders: not seen[^"]*' "$tmp/log")"
else
	# 6. another program: its pid and exe, refused, nothing arrives
	nsx "$CLIENT" inherit-send 10.200.0.9 7004 "$tmp/other" >"$tmp/inh.out"
	apid=$(sed -n 1p "$tmp/inh.out")
	bpid=$(sed -n 2p "$tmp/inh.out")
	wait_records 1 7004 UDP || bad "inherited: no record"
	expect_eq "inherited: the record names the child that wrote" \
		"$(records 7004 UDP | head -1)" "$bpid $tmp/other reject kernel"
	check "inherited: the connecting program is not named" \
		test -n "$bpid" -a "$apid" != "$bpid"
	expect_eq "inherited: nothing arrived" "$(udp_in 7004)" 0

	# 7. once another program sent on it, the socket is shared: the
	# connecting program's own send after that is not taken on its exe
	nsx "$CLIENT" shared-send 10.200.0.9 7005 7006 "$tmp/other" \
		>"$tmp/sh.out"
	apid=$(sed -n 1p "$tmp/sh.out")
	bpid=$(sed -n 2p "$tmp/sh.out")
	wait_records 1 7006 UDP || bad "shared UDP: no record"
	expect_eq "shared UDP: the child's send named and refused" \
		"$(records 7005 UDP | head -1)" "$bpid $tmp/other reject kernel"
	expect_eq "shared UDP: the sender named, the socket shared" \
		"$(sharing 7006)" \
		"$apid True $(printf '%s\n' "$apid" "$bpid" | sort -n | xargs)"
	expect_eq "shared UDP: refused" \
		"$(records 7006 UDP | head -1)" "$apid $CLIENT reject kernel"
	expect_eq "shared UDP: nothing arrived" \
		"$(udp_in 7005) $(udp_in 7006)" "0 0"

	# 8. the control: a child that runs the program the rule names
	nsx "$CLIENT" inherit-send 10.200.0.9 7007 "$CLIENT" >"$tmp/ok.out"
	bpid=$(sed -n 2p "$tmp/ok.out")
	wait_records 1 7007 UDP || bad "inherited, same exe: no record"
	expect_eq "inherited, same exe: named and accepted" \
		"$(records 7007 UDP | head -1)" "$bpid $CLIENT accept kernel"
	expect_eq "inherited, same exe: the datagram arrived" "$(udp_in 7007)" 1
fi

kill -TERM "$DPID"
wait "$DPID" 2>/dev/null
check "the daemon stopped cleanly" grep -q '"event_type":"stop"' "$tmp/log"
test_summary
