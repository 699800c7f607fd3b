#!/bin/sh
# Every long option that 'nfjudge audit COMMAND --help' offers is in
# nfjudge-audit(1), and every command is.
set -u
: "${NFJUDGE:=../src/nfjudge}"
: "${top_srcdir:=..}"
MAN=$top_srcdir/man/nfjudge-audit.1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$top_srcdir/tests/testlib.sh"

total=0
for sub in verify search summary whatif suggest report export; do
	expect_status 0 "audit $sub --help" "$NFJUDGE" audit "$sub" --help
	grep -q "^\.SS $sub\$" "$MAN" && ok || bad "no section for $sub"
	opts=$(grep -o -- '--[a-z][a-z-]*' "$tmp/out" | sort -u)
	[ -n "$opts" ] || bad "audit $sub --help lists no option"
	for o in $opts; do
		total=$((total + 1))
		# the man page writes each - of an option as \-
		esc=$(printf '%s' "$o" | sed 's/-/\\\\-/g')
		grep -q -- "$esc" "$MAN" && ok || bad "audit $sub: $o not in $MAN"
	done
done
# verify --key, search's ten filters and --format, and so on
[ "$total" -ge 25 ] && ok || bad "only $total options found in the help"
test_summary
