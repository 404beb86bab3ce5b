#!/usr/bin/env python3
"""A scripted P-CSCF side for the ue's recovery tests (one line per
connection in LOG: "<monotonic seconds> <conn number> <what>").

  bad_pcscf.py refuse PORT LOG
      accepts each TCP connection and closes it at once (no TLS).
  bad_pcscf.py silent PORT LOG
      accepts and never answers; logs the first bytes the client sent.
  bad_pcscf.py bad PORT LOG CERT KEY VARIANT REAL_PORT
      connection 1: TLS with CERT/KEY, reads the first SIP request and answers
      it with a bad message (VARIANT: big-header, megabyte, garbage), then
      reads until the client closes; connections 2 and later: relayed byte
      for byte to 127.0.0.1:REAL_PORT (the real pcscf).
Writes "<LOG>.ready" once listening. Runs until killed.
"""
import os
import select
import socket
import ssl
import sys
import threading
import time


def log(path, n, what):
    with open(path, "a") as f:
        f.write("%.3f %d %s\n" % (time.monotonic(), n, what))


def bad_message(variant):
    head = "SIP/2.0 200 OK\r\nVia: SIP/2.0/TLS 127.0.0.1\r\n"
    if variant == "big-header":
        return (head + "X-Big: " + "a" * 20000 + "\r\nContent-Length: 0\r\n\r\n").encode()
    if variant == "megabyte":
        return (head + "Content-Length: 1048576\r\n\r\n").encode() + b"x" * 1048576
    return b"NOT SIP AT ALL\r\n\r\n"


def relay(a, b):
    socks = [a, b]
    try:
        while True:
            r, _, _ = select.select(socks, [], [])
            for s in r:
                d = s.recv(65536)
                if not d:
                    return
                (b if s is a else a).sendall(d)
    except OSError:
        pass
    finally:
        a.close()
        b.close()


def bad_conn(conn, ctx, logf, variant):
    try:
        t = ctx.wrap_socket(conn, server_side=True)
        log(logf, 1, "tls %s %s" % (t.version(), t.cipher()[0]))
        buf = b""
        while b"\r\n\r\n" not in buf:
            d = t.recv(65536)
            if not d:
                return
            buf += d
        log(logf, 1, "request " + buf.split(b"\r\n", 1)[0].decode(errors="replace"))
        log(logf, 1, "sending " + variant)
        t.sendall(bad_message(variant))
        while True:
            d = t.recv(65536)
            if not d:
                break
        log(logf, 1, "closed by the client")
    except (OSError, ssl.SSLError) as e:
        log(logf, 1, "ended: %s" % e)
    finally:
        conn.close()


def main():
    mode, port, logf = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", port))
    ls.listen(64)
    ctx = None
    if mode == "bad":
        cert, key, variant, real = sys.argv[4], sys.argv[5], sys.argv[6], int(sys.argv[7])
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2
        ctx.options |= ssl.OP_NO_TICKET
        ctx.load_cert_chain(cert, key)
    with open(logf + ".ready", "w") as f:
        f.write("listening on %d\n" % port)
    held = []
    n = 0
    while True:
        conn, _ = ls.accept()
        n += 1
        if mode == "refuse":
            log(logf, n, "accepted and closed")
            conn.close()
        elif mode == "silent":
            conn.settimeout(2)
            try:
                first = conn.recv(5)
            except OSError:
                first = b""
            log(logf, n, "held; first bytes " + first.hex())
            held.append(conn)
        elif n == 1:
            log(logf, n, "accepted")
            threading.Thread(target=bad_conn, args=(conn, ctx, logf, variant), daemon=True).start()
        else:
            up = socket.create_connection(("127.0.0.1", real))
            log(logf, n, "relayed to %d" % real)
            threading.Thread(target=relay, args=(conn, up), daemon=True).start()


if __name__ == "__main__":
    main()
