#!/usr/bin/python3
"""Time N blocking TCP connects to ADDR:PORT; print median and p99 in µs.

usage: connect_latency.py ADDR PORT N
"""
import socket
import sys
import time


def main():
    addr, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    times = []
    for _ in range(n):
        s = socket.socket()
        t = time.perf_counter_ns()
        s.connect((addr, port))
        times.append((time.perf_counter_ns() - t) / 1000)
        s.close()
    times.sort()
    print("%.0f %.0f" % (times[len(times) // 2], times[int(len(times) * 0.99)]))


main()
