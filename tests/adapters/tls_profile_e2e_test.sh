#!/bin/bash
# The TS 33.210 6.2 profile's recommended options, end to end with the real
# programs and OpenSSL's s_client as a third-party peer, on 127.0.0.1 only.
# The ue's side is seen by a scripted TLS P-CSCF (sip_peer.py serve).
#   tls_profile_e2e_test.sh PCSCF UE MAKE_PKI TESTLIB SIP_PEER
set -uo pipefail
PCSCF=$(realpath "$1")
UE=$(realpath "$2")
MAKE_PKI=$3
source "$4"
PEER=$(realpath "$5")
E2E_NAME=tlsprofile
source "$(dirname "$0")/e2e_lib.sh"

# s_client NAME ARGS...: a TLS 1.2 handshake with the pcscf, session printed.
s_client() {
  local name=$1
  shift
  timeout 60 openssl s_client -connect "127.0.0.1:$PC_PORT" -servername pcscf.test \
    -CAfile "$PKI/ca-ec.pem" -verify_return_error -tls1_2 "$@" </dev/null \
    >"$WORK/$name.sclient" 2>&1
  local rc=$?
  LOGS+=("$WORK/$name.sclient")
  ran "openssl s_client -tls1_2 $*" "$rc"
  return $rc
}

# secp384r1: a client that offers only that group completes the handshake on
# it. (In TLS 1.2 supported_groups also limits the curves of the server's
# ECDSA key, so this pcscf has a P-384 certificate.)
secp384r1_kx() {
  start_pcscf p384kx --cert "$PKI/pcscf-p384.pem" --key "$PKI/pcscf-p384.key" || return 1
  s_client p384kx -groups secp384r1
  local rc=$?
  stop_pcscf
  local ok=0
  req 33210-6.2.2-SECP384R1-KX "s_client offering only secp384r1 completes its handshake (rc $rc) with the key exchange on secp384r1" \
    bash -c "test $rc -eq 0 && grep -Eq 'Server Temp Key: ECDH, (P-384|secp384r1)' '$WORK/p384kx.sclient'" || ok=1
  ((ok == 0)) || show
  return $ok
}

# ECDSA P-384: a pcscf with a P-384 key signs its key exchange with it; the ue
# accepts the certificate and registers; s_client sees the P-384 server key.
ecdsa_p384_sig() {
  start_pcscf p384sig --cert "$PKI/pcscf-p384.pem" --key "$PKI/pcscf-p384.key" || return 1
  s_client p384sig
  local rc=$?
  stop_pcscf
  # The ue's side: a scripted P-CSCF with the same P-384 certificate.
  serve_ue p384ue "$PKI/pcscf-p384.pem" "$PKI/pcscf-p384.key" -- --password secret
  local ok=0
  req 33210-6.2.2-ECDSA-P384-SIG "s_client completes (rc $rc) against the pcscf's ECDSA P-384 key signed with SHA-384" \
    bash -c "test $rc -eq 0 && grep -q 'Server public key is 384 bit' '$WORK/p384sig.sclient' && grep -Eq 'Peer signing digest: SHA384|Signature type: ecdsa_secp384r1_sha384' '$WORK/p384sig.sclient'" || ok=1
  req 33210-6.2.2-ECDSA-P384-SIG "the ue accepts a P-384 ECDSA server certificate: its REGISTER reached the scripted P-CSCF over TLS" \
    grep -q '^REQUEST REGISTER ' "$SERVE_OUT" || ok=1
  ((ok == 0)) || show
  return $ok
}

#= spec#33210-6.2.2-SECP384R1-KX type=test
annexo_case "33210-6.2.2-SECP384R1-KX: a TLS client offering only secp384r1 completes its handshake with pcscf on that group" secp384r1_kx
#= spec#33210-6.2.2-ECDSA-P384-SIG type=test
annexo_case "33210-6.2.2-ECDSA-P384-SIG: pcscf with an ECDSA P-384 certificate; ue accepts it and s_client sees a P-384 signature" ecdsa_p384_sig
annexo_finish
