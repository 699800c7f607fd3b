#!/bin/sh
# nfjudge audit export: OCSF and ECS exports of a mixed log (accept,
# reject, drop, audit mode, uid only, no process, IPv6, protocols without
# ports, hostile strings, records of every type, a bad line) validate
# against the schema extracts in tests/data/ and map each record as
# nfjudge-audit(1) says; exact outputs; usage errors.
set -u
: "${NFJUDGE:=../src/nfjudge}"
: "${top_srcdir:=..}"
: "${PYTHON3:=python3}"
# absolute: the test runs in the fixtures' directory
top_srcdir=$(cd "$top_srcdir" && pwd)
case $NFJUDGE in /*) ;; *) NFJUDGE=$(pwd)/$NFJUDGE ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$top_srcdir/tests/testlib.sh"
X=$top_srcdir/tests/export
CHECK="$PYTHON3 $top_srcdir/tests/export-check.py"
DATA=$top_srcdir/tests/data

cd "$X" || exit 99
M=mixed.jsonl

# export_check FORMAT LOG...: the export validates and maps record by record
export_check() {
	fmt=$1
	shift
	expect_status 0 "export $fmt $*" "$NFJUDGE" audit export --format \
		"$fmt" "$@"
	cp "$tmp/out" "$tmp/export"
	cat "$@" >"$tmp/log"
	if $CHECK "$fmt" "$DATA" "$tmp/export" "$tmp/log" >"$tmp/check"; then
		ok
	else
		bad "export $fmt $* does not validate"
		head -20 "$tmp/check"
	fi
}

for fmt in ocsf ecs; do
	export_check "$fmt" "$M"
	expect_err "$fmt: the bad line named" "$M:8: invalid JSON"
	# OCSF: stats; ECS: reload, stats, lost
	n=3
	[ "$fmt" = ocsf ] && n=1
	expect_err "$fmt: the records without an event counted" \
		"$n records of types without an"
	cmp -s "$tmp/export" "mixed.$fmt" && ok ||
		bad "$fmt output differs from mixed.$fmt"
	# the audit tests' fixtures: proxy logs, process identity, hostile
	for log in ../audit/sandbox.jsonl ../audit/procs.jsonl \
		../audit/hostile.jsonl; do
		export_check "$fmt" "$log"
	done
	gzip -c "$M" >"$tmp/m.gz"
	expect_status 0 "$fmt from gzip on stdin" "$NFJUDGE" audit export \
		-f "$fmt" - <"$tmp/m.gz"
	cmp -s "$tmp/out" "mixed.$fmt" && ok || bad "$fmt from gzip differs"
done

# the events the brief of each record type asks for, counted
"$NFJUDGE" audit export -f ocsf "$M" 2>/dev/null >"$tmp/o"
expect_eq "network activity per verdict" \
	"$(grep -c '"class_uid":4001,' "$tmp/o")" \
	"$(grep -c '"event_type":"verdict"' "$M")"
expect_eq "a finding per hint, alert, lost and error" \
	"$(grep -c '"class_uid":2004,' "$tmp/o")" \
	"$(grep -c '"hint":\|"event_type":"alert"\|"event_type":"lost"\|"event_type":"error"' "$M")"
expect_eq "lifecycle for start, stop and reload" \
	"$(grep -c '"class_uid":6002,' "$tmp/o")" 3
expect_eq "the hostile exe survives, escaped" \
	"$(grep -c '"path":"/tmp/x \\"q\\"\\n\*\[a\]?.sh"' "$tmp/o")" 1

# a verdict record without its flow fields is named and skipped
sed -n 3p "$M" | sed 's/"proto":"TCP",//' >"$tmp/noproto"
expect_status 0 "record without proto" "$NFJUDGE" audit export -f ecs \
	"$tmp/noproto"
expect_err "record without proto named" "$tmp/noproto:1: verdict record"
expect_eq "record without proto: no output" "$(cat "$tmp/out")" ""

# a verdict this version does not know: every enum Unknown, still valid
sed -n 3p "$M" | sed 's/"verdict":"reject"/"verdict":"queue"/' >"$tmp/unknown"
for fmt in ocsf ecs; do
	expect_status 0 "$fmt: unknown verdict" "$NFJUDGE" audit export \
		-f "$fmt" "$tmp/unknown"
	if $CHECK "$fmt" "$DATA" "$tmp/out" >"$tmp/check"; then ok; else
		bad "$fmt: unknown verdict does not validate"
		head -5 "$tmp/check"
	fi
done
"$NFJUDGE" audit export -f ocsf "$tmp/unknown" >"$tmp/unknown.o"
expect_eq "unknown verdict: Unknown activity, action, disposition" \
	"$(grep -c '"activity_id":0,.*"status":"Unknown".*"action_id":0,.*"disposition_id":0,' "$tmp/unknown.o")" 1

# usage
expect_status 2 "no --format" "$NFJUDGE" audit export "$M"
expect_err "no --format said" "--format ocsf|ecs is required"
expect_status 2 "unknown format" "$NFJUDGE" audit export -f cef "$M"
expect_err "unknown format said" "unknown format 'cef'"
expect_status 2 "no LOG" "$NFJUDGE" audit export -f ocsf
expect_err "no LOG said" "no LOG given"
expect_status 2 "missing LOG" "$NFJUDGE" audit export -f ocsf "$tmp/none"
expect_err "missing LOG named" "$tmp/none"
expect_status 0 "--help" "$NFJUDGE" audit export --help
grep -q 'ocsf|ecs' "$tmp/out" && ok || bad "--help lacks the formats"
expect_status 0 "audit --help" "$NFJUDGE" audit --help
grep -q 'export --format' "$tmp/out" && ok || bad "audit --help lacks export"
if [ -w /dev/full ]; then
	expect_status 1 "write error" sh -c \
		'"$0" audit export -f ocsf "$1" >/dev/full' "$NFJUDGE" "$M"
	expect_err "write error said" "nfjudge audit export:"
fi
test_summary
