#!/bin/sh
# No function in src/ over 50 lines (STYLE.md), measured by
# scripts/funclen, which is first checked against a file of known shape.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$top_srcdir/tests/testlib.sh"
funclen=$top_srcdir/scripts/funclen
max=50

cat >"$tmp/shape.c" <<'C'
struct s {
	int a;
};

/* a comment
 * over lines */
static int one(int a,
	       int b)
{
	return a + b;
}

int two(void)
{
	int x = 0;

out:
	return x;
}
C
expect_eq "funclen measures signature to closing brace" \
	"$("$funclen" "$tmp/shape.c" | sed 's|.*/||')" \
	"$(printf 'shape.c:one:5\nshape.c:two:7')"
expect_eq "funclen -s summarises" "$("$funclen" -s "$tmp/shape.c" |
	sed 's|/[^ ]*/||')" "functions 2, median 5 lines, longest shape.c:two:7"

cd "$top_srcdir" || exit 99
n=$("$funclen" src/*.c | wc -l)
[ "$n" -gt 500 ] && ok || bad "funclen found only $n functions in src/"
long=$("$funclen" src/*.c | awk -F: -v max=$max '$3 > max')
[ -z "$long" ] && ok || bad "over $max lines: $long"

test_summary
