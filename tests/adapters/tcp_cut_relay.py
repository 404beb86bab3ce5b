#!/usr/bin/python3
"""A TCP relay on 127.0.0.1 that cuts its first connection on SIGUSR1, so a
test can make a registered UE lose its TLS connection to the real pcscf
(standard library only; the bytes are relayed untouched, TLS included).

  tcp_cut_relay.py --port-file F --to PORT [--timeout S]

Every accepted connection is relayed to 127.0.0.1:PORT; on SIGUSR1 the first
one is closed (both sides), later ones are left alone. Prints "CUT" when it
cut and "CONNECTIONS <n>" when it leaves (after --timeout seconds or on
SIGTERM).
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
    p.add_argument("--timeout", type=float, default=30.0)
    a = p.parse_args()

    # Handlers first: the port file tells the test it may signal.
    stopping = []
    cut = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(1))
    signal.signal(signal.SIGUSR1, lambda *_: cut.append(1))
    lst = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lst.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lst.bind((HOST, 0))
    lst.listen(8)
    with open(a.port_file + ".tmp", "w") as f:
        f.write(str(lst.getsockname()[1]))
    os.rename(a.port_file + ".tmp", a.port_file)

    pairs = {}  # socket -> its partner
    first, conns = None, 0
    deadline = time.monotonic() + a.timeout
    while not stopping and time.monotonic() < deadline:
        if cut and first is not None:
            other = pairs.pop(first, None)
            pairs.pop(other, None)
            for s in (first, other):
                if s is not None:
                    s.close()
            print("CUT", flush=True)
            first = None
            cut.clear()
        try:
            ready, _, _ = select.select([lst] + list(pairs), [], [], 0.05)
        except InterruptedError:
            continue
        for s in ready:
            if s is lst:
                c, _ = lst.accept()
                try:
                    up = socket.create_connection((HOST, a.to))
                except OSError:
                    c.close()
                    print("UPSTREAM-REFUSED", flush=True)
                    continue
                pairs[c], pairs[up] = up, c
                conns += 1
                if conns == 1:
                    first = c
                continue
            if s not in pairs:
                continue  # closed earlier in this round
            other = pairs[s]
            try:
                data = s.recv(65536)
                if data:
                    other.sendall(data)
                    continue
            except OSError:  # a reset from either side ends the pair like a close
                pass
            for x in (s, other):
                pairs.pop(x, None)
                x.close()
            if s is first or other is first:
                first = None
    print(f"CONNECTIONS {conns}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
