#!/bin/sh
# The daemon and its service manager: a fake NOTIFY_SOCKET (a unix
# datagram socket, as systemd's) must hear READY=1, STATUS= with the
# counts, RELOADING=1 with MONOTONIC_USEC then READY=1 on HUP, WATCHDOG=1
# at a quarter of WATCHDOG_USEC, and STOPPING=1 on TERM, all from the
# daemon's pid.  A stalled queue worker (the NFJUDGE_TEST_STALL_QUEUE hook) stops
# the pings, and while it is stalled nothing reaches the far side; the
# test, playing the service manager, then kills the overdue daemon as
# systemd would: the rules stay, nothing passes until the restart.
set -u
live_name=notify
. "$(dirname "$0")/livelib.sh"

msgs=$tmp/notify.out
: >"$msgs"
"$PY" "$top_srcdir/tests/fake-notify.py" "$tmp/notify" "$msgs" &
live_pids="$live_pids $!"
# The far side: one line per connection that arrived.
nsbg "$PY" -c '
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("10.200.0.1", 3128))
s.listen(16)
with open(sys.argv[1], "a", buffering=1) as f:
    while True:
        c, a = s.accept()
        f.write("%s\n" % a[0])
        c.close()
' "$tmp/arrived"
: >"$tmp/arrived"

wait_for() { # description command...: up to 10 s
	d=$1
	shift
	i=0
	while ! "$@"; do
		i=$((i + 1))
		[ $i -lt 100 ] || { bad "$d"; return 1; }
		sleep 0.1
	done
	ok
}
# Each line of $msgs: receiver's time, sender's pid, queued time, message.
# The line number of the first message matching ERE after line N (0: none).
line_of() { # N ere
	awk -v n="$1" -v re="$2" '{ m = $0; sub(/^[^ ]+ [^ ]+ [^ ]+ /, "", m) }
		NR > n && m ~ re { print NR; found = 1; exit }
		END { if (!found) print 0 }' "$msgs"
}
after() { # N ere: is there such a message after line N?
	[ "$(line_of "$1" "$2")" -gt 0 ] 2>/dev/null
}
arrived() { wc -l <"$tmp/arrived"; }
# The listener writes its line after accept(), which may come after the
# client saw its connection complete: wait for it, up to 10 s.
arrived_at_least() { [ "$(arrived)" -ge "$1" ]; }

wait_for "the notification socket is bound" test -S "$tmp/notify"
# Watchdog 2 s: a ping every 500 ms, a worker beat every 250 ms.
nsbg env NOTIFY_SOCKET="$tmp/notify" WATCHDOG_USEC=2000000 \
	NFJUDGE_TEST_STALL_QUEUE=0 \
	"$NFJUDGE" run -c "$tmp/policy.conf" --install-rules -o "$tmp/log" \
	2>"$tmp/daemon.err"
DPID=$last_pid

wait_for "READY=1" after 0 '^READY=1'
ready=$(line_of 0 '^READY=1')
wait_for "STATUS= with the counts" after "$ready" '^STATUS=judged [0-9]+: accepted'
wait_for "WATCHDOG=1 before the reload" after "$ready" '^WATCHDOG=1$'

n=$(wc -l <"$msgs")
kill -HUP "$DPID"
wait_for "RELOADING=1 with MONOTONIC_USEC on HUP" \
	after "$n" '^RELOADING=1\|MONOTONIC_USEC=[0-9]+$'
rl=$(line_of "$n" '^RELOADING=1')
# The timestamp is CLOCK_MONOTONIC's, as the receiver's own (within 5 s).
check "MONOTONIC_USEC is the monotonic clock" awk -v n="$rl" 'NR == n {
	split($4, a, "="); d = $1 - a[3]; exit !(d >= 0 && d < 5000000) }' "$msgs"
wait_for "READY=1 after the reload" after "$rl" '^READY=1$'
wait_for "WATCHDOG=1 after the reload" after "$rl" '^WATCHDOG=1$'

# The first batch is served, then the worker of queue 0 stalls.
check "a connection passes before the stall" \
	connects_to 10.200.0.1:3128
wait_for "the daemon reports the stall" \
	grep -q 'NFJUDGE_TEST_STALL_QUEUE: the worker stalls' "$tmp/daemon.err"
n=$(wc -l <"$msgs")
wait_for "STATUS= names the stalled worker" \
	after "$n" '^STATUS=the worker of queue 0 makes no progress'
st=$(line_of "$n" '^STATUS=the worker of queue 0')
wait_for "the far side saw the connection before the stall" arrived_at_least 1
before=$(arrived)
check "no connection passes while the worker is stalled" \
	[ "$(attempt tcp 10.200.0.1:3128)" = timeout ]
check "nothing arrived at the far side during the stall" \
	[ "$(arrived)" -eq "$before" ]
# Two ping intervals more have passed (the attempt's 2 s); one more.
sleep 1
check "no WATCHDOG=1 after the stall" sh -c "! awk -v n=$st \
	'NR > n && \$4 == \"WATCHDOG=1\"' '$msgs' | grep -q ."

kill -TERM "$DPID"
i=0
while kill -0 "$DPID" 2>/dev/null && [ $i -lt 100 ]; do
	i=$((i + 1))
	sleep 0.1
done
check "the daemon stopped on TERM" sh -c "! kill -0 $DPID 2>/dev/null"
wait_for "STOPPING=1 after the stall" after "$st" '^STOPPING=1$'
check "every message came from the daemon's pid" \
	awk -v p="$DPID" '$2 != p { exit 1 }' "$msgs"
check "the rules went with TERM" sh -c "! ip netns exec $NS iptables -S | grep -q NFJUDGE"

# --- what the service manager does when the pings stop ------------------
# The test plays systemd: past WATCHDOG_USEC without a ping from the
# daemon, SIGABRT (WatchdogSignal=), then a restart (Restart=on-failure)
# with --install-rules over the rules the kill left.
# Each time is the one the kernel queued the message at, so a receiver
# or a test slow to be scheduled does not make a ping look late.
pings() { # pid: its WATCHDOG=1 so far
	awk -v p="$1" '$2 == p && $4 == "WATCHDOG=1"' "$msgs" | wc -l
}
pings_at_least() { [ "$(pings "$1")" -ge "$2" ]; }
# The longest wait of a service manager, in us, for the first ping after
# READY=1 or for the next one after it.
longest_gap() { # pid
	awk -v p="$1" '$2 == p && ($4 ~ /^READY=1/ || $4 == "WATCHDOG=1") {
		if (t && $3 - t > g) g = $3 - t; t = $3 }
		END { printf "%.0f\n", g }' "$msgs"
}
# How long, in us, the daemon has not pinged, seen at a marker the test
# sends now: what a service manager reading its socket now would see.
since_ping() { # pid
	# shellcheck disable=SC2046 # the marker's line and time, two words
	set -- "$1" $("$PY" "$top_srcdir/tests/fake-notify.py" mark \
		"$tmp/notify" "$msgs")
	[ $# -eq 3 ] || return 1
	awk -v p="$1" -v n="$2" -v t="$3" 'NR < n && $2 == p &&
		$4 == "WATCHDOG=1" { l = $3 } END { if (l) printf "%.0f\n", t - l }' \
		"$msgs"
}
overdue() { # pid: no ping for more than WATCHDOG_USEC (2 s)
	s=$(since_ping "$1")
	[ -n "$s" ] && [ "$s" -gt 2000000 ]
}
not_overdue() { # pid: a ping within WATCHDOG_USEC (2 s)
	s=$(since_ping "$1")
	[ -n "$s" ] && [ "$s" -le 2000000 ]
}
n=$(wc -l <"$msgs")
# No core file from the SIGABRT.
nsbg sh -c 'ulimit -c 0 && exec "$@"' sh \
	env NOTIFY_SOCKET="$tmp/notify" WATCHDOG_USEC=2000000 \
	NFJUDGE_TEST_STALL_QUEUE=0 \
	"$NFJUDGE" run -c "$tmp/policy.conf" --install-rules -o "$tmp/log" \
	2>>"$tmp/daemon.err"
DPID=$last_pid
wait_for "restart: READY=1" after "$n" '^READY=1'
wait_for "restart: WATCHDOG=1 while healthy" pings_at_least "$DPID" 3
check "restart: a healthy daemon pings within WATCHDOG_USEC" \
	[ "$(longest_gap "$DPID")" -le 2000000 ]
check "restart: a healthy daemon is not overdue" not_overdue "$DPID"
check "restart: a connection passes before the stall" \
	connects_to 10.200.0.1:3128
wait_for "restart: the watchdog deadline passes after the stall" overdue "$DPID"
kill -ABRT "$DPID"
i=0
while kill -0 "$DPID" 2>/dev/null && [ $i -lt 100 ]; do
	i=$((i + 1))
	sleep 0.1
done
check "restart: SIGABRT ended the daemon" sh -c "! kill -0 $DPID 2>/dev/null"
check "restart: the rules stay after the kill" \
	sh -c "ip netns exec $NS iptables -S | grep -q -- '-A OUTPUT -j NFJUDGE'"
wait_for "restart: the far side saw the connection before the stall" \
	arrived_at_least 2
before=$(arrived)
check "restart: nothing passes between kill and restart" \
	[ "$(attempt tcp 10.200.0.1:3128)" = timeout ]
n=$(wc -l <"$msgs")
nsbg env NOTIFY_SOCKET="$tmp/notify" WATCHDOG_USEC=2000000 \
	"$NFJUDGE" run -c "$tmp/policy.conf" --install-rules -o "$tmp/log" \
	2>>"$tmp/daemon.err"
DPID=$last_pid
wait_for "restart: READY=1 again" after "$n" '^READY=1'
check "restart: connections pass again" \
	connects_to 10.200.0.1:3128
wait_for "restart: the far side saw the one after the restart" \
	arrived_at_least $((before + 1))
check "restart: the far side saw only that one" \
	[ "$(arrived)" -eq $((before + 1)) ]
wait_for "restart: WATCHDOG=1 from the new daemon" pings_at_least "$DPID" 1
kill -TERM "$DPID"
wait_for "restart: STOPPING=1" sh -c "awk -v p=$DPID \
	'\$2 == p && \$4 == \"STOPPING=1\"' '$msgs' | grep -q ."

# WATCHDOG_PID naming another process: the interval is not ours.
: >"$msgs"
nsbg env NOTIFY_SOCKET="$tmp/notify" WATCHDOG_USEC=200000 WATCHDOG_PID=1 \
	"$NFJUDGE" run -c "$tmp/policy.conf" -q 5 -o "$tmp/log2" \
	2>>"$tmp/daemon.err"
DPID=$last_pid
wait_for "READY=1 (WATCHDOG_PID=1)" after 0 '^READY=1'
sleep 1
check "no WATCHDOG=1 when WATCHDOG_PID is another's" \
	sh -c "! grep -q 'WATCHDOG=1' '$msgs'"
kill -TERM "$DPID"

[ "$fails" -eq 0 ] || { cat "$msgs"; cat "$tmp/daemon.err"; }
test_summary
