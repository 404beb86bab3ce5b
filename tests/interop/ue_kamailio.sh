#!/bin/bash
# annexo's ue registers with Kamailio (kamailio-tls-modules), configured by
# the harness as a TLS registrar with SIP Digest (tests/interop/kamailio/).
# Loopback only; Kamailio runs in the foreground and is stopped by its PID
# inside each case.
#   ue_kamailio.sh UE MAKE_PKI TESTLIB
set -uo pipefail
UE=$(realpath "$1")
MAKE_PKI=$2
IOP_SCRIPT=$(realpath "${BASH_SOURCE[0]}")
source "$(dirname "$IOP_SCRIPT")/lib.sh"
source "$3"

iop_pki "$MAKE_PKI"
CA=$IOP_PKI/ca-ec.pem

# kamailio_case NAME ALGORITHM PASSWORD EXPECTED-EXIT [ue options]
run_against_kamailio() {
  local name=$1 alg=$2 pw=$3 want=$4
  shift 4
  local port
  port=$(iop_free_port) || return 1
  iop_kamailio "$name" "$port" "$IOP_PKI/pcscf-ec.pem" "$IOP_PKI/pcscf-ec.key" "$alg" TLSv1.2 || return 1
  local kam=$IOP_KAM_PID
  timeout 60 "$UE" --pcscf "127.0.0.1:$port" --pcscf-fqdn pcscf.test --ca "$CA" --impi "$IOP_IMPI" \
    --impu "$IOP_IMPU" --password "$pw" --log-format json "$@" >"$IOP_TMP/$name.ue.out" 2>"$IOP_TMP/$name.ue.log"
  local rc=$? r=0
  iop_stop "$kam"
  [ "$rc" -eq "$want" ] || r=1
  if [ "$want" -eq 0 ]; then
    grep -q "^ue: REGISTERED $IOP_IMPU" "$IOP_TMP/$name.ue.out" || r=1
    grep -q 'annexo-iop: authenticated' "$IOP_KAM_LOG" || r=1
    grep -q '"verdict":"ALLOW","req":"N.2-UE-VERIFY-RSPAUTH"' "$IOP_TMP/$name.ue.log" || r=1
    if [ -n "${WANT_REREG:-}" ]; then
      grep -q "^ue: REREGISTERED $IOP_IMPU" "$IOP_TMP/$name.ue.out" || r=1
      grep -q '"req":"O.4.3-UE-REREG-OVER-ACTIVE-SESSION"' "$IOP_TMP/$name.ue.log" || r=1
      # One TCP/TLS connection: one open_tls decision in the whole stay.
      [ "$(grep -c '"msg":"open_tls"' "$IOP_TMP/$name.ue.log")" -eq 1 ] || r=1
    fi
  else
    grep -q '^ue: REFUSED O.3.1.1-UE-CLOSE-ON-AUTH-FAIL' "$IOP_TMP/$name.ue.out" || r=1
  fi
  if ((r != 0)); then
    echo "ue exit $rc (want $want)"
    cat "$IOP_TMP/$name.ue.out"
    tail -10 "$IOP_TMP/$name.ue.log"
    echo "--- kamailio"
    grep 'annexo-iop\|ERROR' "$IOP_KAM_LOG" | tail -10
  fi
  return $r
}

env_rereg() { WANT_REREG=1 "$@"; }

#= spec#N.2-UE-VERIFY-RSPAUTH type=test
#= spec#O.2.1-UE-AUTH-PC-BY-CERT type=test
annexo_case "N.2-UE-VERIFY-RSPAUTH: ue registers with Kamailio (TLS registrar, Digest MD5) and verifies its rspauth" \
  run_against_kamailio kam-md5 MD5 "$IOP_PASSWORD" 0
#= spec#N.1-DIGEST-RFC7616 type=test
annexo_case "N.1-DIGEST-RFC7616: ue registers with Kamailio using Digest SHA-256" \
  run_against_kamailio kam-sha256 SHA-256 "$IOP_PASSWORD" 0
# Kamailio grants at least 60 s (registrar min_expires), so the re-REGISTER comes after 30 s.
#= spec#O.4.3-UE-REREG-OVER-ACTIVE-SESSION type=test
annexo_case "O.4.3-UE-REREG-OVER-ACTIVE-SESSION: ue stays registered with Kamailio and re-registers over the same TLS connection" \
  env_rereg run_against_kamailio kam-stay MD5 "$IOP_PASSWORD" 0 --stay 33 --expires 60
#= spec#O.3.1.1-UE-CLOSE-ON-AUTH-FAIL type=test
annexo_case "O.3.1.1-UE-CLOSE-ON-AUTH-FAIL: ue with a wrong password gives up on Kamailio's refusal (exit 4)" \
  run_against_kamailio kam-wrong MD5 wrong-password 4
annexo_finish
