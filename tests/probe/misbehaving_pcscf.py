#!/usr/bin/env python3
"""Broken P-CSCFs for the probe's own test (probe_pcscf_tls_e2e_test.sh):
each breaks one thing a P-CSCF TLS/CERT test purpose checks, so the test can
show that exactly that TP fails.

  misbehaving_pcscf.py legacy PORTFILE REAL_PORT
      reads each connection's first TLS record; a ClientHello without
      supported_versions whose client_version is below TLS 1.2 is answered
      with a ServerHello at that version choosing the first offered suite
      (a server that accepts SSL 3.0 / TLS 1.0 / TLS 1.1); any other first
      record is relayed with the rest of the connection, byte for byte, to
      127.0.0.1:REAL_PORT (the real pcscf).
  misbehaving_pcscf.py cert PORTFILE CERT KEY
      a TLS 1.2 server (Python's ssl, security level 0) presenting CERT.
  misbehaving_pcscf.py null PORTFILE CERT KEY
      the cert server that also accepts ECDHE-ECDSA-NULL-SHA (0xC006)
      though nobody opted in: an AES-GCM suite when the client offers one
      its certificate can serve (Python's default server preference), else
      the NULL suite (a P-CSCF choosing NULL without the operator's opt-in,
      RD-390).
  misbehaving_pcscf.py tls13 PORTFILE CERT KEY
      the same with TLS 1.2 and TLS 1.3 (a well-behaved TLS 1.3 server, for
      the TLS 1.3 TPs, which annexo's pcscf cannot run yet).
  misbehaving_pcscf.py certreq PORTFILE CERT KEY CA
      the tls13 server that also sends a CertificateRequest (client
      certificate optional, CA as the acceptable issuer).
  misbehaving_pcscf.py renegotiating PORTFILE CERT KEY
      a TLS 1.2 server that lets the client renegotiate (OpenSSL's
      SSL_OP_ALLOW_CLIENT_RENEGOTIATION) and registers anyone: the first
      REGISTER gets a Digest challenge, the next one 200 OK, unchecked.
  misbehaving_pcscf.py silent PORTFILE
      accepts every connection and never answers nor closes (a hung IUT).

Listens on 127.0.0.1, port chosen by the kernel, written to PORTFILE once
listening. Runs until killed.
"""
import os
import socket
import ssl
import struct
import sys
import threading


def listen(portfile):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", 0))
    s.listen(16)
    tmp = portfile + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(s.getsockname()[1]))
    os.rename(tmp, portfile)
    return s


def read_exact(c, n):
    b = b""
    while len(b) < n:
        chunk = c.recv(n - len(b))
        if not chunk:
            return None
        b += chunk
    return b


def pump(a, b):
    try:
        while True:
            d = a.recv(65536)
            if not d:
                break
            b.sendall(d)
    except OSError:
        pass
    for s in (a, b):
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def legacy_server_hello(hello):
    """(version, first suite) when `hello` is a legacy-only ClientHello, else None."""
    if len(hello) < 4 or hello[0] != 1:
        return None
    body = hello[4:]
    version = struct.unpack(">H", body[0:2])[0]
    pos = 2 + 32
    sid_len = body[pos]
    pos += 1 + sid_len
    (suites_len,) = struct.unpack(">H", body[pos:pos + 2])
    suites = [struct.unpack(">H", body[pos + 2 + i:pos + 4 + i])[0] for i in range(0, suites_len, 2)]
    pos += 2 + suites_len
    pos += 1 + body[pos]
    if pos + 2 <= len(body):
        (ext_len,) = struct.unpack(">H", body[pos:pos + 2])
        ext, i = body[pos + 2:pos + 2 + ext_len], 0
        while i + 4 <= len(ext):
            t, n = struct.unpack(">HH", ext[i:i + 4])
            if t == 43:  # supported_versions
                return None
            i += 4 + n
    if version >= 0x0303:
        return None
    return version, suites[0]


def legacy(conn, real_port):
    head = read_exact(conn, 5)
    if head is None:
        conn.close()
        return
    rest = b""
    if head[0] == 22:
        rest = read_exact(conn, struct.unpack(">H", head[3:5])[0]) or b""
        answer = legacy_server_hello(rest)
        if answer is not None:
            version, suite = answer
            sh = struct.pack(">H", version) + os.urandom(32) + b"\x20" + os.urandom(32)
            sh += struct.pack(">HB", suite, 0)
            hs = b"\x02" + struct.pack(">I", len(sh))[1:] + sh
            conn.sendall(b"\x16" + struct.pack(">HH", version, len(hs)) + hs)
            conn.close()
            return
    up = socket.create_connection(("127.0.0.1", real_port))
    up.sendall(head + rest)
    threading.Thread(target=pump, args=(up, conn), daemon=True).start()
    pump(conn, up)


def cert(conn, ctx):
    try:
        with ctx.wrap_socket(conn, server_side=True) as t:
            t.recv(1)
    except (OSError, ssl.SSLError):
        pass
    conn.close()


def sip_answer(request, status):
    lines = request.split("\r\n")
    keep = [l for l in lines[1:] if l.split(":")[0].strip().lower() in
            ("via", "from", "to", "call-id", "cseq")]
    extra = []
    if status == 401:
        extra = ['WWW-Authenticate: Digest realm="annexo.test", nonce="%s", qop="auth", '
                 'algorithm=MD5' % os.urandom(8).hex()]
    reason = "Unauthorized" if status == 401 else "OK"
    return ("\r\n".join(["SIP/2.0 %d %s" % (status, reason)] + keep + extra +
                         ["Content-Length: 0", "", ""])).encode()


def renegotiating(conn, ctx):
    try:
        with ctx.wrap_socket(conn, server_side=True) as t:
            buf, registers = b"", 0
            while True:
                d = t.recv(65536)  # also runs the client's renegotiation
                if not d:
                    break
                buf += d
                while b"\r\n\r\n" in buf:
                    head, buf = buf.split(b"\r\n\r\n", 1)
                    text = head.decode(errors="replace")
                    if text.startswith("REGISTER "):
                        registers += 1
                        t.sendall(sip_answer(text, 401 if registers == 1 else 200))
    except (OSError, ssl.SSLError):
        pass
    conn.close()


def silent(conn, held):
    held.append(conn)  # never read, never closed


def main():
    mode, portfile = sys.argv[1], sys.argv[2]
    if mode == "legacy":
        real_port = int(sys.argv[3])
        handler, arg = legacy, real_port
    elif mode in ("cert", "tls13", "certreq", "null"):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        ctx.maximum_version = ssl.TLSVersion.TLSv1_3 if mode in ("tls13", "certreq") else ssl.TLSVersion.TLSv1_2
        if mode == "certreq":
            ctx.verify_mode = ssl.CERT_OPTIONAL
            ctx.load_verify_locations(sys.argv[5])
        null = ":ECDHE-ECDSA-NULL-SHA" if mode == "null" else ""
        ctx.set_ciphers("ECDHE+AESGCM" + null + ":@SECLEVEL=0")
        ctx.load_cert_chain(sys.argv[3], sys.argv[4])
        handler, arg = cert, ctx
    elif mode == "renegotiating":
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.minimum_version = ctx.maximum_version = ssl.TLSVersion.TLSv1_2
        ctx.set_ciphers("ECDHE+AESGCM:@SECLEVEL=0")
        ctx.options |= 0x00000100  # SSL_OP_ALLOW_CLIENT_RENEGOTIATION (OpenSSL 3)
        ctx.load_cert_chain(sys.argv[3], sys.argv[4])
        handler, arg = renegotiating, ctx
    elif mode == "silent":
        handler, arg = silent, []
    else:
        sys.exit("unknown mode " + mode)
    s = listen(portfile)
    while True:
        conn, _ = s.accept()
        threading.Thread(target=handler, args=(conn, arg), daemon=True).start()


if __name__ == "__main__":
    main()
