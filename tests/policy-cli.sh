#!/bin/sh
# nfjudge policy check|show: exit codes, output and error text.
set -u
: "${NFJUDGE:=../src/nfjudge}"
: "${top_srcdir:=..}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$top_srcdir/tests/testlib.sh"

cd "$top_srcdir/tests/policy" || exit 1

for f in "$top_srcdir/examples/sandbox.conf" "$top_srcdir/examples/workstation.conf" good.conf; do
	expect_status 0 "check $f" "$NFJUDGE" policy check "$f"
	[ -s "$tmp/err" ] && bad "check $f wrote to stderr"
	# the canonical form checks again and prints itself
	cp "$tmp/out" "$tmp/canon.conf"
	expect_status 0 "check canonical $f" "$NFJUDGE" policy check "$tmp/canon.conf"
	if cmp -s "$tmp/out" "$tmp/canon.conf"; then ok; else bad "$f: canonical form not stable"; fi
done
expect_in "good.conf output" "$tmp/canon.conf" 'accept proto tcp to 10.200.0.1, fd00::1 port 3128 name proxy'

expect_status 2 "check bad.conf" "$NFJUDGE" policy check bad.conf
if diff -u bad.err "$tmp/err"; then ok; else bad "bad.conf: messages differ"; fi
[ -s "$tmp/out" ] && bad "check bad.conf printed a policy"

expect_status 2 "check missing file" "$NFJUDGE" policy check "$tmp/none.conf"
expect_in "missing file" "$tmp/err" "$tmp/none.conf: cannot read: No such file or directory"
expect_status 2 "check a directory" "$NFJUDGE" policy check .
expect_status 2 "check without FILE" "$NFJUDGE" policy check
expect_status 2 "check with two files" "$NFJUDGE" policy check good.conf good.conf
expect_status 2 "policy without command" "$NFJUDGE" policy
expect_status 2 "unknown policy command" "$NFJUDGE" policy frob
expect_in "unknown command" "$tmp/err" "usage: nfjudge policy"
for sub in "" check show; do
	expect_status 0 "policy $sub --help" "$NFJUDGE" policy $sub --help
	expect_in "policy $sub --help" "$tmp/out" "usage: nfjudge policy"
done

unset HTTPS_PROXY https_proxy HTTP_PROXY http_proxy ALL_PROXY
expect_status 0 "show without proxy" "$NFJUDGE" policy show
expect_in "show without proxy" "$tmp/out" "No proxy is configured"
expect_in "show without proxy" "$tmp/out" "accept direction out, in to 127.0.0.0/8, ::1 name loopback"
expect_status 0 "show --proxy" "$NFJUDGE" policy show --proxy 10.200.0.1:3128
expect_in "show --proxy" "$tmp/out" "accept proto tcp to 10.200.0.1 port 3128 name proxy"
expect_status 0 "show from https_proxy" env https_proxy=http://u:pw@[fd00::1]:8080/ "$NFJUDGE" policy show
expect_in "show from https_proxy" "$tmp/out" "accept proto tcp to fd00::1 port 8080 name proxy"
expect_in "show from https_proxy" "$tmp/out" "from https_proxy"
expect_status 2 "show bad proxy" "$NFJUDGE" policy show --proxy "http://u:secret@:1"
expect_in "show bad proxy" "$tmp/err" "not a proxy URL or HOST:PORT"
if grep -q secret "$tmp/err"; then bad "a proxy password was printed"; else ok; fi
expect_status 0 "show -c" "$NFJUDGE" policy show -c good.conf
expect_in "show -c" "$tmp/out" "set default drop"
expect_status 2 "show -c bad.conf" "$NFJUDGE" policy show -c bad.conf
expect_status 2 "show extra argument" "$NFJUDGE" policy show extra

test_summary
