# shellcheck shell=bash
# Shared by the probe's UE-group tests (probe_ue_e2e_test.sh,
# probe_ue_mutants_test.sh): annexo's PIXIT for a UE, running the probe,
# reading its verdicts. The caller sets PROBE, SPEC and WORK (with the test
# PKI in WORK/pki). ANNEXO_TLS_STACK is the stack annexo's ue runs (default
# botan) and picks its PICS (RD-276).
STACK=${ANNEXO_TLS_STACK:-botan}
PICS=$SPEC/probe/annexo-ue.pics.toml
[ "$STACK" = botan ] || PICS=$SPEC/probe/annexo-ue-$STACK.pics.toml

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# pixit UE_BINARY OUT: annexo's PIXIT for a UE (spec/probe/annexo-ue.pixit.toml)
# with this run's PKI, a free port, the binary on this target's TLS stack,
# and a quick flow recovery.
pixit() {
  sed -e "s#^pki_dir = .*#pki_dir = \"$WORK/pki\"#" \
    -e "s#^listen_port = .*#listen_port = $(free_port)#" \
    -e "s#^secagree_port = .*#secagree_port = $(free_port)#" \
    -e "s#^command = \"ue #command = \"$1 --tls-stack $STACK #" \
    -e "s#^secagree_command = \"ue #secagree_command = \"$1 --tls-stack $STACK #" \
    -e 's#--stay 30"$#--stay 120 --reconnect-base 1 --reconnect-max 4"#' \
    "$SPEC/probe/annexo-ue.pixit.toml" >"$2"
  [ "$(grep -c "command = \"$1 --tls-stack $STACK " "$2")" = 2 ] || { echo "PIXIT templates not rewritten: $2"; return 1; }
}

# run_probe NAME UE_BINARY [probe args...]: runs the probe; prints its exit
# status and terminal output on failure of the caller's checks.
run_probe() {
  local name=$1 ue=$2
  shift 2
  pixit "$ue" "$WORK/$name.pixit.toml" || return 1
  "$PROBE" --spec "$SPEC" --pics "$PICS" \
    --pixit "$WORK/$name.pixit.toml" --out "$WORK/$name" --implemented-only "$@" \
    >"$WORK/$name.out" 2>&1
  echo $? >"$WORK/$name.status"
}

# verdicts NAME: "ID verdict" per TP run (not `none`, not `not run`).
verdicts() {
  python3 - "$WORK/$1/probe-report.json" <<'PY'
import json, sys
for t in json.load(open(sys.argv[1]))["tps"]:
    if t["verdict"] not in ("none", "not run"):
        print(t["id"], t["verdict"])
PY
}

show() {
  echo "probe exit status $(cat "$WORK/$1.status"); output:"
  tail -n 60 "$WORK/$1.out"
}

# expect_fails NAME "ID ID ...": the TPs that fail are exactly these; the
# probe exits 1.
expect_fails() {
  local got
  got=$(verdicts "$1" | awk '$2 == "fail" {print $1}' | sort | tr '\n' ' ')
  local want
  want=$(echo "$2" | tr ' ' '\n' | sort | tr '\n' ' ')
  if [ "$got" != "$want" ] || [ "$(cat "$WORK/$1.status")" != 1 ]; then
    echo "failing TPs: got [$got] want [$want]"
    show "$1"
    return 1
  fi
  # Every other TP that ran passed.
  if verdicts "$1" | grep -v -e " pass$" -e " fail$" | grep .; then
    show "$1"
    return 1
  fi
  echo "failing TPs as expected: $got"
}
