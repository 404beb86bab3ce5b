#!/usr/bin/env python3
"""A TLS 1.2 server flight crafted byte by byte, for the ue's refusal of a
Certificate message that holds no X.509 certificate (O.5.1-ALL-X509). No TLS
library: the ServerHello is well formed and within the profile (so the ue's
own ServerHello checks pass), the Certificate message is the variant's.

  raw_tls_server.py PORT_FILE VARIANT [SPKI_DER]
      VARIANT empty: a Certificate message with an empty certificate_list;
      VARIANT spki:  one entry holding SPKI_DER, a bare SubjectPublicKeyInfo
                     (what an RFC 7250 raw public key looks like on the wire).
Accepts one connection, writes the port to PORT_FILE once listening, and
prints one line per observation, read from the wire:
  CLIENTHELLO ext=<n,n,...>    the extension types the client offered
  SERVERHELLO suite=<hex>      the suite this script chose (from the offer)
  ALERT <level> <description>  each alert record the client sent in the clear
  APPDATA <n>                  application_data records (SIP) the client sent
  END eof|timeout
"""
import os
import select
import socket
import struct
import sys
import time

# ECDHE suites with AEAD the ue's profile offers (the core's order).
PREFERRED = [0xC02B, 0xC02C, 0xCCA9, 0xC02F, 0xC030, 0xCCA8]


def read_record(sock, deadline):
    head = read_n(sock, 5, deadline)
    if head is None:
        return None
    ctype, _version, length = struct.unpack("!BHH", head)
    body = read_n(sock, length, deadline)
    return None if body is None else (ctype, body)


def read_n(sock, n, deadline):
    buf = b""
    while len(buf) < n:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([sock], [], [], left)[0]:
            return None
        chunk = sock.recv(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return buf


def parse_client_hello(body):
    """(suites, extension types) of a ClientHello handshake message."""
    assert body[0] == 1, "not a ClientHello"
    p = 4 + 2 + 32
    p += 1 + body[p]
    (n,) = struct.unpack("!H", body[p:p + 2])
    suites = [struct.unpack("!H", body[p + 2 + i:p + 4 + i])[0] for i in range(0, n, 2)]
    p += 2 + n
    p += 1 + body[p]
    exts = []
    if p < len(body):
        (total,) = struct.unpack("!H", body[p:p + 2])
        p += 2
        end = p + total
        while p < end:
            etype, elen = struct.unpack("!HH", body[p:p + 4])
            exts.append(etype)
            p += 4 + elen
    return suites, exts


def handshake(msg_type, body):
    return bytes([msg_type]) + len(body).to_bytes(3, "big") + body


def record(ctype, body):
    return struct.pack("!BHH", ctype, 0x0303, len(body)) + body


def server_flight(suite, client_exts, variant, spki):
    exts = b"\xff\x01\x00\x01\x00"  # renegotiation_info, empty (RFC 5746)
    if 23 in client_exts:
        exts += b"\x00\x17\x00\x00"  # extended_master_secret (RFC 7627)
    hello = (b"\x03\x03" + os.urandom(32) + b"\x20" + os.urandom(32) +
             struct.pack("!H", suite) + b"\x00" + struct.pack("!H", len(exts)) + exts)
    entries = b"" if variant == "empty" else len(spki).to_bytes(3, "big") + spki
    cert = len(entries).to_bytes(3, "big") + entries
    return record(22, handshake(2, hello) + handshake(11, cert))


def main():
    port_file, variant = sys.argv[1], sys.argv[2]
    spki = open(sys.argv[3], "rb").read() if variant == "spki" else b""
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    with open(port_file + ".tmp", "w") as f:
        f.write(str(srv.getsockname()[1]))
    os.rename(port_file + ".tmp", port_file)
    srv.settimeout(60)
    conn, _ = srv.accept()
    deadline = time.monotonic() + 30
    rec = read_record(conn, deadline)
    if rec is None or rec[0] != 22:
        print("END no-clienthello", flush=True)
        return 1
    suites, exts = parse_client_hello(rec[1])
    print("CLIENTHELLO ext=" + ",".join(str(e) for e in exts), flush=True)
    suite = next((s for s in PREFERRED if s in suites), None)
    if suite is None:
        print("END no-profile-suite", flush=True)
        return 1
    print(f"SERVERHELLO suite={suite:04x}", flush=True)
    conn.sendall(server_flight(suite, exts, variant, spki))
    appdata, how = 0, "timeout"
    while True:
        rec = read_record(conn, deadline)
        if rec is None:
            how = "eof" if time.monotonic() < deadline else "timeout"
            break
        ctype, body = rec
        if ctype == 21 and len(body) == 2:
            print(f"ALERT {body[0]} {body[1]}", flush=True)
        elif ctype == 23:
            appdata += 1
    print(f"APPDATA {appdata}", flush=True)
    print(f"END {how}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
