#!/usr/bin/env python3
"""Open one connection to a listener of our own and say what happened.

usage: rules-probe.py tcp|udp ADDR PORT [UID]

Binds a listener on ADDR:PORT, then (as UID, when given) connects to it
with a timeout of RULES_PROBE_WAIT seconds (default 1) and prints one
word:
  ok       the connection (TCP) or datagram (UDP) got through
  refused  ECONNREFUSED: a TCP reset, or an ICMP port unreachable
  timeout  nothing came back (the packet was dropped)
followed by the seconds it took and the number of times the kernel sent
the SYN again (TCP_INFO's total_retrans; 0 for UDP, which sends once).
Only ADDR (a loopback address) is used.
"""
import os
import select
import socket
import struct
import sys
import time

TIMEOUT = float(os.environ.get("RULES_PROBE_WAIT", "1"))
# struct tcp_info: tcpi_total_retrans, a __u32 at byte 100.
TOTAL_RETRANS = 100


def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def tcp(addr, port):
    srv = socket.socket(family(addr), socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((addr, port))
    srv.listen(1)
    return srv, lambda: tcp_client(addr, port)


def resent(cli):
    info = cli.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO,
                          TOTAL_RETRANS + 4)
    return struct.unpack_from("I", info, TOTAL_RETRANS)[0]


def tcp_client(addr, port):
    cli = socket.socket(family(addr), socket.SOCK_STREAM)
    cli.settimeout(TIMEOUT)
    try:
        cli.connect((addr, port))
        return "ok", resent(cli)
    except socket.timeout:
        return "timeout", resent(cli)
    except ConnectionRefusedError:
        return "refused", resent(cli)


def udp(addr, port):
    srv = socket.socket(family(addr), socket.SOCK_DGRAM)
    srv.bind((addr, port))
    return srv, lambda: udp_client(srv, addr, port)


def udp_client(srv, addr, port):
    cli = socket.socket(family(addr), socket.SOCK_DGRAM)
    cli.connect((addr, port))
    try:
        cli.send(b"probe")
    except PermissionError:
        # A rule in OUTPUT dropped it in this very call (REJECT drops
        # after sending its ICMP error); what counts is that error.
        pass
    # An ICMP error makes the connected socket readable: its next receive
    # fails with ECONNREFUSED.
    ready, _, _ = select.select([srv, cli], [], [], TIMEOUT)
    if cli in ready:
        try:
            cli.recv(16)
        except ConnectionRefusedError:
            return "refused", 0
    if srv in ready:
        return ("ok" if srv.recv(16) == b"probe" else "garbled"), 0
    return "timeout", 0


def main():
    proto, addr, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    srv, client = tcp(addr, port) if proto == "tcp" else udp(addr, port)
    if len(sys.argv) > 4:
        os.setgid(int(sys.argv[4]))
        os.setuid(int(sys.argv[4]))
    start = time.monotonic()
    result, retrans = client()
    print("%s %.2f %d" % (result, time.monotonic() - start, retrans))
    srv.close()


if __name__ == "__main__":
    main()
