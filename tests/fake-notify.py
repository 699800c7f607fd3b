#!/usr/bin/python3
"""A service manager's notification socket, for tests/notify-live.sh.

  fake-notify.py SOCKET OUT

Binds a unix datagram socket at SOCKET and appends one line to OUT for
each message: the receiver's CLOCK_MONOTONIC in microseconds, the
sender's pid (from its credentials, as systemd checks NotifyAccess=main),
and the message with its newlines written as '|'.
"""
import os
import socket
import struct
import sys
import time


def main():
    path, out = sys.argv[1], sys.argv[2]
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
    s.bind(path + ".tmp")
    os.rename(path + ".tmp", path)  # the test waits for the name
    creds = struct.calcsize("iII")
    with open(out, "a", buffering=1) as f:
        while True:
            data, anc, _, _ = s.recvmsg(4096, socket.CMSG_SPACE(creds))
            pid = -1
            for level, kind, val in anc:
                if level == socket.SOL_SOCKET and \
                        kind == socket.SCM_CREDENTIALS:
                    pid = struct.unpack("iII", val[:creds])[0]
            now = time.clock_gettime_ns(time.CLOCK_MONOTONIC) // 1000
            text = data.decode("utf-8", "replace").replace("\n", "|")
            f.write("%d %d %s\n" % (now, pid, text))


if __name__ == "__main__":
    main()
