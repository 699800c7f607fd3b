#!/usr/bin/python3
"""Test peer for the live tests: listeners and single client attempts.

  netpeer.py listen ADDR:PORT...     accept TCP connections until killed
  netpeer.py tcp ADDR:PORT           prints connected | refused Nms R |
                                     timeout (after 2 s); R: the times the
                                     kernel sent the SYN again
  netpeer.py tcp-ok ADDR:PORT        the same for an attempt that should
                                     be answered (connected or refused): it
                                     waits up to 20 s
  netpeer.py tcp-pid ADDR:PORT ARG   like tcp in a child; prints its pid
  netpeer.py udp ADDR:PORT           send one datagram on a connected
                                     socket: refused | timeout | answered
                                     (after 1 s)
  netpeer.py udp-ok ADDR:PORT        the same for one that should be
                                     answered or refused: up to 20 s
"""
import errno
import os
import select
import socket
import struct
import sys
import time

# struct tcp_info: tcpi_total_retrans, a __u32 at byte 100.
TOTAL_RETRANS = 100


def addr(s):
    host, port = s.rsplit(":", 1)
    host = host.strip("[]")
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    return fam, (host, int(port))


def listen(specs):
    socks = []
    for s in specs:
        fam, a = addr(s)
        ls = socket.socket(fam, socket.SOCK_STREAM)
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        ls.bind(a)
        ls.listen(128)
        socks.append(ls)
    while True:
        r, _, _ = select.select(socks, [], [])
        for ls in r:
            c, _ = ls.accept()
            c.close()


def tcp(spec, wait=2):
    fam, a = addr(spec)
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.settimeout(wait)
    t = time.monotonic()
    try:
        s.connect(a)
        return "connected"
    except socket.timeout:
        return "timeout"
    except OSError as e:
        ms = int((time.monotonic() - t) * 1000)
        if e.errno == errno.ECONNREFUSED:
            info = s.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO,
                                TOTAL_RETRANS + 4)
            return "refused %dms %d" % (
                ms, struct.unpack_from("I", info, TOTAL_RETRANS)[0])
        return "error %s" % errno.errorcode.get(e.errno, e.errno)


def udp(spec, wait=1):
    fam, a = addr(spec)
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.settimeout(wait)
    s.connect(a)
    s.send(b"ping")
    try:
        s.recv(100)
        return "answered"
    except socket.timeout:
        return "timeout"
    except OSError as e:
        if e.errno == errno.ECONNREFUSED:
            return "refused"
        return "error %s" % errno.errorcode.get(e.errno, e.errno)


def main():
    cmd = sys.argv[1]
    if cmd == "listen":
        listen(sys.argv[2:])
    elif cmd == "tcp":
        print(tcp(sys.argv[2]))
    elif cmd == "tcp-ok":
        # A loaded machine may take seconds to judge a SYN; only a
        # timeout claim needs the short wait.
        print(tcp(sys.argv[2], 20))
    elif cmd == "tcp-pid":
        pid = os.fork()
        if pid == 0:
            fd = os.open(os.devnull, os.O_WRONLY)
            os.dup2(fd, 1)
            os.execv(sys.executable, [sys.executable, sys.argv[0], "tcp",
                                      sys.argv[2], sys.argv[3]])
        os.waitpid(pid, 0)
        print(pid)
    elif cmd == "udp":
        print(udp(sys.argv[2]))
    elif cmd == "udp-ok":
        print(udp(sys.argv[2], 20))


main()
