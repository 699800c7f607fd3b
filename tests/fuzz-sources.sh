#!/bin/sh
# make fuzz (clang, libFuzzer) builds each target from the sources that
# FUZZ_SRC_NAME lists in Makefile.am, not from the library: a source split
# off a module and not added there breaks only that build.  Here each list
# is linked as it stands, from this build's objects, with the main() of the
# corpus replay (fuzz/corpus_NAME): an undefined symbol fails.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=.}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$top_srcdir/tests/testlib.sh"
b=$top_builddir

# link NAME SOURCES...: 0 when the harness and the sources' objects link
link() {
	name=$1
	shift
	objs="$b/fuzz/corpus_$name-fuzz_$name.o $b/fuzz/corpus_$name-corpus_main.o"
	for s in "$@"; do
		s=${s#src/}
		objs="$objs $b/src/libnfjudge_a-${s%.c}.o"
	done
	# shellcheck disable=SC2086 # word lists
	$fuzz_cc $fuzz_ldflags -o "$tmp/$name" $objs $fuzz_libs \
		>"$tmp/$name.err" 2>&1
}

n=0
fuzz_target() { # NAME SOURCES...
	n=$((n + 1))
	t=$1
	if [ ! -f "$b/fuzz/corpus_$t-fuzz_$t.o" ]; then
		bad "fuzz_$t: no corpus replay (fuzz/corpus_$t in CORPUS_TESTS)"
		return
	fi
	if link "$@"; then ok; else
		bad "fuzz_$t: FUZZ_SRC_$t lacks a source"
		grep -m5 'undefined reference' "$tmp/$t.err" |
			sed 's/^.*undefined/  undefined/'
	fi
}
. "$b/fuzz/sources.sh"
check "fuzz/sources.sh names the fuzz targets" [ "$n" -gt 10 ]

# The check itself: the rules target without the fence's table is short.
if link rules src/rules.c; then
	bad "fuzz_rules links without src/fence.c: the check sees nothing"
else ok; fi
test_summary
