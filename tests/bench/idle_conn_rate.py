#!/usr/bin/env python3
"""New-connection rate of a pcscf holding N idle connections (issue 15).

   idle_conn_rate.py PCSCF PKI_DIR USERS N M

Starts PCSCF on 127.0.0.1:0, opens N TCP connections that never send a byte,
then makes M connections one after another, each sending one byte that the
ClientHello gate refuses at once (record type 0) and waiting for the pcscf to
close it: a full pass of the event loop per connection. Prints the rate and
the pcscf's CPU time per connection (the client side may be the bottleneck).
A benchmark figure, not a test (tests/bench/README.md).
"""
import json
import os
import re
import socket
import subprocess
import sys
import time


def main():
    pcscf, pki, users, n, m = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
    log = open("/tmp/idle_conn_rate.%d.log" % os.getpid(), "w+")
    p = subprocess.Popen([pcscf, "--listen", "127.0.0.1:0", "--cert", pki + "/pcscf-ec.pem",
                          "--key", pki + "/pcscf-ec.key", "--users", users, "--log-format", "json",
                          "--unbound-idle", "3600", "--max-connections", str(n + 1000)],
                         stderr=log, stdout=subprocess.DEVNULL)
    try:
        port = None
        end = time.time() + 30
        while port is None and time.time() < end:
            log.seek(0)
            mm = re.search(r'"listen":"127\.0\.0\.1:(\d+)"', log.read())
            if mm:
                port = int(mm.group(1))
            else:
                time.sleep(0.05)
        if port is None:
            sys.exit("pcscf did not start")
        # The idle connections are held by another process (so that this one
        # measures with few sockets of its own).
        ready = "/tmp/idle_conn_rate.%d.ready" % os.getpid()
        holder = subprocess.Popen([sys.executable, os.path.join(os.path.dirname(
            os.path.abspath(__file__)), "..", "adapters", "idle_clients.py"), "127.0.0.1",
            str(port), str(n), ready])
        while not os.path.exists(ready):
            time.sleep(0.1)
        def cpu_ticks():  # utime + stime of the pcscf, in clock ticks
            with open("/proc/%d/stat" % p.pid) as f:
                return sum(int(x) for x in f.read().rsplit(")", 1)[1].split()[11:13])

        # Let the pcscf accept the backlog: wait until its CPU time stops growing.
        last = None
        while True:
            ticks = cpu_ticks()
            if ticks == last:
                break
            last = ticks
            time.sleep(0.5)
        c0 = cpu_ticks()
        t0 = time.time()
        for _ in range(m):
            # From another source address: the kernel's search for a free
            # ephemeral port toward 127.0.0.1:port would otherwise grow with the
            # idle connections and measure the client, not the pcscf.
            s = socket.create_connection(("127.0.0.1", port), source_address=("127.0.0.2", 0))
            s.sendall(b"\x00")
            while s.recv(4096):
                pass
            s.close()
        dt = time.time() - t0
        cpu = (cpu_ticks() - c0) / os.sysconf("SC_CLK_TCK")
        print(json.dumps({"idle": n, "connections": m, "seconds": round(dt, 3),
                          "per_second": round(m / dt, 1),
                          "pcscf_cpu_ms_per_connection": round(1000 * cpu / m, 3)}))
    finally:
        if "holder" in locals():
            holder.terminate()
            holder.wait()
        p.terminate()
        p.wait()


if __name__ == "__main__":
    main()
