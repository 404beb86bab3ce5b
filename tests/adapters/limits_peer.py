#!/usr/bin/python3
"""Hostile and guessing TLS clients for pcscf_limits_e2e_test.sh (issue 15);
standard library plus sip_peer.py (same directory).

  limits_peer.py linger --port P --ca CA --sni NAME --every S --watch W
      Connects over TLS and sends a REGISTER without credentials every S
      seconds (each answered 401), reading in between, until the P-CSCF
      closes the connection or W seconds passed. Prints "CHALLENGED <n>" (the
      401s received), then "CLOSE <how> <seconds since it began to connect>" (how:
      close_notify, eof, reset, alert:...) or "OPEN <seconds>", then
      "ESTABLISHED <n>" (TCP connections still established between its port
      and the P-CSCF's, up to 3 s after the close).

  limits_peer.py register --port P --ca CA --sni NAME --impi I --impu U
                          --source ADDR --password PW [--password PW ...]
      One attempt per --password, each on a new TLS connection from ADDR:
      REGISTER without credentials, then the Digest answer with that
      password. Prints per attempt "ATTEMPT <i> <final code> retry-after=<v|->
      ms=<elapsed>" (code 0: no final answer, the connection closed).
      --hold S: after a last attempt answered 200, keeps that connection S
      seconds and prints "OPEN <s>" or "CLOSE <how> <s>" (sip_peer.watch)
      before the ATTEMPT line.
Exit 0 when the exchanges ran (the test judges the codes), 2 otherwise.
"""
import argparse
import os
import socket
import ssl
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sip_peer  # noqa: E402


def tls_context(ca):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_verify_locations(ca)
    ctx.check_hostname = True
    sip_peer.strict_eof(ctx)  # a FIN without close_notify must read as an error
    return ctx


def tls_connect(a, source=None):
    raw = socket.create_connection((sip_peer.HOST, a.port), timeout=10,
                                   source_address=(source, 0) if source else None)
    return tls_context(a.ca).wrap_socket(raw, server_hostname=a.sni,
                                         suppress_ragged_eofs=False)


def register(impu, port, extra=()):
    return sip_peer.build("REGISTER", "sip:annexo.test",
                          [f"To: <{impu}>", f"From: <{impu}>;tag={sip_peer.rand(4)}",
                           f"Contact: <sip:u@127.0.0.1:{port};transport=tls>;expires=600",
                           *extra], "TLS", port)


def close_kind(exc):
    if isinstance(exc, ssl.SSLZeroReturnError):
        return "close_notify"
    if isinstance(exc, ssl.SSLEOFError):
        return "eof"
    if isinstance(exc, ConnectionResetError):
        return "reset"
    if isinstance(exc, ssl.SSLError):
        return "eof" if exc.reason == "UNEXPECTED_EOF_WHILE_READING" else \
            "alert:" + (exc.reason or str(exc))
    if isinstance(exc, BrokenPipeError):
        return "reset"
    return None


def established(local, remote):
    """TCP connections in state ESTABLISHED between these two loopback ports,
    either direction (the 4-tuple: other tests on a busy machine reuse ports)."""
    out = subprocess.run(["ss", "-Htn", "state", "established",
                          f"( ( sport = :{local} and dport = :{remote} ) or "
                          f"( sport = :{remote} and dport = :{local} ) )"],
                         capture_output=True, text=True, check=False).stdout
    return len([line for line in out.splitlines() if line.strip()])


def cmd_linger(a):
    # The clock starts before the TCP connect: the pcscf's lifetime budget
    # runs from its accept, which cannot come earlier (started after the
    # handshake, a slow handshake under load made a close at 6 s read 5 s).
    start = time.time()
    sock = tls_connect(a)
    port = sock.getsockname()[1]
    buf = b""
    how = None
    next_send = start
    while how is None and time.time() - start < a.watch:
        try:
            if time.time() >= next_send:
                sock.sendall(register(a.impu, port))
                next_send = time.time() + a.every
            sock.settimeout(max(0.01, min(next_send, start + a.watch) - time.time()))
            chunk = sock.recv(65536)
            if not chunk:
                how = "close_notify"  # a TLS read returns b"" only on close_notify
            buf += chunk
        except (TimeoutError, socket.timeout):
            continue
        except (OSError, ssl.SSLError) as e:
            how = close_kind(e) or f"error:{e}"
    took = time.time() - start
    challenged = buf.count(b"SIP/2.0 401 ")
    print(f"CHALLENGED {challenged}", flush=True)
    if how is None:
        print(f"OPEN {took:.1f}", flush=True)
        return 0
    print(f"CLOSE {how} {took:.1f}", flush=True)
    n = established(port, a.port)
    end = time.time() + 3
    while n and time.time() < end:
        time.sleep(0.05)
        n = established(port, a.port)
    print(f"ESTABLISHED {n}", flush=True)
    return 0


def cmd_register(a):
    for i, pw in enumerate(a.password, 1):
        t0 = time.time()
        code, retry = 0, "-"
        sock = tls_connect(a, a.source)
        try:
            port = sock.getsockname()[1]
            rd = sip_peer.Reader(sock)
            sock.sendall(register(a.impu, port))
            code, head = rd.final(10)
            if code == 401:
                ch = sip_peer.header(head, "WWW-Authenticate")
                auth = sip_peer.digest_answer(ch, a.impi, pw, "REGISTER", "sip:annexo.test")
                sock.sendall(register(a.impu, port, [f"Authorization: {auth}"]))
                code, head = rd.final(10)
            retry = sip_peer.header(head, "Retry-After") or "-"
            if a.hold and code == 200 and i == len(a.password):
                sip_peer.watch(sock, a.hold, port, a.port)  # OPEN <s> or CLOSE <how> <s>
        except (OSError, ssl.SSLError, ConnectionError, TimeoutError):
            pass
        finally:
            sock.close()
        ms = int((time.time() - t0) * 1000)
        print(f"ATTEMPT {i} {code} retry-after={retry} ms={ms}", flush=True)
    return 0


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    for name in ("linger", "register"):
        s = sub.add_parser(name)
        s.add_argument("--port", type=int, required=True)
        s.add_argument("--ca", required=True)
        s.add_argument("--sni", default="pcscf.test")
        s.add_argument("--impu", default="sip:alice@annexo.test")
    sub.choices["linger"].add_argument("--every", type=float, default=1.0)
    sub.choices["linger"].add_argument("--watch", type=float, default=20.0)
    r = sub.choices["register"]
    r.add_argument("--impi", required=True)
    r.add_argument("--source", default="127.0.0.1")
    r.add_argument("--password", action="append", required=True)
    r.add_argument("--hold", type=float, default=0)
    a = p.parse_args()
    try:
        return cmd_linger(a) if a.cmd == "linger" else cmd_register(a)
    except (OSError, ssl.SSLError) as e:
        print(f"ERROR {e}", flush=True)
        return 2


if __name__ == "__main__":
    sys.exit(main())
