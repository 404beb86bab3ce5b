#!/usr/bin/python3
"""A scripted SIP peer for the pcscf end-to-end tests (standard library only).

It plays the parties annexo has no program for: the S-CSCF on the P-CSCF's
core side, a UE that sends hand-written requests (two Via entries, a forged
Security-Verify), and a UE running the RFC 3329 sec-agree variant step by
step. Each subcommand prints every response it receives as
"STATUS <code> <reason>" followed by the header lines, and exits 0 when the
exchange completed (whatever the codes: the test script judges them), 2 on a
network or protocol failure.

  sip_peer.py send --port P [--tls-ca CA --sni NAME] [--header 'Name: value' ...]
                   [--watch SECONDS] METHOD REQUEST_URI
  sip_peer.py secagree --plain-port P --tls-port T --tls-ca CA --sni NAME
                       --impi I --impu U --password PW [--verify TEXT]
                       [--client TEXT] [--hold SECONDS]
                       [--then 'METHOD URI' [--contact-ob] [--to-tag] [--then-via VIA]]
                       [--watch SECONDS]
                       [--reneg SECONDS] [--empty-authorization]
      (--plain-port 0: a TLS-first registration instead of the sec-agree variant;
      --empty-authorization: its first REGISTER carries TS 24.229's initial
      Authorization, the IMPI with an empty nonce and response)
  sip_peer.py connect --port P [--tls-ca CA --sni NAME [--tls13]] --watch SECONDS
                      [--close-first]
      Connects (TLS when --tls-ca is given: TLS 1.2, or TLS 1.3 with --tls13;
      prints "VERSION <the version negotiated>"), sends nothing and watches.
  sip_peer.py serve --cert PEM --key PEM --port-file F --www-authenticate TEXT
                    [--requests N] [--statuses 401,403,...] [--watch SECONDS]
      A TLS 1.2 server on 127.0.0.1 (port written to F) that answers each
      REGISTER with 401 and the given WWW-Authenticate (e.g. an AKA challenge),
      or with the i-th code of --statuses (the last one repeats; 0: no answer,
      go on watching), "CONNECTION <client port>" for each connection, printing "REQUEST <first line>" and
      the header lines it received. It reads the client's TLS records off the
      wire itself: a failed handshake prints "HANDSHAKE-FAILED <reason>", one
      "ALERT <level> <description>" per alert record the client sent in the
      clear (RFC 5246 7.2: numbers as on the wire) and "APPDATA <n>", the
      number of application-data records the client sent.

--reneg SECONDS (secagree, TLS 1.2): once registered, the peer reads from the
connection (OpenSSL answers a HelloRequest inside that read) until the TLS
session's ID changes, for at most SECONDS, and prints
  "SESSION <version> <hex Session ID> <local port>"   before waiting
  "RENEGOTIATED <version> <hex Session ID> <local port> <s>"   a new handshake
      finished on the same socket (the same TCP connection: never reopened)
  "NO-RENEGOTIATION <s>"     the Session ID did not change
  "CLOSED <how> <s>"         the other side ended the connection meanwhile
"RENEGOTIATED" is what the peer's own TLS library reports after completing
the second handshake (O.4.2 seen from the UE's side).

--watch SECONDS: once the exchange is over the peer keeps the connection and
reads until the other side closes it, for at most SECONDS, then prints
  "CLOSE close_notify <s>"   a TLS close_notify arrived (then TCP FIN or not: see below)
  "CLOSE eof <s>"            TCP FIN without close_notify (plain TCP: the FIN)
  "CLOSE reset <s>"          TCP RST
  "CLOSE alert:<text> <s>"   a fatal TLS alert
  "OPEN <s>"                 nothing closed within SECONDS
and, after a CLOSE, "ESTABLISHED <n>": the TCP connections in state
ESTABLISHED on the connection's port (ss), once the FIN had up to 3 s to
arrive; 0 means the other side really closed the TCP connection.
"""
import argparse
import hashlib
import os
import re
import socket
import ssl
import subprocess
import sys
import time

HOST = "127.0.0.1"


def rand(n=8):
    return os.urandom(n).hex()


def connect(port, ca=None, sni=None, tls13=False):
    """TLS 1.2 exactly, or with tls13 TLS 1.3 exactly (RFC 8446)."""
    sock = socket.create_connection((HOST, port), timeout=10)
    if ca is None:
        return sock
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    version = ssl.TLSVersion.TLSv1_3 if tls13 else ssl.TLSVersion.TLSv1_2
    ctx.minimum_version = version
    ctx.maximum_version = version
    ctx.load_verify_locations(ca)
    ctx.check_hostname = True
    strict_eof(ctx)
    # A FIN without close_notify raises SSLEOFError instead of reading as b"".
    return ctx.wrap_socket(sock, server_hostname=sni, suppress_ragged_eofs=False)


def strict_eof(ctx):
    """Some Python builds (Debian's 3.11) set OP_IGNORE_UNEXPECTED_EOF by
    default, which reads a FIN without close_notify as a clean close: clear it."""
    ctx.options &= ~getattr(ssl, "OP_IGNORE_UNEXPECTED_EOF", 0)


def established(port, other):
    """TCP connections in state ESTABLISHED between the loopback ports `port`
    and `other`, either direction: the 4-tuple, since other tests on a busy
    machine reuse port numbers (counting one port at either end saw them)."""
    out = subprocess.run(["ss", "-Htn", "state", "established",
                          f"( ( sport = :{port} and dport = :{other} ) or "
                          f"( sport = :{other} and dport = :{port} ) )"],
                         capture_output=True, text=True, check=False).stdout
    return len([l for l in out.splitlines() if l.strip()])


def watch(conn, budget, port, other):
    """Reads from conn until the other side closes it or `budget` seconds
    passed; prints CLOSE/OPEN and ESTABLISHED as described in the module
    docstring. Bytes received meanwhile (pongs, requests) are ignored."""
    start = time.time()
    deadline = start + budget
    how = None
    while how is None:
        left = deadline - time.time()
        if left <= 0:
            break
        conn.settimeout(left)
        try:
            chunk = conn.recv(65536)
        except (TimeoutError, socket.timeout):
            break
        except ssl.SSLEOFError:
            how = "eof"
        except ssl.SSLZeroReturnError:
            how = "close_notify"
            if isinstance(conn, BioConn) and not conn.alert_after_handshake():
                how = "eof"
        except ssl.SSLError as e:
            how = "eof" if e.reason == "UNEXPECTED_EOF_WHILE_READING" else \
                "alert:" + (e.reason or str(e))
        except ConnectionResetError:
            how = "reset"
        else:
            if not chunk:
                # A TLS read returns b"" only on close_notify (SSLEOFError otherwise).
                how = "close_notify" if isinstance(conn, (ssl.SSLSocket, BioConn)) else "eof"
                if isinstance(conn, BioConn) and not conn.alert_after_handshake():
                    how = "eof"  # the bytes on the wire say otherwise: no alert record came
    took = time.time() - start
    if how is None:
        print(f"OPEN {took:.1f}", flush=True)
        return
    print(f"CLOSE {how} {took:.1f}", flush=True)
    print_established(port, other)


def print_established(port, other):
    """Prints ESTABLISHED N once the count is 0 or 3 s passed (the kernel
    moves a closed socket out of ESTABLISHED shortly after the FIN)."""
    n = established(port, other)
    end = time.time() + 3
    while n and time.time() < end:
        time.sleep(0.05)
        n = established(port, other)
    print(f"ESTABLISHED {n}", flush=True)


class BioConn:
    """A server-side TLS connection run over memory BIOs, so that every byte
    the client sent stays readable: its records, and its alerts in the clear."""

    def __init__(self, ctx, raw):
        self.raw = raw
        self.inc, self.out = ssl.MemoryBIO(), ssl.MemoryBIO()
        self.obj = ctx.wrap_bio(self.inc, self.out, server_side=True)
        self.wire = b""
        self.hs_end = None  # len(self.wire) when the handshake completed
        self.timeout = None
        self.eof = False

    def settimeout(self, t):
        self.timeout = t

    def getsockname(self):
        return self.raw.getsockname()

    def _flush(self):
        data = self.out.read()
        if data:
            self.raw.sendall(data)

    def _run(self, op, deadline):
        while True:
            try:
                r = op()
                self._flush()
                return r
            except ssl.SSLWantReadError:
                self._flush()
                if self.eof:
                    raise ssl.SSLEOFError("EOF without close_notify")
                left = None if deadline is None else deadline - time.time()
                if left is not None and left <= 0:
                    raise TimeoutError("timed out")
                self.raw.settimeout(left)
                chunk = self.raw.recv(65536)
                if chunk:
                    self.wire += chunk
                    self.inc.write(chunk)
                else:
                    self.eof = True
                    self.inc.write_eof()

    def handshake(self, timeout):
        self._run(self.obj.do_handshake, time.time() + timeout)
        self.hs_end = len(self.wire)

    def alert_after_handshake(self):
        """Whether the client sent an alert record (encrypted: close_notify
        or another alert) after the handshake."""
        i = self.hs_end or 0
        while i + 5 <= len(self.wire):
            if self.wire[i] == 21:
                return True
            i += 5 + int.from_bytes(self.wire[i + 3:i + 5], "big")
        return False

    def recv(self, n):
        return self._run(lambda: self.obj.read(n),
                         None if self.timeout is None else time.time() + self.timeout)

    def sendall(self, data):
        self.obj.write(data)
        self._flush()

    def records(self):
        """(content type, payload) of every whole record the client sent."""
        out, i = [], 0
        while i + 5 <= len(self.wire):
            n = int.from_bytes(self.wire[i + 3:i + 5], "big")
            out.append((self.wire[i], self.wire[i + 5:i + 5 + n]))
            i += 5 + n
        return out

    def close(self):
        self.raw.close()


def build(method, uri, headers, transport, local_port):
    lines = [f"{method} {uri} SIP/2.0"]
    names = {h.split(":", 1)[0].strip().lower() for h in headers}
    if "via" not in names:
        lines.append(f"Via: SIP/2.0/{transport} {HOST}:{local_port};branch=z9hG4bK{rand()};rport")
    if "from" not in names:
        lines.append(f"From: <sip:peer@annexo.test>;tag={rand(4)}")
    if "to" not in names:
        lines.append(f"To: <{uri}>")
    if "call-id" not in names:
        lines.append(f"Call-ID: {rand()}")
    if "cseq" not in names:
        lines.append(f"CSeq: 1 {method}")
    if "max-forwards" not in names:
        lines.append("Max-Forwards: 70")
    lines += [h.replace("{branch}", "z9hG4bK" + rand()) for h in headers]
    lines.append("Content-Length: 0")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


class Reader:
    def __init__(self, sock):
        self.sock = sock
        self.buf = b""

    def message(self, deadline):
        while True:
            while self.buf.startswith(b"\r\n"):  # CRLF keep-alive pongs between messages
                self.buf = self.buf[2:]
            end = self.buf.find(b"\r\n\r\n")
            if end >= 0:
                head = self.buf[:end].decode("utf-8", "replace")
                m = re.search(r"(?im)^(content-length|l)\s*:\s*(\d+)", head)
                length = int(m.group(2)) if m else 0
                if len(self.buf) >= end + 4 + length:
                    self.buf = self.buf[end + 4 + length:]
                    return head
            left = deadline - time.time()
            if left <= 0:
                raise TimeoutError("no complete SIP message")
            self.sock.settimeout(left)
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("connection closed by the peer")
            self.buf += chunk

    def final(self, timeout=10.0):
        """Prints every response up to the first final one; returns (code, head)."""
        deadline = time.time() + timeout
        while True:
            head = self.message(deadline)
            first = head.split("\r\n", 1)[0]
            m = re.match(r"SIP/2\.0 (\d{3}) ?(.*)", first)
            if not m:
                continue  # a request from the other side: not expected here
            print(f"STATUS {m.group(1)} {m.group(2)}")
            for line in head.split("\r\n")[1:]:
                print("  " + line)
            sys.stdout.flush()
            if int(m.group(1)) >= 200:
                return int(m.group(1)), head


def header(head, name):
    for line in head.split("\r\n")[1:]:
        n, _, v = line.partition(":")
        if n.strip().lower() == name.lower():
            return v.strip()
    return None


def digest_answer(challenge, impi, password, method, uri):
    params = dict(re.findall(r'(\w+)="?([^",]*)"?', challenge.split(" ", 1)[1]))
    algo = params.get("algorithm", "MD5").upper()
    h = (lambda s: hashlib.md5(s.encode()).hexdigest()) if algo == "MD5" else (
        lambda s: hashlib.sha256(s.encode()).hexdigest())
    cnonce, nc = rand(8), "00000001"
    ha1 = h(f"{impi}:{params['realm']}:{password}")
    ha2 = h(f"{method}:{uri}")
    resp = h(f"{ha1}:{params['nonce']}:{nc}:{cnonce}:auth:{ha2}")
    return (f'Digest username="{impi}", realm="{params["realm"]}", nonce="{params["nonce"]}", '
            f'uri="{uri}", response="{resp}", algorithm={algo}, qop=auth, nc={nc}, '
            f'cnonce="{cnonce}"')


def cmd_send(a):
    sock = connect(a.port, a.tls_ca, a.sni)
    transport = "TLS" if a.tls_ca else "TCP"
    sock.sendall(build(a.method, a.uri, a.header, transport, sock.getsockname()[1]))
    Reader(sock).final(a.timeout)
    if a.watch:
        watch(sock, a.watch, sock.getsockname()[1], a.port)
    if a.hold:
        time.sleep(a.hold)
    sock.close()


def await_renegotiation(conn, budget):
    """O.4.2 at the peer (--reneg): waits for the other side's renegotiation
    on this very socket; prints SESSION, then RENEGOTIATED, NO-RENEGOTIATION
    or CLOSED (module docstring). Bytes received meanwhile are ignored."""
    port = conn.getsockname()[1]
    first = conn.session.id.hex() if conn.session else ""
    print(f"SESSION {conn.version()} {first or '-'} {port}", flush=True)
    start = time.time()
    deadline = start + budget
    while time.time() < deadline:
        # Short reads: OpenSSL finishes the renegotiation inside SSL_read and
        # then waits for application data, which may never come.
        conn.settimeout(min(0.2, max(deadline - time.time(), 0.01)))
        try:
            chunk = conn.recv(65536)
        except (TimeoutError, socket.timeout):
            chunk = None
        except ssl.SSLError as e:
            print(f"CLOSED {e.reason or e} {time.time() - start:.1f}", flush=True)
            return
        except OSError as e:
            print(f"CLOSED {e} {time.time() - start:.1f}", flush=True)
            return
        if chunk == b"":
            print(f"CLOSED close_notify {time.time() - start:.1f}", flush=True)
            return
        now = conn.session.id.hex() if conn.session else ""
        if now and now != first:
            print(f"RENEGOTIATED {conn.version()} {now} {conn.getsockname()[1]} "
                  f"{time.time() - start:.1f}", flush=True)
            return
    print(f"NO-RENEGOTIATION {time.time() - start:.1f}", flush=True)


def cmd_connect(a):
    sock = connect(a.port, a.tls_ca, a.sni, a.tls13)
    print(f"CONNECTED {sock.getsockname()[1]}", flush=True)
    if isinstance(sock, ssl.SSLSocket):
        # The version this peer's own library negotiated (e.g. TLSv1.3).
        print(f"VERSION {sock.version()}", flush=True)
    if a.close_first:
        close_first(sock, a.watch, a.port)
        return
    watch(sock, a.watch, sock.getsockname()[1], a.port)
    sock.close()


def close_first(sock, budget, other):
    """RFC 5246 7.2.1 seen from the peer: sends close_notify (ssl unwrap) and
    prints ANSWERED close_notify SECONDS when the other side's close_notify
    came back (UNANSWERED and the error otherwise), then TCP eof|open|reset
    SECONDS for what the raw socket read next, then ESTABLISHED N."""
    start = time.time()
    local = sock.getsockname()[1]
    sock.settimeout(budget)
    try:
        raw = sock.unwrap()
    except (ssl.SSLError, OSError, TimeoutError) as e:
        print(f"UNANSWERED {type(e).__name__}: {e} {time.time() - start:.1f}", flush=True)
        return
    print(f"ANSWERED close_notify {time.time() - start:.1f}", flush=True)
    raw.settimeout(max(0.1, start + budget - time.time()))
    try:
        how = "eof" if raw.recv(1) == b"" else "data"
    except (TimeoutError, socket.timeout):
        how = "open"
    except ConnectionResetError:
        how = "reset"
    print(f"TCP {how} {time.time() - start:.1f}", flush=True)
    print_established(local, other)
    raw.close()


def contact(a, port):
    if a.contact:
        return "Contact: " + a.contact
    return (f"Contact: <sip:user@{HOST}:{port};transport=tls;ob>;+sip.instance="
            "\"<urn:uuid:00000000-0000-4000-8000-0000000000aa>\";reg-id=1;expires=600")


def cmd_secagree(a):
    """The sec-agree variant (plain leg, then TLS) or, with --plain-port 0, a
    TLS-first registration; then optionally one dialog-forming request."""
    domain = "sip:" + a.impi.split("@", 1)[1]
    call_id = rand()
    common = a.header + [f"From: <{a.impu}>;tag={rand(4)}", f"To: <{a.impu}>",
                         f"Call-ID: {call_id}",
                         "Supported: path, outbound" + (", sec-agree" if a.plain_port else "")]
    # RFC 3329 2.3.1: sec-agree in Require and Proxy-Require; --require adds
    # another tag to the same Require field (the P-CSCF must keep it).
    sec_tags = []
    if a.plain_port:
        sec_tags = ["Require: sec-agree" + (f", {a.require}" if a.require else ""),
                    "Proxy-Require: sec-agree"]
    common += sec_tags
    tls = None
    if a.plain_port:
        # 1. The unprotected REGISTER over plain TCP.
        plain = connect(a.plain_port)
        lp = plain.getsockname()[1]
        plain.sendall(build("REGISTER", domain, common + [
            f"Security-Client: {a.client}", "CSeq: 1 REGISTER",
            f"Contact: <sip:user@{HOST}:{lp};transport=tcp>;expires=600"], "TCP", lp))
        code, head = Reader(plain).final(a.timeout)
        plain.close()
        if code != 401:
            return
        extra = [f"Security-Verify: {a.verify if a.verify is not None else header(head, 'Security-Server')}"]
        tls = connect(a.tls_port, a.tls_ca, a.sni)
        reader = Reader(tls)
    else:
        # 1. TLS first: a REGISTER without credentials over TLS.
        tls = connect(a.tls_port, a.tls_ca, a.sni)
        reader = Reader(tls)
        tp = tls.getsockname()[1]
        initial = ["CSeq: 1 REGISTER", contact(a, tp)]
        if a.empty_authorization:
            # TS 24.229 5.1.1.2 (SIP digest): the IMPI, realm and uri, with an
            # empty nonce and response, before any challenge.
            realm = a.impi.split("@", 1)[1]
            initial.append(f'Authorization: Digest username="{a.impi}", realm="{realm}", '
                           f'uri="{domain}", nonce="", response=""')
        tls.sendall(build("REGISTER", domain, common + initial, "TLS", tp))
        code, head = reader.final(a.timeout)
        if code != 401:
            return
        extra = []
    challenge = header(head, "WWW-Authenticate")
    # 2. The REGISTER with credentials over TLS.
    tp = tls.getsockname()[1]
    tls.sendall(build("REGISTER", domain, common + extra + [
        "CSeq: 2 REGISTER", contact(a, tp),
        "Authorization: " + digest_answer(challenge, a.impi, a.password, "REGISTER", domain)],
        "TLS", tp))
    code, _ = reader.final(a.timeout)
    if code == 200 and a.then:
        # 3. One request over the registered flow (e.g. a dialog-forming INVITE).
        method, uri = a.then.split(" ", 1)
        ob = ";ob" if a.contact_ob else ""
        # --then-via: a second Via below ours, as if the request had come
        # through another proxy first (the P-CSCF is then not the first hop).
        vias = [f"Via: SIP/2.0/TLS {HOST}:{tp};branch=z9hG4bK{rand()};rport",
                "Via: " + a.then_via] if a.then_via else []
        # RFC 3329 2.3.1: every request after the agreement carries the
        # Security-Verify and the sec-agree tags too (none TLS-first).
        tls.sendall(build(method, uri, vias + extra + sec_tags + [
            f"From: <{a.impu}>;tag={rand(4)}",
            f"To: <{uri}>" + (f";tag={rand(4)}" if a.to_tag else ""),
            f"Contact: <sip:user@{HOST}:{tp};transport=tls{ob}>"], "TLS", tp))
        reader.final(a.timeout)
    if code == 200 and a.reneg:
        await_renegotiation(tls, a.reneg)
    if a.watch:
        watch(tls, a.watch, tls.getsockname()[1], a.tls_port)
    if a.hold:
        time.sleep(a.hold)
    tls.close()


def authentication_info(head, password):
    """RFC 7616 3.5 Authentication-Info for the request's Authorization (a
    registrar that knows the password), so that a UE can verify rspauth."""
    auth = header(head, "Authorization")
    if not auth:
        return "Authentication-Info: nextnonce=\"none\""
    p = dict(re.findall(r'(\w+)\s*=\s*"?([^",]*)"?', auth.split(" ", 1)[1]))
    h = hashlib.sha256 if p.get("algorithm", "MD5").upper() == "SHA-256" else hashlib.md5
    H = lambda x: h(x.encode()).hexdigest()
    ha1 = H(f"{p['username']}:{p['realm']}:{password}")
    rsp = H(f"{ha1}:{p['nonce']}:{p['nc']}:{p['cnonce']}:{p['qop']}:{H(':' + p['uri'])}")
    return (f'Authentication-Info: rspauth="{rsp}", qop={p["qop"]}, nc={p["nc"]}, '
            f'cnonce="{p["cnonce"]}"')


def cmd_serve(a):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(a.cert, a.key)
    strict_eof(ctx)
    statuses = [int(x) for x in a.statuses.split(",")] if a.statuses else []
    lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind((HOST, 0))
    lsock.listen(4)
    with open(a.port_file + ".tmp", "w") as f:
        f.write(str(lsock.getsockname()[1]))
    os.rename(a.port_file + ".tmp", a.port_file)
    answered = 0
    lsock.settimeout(a.timeout)
    while answered < a.requests:
        raw, peer = lsock.accept()
        here = lsock.getsockname()[1]
        print(f"CONNECTION {peer[1]}", flush=True)
        conn = BioConn(ctx, raw)
        try:
            conn.handshake(a.timeout)
        except (ssl.SSLError, OSError) as e:
            print(f"HANDSHAKE-FAILED {getattr(e, 'reason', None) or e}")
            for ctype, payload in conn.records():
                if ctype == 21 and len(payload) == 2:
                    print(f"ALERT {payload[0]} {payload[1]}")
            print(f"APPDATA {sum(1 for t, _ in conn.records() if t == 23)}", flush=True)
            if a.watch:
                if conn.eof:
                    print("CLOSE eof 0.0", flush=True)
                    print(f"ESTABLISHED {established(peer[1], here)}", flush=True)
                else:
                    watch(raw, a.watch, peer[1], here)
            raw.close()
            if a.once:
                return
            continue
        reader = Reader(conn)
        try:
            while answered < a.requests:
                head = reader.message(time.time() + a.timeout)
                print("REQUEST " + head.split("\r\n", 1)[0])
                for line in head.split("\r\n")[1:]:
                    print("  " + line)
                sys.stdout.flush()
                keep = [l for l in head.split("\r\n")[1:]
                        if l.split(":", 1)[0].strip().lower() in
                        ("via", "from", "to", "call-id", "cseq")]
                code = statuses[min(answered, len(statuses) - 1)] if statuses else 401
                if code == 0:  # no answer: watch what the client does instead
                    answered = a.requests
                    break
                resp = [f"SIP/2.0 {code} " + {200: "OK", 401: "Unauthorized", 403: "Forbidden"}.get(code, "Whatever")]
                resp += keep + ([f"WWW-Authenticate: {a.www_authenticate}"] if code == 401 else [])
                if 200 <= code < 300:
                    resp += [f"Expires: {a.expires}"]
                    if a.auth_info:
                        resp.append(f"Authentication-Info: {a.auth_info}")
                    elif a.registrar_password:
                        resp.append(authentication_info(head, a.registrar_password))
                resp.append("Content-Length: 0")
                conn.sendall(("\r\n".join(resp) + "\r\n\r\n").encode())
                answered += 1
            if a.watch:
                watch(conn, a.watch, peer[1], here)
        except (ConnectionError, ssl.SSLError) as e:
            # The client went away while a further request was awaited.
            print(f"CONNECTION-ENDED {type(e).__name__}", flush=True)
            if isinstance(e, ConnectionResetError):
                how = "reset"
            elif isinstance(e, ConnectionError):  # read b"": close_notify
                how = "close_notify" if conn.alert_after_handshake() else "eof"
            elif isinstance(e, ssl.SSLEOFError) or e.reason == "UNEXPECTED_EOF_WHILE_READING":
                how = "eof"
            else:
                how = "alert:" + (e.reason or str(e))
            print(f"CLOSE {how} 0.0", flush=True)
            print(f"ESTABLISHED {established(peer[1], here)}", flush=True)
        except (TimeoutError, OSError) as e:
            print(f"CONNECTION-ENDED {type(e).__name__}", flush=True)
        conn.close()
        if a.once:
            return


def cmd_scscf(a):
    """A scripted S-CSCF behind pcscf --next-hop, over plain TCP: prints every
    request it receives (REQUEST line, then its header fields indented) and
    answers a REGISTER without a Digest response 401 with a challenge, one
    with a response 200 (its Contact, Expires, P-Associated-URI), anything
    else 200. Ends after --requests requests or --timeout s without one."""
    lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind((HOST, 0))
    lsock.listen(4)
    with open(a.port_file + ".tmp", "w") as f:
        f.write(str(lsock.getsockname()[1]))
    os.rename(a.port_file + ".tmp", a.port_file)
    lsock.settimeout(a.timeout)
    raw, _ = lsock.accept()
    reader = Reader(raw)
    realm = a.realm
    for _ in range(a.requests):
        head = reader.message(time.time() + a.timeout)
        lines = head.split("\r\n")
        print("REQUEST " + lines[0])
        for line in lines[1:]:
            print("  " + line)
        sys.stdout.flush()
        keep = [l for l in lines[1:] if l.split(":", 1)[0].strip().lower() in
                ("via", "from", "to", "call-id", "cseq")]
        method = lines[0].split(" ", 1)[0]
        authz = header(head, "Authorization") or ""
        if method == "REGISTER" and not re.search(r'response="[0-9a-f]+"', authz):
            resp = ["SIP/2.0 401 Unauthorized"] + keep + [
                f'WWW-Authenticate: Digest realm="{realm}", nonce="{rand(16)}", '
                f'algorithm=MD5, qop="auth"']
        elif method == "REGISTER":
            to = re.search(r"<([^>]*)>", header(head, "To") or "")
            resp = ["SIP/2.0 200 OK"] + keep + [
                "Contact: " + (header(head, "Contact") or ""), "Expires: 600",
                f"P-Associated-URI: <{to.group(1) if to else ''}>"]
        else:
            resp = ["SIP/2.0 200 OK"] + keep
        resp.append("Content-Length: 0")
        raw.sendall(("\r\n".join(resp) + "\r\n\r\n").encode())
    raw.close()


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("send")
    s.add_argument("--port", type=int, required=True)
    s.add_argument("--tls-ca")
    s.add_argument("--sni", default="pcscf.test")
    s.add_argument("--header", action="append", default=[])
    s.add_argument("--timeout", type=float, default=10.0)
    s.add_argument("--hold", type=float, default=0.0)
    s.add_argument("--watch", type=float, default=0.0)
    s.add_argument("method")
    s.add_argument("uri")
    g = sub.add_parser("secagree")
    g.add_argument("--plain-port", type=int, required=True, help="0: TLS-first registration")
    g.add_argument("--then", help="'METHOD URI' sent over the flow once registered")
    g.add_argument("--contact-ob", action="store_true", help="';ob' in the Contact of --then")
    g.add_argument("--to-tag", action="store_true", help="a To tag in --then (an in-dialog request)")
    g.add_argument("--then-via", help="a second Via (value) below the peer's own in --then")
    g.add_argument("--tls-port", type=int, required=True)
    g.add_argument("--tls-ca", required=True)
    g.add_argument("--sni", default="pcscf.test")
    g.add_argument("--impi", required=True)
    g.add_argument("--impu", required=True)
    g.add_argument("--password", required=True)
    g.add_argument("--client", default="tls")
    g.add_argument("--verify")
    g.add_argument("--timeout", type=float, default=10.0)
    g.add_argument("--hold", type=float, default=0.0)
    g.add_argument("--watch", type=float, default=0.0)
    g.add_argument("--reneg", type=float, default=0.0,
                   help="once registered, wait this long for a renegotiation (TLS 1.2)")
    g.add_argument("--header", action="append", default=[],
                   help="extra header on each REGISTER ({branch}: a fresh branch)")
    g.add_argument("--contact", help="Contact value of the REGISTERs over TLS")
    g.add_argument("--require", help="sec-agree variant: one more option tag in Require")
    g.add_argument("--empty-authorization", action="store_true",
                   help="TLS first: the first REGISTER carries TS 24.229's initial "
                        "Authorization (IMPI, empty nonce and response)")
    c = sub.add_parser("connect")
    c.add_argument("--port", type=int, required=True)
    c.add_argument("--tls-ca")
    c.add_argument("--sni", default="pcscf.test")
    c.add_argument("--watch", type=float, required=True)
    c.add_argument("--close-first", action="store_true",
                   help="send close_notify at once; report the answer and the TCP close")
    c.add_argument("--tls13", action="store_true",
                   help="TLS 1.3 only (default: TLS 1.2 only)")
    v = sub.add_parser("serve")
    v.add_argument("--cert", required=True)
    v.add_argument("--key", required=True)
    v.add_argument("--port-file", required=True)
    v.add_argument("--www-authenticate", required=True)
    v.add_argument("--requests", type=int, default=1)
    v.add_argument("--statuses", help="comma-separated status of each answer (default 401)")
    v.add_argument("--watch", type=float, default=0.0)
    v.add_argument("--auth-info", help="Authentication-Info of a 2xx answer")
    v.add_argument("--registrar-password",
                   help="answer 2xx with the rspauth this password gives (RFC 7616)")
    v.add_argument("--expires", type=int, default=600, help="Expires of a 2xx answer")
    v.add_argument("--once", action="store_true", help="serve one connection only")
    v.add_argument("--timeout", type=float, default=20.0)
    k = sub.add_parser("scscf")
    k.add_argument("--port-file", required=True)
    k.add_argument("--requests", type=int, default=1)
    k.add_argument("--realm", default="annexo.test")
    k.add_argument("--timeout", type=float, default=20.0)
    a = p.parse_args()
    try:
        {"send": cmd_send, "secagree": cmd_secagree, "connect": cmd_connect,
         "serve": cmd_serve, "scscf": cmd_scscf}[a.cmd](a)
    except (OSError, TimeoutError, ConnectionError, ssl.SSLError) as e:
        print(f"ERROR {type(e).__name__}: {e}")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
