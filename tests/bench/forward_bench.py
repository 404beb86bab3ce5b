#!/usr/bin/env python3
"""Registrations per second through pcscf: embedded home network vs
--next-hop with Kamailio as the S-CSCF, and Kamailio alone (plain TCP, no
P-CSCF) as the baseline of the added latency. Loopback, one client, serial.

  forward_bench.py PCSCF MAKE_PKI SCSCF_CFG [N]

Each registration is a fresh connection (TLS to pcscf, TCP to Kamailio
alone): REGISTER -> 401, REGISTER with Digest MD5 -> 200. Prints per mode
registrations/s and the p50/p99 round trip of one REGISTER transaction
(request sent -> final response read). Not a test: figures go to README.md.
"""
import hashlib
import os
import re
import secrets
import shutil
import signal
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import time

PASSWORD = "bench-secret"
REALM = "bench.test"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def wait_listen(port, budget=10.0):
    end = time.monotonic() + budget
    while time.monotonic() < end:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"nothing listens on {port}")


def read_message(s, buf):
    while b"\r\n\r\n" not in buf:
        chunk = s.recv(65536)
        if not chunk:
            raise ConnectionError("closed")
        buf += chunk
    head, rest = buf.split(b"\r\n\r\n", 1)
    m = re.search(rb"(?im)^content-length:\s*(\d+)", head)
    n = int(m.group(1)) if m else 0
    while len(rest) < n:
        rest += s.recv(65536)
    return head.decode(errors="replace"), rest[n:]


def register_once(i, port, ctx, proto, rtts):
    raw = socket.create_connection(("127.0.0.1", port), timeout=10)
    s = ctx.wrap_socket(raw, server_hostname="pcscf.test") if ctx else raw
    lport = s.getsockname()[1]
    impu = f"sip:user{i}@{REALM}"
    impi = f"user{i}@{REALM}"
    call_id = secrets.token_hex(8)
    buf = b""

    def transaction(cseq, authz):
        nonlocal buf
        lines = [
            f"REGISTER sip:{REALM} SIP/2.0",
            f"Via: SIP/2.0/{proto} 127.0.0.1:{lport};branch=z9hG4bK{secrets.token_hex(8)};rport",
            "Max-Forwards: 70",
            f"From: <{impu}>;tag=b{i}",
            f"To: <{impu}>",
            f"Call-ID: {call_id}",
            f"CSeq: {cseq} REGISTER",
            f"Contact: <sip:user{i}@127.0.0.1:{lport};transport={proto.lower()}>;expires=600",
            "Supported: path",
        ]
        if authz:
            lines.append("Authorization: " + authz)
        lines.append("Content-Length: 0")
        t0 = time.perf_counter()
        s.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        while True:
            head, buf = read_message(s, buf)
            status = int(head.split(" ", 2)[1])
            if status >= 200:
                rtts.append(time.perf_counter() - t0)
                return status, head

    status, head = transaction(1, None)
    if status != 401:
        raise SystemExit(f"expected 401, got {status}")
    ch = re.search(r"(?im)^WWW-Authenticate:\s*Digest\s+(.*)$", head).group(1)
    p = dict((k.lower(), v.strip('"')) for k, v in re.findall(r'([\w-]+)=("[^"]*"|[^,\s]+)', ch))
    h = lambda x: hashlib.md5(x.encode()).hexdigest()
    cnonce, nc, uri = secrets.token_hex(8), "00000001", f"sip:{REALM}"
    realm, nonce = p["realm"], p["nonce"]
    ha1, ha2 = h(f"{impi}:{realm}:{PASSWORD}"), h(f"REGISTER:{uri}")
    resp = h(f"{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}")
    authz = (f'Digest username="{impi}", realm="{p["realm"]}", nonce="{p["nonce"]}", uri="{uri}", '
             f'response="{resp}", algorithm=MD5, qop=auth, nc={nc}, cnonce="{cnonce}"')
    status, _ = transaction(2, authz)
    if status != 200:
        raise SystemExit(f"expected 200, got {status}")
    s.close()


def run(name, port, ctx, proto, n):
    rtts = []
    register_once(10_000, port, ctx, proto, [])  # warm-up (connect to the next hop etc.)
    t0 = time.perf_counter()
    for i in range(n):
        register_once(i, port, ctx, proto, rtts)
    dt = time.perf_counter() - t0
    q = statistics.quantiles(rtts, n=100)
    print(f"{name:40s} {n / dt:8.1f} reg/s   REGISTER round trip p50 {q[49] * 1e3:6.2f} ms"
          f"  p99 {q[98] * 1e3:6.2f} ms", flush=True)
    return q[49], q[98]


def main():
    pcscf, make_pki, cfg = sys.argv[1:4]
    n = int(sys.argv[4]) if len(sys.argv) > 4 else 300
    work = tempfile.mkdtemp(prefix="fwbench.")
    procs = []
    try:
        subprocess.run([make_pki, f"{work}/pki"], check=True, stdout=subprocess.DEVNULL)
        with open(f"{work}/users", "w") as f:
            for i in list(range(n)) + [10_000]:
                f.write(f"user{i}@{REALM} {PASSWORD} sip:user{i}@{REALM}\n")
        kport = free_port()
        text = open(cfg).read()
        for k, v in {"@PORT@": str(kport), "@CTL@": f"{work}/ctl", "@REALM@": REALM,
                     "@PASSWORD@": PASSWORD, "@ALGORITHM@": "MD5", "@PAU@": "1"}.items():
            text = text.replace(k, v)
        open(f"{work}/kam.cfg", "w").write(text)
        log = open(f"{work}/kam.log", "w")
        procs.append(subprocess.Popen(["kamailio", "-DD", "-E", "-f", f"{work}/kam.cfg", "-w", work,
                                       "-Y", work, "-P", f"{work}/kam.pid"], stdout=log, stderr=log))
        wait_listen(kport)
        ctx = ssl.create_default_context(cafile=f"{work}/pki/ca-ec.pem")
        common = ["--cert", f"{work}/pki/pcscf-ec.pem", "--key", f"{work}/pki/pcscf-ec.key"]
        eport, fport, cport = free_port(), free_port(), free_port()
        procs.append(subprocess.Popen([pcscf, "--listen", f"127.0.0.1:{eport}", "--users",
                                       f"{work}/users", "--realm", REALM] + common,
                                      stderr=subprocess.DEVNULL))
        procs.append(subprocess.Popen([pcscf, "--listen", f"127.0.0.1:{fport}", "--core-listen",
                                       f"127.0.0.1:{cport}", "--next-hop", f"127.0.0.1:{kport}"]
                                      + common, stderr=subprocess.DEVNULL))
        wait_listen(eport)
        wait_listen(fport)
        print(f"{n} registrations per mode, serial, loopback", flush=True)
        run("pcscf, embedded home network (TLS)", eport, ctx, "TLS", n)
        f50, f99 = run("pcscf --next-hop Kamailio (TLS)", fport, ctx, "TLS", n)
        k50, k99 = run("Kamailio alone (TCP, no P-CSCF)", kport, None, "TCP", n)
        print(f"added by the P-CSCF per REGISTER (forward - Kamailio alone): p50 {(f50 - k50) * 1e3:.2f} ms"
              f"  p99 {(f99 - k99) * 1e3:.2f} ms")
    finally:
        for p in procs:
            p.send_signal(signal.SIGTERM)
        for p in procs:
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                p.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
