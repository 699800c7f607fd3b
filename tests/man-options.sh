#!/bin/sh
# Every long option that a subcommand's --help names is documented in its
# manual page, so that the two cannot drift apart.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${NFJUDGE:=$top_srcdir/src/nfjudge}"
. "$top_srcdir/tests/testlib.sh"

check_cmd() { # man page, subcommand words...
	page=$top_srcdir/man/$1
	shift
	# roff writes a dash as \- ; compare plain text
	text=$(sed 's/\\-/-/g' "$page")
	for opt in $("$NFJUDGE" "$@" --help | grep -o -- '--[a-z][a-z0-9-]*' |
		sort -u); do
		[ "$opt" = --help ] && continue
		case $text in
		*"$opt"*) ok ;;
		*) bad "nfjudge $* --help names $opt, man/$(basename "$page") does not" ;;
		esac
	done
}

check_cmd nfjudge.8 run
check_cmd nfjudge.8 rules
check_cmd nfjudge.8 doctor
check_cmd nfjudge.8 policy
check_cmd nfjudge-replay.1 replay
check_cmd nfjudge-ctl.8 ctl
for sub in $("$NFJUDGE" audit --help | sed -n 's/^  \([a-z]*\) .*/\1/p'); do
	[ -f "$top_srcdir/man/nfjudge-audit.1" ] && check_cmd nfjudge-audit.1 audit "$sub"
done

test_summary && [ "$pass" -gt 20 ]
