#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Helper of tests/dns-live.sh: a tiny DNS server, a client, a spoofer.

  dnspeer.py serve ADDR LOG          answer on ADDR:53 (UDP); each query
                                     received is a line "NAME ID" in LOG
  dnspeer.py query SERVER NAME [PORT [ID]]
                                     ask for NAME's A record; prints the
                                     address of the first answer with the
                                     query's ID, or "none"
  dnspeer.py query6 SERVER NAME      the same for NAME's AAAA record
  dnspeer.py spoof SRC DST:PORT ID NAME ADDR
                                     an answer nobody asked SRC for

The server's names:
  test.example         A 10.77.0.5 (AAAA fd77::5), and before the A an
                       unsolicited answer
                       (another ID) for unsol.test.example A
                       10.77.0.8 on the same 5-tuple
  wrongid.test.example A 10.77.0.6, but under another ID
  wrongq.test.example  test.example A 10.77.0.7: another question
  silent.test.example  no answer
  evil.test.example    A 10.77.0.11 (served on the sandbox's loopback)
  anything else        NXDOMAIN
"""
import random
import socket
import struct
import sys


def encode_name(name):
    out = b""
    for label in name.rstrip(".").split("."):
        out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def decode_question(msg):
    """(id, name, qtype) of a query; names here are never compressed."""
    ident = struct.unpack("!H", msg[:2])[0]
    i, labels = 12, []
    while msg[i]:
        labels.append(msg[i + 1:i + 1 + msg[i]].decode())
        i += 1 + msg[i]
    qtype = struct.unpack("!H", msg[i + 1:i + 3])[0]
    return ident, ".".join(labels), qtype


def response(ident, name, addr, rcode=0, qtype=1):
    """A response to (ident, name A or AAAA IN): one record, TTL 300."""
    head = struct.pack("!HHHHHH", ident, 0x8180 | rcode, 1,
                       1 if addr else 0, 0, 0)
    q = encode_name(name) + struct.pack("!HH", qtype, 1)
    if not addr:
        return head + q
    data = socket.inet_pton(socket.AF_INET6 if qtype == 28 else
                            socket.AF_INET, addr)
    rr = b"\xc0\x0c" + struct.pack("!HHIH", qtype, 1, 300, len(data))
    return head + q + rr + data


def serve(addr, log):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((addr, 53))
    out = open(log, "a", buffering=1)
    out.write("ready 0\n")
    while True:
        msg, peer = s.recvfrom(2048)
        try:
            ident, name, qtype = decode_question(msg)
        except (IndexError, struct.error, UnicodeDecodeError):
            continue
        out.write("%s %d\n" % (name, ident))
        if name == "test.example" and qtype == 28:
            s.sendto(response(ident, name, "fd77::5", 0, 28), peer)
        elif name == "test.example":
            s.sendto(response(ident ^ 0x5a5a, "unsol.test.example",
                              "10.77.0.8"), peer)
            s.sendto(response(ident, name, "10.77.0.5"), peer)
        elif name == "wrongid.test.example":
            s.sendto(response(ident ^ 0x0101, name, "10.77.0.6"), peer)
        elif name == "wrongq.test.example":
            s.sendto(response(ident, "test.example", "10.77.0.7"), peer)
        elif name == "evil.test.example":
            s.sendto(response(ident, name, "10.77.0.11"), peer)
        elif name != "silent.test.example":
            s.sendto(response(ident, name, None, 3), peer)


def query(server, name, port=0, ident=None, qtype=1):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", port))
    s.settimeout(3)
    ident = random.randrange(65536) if ident is None else ident
    q = struct.pack("!HHHHHH", ident, 0x0100, 1, 0, 0, 0)
    s.sendto(q + encode_name(name) + struct.pack("!HH", qtype, 1),
             (server, 53))
    try:
        while True:
            msg = s.recv(2048)
            got, an = struct.unpack("!H4xH", msg[:8])
            if got == ident and an and qtype == 28:
                return socket.inet_ntop(socket.AF_INET6, msg[-16:])
            if got == ident and an:
                return socket.inet_ntoa(msg[-4:])
    except OSError:
        return "none"


def spoof(src, dst, ident, name, addr):
    host, port = dst.rsplit(":", 1)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((src, 53))
    s.sendto(response(ident, name, addr), (host, int(port)))
    return "sent"


def main():
    cmd, a = sys.argv[1], sys.argv[2:]
    if cmd == "serve":
        serve(a[0], a[1])
    elif cmd == "query":
        print(query(a[0], a[1], int(a[2]) if len(a) > 2 else 0,
                    int(a[3]) if len(a) > 3 else None))
    elif cmd == "query6":
        print(query(a[0], a[1], 0, None, 28))
    elif cmd == "spoof":
        print(spoof(a[0], a[1], int(a[2]), a[3], a[4]))
    else:
        raise SystemExit("unknown command " + cmd)


main()
