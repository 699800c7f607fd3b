#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Helper of tests/redteam-live.sh: what a hostile program in the sandbox
tries, a sniffer on the far side, and the check of the records.

  redteam.py sniff IFACE MAC OUT     every IP frame from MAC, one line each
  redteam.py attack CASE ...         one attempt; prints what the socket said
  redteam.py count SNIFF KEY=VAL...  frames of the sniffer's file that match
  redteam.py records LOG KEY=VAL...  verdict records of the log that match

KEY=VAL matches a field exactly, KEY~=A|B any of the values, KEY!=VAL any
other value.

Lines of the sniffer: "proto=P src=A dst=B sport=S dport=D len=N" with
sport/dport for TCP/UDP/UDP-Lite/SCTP and ICMP type/id for ICMP.
"""
import ipaddress
import json
import os
import socket
import struct
import sys

IPPROTO_UDPLITE = 136
IP_NODEFRAG = 22
IPV6_RTHDR = 57
SO_MARK = 36
ETH_P_ALL = 3
SOL_PACKET = 263
PACKET_STATISTICS = 6
SO_RCVBUFFORCE = 33


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return ~s & 0xFFFF


def l4_fields(proto, l4):
    if proto in (6, 17, 132, IPPROTO_UDPLITE) and len(l4) >= 4:
        return struct.unpack("!HH", l4[:4])
    if proto in (1, 58) and len(l4) >= 8:
        return l4[0], struct.unpack("!H", l4[4:6])[0]
    return -1, -1


def describe(frame):
    etype = struct.unpack("!H", frame[12:14])[0]
    ip = frame[14:]
    if etype == 0x0800 and len(ip) >= 20:
        hl = (ip[0] & 15) * 4
        proto, src, dst = ip[9], ip[12:16], ip[16:20]
        frag = struct.unpack("!H", ip[6:8])[0] & 0x1FFF
        l4 = ip[hl:] if not frag else b""
        fam = socket.AF_INET
    elif etype == 0x86DD and len(ip) >= 40:
        proto, src, dst, l4 = ip[6], ip[8:24], ip[24:40], ip[40:]
        fam = socket.AF_INET6
        if proto == 58 and l4 and 133 <= l4[0] <= 137 or \
                proto == 58 and l4 and l4[0] == 143:
            return None  # the neighbour discovery IPv6 itself needs
        if proto == 0:
            return None  # hop-by-hop: MLD reports
    else:
        return None
    sport, dport = l4_fields(proto, l4)
    flags, data = -1, -1
    if proto == 6 and len(l4) >= 20:
        flags, data = l4[13], len(l4) - (l4[12] >> 4) * 4
    elif proto in (17, IPPROTO_UDPLITE) and len(l4) >= 8:
        data = len(l4) - 8
    return ("proto=%d src=%s dst=%s sport=%d dport=%d flags=%d data=%d "
            "len=%d" % (proto, socket.inet_ntop(fam, src),
                        socket.inet_ntop(fam, dst), sport, dport, flags,
                        data, len(ip)))


def sniff(iface, mac, out):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                      socket.htons(ETH_P_ALL))
    # A loaded machine must not make the sniffer miss what got out: a big
    # buffer, and any frame the kernel dropped for it is written down.
    s.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 32 << 20)
    s.bind((iface, 0))
    s.settimeout(0.2)
    want = bytes.fromhex(mac.replace(":", ""))
    with open(out, "w", buffering=1) as f:
        f.write("ready\n")
        while True:
            drops = struct.unpack("II", s.getsockopt(
                SOL_PACKET, PACKET_STATISTICS, 8))[1]
            if drops:
                f.write("dropped=%d\n" % drops)
            try:
                frame, addr = s.recvfrom(65535)
            except socket.timeout:
                continue
            if addr[2] == socket.PACKET_OUTGOING or frame[6:12] != want:
                continue
            line = describe(frame)
            if line:
                f.write(line + "\n")


def ip4(src, dst, proto, payload, ident=1, frag=0, ihl_opts=b""):
    hl = 20 + len(ihl_opts)
    hdr = struct.pack("!BBHHHBBH4s4s", 0x40 | hl // 4, 0, hl + len(payload),
                      ident, frag, 64, proto, 0, socket.inet_aton(src),
                      socket.inet_aton(dst)) + ihl_opts
    hdr = hdr[:10] + struct.pack("!H", checksum(hdr)) + hdr[12:]
    return hdr + payload


def udp4(src, dst, sport, dport, data, length=None):
    ulen = 8 + len(data) if length is None else length
    pseudo = struct.pack("!4s4sBBH", socket.inet_aton(src),
                         socket.inet_aton(dst), 0, 17, 8 + len(data))
    hdr = struct.pack("!HHHH", sport, dport, ulen, 0)
    c = checksum(pseudo + hdr + data) or 0xFFFF
    return struct.pack("!HHHH", sport, dport, ulen, c) + data


def tcp4(src, dst, sport, dport, flags, data=b""):
    hdr = struct.pack("!HHIIBBHHH", sport, dport, 1000, 1 if flags & 0x10
                      else 0, 5 << 4, flags, 65535, 0, 0)
    pseudo = struct.pack("!4s4sBBH", socket.inet_aton(src),
                         socket.inet_aton(dst), 0, 6, len(hdr) + len(data))
    c = checksum(pseudo + hdr + data)
    return hdr[:16] + struct.pack("!H", c) + hdr[18:] + data


def send_raw(packet, dst, nodefrag=False):
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    if nodefrag:
        s.setsockopt(socket.IPPROTO_IP, IP_NODEFRAG, 1)
    try:
        s.sendto(packet, (dst, 0))
        return "sent"
    except OSError as e:
        return "error-%d" % e.errno


def attack(case, args):
    src, dst = "10.77.0.2", "10.77.0.1"
    port = int(args[0]) if args else 9000
    data = b"RT-SECRET-" + case.encode() * 8
    if case == "tcp-flags":
        flags = int(args[1], 0)
        body = data if flags & 0x08 or flags == 0x12 else b""
        return send_raw(ip4(src, dst, 6, tcp4(src, dst, port, port, flags,
                                               body)), dst)
    if case in ("tcp-doff", "inbound-tcp-doff"):
        # a SYN whose header claims 60 bytes, has 20; inbound: from the
        # far side to the sandbox
        if case == "inbound-tcp-doff":
            src, dst = dst, src
        t = bytearray(tcp4(src, dst, port, port, 0x02))
        t[12] = 15 << 4
        return send_raw(ip4(src, dst, 6, bytes(t)), dst)
    if case == "ping-raw":
        s = socket.socket(socket.AF_INET, socket.SOCK_RAW,
                          socket.IPPROTO_ICMP)
        body = struct.pack("!BBHHH", 8, 0, 0, port, 1) + data
        body = body[:2] + struct.pack("!H", checksum(body)) + body[4:]
        return sendto(s, body, (dst, 0))
    if case == "ping-dgram":  # unprivileged, as ping_group_range allows
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM,
                          socket.IPPROTO_ICMP)
        s.bind(("0.0.0.0", port))  # the echo id
        body = struct.pack("!BBHHH", 8, 0, 0, 0, 1) + data
        return sendto(s, body, (dst, 0))
    if case == "ping6-dgram":
        s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM,
                          socket.IPPROTO_ICMPV6)
        s.bind(("::", port))
        return sendto(s, struct.pack("!BBHHH", 128, 0, 0, 0, 1) + data,
                      ("fd77::1", 0))
    if case == "udplite":
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, IPPROTO_UDPLITE)
        return sendto(s, data, (dst, port))
    if case == "rawproto":  # SCTP, GRE or any number, from a raw socket
        s = socket.socket(socket.AF_INET, socket.SOCK_RAW, int(args[1]))
        return sendto(s, struct.pack("!HH", port, port) + bytes(8) + data,
                      (dst, 0))
    if case == "frag-nodefrag":  # both halves of a UDP datagram
        u = udp4(src, dst, port, port, data * 4)
        first = send_raw(ip4(src, dst, 17, u[:64], 77, 0x2000), dst, True)
        return first + "," + send_raw(ip4(src, dst, 17, u[64:], 77, 8),
                                      dst, True)
    if case == "frag-later":  # a later fragment on its own
        return send_raw(ip4(src, dst, 17, data, 78, 0x2000 | 100), dst,
                        True)
    if case == "frag-syn":  # a SYN whose header is split
        t = tcp4(src, dst, port, port, 0x02, data)
        first = send_raw(ip4(src, dst, 6, t[:8], 79, 0x2000), dst, True)
        return first + "," + send_raw(ip4(src, dst, 6, t[8:], 79, 1), dst,
                                      True)
    if case == "udp-badlen":
        ulen = int(args[1])
        return send_raw(ip4(src, dst, 17, udp4(src, dst, port, port, data,
                                               ulen)), dst)
    if case == "spoofed":  # from a third host's address
        proto = args[1]
        third = "10.77.0.3"
        if proto == "udp":
            p = ip4(third, dst, 17, udp4(third, dst, port, port, data))
        else:
            p = ip4(third, dst, 6, tcp4(third, dst, port, port, 0x02))
        return send_raw(p, dst)
    if case == "lsrr":  # loose source route via the proxy, on a UDP socket
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        opt = bytes([1, 131, 7, 4]) + socket.inet_aton("10.77.0.5")
        s.setsockopt(socket.IPPROTO_IP, socket.IP_OPTIONS, opt)
        return sendto(s, data, (dst, port))
    if case == "ssrr":
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        opt = bytes([1, 137, 7, 4]) + socket.inet_aton("10.77.0.5")
        s.setsockopt(socket.IPPROTO_IP, socket.IP_OPTIONS, opt)
        # One SYN: closed at once, the socket never sends it again.
        s.setblocking(False)
        r = s.connect_ex((dst, port))
        s.close()
        return "connect-%d" % r
    if case == "srh":  # IPv6 segment routing header, first segment ::1
        s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        segs = [socket.inet_pton(socket.AF_INET6, a)
                for a in ("fd77::5", "::1")]
        srh = struct.pack("!BBBBBBH", 0, 2 * len(segs), 4, len(segs) - 1,
                          len(segs) - 1, 0, 0) + b"".join(segs)
        try:
            s.setsockopt(socket.IPPROTO_IPV6, IPV6_RTHDR, srh)
        except OSError as e:
            return "setsockopt-%d" % e.errno
        return sendto(s, data, ("fd77::5", port))
    if case in ("premarked", "udp-to"):  # from sport args[1]
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("0.0.0.0", int(args[1])))
        if case == "premarked":  # SO_MARK with the reject bit
            s.setsockopt(socket.SOL_SOCKET, SO_MARK, 0x100000)
        return sendto(s, data, (dst, port))
    if case == "connect":  # the positive control: the proxy is reachable
        s = socket.create_connection((dst, port), timeout=3)
        s.sendall(data)
        return "connected"
    if case == "inbound-tcp":  # from the far side, to the sandbox
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.settimeout(20)  # a loaded machine may be slow to judge
        try:
            s.connect(("10.77.0.2", port))
            return "connected"
        except ConnectionRefusedError:
            return "refused"
        except OSError as e:
            return "error-%s" % (e.errno or "timeout")
    if case == "inbound-udp":
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.settimeout(2)
        s.sendto(b"hello", ("10.77.0.2", port))
        try:
            s.recv(100)
            return "answered"
        except ConnectionRefusedError:
            return "refused"
        except OSError:
            return "timeout"
    if case == "serve":  # in the sandbox: answer whatever comes in
        serve(port)
    raise SystemExit("unknown case " + case)


def sendto(s, data, addr):
    try:
        s.sendto(data, addr)
        return "sent"
    except OSError as e:
        return "error-%d" % e.errno


def serve(port):
    t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    t.bind(("0.0.0.0", port))
    t.listen(16)
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.bind(("0.0.0.0", port + 1))
    print("ready", flush=True)
    import select
    while True:
        r, _, _ = select.select([t, u], [], [])
        if t in r:
            c, _ = t.accept()
            c.sendall(b"RT-SECRET-reply")
            c.close()
        if u in r:
            d, a = u.recvfrom(100)
            u.sendto(b"RT-SECRET-reply", a)


def matches(fields, want):
    for k, v in want.items():
        if k.endswith("!"):
            if str(fields.get(k[:-1])) == v:
                return False
        elif k.endswith("~"):
            if str(fields.get(k[:-1])) not in v.split("|"):
                return False
        elif str(fields.get(k)) != v:
            return False
    return True


def parse_want(args):
    want = {}
    for a in args:
        k, v = a.split("=", 1)
        want[k] = v
    return want


def count(path, args):
    want, n = parse_want(args), 0
    for line in open(path):
        if line.startswith(("ready", "dropped=")):
            continue
        fields = dict(kv.split("=", 1) for kv in line.split())
        n += matches(fields, want)
    print(n)


def records(path, args):
    want, n = parse_want(args), 0
    for line in open(path):
        r = json.loads(line)
        if r.get("event_type") == "verdict" and matches(r, want):
            n += 1
    print(n)


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "sniff":
        sniff(*args)
    elif cmd == "attack":
        print(attack(args[0], args[1:]))
    elif cmd == "count":
        count(args[0], args[1:])
    elif cmd == "records":
        records(args[0], args[1:])
    else:
        raise SystemExit("unknown command " + cmd)


if __name__ == "__main__":
    main()
