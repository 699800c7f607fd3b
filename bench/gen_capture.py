#!/usr/bin/python3
"""Write a large Ethernet pcap for the replay benchmark: COUNT packets of
TCP conversations of CONV packets each (default 50), so one packet in CONV
is a SYN, plus one DNS exchange over UDP in every 16th conversation.  With
CONV 4 one packet in four is a SYN: the record path dominates.  Fast enough for millions of
packets: frames are packed from templates, not built by a packet library.

usage: gen_capture.py FILE [COUNT [CONV]]
"""
import struct
import sys


def csum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff)
    return (~(s + (s >> 16))) & 0xffff


def frame(proto, sport, dport, flags, dst, payload):
    if proto == 6:
        l4 = struct.pack("!HHIIBBHHH", sport, dport, 1, 0, 5 << 4, flags,
                         65535, 0, 0) + payload
    else:
        l4 = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), 0, 0x4000, 64,
                     proto, 0, bytes([10, 200, 0, 2]), dst)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    eth = b"\x02\x00\x0a\xc8\x00\x01\x02\x00\x0a\xc8\x00\x02\x08\x00"
    return eth + ip + l4


def main():
    path = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 2000000
    conv = int(sys.argv[3]) if len(sys.argv) > 3 else 50
    data = b"d" * 100
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        t = 1795867200 * 1000000
        for i in range(count):
            flow = i // conv
            dst = bytes([93, 184, (flow >> 8) & 0xff, flow & 0xff])
            sport = 10000 + flow % 50000
            k = i % conv
            dns = flow % 16 == 15
            if dns and k < 2:  # a DNS query and its answer
                fr = frame(17, sport, 53, 0, dst, data)
            elif k == (2 if dns else 0):  # every connection has its SYN
                fr = frame(6, sport, 443, 0x02, dst, b"")
            else:
                fr = frame(6, sport, 443, 0x18, dst, data)
            t += 20
            f.write(struct.pack("<IIII", t // 1000000, t % 1000000,
                                len(fr), len(fr)))
            f.write(fr)


main()
