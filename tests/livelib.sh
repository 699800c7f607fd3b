# Helpers for the live daemon tests (privs-, flood-, faults-live.sh).
# Each test gets a network namespace of its own with 10.200.0.1 (the
# proxy) and 10.200.0.9 (anything else) on its loopback; no traffic leaves
# it.  Source after setting live_name; it sources testlib.sh, makes $tmp
# and $NS, and removes everything it started on exit.
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
: "${NFJUDGE:=$top_builddir/src/nfjudge}"
PY=/usr/bin/python3
[ "$(id -u)" -eq 0 ] || { echo "skipped: needs root"; exit 77; }
NS=nfj-$live_name-$$
ip netns add "$NS" 2>/dev/null || { echo "skipped: no network namespaces"; exit 77; }
ns_count=0
tmp=$(mktemp -d)
chmod 755 "$tmp"
. "$top_srcdir/tests/testlib.sh"
live_pids=""
live_cleanup() {
	for p in $live_pids; do kill -KILL "$p" 2>/dev/null; done
	for m in $(awk -v t="$tmp" '$2 ~ "^"t {print $2}' /proc/mounts); do
		umount "$m" 2>/dev/null
	done
	ip netns del "$NS" 2>/dev/null
	[ -n "${KEEP:-}" ] && cp -r "$tmp" "/tmp/$live_name-debug"
	rm -rf "$tmp"
}
trap live_cleanup EXIT
trap 'exit 1' HUP INT TERM

nsx() { ip netns exec "$NS" "$@"; }

ns_addrs() {
	nsx ip link set lo up
	nsx ip addr add 10.200.0.1/32 dev lo
	nsx ip addr add 10.200.0.9/32 dev lo
}
ns_addrs

# A new namespace (the old one's processes killed, it removed), for a
# test that must not inherit state: rules, conntrack, queue bindings.
ns_fresh() {
	for p in $live_pids; do kill -KILL "$p" 2>/dev/null; done
	for p in $live_pids; do wait "$p" 2>/dev/null; done
	live_pids=""
	ip netns del "$NS"
	ns_count=$((ns_count + 1))
	NS=nfj-$live_name-$$-$ns_count
	ip netns add "$NS" || exit 1
	ns_addrs
}

# A policy: the proxy (TCP and UDP on 3128) and nothing else.
cat >"$tmp/policy.conf" <<'POL'
set default reject
accept to 10.200.0.1 port 3128 name proxy
POL
chmod 644 "$tmp/policy.conf"

# Background a command in the namespace; its pid goes to $last_pid.
nsbg() {
	ip netns exec "$NS" "$@" &
	last_pid=$!
	live_pids="$live_pids $last_pid"
}

# Whether a socket of the namespace is bound to PORT (any address) or
# ADDR:PORT: tcp listening, udp bound.
bound_to() { # tcp|udp port|addr:port
	case $2 in
	*:*) set -- "$1" src "$2" ;;
	*) set -- "$1" sport = ":$2" ;;
	esac
	case $1 in
	tcp) shift && nsx ss -Hltn "$@" | grep -q . ;;
	udp) shift && nsx ss -Hlun "$@" | grep -q . ;;
	esac
}
# Up to 10 s for a listener started in the background to be bound (a
# first connection that came sooner would be refused by the kernel).
wait_bound() { # tcp|udp port|addr:port...
	proto=$1
	shift
	for port in "$@"; do
		poll 100 bound_to "$proto" "$port" || {
			echo "nothing bound to $proto port $port"
			return 1
		}
	done
}
# netpeer.py's TCP listener on the proxy and on 10.200.0.9:443, ready.
listen_proxy_web() {
	nsbg "$PY" "$top_srcdir/tests/netpeer.py" listen 10.200.0.1:3128 \
		10.200.0.9:443
	wait_bound tcp 3128 443
}

# Records of one event type in a log.
count_events() { # type log
	c=$(grep -c "\"event_type\":\"$1\"" "$2" 2>/dev/null)
	echo "${c:-0}"
}

# Start the daemon (its pid in $DPID) and wait for start record number N
# in LOG (N counts restarts appending to the same log); 1 if it never
# came.  The daemon's stderr goes to $tmp/daemon.err, appended.
start_daemon() { # N log args...
	n=$1 log=$2
	shift 2
	nsbg "$NFJUDGE" run -o "$log" "$@" 2>>"$tmp/daemon.err"
	DPID=$last_pid
	wait_events start "$n" "$log"
}

wait_events() { # type N log: up to 10 s
	i=0
	while [ "$(count_events "$1" "$3")" -lt "$2" ]; do
		i=$((i + 1))
		if [ $i -gt 100 ] || ! kill -0 "$DPID" 2>/dev/null; then
			echo "no $1 record number $2 in $3"
			cat "$tmp/daemon.err"
			return 1
		fi
		sleep 0.1
	done
}

# One client attempt: connected | refused Nms | timeout (TCP);
# answered | refused | timeout (UDP, needs an answering peer).
attempt() { # tcp|udp addr:port
	nsx "$PY" "$top_srcdir/tests/netpeer.py" "$@"
}
# A TCP attempt that should connect: true if it does, within 20 s.
connects_to() { # addr:port
	[ "$(nsx "$PY" "$top_srcdir/tests/netpeer.py" tcp-ok "$1")" = connected ]
}
# A TCP attempt that should be refused: true if it is, within 20 s (a
# timeout claim is attempt tcp's, with its short wait).
refused_by() { # addr:port
	case $(nsx "$PY" "$top_srcdir/tests/netpeer.py" tcp-ok "$1") in
	refused*) return 0 ;;
	esac
	return 1
}
