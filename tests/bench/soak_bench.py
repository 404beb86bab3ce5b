#!/usr/bin/env python3
"""Soak of one pcscf with churn (issue 15): RSS, descriptors and CPU over time.

   soak_bench.py PCSCF LOAD PKI_DIR [UES] [MINUTES] [SAMPLE_S]

Starts a pcscf and the load tool with UES UEs (default 1000) that register,
re-register every 60 s (--expires 60), send MESSAGEs (5/s) and have their
connections cut (2/s, each registers again) for MINUTES (default 30).
Samples the pcscf's RSS, open descriptors, CPU and bound bindings every
SAMPLE_S seconds (default 60) and prints one JSON line per sample, then a
summary: RSS and descriptors at the first sample after the warm-up (all UEs
registered) and at the end, and the load tool's summary lines. A benchmark
figure, not a test (tests/bench/README.md).
"""
import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pcscf_proc  # noqa: E402


def main():
    pcscf, load, pki = sys.argv[1], sys.argv[2], sys.argv[3]
    ues = int(sys.argv[4]) if len(sys.argv) > 4 else 1000
    minutes = float(sys.argv[5]) if len(sys.argv) > 5 else 30
    sample_s = float(sys.argv[6]) if len(sys.argv) > 6 else 60
    work = tempfile.mkdtemp(prefix="soak_bench.")
    users = work + "/users"
    pcscf_proc.write_users(users, ues)
    log = work + "/pcscf.log"
    p, port = pcscf_proc.start_pcscf(pcscf, pki, users, 0, log, ues + 500)
    duration = int(minutes * 60)
    ld = subprocess.Popen([load, "--pcscf", "127.0.0.1:%d" % port, "--pcscf-fqdn", "pcscf.test",
                           "--ca", pki + "/ca-ec.pem", "--users", users, "--ues", str(ues),
                           "--rate", "200", "--duration", str(duration), "--expires", "60",
                           "--message-rate", "5", "--churn-rate", "2"],
                          stdout=open(work + "/load.out", "w"), stderr=open(work + "/load.err", "w"))
    samples = []
    try:
        t0 = time.time()
        while ld.poll() is None:
            time.sleep(min(sample_s, max(0.0, duration + 5 - (time.time() - t0))))
            if ld.poll() is not None:
                break
            rss, fds, cpu = pcscf_proc.proc_figures(p.pid)
            s = {"t_s": round(time.time() - t0), "rss_kb": rss, "fds": fds, "cpu_s": round(cpu, 1),
                 "bound": pcscf_proc.bound(p, log + ".out")}
            samples.append(s)
            print(json.dumps(s), flush=True)
        ld.wait()
        warm = next((s for s in samples if s["bound"] >= ues), None)
        last = samples[-1] if samples else None
        summary = [l for l in open(work + "/load.out").read().splitlines() if l.startswith("load:")]
        print(json.dumps({"ues": ues, "minutes": minutes, "load_exit": ld.returncode,
                          "after_warmup": warm, "end": last, "load": summary, "work": work}))
    finally:
        if ld.poll() is None:
            ld.kill()
        p.terminate()
        p.wait()


if __name__ == "__main__":
    main()
