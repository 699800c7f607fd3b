#!/bin/sh
# The command line: dispatch, --help for every subcommand, exit codes.
set -u
: "${NFJUDGE:=../src/nfjudge}"
fails=0
pass=0

check() { # want_status description command...
	want=$1 desc=$2
	shift 2
	"$@" >/dev/null 2>&1
	got=$?
	if [ "$got" -eq "$want" ]; then
		pass=$((pass + 1))
	else
		echo "FAIL: $desc: exit $got, want $want"
		fails=$((fails + 1))
	fi
}

check 2 "no command" "$NFJUDGE"
check 0 "--help" "$NFJUDGE" --help
check 2 "unknown command" "$NFJUDGE" frobnicate
check 0 "version" "$NFJUDGE" version
check 0 "--version" "$NFJUDGE" --version
check 2 "version with argument" "$NFJUDGE" version extra
for cmd in run replay audit rules policy version; do
	check 0 "$cmd --help" "$NFJUDGE" "$cmd" --help
	out=$("$NFJUDGE" "$cmd" --help 2>&1)
	case $out in
	*"usage: nfjudge $cmd"*) pass=$((pass + 1)) ;;
	*) echo "FAIL: $cmd --help does not print its usage"; fails=$((fails + 1)) ;;
	esac
done
check 2 "run --attribution with an unknown mode" "$NFJUDGE" run --attribution bpf
"$NFJUDGE" run --attribution bpf 2>&1 | grep -q "expected auto, kernel or proc" || {
	echo "FAIL: run --attribution bpf does not say what it expects"
	fails=$((fails + 1))
}
"$NFJUDGE" run --print-privileges | grep -q "^  kernel  at start" || {
	echo "FAIL: run --print-privileges does not say what kernel attribution needs"
	fails=$((fails + 1))
}
"$NFJUDGE" version | grep -q "^nfjudge [0-9]" || {
	echo "FAIL: version does not print 'nfjudge N...'"
	fails=$((fails + 1))
}

echo "$pass passed, $fails failed"
[ "$fails" -eq 0 ]
