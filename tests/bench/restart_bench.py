#!/usr/bin/env python3
"""Time until N staying UEs are all registered again after kill -9 and restart
of the pcscf (issue 15; RFC 5626 4.5 back-off in the UE client, RD-103).

   restart_bench.py PCSCF LOAD PKI_DIR N [RATE] [DOWN_S]

Starts a pcscf and the load tool with N UEs (RATE per second, default 150)
that stay; once the pcscf's binding table holds N bound bindings, kills the
pcscf with SIGKILL, starts it again on the same port DOWN_S seconds later
(default 2) and polls its binding table until it holds N again (budget
10 minutes). Prints one JSON line: the time from the restart until all N were
bound, how many came back, and the load tool's failure count. A benchmark
figure, not a test (tests/bench/README.md); raise `ulimit -n` above N + 1000.
"""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pcscf_proc  # noqa: E402


def wait_bound(p, out, n, budget):
    """Seconds until the pcscf's table holds n bound bindings, or None."""
    t0 = time.time()
    last = 0
    while time.time() - t0 < budget:
        last = pcscf_proc.bound(p, out)
        if last >= n:
            return time.time() - t0, last
        time.sleep(1.0)
    return None, last


def main():
    pcscf, load, pki, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    rate = int(sys.argv[5]) if len(sys.argv) > 5 else 150
    down_s = float(sys.argv[6]) if len(sys.argv) > 6 else 2.0
    work = tempfile.mkdtemp(prefix="restart_bench.")
    users = work + "/users"
    pcscf_proc.write_users(users, n)
    log = work + "/pcscf.log"
    p, port = pcscf_proc.start_pcscf(pcscf, pki, users, 0, log, n + 500)
    ld = subprocess.Popen([load, "--pcscf", "127.0.0.1:%d" % port, "--pcscf-fqdn", "pcscf.test",
                           "--ca", pki + "/ca-ec.pem", "--users", users, "--ues", str(n),
                           "--rate", str(rate), "--duration", "3600"],
                          stdout=open(work + "/load.out", "w"), stderr=open(work + "/load.err", "w"))
    try:
        first, got = wait_bound(p, log + ".out", n, n / max(rate, 1) * 3 + 120)
        if first is None:
            raise SystemExit("only %d of %d registered before the restart; see %s" % (got, n, work))
        p.send_signal(signal.SIGKILL)
        p.wait()
        time.sleep(down_s)  # the outage being measured, not a wait for readiness
        t_restart = time.time()
        p, _ = pcscf_proc.start_pcscf(pcscf, pki, users, port, log, n + 500)
        back, got = wait_bound(p, log + ".out", n, 600)
        ld.send_signal(signal.SIGINT)
        try:
            ld.wait(timeout=60)
        except subprocess.TimeoutExpired:
            ld.kill()
        summary = open(work + "/load.out").read()
        failures = [l for l in summary.splitlines() if l.startswith("load: failure")]
        print(json.dumps({"ues": n, "rate": rate, "first_registration_s": round(first, 1),
                          "down_s": down_s, "all_back_s": None if back is None else round(back, 1),
                          "bound_after_restart": got,
                          "seconds_since_restart": round(time.time() - t_restart, 1),
                          "load_failures": failures, "work": work}))
    finally:
        if ld.poll() is None:
            ld.kill()
        p.terminate()
        p.wait()


if __name__ == "__main__":
    main()
