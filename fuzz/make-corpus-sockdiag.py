#!/usr/bin/python3
"""Write the seed corpus of fuzz_sockdiag: one file per reply, the first
byte selecting the request as fuzz_sockdiag.c does (bit 0: UDP; bits 1-2:
IPv4, IPv6, IPv4-mapped), the rest a reply datagram with sequence 1."""
import hashlib
import ipaddress
import os
import struct
import sys

SOCK_DIAG_BY_FAMILY, NLMSG_ERROR, NLMSG_DONE = 20, 2, 3
AF_INET, AF_INET6 = 2, 10


def nlmsg(mtype, payload, seq=1):
    return struct.pack("=IHHII", 16 + len(payload), mtype, 0, seq, 0) + payload


def attr(atype, payload):
    a = struct.pack("=HH", 4 + len(payload), atype) + payload
    return a + b"\0" * (-len(a) % 4)


def addr(fam, s):
    b = ipaddress.ip_address(s).packed
    return b + b"\0" * (16 - len(b))


def diag(fam, state, src, sport, dst, dport, uid=1000, inode=4711, ifx=0,
         attrs=b""):
    m = struct.pack("=BBBB", fam, state, 0, 0)
    m += struct.pack(">HH", sport, dport) + addr(fam, src) + addr(fam, dst)
    m += struct.pack("=III", ifx, 0xffffffff, 0xffffffff)
    m += struct.pack("=IIIII", 0, 0, 0, uid, inode)
    return nlmsg(SOCK_DIAG_BY_FAMILY, m + attrs)


def seeds():
    std = attr(8, b"\0") + attr(21, struct.pack("=Q", 1234))
    yield 0, diag(AF_INET, 1, "10.0.0.2", 40000, "93.184.216.34", 443,
                  attrs=std)
    yield 0, diag(AF_INET, 2, "10.0.0.2", 40000, "93.184.216.34", 443)
    yield 0, diag(AF_INET, 10, "0.0.0.0", 40000, "0.0.0.0", 0)
    yield 0, diag(AF_INET, 6, "10.0.0.2", 40000, "93.184.216.34", 443,
                  uid=0, inode=0)
    yield 0, nlmsg(NLMSG_ERROR, struct.pack("=i", -2) + b"\0" * 16)
    yield 0, nlmsg(NLMSG_DONE, struct.pack("=i", 0))
    yield 0, nlmsg(SOCK_DIAG_BY_FAMILY, b"\0" * 20)
    yield 0, nlmsg(NLMSG_ERROR, b"", seq=9)
    yield 2, diag(AF_INET6, 2, "fd00::2", 40000, "fd00::53", 443,
                  attrs=attr(7, b"\0"))
    yield 4, diag(AF_INET6, 2, "::ffff:10.0.0.2", 40000,
                  "::ffff:93.184.216.34", 443)
    yield 1, diag(AF_INET, 7, "0.0.0.0", 5353, "0.0.0.0", 0, uid=65534)
    yield 1, diag(AF_INET, 1, "93.184.216.34", 5353, "10.0.0.2", 53)
    yield 3, diag(AF_INET6, 7, "::", 5353, "::", 0)
    two = diag(AF_INET, 1, "10.0.0.2", 40000, "93.184.216.34", 443)
    yield 0, nlmsg(SOCK_DIAG_BY_FAMILY, b"\0" * 72, seq=0) + two
    yield 0, two[:40]
    yield 0, two + attr(0xffff, b"x" * 9)


def main(top):
    os.makedirs(top, exist_ok=True)
    for sel, body in seeds():
        data = bytes([sel]) + body
        name = hashlib.sha256(data).hexdigest()[:16]
        with open(os.path.join(top, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "fuzz/corpus/fuzz_sockdiag")
