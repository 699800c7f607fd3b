#!/bin/sh
# The control socket (run --control, nfjudge ctl) against a live daemon in
# a namespace of its own: status fields; explain; a temporary allow rule
# lets a refused flow through and, once its time is up, it is refused
# again; a bad reload answers FILE:LINE:COL and the old policy still
# decides, a good one takes over; a peer that is neither root nor of the
# control group is refused; every action is a control record and the log
# verifies.  What passes is counted on the far side, by the listener.
set -u
live_name=ctl
. "$(dirname "$0")/livelib.sh"

GRP=4242
SOCK=$tmp/ctl.sock
# The far side: one line per connection that arrived, with its port.
nsbg "$PY" -c '
import select, socket, sys
socks = []
for a, p in (("10.200.0.1", 3128), ("10.200.0.9", 80)):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((a, p))
    s.listen(16)
    socks.append(s)
with open(sys.argv[1], "a", buffering=1) as f:
    while True:
        for s in select.select(socks, [], [])[0]:
            c, a = s.accept()
            f.write("%d\n" % s.getsockname()[1])
            c.close()
' "$tmp/arrived"
LPID=$last_pid
wait_bound tcp 10.200.0.1:3128 10.200.0.9:80 || exit 1
: >"$tmp/arrived"
arrived() { grep -c "^$1\$" "$tmp/arrived"; }
# The listener writes after accept(): wait for its line, up to 10 s.
wait_arrived() { # port count
	i=0
	while [ "$(arrived "$1")" -lt "$2" ]; do
		i=$((i + 1))
		[ $i -lt 100 ] || return 1
		sleep 0.1
	done
}

# The log is written by a thread of its own: wait for a line, up to 10 s.
in_log() { # ERE
	i=0
	while ! grep -Eq "$1" "$tmp/log"; do
		i=$((i + 1))
		[ $i -lt 100 ] || return 1
		sleep 0.1
	done
}
ctl() { nsx "$NFJUDGE" ctl -s "$SOCK" "$@"; }
# A JSON field of the last reply ($tmp/out), as Python prints it.
field() { "$PY" -c 'import json,sys; v=json.load(open(sys.argv[1]))
for k in sys.argv[2:]: v=v[int(k)] if isinstance(v, list) else v[k]
print(v)' "$tmp/out" "$@"; }

start_daemon 1 "$tmp/log" -c "$tmp/policy.conf" --install-rules \
	--control "$SOCK" --control-group "$GRP" --ocsf "$tmp/ocsf" || exit 1

check "socket is mode 0660, root:$GRP" \
	test "$(stat -c '%a %u %g' "$SOCK")" = "660 0 $GRP"

expect_status 0 "ctl status" ctl status
expect_eq "status mode" "$(field mode)" enforce
expect_eq "status attribution" "$(field attribution)" \
	"$(grep -o '"attribution":"[a-z]*"' "$tmp/log" | head -1 | cut -d'"' -f4)"
expect_eq "status policy path" "$(field policy path)" "$tmp/policy.conf"
check "status policy sha256" expr "$(field policy sha256)" : '[0-9a-f]\{64\}$' \
	>/dev/null
expect_eq "status policy sha256 is the start record's" "$(field policy sha256)" \
	"$(grep -o '"policy_sha256":"[0-9a-f]*"' "$tmp/log" | head -1 | cut -d'"' -f4)"
expect_eq "status generation" "$(field policy generation)" 1
expect_eq "status queues" "$(field queues)" "0:0"
expect_eq "status counters" "$(field counters rejected)" 0
check "status uptime" test "$(field uptime_s)" -ge 0
expect_eq "status last error" "$(field last_error)" None

# Refused by the default rule, and nothing arrived.
expect_eq "refused before the temporary rule" \
	"$(attempt tcp-ok 10.200.0.9:80 | cut -d' ' -f1)" refused

expect_status 0 "ctl explain" ctl explain tcp 10.200.0.9:40000 10.200.0.9:80
expect_eq "explain: the default decides" "$(field rule)" default
expect_eq "explain: verdict" "$(field verdict)" reject
expect_eq "explain: the proxy rule was tried" "$(field rules 0 rule)" proxy
expect_eq "explain: and did not hold" "$(field rules 0 holds)" False
expect_eq "explain: its port match failed" "$(field rules 0 matches 1 holds)" False
expect_status 0 "ctl explain of the proxy" ctl explain tcp 10.200.0.9 10.200.0.1:3128
expect_eq "explain: the proxy rule decides" "$(field rule)" proxy
expect_status 2 "explain with a bad address is a usage error" \
	ctl explain tcp 10.200.0.9 nowhere:80
expect_status 1 "the daemon refuses a flow of two families" \
	ctl explain tcp 10.200.0.9 '[fd00::1]:80'
check "and says why" grep -q 'differ in family' "$tmp/out"

# 5 s: long enough for the checks below on a loaded machine
expect_status 0 "ctl allow --ttl 5s" ctl allow proto tcp to 10.200.0.9 port 80 --ttl 5s
got=$(attempt tcp-ok 10.200.0.9:80 | cut -d' ' -f1)
expect_eq "allow names its rule" "$(field rule)" ctl-1
expect_eq "the temporary rule lets it through" "$got" connected
expect_status 0 "ctl rules" ctl rules
expect_eq "rules lists it" "$(field rules 0 rule)" ctl-1
check "rules shows its time left" test "$(field rules 0 remaining_s)" -le 5
check "it arrived on the far side" wait_arrived 80 1
check "its verdict record names ctl-1, line 0" \
	in_log '"verdict":"accept","enforced":true,"rule":"ctl-1","rule_line":0'

# Expiry: the rules list empties (bounded poll), then it is refused again.
i=0
while ctl rules 2>/dev/null | grep -q ctl-1; do
	i=$((i + 1))
	[ $i -lt 200 ] || break
	sleep 0.1
done
check "the temporary rule expired" test $i -lt 200
check "its expiry is recorded" in_log '"command":"expire".*"rule":"ctl-1"'
expect_eq "refused again after expiry" \
	"$(attempt tcp-ok 10.200.0.9:80 | cut -d' ' -f1)" refused
expect_status 2 "allow without --ttl is a usage error" ctl allow proto tcp
expect_status 1 "a rule that does not parse is refused" \
	ctl deny proto tcp to nowhere --ttl 5s
check "its error names the column" grep -q '<rule>:1:[0-9]' "$tmp/out"

# A bad policy: the errors come back, the old policy stays.
printf 'set default reject\naccept proto tcp to 10.200.0.9 port 80 nonsense\n' >"$tmp/bad.conf"
chmod 644 "$tmp/bad.conf"
expect_status 1 "reload of a bad policy fails" ctl reload "$tmp/bad.conf"
check "the errors are FILE:LINE:COL" grep -q "$tmp/bad.conf:2:[0-9]*:" "$tmp/out"
expect_eq "refused still (the old policy)" \
	"$(attempt tcp-ok 10.200.0.9:80 | cut -d' ' -f1)" refused
expect_eq "the proxy still passes (the old policy)" \
	"$(attempt tcp-ok 10.200.0.1:3128 | cut -d' ' -f1)" connected
check "the proxy's connection arrived" wait_arrived 3128 1
check "only one connection to port 80 arrived" test "$(arrived 80)" -eq 1
expect_status 0 "status after the failed reload" ctl status
expect_eq "generation unchanged" "$(field policy generation)" 1
check "the last error says so" grep -q '"last_error":"reload: .*bad.conf:2:' "$tmp/out"

printf 'set default reject\naccept proto tcp to 10.200.0.9 port 80 name web\naccept proto tcp port 8080 exe /usr/bin/python3* name py\n' >"$tmp/good.conf"
chmod 644 "$tmp/good.conf"
expect_status 0 "reload of a good policy" ctl reload "$tmp/good.conf"
expect_eq "the new generation" "$(field generation)" 2
expect_eq "the new policy decides" \
	"$(attempt tcp-ok 10.200.0.9:80 | cut -d' ' -f1)" connected
check "it arrived on the far side" wait_arrived 80 2
# explain --pid: the process as the live path reads it from /proc.
expect_status 0 "ctl explain --pid" \
	ctl explain tcp 10.200.0.9 10.200.0.9:8080 --pid "$LPID"
expect_eq "explain --pid: the exe rule decides" "$(field rule)" py
expect_eq "explain --pid: names the process" "$(field process pid)" "$LPID"
expect_status 0 "ctl explain without --pid" \
	ctl explain tcp 10.200.0.9 10.200.0.9:8080
expect_eq "explain without a process: the exe rule does not hold" \
	"$(field rule)" default
expect_status 1 "explain --pid of no process" \
	ctl explain tcp 10.200.0.9 10.200.0.9:8080 --pid 2147483647
check "a reload record was written" \
	in_log '"event_type":"reload","seq":[0-9]+,"ok":true'

# Peers: the group's gid is let in; another, even with the group as a
# supplementary one (it may connect), is refused and recorded.
expect_status 0 "a peer whose gid is the control group" \
	nsx setpriv --reuid 65534 --regid "$GRP" --clear-groups \
	"$NFJUDGE" ctl -s "$SOCK" status
expect_status 1 "a peer of another group is refused" \
	nsx setpriv --reuid 65534 --regid 65534 --groups "$GRP" \
	"$NFJUDGE" ctl -s "$SOCK" status
check "its reply says why" grep -q '"ok":false,"error":"permission denied' "$tmp/out"
check "the refusal is recorded with the peer" \
	in_log '"command":"refused","ok":false,"peer_uid":65534,"peer_gid":65534'
expect_status 1 "a peer outside the group cannot even connect" \
	nsx setpriv --reuid 65534 --regid 65534 --clear-groups \
	"$NFJUDGE" ctl -s "$SOCK" status

# A peer that is not root reloads only a file it could read itself: with
# search permission on every directory of its resolved path.  The ctl
# client checks first as the caller; the daemon must not rely on it, so
# the request is sent raw.  Exit 0 when the reply says ok.
peer() { nsx setpriv --reuid 65534 --regid "$GRP" --clear-groups "$PY" -c '
import json, socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(json.dumps({"cmd": "reload", "file": sys.argv[2]}).encode() + b"\n")
s.settimeout(10)
r = b""
while not r.endswith(b"\n"):
    d = s.recv(4096)
    if not d:
        break
    r += d
sys.stdout.write(r.decode())
sys.exit(0 if json.loads(r).get("ok") else 1)
' "$SOCK" "$1"; }
chmod 711 "$tmp"
mkdir -m 755 "$tmp/pub"
mkdir -m 700 "$tmp/hidden"
cp "$tmp/good.conf" "$tmp/pub/p.conf"
cp "$tmp/good.conf" "$tmp/hidden/p.conf"
cp "$tmp/good.conf" "$tmp/pub/mine.conf"
chmod 600 "$tmp/pub/mine.conf"
ln -s ../hidden/p.conf "$tmp/pub/link.conf"
expect_status 0 "a peer reloads a file it can reach" peer "$tmp/pub/p.conf"
expect_eq "and the policy is reloaded" "$(field generation)" 3
expect_status 1 "not one in a directory it cannot search" \
	peer "$tmp/hidden/p.conf"
check "the reply says why" grep -q "the caller can read" "$tmp/out"
expect_status 1 "nor one a symlink leads to there" peer "$tmp/pub/link.conf"
expect_status 1 "nor one it may not read" peer "$tmp/pub/mine.conf"
expect_status 0 "root may" ctl reload "$tmp/pub/link.conf"
expect_eq "and the policy is reloaded" "$(field generation)" 4
chmod 700 "$tmp"

# Hostile bytes: a line too long, not JSON; the daemon still answers.
nsx "$PY" -c '
import socket, sys
for data in (b"x" * 5000, b"{\"cmd\":\"status\"\n", b"\xff\xfe\n", b"[1]\n"):
    s = socket.socket(socket.AF_UNIX)
    s.connect(sys.argv[1])
    s.sendall(data)
    s.settimeout(5)
    r = s.recv(4096)
    assert r.startswith(b"{\"ok\":false"), r
    s.close()
' "$SOCK"
check "hostile requests get an error reply" test $? -eq 0
expect_status 0 "status after them" ctl status

# Idle clients take every slot: the next is told "busy", verdicts go on,
# and the idle ones are closed after 5 s, so the socket serves again.
nsx "$PY" -c '
import socket, sys, time
cs = []
for i in range(8):
    c = socket.socket(socket.AF_UNIX)
    c.connect(sys.argv[1])
    cs.append(c)
open(sys.argv[2], "w").close()
closed, end = 0, time.time() + 20
for c in cs:
    c.settimeout(max(0.1, end - time.time()))
    try:
        closed += c.recv(1) == b""
    except OSError:
        pass
print(closed)
' "$SOCK" "$tmp/idle.ready" >"$tmp/idle.out" &
IPID=$!
i=0
while [ ! -e "$tmp/idle.ready" ] && [ $i -lt 100 ]; do
	i=$((i + 1))
	sleep 0.1
done
expect_status 1 "a ninth client is turned away" ctl status
check "it is told the daemon is busy" grep -q '"error":"busy' "$tmp/out"
expect_eq "verdicts go on meanwhile" \
	"$(attempt tcp-ok 10.200.0.9:80 | cut -d' ' -f1)" connected
check "and it arrived" wait_arrived 80 3
wait "$IPID"
expect_eq "the idle clients were closed" "$(cat "$tmp/idle.out")" 8
expect_status 0 "status once they are gone" ctl status

check "control records name the peer" \
	in_log '"event_type":"control".*"command":"allow".*"peer_uid":0'
kill -TERM "$DPID"
wait "$DPID" 2>/dev/null
check "the socket is gone after stop" test ! -e "$SOCK"
expect_status 0 "audit verify passes over the control records" \
	"$NFJUDGE" audit verify "$tmp/log"
# OCSF: each control record is API Activity, live as in the export.
"$NFJUDGE" audit export --format ocsf "$tmp/log" >"$tmp/export" 2>/dev/null
check "the live OCSF stream is the export of the log" \
	cmp "$tmp/ocsf" "$tmp/export"
if "$PY" "$top_srcdir/tests/export-check.py" ocsf "$top_srcdir/tests/data" \
	"$tmp/ocsf" "$tmp/log" >"$tmp/check"; then ok; else
	bad "the OCSF events do not validate"
	head -20 "$tmp/check"
fi
check "an API Activity event per control record" \
	test "$(grep -c '"class_uid":6003,' "$tmp/ocsf")" -eq \
	"$(count_events control "$tmp/log")"
check "the refused peer is an API Activity that failed" \
	grep -q '"class_uid":6003,.*"status_id":2,.*"operation":"refused"' "$tmp/ocsf"
test_summary
