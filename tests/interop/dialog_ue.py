#!/usr/bin/env python3
"""Two UEs in one process (Python ssl, a peer annexo did not write) for
pcscf_forward_kamailio.sh: both register through pcscf over TLS (Digest
answered here, MD5 or SHA-256 as challenged; Contact with ;ob, reg-id and
+sip.instance), then A calls B and the dialog is driven to its end:

  A INVITE -> B 200 -> A ACK -> A re-INVITE (target refresh) -> B 200 ->
  A ACK -> B BYE -> A 200

Each UE follows RFC 3261 12: the UAC's route set is the 2xx's Record-Route
reversed, the UAS's the INVITE's Record-Route in order; in-dialog requests go
to the remote target (Contact) with that route set as Route, on the UE's one
TLS connection to the pcscf (its outbound proxy). Each UE reads only its own
connection, so whatever it receives came over that connection.

  dialog_ue.py PORT CAFILE PASSWORD A_IMPI A_IMPU B_IMPI B_IMPU [RING_SECONDS]

RING_SECONDS: B answers the initial INVITE 180 Ringing at once and 200 only
that many seconds later ("B-ringing <s>"); A prints every final response to
it ("A-final-INVITE <code>") and the call goes on only after a 200.

Prints one line per observation:
  "registered A|B <code>"
  "<who>-<what> <request line or status> rr=[<Record-Route fields joined>]"
  e.g. "B-got INVITE sip:bob@ims.test SIP/2.0 rr=[...]", "A-200-INVITE rr=[...]",
  "A-got BYE ...", "B-200-BYE"; "TIMEOUT <what>" when an expected message did
  not come within 8 s. Exit 0 when the dialog ran to its end, 1 otherwise.
"""
import hashlib
import re
import secrets
import socket
import ssl
import sys
import time

HOST = "127.0.0.1"


class Ue:
    def __init__(self, name, port, ca, impi, impu, password):
        ctx = ssl.create_default_context(cafile=ca)
        ctx.check_hostname = True
        raw = socket.create_connection((HOST, port), timeout=10)
        self.s = ctx.wrap_socket(raw, server_hostname="pcscf.test")
        self.name, self.impi, self.impu, self.password = name, impi, impu, password
        self.pc_port = port
        self.lport = self.s.getsockname()[1]
        self.user = impu.split(":", 1)[1].split("@", 1)[0]
        self.contact = f"<sip:{self.user}@{HOST}:{self.lport};transport=tls;ob>"
        self.buf = b""

    def send(self, text):
        self.s.sendall(text.encode())

    def read(self, timeout=8.0):
        """One SIP message: (first line, [(name, value)], head text)."""
        deadline = time.time() + timeout
        while True:
            while self.buf.startswith(b"\r\n"):
                self.buf = self.buf[2:]
            end = self.buf.find(b"\r\n\r\n")
            if end >= 0:
                head = self.buf[:end].decode(errors="replace")
                m = re.search(r"(?im)^(content-length|l)\s*:\s*(\d+)", head)
                n = int(m.group(2)) if m else 0
                if len(self.buf) >= end + 4 + n:
                    self.buf = self.buf[end + 4 + n:]
                    lines = head.split("\r\n")
                    hdrs = []
                    for line in lines[1:]:
                        k, _, v = line.partition(":")
                        hdrs.append((k.strip(), v.strip()))
                    return lines[0], hdrs, head
            left = deadline - time.time()
            if left <= 0:
                return None, None, None
            self.s.settimeout(left)
            try:
                chunk = self.s.recv(65536)
            except (socket.timeout, TimeoutError):
                return None, None, None
            if not chunk:
                return None, None, None
            self.buf += chunk

    def final(self, method):
        """The final response to our last `method` request (provisionals skipped)."""
        while True:
            first, hdrs, head = self.read()
            if first is None:
                return None, None
            if not first.startswith("SIP/2.0 "):
                continue
            code = int(first.split(" ", 2)[1])
            if code >= 200 and cseq_method(hdrs) == method:
                return code, hdrs

    def request_in(self, method):
        while True:
            first, hdrs, head = self.read()
            if first is None:
                return None, None
            if first.startswith(method + " "):
                return first, hdrs

    def via(self):
        return f"Via: SIP/2.0/TLS {HOST}:{self.lport};branch=z9hG4bK{secrets.token_hex(8)};rport"

    def register(self):
        call_id = secrets.token_hex(8) + "@dialog-ue"
        tag = secrets.token_hex(4)
        instance = "urn:uuid:00000000-0000-4000-8000-" + secrets.token_hex(6)

        def reg(cseq, authz=None):
            lines = ["REGISTER sip:ims.test SIP/2.0", self.via(), "Max-Forwards: 70",
                     f"From: <{self.impu}>;tag={tag}", f"To: <{self.impu}>",
                     f"Call-ID: {call_id}", f"CSeq: {cseq} REGISTER",
                     f"Contact: <sip:{self.user}@{HOST}:{self.lport};transport=tls>"
                     f';reg-id=1;+sip.instance="<{instance}>";expires=600',
                     "Supported: path, outbound"]
            if authz:
                lines.append("Authorization: " + authz)
            self.send("\r\n".join(lines) + "\r\nContent-Length: 0\r\n\r\n")

        reg(1)
        code, hdrs = self.final("REGISTER")
        if code != 401:
            return code
        ch = header(hdrs, "WWW-Authenticate")
        p = dict((k.lower(), v.strip('"')) for k, v in re.findall(r'([\w-]+)=("[^"]*"|[^,\s]+)', ch))
        algo = p.get("algorithm", "MD5").upper()
        h = (lambda x: hashlib.md5(x.encode()).hexdigest()) if algo == "MD5" else \
            (lambda x: hashlib.sha256(x.encode()).hexdigest())
        cnonce, nc, uri = secrets.token_hex(8), "00000001", "sip:ims.test"
        ha1 = h(f"{self.impi}:{p['realm']}:{self.password}")
        resp = h(f"{ha1}:{p['nonce']}:{nc}:{cnonce}:auth:{h('REGISTER:' + uri)}")
        authz = (f'Digest username="{self.impi}", realm="{p["realm"]}", nonce="{p["nonce"]}", '
                 f'uri="{uri}", response="{resp}", algorithm={algo}, qop=auth, nc={nc}, '
                 f'cnonce="{cnonce}"')
        if "opaque" in p:
            authz += f', opaque="{p["opaque"]}"'
        reg(2, authz)
        code, _ = self.final("REGISTER")
        return code


def header(hdrs, name):
    for k, v in hdrs:
        if k.lower() == name.lower():
            return v
    return None


def all_values(hdrs, name):
    return [v for k, v in hdrs if k.lower() == name.lower()]


def cseq_method(hdrs):
    v = header(hdrs, "CSeq") or ""
    return v.split()[-1] if v.split() else ""


def split_list(value):
    """The entries of a comma-separated name-addr list (no commas inside <>)."""
    return [e.strip() for e in re.findall(r"[^,<]*<[^>]*>[^,]*", value)]


def rr_entries(hdrs):
    out = []
    for v in all_values(hdrs, "Record-Route"):
        out += split_list(v)
    return out


def uri_of(entry):
    return re.search(r"<([^>]*)>", entry).group(1)


def response(req_hdrs, code, reason, to_tag, extra=()):
    lines = [f"SIP/2.0 {code} {reason}"]
    for k, v in req_hdrs:
        if k.lower() in ("via", "from", "call-id", "cseq", "record-route"):
            lines.append(f"{k}: {v}")
        elif k.lower() == "to":
            lines.append(f"{k}: {v}" + ("" if ";tag=" in v else f";tag={to_tag}"))
    lines += list(extra)
    return "\r\n".join(lines) + "\r\nContent-Length: 0\r\n\r\n"


def show(label, first, hdrs):
    print(f"{label} {first} rr=[{', '.join(rr_entries(hdrs))}]", flush=True)


def main():
    port, ca, password, a_impi, a_impu, b_impi, b_impu = sys.argv[1:8]
    ring = float(sys.argv[8]) if len(sys.argv) > 8 else 0.0
    port = int(port)
    a = Ue("A", port, ca, a_impi, a_impu, password)
    b = Ue("B", port, ca, b_impi, b_impu, password)
    for ue in (a, b):
        code = ue.register()
        print(f"registered {ue.name} {code}", flush=True)
        if code != 200:
            return 1

    def fail(what):
        print(f"TIMEOUT {what}", flush=True)
        return 1

    call_id = secrets.token_hex(8) + "@dialog-ue"
    a_tag, b_tag = secrets.token_hex(4), secrets.token_hex(4)
    outbound = f"<sip:{HOST}:{port};transport=tls;lr>"  # pcscf, the outbound proxy

    def a_request(method, cseq, ruri, routes, to):
        lines = [f"{method} {ruri} SIP/2.0", a.via(), "Max-Forwards: 70",
                 f"From: <{a.impu}>;tag={a_tag}", f"To: {to}", f"Call-ID: {call_id}",
                 f"CSeq: {cseq} {method}"]
        if routes:
            lines.append("Route: " + ", ".join(routes))
        if method != "ACK":
            lines.append(f"Contact: {a.contact}")
        a.send("\r\n".join(lines) + "\r\nContent-Length: 0\r\n\r\n")

    # 1. A calls B: the initial INVITE (dialog-forming) to B's IMPU.
    a_request("INVITE", 1, b_impu, [outbound], f"<{b_impu}>")
    first, inv = b.request_in("INVITE")
    if first is None:
        return fail("B: INVITE")
    show("B-got", first, inv)
    b_routes = rr_entries(inv)  # B's route set: the Record-Route in order
    a_target = uri_of(header(inv, "Contact"))
    if ring:
        b.send(response(inv, 180, "Ringing", b_tag, [f"Contact: {b.contact}"]))
        print(f"B-ringing {ring}", flush=True)
        time.sleep(ring)
    b.send(response(inv, 200, "OK", b_tag, [f"Contact: {b.contact}"]))
    code, ok = a.final("INVITE")
    if code is None:
        return fail("A: 200 to INVITE")
    print(f"A-final-INVITE {code}", flush=True)
    if code != 200:
        return 1
    show("A-200-INVITE", code, ok)
    a_routes = list(reversed(rr_entries(ok)))  # A's route set: reversed
    b_target = uri_of(header(ok, "Contact"))
    to_b = header(ok, "To")
    a_request("ACK", 1, b_target, a_routes, to_b)
    first, ack = b.request_in("ACK")
    if first is None:
        return fail("B: ACK")
    show("B-got", first, ack)

    # 2. A's target refresh (re-INVITE) along its route set.
    a_request("INVITE", 2, b_target, a_routes, to_b)
    first, reinv = b.request_in("INVITE")
    if first is None:
        return fail("B: re-INVITE")
    show("B-got-reINVITE", first, reinv)
    b.send(response(reinv, 200, "OK", b_tag, [f"Contact: {b.contact}"]))
    code, ok2 = a.final("INVITE")
    if code is None:
        return fail("A: 200 to re-INVITE")
    show("A-200-reINVITE", code, ok2)
    a_request("ACK", 2, b_target, a_routes, to_b)
    first, ack2 = b.request_in("ACK")
    if first is None:
        return fail("B: ACK of the re-INVITE")
    show("B-got", first, ack2)

    # 3. B hangs up: a request from the far end towards A, along B's route set.
    lines = [f"BYE {a_target} SIP/2.0", b.via(), "Max-Forwards: 70",
             f"From: {header(inv, 'To')};tag={b_tag}", f"To: {header(inv, 'From')}",
             f"Call-ID: {call_id}", "CSeq: 1 BYE", "Route: " + ", ".join(b_routes)]
    b.send("\r\n".join(lines) + "\r\nContent-Length: 0\r\n\r\n")
    first, bye = a.request_in("BYE")
    if first is None:
        return fail("A: BYE")
    show("A-got", first, bye)
    a.send(response(bye, 200, "OK", a_tag))
    code, _ = b.final("BYE")
    if code is None:
        return fail("B: 200 to BYE")
    print(f"B-200-BYE {code}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
