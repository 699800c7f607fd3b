# Helpers for the live tests with two network namespaces of their own,
# the sandbox ($SB) and the far side ($FAR), joined by a veth: ${pair_dev}0
# in the sandbox with 10.77.0.2/24 and fd77::2/64 (its MAC in $mac),
# ${pair_dev}1 on the far side, which gets the addresses each test wants.
# Source after setting pair_name and pair_dev; it sources testlib.sh,
# makes $tmp, and on exit kills what bg started and removes the rest.
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
: "${NFJUDGE:=$top_builddir/src/nfjudge}"
PY=/usr/bin/python3
RT=$top_srcdir/tests/redteam.py
[ "$(id -u)" -eq 0 ] || { echo "skipped: needs root"; exit 77; }
SB=nfj-$pair_name-sb-$$
FAR=nfj-$pair_name-far-$$
ip netns add "$SB" 2>/dev/null || { echo "skipped: no network namespaces"; exit 77; }
if ! ip netns add "$FAR"; then
	ip netns del "$SB"
	exit 1
fi
tmp=$(mktemp -d)
. "$top_srcdir/tests/testlib.sh"
pids=""
pair_cleanup() {
	for p in $pids; do kill -KILL "$p" 2>/dev/null; done
	for p in $pids; do wait "$p" 2>/dev/null; done
	ip netns del "$SB" 2>/dev/null
	ip netns del "$FAR" 2>/dev/null
	[ -n "${KEEP:-}" ] && cp -r "$tmp" "/tmp/$pair_name-live-debug"
	rm -rf "$tmp"
}
trap pair_cleanup EXIT
trap 'exit 1' HUP INT TERM

sb() { ip netns exec "$SB" "$@"; }
far() { ip netns exec "$FAR" "$@"; }
bg() { # namespace command...: its pid goes to pids
	ns=$1
	shift
	ip netns exec "$ns" "$@" &
	pids="$pids $!"
}

ip link add "${pair_dev}0" netns "$SB" type veth peer name "${pair_dev}1" \
	netns "$FAR" || exit 1
sb ip link set lo up
far ip link set lo up
sb ip addr add 10.77.0.2/24 dev "${pair_dev}0"
sb ip addr add fd77::2/64 dev "${pair_dev}0" nodad
sb ip link set "${pair_dev}0" up
far ip link set "${pair_dev}1" up
mac=$(sb cat "/sys/class/net/${pair_dev}0/address")
