#!/usr/bin/env python3
"""A deliberately broken UE (Python ssl / OpenSSL) for the probe's own tests:
the failing variant of the UE TPs (tests/probe/ue/probe_ue_e2e_test.sh).

It is every way a UE must not be: it accepts TLS 1.0 to 1.3 at OpenSSL
security level 0, verifies no certificate and no host name, asks for
Expires: 3600 without outbound Contact parameters, answers the Digest
challenge, ignores rspauth, keeps using a connection after a 403 or a bad
rspauth (CRLF keep-alives every second), and never registers again when the
connection drops (it stays alive until killed or --stay ends).

    broken_ue.py --pcscf HOST:PORT --impi I --impu U --password P --domain D [--stay S]

With --reuse-challenge it is a UE that keeps an unfinished registration's
challenge (TP_UE_SIP_014's failing variant, RD-333): when the connection
drops after a 401, it connects again and sends a REGISTER answering that
401's nonce.

With --raw-offer it is a UE that never compares the ServerHello's suite with
its offer (TP_UE_TLS_007's failing variant, RD-277): a hand-written TLS 1.2
ClientHello offering every TLS 1.2 profile suite, then, whatever the
ServerHello chose, an application_data record and no alert.
"""
import argparse
import warnings
import hashlib
import os
import re
import socket
import ssl
import struct
import time


def digest(alg, text):
    h = hashlib.sha256 if alg.upper() == "SHA-256" else hashlib.md5
    return h(text.encode()).hexdigest()


def params(value):
    return dict((k.lower(), v) for k, v in re.findall(r'(\w[\w-]*)="?([^",]*)"?', value))


def register(a, cseq, call_id, auth=None):
    lines = [
        "REGISTER sip:%s SIP/2.0" % a.domain,
        "Via: SIP/2.0/TLS 127.0.0.1:5999;branch=z9hG4bK%s;rport" % os.urandom(6).hex(),
        "Max-Forwards: 70",
        "From: <%s>;tag=broken" % a.impu,
        "To: <%s>" % a.impu,
        "Call-ID: %s" % call_id,
        "CSeq: %d REGISTER" % cseq,
        "Contact: <sip:broken@127.0.0.1:5999;transport=tls>",
        "Expires: 3600",
    ]
    if auth:
        lines.append("Authorization: " + auth)
    lines.append("Content-Length: 0")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def read_message(tls, buf):
    while b"\r\n\r\n" not in buf:
        data = tls.recv(65536)
        if not data:
            return None, buf
        buf += data
        buf = buf.lstrip(b"\r\n")  # pongs
    head, _, rest = buf.partition(b"\r\n\r\n")
    return head.decode(errors="replace"), rest


def challenge_answer(a, head):
    m = re.search(r"^WWW-Authenticate:\s*Digest\s+(.*)$", head, re.M | re.I)
    c = params(m.group(1)) if m else {}
    alg = c.get("algorithm", "MD5")
    uri = "sip:" + a.domain
    ha1 = digest(alg, "%s:%s:%s" % (a.impi, c.get("realm", ""), a.password))
    ha2 = digest(alg, "REGISTER:" + uri)
    cnonce = os.urandom(8).hex()
    resp = digest(alg, "%s:%s:00000001:%s:auth:%s" % (ha1, c.get("nonce", ""), cnonce, ha2))
    return ('Digest username="%s", realm="%s", nonce="%s", uri="%s", response="%s", '
            'algorithm=%s, qop=auth, nc=00000001, cnonce="%s"' %
            (a.impi, c.get("realm", ""), c.get("nonce", ""), uri, resp, alg, cnonce))


def secagree(a, end):
    host, port = a.secagree.rsplit(":", 1)
    s = socket.create_connection((host, int(port)), timeout=10)
    s.settimeout(1.0)
    call_id = os.urandom(8).hex()
    extra = "Security-Client: tls;q=0.5, ipsec-3gpp;q=0.1;alg=hmac-sha-1-96;spi-c=1;spi-s=2;port-c=5062;port-s=5064\r\nRequire: sec-agree\r\nProxy-Require: sec-agree\r\n"
    s.sendall(register(a, 1, call_id).replace(b"Content-Length: 0", (extra + "Content-Length: 0").encode()))
    buf = b""
    while time.time() < end:
        try:
            head, buf = read_message(s, buf)
        except (socket.timeout, TimeoutError):
            continue
        except OSError:
            break
        if head is None:
            break
        if head.startswith("SIP/2.0 401"):
            s.sendall(register(a, 2, call_id, challenge_answer(a, head)))  # on the plain connection
    while time.time() < end:
        time.sleep(0.2)


def tls_record(content_type, body):
    return struct.pack("!BHH", content_type, 0x0303, len(body)) + body


def vec(n, body):  # an RFC 5246 vector with an n-byte length
    return len(body).to_bytes(n, "big") + body


def ext(code, body):
    return struct.pack("!HH", code, len(body)) + body


def raw_offer(host, port, end):
    suites = [0xC02B, 0xC02F, 0xC02C, 0xC030, 0xCCA9, 0xCCA8]  # annexo ue's TLS 1.2 offer
    exts = (ext(0x000A, vec(2, struct.pack("!HH", 0x001D, 0x0017)))  # supported_groups
            + ext(0x000B, vec(1, b"\x00"))  # ec_point_formats: uncompressed
            + ext(0x000D, vec(2, struct.pack("!HH", 0x0403, 0x0804)))  # signature_algorithms
            + ext(0xFF01, b"\x00"))  # renegotiation_info, empty (RFC 5746)
    hello = (struct.pack("!H", 0x0303) + os.urandom(32) + vec(1, b"")
             + vec(2, b"".join(struct.pack("!H", c) for c in suites)) + vec(1, b"\x00") + vec(2, exts))
    s = socket.create_connection((host, int(port)), timeout=10)
    s.sendall(tls_record(22, b"\x01" + vec(3, hello)))
    try:
        s.recv(65536)  # the ServerHello, suite never checked
    except OSError:
        return
    s.sendall(tls_record(23, os.urandom(64)))  # carries on: "SIP" after any suite
    while time.time() < end:
        time.sleep(0.2)


def main():
    warnings.simplefilter("ignore", DeprecationWarning)
    p = argparse.ArgumentParser()
    p.add_argument("--pcscf", required=True)
    p.add_argument("--impi", required=True)
    p.add_argument("--impu", required=True)
    p.add_argument("--password", required=True)
    p.add_argument("--domain", required=True)
    p.add_argument("--stay", type=int, default=60)
    # TLS 1.3 only (its offer is then OpenSSL's TLS 1.3 default), for the
    # positive case of TP_UE_TLS_003; every other fault stays.
    p.add_argument("--tls13-only", action="store_true")
    # The sec-agree variant, broken too: Security-Client offers tls and
    # ipsec-3gpp, and the Digest answer goes back on the plain connection.
    p.add_argument("--secagree")
    p.add_argument("--raw-offer", action="store_true")
    p.add_argument("--reuse-challenge", action="store_true")
    a = p.parse_args()
    host, port = a.pcscf.rsplit(":", 1)
    end = time.time() + a.stay
    if a.raw_offer:
        raw_offer(host, port, end)
        return
    if a.secagree:
        secagree(a, end)
        return

    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.set_ciphers("ALL:@SECLEVEL=0")
    ctx.minimum_version = ssl.TLSVersion.TLSv1_3 if a.tls13_only else ssl.TLSVersion.TLSv1
    def connect():
        raw = socket.create_connection((host, int(port)), timeout=10)
        t = ctx.wrap_socket(raw, server_hostname="pcscf.test")
        t.settimeout(1.0)
        return t

    tls = connect()
    call_id = os.urandom(8).hex()
    cseq = 1
    tls.sendall(register(a, cseq, call_id))
    buf = b""
    registered_or_refused = False
    last_401 = None
    while time.time() < end:
        try:
            head, buf = read_message(tls, buf)
        except (socket.timeout, TimeoutError):
            if registered_or_refused:
                tls.sendall(b"\r\n\r\n")  # keeps using the connection whatever happened
            continue
        except (ssl.SSLError, OSError):
            head = None
        if head is None:
            if a.reuse_challenge and last_401 is not None:
                # Starts over, answering the dropped connection's challenge.
                tls, buf, cseq = connect(), b"", cseq + 1
                tls.sendall(register(a, cseq, call_id, challenge_answer(a, last_401)))
                last_401 = None
                continue
            break  # dropped: never registers again
        status = head.split(" ", 2)[1] if head.startswith("SIP/2.0") else ""
        if status == "401" and a.reuse_challenge:
            last_401 = head
            cseq += 1
            try:
                tls.sendall(register(a, cseq, call_id, challenge_answer(a, head)))
            except (ssl.SSLError, OSError):
                pass  # the probe has closed: noticed by the next read
        elif status == "401":
            m = re.search(r"^WWW-Authenticate:\s*Digest\s+(.*)$", head, re.M | re.I)
            c = params(m.group(1)) if m else {}
            alg = c.get("algorithm", "MD5")
            uri = "sip:" + a.domain
            ha1 = digest(alg, "%s:%s:%s" % (a.impi, c.get("realm", ""), a.password))
            ha2 = digest(alg, "REGISTER:" + uri)
            cnonce = os.urandom(8).hex()
            resp = digest(alg, "%s:%s:00000001:%s:auth:%s" % (ha1, c.get("nonce", ""), cnonce, ha2))
            auth = ('Digest username="%s", realm="%s", nonce="%s", uri="%s", response="%s", '
                    'algorithm=%s, qop=auth, nc=00000001, cnonce="%s"' %
                    (a.impi, c.get("realm", ""), c.get("nonce", ""), uri, resp, alg, cnonce))
            cseq += 1
            tls.sendall(register(a, cseq, call_id, auth))
        elif status:
            registered_or_refused = True  # 200 (rspauth never checked) or 403: carries on
    while time.time() < end:
        time.sleep(0.2)  # alive, but never registers again


if __name__ == "__main__":
    main()
