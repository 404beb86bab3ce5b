#!/usr/bin/python3
"""A TCP relay on 127.0.0.1 that cuts its first connection after a while, so a
test can make a registered UE lose its TLS connection to the real pcscf
(standard library only; the bytes are relayed untouched, TLS included).

  tcp_cut_relay.py --port-file F --to PORT --cut-after SECONDS [--timeout S]

Every accepted connection is relayed to 127.0.0.1:PORT; the first one is
closed (both sides) SECONDS after it was accepted, later ones are left alone.
Prints "CUT" when it cut and "CONNECTIONS <n>" when it leaves (after
--timeout seconds or on SIGTERM).
"""
import argparse
import os
import select
import signal
import socket
import sys
import time

HOST = "127.0.0.1"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port-file", required=True)
    p.add_argument("--to", type=int, required=True)
    p.add_argument("--cut-after", type=float, required=True)
    p.add_argument("--timeout", type=float, default=30.0)
    a = p.parse_args()

    lst = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lst.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lst.bind((HOST, 0))
    lst.listen(8)
    with open(a.port_file + ".tmp", "w") as f:
        f.write(str(lst.getsockname()[1]))
    os.rename(a.port_file + ".tmp", a.port_file)

    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(1))
    pairs = {}  # socket -> its partner
    first, first_at, conns = None, None, 0
    deadline = time.monotonic() + a.timeout
    while not stopping and time.monotonic() < deadline:
        if first is not None and time.monotonic() - first_at >= a.cut_after:
            other = pairs.pop(first, None)
            pairs.pop(other, None)
            for s in (first, other):
                if s is not None:
                    s.close()
            print("CUT", flush=True)
            first = None
        try:
            ready, _, _ = select.select([lst] + list(pairs), [], [], 0.05)
        except InterruptedError:
            continue
        for s in ready:
            if s is lst:
                c, _ = lst.accept()
                up = socket.create_connection((HOST, a.to))
                pairs[c], pairs[up] = up, c
                conns += 1
                if conns == 1:
                    first, first_at = c, time.monotonic()
                continue
            if s not in pairs:
                continue  # closed earlier in this round
            other = pairs[s]
            data = s.recv(65536)
            if data:
                other.sendall(data)
                continue
            for x in (s, other):
                pairs.pop(x, None)
                x.close()
            if s is first or other is first:
                first = None
    print(f"CONNECTIONS {conns}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
