#!/bin/sh
# nfjudge rules install/remove against the real iptables, in a network
# namespace of our own, for each backend present: idempotence, exactly the
# printed chain, nothing else touched, and on loopback: fail-closed,
# fail-open, exempt uids, and the reject path both from a queue reader
# (mark + NF_REPEAT) and from a mangle rule's mark.
set -u
: "${NFJUDGE:=../src/nfjudge}"
: "${top_srcdir:=..}"
: "${PYTHON3:=python3}"
: "${top_builddir:=..}"
PROBE="$top_srcdir/tests/rules-probe.py"
READER="$top_builddir/tests/nfq-verdict"
reader=
. "$top_srcdir/tests/testlib.sh"

if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: needs root"
	exit 77
fi
ns=nfj-rules-$$
if ! ip netns add "$ns" 2>/dev/null; then
	echo "SKIP: cannot create a network namespace"
	exit 77
fi
tmp=$(mktemp -d) || { ip netns delete "$ns"; exit 1; }
trap 'stop_reader; ip netns delete "$ns"; rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

in_ns() { ip netns exec "$ns" "$@"; }
in_ns ip link set lo up

# The -A CHAIN lines that print gives for family ip|ip6, in table TABLE.
printed() { # family table chain options...
	fam=$1 table=$2 chain=$3
	shift 3
	if [ "$fam" = ip ]; then
		"$NFJUDGE" rules print --no-ipv6 "$@"
	else
		"$NFJUDGE" rules print "$@" | sed -n '/, IPv6:/,$p'
	fi | sed -n "/^\*$table\$/,/^COMMIT\$/p" | grep "^-A $chain "
}

# Installed as printed: one jump, first in its hook, the chain exactly.
check_chain() { # backend family what table hook chain options...
	b=$1 fam=$2 what=$3 table=$4 hook=$5 chain=$6
	shift 6
	t="${fam}tables-$b"
	expect_eq "$b $fam $what: one jump from $table $hook" \
		"$(in_ns "$t" -w -t "$table" -S "$hook" |
			grep -c -x -e "-A $hook -j $chain")" 1
	expect_eq "$b $fam $what: jump first in $table $hook" \
		"$(in_ns "$t" -w -t "$table" -S "$hook" | grep '^-A' |
			head -n 1)" "-A $hook -j $chain"
	expect_eq "$b $fam $what: $table $chain as printed" \
		"$(in_ns "$t" -w -t "$table" -S "$chain" | grep -v '^-N ')" \
		"$(printed "$fam" "$table" "$chain" "$@")"
}

check_family() { # backend family what options...
	b=$1 fam=$2 what=$3
	shift 3
	check_chain "$b" "$fam" "$what" filter OUTPUT NFJUDGE "$@"
	check_chain "$b" "$fam" "$what" filter INPUT NFJUDGE-IN "$@"
	check_chain "$b" "$fam" "$what" mangle OUTPUT NFJUDGE "$@"
}

check_installed() { # backend what options...
	b=$1 what=$2
	shift 2
	check_family "$b" ip "$what" "$@"
	check_family "$b" ip6 "$what" "$@"
}

install() { # backend what options...
	b=$1 what=$2
	shift 2
	expect_status 0 "$b $what" in_ns "$NFJUDGE" rules install \
		--backend "$b" "$@"
}

# Packets the REJECT rules of our OUTPUT chain answered, for ADDR's family.
rejected() { # addr
	case $1 in *:*) t=ip6tables ;; *) t=iptables ;; esac
	in_ns "$t-$traffic_backend" -w -nvxL NFJUDGE 2>/dev/null |
		awk '$3 == "REJECT" {n += $1} END {print n + 0}'
}

expect_probe() { # want proto addr port [uid]
	want=$1
	shift
	args="$*" addr=$2
	before=$(rejected "$addr")
	# Only a timeout claim needs the short wait: a loaded machine may be
	# slow to answer the others.
	wait=20
	[ "$want" != timeout ] || wait=1
	set -- $(in_ns timeout 60 env RULES_PROBE_WAIT=$wait "$PYTHON3" \
		"$PROBE" "$@") "" "" ""
	if [ "$1" = "$want" ]; then ok; else
		bad "probe $args: got '$1', want '$want'"
	fi
	# A reject answers every packet it judged, none lost on the way: the
	# SYN and each time the kernel sent it again (a reader slow to judge
	# on a loaded machine), counted by the client's kernel and by the
	# REJECT rules, not timed.
	n=$(($(rejected "$addr") - before))
	if [ "$want" = refused ] && [ "$n" -ne $((1 + $3)) ]; then
		bad "probe $args: $n packet(s) rejected, sent $((1 + $3)) (in $2 s)"
	fi
}

expect_all() { # want port [uid]
	for proto in tcp udp; do
		for addr in 127.0.0.1 ::1; do
			expect_probe "$1" "$proto" "$addr" "$2" ${3:-}
		done
	done
}

mangle_mark() { # backend -A|-D
	for fam in ip ip6; do
		for proto in tcp udp; do
			in_ns "${fam}tables-$1" -w -t mangle "$2" OUTPUT \
				-p "$proto" --dport 9999 -j MARK \
				--set-mark 0x100000/0x100000
		done
	done
}

# A stand-in for the daemon on queue 0, answering every packet alike.
start_reader() { # accept|reject
	# Not through in_ns: $! must be the reader itself (ip netns exec
	# execs it), not a subshell around it.
	ip netns exec "$ns" "$READER" 0 "$1" 0x100000/0x100000 \
		>"$tmp/reader" 2>&1 &
	reader=$!
	for i in 1 2 3 4 5 6 7 8 9 10; do
		grep -q ready "$tmp/reader" && return 0
		sleep 0.2
	done
	bad "the queue reader did not start: $(cat "$tmp/reader")"
}
stop_reader() {
	[ -n "$reader" ] || return 0
	kill "$reader"
	wait "$reader" 2>/dev/null
	reader=
}

test_chain() { # backend
	b=$1
	install "$b" "install" && install "$b" "install again"
	check_installed "$b" "installed twice"
	# Declaring the chain again replaces its rules on both backends.
	set -- -q 1:2 --fail-open --exempt-uid 4242 --mark 0x4/0x4
	install "$b" "reinstall with options" "$@"
	check_installed "$b" "reinstalled with options" "$@"
	# Stale rules in our chain and a stray jump at the end go away.
	for fam in ip ip6; do
		in_ns "${fam}tables-$b" -w -A NFJUDGE -j ACCEPT
		in_ns "${fam}tables-$b" -w -A OUTPUT -j NFJUDGE
	done
	install "$b" "install over a stray jump"
	check_installed "$b" "installed over a stray jump"
}

# A failed transaction changes nothing: a chain of someone else's that
# jumps to ours makes "-X NFJUDGE" fail, so the IPv4 remove fails as a
# whole.  IPv6 is removed all the same.
test_atomic() { # backend
	b=$1
	in_ns "iptables-$b" -w -N OTHER
	in_ns "iptables-$b" -w -A OTHER -j NFJUDGE
	expect_status 1 "$b remove while referenced" in_ns "$NFJUDGE" rules \
		remove --backend "$b"
	expect_err "$b: the failing tool is named" "iptables-$b-restore failed"
	expect_err "$b: the failing line is quoted" "[input line 4: -X NFJUDGE]"
	check_family "$b" ip "after the failed remove"
	expect_eq "$b ip6: removed despite IPv4" \
		"$(in_ns "ip6tables-$b" -w -S | grep -c NFJUDGE)" 0
	in_ns "iptables-$b" -w -F OTHER
	in_ns "iptables-$b" -w -X OTHER
	expect_status 0 "$b remove, no longer referenced" in_ns "$NFJUDGE" \
		rules remove --backend "$b"
}

test_traffic() { # backend
	b=$1
	traffic_backend=$b
	expect_all ok 9000 # with no rules: the probe itself works
	install "$b" "fail-closed" --exempt-uid 4242
	expect_all timeout 9000
	expect_all ok 9000 4242
	# What the daemon does to reject: mark, NF_REPEAT, the REJECT rules.
	start_reader reject
	expect_all refused 9000
	stop_reader
	start_reader accept
	expect_all ok 9000
	stop_reader
	mangle_mark "$b" -A
	expect_all refused 9999
	mangle_mark "$b" -D
	install "$b" "fail-open" --fail-open
	expect_all ok 9000
}

test_backend() { # backend
	b=$1
	for fam in ip ip6; do
		in_ns "${fam}tables-$b" -w -A OUTPUT -p tcp --dport 1 -j ACCEPT
	done
	before4=$(in_ns "iptables-$b" -w -S)
	before6=$(in_ns "ip6tables-$b" -w -S)
	mangle4=$(in_ns "iptables-$b" -w -t mangle -S)
	test_chain "$b"
	test_atomic "$b"
	test_traffic "$b"
	expect_status 0 "$b remove" in_ns "$NFJUDGE" rules remove --backend "$b"
	expect_status 0 "$b remove again" in_ns "$NFJUDGE" rules remove \
		--backend "$b"
	expect_eq "$b: IPv4 table as before" "$(in_ns "iptables-$b" -w -S)" \
		"$before4"
	expect_eq "$b: IPv6 table as before" "$(in_ns "ip6tables-$b" -w -S)" \
		"$before6"
	expect_eq "$b: IPv4 mangle table as before" \
		"$(in_ns "iptables-$b" -w -t mangle -S)" "$mangle4"
	for fam in ip ip6; do
		in_ns "${fam}tables-$b" -w -D OUTPUT -p tcp --dport 1 -j ACCEPT
	done
}

tested=0
for b in nft legacy; do
	have=yes
	for tool in iptables ip6tables; do
		for t in "$tool-$b" "$tool-$b-restore"; do
			command -v "$t" >/dev/null || have=no
		done
	done
	if [ $have = no ]; then
		echo "note: no iptables-$b tools, backend not tested"
		continue
	fi
	test_backend "$b"
	tested=$((tested + 1))
done
[ $tested -gt 0 ] || bad "neither iptables backend is installed"

# The mismatch trap: what one backend installed, the other does not list.
if [ $tested -eq 2 ]; then
	install nft "for the mismatch check" --no-ipv6
	expect_eq "legacy lists no nft rules" \
		"$(in_ns iptables-legacy -w -S | grep -c NFJUDGE)" 0
	expect_status 0 "nft remove" in_ns "$NFJUDGE" rules remove \
		--backend nft --no-ipv6
fi

# Without --backend it is plain iptables-restore.
expect_status 0 "default backend install" in_ns "$NFJUDGE" rules install
expect_eq "default backend: chain as printed" \
	"$(in_ns iptables -w -S NFJUDGE | grep -v '^-N ')" \
	"$(printed ip filter NFJUDGE)"
expect_status 0 "default backend remove" in_ns "$NFJUDGE" rules remove
expect_eq "default backend: removed" \
	"$(in_ns iptables -w -S | grep -c NFJUDGE)" 0

test_summary
