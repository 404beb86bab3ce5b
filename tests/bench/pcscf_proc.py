"""Shared by the pcscf benchmarks that run the pcscf and the load tool as
processes (restart_bench.py, soak_bench.py): start a pcscf and wait for its
port, count its bindings (SIGUSR1 dump), read its RSS, descriptors and CPU."""
import os
import re
import signal
import subprocess
import time


def start_pcscf(pcscf, pki, users, port, log_path, max_conn, extra=()):
    """A pcscf on 127.0.0.1:PORT (0: the kernel picks); returns (process, port)."""
    log = open(log_path, "a+")
    out = open(log_path + ".out", "a+")
    p = subprocess.Popen([pcscf, "--listen", "127.0.0.1:%d" % port, "--cert", pki + "/pcscf-ec.pem",
                          "--key", pki + "/pcscf-ec.key", "--users", users, "--log-format", "json",
                          "--max-bindings", str(2 * max_conn), "--max-connections", str(max_conn),
                          *extra], stderr=log, stdout=out)
    start = log.tell()
    end = time.time() + 30
    while time.time() < end:
        log.seek(start)
        m = re.search(r'"listen":"127\.0\.0\.1:(\d+)"', log.read())
        if m:
            return p, int(m.group(1))
        if p.poll() is not None:
            raise SystemExit("pcscf exited %d at start-up; see %s" % (p.returncode, log_path))
        time.sleep(0.05)
    p.kill()
    raise SystemExit("pcscf did not listen within 30 s; see %s" % log_path)


def bound(p, out_path, budget=10.0):
    """Bindings in state bound, from a SIGUSR1 dump of the pcscf's table. The
    JSON dump ends with its {"bindings":N,"capacity":M} line
    (adapters/pcscf/pcscf_server.cc dump_bindings): wait for it, so the dump is
    whole, not merely quiet for a while."""
    before = os.path.getsize(out_path)
    p.send_signal(signal.SIGUSR1)
    end = time.time() + budget
    while True:
        with open(out_path) as f:
            f.seek(before)
            dump = f.read()
        if re.search(r'^\{"bindings":\d+', dump, re.M):
            return dump.count('"state":"bound"')
        if time.time() >= end:
            raise SystemExit("pcscf (pid %d) wrote no complete binding dump to %s within %.0f s of SIGUSR1"
                             % (p.pid, out_path, budget))
        time.sleep(0.05)


def proc_figures(pid):
    """(RSS in KB, open descriptors, CPU seconds) of a process."""
    rss = 0
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
    fds = len(os.listdir("/proc/%d/fd" % pid))
    with open("/proc/%d/stat" % pid) as f:
        ticks = sum(int(x) for x in f.read().rsplit(")", 1)[1].split()[11:13])
    return rss, fds, ticks / os.sysconf("SC_CLK_TCK")


def write_users(path, n):
    with open(path, "w") as f:
        for i in range(1, n + 1):
            f.write("u%05d@annexo.test pw%05d sip:u%05d@annexo.test\n" % (i, i, i))
