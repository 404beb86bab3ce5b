#!/bin/bash
# Wall time of the conformance probe's P-CSCF suite without the long-timer
# TPs (`probe --skip-long --implemented-only`: every TP_PC_TLS_*, TP_PC_CERT_*
# and TP_PC_SIP_* the PICS selects) against annexo's own pcscf on loopback
# (issue 13's speed target: under 2 minutes). A benchmark figure for
# tests/bench/README.md, not a timed test.
#   bazel build //adapters/pcscf //adapters/probe && tests/bench/probe_pcscf_bench.sh
# Two runs, as the probe's own tests do (tests/probe/probe_pcscf_tls_e2e_test,
# pcscf_sip_probe_test): pcscf with its embedded home network (registers the
# PIXIT users itself, the only mode with a sec-agree listener) for the TLS,
# CERT and sec-agree TPs, then pcscf in forward mode (--next-hop at the
# probe's S-CSCF side) for the other SIP TPs. Session lifetime: the PICS's
# 20 s (PICS_SESSION_LIFETIME_S), as tools/probe_run.sh.
# TLS_STACK=openssl: pcscf --tls-stack openssl judged with
# spec/probe/annexo-pcscf-openssl.pics.toml (the TLS 1.3 TPs too, RD-276).
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PCSCF=$root/bazel-bin/adapters/pcscf/pcscf
PROBE=$root/bazel-bin/adapters/probe/probe
STACK=${TLS_STACK:-botan}
PICS=$root/spec/probe/annexo-pcscf.pics.toml
[ "$STACK" = botan ] || PICS=$root/spec/probe/annexo-pcscf-$STACK.pics.toml
for b in "$PCSCF" "$PROBE"; do [ -x "$b" ] || { echo "not built: $b"; exit 1; }; done
[ -f "$PICS" ] || { echo "no PICS for stack $STACK: $PICS"; exit 1; }
W=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$W"' EXIT
"$root/tests/pki/make_pki.sh" "$W/pki" >/dev/null 2>&1 || { echo "make_pki failed"; exit 1; }
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
port_of() { # LOG REQ: the listen port pcscf logged for REQ, waiting up to 10 s
  local p="" end=$((SECONDS + 10))
  while [ -z "$p" ] && ((SECONDS < end)); do
    p=$(grep "\"$2\"" "$1" | grep -o '"listen":"127.0.0.1:[0-9]*"' | head -1 | sed 's/.*://; s/"//')
    [ -n "$p" ] || sleep 0.05
  done
  echo "$p"
}
pics() { sed "s/^PICS_LISTEN_PORT = .*/PICS_LISTEN_PORT = $1/" "$PICS" >"$W/pics.toml"; }
pixit() { # PORT NEXT_HOP [SECAGREE_PORT]
  sed -e "s/^port = .*/port = $1/" -e "s/^next_hop_port = .*/next_hop_port = $2/" \
    -e "s#^ca_file = .*#ca_file = \"$W/pki/ca-ec.pem\"#" \
    -e "s/^secagree_port = .*/${3:+secagree_port = $3}/" \
    -e "s/^unbound_idle_budget_s = .*/unbound_idle_budget_s = 8/" \
    "$root/spec/probe/annexo-pcscf.pixit.toml" >"$W/pixit.toml"
}
summary() { grep -E '^probe:|^ +[a-z ]+ +[0-9]+$' "$1"; }

# The P-CSCF TPs of the catalogue: TLS and CERT, and SIP.
ids() { # PREFIX...: the catalogue's TP IDs with these prefixes, comma-separated
  python3 - "$root/spec/test_purposes" "$@" <<'PY'
import glob, re, sys
ids = []
for f in sorted(glob.glob(sys.argv[1] + "/*.toml")):
    ids += re.findall(r'^id = "(TP_PC_[A-Z]+_\d+)"', open(f).read(), re.M)
print(",".join(i for i in ids if i.startswith(tuple(sys.argv[2:]))))
PY
}
SECAGREE=TP_PC_SIP_015,TP_PC_SIP_016,TP_PC_SIP_017,TP_PC_SIP_018,TP_PC_SIP_029

# 1. pcscf with its embedded home network (the PIXIT's users, the sec-agree
# listener, the PICS's 20 s session lifetime): TLS, CERT and sec-agree TPs.
printf '%s\n' 'alice@annexo.test alice-password sip:alice@annexo.test' \
  'bob@annexo.test bob-password sip:bob@annexo.test' >"$W/users"
"$PCSCF" --tls-stack "$STACK" --listen 127.0.0.1:0 --secagree-listen 127.0.0.1:0 --users "$W/users" \
  --cert "$W/pki/pcscf-ec.pem" --key "$W/pki/pcscf-ec.key" --session-lifetime 20 \
  --log-format json 2>"$W/pcscf-emb.log" &
pid=$!
port=$(port_of "$W/pcscf-emb.log" O.2.1-PC-PORT)
sa=$(port_of "$W/pcscf-emb.log" O.2-UE-VARIANT-SECAGREE)
[ -n "$port" ] && [ -n "$sa" ] || { echo "embedded pcscf did not start"; tail -3 "$W/pcscf-emb.log"; exit 1; }
pics "$port"
pixit "$port" "$(free_port)" "$sa"
t0=$(date +%s.%N)
"$PROBE" --spec "$root/spec" --pics "$W/pics.toml" --pixit "$W/pixit.toml" --out "$W/emb" \
  --implemented-only --skip-long --tp "$(ids TP_PC_TLS_ TP_PC_CERT_),$SECAGREE" >"$W/emb.out" 2>&1
rc1=$?
t1=$(date +%s.%N)
kill "$pid"; wait "$pid" 2>/dev/null; pid=""

# 2. pcscf in forward mode (--next-hop at the probe's S-CSCF side,
# --unbound-idle 3 and --transaction-timeout 4 as in pcscf_sip_probe_test):
# the other SIP TPs.
nh=$(free_port)
"$PCSCF" --tls-stack "$STACK" --listen 127.0.0.1:0 --core-listen 127.0.0.1:0 --next-hop "127.0.0.1:$nh" \
  --cert "$W/pki/pcscf-ec.pem" --key "$W/pki/pcscf-ec.key" \
  --unbound-idle 3 --session-lifetime 20 --transaction-timeout 4 --log-format json 2>"$W/pcscf-fwd.log" &
pid=$!
port=$(port_of "$W/pcscf-fwd.log" O.2.1-PC-PORT)
[ -n "$port" ] || { echo "pcscf did not start"; tail -3 "$W/pcscf-fwd.log"; exit 1; }
pics "$port"
pixit "$port" "$nh"
sip=$(ids TP_PC_SIP_ | tr ',' '\n' | grep -v -x -F -e "${SECAGREE//,/$'\n'}" | paste -sd,)
t2=$(date +%s.%N)
"$PROBE" --spec "$root/spec" --pics "$W/pics.toml" --pixit "$W/pixit.toml" --out "$W/fwd" \
  --implemented-only --skip-long --tp "$sip" >"$W/fwd.out" 2>&1
rc2=$?
t3=$(date +%s.%N)

echo "embedded home network (TLS, CERT, sec-agree TPs): exit $rc1, $(echo "$t1 - $t0" | bc) s"
summary "$W/emb.out"
echo "forward mode (the other SIP TPs): exit $rc2, $(echo "$t3 - $t2" | bc) s"
summary "$W/fwd.out"
echo "total probe wall time: $(echo "$t1 - $t0 + $t3 - $t2" | bc) s"
# The slowest TPs (each TP's duration from the JSON report).
echo "slowest TPs, and every verdict other than pass:"
python3 - "$W/emb/probe-report.json" "$W/fwd/probe-report.json" <<'PY'
import json, sys
tps = [t for f in sys.argv[1:] for t in json.load(open(f))["tps"]]
for t in sorted(tps, key=lambda t: -t.get("seconds", 0))[:5]:
    print(f"  {t['id']} {t['verdict']} {t.get('seconds', 0):.1f} s")
for t in tps:
    if t["verdict"] != "pass":
        print(f"  {t['id']} {t['verdict']}: {t['reason'][:100]}")
PY
