#!/usr/bin/python3
"""A scripted stand-in for the P-CSCF's plain-TCP sec-agree side (RFC 3329),
for tests/adapters/ue_secagree_test.sh (standard library only).

It answers the first request on the first connection with a response the test
chooses (a 401 with any Security-Server list, or a 2xx the P-CSCF must never
send), then records whatever else the UE does:

  secagree_fake_pcscf.py --port-file F --record FILE --status CODE
                         [--security-server TEXT ...] [--no-challenge]
                         [--trap-port-file T] [--timeout SECONDS]

  --port-file F        the plain listener's port (127.0.0.1, kernel-chosen)
  --record FILE        "REQUEST <first line>", the header lines as received,
                       then "EXTRA <n bytes>" for any byte after the request,
                       "CLOSED" when the UE closed the connection,
                       "CONNECTIONS <n>" and "TRAP <n>" at the end
  --status CODE        401 (with a Digest challenge) or any other final code
  --security-server T  one Security-Server header field each (repeatable)
  --trap-port-file T   a second listener (the UE's --pcscf): counts connections
                       (a UE that must not open TLS connects nowhere)
  --established-port P on every later plain connection, records
                       "LATER-CONNECTION ESTABLISHED-TO-P <n>": the TCP
                       connections then ESTABLISHED towards 127.0.0.1:P (ss) held
                       by the UE's process, i.e. whether the UE still held its
                       TLS connection to P when it started over; then
                       "SS-OWNER pids=<the UE's pids, or unknown: all counted>"
                       and each such connection ss listed, whoever held it
                       ("SS ...")

It exits once the UE closed the plain connection and --linger seconds passed,
or after --timeout seconds.
"""
import argparse
import os
import re
import select
import socket
import subprocess
import sys
import time

HOST = "127.0.0.1"


def listener(port_file):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((HOST, 0))
    s.listen(8)
    tmp = port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(s.getsockname()[1]))
    os.rename(tmp, port_file)
    return s


def ss_lines(state, filt):
    out = subprocess.run(["ss", "-Htnp", "state", state, filt],
                         capture_output=True, text=True, check=False).stdout
    return [l for l in out.splitlines() if l.strip()]


def established_to(port, conn):
    """(n, lines, owner): the TCP connections ESTABLISHED towards 127.0.0.1:port held
    by the process that owns conn's other end (the UE), and every such line
    seen. Tests run side by side share the loopback, so another test's
    connection may have port as its far end; only the UE's own count. When
    the owner cannot be told (no pid in ss), every connection counts and
    owner is "unknown"."""
    lines = ss_lines("established", f"dst 127.0.0.1:{port}")
    peer_port = conn.getpeername()[1]
    own_port = conn.getsockname()[1]
    # The UE's end of the new connection, in whatever state it is by now.
    owner = ss_lines("all", f"( sport = :{peer_port} and dport = :{own_port} )")
    pids = set(re.findall(r"pid=(\d+)", " ".join(owner)))
    if not pids:
        return len(lines), lines, "unknown"
    mine = [l for l in lines if pids & set(re.findall(r"pid=(\d+)", l))]
    return len(mine), lines, ",".join(sorted(pids))


def split_request(buf):
    """(head, rest) once a whole request (head + Content-Length body) is in buf."""
    end = buf.find(b"\r\n\r\n")
    if end < 0:
        return None
    head = buf[:end].decode("utf-8", "replace")
    length = 0
    for line in head.split("\r\n")[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() in ("content-length", "l"):
            length = int(value.strip())
    total = end + 4 + length
    if len(buf) < total:
        return None
    return head, buf[total:]


def response(head, status, security_server, challenge):
    lines = head.split("\r\n")
    reason = {200: "OK", 401: "Unauthorized", 403: "Forbidden"}.get(status, "Whatever")
    out = [f"SIP/2.0 {status} {reason}"]
    for line in lines[1:]:
        name = line.split(":", 1)[0].strip().lower()
        if name in ("via", "from", "call-id", "cseq"):
            out.append(line)
        elif name == "to":
            out.append(line + ";tag=fake1")
    if status == 401 and challenge:
        out.append('WWW-Authenticate: Digest realm="annexo.test", '
                   'nonce="ZmFrZS1ub25jZS0wMDAx", algorithm=MD5, qop="auth"')
    for s in security_server:
        out.append(f"Security-Server: {s}")
    if 200 <= status < 300:
        out.append("Expires: 600")
    out.append("Content-Length: 0")
    return ("\r\n".join(out) + "\r\n\r\n").encode()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port-file", required=True)
    p.add_argument("--record", required=True)
    p.add_argument("--status", type=int, required=True)
    p.add_argument("--security-server", action="append", default=[])
    p.add_argument("--no-challenge", action="store_true")
    p.add_argument("--trap-port-file")
    p.add_argument("--established-port", type=int)
    p.add_argument("--timeout", type=float, default=20.0)
    p.add_argument("--linger", type=float, default=1.0)
    a = p.parse_args()

    plain = listener(a.port_file)
    trap = listener(a.trap_port_file) if a.trap_port_file else None
    rec = open(a.record, "w", buffering=1)
    deadline = time.monotonic() + a.timeout
    conns, traps = 0, 0
    conn, buf, answered, closed_at = None, b"", False, None
    while time.monotonic() < deadline:
        if closed_at is not None and time.monotonic() - closed_at >= a.linger:
            break
        socks = [plain] + ([trap] if trap else []) + ([conn] if conn else [])
        ready, _, _ = select.select(socks, [], [], 0.1)
        for s in ready:
            if s is plain:
                c, _ = plain.accept()
                conns += 1
                if conn is None and not answered:
                    conn = c
                else:
                    if a.established_port:
                        n, seen, owner = established_to(a.established_port, c)
                        rec.write(f"LATER-CONNECTION ESTABLISHED-TO-{a.established_port} {n}\n")
                        rec.write(f"SS-OWNER pids={owner}\n")
                        for line in seen:
                            rec.write("SS " + " ".join(line.split()) + "\n")
                    else:
                        rec.write("LATER-CONNECTION\n")
                    c.close()
            elif s is trap:
                c, _ = trap.accept()
                traps += 1
                c.close()
            else:
                data = conn.recv(65536)
                if not data:
                    rec.write("CLOSED\n")
                    conn.close()
                    conn = None
                    closed_at = time.monotonic()
                    continue
                if answered:
                    rec.write(f"EXTRA {len(data)}\n")
                    continue
                buf += data
                got = split_request(buf)
                if got is None:
                    continue
                head, rest = got
                rec.write("REQUEST " + head.split("\r\n")[0] + "\n")
                for line in head.split("\r\n")[1:]:
                    rec.write("  " + line + "\n")
                if rest:
                    rec.write(f"EXTRA {len(rest)}\n")
                conn.sendall(response(head, a.status, a.security_server, not a.no_challenge))
                answered = True
    rec.write(f"CONNECTIONS {conns}\nTRAP {traps}\n")
    rec.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
