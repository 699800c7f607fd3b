#!/bin/sh
# The fence tried as a hostile program in the sandbox would: two
# namespaces of the test's own joined by a veth, nfjudge in the sandbox
# with --install-rules, and on the far side an AF_PACKET sniffer that sees
# every frame the sandbox sends.  Each attempt must leave zero packets on
# the far side unjudged, and exactly the record it should: a verdict of
# the policy for what is judged, a fence drop with its reason for what the
# kernel refuses.  A connection to the proxy is the control that the
# sniffer sees what does get out.
set -u
pair_name=rt pair_dev=rt
. "$(dirname "$0")/pairlib.sh"

# .3 stands for a third host: a spoofed packet's answer would go there.
far ip addr add 10.77.0.1/24 dev rt1
far ip addr add 10.77.0.3/24 dev rt1
far ip addr add fd77::1/64 dev rt1 nodad
sb ip route add default via 10.77.0.1
sb ip -6 route add default via fd77::1
sb sysctl -qw net.ipv4.ping_group_range="0 2147483647"

cat >"$tmp/policy.conf" <<'POL'
set default reject
accept proto tcp to 10.77.0.1 port 3128 name proxy
accept proto udp to 10.77.0.1 port 3128 name proxy-udp
POL

bg "$FAR" "$PY" "$RT" sniff rt1 "$mac" "$tmp/sniff"
bg "$FAR" "$PY" -c '
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("10.77.0.1", 3128)); s.listen(64)
while True: s.accept()[0].close()'
bg "$SB" "$PY" "$RT" attack serve 8080
bg "$SB" "$NFJUDGE" run -c "$tmp/policy.conf" --install-rules \
	-o "$tmp/log" 2>"$tmp/daemon.err"
DPID=$!
poll 50 grep -q ready "$tmp/sniff" || bad "the sniffer did not start"
poll 100 grep -q '"event_type":"start"' "$tmp/log" ||
	{ bad "the daemon did not start: $(cat "$tmp/daemon.err")"; exit 1; }
poll 50 sb "$NFJUDGE" rules print >/dev/null

rt() { sb "$PY" "$RT" attack "$@"; }
seen() { "$PY" "$RT" count "$tmp/sniff" "$@"; }
recs() { "$PY" "$RT" records "$tmp/log" "$@"; }
recs_are() { # N key=value...: exactly N such records, within 5 s
	want=$1
	shift
	poll 50 test "$(recs "$@")" -ge "$want"
	expect_eq "$what: records $*" "$(recs "$@")" "$want"
}
none_out() { # key=value...: no such frame reached the far side
	expect_eq "$what: nothing on the far side ($*)" "$(seen "$@")" 0
}

# The control: what the policy accepts does reach the far side.
what=control
rt connect 3128 >/dev/null
rt udp-to 3128 9401 >/dev/null
poll 50 test "$(seen proto=6 dport=3128)" -gt 0
# Its SYN, and each time it was sent again while the daemon was slow to
# judge it (nfjudge(8)): every one judged, recorded and let out.
syns_judged() {
	n=$(seen proto=6 dport=3128 flags=2)
	[ "$n" -ge 1 ] && [ "$(recs rule=proxy dest_port=3128)" -eq "$n" ]
}
poll 50 syns_judged
check "control: the proxy connection is seen, each SYN as recorded" \
	syns_judged
poll 50 test "$(seen proto=17 sport=9401)" -gt 0
expect_eq "control: the accepted datagram is seen" \
	"$(seen proto=17 sport=9401)" 1
recs_are 1 rule=proxy-udp src_port=9401

# 1. Protocols other than TCP and UDP are judged; the default refuses.
what="ICMP echo, raw socket"
rt ping-raw 9101 >/dev/null
recs_are 1 rule=default proto=ICMP dest_ip=10.77.0.1
what="ICMP echo, unprivileged ping socket"
sb setpriv --reuid 65534 --regid 65534 --clear-groups \
	"$PY" "$RT" attack ping-dgram 9102 >/dev/null
recs_are 2 rule=default proto=ICMP dest_ip=10.77.0.1
none_out proto=1
what="ICMPv6 echo, unprivileged ping socket"
sb setpriv --reuid 65534 --regid 65534 --clear-groups \
	"$PY" "$RT" attack ping6-dgram 9103 >/dev/null
recs_are 1 rule=default proto=IPV6-ICMP dest_ip=fd77::1
none_out proto=58
what=UDP-Lite
rt udplite 9104 >/dev/null
recs_are 1 rule=default proto=UDPLITE dest_port=9104
none_out proto=136
# Judged when conntrack calls them NEW, dropped when it calls a made-up
# SCTP or GRE header INVALID: recorded either way.
for p in SCTP:132 GRE:47 253:253; do
	what="IP protocol ${p#*:}"
	rt rawproto 9105 "${p#*:}" >/dev/null
	recs_are 1 "rule~=default|fence" "proto=${p%:*}" dest_ip=10.77.0.1
	none_out "proto=${p#*:}"
done

# 2. TCP that is neither a plain SYN nor part of a flow.
port=9200
for flags in 0x03 0x10 0x04 0x01 0x18 0x00 0x29 0x12 0x14 0x07; do
	port=$((port + 1))
	what="TCP flags $flags"
	rt tcp-flags $port $flags >/dev/null
	recs_are 1 rule=fence "reason~=invalid|tcp-not-new" dest_port=$port
	none_out proto=6 dport=$port
done

# 3. INVALID and UNTRACKED: raw fragments, UDP lengths that lie.
what="IP_NODEFRAG fragments"
rt frag-nodefrag 9301 >/dev/null
recs_are 2 rule=fence reason=fragment dest_ip=10.77.0.1 proto=UDP
what="a later fragment alone"
rt frag-later 9302 >/dev/null
recs_are 3 rule=fence reason=fragment proto=UDP
what="a fragmented SYN"
rt frag-syn 9303 >/dev/null
recs_are 2 rule=fence reason=fragment proto=TCP
none_out proto=17 dst=10.77.0.1 dport!=3128
none_out proto=6 dport=9303
# The decoder gives up on such a header: the record has no ports.
for len in 4 7 2000; do
	what="UDP length $len"
	rt udp-badlen 9304 $len >/dev/null
done
recs_are 3 rule=fence reason=invalid proto=UDP
none_out dport=9304

# 4. Spoofed sources: neither the packet nor an answer to the third host.
what="spoofed UDP"
rt spoofed 9401 udp >/dev/null
what="spoofed SYN"
rt spoofed 9402 tcp >/dev/null
recs_are 2 rule=fence reason=spoofed src_ip=10.77.0.3
none_out src=10.77.0.3
none_out dst=10.77.0.3

# 5. Source routes: IPv4 options on an ordinary socket, an IPv6 SRH.
what="LSRR via the proxy"
rt lsrr 3128 >/dev/null
what="SSRR via the proxy"
rt ssrr 3128 >/dev/null
# The kernel sends to the first hop: that is the destination recorded.
recs_are 2 rule=fence reason=ip-options dest_ip=10.77.0.5
what="IPv6 SRH with first segment ::1"
r=$(rt srh 9501)
case $r in
setsockopt-*) echo "note: IPV6_RTHDR refused here ($r): nothing to send" ;;
*) recs_are 1 rule=fence reason=routing-header ;;
esac
none_out dport=9501
expect_eq "no record names a source route's hop as allowed" \
	"$(recs verdict=accept "dest_ip~=10.77.0.5|::1")" 0

# 6. Flows the outside opens are judged; no reply leaves unjudged.
what="inbound connection"
expect_eq "inbound connection refused" "$(far "$PY" "$RT" attack \
	inbound-tcp 8080)" refused
# one record per SYN the far side sent (again, when judged slowly)
poll 50 test "$(recs direction=in dest_port=8080)" -ge 1
expect_eq "$what: every record a reject" \
	"$(recs direction=in dest_port=8080 verdict!=reject)" 0
none_out proto=6 sport=8080 data!=0
none_out proto=6 sport=8080 flags=18
what="inbound first datagram"
far "$PY" "$RT" attack inbound-udp 8081 >/dev/null
recs_are 1 direction=in dest_port=8081 verdict=reject
none_out proto=17 sport=8081

# 7. A packet carrying the reject mark before any verdict, and one the
# decoder cannot follow.
what=premarked
rt premarked 3128 9701 >/dev/null
recs_are 1 rule=fence reason=premarked src_port=9701
none_out sport=9701

# Queued, but beyond the decoder: dropped, and recorded as such.
what="TCP data offset 15"
rt tcp-doff 9702 >/dev/null
recs_are 1 rule=fence reason=undecodable proto=TCP dest_ip=10.77.0.1
none_out dport=9702
what="inbound TCP data offset 15"
far "$PY" "$RT" attack inbound-tcp-doff 9703 >/dev/null
recs_are 1 rule=fence reason=undecodable direction=in dest_ip=10.77.0.2

# The chain flushed under the daemon: put back, with an alert record.
what="chain flushed"
sb iptables -w -F NFJUDGE
poll 100 grep -q '"kind":"chain"' "$tmp/log" ||
	bad "no alert record for the flushed chain"
poll 50 test "$(sb iptables -w -S NFJUDGE | wc -l)" -gt 10
expect_eq "chain flushed: restored as printed" \
	"$(sb iptables -w -S NFJUDGE | grep -v '^-N ')" \
	"$(sb "$NFJUDGE" rules print --no-ipv6 |
		sed -n '/^\*filter/,/^COMMIT/p' | grep '^-A NFJUDGE ')"
rt tcp-flags 9801 0x10 >/dev/null
recs_are 1 rule=fence reason=tcp-not-new dest_port=9801
none_out dport=9801

# The sniffer has seen everything sent before this last control.
rt udp-to 3128 9402 >/dev/null
poll 200 test "$(seen proto=17 sport=9402)" -gt 0 ||
	bad "the last control datagram never arrived ($(recs src_port=9402) records)"
what=all
expect_eq "the sniffer missed no frame" "$(grep -c '^dropped=' "$tmp/sniff")" 0
expect_eq "nothing from the sandbox beyond the controls and the rejects" \
	"$(seen dport!=3128 proto!=1 sport!=8080)" 0
expect_eq "no ICMP from the sandbox but the inbound datagram's refusal" \
	"$(seen proto=1 sport!=3)" 0
kill -TERM "$DPID"
wait "$DPID"
expect_eq "the daemon stopped cleanly" $? 0
expect_eq "the log verifies" "$("$NFJUDGE" audit verify "$tmp/log" \
	>/dev/null 2>&1; echo $?)" 0
# The stop record counts every fence drop the log has, none lost.
n=$(grep -c '"rule":"fence"' "$tmp/log")
expect_eq "stats: fenced is the fence records, none lost or unreadable" \
	"$("$PY" -c '
import json, sys
r = [json.loads(l) for l in open(sys.argv[1])]
st = [x for x in r if x["event_type"] == "stop"][-1]["stats"]
n = sum(1 for x in r if x.get("rule") == "fence")
print("%d of %d" % (st["fenced"], n) if n else "none",
      st["fence_lost"], st["fence_unreadable"])
' "$tmp/log")" "$n of $n 0 0"
test_summary
