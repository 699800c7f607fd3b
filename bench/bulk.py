#!/usr/bin/python3
"""Send MB megabytes over one TCP connection to ADDR:PORT and time it at
the receiver; print the rate in MB/s.

usage: bulk.py ADDR PORT MB
"""
import socket
import sys
import threading
import time


def receive(lsock, total, out):
    c, _ = lsock.accept()
    buf = bytearray(1 << 20)
    got, t0 = 0, time.perf_counter()
    while got < total:
        n = c.recv_into(buf)
        if not n:
            break
        got += n
    out.append((got, time.perf_counter() - t0))
    c.close()


def main():
    addr, port, mb = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    total = mb << 20
    lsock = socket.socket()
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind((addr, port))
    lsock.listen(1)
    out = []
    t = threading.Thread(target=receive, args=(lsock, total, out))
    t.start()
    s = socket.create_connection((addr, port))
    chunk = bytes(1 << 20)
    for _ in range(mb):
        s.sendall(chunk)
    s.close()
    t.join()
    got, secs = out[0]
    print("%.0f" % (got / secs / 1e6))


main()
