#!/usr/bin/env python3
"""Writes the seed corpora of tests/fuzz (committed; rerun only to change them).

usage: tests/fuzz/make_seeds.py   (from the repository root)

handshake/: the captured OpenSSL and GnuTLS flights of tests/vectors, and
  each cut short and split differently. sip_message/: real-shaped REGISTER,
  401, 200, MESSAGE, INVITE, pipelined and keep-alive streams (first byte: the
  split size). sip_headers/: one value per parser (first byte: which one).
flow_token/: good, tampered, upper-case and short tokens. users/: users files.
"""
import glob
import hashlib
import os

ROOT = os.path.dirname(os.path.abspath(__file__))


def put(target, data):
    d = os.path.join(ROOT, "corpus", target)
    os.makedirs(d, exist_ok=True)
    name = hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def handshake():
    for path in sorted(glob.glob(os.path.join(ROOT, "..", "vectors", "*.bin"))):
        data = open(path, "rb").read()
        put("handshake", data)
        put("handshake", data[: len(data) // 2])
        put("handshake", data[:9])


REGISTER = (
    "REGISTER sip:ims.test SIP/2.0\r\n"
    "Via: SIP/2.0/TLS 192.0.2.4:49152;branch=z9hG4bK776asdhds;rport\r\n"
    "Max-Forwards: 70\r\n"
    'From: "Alice" <sip:alice@ims.test>;tag=1928301774\r\n'
    "To: <sip:alice@ims.test>\r\n"
    "Call-ID: a84b4c76e66710@pc33.ims.test\r\n"
    "CSeq: 2 REGISTER\r\n"
    'Contact: <sip:alice@192.0.2.4:49152;transport=tls;ob>;reg-id=1;+sip.instance="<urn:uuid:00000000-0000-1000-8000-000A95A0E128>";expires=600\r\n'
    "Supported: outbound, path\r\n"
    'Authorization: Digest username="alice@ims.test", realm="annexo.test", nonce="abc", uri="sip:ims.test", response="0123456789abcdef0123456789abcdef", algorithm=MD5, qop=auth, nc=00000001, cnonce="xyz"\r\n'
    "Security-Verify: tls;q=0.1\r\n"
    "Content-Length: 0\r\n\r\n"
)

CHALLENGE = (
    "SIP/2.0 401 Unauthorized\r\n"
    "Via: SIP/2.0/TLS 192.0.2.4:49152;branch=z9hG4bK776asdhds;rport=49152;received=192.0.2.4\r\n"
    "From: <sip:alice@ims.test>;tag=1928301774\r\n"
    "To: <sip:alice@ims.test>;tag=a6c85cf\r\n"
    "Call-ID: a84b4c76e66710@pc33.ims.test\r\n"
    "CSeq: 1 REGISTER\r\n"
    'WWW-Authenticate: Digest realm="annexo.test", nonce="MTIzNDU2Nzg5MA", algorithm=SHA-256, qop="auth", opaque="5ccc069c403ebaf9f0171e9517f40e41", stale=FALSE\r\n'
    "Security-Server: tls;q=0.1\r\n"
    "Content-Length: 0\r\n\r\n"
)

OK = (
    "SIP/2.0 200 OK\r\n"
    "Via: SIP/2.0/TLS 192.0.2.4:49152;branch=z9hG4bK776asdhds\r\n"
    "From: <sip:alice@ims.test>;tag=1928301774\r\n"
    "To: <sip:alice@ims.test>;tag=a6c85cf\r\n"
    "Call-ID: a84b4c76e66710@pc33.ims.test\r\n"
    "CSeq: 2 REGISTER\r\n"
    "Contact: <sip:alice@192.0.2.4:49152;transport=tls;ob>;expires=600\r\n"
    "Path: <sip:0123456789abcdef0123456789abcdef@127.0.0.1:5070;lr;ob>\r\n"
    "Service-Route: <sip:orig@scscf.ims.test;lr>\r\n"
    "P-Associated-URI: <sip:alice@ims.test>, <tel:+15551234>\r\n"
    'Authentication-Info: rspauth="0123456789abcdef0123456789abcdef", cnonce="xyz", nc=00000001, qop=auth\r\n'
    "Content-Length: 0\r\n\r\n"
)

MESSAGE = (
    "MESSAGE sip:bob@ims.test SIP/2.0\r\n"
    "Via: SIP/2.0/TLS 192.0.2.4:49152;branch=z9hG4bKnashds7\r\n"
    "Max-Forwards: 70\r\n"
    "Route: <sip:0123456789abcdef0123456789abcdef@127.0.0.1:5070;lr>\r\n"
    "From: <sip:alice@ims.test>;tag=49583\r\n"
    "To: <sip:bob@ims.test>\r\n"
    "Call-ID: asd88asd77a@1.2.3.4\r\n"
    "CSeq: 1 MESSAGE\r\n"
    "P-Preferred-Identity: <sip:alice@ims.test>\r\n"
    "Content-Type: text/plain\r\n"
    "Content-Length: 5\r\n\r\nhello"
)

INVITE = (
    "INVITE sip:bob@ims.test SIP/2.0\r\n"
    "Via: SIP/2.0/TLS 192.0.2.4:49152;branch=z9hG4bKinv1\r\n"
    "Max-Forwards: 70\r\n"
    "From: <sip:alice@ims.test>;tag=1\r\n"
    "To: <sip:bob@ims.test>\r\n"
    "Call-ID: inv1@ims.test\r\n"
    "CSeq: 10 INVITE\r\n"
    "Contact: <sip:alice@192.0.2.4:49152;transport=tls;ob>\r\n"
    "Record-Route: <sip:pcscf.test;lr>\r\n"
    "Content-Length: 0\r\n\r\n"
)


def sip_message():
    streams = [
        REGISTER,
        CHALLENGE,
        OK,
        MESSAGE,
        INVITE,
        "\r\n\r\n" + REGISTER,
        REGISTER + MESSAGE + "\r\n\r\n" + INVITE,
        REGISTER.replace("Content-Length: 0", "Content-Length: 99999999"),
        REGISTER.replace("Content-Length: 0\r\n", ""),
        REGISTER[: len(REGISTER) // 2],
        "\r\n",
        "garbage\r\n\r\n",
    ]
    for i, s in enumerate(streams):
        put("sip_message", bytes([i * 5 % 64]) + s.encode())


def sip_headers():
    values = [
        (0, "sip:alice@ims.test;transport=tls?subject=x"),
        (1, '"Alice" <sip:alice@ims.test>;tag=1928301774'),
        (2, "<sip:a@b;lr>, <sip:c@d;lr;ob>"),
        (3, '<sip:alice@192.0.2.4:49152;transport=tls;ob>;reg-id=1;+sip.instance="<urn:uuid:1>";expires=600'),
        (3, "*"),
        (4, "SIP/2.0/TLS 192.0.2.4:49152;branch=z9hG4bK776;rport, SIP/2.0/TCP [2001:db8::1]:5060;branch=z9hG4bK1"),
        (5, "2 REGISTER"),
        (6, "600"),
        (7, "outbound, path, gruu"),
        (8, 'Digest realm="annexo.test", nonce="abc", algorithm=SHA-256, qop="auth,auth-int", opaque="x", stale=true'),
        (9, 'Digest username="alice@ims.test", realm="annexo.test", nonce="abc", uri="sip:ims.test", response="0123", algorithm=MD5, qop=auth, nc=00000001, cnonce="xyz", integrity-protected="tls-yes"'),
        (10, 'rspauth="0123", cnonce="xyz", nc=00000001, qop=auth, nextnonce="n"'),
        (11, "tls;q=0.1, ipsec-3gpp;alg=hmac-sha-1-96;spi-c=1;spi-s=2;port-c=3;port-s=4"),
        (12, 'username="a", realm="b", nonce="c\\"d"'),
    ]
    for sel, v in values:
        put("sip_headers", bytes([sel]) + v.encode())


def flow_token():
    for t in [
        b"0123456789abcdef0123456789abcdef",
        b"0123456789ABCDEF0123456789ABCDEF",
        b"0123456789abcdef0123456789abcde",
        b"0123456789abcdef0123456789abcdefg",
        b"",
        b"\x00\x00\x00\x00\x01\x00\x00\x00zzzzzzzz",
    ]:
        put("flow_token", t)


def users():
    for text in [
        "# subscribers\nalice@ims.test secret sip:alice@ims.test,tel:+15551234\nbob@ims.test pw sip:bob@ims.test\n",
        "alice@ims.test secret sip:alice@ims.test\nalice@ims.test again sip:x@y\n",
        "bad line\n",
        "\n\n   # only comments\n",
        "carol@ims.test p foo:bar\n",
    ]:
        put("users", text.encode())


if __name__ == "__main__":
    handshake()
    sip_message()
    sip_headers()
    flow_token()
    users()
