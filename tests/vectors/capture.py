#!/usr/bin/env python3
"""Capture the raw bytes of a TLS peer on loopback (tests/vectors/README.md).

  capture.py listen PORT OUT.bin [SECONDS]
      Accept one connection on 127.0.0.1:PORT, write every byte the client
      sends within SECONDS (default 1.5) to OUT.bin, then close: a ClientHello.
  capture.py relay PORT UPSTREAM_PORT C2S.bin S2C.bin [SECONDS]
      Accept one connection on 127.0.0.1:PORT, relay it to
      127.0.0.1:UPSTREAM_PORT, dump each direction to its file.
"""
import select, socket, sys, time

def listener(port):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port))
    s.listen(1)
    return s

def main():
    mode = sys.argv[1]
    if mode == "listen":
        port, out = int(sys.argv[2]), sys.argv[3]
        secs = float(sys.argv[4]) if len(sys.argv) > 4 else 1.5
        s = listener(port)
        print("ready", flush=True)
        c, _ = s.accept()
        data, end = b"", time.time() + secs
        while time.time() < end:
            r, _, _ = select.select([c], [], [], 0.05)
            if r:
                chunk = c.recv(65536)
                if not chunk:
                    break
                data += chunk
        open(out, "wb").write(data)
        c.close()
    elif mode == "relay":
        port, up, c2s, s2c = int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
        secs = float(sys.argv[6]) if len(sys.argv) > 6 else 2.0
        s = listener(port)
        print("ready", flush=True)
        c, _ = s.accept()
        u = socket.create_connection(("127.0.0.1", up))
        bufs = {c: b"", u: b""}
        end = time.time() + secs
        open_ = {c, u}
        while time.time() < end and open_:
            r, _, _ = select.select(list(open_), [], [], 0.05)
            for x in r:
                chunk = x.recv(65536)
                if not chunk:
                    open_.discard(x)
                    continue
                bufs[x] += chunk
                (u if x is c else c).sendall(chunk)
        open(c2s, "wb").write(bufs[c])
        open(s2c, "wb").write(bufs[u])
        c.close(); u.close()
    else:
        sys.exit(__doc__)

if __name__ == "__main__":
    main()
