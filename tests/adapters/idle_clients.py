#!/usr/bin/env python3
"""Opens N TCP connections to HOST:PORT that never send a byte, writes the
number that connected to READY_FILE, then holds them until killed.

   idle_clients.py HOST PORT N READY_FILE
"""
import os
import signal
import socket
import sys


def main():
    host, port, n, ready = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    socks = []
    for _ in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.settimeout(5)
        try:
            s.connect((host, port))
            socks.append(s)
        except OSError:
            s.close()
    tmp = ready + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % len(socks))
    os.rename(tmp, ready)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    while True:
        signal.pause()


if __name__ == "__main__":
    main()
