#!/usr/bin/env python3
"""A misbehaving P-CSCF stand-in for the probe's own failing-variant test
(issue 13): a TLS server that relays every SIP request to the next hop
unchanged and every answer back, with no O.4.2 gate, no binding and no
P-Asserted-Identity. Against it TP_PC_SIP_001 must fail.

  open_gate_proxy.py CERT KEY NEXT_HOP_PORT PORT_FILE
Writes the TLS port it listens on (127.0.0.1, kernel-picked) to PORT_FILE.
"""
import socket
import ssl
import sys
import threading


def frames(sock):
    """Yields whole SIP messages read from sock (Content-Length framing)."""
    buf = b""
    while True:
        while b"\r\n\r\n" not in buf:
            data = sock.recv(65536)
            if not data:
                return
            buf += data
        head, rest = buf.split(b"\r\n\r\n", 1)
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() in (b"content-length", b"l"):
                length = int(value.strip())
        while len(rest) < length:
            data = sock.recv(65536)
            if not data:
                return
            rest += data
        yield head + b"\r\n\r\n" + rest[:length]
        buf = rest[length:]


def pipe(src, dst):
    try:
        for msg in frames(src):
            dst.sendall(msg)
    except OSError:
        pass
    for s in (src, dst):
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def serve(conn, next_hop_port):
    try:
        hop = socket.create_connection(("127.0.0.1", next_hop_port), timeout=10)
        hop.settimeout(None)
    except OSError:
        conn.close()
        return
    threading.Thread(target=pipe, args=(hop, conn), daemon=True).start()
    pipe(conn, hop)


def main():
    cert, key, next_hop_port, port_file = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(cert, key)
    lsock = socket.socket()
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind(("127.0.0.1", 0))
    lsock.listen(16)
    with open(port_file + ".tmp", "w") as f:
        f.write(str(lsock.getsockname()[1]))
    import os
    os.rename(port_file + ".tmp", port_file)
    while True:
        raw, _ = lsock.accept()
        try:
            conn = ctx.wrap_socket(raw, server_side=True)
        except (ssl.SSLError, OSError):
            raw.close()
            continue
        threading.Thread(target=serve, args=(conn, next_hop_port), daemon=True).start()


if __name__ == "__main__":
    main()
