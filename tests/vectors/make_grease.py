#!/usr/bin/env python3
"""Derive ch_grease_openssl_derived.bin from ch_openssl_default.bin.

No TLS client on this machine sends GREASE (RFC 8701): OpenSSL 3.0 and
GnuTLS 3.7 do not implement it. This script adds GREASE the way BoringSSL
does to a real OpenSSL ClientHello, fixing every length field:
  - cipher suite 0x2A2A first in cipher_suites,
  - extension 0x0A0A (empty) first and 0xFAFA (one zero byte) last,
  - group 0x3A3A first in supported_groups,
  - version 0x4A4A first in supported_versions.
Everything else is byte-for-byte the captured hello.
"""
import struct

src = open("ch_openssl_default.bin", "rb").read()
rec_type, rec_ver = src[0], src[1:3]
hs = src[5:]
assert hs[0] == 1
body = hs[4:]
p = 2 + 32
sid = body[p:p + 1 + body[p]]; p += len(sid)
n = struct.unpack(">H", body[p:p + 2])[0]
suites = body[p + 2:p + 2 + n]; p += 2 + n
comp = body[p:p + 1 + body[p]]; p += len(comp)
el = struct.unpack(">H", body[p:p + 2])[0]
exts_raw = body[p + 2:p + 2 + el]
assert p + 2 + el == len(body)

exts = []
q = 0
while q < len(exts_raw):
    t, l = struct.unpack(">HH", exts_raw[q:q + 4])
    exts.append((t, exts_raw[q + 4:q + 4 + l])); q += 4 + l

def grease_ext(t, b):
    if t == 10:  # supported_groups
        lst = b"\x3a\x3a" + b[2:]
        return struct.pack(">H", len(lst)) + lst
    if t == 43:  # supported_versions
        lst = b"\x4a\x4a" + b[1:]
        return bytes([len(lst)]) + lst
    return b

out_exts = [(0x0A0A, b"")] + [(t, grease_ext(t, b)) for t, b in exts] + [(0xFAFA, b"\x00")]
ext_block = b"".join(struct.pack(">HH", t, len(b)) + b for t, b in out_exts)
suites = b"\x2a\x2a" + suites
new_body = body[:34] + sid + struct.pack(">H", len(suites)) + suites + comp + \
    struct.pack(">H", len(ext_block)) + ext_block
new_hs = bytes([1]) + struct.pack(">I", len(new_body))[1:] + new_body
out = bytes([rec_type]) + rec_ver + struct.pack(">H", len(new_hs)) + new_hs
open("ch_grease_openssl_derived.bin", "wb").write(out)
print(len(out), "bytes")
