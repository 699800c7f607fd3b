#!/usr/bin/python3
"""Seeds for fuzz_defrag from the fragment captures in pcaps/.

Each seed is the IP packets of one capture, each as a 2-byte length, a
byte of seconds since the previous packet, and the packet from its IP
header on (the captures are Ethernet).  Run from the top of the tree.
"""
import os
import struct

OUT = "fuzz/corpus/fuzz_defrag"


def packets(path):
    with open(path, "rb") as f:
        data = f.read()
    off, prev = 24, None
    while off + 16 <= len(data):
        sec, _usec, incl, _orig = struct.unpack("<IIII", data[off:off + 16])
        yield sec, data[off + 16 + 14:off + 16 + incl]
        off += 16 + incl


def seed(path):
    out, prev = b"", None
    for sec, pkt in packets(path):
        gap = 0 if prev is None else min(255, max(0, sec - prev))
        prev = sec
        out += struct.pack(">HB", len(pkt), gap) + pkt
    return out


os.makedirs(OUT, exist_ok=True)
for name in ("tiny", "overlap", "timeout", "v6"):
    with open(f"{OUT}/frag-{name}", "wb") as f:
        f.write(seed(f"pcaps/frag-{name}.pcap"))
