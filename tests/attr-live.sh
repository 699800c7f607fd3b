#!/bin/sh
# Live attribution (sock_diag + /proc) in a network namespace of its own.
# Needs root; skips (77) without it.  Only 10.77.0.1 and fd00:77::1 on the
# namespace's lo are ever used, and the namespace is deleted on exit.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=..}"
prog="$top_builddir/tests/attr_live"
. "$top_srcdir/tests/testlib.sh"

[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root"; exit 77; }
ns="nfj-attr-$$"
ip netns add "$ns" 2>/dev/null || { echo "SKIP: ip netns add failed"; exit 77; }
trap 'ip netns del "$ns" 2>/dev/null' EXIT INT TERM
in_ns() { ip netns exec "$ns" "$@"; }
in_ns ip link set lo up || exit 1
in_ns ip addr add 10.77.0.1/32 dev lo || exit 1
in_ns ip addr add fd00:77::1/128 dev lo nodad || exit 1
# A TCP SYN to port 9 vanishes, so its socket stays in SYN_SENT.
if in_ns iptables -A OUTPUT -p tcp --dport 9 -j DROP 2>/dev/null; then
	NFJ_SYN_DROP=1
else
	echo "note: no iptables in the namespace; SYN_SENT cases skipped"
	NFJ_SYN_DROP=0
fi
export NFJ_SYN_DROP
check "the attribution cases in the namespace" in_ns "$prog"
test_summary
