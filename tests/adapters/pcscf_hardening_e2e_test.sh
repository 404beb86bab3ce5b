#!/bin/bash
# The pcscf under hostile or unusual clients (issue 15), on 127.0.0.1 only:
# the RD-29 suite profile with an RSA certificate (OpenSSL s_client offering
# DHE only) and the descriptor limit (many idle connections, a low
# `ulimit -n`, a good ue still registering promptly, no CPU spin).
#   pcscf_hardening_e2e_test.sh PCSCF UE MAKE_PKI TESTLIB IDLE_CLIENTS
set -uo pipefail
PCSCF=$(realpath "$1")
UE=$(realpath "$2")
MAKE_PKI=$3
source "$4"
IDLE_CLIENTS=$(realpath "$5")
E2E_NAME=hardening
source "$(dirname "$0")/e2e_lib.sh"

pc_show() {
  echo "--- pcscf log (last 20 lines)"
  tail -20 "$PC_LOG" 2>/dev/null
}

# s_client NAME CIPHERS: a TLS 1.2 handshake with the pcscf offering CIPHERS only.
s_client() {
  timeout 10 openssl s_client -connect "127.0.0.1:$PC_PORT" -servername pcscf.test \
    -CAfile "$PKI/ca-rsa.pem" -tls1_2 -cipher "$2" </dev/null >"$WORK/$1.sclient" 2>&1
}

# The peer's view of a handshake: the suite s_client reports ("(NONE)" when
# none was agreed).
sclient_cipher() {
  grep -o 'Cipher is [^ ]*' "$WORK/$1.sclient" | head -1 | sed 's/Cipher is //'
}

# RD-29: no DHE suite, whatever the certificate. An RSA-certificate pcscf
# refuses an offer of DHE-RSA-AES-GCM only (0x009E, 0x009F) with a
# handshake_failure alert, and completes with ECDHE-RSA for the same client.
dhe_refused() {
  start_pcscf dhe --cert "$PKI/pcscf-rsa.pem" --key "$PKI/pcscf-rsa.key" || return 1
  s_client dhe-only 'DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384'
  local dhe_rc=$?
  s_client ecdhe 'ECDHE-RSA-AES128-GCM-SHA256'
  local ecdhe_rc=$?
  stop_pcscf
  local ok=0
  expect "control: s_client offering ECDHE-RSA-AES128-GCM completes (rc $ecdhe_rc)" \
    test "$ecdhe_rc" -eq 0 || ok=1
  expect "control: the suite agreed is ECDHE-RSA-AES128-GCM-SHA256" \
    test "$(sclient_cipher ecdhe)" = ECDHE-RSA-AES128-GCM-SHA256 || ok=1
  annexo_req 33210-6.2.3-TLS12-PROFILE \
    expect "s_client offering DHE-RSA-AES-GCM only fails its handshake (rc $dhe_rc)" \
    test "$dhe_rc" -ne 0 || ok=1
  annexo_req 33210-6.2.3-TLS12-PROFILE \
    expect "no DHE suite was agreed (s_client: cipher '$(sclient_cipher dhe-only)')" \
    bash -c "! grep -q 'Cipher is DHE' '$WORK/dhe-only.sclient'" || ok=1
  annexo_req 33210-6.2.3-TLS12-PROFILE \
    expect "the pcscf answered with a handshake_failure alert" \
    grep -q 'alert handshake failure' "$WORK/dhe-only.sclient" || ok=1
  ((ok == 0)) || { pc_show; echo "--- s_client (DHE only)"; tail -20 "$WORK/dhe-only.sclient"; }
  return $ok
}

#= spec#33210-6.2.3-TLS12-PROFILE type=test
annexo_case "33210-6.2.3-TLS12-PROFILE: an RSA-certificate pcscf refuses an s_client offering only DHE-RSA-AES-GCM (RD-29)" dhe_refused
annexo_finish
