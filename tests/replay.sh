#!/bin/sh
# Replay golden tests: every case in tests/replay/cases runs nfjudge replay
# and compares standard output and standard error byte for byte with
# tests/replay/NAME.out and NAME.err.  With --update, rewrites them (then
# review the diff).  Also: determinism, standard input, pcap = pcapng.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${NFJUDGE:=$top_srcdir/src/nfjudge}"
T=$top_srcdir/tests/replay
P=$top_srcdir/pcaps
update=${1:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$top_srcdir/tests/testlib.sh"

# The environment must not leak into the embedded policy.
unset HTTPS_PROXY https_proxy HTTP_PROXY http_proxy ALL_PROXY

run_case() { # name status args
	name=$1 want=$2 args=$3
	args=$(printf '%s' "$args" | sed "s|@T|$T|g; s|@P|$P|g")
	eval "\"\$NFJUDGE\" replay $args" >"$tmp/$name.out" 2>"$tmp/$name.err"
	got=$?
	# Paths in messages depend on where the tree is.
	sed -i "s|$T|@T|g; s|$P|@P|g" "$tmp/$name.err"
	if [ "$update" = --update ]; then
		cp "$tmp/$name.out" "$T/$name.out"
		cp "$tmp/$name.err" "$T/$name.err"
	fi
	[ "$got" -eq "$want" ] && ok || bad "$name: exit $got, want $want"
	cmp -s "$tmp/$name.out" "$T/$name.out" && ok ||
		{ bad "$name: stdout differs"; diff "$T/$name.out" "$tmp/$name.out" | head -20; }
	cmp -s "$tmp/$name.err" "$T/$name.err" && ok ||
		{ bad "$name: stderr differs"; diff "$T/$name.err" "$tmp/$name.err" | head -20; }
}

while IFS='|' read -r name want args; do
	case $name in '#'* | '') continue ;; esac
	run_case "$name" "$want" "$args"
done <"$T/cases"

# Two runs of the same input give the same bytes.
"$NFJUDGE" replay -c "$T/sandbox.conf" "$P/udp-timing.pcap" "$P/sandbox.pcap" \
	>"$tmp/a" 2>/dev/null
"$NFJUDGE" replay -c "$T/sandbox.conf" "$P/udp-timing.pcap" "$P/sandbox.pcap" \
	>"$tmp/b" 2>/dev/null
[ -s "$tmp/a" ] && cmp -s "$tmp/a" "$tmp/b" && ok || bad "output is not deterministic"

# Standard input, and -o FILE, give what a file argument gives.
"$NFJUDGE" replay -c "$T/sandbox.conf" -o "$tmp/o" - <"$P/sandbox.pcap" 2>/dev/null
cmp -s "$tmp/o" "$T/sandbox.out" && ok || bad "stdin / -o output differs"

# A regular pcap file is read in blocks, standard input through libpcap:
# both read the same, in either byte order and time precision.
for v in '' -ns -be; do
	"$NFJUDGE" replay -c "$T/sandbox.conf" "$P/sandbox$v.pcap" \
		>"$tmp/file$v" 2>/dev/null
	"$NFJUDGE" replay -c "$T/sandbox.conf" - <"$P/sandbox$v.pcap" \
		>"$tmp/stdin$v" 2>/dev/null
	[ -s "$tmp/file$v" ] && cmp -s "$tmp/file$v" "$tmp/stdin$v" && ok ||
		bad "sandbox$v.pcap: file and standard input differ"
done
cmp -s "$tmp/file-be" "$T/sandbox.out" && ok || bad "big-endian pcap differs"

# pcapng and pcap of the same packets judge the same.
cmp -s "$T/sandbox.out" "$T/sandbox-pcapng.out" && ok || bad "pcapng differs from pcap"

# The truncated capture still wrote every record before the damage.
[ "$(wc -l <"$T/truncated.out")" -ge 3 ] && ok || bad "truncated: records lost"

# Records that cannot be written fail the run, and say why.
if [ -w /dev/full ]; then
	"$NFJUDGE" replay -c "$T/sandbox.conf" "$P/sandbox.pcap" \
		>/dev/full 2>"$tmp/full.err"
	[ $? -eq 1 ] && grep -q 'writing standard output: No space left' \
		"$tmp/full.err" && ok || bad "a failed write is not reported"
fi

# Output of many blocks is one chain, in order: audit verify accepts it.
set --
i=0
while [ $i -lt 300 ]; do set -- "$@" "$P/sandbox.pcap"; i=$((i + 1)); done
"$NFJUDGE" replay -c "$T/sandbox.conf" --procs "$T/sandbox.procs" "$@" \
	>"$tmp/many" 2>/dev/null
[ "$(wc -l <"$tmp/many")" -eq 3300 ] &&
	"$NFJUDGE" audit verify "$tmp/many" >/dev/null 2>&1 && ok ||
	bad "a long replay's output does not verify"

# Replay output is a chained log that audit verify accepts.
"$NFJUDGE" audit verify "$T/sandbox.out" >/dev/null 2>&1 &&
	"$NFJUDGE" audit verify "$T/multi.out" >/dev/null 2>&1 &&
	ok || bad "audit verify rejects replay output"

test_summary
