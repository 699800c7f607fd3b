#!/bin/sh
# Names for addresses, live: two namespaces of the test's own joined by a
# veth, nfjudge in the sandbox with --install-rules, a tiny DNS server and
# a listener on the far side, and there an AF_PACKET sniffer that counts
# what the sandbox sends.  A name the sandbox resolved is in the record
# (dest_name) and lets a `host` rule accept the connection; an address
# nobody resolved, and the addresses of spoofed answers (another ID,
# another question, an answer nobody asked for, a third host, a server
# on the sandbox's loopback), are refused, and the far side sees no SYN
# for them.
set -u
pair_name=dns pair_dev=dn
. "$(dirname "$0")/pairlib.sh"
DP=$top_srcdir/tests/dnspeer.py

# .1 the DNS server, .3 a third host; .5-.10 what names resolve to
for a in 1 3 5 6 7 8 9 10 11; do far ip addr add 10.77.0.$a/24 dev dn1; done
far ip addr add fd77::5/64 dev dn1 nodad

cat >"$tmp/policy.conf" <<'POL'
set default reject
accept to 127.0.0.0/8 name loopback
accept proto udp to 10.77.0.1 port 53 name dns
accept proto tcp host test.example, *.test.example port 8443 name named
POL

bg "$FAR" "$PY" "$RT" sniff dn1 "$mac" "$tmp/sniff"
bg "$FAR" "$PY" "$DP" serve 10.77.0.1 "$tmp/dns.log"
bg "$FAR" "$PY" "$top_srcdir/tests/netpeer.py" listen 0.0.0.0:8443 \
	'[fd77::5]:8443'
bg "$SB" "$NFJUDGE" run -c "$tmp/policy.conf" --install-rules \
	--control "$tmp/ctl.sock" -o "$tmp/log" 2>"$tmp/daemon.err"
DPID=$!
poll 50 grep -q ready "$tmp/sniff" || bad "the sniffer did not start"
poll 50 grep -q ready "$tmp/dns.log" || bad "the DNS server did not start"
poll 100 grep -q '"event_type":"start"' "$tmp/log" ||
	{ bad "the daemon did not start: $(cat "$tmp/daemon.err")"; exit 1; }

# Every attempt here should be answered: the long wait (see netpeer.py).
connect() { sb "$PY" "$top_srcdir/tests/netpeer.py" tcp-ok "$1:8443"; }
resolve() { sb "$PY" "$DP" query 10.77.0.1 "$@"; }
syns() { "$PY" "$RT" count "$tmp/sniff" proto=6 dst="$1" dport=8443 flags=2; }
recs() { "$PY" "$RT" records "$tmp/log" "$@"; }
recs_are() { # what N key=value...: exactly N such records, within 5 s
	what=$1 want=$2
	shift 2
	poll 50 test "$(recs "$@")" -ge "$want"
	expect_eq "$what: records $*" "$(recs "$@")" "$want"
}
# A SYN held over a second is sent again and judged again (nfjudge(8)):
# one record for each SYN the client's kernel sent.
refused() { # what addr: refused, judged, and not one SYN got out
	set -- "$1" "$2" $(connect "$2") "" "" ""
	expect_eq "$1: refused" "$3" refused
	recs_are "$1" $((1 + ${5:-0})) dest_ip="$2" rule=default dest_name=None
	expect_eq "$1: no SYN on the far side" "$(syns "$2")" 0
}
# A connection the host rule let out: every SYN it sent judged by it,
# named, and on the far side.
named_out() { # addr
	n=$(syns "$1")
	[ "$n" -ge 1 ] && [ "$(recs rule=named dest_ip="$1" \
		dest_name=test.example)" -eq "$n" ]
}

# Before any answer the address has no name: the host rule cannot match.
refused "before resolving" 10.77.0.5

# The answer names the address; the host rule accepts, the far side sees
# the SYN, and the record says which name.
expect_eq "resolve test.example" "$(resolve test.example)" 10.77.0.5
recs_are "the query" 1 rule=dns dest_port=53
expect_eq "connect to test.example" "$(connect 10.77.0.5)" connected
poll 50 named_out 10.77.0.5
check "named: each SYN recorded by the host rule is on the far side" \
	named_out 10.77.0.5

# ctl explain reads the names the verdict path reads.
explain() { # addr key: a field of the reply to explain tcp for addr:8443
	sb "$NFJUDGE" ctl -s "$tmp/ctl.sock" explain tcp 10.77.0.2:40000 \
		"$1:8443" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$2"
}
expect_eq "explain: the host rule decides" "$(explain 10.77.0.5 rule)" named
expect_eq "explain: the name" "$(explain 10.77.0.5 dest_name)" test.example
expect_eq "explain: no name, the default" "$(explain 10.77.0.9 rule)" default

# AAAA: the name of an IPv6 address, learned from an answer over IPv4.
expect_eq "resolve test.example AAAA" \
	"$(sb "$PY" "$DP" query6 10.77.0.1 test.example)" fd77::5
expect_eq "connect to test.example over IPv6" "$(connect '[fd77::5]')" \
	connected
poll 50 named_out fd77::5
check "named, IPv6: each SYN recorded by the host rule is on the far side" \
	named_out fd77::5

# An address nobody resolved is still refused.
refused "unrelated address" 10.77.0.9

# Answers that answer no query, each naming an address the host rule
# would accept: under another ID, for another question, unsolicited on
# the same 5-tuple (unsol.test.example, sent with test.example's).
expect_eq "wrong ID: the client ignores it" \
	"$(resolve wrongid.test.example)" none
refused "wrong ID" 10.77.0.6
resolve wrongq.test.example >/dev/null
refused "wrong question" 10.77.0.7
refused "unsolicited" 10.77.0.8

# A third host answers in the server's stead, with the query's ID and
# question: it is not the server the query went to.
bg "$SB" "$PY" "$DP" query 10.77.0.1 silent.test.example 40053 4242
poll 50 grep -q "^silent.test.example 4242" "$tmp/dns.log" ||
	bad "the silent query did not reach the server"
expect_eq "third host: sent" \
	"$(far "$PY" "$DP" spoof 10.77.0.3 10.77.0.2:40053 4242 \
		silent.test.example 10.77.0.10)" sent
refused "third host" 10.77.0.10

# A program in the sandbox serves DNS on loopback, which the policy lets
# the sandbox reach: whatever it answers names nothing.
bg "$SB" "$PY" "$DP" serve 127.0.0.1 "$tmp/lo-dns.log"
poll 50 grep -q ready "$tmp/lo-dns.log" || bad "the loopback server did not start"
expect_eq "loopback server: the client believes it" \
	"$(sb "$PY" "$DP" query 127.0.0.1 evil.test.example)" 10.77.0.11
refused "loopback server" 10.77.0.11

# The name shows in the exports too.
"$NFJUDGE" audit export --format ocsf "$tmp/log" >"$tmp/ocsf" 2>"$tmp/err"
named=$(recs dest_name=test.example)
check "two connections named test.example ($named records)" [ "$named" -ge 2 ]
expect_eq "OCSF: dst_endpoint.hostname" \
	"$(grep -c '"hostname":"test.example"' "$tmp/ocsf")" "$named"
"$NFJUDGE" audit export --format ecs "$tmp/log" >"$tmp/ecs" 2>"$tmp/err"
expect_eq "ECS: destination.domain" \
	"$(grep -c '"domain":"test.example"' "$tmp/ecs")" "$named"

kill -TERM "$DPID"
wait "$DPID"
expect_eq "the daemon stopped cleanly" "$?" 0
test_summary
