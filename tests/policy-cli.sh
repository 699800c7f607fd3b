#!/bin/sh
# nfjudge policy check|show: exit codes, output and error text.
set -u
: "${NFJUDGE:=../src/nfjudge}"
: "${top_srcdir:=..}"
fails=0
pass=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok() { pass=$((pass + 1)); }
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# run want_status description command...: output in $tmp/out, $tmp/err
run() {
	want=$1 desc=$2
	shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	if [ "$got" -eq "$want" ]; then ok; else fail "$desc: exit $got, want $want"; fi
}

has() { # description file text
	if grep -qF -- "$3" "$2"; then ok; else fail "$1: no '$3' in $2"; fi
}

cd "$top_srcdir/tests/policy" || exit 1

for f in "$top_srcdir/examples/sandbox.conf" "$top_srcdir/examples/workstation.conf" good.conf; do
	run 0 "check $f" "$NFJUDGE" policy check "$f"
	[ -s "$tmp/err" ] && fail "check $f wrote to stderr"
	# the canonical form checks again and prints itself
	cp "$tmp/out" "$tmp/canon.conf"
	run 0 "check canonical $f" "$NFJUDGE" policy check "$tmp/canon.conf"
	if cmp -s "$tmp/out" "$tmp/canon.conf"; then ok; else fail "$f: canonical form not stable"; fi
done
has "good.conf output" "$tmp/canon.conf" 'accept proto tcp to 10.200.0.1, fd00::1 port 3128 name proxy'

run 2 "check bad.conf" "$NFJUDGE" policy check bad.conf
if diff -u bad.err "$tmp/err"; then ok; else fail "bad.conf: messages differ"; fi
[ -s "$tmp/out" ] && fail "check bad.conf printed a policy"

run 2 "check missing file" "$NFJUDGE" policy check "$tmp/none.conf"
has "missing file" "$tmp/err" "$tmp/none.conf: cannot read: No such file or directory"
run 2 "check a directory" "$NFJUDGE" policy check .
run 2 "check without FILE" "$NFJUDGE" policy check
run 2 "check with two files" "$NFJUDGE" policy check good.conf good.conf
run 2 "policy without command" "$NFJUDGE" policy
run 2 "unknown policy command" "$NFJUDGE" policy frob
has "unknown command" "$tmp/err" "usage: nfjudge policy"
for sub in "" check show; do
	run 0 "policy $sub --help" "$NFJUDGE" policy $sub --help
	has "policy $sub --help" "$tmp/out" "usage: nfjudge policy"
done

unset HTTPS_PROXY https_proxy HTTP_PROXY http_proxy ALL_PROXY
run 0 "show without proxy" "$NFJUDGE" policy show
has "show without proxy" "$tmp/out" "No proxy is configured"
has "show without proxy" "$tmp/out" "accept direction out, in to 127.0.0.0/8, ::1 name loopback"
run 0 "show --proxy" "$NFJUDGE" policy show --proxy 10.200.0.1:3128
has "show --proxy" "$tmp/out" "accept proto tcp to 10.200.0.1 port 3128 name proxy"
run 0 "show from https_proxy" env https_proxy=http://u:pw@[fd00::1]:8080/ "$NFJUDGE" policy show
has "show from https_proxy" "$tmp/out" "accept proto tcp to fd00::1 port 8080 name proxy"
has "show from https_proxy" "$tmp/out" "from https_proxy"
run 2 "show bad proxy" "$NFJUDGE" policy show --proxy "http://u:secret@:1"
has "show bad proxy" "$tmp/err" "not a proxy URL or HOST:PORT"
if grep -q secret "$tmp/err"; then fail "a proxy password was printed"; else ok; fi
run 0 "show -c" "$NFJUDGE" policy show -c good.conf
has "show -c" "$tmp/out" "set default drop"
run 2 "show -c bad.conf" "$NFJUDGE" policy show -c bad.conf
run 2 "show extra argument" "$NFJUDGE" policy show extra

echo "$pass passed, $fails failed"
[ "$fails" -eq 0 ]
