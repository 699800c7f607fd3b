#!/bin/sh
# The command line: dispatch, --help for every subcommand, exit codes.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${NFJUDGE:=../src/nfjudge}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$top_srcdir/tests/testlib.sh"

expect_status 2 "no command" "$NFJUDGE"
expect_status 0 "--help" "$NFJUDGE" --help
expect_status 2 "unknown command" "$NFJUDGE" frobnicate
expect_status 0 "version" "$NFJUDGE" version
expect_status 0 "--version" "$NFJUDGE" --version
expect_status 2 "version with argument" "$NFJUDGE" version extra
for cmd in run replay audit rules policy version; do
	expect_status 0 "$cmd --help" "$NFJUDGE" "$cmd" --help
	out=$("$NFJUDGE" "$cmd" --help 2>&1)
	case $out in
	*"usage: nfjudge $cmd"*) ok ;;
	*) bad "$cmd --help does not print its usage" ;;
	esac
done
expect_status 2 "run --attribution with an unknown mode" "$NFJUDGE" run --attribution bpf
"$NFJUDGE" run --attribution bpf 2>&1 | grep -q "expected auto, kernel or proc" ||
	bad "run --attribution bpf does not say what it expects"
"$NFJUDGE" run --print-privileges | grep -q "^  kernel  at start" ||
	bad "run --print-privileges does not say what kernel attribution needs"
"$NFJUDGE" version | grep -q "^nfjudge [0-9]" ||
	bad "version does not print 'nfjudge N...'"

test_summary
