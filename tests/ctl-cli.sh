#!/bin/sh
# nfjudge ctl without a daemon: usage errors exit 2 before anything is
# sent; no socket exits 1; a peer that answers with something other than
# a control socket's reply (not JSON, no "ok", nothing) exits 2, and a
# refusal ("ok":false) exits 1 with the reply printed.  A fake server on
# a unix socket in the test's directory plays the daemon.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${NFJUDGE:=$top_srcdir/src/nfjudge}"
: "${PYTHON3:=python3}"
tmp=$(mktemp -d)
SPID=
trap '[ -n "$SPID" ] && kill "$SPID" 2>/dev/null; rm -rf "$tmp"' EXIT
. "$top_srcdir/tests/testlib.sh"
S=$tmp/sock

expect_status 0 "ctl --help" "$NFJUDGE" ctl --help
expect_status 2 "no command" "$NFJUDGE" ctl -s "$S"
expect_status 2 "an unknown command" "$NFJUDGE" ctl -s "$S" shutdown
expect_err "it is named" "unknown command 'shutdown'"
expect_status 2 "status takes no arguments" "$NFJUDGE" ctl -s "$S" status x
expect_status 2 "allow without a rule" "$NFJUDGE" ctl -s "$S" allow --ttl 5s
expect_status 2 "allow without --ttl" "$NFJUDGE" ctl -s "$S" allow to 10.0.0.1
expect_status 2 "a ttl over 7 days" "$NFJUDGE" ctl -s "$S" \
	deny to 10.0.0.1 --ttl 8d
expect_status 2 "a ttl of nothing" "$NFJUDGE" ctl -s "$S" \
	deny to 10.0.0.1 --ttl 0s
expect_status 2 "explain with too few words" "$NFJUDGE" ctl -s "$S" \
	explain tcp 10.0.0.1
expect_status 2 "explain with a bad endpoint" "$NFJUDGE" ctl -s "$S" \
	explain tcp 10.0.0.1 host:80
expect_status 2 "explain with a bad pid" "$NFJUDGE" ctl -s "$S" \
	explain tcp 10.0.0.1 10.0.0.2:80 --pid -3
expect_status 2 "reload with two files" "$NFJUDGE" ctl -s "$S" reload a b
expect_status 2 "an unknown option" "$NFJUDGE" ctl --frobnicate status
expect_status 1 "no socket" "$NFJUDGE" ctl -s "$S" status
expect_err "the socket is named" "$S"

# The fake daemon answers each connection with the next canned reply.
serve() { # reply...
	[ -n "$SPID" ] && kill "$SPID" 2>/dev/null && wait "$SPID" 2>/dev/null
	rm -f "$S"
	"$PYTHON3" -c '
import os, socket, sys
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1])
s.listen(4)
for r in sys.argv[2:]:
    c, _ = s.accept()
    c.recv(8192)
    c.sendall(r.encode().decode("unicode_escape").encode("latin-1"))
    c.close()
' "$S" "$@" &
	SPID=$!
	i=0
	while [ ! -S "$S" ] && [ $i -lt 100 ]; do
		i=$((i + 1))
		sleep 0.1
	done
}

serve '{"ok":true,"mode":"enforce"}\n' '{"ok":false,"error":"no"}\n' \
	'not json\n' '{"mode":"enforce"}\n' '' '{"ok":true}'
expect_status 0 "a reply that says ok" "$NFJUDGE" ctl -s "$S" status
expect_eq "it is printed" "$(cat "$tmp/out")" '{"ok":true,"mode":"enforce"}'
expect_status 1 "a refusal" "$NFJUDGE" ctl -s "$S" rules
expect_eq "it is printed" "$(cat "$tmp/out")" '{"ok":false,"error":"no"}'
expect_status 2 "a reply that is not JSON" "$NFJUDGE" ctl -s "$S" status
expect_status 2 "a reply without ok" "$NFJUDGE" ctl -s "$S" status
expect_status 2 "no reply at all" "$NFJUDGE" ctl -s "$S" status
expect_status 2 "a reply without its newline" "$NFJUDGE" ctl -s "$S" status
test_summary
