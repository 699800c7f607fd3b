#!/bin/sh
# nfjudge run --ocsf: the live OCSF stream of accepted, refused and
# dropped connections is, byte for byte, what audit export makes of the
# verdict log written beside it, and it validates against the OCSF schema
# extract; a refused bypass of the proxy gives its Detection Finding.
# HUP reopens the stream's file (logrotate moved it) and the reload is an
# event of its own.
# Only addresses inside the test's namespace are used.
set -u
live_name=ocsf
. "$(cd "$(dirname "$0")" && pwd)/livelib.sh"
: "${PYTHON3:=python3}"

cat >"$tmp/ocsf.conf" <<'POL'
set default reject
accept proto tcp to 10.200.0.1 port 3128 name proxy
drop proto udp port 5353 name mdns-drop
POL
nsbg "$PY" "$top_srcdir/tests/netpeer.py" listen 10.200.0.1:3128 \
	10.200.0.9:443 >"$tmp/listen.out" 2>&1

start_daemon 1 "$tmp/log" -c "$tmp/ocsf.conf" --install-rules \
	--ocsf "$tmp/ocsf" || exit 1
check "proxy connection accepted" connects_to 10.200.0.1:3128
out=$(attempt tcp-ok 10.200.0.9:443)
check "direct TCP refused ($out)" sh -c "echo '$out' | grep -q '^refused'"
out=$(attempt udp 10.200.0.9:5353)
check "dropped UDP gets no answer ($out)" [ "$out" = timeout ]
wait_events verdict 3 "$tmp/log" || bad "three verdict records"
mv "$tmp/ocsf" "$tmp/ocsf.1"
kill -HUP "$DPID"
wait_events reload 1 "$tmp/log" || bad "a reload record"
i=0
while ! grep -q '"type_uid":600208,' "$tmp/ocsf" 2>/dev/null; do
	i=$((i + 1))
	[ $i -lt 100 ] || break
	sleep 0.1
done
check "HUP reopened the stream: the reload event is in the new file" \
	[ $i -lt 100 ]
kill -TERM "$DPID"
wait "$DPID"
check "the daemon stopped cleanly" [ $? -eq 0 ]

"$NFJUDGE" audit export --format ocsf "$tmp/log" >"$tmp/export" \
	2>"$tmp/export.err"
check "the old file has the events before the HUP" \
	grep -q '"class_uid":4001,' "$tmp/ocsf.1"
cat "$tmp/ocsf.1" "$tmp/ocsf" >"$tmp/ocsf.all"
check "the live stream is the export of the log" cmp "$tmp/ocsf.all" \
	"$tmp/export"
if $PYTHON3 "$top_srcdir/tests/export-check.py" ocsf "$top_srcdir/tests/data" \
	"$tmp/ocsf.all" "$tmp/log" >"$tmp/check"; then ok; else
	bad "the live stream does not validate"
	head -20 "$tmp/check"
fi
cnt() { grep -c "$1" "$tmp/ocsf.all"; }
check "a start, a reload and a stop event" [ "$(cnt '"class_uid":6002,')" -eq 3 ]
check "three network events" [ "$(cnt '"class_uid":4001,')" -eq 3 ]
check "accepted: Open, Allowed" [ "$(cnt '"type_uid":400101,.*"action_id":1,.*"disposition_id":1,')" -eq 1 ]
check "refused: Refuse, Denied, Blocked" [ "$(cnt '"type_uid":400105,.*"action_id":2,.*"disposition_id":2,')" -eq 1 ]
check "dropped: Refuse, Denied, Dropped" [ "$(cnt '"type_uid":400105,.*"action_id":2,.*"disposition_id":6,')" -eq 1 ]
check "the refused bypass is a finding with the hint" \
	[ "$(cnt '"class_uid":2004,.*"remediation":{"desc":"direct connections')" -eq 1 ]
check "the refusing process is named" \
	[ "$(grep '"type_uid":400105,' "$tmp/ocsf.all" | grep -c '"actor":{"process":{"pid":')" -ge 1 ]
check "nothing said about a lagging stream" \
	sh -c "! grep -q 'the stream fell behind' '$tmp/daemon.err'"

expect_status 2 "--ocsf - with -o -" "$NFJUDGE" run --ocsf - -o -
expect_err "--ocsf - with -o - says why" "share standard output"
expect_status 1 "--ocsf into a missing directory" nsx "$NFJUDGE" run \
	-c "$tmp/ocsf.conf" -o "$tmp/log2" --ocsf "$tmp/none/ocsf"
expect_err "the OCSF path named" "$tmp/none/ocsf"
test_summary
