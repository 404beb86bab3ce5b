#!/usr/bin/env python3
"""A scriptable TLS UE (Python ssl, a peer annexo did not write) for
pcscf_forward_kamailio.sh: REGISTER, answer the 401 with a Digest computed
here (RFC 7616, MD5) with PASSWORD, optionally carrying its own
integrity-protected parameter, then report the final status and whether the
P-CSCF closed the connection while the probe kept its side open.

  register_probe.py PORT CAFILE IMPI IMPU PASSWORD [INTEGRITY [THEN]]

THEN, once registered (200): "maxfwd0" sends a MESSAGE with Max-Forwards: 0,
"maxfwd1" one with Max-Forwards: 1;
"loop:HOST:PORT" sends a MESSAGE that already carries a Via
"SIP/2.0/TCP HOST:PORT" below its own (a request that has passed that proxy);
"dereg" sends REGISTER with expires=0 (credentials for the same nonce, nc 2;
prints "dereg-status N"), then a MESSAGE.
"keyupdate:SECONDS" (TLS 1.3, issue 14, RD-117): for SECONDS answers every
KeyUpdate the P-CSCF sends (a CRLF keep-alive makes OpenSSL send its pending
KeyUpdate first), then prints "keyupdates-received N requested=R,..." and
"keyupdates-sent N requested=R,..." (the decrypted handshake messages, from
OpenSSL's message callback), then sends the MESSAGE right after answering
the next KeyUpdate (up to 10 s more), so it is not racing the next expiry.
Prints: "status N" per final REGISTER response, "message-status N" for that
MESSAGE, then "closed-by-peer SECONDS" or "still-open". Exit 0 when it ran
to the end, 1 on a protocol surprise.
"""
import hashlib
import re
import secrets
import socket
import ssl
import sys
import time


def read_message(s, buf):
    while b"\r\n\r\n" not in buf:
        chunk = s.recv(65536)
        if not chunk:
            return None, buf
        buf += chunk
    head, rest = buf.split(b"\r\n\r\n", 1)
    m = re.search(rb"(?im)^content-length:\s*(\d+)", head)
    n = int(m.group(1)) if m else 0
    while len(rest) < n:
        chunk = s.recv(65536)
        if not chunk:
            break
        rest += chunk
    return head.decode(errors="replace"), rest[n:]


def main():
    port, ca, impi, impu, password = sys.argv[1:6]
    integrity = sys.argv[6] if len(sys.argv) > 6 else ""
    then = sys.argv[7] if len(sys.argv) > 7 else ""
    ctx = ssl.create_default_context(cafile=ca)
    ctx.check_hostname = True
    key_updates = []  # (direction, update_requested) seen by OpenSSL

    def on_msg(conn, direction, version, content_type, msg_type, data):
        if content_type == ssl._TLSContentType.HANDSHAKE and msg_type == ssl._TLSMessageType.KEY_UPDATE:
            key_updates.append((direction, data[4] if len(data) > 4 else -1))

    if then.startswith("keyupdate:"):
        ctx._msg_callback = on_msg
    raw = socket.create_connection(("127.0.0.1", int(port)), timeout=10)
    s = ctx.wrap_socket(raw, server_hostname="pcscf.test")
    lport = s.getsockname()[1]
    call_id = secrets.token_hex(8) + "@probe"
    tag = secrets.token_hex(4)
    buf = b""

    def register(cseq, authz=None, expires=600):
        lines = [
            "REGISTER sip:ims.test SIP/2.0",
            f"Via: SIP/2.0/TLS 127.0.0.1:{lport};branch=z9hG4bK{secrets.token_hex(8)};rport",
            "Max-Forwards: 70",
            f"From: <{impu}>;tag={tag}",
            f"To: <{impu}>",
            f"Call-ID: {call_id}",
            f"CSeq: {cseq} REGISTER",
            f"Contact: <sip:probe@127.0.0.1:{lport};transport=tls>;expires={expires}",
            "Supported: path",
        ]
        if authz:
            lines.append("Authorization: " + authz)
        lines.append("Content-Length: 0")
        s.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())

    def final():
        nonlocal buf
        while True:
            head, buf = read_message(s, buf)
            if head is None:
                return None, None
            status = int(head.split(" ", 2)[1])
            if status >= 200:
                print(f"status {status}", flush=True)
                return status, head

    register(1)
    status, head = final()
    if status != 401:
        print("expected 401", flush=True)
        return 1
    ch = re.search(r"(?im)^WWW-Authenticate:\s*Digest\s+(.*)$", head).group(1)
    params = dict((k.lower(), v.strip('"')) for k, v in re.findall(r'([\w-]+)=("[^"]*"|[^,\s]+)', ch))
    realm, nonce = params["realm"], params["nonce"]
    uri = "sip:ims.test"
    def credentials(nc):
        cnonce = secrets.token_hex(8)
        h = lambda x: hashlib.md5(x.encode()).hexdigest()
        ha1 = h(f"{impi}:{realm}:{password}")
        ha2 = h(f"REGISTER:{uri}")
        resp = h(f"{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}")
        authz = (f'Digest username="{impi}", realm="{realm}", nonce="{nonce}", uri="{uri}", '
                 f'response="{resp}", algorithm=MD5, qop=auth, nc={nc}, cnonce="{cnonce}"')
        if "opaque" in params:
            authz += f', opaque="{params["opaque"]}"'
        if integrity:
            authz += f', integrity-protected="{integrity}"'
        return authz

    register(2, credentials("00000001"))
    status, head = final()
    if status == 200 and then == "dereg":
        register(3, credentials("00000002"), expires=0)
        while True:
            head, buf = read_message(s, buf)
            if head is None:
                break
            code = int(head.split(" ", 2)[1])
            if code >= 200:
                print(f"dereg-status {code}", flush=True)
                break
    if status == 200 and then.startswith("keyupdate:"):
        # For SECONDS: every KeyUpdate the P-CSCF sends is answered (a CRLF
        # keep-alive makes OpenSSL send its pending KeyUpdate first).
        end = time.monotonic() + float(then.split(":", 1)[1])
        s.settimeout(0.2)
        answered = 0
        try:
            while time.monotonic() < end:
                try:
                    if not s.recv(65536):
                        break
                except (socket.timeout, TimeoutError):
                    pass
                got = sum(1 for d, _ in key_updates if d == "read")
                if got > answered:
                    s.sendall(b"\r\n\r\n")
                    answered = got
            # The MESSAGE goes right after a KeyUpdate was answered: the
            # session was just refreshed, so it is sent as far as possible
            # from the next lifetime expiry (after which the P-CSCF rightly
            # refuses requests until the refresh is answered). Up to 10 s
            # for the next KeyUpdate.
            end = time.monotonic() + 10
            while time.monotonic() < end and sum(1 for d, _ in key_updates if d == "read") <= answered:
                try:
                    if not s.recv(65536):
                        break
                except (socket.timeout, TimeoutError):
                    pass
            if sum(1 for d, _ in key_updates if d == "read") > answered:
                s.sendall(b"\r\n\r\n")
        except (ssl.SSLError, ConnectionResetError):
            pass
        received = [r for d, r in key_updates if d == "read"]
        sent = [r for d, r in key_updates if d == "write"]
        print(f"keyupdates-received {len(received)} requested={','.join(map(str, received))}", flush=True)
        print(f"keyupdates-sent {len(sent)} requested={','.join(map(str, sent))}", flush=True)
    if status == 200 and then:
        lines = [
            f"MESSAGE sip:bob@ims.test SIP/2.0",
            f"Via: SIP/2.0/TLS 127.0.0.1:{lport};branch=z9hG4bK{secrets.token_hex(8)};rport",
        ]
        if then.startswith("loop:"):
            lines.append(f"Via: SIP/2.0/TCP {then[5:]};branch=z9hG4bK{secrets.token_hex(8)}")
        lines += [
            "Max-Forwards: " + {"maxfwd0": "0", "maxfwd1": "1"}.get(then, "70"),
            f"From: <{impu}>;tag={tag}",
            "To: <sip:bob@ims.test>",
            f"Call-ID: {secrets.token_hex(8)}@probe-msg",
            "CSeq: 1 MESSAGE",
            "Content-Type: text/plain",
            "Content-Length: 5",
        ]
        s.sendall(("\r\n".join(lines) + "\r\n\r\nhello").encode())
        while True:
            head, buf = read_message(s, buf)
            if head is None:
                break
            code = int(head.split(" ", 2)[1])
            if code >= 200:
                print(f"message-status {code}", flush=True)
                break
    t0 = time.monotonic()
    s.settimeout(5)
    try:
        while True:
            data = s.recv(65536)
            if not data:
                break
    except ssl.SSLZeroReturnError:
        pass
    except (socket.timeout, TimeoutError):
        print("still-open", flush=True)
        return 0
    except (ConnectionResetError, ssl.SSLError):
        pass
    print(f"closed-by-peer {time.monotonic() - t0:.2f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
