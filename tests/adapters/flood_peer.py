#!/usr/bin/python3
"""A pipelining TLS client that does not read (issue 15), for
pcscf_backpressure_e2e_test.sh; standard library plus sip_peer.py.

  flood_peer.py --port P --ca CA --sni NAME --count N --ready-file R
                --go-file G [--stall S] [--buf BYTES]
                [--impi I --password PW [--impu U]] [--last bad-password|bad-length]
                [--watch-close W]

Connects over TLS 1.2 (an ssl.SSLObject on memory BIOs over a non-blocking
socket, so what went out is counted exactly) with a small send buffer
(--buf, SO_SNDBUF, so the kernel holds little of the flood on our side),
encrypts N REGISTERs without credentials (one TLS record each) and writes
them to the socket without reading anything. Writes R once 500 requests are
out (or the sending stopped). Sending stops when all are out or when the
socket has not taken a byte for S seconds (default 3): the P-CSCF stopped
reading. Prints
  SENT <requests fully out> <ciphertext bytes out> <all|blocked> <seconds>
then waits (at most 300 s) for the file G, then reads until every request
sent in full is answered or the P-CSCF has been silent for --read-silence
seconds (default 10) and prints
  READ401 <401 responses read> <other responses read> <how the reading ended>
With --read, the client reads (and counts) its 401s while it sends, so its
replies never pile up, and prints instead of the two lines above
  OUTSTANDING <max requests out but not answered> <requests out> <401s read>
(the most requests it had sent in full without their 401 back, at any time).
With --impi and --password the client first registers over the same TLS
connection (REGISTER, 401, the Digest answer; 200 expected), reading those
answers, prints
  REGISTERED <final code of the answer to the Digest REGISTER>
and the flood's REGISTERs then use that identity (RD-292: a bound
connection). --last appends one request to the flood that makes the P-CSCF
close the connection after its answer: bad-password, a REGISTER whose
Digest answer (to the first challenge) uses a wrong password (403, O.3.1.1);
bad-length, a REGISTER whose Content-Length is not a number (400, a framing
error: the connection closes with its binding still in place). With
--watch-close W, instead of waiting for G after SENT, the
client keeps reading nothing and watches its own socket in the kernel
(TCP_INFO) for at most W seconds; prints
  WATCH <open|gone> <seconds since the 200 (or since SENT)> <TCP state>
then, if gone, drains what the kernel still holds for it and prints
  END <eof|reset|error:...> <bytes drained>
and, once the count is 0 or 3 s passed,
  ESTABLISHED <TCP connections established between its port and the P-CSCF's>
and waits (at most 300 s) for G before it exits (so that its socket, if the
P-CSCF still holds the connection, stays open while the test looks).
Exit 0 when the exchange ran (the test judges the numbers), 2 otherwise.
"""
import argparse
import os
import select
import socket
import ssl
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sip_peer  # noqa: E402


def pump_out(sock, outgoing, budget):
    """Writes what the outgoing BIO holds; True when it all went out within budget s."""
    end = time.monotonic() + budget
    while outgoing.pending:
        data = outgoing.read()
        view = memoryview(data)
        while view:
            try:
                n = sock.send(view)
                view = view[n:]
            except BlockingIOError:
                left = end - time.monotonic()
                if left <= 0 or not select.select([], [sock], [], left)[1]:
                    return False
    return True


def handshake(sock, obj, incoming, outgoing):
    end = time.monotonic() + 10
    while True:
        try:
            obj.do_handshake()
            pump_out(sock, outgoing, 10)
            return
        except ssl.SSLWantReadError:
            pump_out(sock, outgoing, 10)
            left = end - time.monotonic()
            if left <= 0 or not select.select([sock], [], [], left)[0]:
                raise TimeoutError("handshake timed out")
            data = sock.recv(65536)
            if not data:
                raise ConnectionError("closed during the handshake")
            incoming.write(data)


class Counter:
    """Counts the 401 status lines in the plaintext read (across records)."""

    def __init__(self, sock, obj, incoming):
        self.sock, self.obj, self.incoming = sock, obj, incoming
        self.tail = b""
        self.n401 = 0
        self.closed = False

    def poll(self):
        while True:
            try:
                data = self.sock.recv(262144)
            except BlockingIOError:
                return
            if not data:
                self.closed = True
                return
            self.incoming.write(data)
            while True:
                try:
                    chunk = self.obj.read(262144)
                except ssl.SSLWantReadError:
                    break
                if not chunk:
                    break
                buf = self.tail + chunk
                self.n401 += buf.count(b"SIP/2.0 401 ")
                self.tail = buf[-11:]


def send_and_read(a, sock, obj, incoming, cipher, ends):
    c = Counter(sock, obj, incoming)
    sent = 0
    worst = 0
    full = 0
    ready = False
    view = memoryview(cipher)
    last_progress = time.monotonic()
    while not c.closed:
        r, w, _ = select.select([sock], [sock] if sent < len(cipher) else [], [], 0.2)
        progressed = False
        if w:
            try:
                n = sock.send(view[sent:sent + 65536])
                sent += n
                progressed = n > 0
            except BlockingIOError:
                pass
        if r:
            before = c.n401
            c.poll()
            progressed = progressed or c.n401 != before
        while full < len(ends) and ends[full] <= sent:
            full += 1
        worst = max(worst, full - c.n401)
        if not ready and full >= min(500, len(ends)):
            open(a.ready_file, "w").write("flooding\n")
            ready = True
        now = time.monotonic()
        if progressed:
            last_progress = now
        elif now - last_progress > a.stall:
            break
        if sent == len(cipher) and c.n401 >= len(ends):
            break
    if not ready:
        open(a.ready_file, "w").write("stopped\n")
    print(f"OUTSTANDING {worst} {full} {c.n401}", flush=True)
    return 0


def register(sock, obj, incoming, outgoing, a, local_port):
    """REGISTER, 401, the Digest answer over the memory-BIO connection;
    returns the final code of the second answer (0: none)."""
    def request(extra):
        obj.write(sip_peer.build("REGISTER", "sip:annexo.test",
                                 [f"To: <{a.impu}>", f"From: <{a.impu}>;tag={sip_peer.rand(4)}",
                                  f"Contact: <sip:b@127.0.0.1:{local_port};transport=tls>"
                                  ";expires=600", *extra], "TLS", local_port))
        if not pump_out(sock, outgoing, 10):
            raise TimeoutError("REGISTER not taken by the socket")

    def final():
        buf, end = b"", time.monotonic() + 10
        while True:
            head, sep, _ = buf.partition(b"\r\n\r\n")
            if sep and head.startswith(b"SIP/2.0 ") and int(head[8:11]) >= 200:
                return int(head[8:11]), head.decode("utf-8", "replace")
            if sep:
                buf = buf[len(head) + 4:]  # provisional: skip (no bodies expected)
                continue
            try:
                buf += obj.read(65536)
                continue
            except ssl.SSLWantReadError:
                pass
            left = end - time.monotonic()
            if left <= 0 or not select.select([sock], [], [], left)[0]:
                raise TimeoutError("no final answer to REGISTER")
            data = sock.recv(65536)
            if not data:
                raise ConnectionError("closed during the registration")
            incoming.write(data)

    request([])
    code, head = final()
    ch = sip_peer.header(head, "WWW-Authenticate")
    if code == 401:
        auth = sip_peer.digest_answer(ch, a.impi, a.password, "REGISTER", "sip:annexo.test")
        request([f"Authorization: {auth}"])
        code, head = final()
    return code, ch


TCP_STATES = {1: "ESTABLISHED", 2: "SYN_SENT", 3: "SYN_RECV", 4: "FIN_WAIT1", 5: "FIN_WAIT2",
              6: "TIME_WAIT", 7: "CLOSE", 8: "CLOSE_WAIT", 9: "LAST_ACK", 10: "LISTEN",
              11: "CLOSING"}


def tcp_state(sock):
    """The kernel's state of our own socket (struct tcp_info's first byte):
    read without taking a byte from the receive queue."""
    info = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 8)
    return TCP_STATES.get(info[0], str(info[0]))


def watch_close(sock, a, since, local_port):
    """RD-292: reads nothing, watches the socket leave ESTABLISHED."""
    end = time.monotonic() + a.watch_close
    state = tcp_state(sock)
    while state == "ESTABLISHED" and time.monotonic() < end:
        time.sleep(0.05)
        state = tcp_state(sock)
    took = time.monotonic() - since
    gone = state != "ESTABLISHED"
    print(f"WATCH {'gone' if gone else 'open'} {took:.1f} {state}", flush=True)
    if gone:
        drained, how = 0, None
        sock.setblocking(True)
        sock.settimeout(5)
        while how is None:
            try:
                data = sock.recv(262144)
            except ConnectionResetError:
                how = "reset"
            except OSError as e:
                how = f"error:{e}"
            else:
                drained += len(data)
                how = None if data else "eof"
        print(f"END {how} {drained}", flush=True)
    sip_peer.print_established(local_port, a.port)
    end = time.monotonic() + 300
    while not os.path.exists(a.go_file) and time.monotonic() < end:
        time.sleep(0.05)
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--ca", required=True)
    ap.add_argument("--sni", default="pcscf.test")
    ap.add_argument("--count", type=int, default=20000)
    ap.add_argument("--ready-file", required=True)
    ap.add_argument("--go-file", required=True)
    ap.add_argument("--stall", type=float, default=3.0)
    ap.add_argument("--buf", type=int, default=32768)
    ap.add_argument("--read-silence", type=float, default=10.0)
    ap.add_argument("--read", action="store_true")
    ap.add_argument("--impi")
    ap.add_argument("--password")
    ap.add_argument("--impu", default="sip:flood@annexo.test")
    ap.add_argument("--last", choices=["bad-password", "bad-length"])
    ap.add_argument("--watch-close", type=float, default=0.0)
    a = ap.parse_args()

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    # Only the send buffer is made small: a small receive buffer on a window
    # closed for seconds makes the kernel drop and back off its retransmits
    # (seconds of silence that are not the P-CSCF's doing).
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, a.buf)
    sock.settimeout(10)
    sock.connect((sip_peer.HOST, a.port))
    sock.setblocking(False)
    local_port = sock.getsockname()[1]
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_verify_locations(a.ca)
    ctx.check_hostname = True
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    obj = ctx.wrap_bio(incoming, outgoing, server_hostname=a.sni)
    handshake(sock, obj, incoming, outgoing)
    since = None  # RD-292: the 200 (or SENT) the watch's time is counted from
    challenge = None
    if a.impi:
        code, challenge = register(sock, obj, incoming, outgoing, a, local_port)
        since = time.monotonic()
        print(f"REGISTERED {code}", flush=True)
        if code != 200:
            return 2

    # All requests encrypted up front; ends[i]: ciphertext bytes up to the
    # end of request i's record.
    impu = a.impu
    cipher = bytearray()
    ends = []
    for i in range(a.count):
        msg = sip_peer.build("REGISTER", "sip:annexo.test",
                             [f"To: <{impu}>", f"From: <{impu}>;tag={i:x}",
                              f"Call-ID: flood-{i}", f"CSeq: {i + 1} REGISTER",
                              f"Contact: <sip:f@127.0.0.1:{local_port};transport=tls>"],
                             "TLS", local_port)
        obj.write(msg.encode() if isinstance(msg, str) else msg)
        cipher += outgoing.read()
        ends.append(len(cipher))
    if a.last:
        last = [f"To: <{impu}>", f"From: <{impu}>;tag=last",
                f"Contact: <sip:f@127.0.0.1:{local_port};transport=tls>"]
        if a.last == "bad-password" and challenge:
            last.append("Authorization: " + sip_peer.digest_answer(
                challenge, a.impi, a.password + "-wrong", "REGISTER", "sip:annexo.test"))
        msg = sip_peer.build("REGISTER", "sip:annexo.test", last, "TLS", local_port)
        if a.last == "bad-length":
            msg = msg.replace(b"Content-Length: 0\r\n", b"Content-Length: none\r\n")
        obj.write(msg)
        cipher += outgoing.read()
        ends.append(len(cipher))

    if a.read:
        return send_and_read(a, sock, obj, incoming, cipher, ends)

    start = time.monotonic()
    sent = 0
    ready = False
    how = "all"
    view = memoryview(cipher)
    while sent < len(cipher):
        try:
            sent += sock.send(view[sent:sent + 65536])
        except BlockingIOError:
            if not select.select([], [sock], [], a.stall)[1]:
                how = "blocked"
                break
        if not ready and (sent >= ends[min(499, len(ends) - 1)]):
            open(a.ready_file, "w").write("flooding\n")
            ready = True
    if not ready:
        open(a.ready_file, "w").write("stopped\n")
    full = sum(1 for e in ends if e <= sent)
    print(f"SENT {full} {sent} {how} {time.monotonic() - start:.2f}", flush=True)
    if a.watch_close:
        return watch_close(sock, a, since or time.monotonic(), local_port)

    end = time.monotonic() + 300
    while not os.path.exists(a.go_file):
        if time.monotonic() > end:
            print("no go file")
            return 2
        time.sleep(0.05)

    plain = bytearray()
    ended = "silent"
    scanned, answers = 0, 0
    while True:
        # Status lines counted in what arrived since the last look.
        start_at = max(0, scanned - 8)
        answers += plain.count(b"SIP/2.0 ", start_at) - plain.count(b"SIP/2.0 ", start_at, scanned)
        scanned = len(plain)
        if answers >= full:
            ended = "all"
            break
        if not select.select([sock], [], [], a.read_silence)[0]:
            break
        try:
            data = sock.recv(262144)
        except ConnectionResetError:
            ended = "reset"
            break
        if not data:
            ended = "eof"
            break
        incoming.write(data)
        while True:
            try:
                chunk = obj.read(262144)
            except ssl.SSLWantReadError:
                break
            except ssl.SSLZeroReturnError:
                ended = "close_notify"
                chunk = b""
                break
            if not chunk:
                break
            plain += chunk
        if ended == "close_notify":
            break
    n401 = plain.count(b"SIP/2.0 401 ")
    other = plain.count(b"SIP/2.0 ") - n401
    print(f"READ401 {n401} {other} {ended}", flush=True)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception as e:  # noqa: BLE001 - reported, judged by the test
        print(f"ERROR {type(e).__name__}: {e}", flush=True)
        sys.exit(2)
