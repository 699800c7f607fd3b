#!/usr/bin/python3
"""Generate the replay test captures in pcaps/.

Every capture is built here from scratch, with fixed timestamps, so the
files can be regenerated and reviewed:  /usr/bin/python3 pcaps/generate.py
The addresses are documentation and private ranges; nothing is sent.
"""
import os
import struct
import sys

from scapy.all import (Ether, Dot1Q, Dot1AD, CookedLinux, CookedLinuxV2,
                       IP, IPv6, TCP, UDP, ICMP, ARP, DNS, DNSQR, DNSRR,
                       Raw,
                       ICMPv6EchoRequest, ICMPv6ND_NS, GRE,
                       IPv6ExtHdrHopByHop, IPv6ExtHdrRouting,
                       IPv6ExtHdrDestOpt, IPv6ExtHdrFragment, raw,
                       wrpcap, wrpcapng, PcapWriter)

T0 = 1795867200.0  # 2026-11-28T12:00:00Z
OUT = os.path.dirname(os.path.abspath(__file__))

SANDBOX, PROXY = "10.200.0.2", "10.200.0.1"
SANDBOX6, PROXY6 = "fd00:200::2", "fd00:200::1"
WEB, WEB6 = "93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"
MAC_S, MAC_P = "02:00:0a:c8:00:02", "02:00:0a:c8:00:01"


def at(pkts, t0=T0, step=0.001):
    """Stamp packets step seconds apart, or at (offset, packet) times."""
    out = []
    for i, p in enumerate(pkts):
        if isinstance(p, tuple):
            off, p = p
        else:
            off = i * step
        p.time = t0 + off
        out.append(p)
    return out


def handshake(src, dst, sport, dport, accepted=True, v6=False):
    ip = IPv6 if v6 else IP
    syn = ip(src=src, dst=dst) / TCP(sport=sport, dport=dport, flags="S",
                                     seq=1000)
    if accepted:
        back = ip(src=dst, dst=src) / TCP(sport=dport, dport=sport,
                                          flags="SA", seq=5000, ack=1001)
        ack = ip(src=src, dst=dst) / TCP(sport=sport, dport=dport, flags="A",
                                         seq=1001, ack=5001)
        return [syn, back, ack]
    rst = ip(src=dst, dst=src) / TCP(sport=dport, dport=sport, flags="RA",
                                     seq=0, ack=1001)
    return [syn, rst]


def dns(src, dst, sport, name="example.com", v6=False):
    ip = IPv6 if v6 else IP
    return ip(src=src, dst=dst) / UDP(sport=sport, dport=53) / \
        DNS(rd=1, qd=DNSQR(qname=name))


def eth(pkts):
    out = []
    for p in pkts:
        etype = 0x86dd if p.version == 6 else 0x0800
        out.append(Ether(src=MAC_S, dst=MAC_P, type=etype) / p)
    return out


def sandbox_traffic():
    pkts = []
    pkts += handshake(SANDBOX, PROXY, 40001, 3128)               # proxy
    pkts += handshake(SANDBOX, WEB, 40002, 443, accepted=False)  # bypass
    pkts += [IP(src=SANDBOX, dst=WEB) / TCP(sport=40003, dport=443,
                                            flags="S")] * 2      # retransmit
    pkts += handshake("127.0.0.1", "127.0.0.1", 40004, 8080)     # loopback
    pkts += [dns(SANDBOX, "1.1.1.1", 53001)] * 2                 # DNS bypass
    pkts += handshake(SANDBOX, "169.254.169.254", 40005, 80, False)
    pkts += handshake(SANDBOX6, WEB6, 40006, 443, False, v6=True)
    pkts += [IP(src=SANDBOX, dst=WEB) / UDP(sport=40007, dport=443) /
             Raw(b"\xc0" + b"\x00" * 20)]                        # QUIC
    pkts += [IP(src=SANDBOX, dst=PROXY) / ICMP()]                # a ping
    return at(eth(pkts))


def vlan():
    syn = IP(src=SANDBOX, dst=WEB) / TCP(sport=41000, dport=80, flags="S")
    syn2 = IPv6(src=SANDBOX6, dst=WEB6) / TCP(sport=41001, dport=80,
                                              flags="S")
    return at([
        Ether(src=MAC_S, dst=MAC_P) / Dot1Q(vlan=100) / syn,
        Ether(src=MAC_S, dst=MAC_P) / Dot1AD(vlan=20) / Dot1Q(vlan=100) /
        syn2,
        Ether(src=MAC_S, dst=MAC_P, type=0x9100) / Dot1Q(vlan=30) /
        IP(src=SANDBOX, dst=PROXY) / TCP(sport=41002, dport=3128,
                                        flags="S"),
    ])


def bare_flows():
    return [IP(src=SANDBOX, dst=WEB) / TCP(sport=42000, dport=443,
                                           flags="S"),
            IPv6(src=SANDBOX6, dst=PROXY6) / TCP(sport=42001, dport=3128,
                                                 flags="S"),
            dns(SANDBOX, PROXY, 42002)]


def sll():
    out = []
    for p in bare_flows():
        proto = 0x86dd if p.version == 6 else 0x0800
        out.append(CookedLinux(pkttype=4, lladdrtype=1, lladdrlen=6,
                               src=b"\x02\x00\x0a\xc8\x00\x02\x00\x00",
                               proto=proto) / p)
    return at(out)


def sll2():
    out = []
    for p in bare_flows():
        proto = 0x86dd if p.version == 6 else 0x0800
        out.append(CookedLinuxV2(proto=proto, ifindex=2, pkttype=4,
                                 lladdrtype=1, lladdrlen=6,
                                 src=b"\x02\x00\x0a\xc8\x00\x02\x00\x00") / p)
    return at(out)


def loopback_frames(netorder):
    out = []
    for p in bare_flows():
        af = 24 if p.version == 6 else 2
        hdr = struct.pack(">I" if netorder else "<I", af)
        out.append(Raw(hdr + raw(p)))
    return at(out)


def ipv6_ext():
    chain = IPv6(src=SANDBOX6, dst=WEB6) / IPv6ExtHdrHopByHop() / \
        IPv6ExtHdrRouting() / IPv6ExtHdrDestOpt() / \
        TCP(sport=43000, dport=443, flags="S")
    frag_first = IPv6(src=SANDBOX6, dst=PROXY6) / \
        IPv6ExtHdrFragment(m=1, id=7, nh=17) / \
        raw(UDP(sport=43001, dport=53, len=1208) / Raw(b"q" * 64))
    frag_later = IPv6(src=SANDBOX6, dst=PROXY6) / \
        IPv6ExtHdrFragment(m=0, offset=9, id=7, nh=17) / Raw(b"q" * 64)
    v4_first = IP(src=SANDBOX, dst=WEB, flags="MF", id=9, proto=17) / \
        raw(UDP(sport=43002, dport=443, len=1208) / Raw(b"w" * 64))
    v4_later = IP(src=SANDBOX, dst=WEB, frag=9, id=9, proto=17) / \
        Raw(b"w" * 64)
    return at(eth([chain, frag_first, frag_later, v4_first, v4_later]))


def udp_timing():
    q = lambda sport, dst=PROXY: dns(SANDBOX, dst, sport)
    a = lambda sport, src=PROXY: IP(src=src, dst=SANDBOX) / \
        UDP(sport=53, dport=sport) / DNS(qr=1, qd=DNSQR(qname="example.com"))
    pkts = [
        (0.0, q(50000)), (0.01, a(50000)),   # opens, answer flows back
        (10.0, q(50000)),                    # open: not judged
        (39.9, q(50000)),                    # 29.9 s after last: not judged
        (70.0, q(50000)),                    # 30.1 s of silence: judged
        (71.0, q(50001, "8.8.8.8")),         # rejected ...
        (72.0, q(50001, "8.8.8.8")),         # ... so judged again
        (73.0, a(50002)),                    # inbound first: opens the flow
        (74.0, q(50002)),                    # outbound reply: not judged
    ]
    # A long-lived flow kept open by a packet every 20 s for 2 minutes.
    pkts += [(100.0 + 20 * i, q(50003)) for i in range(7)]
    frames = eth([p for _, p in pkts])
    return at([(t, f) for (t, _), f in zip(pkts, frames)])


def udp_jump():
    """One packet stamped a day ahead: flows it does not touch stay open."""
    q = lambda sport: dns(SANDBOX, PROXY, sport)
    a = lambda sport: IP(src=PROXY, dst=SANDBOX) / \
        UDP(sport=53, dport=sport) / DNS(qr=1, qd=DNSQR(qname="example.com"))
    pkts = [
        (0.0, q(50000)), (0.01, a(50000)),   # opens
        (86400.0, q(50010)),                 # a day ahead: judged
        (5.0, q(50000)), (5.01, a(50000)),   # 5 s after its last: open
        (40.0, q(50000)),                    # 35 s of its own silence: judged
    ]
    frames = eth([p for _, p in pkts])
    return at([(t, f) for (t, _), f in zip(pkts, frames)])


def v4_frags(pkt, cuts, ident):
    """An IPv4 datagram as fragments, its payload cut at these offsets."""
    data = raw(pkt)[pkt.ihl * 4 if pkt.ihl else 20:]
    bounds = [0] + cuts + [len(data)]
    return [IP(src=pkt.src, dst=pkt.dst, id=ident, proto=pkt.proto,
               flags="MF" if b < len(data) else 0, frag=a // 8) /
            Raw(data[a:b]) for a, b in zip(bounds, bounds[1:])]


def v6_frags(pkt, cuts, ident, before=None):
    """An IPv6 datagram as fragments; before: headers ahead of each."""
    data = raw(pkt.payload)
    bounds = [0] + cuts + [len(data)]
    out = []
    for a, b in zip(bounds, bounds[1:]):
        head = IPv6(src=pkt.src, dst=pkt.dst)
        if before is not None:
            head = head / before.copy()
        out.append(head / IPv6ExtHdrFragment(
            nh=pkt.nh, offset=a // 8, m=int(b < len(data)), id=ident) /
            Raw(data[a:b]))
    return out


def syn(src, dst, sport, dport, v6=False, **kw):
    ip = IPv6 if v6 else IP
    return ip(src=src, dst=dst) / TCP(sport=sport, dport=dport, flags="S",
                                      seq=1000, **kw)


def frag_tiny():
    """SYNs in fragments too small for the TCP header: judged whole."""
    web = v4_frags(syn(SANDBOX, WEB, 45000, 443), [8, 16], 101)
    proxy = v4_frags(syn(SANDBOX, PROXY, 45001, 3128), [8, 16], 102)
    query = v4_frags(dns(SANDBOX, PROXY, 45002), [16], 103)
    # in order; last fragment first; the first fragment twice
    return at(eth(web + proxy[::-1] + [query[0], query[0], query[1]]))


def frag_overlap():
    """Overlapping fragments: the kernel discards the whole datagram."""
    first = v4_frags(syn(SANDBOX, PROXY, 45100, 3128) / Raw(b"x" * 16),
                     [24], 111)[0]
    # a second fragment that rewrites bytes of the first
    other = raw(syn(SANDBOX, WEB, 45100, 443) / Raw(b"x" * 8))[20:]
    later = IP(src=SANDBOX, dst=PROXY, id=111, proto=6, frag=2) / \
        Raw(other[16:])
    q6 = v6_frags(dns(SANDBOX6, PROXY6, 45101, v6=True), [16, 24], 112)
    q6[2] = IPv6(src=SANDBOX6, dst=PROXY6) / IPv6ExtHdrFragment(
        nh=17, offset=2, m=0, id=112) / Raw(raw(q6[2])[48:] + b"yyyyyyyy")
    return at(eth([first, later] + q6))


def frag_timeout():
    """Fragments apart by more than the reassembly timeout (v4 30 s,
    v6 60 s) never make a datagram; within it they do."""
    a = v4_frags(syn(SANDBOX, WEB, 45200, 443), [8], 121)
    b = v4_frags(syn(SANDBOX, PROXY, 45201, 3128), [8], 122)
    c = v6_frags(dns(SANDBOX6, PROXY6, 45202, v6=True), [16], 123)
    pkts = [(0.0, a[0]), (0.001, b[0]), (0.002, c[0]),
            (29.0, b[1]), (31.0, a[1]), (59.0, c[1])]
    frames = eth([p for _, p in pkts])
    return at([(t, f) for (t, _), f in zip(pkts, frames)])


def frag_v6():
    """IPv6: a query behind a destination options header, a SYN whose
    first fragment lacks the TCP header (RFC 8200 4.5: nf_defrag lets it
    through unreassembled and the fence drops it), a SYN that fits."""
    q = v6_frags(dns(SANDBOX6, PROXY6, 45300, v6=True), [16], 131,
                 before=IPv6ExtHdrDestOpt())
    tiny = v6_frags(syn(SANDBOX6, WEB6, 45301, 443, v6=True), [8], 132)
    opts = [("MSS", 1460), ("SAckOK", b""), ("WScale", 7), ("NOP", None)]
    whole = v6_frags(syn(SANDBOX6, PROXY6, 45302, 3128, v6=True,
                         options=opts), [24], 133)
    return at(eth(q + tiny + whole))


def hostile():
    good = IP(src=SANDBOX, dst=WEB) / TCP(sport=44000, dport=443, flags="S")
    g = raw(Ether(src=MAC_S, dst=MAC_P) / good)
    bad_ihl = bytearray(g)
    bad_ihl[14] = 0x43
    ihl_beyond = bytearray(g)
    ihl_beyond[14] = 0x4f
    bad_doff = bytearray(g)
    bad_doff[14 + 20 + 12] = 0x20
    bad_ver = bytearray(g)
    bad_ver[14] = 0x55
    v6 = raw(Ether(src=MAC_S, dst=MAC_P) / IPv6(src=SANDBOX6, dst=WEB6) /
             IPv6ExtHdrRouting() / TCP(sport=44001, dport=443, flags="S"))
    ext_overrun = bytearray(v6)
    ext_overrun[14 + 40 + 1] = 200
    frames = [g[:20], bytes(bad_ihl), bytes(ihl_beyond), bytes(bad_doff),
              bytes(bad_ver), bytes(ext_overrun), g[:10],
              raw(Ether(src=MAC_S, dst=MAC_P) /
                  ARP(hwsrc=MAC_S, psrc=SANDBOX, pdst=PROXY)),
              raw(Ether(src=MAC_S, dst=MAC_P) / IP(src=SANDBOX, dst=WEB) /
                  UDP(sport=44002, dport=53, len=4)),
              g]
    return at([Raw(f) for f in frames])


def udplite(src, dst, sport, dport, data=b""):
    """UDP-Lite: the UDP header with a checksum coverage, not a length."""
    return IP(src=src, dst=dst, proto=136) / \
        Raw(struct.pack(">HHHH", sport, dport, 8, 0) + data)


def sctp_init(src, dst, sport, dport):
    common = struct.pack(">HHII", sport, dport, 0, 0)
    init = struct.pack(">BBHIIHHI", 1, 0, 20, 0x01020304, 65536, 10, 10,
                       0x0a0b0c0d)
    return IP(src=src, dst=dst, proto=132) / Raw(common + init)


def protocols():
    """A new flow of every protocol goes through the policy."""
    lsrr = b"\x01\x83\x07\x04" + bytes([93, 184, 216, 34])
    pkts = [
        IP(src=SANDBOX, dst=WEB) / ICMP(id=0x1234) / Raw(b"exfil" * 8),
        IP(src=SANDBOX, dst=PROXY) / ICMP(id=0x77, seq=1),
        IP(src=PROXY, dst=SANDBOX) / ICMP(type=0, id=0x77, seq=1),
        IP(src=SANDBOX, dst=PROXY) / ICMP(id=0x77, seq=2),   # open
        IP(src=SANDBOX, dst=PROXY) / ICMP(id=0x78, seq=1),   # another
        # an echo reply nobody asked for: conntrack INVALID
        IP(src=SANDBOX, dst=WEB) / ICMP(type=0, id=0x999) / Raw(b"x" * 32),
        IPv6(src=SANDBOX6, dst=WEB6) / ICMPv6EchoRequest(id=5),
        IPv6(src=SANDBOX6, dst="ff02::1:ff00:1") / ICMPv6ND_NS(tgt=PROXY6),
        # an error about no flow: INVALID, its quote may be anything
        IP(src=SANDBOX, dst=WEB) / ICMP(type=3, code=3) /
        IP(src=WEB, dst=SANDBOX) / UDP(sport=53, dport=40999) /
        Raw(b"exfil" * 8),
        udplite(SANDBOX, WEB, 40010, 5001, b"lite" * 4),
        udplite(SANDBOX, PROXY, 40011, 53),
        udplite(PROXY, SANDBOX, 53, 40011),                  # reply
        udplite(SANDBOX, PROXY, 40011, 53),                  # open
        # an error about a flow let through: RELATED, it passes
        IP(src=SANDBOX, dst=PROXY) / ICMP(type=3, code=3) /
        udplite(PROXY, SANDBOX, 53, 40011),
        sctp_init(SANDBOX, WEB, 40020, 38412),
        IP(src=SANDBOX, dst=WEB) / GRE() / IP(src="192.0.2.1", dst=WEB),
        IP(src=SANDBOX, dst=WEB) / GRE() / IP(src="192.0.2.1", dst=WEB),
        IP(src=SANDBOX, dst=WEB, proto=50) / Raw(b"\x00" * 16),  # ESP
        IP(src=SANDBOX, dst=WEB, proto=253) / Raw(b"\x00" * 8),
        # a source route whose first hop is the proxy: dropped
        IP(src=SANDBOX, dst=PROXY, options=lsrr) /
        TCP(sport=40030, dport=3128, flags="S"),
    ]
    return at(eth(pkts))


def tcp_flags():
    """TCP that is not a plain SYN opens no connection."""
    t = lambda flags, sport, dport=80, dst=WEB, data=b"": \
        IP(src=SANDBOX, dst=dst) / TCP(sport=sport, dport=dport,
                                       flags=flags, seq=1000, ack=1) / \
        Raw(data)
    pkts = [
        t("SF", 45000), t("SR", 45001), t("", 45002), t("FPU", 45003),
        t("A", 45004, data=b"secret"), t("PA", 45005, data=b"secret"),
        t("FA", 45006), t("R", 45007), t("SA", 45008, data=b"secret"),
    ]
    pkts += handshake(SANDBOX, PROXY, 45010, 3128)
    pkts += [t("PA", 45010, 3128, PROXY, b"CONNECT x:443 HTTP/1.1\r\n"),
             t("SF", 45010, 3128, PROXY),      # invalid, even in a flow
             t("SEC", 45011, 3128, PROXY)]     # ECN setup: a plain SYN
    return at(eth(pkts))


def inbound():
    """Flows the outside opens are judged, in the direction they came."""
    syn = lambda src, dst, sport, dport, flags="S", v6=False, data=b"": \
        (IPv6 if v6 else IP)(src=src, dst=dst) / \
        TCP(sport=sport, dport=dport, flags=flags, seq=7000, ack=1) / \
        Raw(data)
    pkts = [
        syn(WEB, SANDBOX, 50000, 8080),
        syn(SANDBOX, WEB, 8080, 50000, "SA"),
        syn(WEB, SANDBOX, 50000, 8080, "A"),
        syn(SANDBOX, WEB, 8080, 50000, "PA", data=b"HTTP/1.1 200 OK\r\n"),
        syn(WEB, SANDBOX, 50001, 22),
        syn(SANDBOX, WEB, 22, 50001, "SA", data=b"SSH-2.0-x\r\n"),
        IP(src=WEB, dst=SANDBOX) / UDP(sport=53, dport=50005) /
        Raw(b"query"),
        IP(src=SANDBOX, dst=WEB) / UDP(sport=50005, dport=53) /
        Raw(b"answer"),
        syn("127.0.0.1", "127.0.0.1", 40000, 8080),
        syn(WEB6, SANDBOX6, 50002, 8080, v6=True),
        IP(src=WEB, dst=SANDBOX) / ICMP(id=0x42),
        IP(src=SANDBOX, dst=WEB) / ICMP(type=0, id=0x42),
    ]
    return at(eth(pkts))


def query(sport, ident, name):
    return IP(src=SANDBOX, dst=PROXY) / UDP(sport=sport, dport=53) / \
        DNS(id=ident, rd=1, qd=DNSQR(qname=name))


def answer(q, addr, ident=None, name=None, src=None):
    """An answer to query q, or with another ID, question or source."""
    name = name or q[DNSQR].qname
    return IP(src=src or q[IP].dst, dst=q[IP].src) / \
        UDP(sport=53, dport=q[UDP].sport) / \
        DNS(id=q[DNS].id if ident is None else ident, qr=1, rd=1, ra=1,
            qd=DNSQR(qname=name),
            an=DNSRR(rrname=name, type="A", ttl=300, rdata=addr))


def dns_names():
    """Names for addresses: a query let out and its answer name an
    address, and a host rule accepts a connection to it until the TTL
    runs out; answers that answer no query (another ID, another
    question, another server, none asked) name nothing."""
    named = query(50001, 0x1111, "test.example")
    wrong_id = query(50002, 0x2222, "wrongid.test.example")
    wrong_q = query(50003, 0x3333, "wrongq.test.example")
    third = query(50004, 0x4444, "third.test.example")
    pkts = [named, answer(named, "198.51.100.5")]
    pkts += handshake(SANDBOX, "198.51.100.5", 40101, 443)
    pkts += [answer(named, "198.51.100.9", 0x5555, "unsol.test.example")]
    pkts += [wrong_id, answer(wrong_id, "198.51.100.6", 0x2223)]
    pkts += [wrong_q, answer(wrong_q, "198.51.100.7", None, "test.example")]
    pkts += [third, answer(third, "198.51.100.8", None, None, "10.200.0.9")]
    for i, a in enumerate(["198.51.100.6", "198.51.100.7", "198.51.100.8",
                           "198.51.100.9"]):
        pkts += handshake(SANDBOX, a, 40102 + i, 443, accepted=False)
    # past the answer's TTL of 300 s
    late = [(301 + i * 0.001, p) for i, p in
            enumerate(handshake(SANDBOX, "198.51.100.5", 40110, 443, False))]
    return at(eth(pkts)) + at(eth([p for _, p in late]), T0 + 301)


def malformed_l4():
    """Transport headers conntrack calls INVALID: live the fence drops and
    records them, but a plain SYN, queued before that rule, the daemon
    records as undecodable; TCP and ICMPv6 cut short the fence's own
    matches drop unrecorded."""
    u = lambda src, dst, **kw: IP(src=src, dst=dst) / UDP(**kw)
    tcp = lambda flags, sport, **kw: IP(src=SANDBOX, dst=WEB) / \
        TCP(sport=sport, dport=443, flags=flags, seq=1000, **kw)
    pkts = [
        u(SANDBOX, PROXY, sport=46000, dport=53, len=4),
        u(SANDBOX, PROXY, sport=46001, dport=53, len=200) / Raw(b"query"),
        IP(src=SANDBOX, dst=PROXY, proto=17) / Raw(b"\xb3\xb2\x00"),
        IP(src=SANDBOX, dst=PROXY, proto=136) / Raw(b"\xb3\xb3\x00"),
        IP(src=SANDBOX, dst=WEB, proto=1) / Raw(b"\x08"),
        tcp("S", 46002, dataofs=2),
        tcp("S", 46003, dataofs=15),
        IPv6(src=SANDBOX6, dst=WEB6) /
        TCP(sport=46004, dport=443, flags="S", dataofs=3),
        tcp("A", 46005, ack=1, dataofs=1),
        IP(src=SANDBOX, dst=WEB, proto=6) / Raw(b"\xb3\xb6\x01\xbb" * 2),
        IPv6(src=SANDBOX6, dst=WEB6, nh=58) / Raw(b"\x80"),
        u(WEB, SANDBOX, sport=53, dport=46007, len=5),
        tcp("S", 46008),
    ]
    return at(eth(pkts))


def write_all():
    wrpcap(f"{OUT}/sandbox.pcap", sandbox_traffic())
    wrpcap(f"{OUT}/vlan.pcap", vlan())
    wrpcap(f"{OUT}/sll.pcap", sll(), linktype=113)
    wrpcap(f"{OUT}/sll2.pcap", sll2(), linktype=276)
    wrpcap(f"{OUT}/raw.pcap", at(bare_flows()), linktype=101)
    wrpcap(f"{OUT}/ipv4-linktype.pcap",
           at([p for p in bare_flows() if p.version == 4]), linktype=228)
    wrpcap(f"{OUT}/ipv6-linktype.pcap",
           at([p for p in bare_flows() if p.version == 6]), linktype=229)
    wrpcap(f"{OUT}/null.pcap", loopback_frames(False), linktype=0)
    wrpcap(f"{OUT}/loop.pcap", loopback_frames(True), linktype=108)
    # DLT_LOOP as little-endian hosts have written it: family in host order
    wrpcap(f"{OUT}/loop-le.pcap", loopback_frames(False), linktype=108)
    wrpcap(f"{OUT}/ipv6-ext.pcap", ipv6_ext())
    wrpcap(f"{OUT}/udp-timing.pcap", udp_timing())
    wrpcap(f"{OUT}/udp-jump.pcap", udp_jump())
    wrpcap(f"{OUT}/frag-tiny.pcap", frag_tiny())
    wrpcap(f"{OUT}/frag-overlap.pcap", frag_overlap())
    wrpcap(f"{OUT}/frag-timeout.pcap", frag_timeout())
    wrpcap(f"{OUT}/frag-v6.pcap", frag_v6())
    wrpcap(f"{OUT}/hostile.pcap", hostile(), linktype=1)
    wrpcap(f"{OUT}/protocols.pcap", protocols())
    wrpcap(f"{OUT}/tcp-flags.pcap", tcp_flags())
    wrpcap(f"{OUT}/inbound.pcap", inbound())
    wrpcap(f"{OUT}/dns-names.pcap", dns_names())
    wrpcap(f"{OUT}/malformed-l4.pcap", malformed_l4())
    wrpcapng(f"{OUT}/sandbox.pcapng", sandbox_traffic())
    wrpcap(f"{OUT}/unsupported-link.pcap",
           at([Raw(b"\x00" * 40)]), linktype=105)
    wrpcap(f"{OUT}/sandbox-ns.pcap", sandbox_traffic(), nano=True)
    whole = open(f"{OUT}/sandbox.pcap", "rb").read()
    # The same file as a big-endian host writes it.
    with open(f"{OUT}/sandbox-be.pcap", "wb") as f:
        f.write(struct.pack(">IHHiIII", *struct.unpack("<IHHiIII",
                                                         whole[:24])))
        off = 24
        while off < len(whole):
            rec = struct.unpack("<IIII", whole[off:off + 16])
            f.write(struct.pack(">IIII", *rec))
            f.write(whole[off + 16:off + 16 + rec[2]])
            off += 16 + rec[2]
    # Cut in the middle of the tenth record's data.
    with open(f"{OUT}/truncated.pcap", "wb") as f:
        f.write(whole[:24 + 9 * (16 + 54) + 30])
    with open(f"{OUT}/not-a-capture.pcap", "wb") as f:
        f.write(b"this is not a capture file\n")


if __name__ == "__main__":
    write_all()
