#!/usr/bin/python3
"""Write the seed corpus of fuzz_decode: one file per packet, the first byte
selecting the link type (an index into fuzz_decode.c's table)."""
import hashlib
import os
import sys

from scapy.all import (IP, IPv6, TCP, UDP, ICMP, Ether, Dot1Q, Dot1AD,
                       CookedLinux, CookedLinuxV2, Loopback, IPv6ExtHdrHopByHop,
                       IPv6ExtHdrRouting, IPv6ExtHdrDestOpt,
                       IPv6ExtHdrFragment, rdpcap, raw)

ETH, SLL, SLL2, RAW, IPV4, IPV6, NULL, LOOP, BARE = range(9)


def seeds(top):
    syn = TCP(sport=40000, dport=443, flags="S")
    v4 = IP(src="10.0.0.2", dst="93.184.216.34")
    v6 = IPv6(src="2001:db8::1", dst="2001:db8::2")
    yield ETH, Ether() / v4 / syn
    yield ETH, Ether() / Dot1Q(vlan=10) / v4 / UDP(dport=53)
    yield ETH, Ether() / Dot1AD(vlan=20) / Dot1Q(vlan=10) / v6 / syn
    yield SLL, CookedLinux() / v4 / syn
    yield SLL2, CookedLinuxV2(proto=0x86dd) / v6 / UDP(dport=443)
    yield RAW, IP(src="10.0.0.2", dst="10.0.0.3", options=b"\x01" * 8) / syn
    yield IPV6, v6 / IPv6ExtHdrHopByHop() / IPv6ExtHdrRouting() / \
        IPv6ExtHdrDestOpt() / IPv6ExtHdrFragment(m=1) / UDP(dport=53)
    yield BARE, IP(src="10.0.0.2", dst="10.0.0.3", flags="MF") / UDP()
    yield BARE, IP(src="10.0.0.2", dst="10.0.0.3", frag=100) / raw(b"x" * 8)
    yield BARE, v6 / IPv6ExtHdrFragment(offset=10) / raw(b"x" * 8)
    yield NULL, Loopback(type=2) / v4 / ICMP()
    yield LOOP, raw(b"\x00\x00\x00\x18") / v6 / syn
    yield BARE, IP(src="10.0.0.2", dst="10.0.0.3",
                   options=b"\x01\x83\x07\x04\x0a\xc8\x00\x01") / syn
    yield BARE, IP(src="10.0.0.2", dst="10.0.0.3", proto=136) / \
        raw(b"\x9c\x41\x13\x89\x00\x08\x00\x00")
    yield BARE, IP(src="10.0.0.2", dst="10.0.0.3", proto=132) / \
        raw(b"\x9c\x42\x96\x0c" + b"\x00" * 8)
    yield BARE, IP(src="10.0.0.2", dst="10.0.0.3", proto=47) / raw(b"\0" * 4)
    yield BARE, IPv6(src="2001:db8::1", dst="2001:db8::2", nh=58) / \
        raw(b"\x80\x00\x00\x00\x12\x34\x00\x01")
    for name in ("tcp.pcap", "udp.pcap", "ipv6.pcap"):
        for p in rdpcap(os.path.join(top, "tests/data/community-id", name)):
            yield ETH, p


def main():
    top, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    for link, p in seeds(top):
        data = bytes([link]) + raw(p)
        name = hashlib.sha1(data).hexdigest()[:16]
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


main()
