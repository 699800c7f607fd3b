#!/usr/bin/python3
"""A service manager's notification socket, for tests/notify-live.sh.

  fake-notify.py SOCKET OUT
  fake-notify.py mark SOCKET OUT

The first form binds a unix datagram socket at SOCKET and appends one
line to OUT for each message: the receiver's CLOCK_MONOTONIC in
microseconds when it read the message, the sender's pid (from its
credentials, as systemd checks NotifyAccess=main), the time the kernel
queued the message (the sender's send, not the receiver's read: a
receiver slow to be scheduled does not move it), on the same clock, and
the message with its newlines written as '|'.

The second sends a marker message MARK=... to SOCKET, waits (up to 20 s)
until the receiver has written its line to OUT, and prints that line's
number and its queued time.  Every message queued before the marker is
on an earlier line.
"""
import os
import socket
import struct
import sys
import time

# SO_TIMESTAMPNS (asm-generic; Python does not name it): a struct
# timespec of CLOCK_REALTIME with each message, taken when it is queued.
SO_TIMESTAMPNS = getattr(socket, "SO_TIMESTAMPNS", 35)
TIMESPEC = struct.calcsize("qq")


def now_us(clock):
    return time.clock_gettime_ns(clock) // 1000


def queued_us(anc):
    """The message's queued time on CLOCK_MONOTONIC."""
    for level, kind, val in anc:
        if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS:
            sec, nsec = struct.unpack("qq", val[:TIMESPEC])
            real = sec * 1000000 + nsec // 1000
            return real - now_us(time.CLOCK_REALTIME) + \
                now_us(time.CLOCK_MONOTONIC)
    # Without it nothing the test measures would mean anything.
    sys.exit("fake-notify.py: a message came without its queued time")


def sender(anc, creds):
    for level, kind, val in anc:
        if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS:
            return struct.unpack("iII", val[:creds])[0]
    return -1


def receive(path, out):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
    s.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
    s.bind(path + ".tmp")
    os.rename(path + ".tmp", path)  # the test waits for the name
    creds = struct.calcsize("iII")
    space = socket.CMSG_SPACE(creds) + socket.CMSG_SPACE(TIMESPEC)
    with open(out, "a", buffering=1) as f:
        while True:
            data, anc, _, _ = s.recvmsg(4096, space)
            now = now_us(time.CLOCK_MONOTONIC)
            text = data.decode("utf-8", "replace").replace("\n", "|")
            f.write("%d %d %d %s\n" % (now, sender(anc, creds),
                                       queued_us(anc), text))


def mark(path, out):
    token = "MARK=%d.%d" % (os.getpid(), time.monotonic_ns())
    c = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    c.sendto(token.encode(), path)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        with open(out) as f:
            for n, line in enumerate(f, 1):
                field = line.split()
                if len(field) == 4 and field[3] == token:
                    print(n, field[2])
                    return 0
        time.sleep(0.05)
    print("fake-notify.py: the receiver did not log the marker",
          file=sys.stderr)
    return 1


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "mark":
        sys.exit(mark(sys.argv[2], sys.argv[3]))
    receive(sys.argv[1], sys.argv[2])
