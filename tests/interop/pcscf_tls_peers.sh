#!/bin/bash
# annexo's pcscf against TLS clients nobody here wrote: OpenSSL s_client and
# GnuTLS gnutls-cli, well-behaved and misbehaving (NULL-only offers, TLS
# 1.0/1.1-only offers, client-initiated renegotiation, malformed and oversized
# SIP), with tshark watching the wire. Loopback only; every pcscf (and tshark)
# is stopped by its PID inside its case.
#   pcscf_tls_peers.sh PCSCF MAKE_PKI TESTLIB
set -uo pipefail
IOP_SCRIPT=$(realpath "${BASH_SOURCE[0]}")
source "$(dirname "$IOP_SCRIPT")/lib.sh"
source "$3"
iop_pcscf_driver "$1" "$2"

# RFC 5246 7.2 alert numbers (literals, not the core's table).
HANDSHAKE_FAILURE=40
PROTOCOL_VERSION=70
NO_RENEGOTIATION=100

# The last s_client received alert N (and no other), and no ServerHello.
sclient_refused_with() {
  iop_trace_alert_received "$IOP_TMP/s_client.out" "$1" &&
    ! iop_trace_events "$IOP_TMP/s_client.out" | grep -qx 'recv ServerHello'
}
# The last gnutls-cli completed no handshake and received fatal alert N.
gnutls_refused_with() {
  ! grep -q 'Handshake was completed' "$IOP_TMP/gnutls-cli.out" &&
    grep -q "Received alert \[$1\]" "$IOP_TMP/gnutls-cli.out"
}

REGISTER='REGISTER sip:ims.test SIP/2.0\r\nVia: SIP/2.0/TLS 127.0.0.1:5999;branch=z9hG4bKiop1\r\nMax-Forwards: 70\r\nFrom: <sip:alice@ims.test>;tag=iop\r\nTo: <sip:alice@ims.test>\r\nCall-ID: iop-1\r\nCSeq: 1 REGISTER\r\nContact: <sip:alice@127.0.0.1:5999;transport=tls>\r\nContent-Length: 0\r\n\r\n'

openssl_well_behaved() {
  iop_start_pcscf ossl-good || return 1
  iop_s_client "$PC_PORT" "$CA" "$REGISTER" -tls1_2
  local rc=$? sid
  iop_stop "$PC_PID"
  sid=$(iop_s_client_session_id)
  annexo_req O.2.1-PC-NO-CLIENT-CERT-REQ test "$rc" -eq 0
  annexo_req O.2.1-PC-NO-CLIENT-CERT-REQ test "$(iop_s_client_protocol)" = "TLSv1.2"
  annexo_req O.2.1-PC-NO-CLIENT-CERT-REQ not iop_s_client_saw_certreq
  annexo_req O.2.1-PC-NO-CLIENT-CERT-REQ grep -q '^SIP/2.0 401 Unauthorized' "$IOP_TMP/s_client.out"
  annexo_req O.2.1-PC-NONEMPTY-SESSION-ID test "${#sid}" -eq 64
  # Diagnostic only (annexo's own log): the same Session ID is logged.
  grep -q "\"session_id\":\"$(tr 'A-F' 'a-f' <<<"$sid")\"" "$PC_LOG" || { echo "Session ID $sid not in the pcscf log"; return 1; }
}

openssl_null_only() {
  iop_start_pcscf ossl-null || return 1
  iop_s_client "$PC_PORT" "$CA" "" -tls1_2 -cipher 'NULL-SHA256:NULL-SHA:ECDHE-ECDSA-NULL-SHA:@SECLEVEL=0'
  iop_stop "$PC_PID"
  annexo_req O.2.1-UE-NONNULL-OFFER test -z "$(iop_s_client_cipher)"
  annexo_req O.2.1-UE-NONNULL-OFFER sclient_refused_with $HANDSHAKE_FAILURE
}

openssl_legacy() {  # -tls1 | -tls1_1
  iop_start_pcscf "ossl$1" || return 1
  iop_s_client "$PC_PORT" "$CA" "" "$1" -cipher 'DEFAULT:@SECLEVEL=0'
  iop_stop "$PC_PID"
  annexo_req 33210-6.2.1-NO-LEGACY-VERSIONS test -z "$(iop_s_client_cipher)"
  annexo_req 33210-6.2.1-NO-LEGACY-VERSIONS sclient_refused_with $PROTOCOL_VERSION
}

openssl_client_renegotiation() {
  iop_start_pcscf ossl-reneg || return 1
  # Interactive s_client (commands on): a line "R" asks for a renegotiation
  # once the handshake is done; it waits for the refusal.
  IOP_EXPECT='no renegotiation|RENEGOTIATING.*(\n|.)*(error|DONE)' _iop_tls_client "$IOP_TMP/s_client.out" 'R\n' 'no renegotiation' \
    openssl s_client -connect "127.0.0.1:$PC_PORT" -tls1_2 -no_ticket -CAfile "$CA" -trace
  iop_stop "$PC_PID"
  annexo_req O.4.2-PC-NO-CLIENT-RENEG bash -c 'grep -q "^RENEGOTIATING" "$0"' "$IOP_TMP/s_client.out"
  annexo_req O.4.2-PC-NO-CLIENT-RENEG iop_trace_alert_received "$IOP_TMP/s_client.out" $NO_RENEGOTIATION
  # The renegotiation never completed: one ServerHello only.
  annexo_req O.4.2-PC-NO-CLIENT-RENEG test "$(iop_trace_events "$IOP_TMP/s_client.out" | grep -cx 'recv ServerHello')" -eq 1
}

gnutls_well_behaved() {
  iop_start_pcscf gnutls-good || return 1
  iop_gnutls_cli "$PC_PORT" "$CA" "$REGISTER" --priority 'NORMAL:-VERS-ALL:+VERS-TLS1.2'
  iop_stop "$PC_PID"
  annexo_req O.2.1-ALL-PROFILE grep -q 'Handshake was completed' "$IOP_TMP/gnutls-cli.out"
  annexo_req O.2.1-ALL-PROFILE grep -q '(TLS1.2-' "$IOP_TMP/gnutls-cli.out"
  annexo_req O.2.1-ALL-PROFILE grep -q 'SIP/2.0 401 Unauthorized' "$IOP_TMP/gnutls-cli.out"
}

gnutls_null_only() {
  iop_start_pcscf gnutls-null || return 1
  iop_gnutls_cli "$PC_PORT" "$CA" "" \
    --priority 'NONE:+VERS-TLS1.2:+NULL:+SHA1:+SHA256:+ECDHE-ECDSA:+ECDHE-RSA:+RSA:+COMP-NULL:+SIGN-ALL:+GROUP-ALL'
  iop_stop "$PC_PID"
  annexo_req O.2.1-UE-NONNULL-OFFER gnutls_refused_with $HANDSHAKE_FAILURE
}

gnutls_legacy() {  # 1.0 | 1.1
  iop_start_pcscf "gnutls-tls$1" || return 1
  iop_gnutls_cli "$PC_PORT" "$CA" "" --priority "NORMAL:-VERS-ALL:+VERS-TLS$1:%VERIFY_ALLOW_SIGN_WITH_SHA1"
  iop_stop "$PC_PID"
  annexo_req 33210-6.2.1-NO-LEGACY-VERSIONS gnutls_refused_with $PROTOCOL_VERSION
}

# tshark on lo watches an openssl s_client handshake: the handshake types on
# the wire and the Session ID length of the ServerHello.
tshark_wire() {
  iop_start_pcscf tshark || return 1
  iop_tshark_start ts_good "$PC_PORT" || return 1
  iop_s_client "$PC_PORT" "$CA" "$(iop_register_text z9hG4bKiopts)" -tls1_2
  iop_tshark_stop ts_good
  iop_stop "$PC_PID"
  local len
  len=$(iop_tshark_server_session_id_len ts_good)
  annexo_req O.2.1-PC-NO-CLIENT-CERT-REQ iop_tshark_saw_type ts_good 1   # ClientHello
  annexo_req O.2.1-PC-NO-CLIENT-CERT-REQ iop_tshark_saw_type ts_good 2   # ServerHello
  annexo_req O.2.1-PC-NO-CLIENT-CERT-REQ not iop_tshark_saw_type ts_good 13  # CertificateRequest
  annexo_req O.2.1-ALL-SESSION-ID test "${len:-0}" -eq 32
  annexo_req O.2.1-PC-NONEMPTY-SESSION-ID test "${len:-0}" -eq 32
}

# The 401 of an unauthenticated REGISTER carries a Digest challenge.
digest_challenge() {
  iop_start_pcscf digest || return 1
  iop_s_client "$PC_PORT" "$CA" "$(iop_register_text z9hG4bKiopdg)" -tls1_2
  iop_stop "$PC_PID"
  local o=$IOP_TMP/s_client.out
  annexo_req O.2.1-HN-AUTH-UE-DIGEST grep -q '^SIP/2.0 401 ' "$o"
  annexo_req O.2.1-HN-AUTH-UE-DIGEST grep -Eq '^WWW-Authenticate: Digest .*realm="ims.test"' "$o"
  annexo_req O.2.1-HN-AUTH-UE-DIGEST grep -Eq '^WWW-Authenticate: Digest .*qop="auth"' "$o"
  annexo_req O.2.1-HN-AUTH-UE-DIGEST grep -Eq '^WWW-Authenticate: Digest .*nonce="[^"]+' "$o"
}

# A pcscf with the RSA certificate, verified against the RSA CA.
rsa_instance() {
  iop_start_pcscf rsa rsa || return 1
  iop_s_client "$PC_PORT" "$IOP_PKI/ca-rsa.pem" "$(iop_register_text z9hG4bKiopr)" -tls1_2
  local rc=$?
  iop_stop "$PC_PID"
  annexo_req O.2.1-ALL-PROFILE test "$rc" -eq 0
  annexo_req O.2.1-ALL-PROFILE test "$(iop_s_client_protocol)" = "TLSv1.2"
  annexo_req O.2.1-ALL-PROFILE grep -q '^SIP/2.0 401 ' "$IOP_TMP/s_client.out"
}

# Each NULL-only suite offered on its own (the ECDSA one to an ECDSA pcscf,
# the RSA and static-RSA ones to an RSA pcscf).
null_suites_each() {
  local r=0 suite kt ca
  for suite in ec:ECDHE-ECDSA-NULL-SHA rsa:ECDHE-RSA-NULL-SHA rsa:NULL-SHA256 rsa:NULL-SHA rsa:NULL-MD5; do
    kt=${suite%%:*}
    suite=${suite#*:}
    ca=$IOP_PKI/ca-$kt.pem
    iop_start_pcscf "null-$suite" "$kt" || return 1
    iop_s_client "$PC_PORT" "$ca" "" -tls1_2 -cipher "$suite:@SECLEVEL=0"
    kill -0 "$PC_PID" 2>/dev/null || { echo "pcscf died after the $suite offer"; r=1; }
    iop_stop "$PC_PID"
    echo "offer $suite:"
    annexo_req O.2.1-UE-NONNULL-OFFER test -z "$(iop_s_client_cipher)"
    annexo_req O.2.1-UE-NONNULL-OFFER sclient_refused_with $HANDSHAKE_FAILURE
  done
  return $r
}

# NULL encryption (O.2.1-ALL-NULL-MAY, RD-01, RD-350), seen by s_client.
# NULL_PLUS_UNUSABLE pairs the allowed NULL suite of an ECDSA pcscf with an
# encrypting suite it cannot choose (RSA authentication against its ECDSA
# certificate): the offer meets O.2.1-UE-NONNULL-OFFER, and the NULL suite is
# the only one the pcscf could pick. s_client lists the NULL suite first.
NULL_PLUS_UNUSABLE='ECDHE-ECDSA-NULL-SHA:ECDHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0'
# The cipher_suite of the ServerHello the last s_client received, as its
# -trace decoded it from the wire ("0xC0, 0x06"; "" without a ServerHello).
sclient_sh_suite() {
  awk '/^Received Record/ { rec = 1 } /^Sent Record/ { rec = 0 }
    rec && /^ +ServerHello, Length=/ { sh = 1; next }
    sh && /cipher_suite \{0x/ { s = $0; sub(/.*\{/, "", s); sub(/\}.*/, "", s); print s; exit }' \
    "$IOP_TMP/s_client.out"
}
null_refused() { test -z "$(iop_s_client_cipher)" && sclient_refused_with $HANDSHAKE_FAILURE; }

# Default deny: without --allow-null-encryption no NULL suite, whatever else
# the client offers.
null_default_deny() {
  iop_start_pcscf null-deny || return 1
  iop_s_client "$PC_PORT" "$CA" "" -tls1_2 -cipher "$NULL_PLUS_UNUSABLE"
  iop_stop "$PC_PID"
  annexo_req O.2.1-ALL-NULL-MAY null_refused
  annexo_req O.2.1-ALL-NULL-MAY test -z "$(sclient_sh_suite)"
}

# With the opt-in, a NULL-only offer is still refused (the offer check of
# O.2.1-UE-NONNULL-OFFER runs at the P-CSCF too, RD-21), on both stacks.
null_opt_in_null_only() {
  iop_start_pcscf null-only-optin ec --allow-null-encryption || return 1
  iop_s_client "$PC_PORT" "$CA" "" -tls1_2 -cipher 'eNULL:@SECLEVEL=0'
  iop_stop "$PC_PID"
  annexo_req O.2.1-UE-NONNULL-OFFER null_refused
}

# With the opt-in, an encrypting suite the pcscf can choose wins over a NULL
# suite listed before it (RD-01: NULL only when nothing encrypting is left).
null_opt_in_prefers_encrypting() {
  iop_start_pcscf null-pref ec --allow-null-encryption || return 1
  iop_s_client "$PC_PORT" "$CA" "$(iop_register_text z9hG4bKiopn1)" -tls1_2 \
    -cipher 'ECDHE-ECDSA-NULL-SHA:ECDHE-ECDSA-AES128-GCM-SHA256:@SECLEVEL=0'
  iop_stop "$PC_PID"
  annexo_req O.2.1-ALL-NULL-MAY test "$(sclient_sh_suite)" = "0xC0, 0x2B"
  annexo_req O.2.1-ALL-NULL-MAY test "$(iop_s_client_cipher)" = ECDHE-ECDSA-AES128-GCM-SHA256
}

# With the opt-in, only the NULL suites of the profile table (RD-01, A23:
# 0xC006, 0xC010, 0x003B at TLS 1.2): TLS_RSA_WITH_NULL_SHA and _MD5 are
# refused to an RSA pcscf although an encrypting suite makes the offer
# acceptable.
null_opt_in_forbidden() {
  iop_start_pcscf null-forbidden rsa --allow-null-encryption || return 1
  iop_s_client "$PC_PORT" "$IOP_PKI/ca-rsa.pem" "" -tls1_2 \
    -cipher 'NULL-SHA:NULL-MD5:ECDHE-ECDSA-AES128-GCM-SHA256:@SECLEVEL=0'
  iop_stop "$PC_PID"
  annexo_req O.2.1-ALL-SUITE-RULES-ALL-VERSIONS null_refused
}

# With the opt-in and nothing encrypting the pcscf can choose, the NULL suite
# is negotiated and SIP runs over it: ECDHE-ECDSA-NULL-SHA (0xC006) with the
# ECDSA certificate, TLS_RSA_WITH_NULL_SHA256 (0x003B) with the RSA one.
# OpenSSL stack only: Botan 2.19 implements no NULL suite (it refuses with
# handshake_failure). The TLS 1.3 NULL suites (0xC0B4/5, RFC 9150) are in
# neither OpenSSL 3.0 nor s_client, so nothing here offers them.
null_opt_in_negotiated() {
  if [ "${ANNEXO_TLS_STACK:-botan}" != openssl ]; then
    annexo_skip "Botan 2.19 implements no NULL suite: nothing NULL can be negotiated (RD-350)"
    return
  fi
  local r=0
  iop_start_pcscf null-ec ec --allow-null-encryption || return 1
  iop_s_client "$PC_PORT" "$CA" "$(iop_register_text z9hG4bKiopn2)" -tls1_2 -cipher "$NULL_PLUS_UNUSABLE"
  iop_stop "$PC_PID"
  annexo_req O.2.1-ALL-NULL-MAY test "$(sclient_sh_suite)" = "0xC0, 0x06"
  annexo_req O.2.1-ALL-NULL-MAY test "$(iop_s_client_cipher)" = ECDHE-ECDSA-NULL-SHA
  annexo_req O.2.1-ALL-NULL-MAY test "$(iop_s_client_protocol)" = TLSv1.2
  annexo_req O.2.1-ALL-NULL-MAY grep -q '^SIP/2.0 401 ' "$IOP_TMP/s_client.out"
  # Diagnostic only (annexo's own log): the audit record of RD-01.
  grep -q '"req":"O.2.1-ALL-NULL-MAY".*"suite":"0xC006"' "$PC_LOG" || { echo "no NULL audit record in the pcscf log"; r=1; }
  iop_start_pcscf null-rsa rsa --allow-null-encryption || return 1
  iop_s_client "$PC_PORT" "$IOP_PKI/ca-rsa.pem" "$(iop_register_text z9hG4bKiopn3)" -tls1_2 \
    -cipher 'NULL-SHA256:ECDHE-ECDSA-AES128-GCM-SHA256:@SECLEVEL=0'
  iop_stop "$PC_PID"
  annexo_req O.2.1-ALL-NULL-MAY test "$(sclient_sh_suite)" = "0x00, 0x3B"
  annexo_req O.2.1-ALL-NULL-MAY test "$(iop_s_client_cipher)" = NULL-SHA256
  annexo_req O.2.1-ALL-NULL-MAY grep -q '^SIP/2.0 401 ' "$IOP_TMP/s_client.out"
  return $r
}

# A REGISTER whose Via has no branch parameter.
via_without_branch() {
  iop_start_pcscf nobranch || return 1
  iop_s_client "$PC_PORT" "$CA" "$(iop_register_text '')" -tls1_2
  iop_stop "$PC_PID"
  annexo_req ADP-SIP-MALFORMED-400 grep -Eq '^SIP/2.0 400 .*[Bb]ranch' "$IOP_TMP/s_client.out"
}

# A Content-Length far beyond the 64 KiB bound.
oversized() {
  iop_start_pcscf oversized || return 1
  iop_s_client "$PC_PORT" "$CA" 'REGISTER sip:ims.test SIP/2.0\r\nContent-Length: 100000\r\n\r\n' -tls1_2
  iop_stop "$PC_PID"
  annexo_req ADP-SIP-MAX-MESSAGE-SIZE grep -q '^SIP/2.0 513 ' "$IOP_TMP/s_client.out"
  annexo_req ADP-SIP-MAX-MESSAGE-SIZE not grep -Eq '^SIP/2.0 (2|401)' "$IOP_TMP/s_client.out"
}

# One pcscf goes through garbage, an oversized message, a NULL-only and
# TLS 1.0/1.1-only offers from both clients, and still serves a good client.
survives_misbehaving_peers() {
  iop_start_pcscf survivor || return 1
  # Garbage without an end of header: no answer is due, the client just leaves.
  IOP_EXPECT= iop_s_client "$PC_PORT" "$CA" "$(printf 'GARBAGE\r\n%.0s' $(seq 1 300))" -tls1_2
  iop_s_client "$PC_PORT" "$CA" 'REGISTER sip:ims.test SIP/2.0\r\nContent-Length: 100000\r\n\r\n' -tls1_2
  iop_s_client "$PC_PORT" "$CA" "" -tls1_2 -cipher 'ECDHE-ECDSA-NULL-SHA:@SECLEVEL=0'
  iop_s_client "$PC_PORT" "$CA" "" -tls1 -cipher 'DEFAULT:@SECLEVEL=0'
  iop_s_client "$PC_PORT" "$CA" "" -tls1_1 -cipher 'DEFAULT:@SECLEVEL=0'
  iop_gnutls_cli "$PC_PORT" "$CA" '' --priority 'NONE:+VERS-TLS1.2:+NULL:+SHA256:+SHA1:+ECDHE-ECDSA:+SIGN-ALL:+GROUP-ALL:+COMP-NULL'
  iop_gnutls_cli "$PC_PORT" "$CA" '' --priority 'NORMAL:-VERS-ALL:+VERS-TLS1.0'
  local r=0
  kill -0 "$PC_PID" 2>/dev/null || { echo "pcscf died"; r=1; }
  iop_s_client "$PC_PORT" "$CA" "$(iop_register_text z9hG4bKiopsv)" -tls1_2
  iop_stop "$PC_PID"
  annexo_req ADP-SIP-MALFORMED-400 grep -q '^SIP/2.0 401 ' "$IOP_TMP/s_client.out"
  return $r
}

#= spec#O.2.1-PC-NO-CLIENT-CERT-REQ type=test
#= spec#O.2.1-PC-NONEMPTY-SESSION-ID type=test
annexo_case "O.2.1-PC-NO-CLIENT-CERT-REQ: openssl s_client gets TLS 1.2, a 32-byte Session ID and no CertificateRequest from pcscf" iop_case openssl_well_behaved
#= spec#O.2.1-UE-NONNULL-OFFER type=test
annexo_case "O.2.1-UE-NONNULL-OFFER: pcscf refuses an openssl NULL-only ClientHello: s_client receives handshake_failure (40), no ServerHello" iop_case openssl_null_only
#= spec#33210-6.2.1-NO-LEGACY-VERSIONS type=test
annexo_case "33210-6.2.1-NO-LEGACY-VERSIONS: pcscf refuses an openssl TLS 1.0-only ClientHello: s_client receives protocol_version (70)" iop_case openssl_legacy -tls1
#= spec#33210-6.2.1-NO-LEGACY-VERSIONS type=test
annexo_case "33210-6.2.1-NO-LEGACY-VERSIONS: pcscf refuses an openssl TLS 1.1-only ClientHello: s_client receives protocol_version (70)" iop_case openssl_legacy -tls1_1
#= spec#O.4.2-PC-NO-CLIENT-RENEG type=test
annexo_case "O.4.2-PC-NO-CLIENT-RENEG: pcscf refuses an openssl client-initiated renegotiation: s_client receives no_renegotiation (100)" iop_case openssl_client_renegotiation
#= spec#O.2.1-ALL-PROFILE type=test
annexo_case "O.2.1-ALL-PROFILE: gnutls-cli completes a TLS 1.2 handshake with pcscf and gets a 401" iop_case gnutls_well_behaved
#= spec#O.2.1-UE-NONNULL-OFFER type=test
annexo_case "O.2.1-UE-NONNULL-OFFER: pcscf refuses a gnutls-cli NULL-only ClientHello: gnutls-cli receives handshake_failure (40)" iop_case gnutls_null_only
#= spec#33210-6.2.1-NO-LEGACY-VERSIONS type=test
annexo_case "33210-6.2.1-NO-LEGACY-VERSIONS: pcscf refuses a gnutls-cli TLS 1.1-only ClientHello: gnutls-cli receives protocol_version (70)" iop_case gnutls_legacy 1.1
#= spec#33210-6.2.1-NO-LEGACY-VERSIONS type=test
annexo_case "33210-6.2.1-NO-LEGACY-VERSIONS: pcscf refuses a gnutls-cli TLS 1.0-only ClientHello: gnutls-cli receives protocol_version (70)" iop_case gnutls_legacy 1.0
#= spec#O.2.1-PC-NO-CLIENT-CERT-REQ type=test
#= spec#O.2.1-ALL-SESSION-ID type=test
#= spec#O.2.1-PC-NONEMPTY-SESSION-ID type=test
annexo_case "O.2.1-PC-NO-CLIENT-CERT-REQ: tshark on loopback sees pcscf's ServerHello with a 32-byte Session ID and no CertificateRequest" iop_case tshark_wire
#= spec#O.2.1-HN-AUTH-UE-DIGEST type=test
annexo_case "O.2.1-HN-AUTH-UE-DIGEST: pcscf answers an openssl REGISTER without credentials with 401 and a Digest challenge (realm, nonce, qop=auth)" iop_case digest_challenge
#= spec#O.2.1-ALL-PROFILE type=test
annexo_case "O.2.1-ALL-PROFILE: openssl s_client gets TLS 1.2 and a 401 from a pcscf with an RSA certificate" iop_case rsa_instance
#= spec#O.2.1-UE-NONNULL-OFFER type=test
annexo_case "O.2.1-UE-NONNULL-OFFER: pcscf refuses five openssl NULL-only offers one suite at a time (ECDSA and RSA certificates): handshake_failure (40) each" iop_case null_suites_each
#= spec#O.2.1-ALL-NULL-MAY type=test
annexo_case "O.2.1-ALL-NULL-MAY: without --allow-null-encryption pcscf refuses an openssl offer whose only choosable suite is NULL (ECDHE-ECDSA-NULL-SHA beside an RSA-only AES-GCM suite): handshake_failure (40), no ServerHello" iop_case null_default_deny
#= spec#O.2.1-UE-NONNULL-OFFER type=test
annexo_case "O.2.1-UE-NONNULL-OFFER: with --allow-null-encryption pcscf still refuses an openssl eNULL-only offer: handshake_failure (40), no ServerHello" iop_case null_opt_in_null_only
#= spec#O.2.1-ALL-NULL-MAY type=test
annexo_case "O.2.1-ALL-NULL-MAY: with --allow-null-encryption pcscf picks ECDHE-ECDSA-AES128-GCM-SHA256 over the ECDHE-ECDSA-NULL-SHA openssl s_client lists first (ServerHello suite 0xC02B on the wire)" iop_case null_opt_in_prefers_encrypting
#= spec#O.2.1-ALL-SUITE-RULES-ALL-VERSIONS type=test
annexo_case "O.2.1-ALL-SUITE-RULES-ALL-VERSIONS: with --allow-null-encryption an RSA pcscf still refuses NULL-SHA and NULL-MD5 (outside the profile's NULL set) from openssl s_client: handshake_failure (40)" iop_case null_opt_in_forbidden
#= spec#O.2.1-ALL-NULL-MAY type=test
annexo_case "O.2.1-ALL-NULL-MAY: with --allow-null-encryption pcscf (OpenSSL stack) negotiates the profile's NULL suite when nothing encrypting it can choose is offered: s_client's ServerHello carries 0xC006 (ECDSA) / 0x003B (RSA) and the REGISTER is answered 401 over it" iop_case null_opt_in_negotiated
#= spec#ADP-SIP-MALFORMED-400 type=test
annexo_case "ADP-SIP-MALFORMED-400: pcscf answers an openssl REGISTER whose Via has no branch with 400 naming the branch" iop_case via_without_branch
#= spec#ADP-SIP-MAX-MESSAGE-SIZE type=test
annexo_case "ADP-SIP-MAX-MESSAGE-SIZE: pcscf answers a 100000-byte Content-Length from openssl s_client with 513, never 2xx or 401" iop_case oversized
#= spec#ADP-SIP-MALFORMED-400 type=test
annexo_case "ADP-SIP-MALFORMED-400: one pcscf survives garbage, oversized SIP, NULL-only and TLS 1.0/1.1 offers and still answers the next REGISTER with 401" iop_case survives_misbehaving_peers
annexo_finish
