# Helpers for the benchmark scripts; source it after set -eu, with
# bench_name set (it names the benchmark in what it prints).  Figures are
# compared only with figures measured in the same run.
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
PY=/usr/bin/python3
RUNS=${BENCH_RUNS:-3}

# Benchmarks that need root say so and succeed, so that make bench runs
# the others.
bench_need_root() {
	[ "$(id -u)" -eq 0 ] || {
		echo "$bench_name benchmark: needs root, skipped"
		exit 0
	}
}

bench_best() { # command...: the best wall time in seconds over RUNS runs
	b=
	i=0
	while [ $i -lt "$RUNS" ]; do
		s=$(date +%s.%N)
		"$@" >/dev/null 2>&1
		e=$(date +%s.%N)
		t=$(echo "$e - $s" | bc)
		if [ -z "$b" ] || [ "$(echo "$t < $b" | bc)" -eq 1 ]; then b=$t; fi
		i=$((i + 1))
	done
	echo "$b"
}

bench_ratio() { # a b [decimals, default 2]: a / b
	printf '%.*f' "${3:-2}" "$(echo "$1 / $2" | bc -l)"
}

bench_median() { # file of numbers, one a line
	sort -n "$1" | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'
}

bench_wait_for() { # file text: up to 10 s for the text to be in the file
	i=0
	until grep -q -- "$2" "$1" 2>/dev/null; do
		i=$((i + 1))
		[ $i -le 200 ] || {
			echo "$bench_name benchmark: no '$2' in $1" >&2
			return 1
		}
		sleep 0.05
	done
}

bench_wait_listen() { # addr port: up to 10 s for a TCP listener in $NS
	i=0
	until nsx "$PY" -c 'import socket, sys
socket.create_connection((sys.argv[1], int(sys.argv[2])), 1)' "$1" "$2" \
		2>/dev/null; do
		i=$((i + 1))
		[ $i -le 200 ] || {
			echo "$bench_name benchmark: nothing listens on $1:$2" >&2
			return 1
		}
		sleep 0.05
	done
}

# A network namespace of the benchmark's own ($NS, with 10.200.0.1 on its
# loopback) and a scratch directory ($tmp); on exit, the processes started
# with bench_bg are killed and both removed.
bench_pids=""
bench_netns() {
	NS=nfj-$bench_name-$$
	tmp=$(mktemp -d)
	trap bench_cleanup EXIT
	trap 'exit 1' HUP INT TERM
	ip netns add "$NS"
	ip -n "$NS" link set lo up
	ip -n "$NS" addr add 10.200.0.1/32 dev lo
}
bench_cleanup() {
	for p in $bench_pids; do kill "$p" 2>/dev/null || true; done
	for p in $bench_pids; do wait "$p" 2>/dev/null || true; done
	ip netns del "$NS" 2>/dev/null || true
	rm -rf "$tmp"
}
nsx() { ip netns exec "$NS" "$@"; }
bench_bg() { # command...: in the namespace, in the background; pid in $last
	ip netns exec "$NS" "$@" &
	last=$!
	bench_pids="$bench_pids $last"
}
