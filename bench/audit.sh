#!/bin/sh
# Audit speed over a log of 1,000,000 varied records (BENCH_RECORDS to
# change it), each command against the pipeline one would use instead,
# best of BENCH_RUNS (default 3) each, ratios from the same run:
#   summary --by exe --by verdict   vs  jq ... | sort | uniq -c
#   search --verdict reject (json)  vs  jq -c 'select(.verdict=="reject")'
#   verify                          vs  Python, sha256 of each line
# and verify's floor: reading and splitting the lines alone, and hashing
# alone on one core the bytes verify hashes (bench/chain_floor).
# The jq comparisons are skipped, said so, when jq is not installed.
set -eu
bench_name=audit
. "$(dirname "$0")/lib.sh"
N=${BENCH_RECORDS:-1000000}
NFJUDGE=$top_builddir/src/nfjudge
log=${TMPDIR:-/tmp}/nfjudge-bench-audit-$N.log
[ -s "$log" ] || "$top_builddir/tests/mklog" -s -v -n "$N" >"$log"

jq_summary() {
	jq -r '[(.proc.exe // "-"), .verdict] | @tsv' "$log" | sort | uniq -c
}
py_sha() {
	"$PY" -c '
import hashlib, sys
with open(sys.argv[1], "rb") as f:
    for line in f:
        hashlib.sha256(line).hexdigest()' "$log"
}

cat "$log" >/dev/null # the page cache, for every contender alike
printf 'audit benchmark: %s records (%s MB), best of %s\n' "$N" \
	"$(($(wc -c <"$log") / 1000000))" "$RUNS"
line() { # name ours theirs baseline-name
	printf '  %-34s %7.3f s  vs %-22s %7.3f s  (%sx faster)\n' "$1" "$2" \
		"$4" "$3" "$(bench_ratio "$3" "$2" 1)"
}
if command -v jq >/dev/null 2>&1; then
	ours=$(bench_best "$NFJUDGE" audit summary --by exe --by verdict "$log")
	theirs=$(bench_best jq_summary)
	line "summary --by exe --by verdict" "$ours" "$theirs" "jq | sort | uniq -c"
	ours=$(bench_best "$NFJUDGE" audit search --verdict reject --format json "$log")
	theirs=$(bench_best jq -c 'select(.verdict=="reject")' "$log")
	line "search --verdict reject" "$ours" "$theirs" "jq select"
else
	echo "  jq not installed: summary and search comparisons skipped"
fi
ours=$(bench_best "$NFJUDGE" audit verify "$log")
theirs=$(bench_best py_sha)
line "verify" "$ours" "$theirs" "python sha256 a line"
FLOOR=$top_builddir/bench/chain_floor
read=$(bench_best "$FLOOR" read "$log")
hash=$(bench_best "$FLOOR" hash "$log")
printf '  verify floor: read and split %.3f s, read and hash (one core) %.3f s;\n' \
	"$read" "$hash"
printf '    5x python is %.3f s; both cores hashing at best %.3f s\n' \
	"$(echo "$theirs / 5" | bc -l)" \
	"$(echo "$read + ($hash - $read) / 2" | bc -l)"
