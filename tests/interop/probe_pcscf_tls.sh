#!/bin/bash
# annexo pcscf against third-party TLS clients (OpenSSL s_client, GnuTLS
# gnutls-cli), well-behaved and misbehaving.
#   probe_pcscf_tls.sh PCSCF_BIN MAKE_PKI_SH
# Requirements exercised (named in each PASS line): O.2.1-ALL-PROFILE,
# O.2.1-PC-NO-CLIENT-CERT-REQ, O.2.1-ALL-SESSION-ID, O.2.1-HN-AUTH-UE-DIGEST,
# O.2.1-UE-NONNULL-OFFER (enforced by the P-CSCF on the ClientHello),
# 33210-6.2.1-NO-LEGACY-VERSIONS, 5626-5.4-PC-CRLF-PONG, ADP-SIP-MALFORMED-400,
# ADP-SIP-MAX-MESSAGE-SIZE.
IOP_SCRIPT=$(readlink -f "$0")
source "$(dirname "$IOP_SCRIPT")/lib.sh"
PCSCF=$(readlink -f "${1:?usage: $0 PCSCF_BIN MAKE_PKI_SH}")
iop_pki "${2:?usage: $0 PCSCF_BIN MAKE_PKI_SH}"
P=$IOP_PKI

pe=$(iop_free_port)
iop_pcscf pc_ec "$PCSCF" "$pe" "$P/pcscf-ec.pem" "$P/pcscf-ec.key" || exit 1
PC_EC_PID=$IOP_LAST_PID
pr=$(iop_free_port)
iop_pcscf pc_rsa "$PCSCF" "$pr" "$P/pcscf-rsa.pem" "$P/pcscf-rsa.key" || exit 1
PC_RSA_PID=$IOP_LAST_PID

# ---- Well-behaved OpenSSL client (tshark watches the handshake on the wire).
iop_tshark_start ts_good "$pe" || exit 1
iop_s_client "$pe" "$P/ca-ec.pem" "$(iop_register_text z9hG4bKiop1)" -tls1_2
iop_tshark_stop ts_good
iop_check "O.2.1-PC-NO-CLIENT-CERT-REQ: tshark sees ClientHello, ServerHello and no CertificateRequest (type 13)" \
  bash -c 'iop_t() { cut -f1 "$0" | tr "," "\n" | grep -qx "$1"; }; iop_t 1 && iop_t 2 && ! iop_t 13' "$IOP_TMP/ts_good.txt"
iop_check "O.2.1-ALL-SESSION-ID: tshark sees a non-empty Session ID in the ServerHello" \
  test "$(iop_tshark_server_session_id_len ts_good)" -gt 0
iop_check "O.2.1-ALL-PROFILE: s_client negotiates TLS 1.2 and verifies pcscf.test" test "$(iop_s_client_protocol)" = TLSv1.2
iop_check "O.2.1-PC-NO-CLIENT-CERT-REQ: no CertificateRequest" bash -c '! grep -Eq "<<< .*CertificateRequest|Client Certificate Types:" "$0"' "$IOP_TMP/s_client.out"
iop_check "O.2.1-ALL-SESSION-ID: the P-CSCF issues a non-empty Session ID (tickets off)" test -n "$(iop_s_client_session_id)"
iop_check "O.2.1-HN-AUTH-UE-DIGEST: REGISTER without credentials gets 401 with a Digest challenge" \
  bash -c 'grep -q "^SIP/2.0 401 " "$0" && grep -Eq "^WWW-Authenticate: Digest .*qop=\"auth\"" "$0"' "$IOP_TMP/s_client.out"
cp "$IOP_TMP/s_client.out" "$IOP_TMP/s_client.good.out"

# The RSA instance works too.
iop_s_client "$pr" "$P/ca-rsa.pem" "$(iop_register_text z9hG4bKiop2)" -tls1_2
iop_check "O.2.1-ALL-PROFILE: RSA certificate instance: TLS 1.2 and 401" \
  bash -c 'test "$1" = TLSv1.2 && grep -q "^SIP/2.0 401 " "$0"' "$IOP_TMP/s_client.out" "$(iop_s_client_protocol)"

# ---- CRLF keep-alive: a double-CRLF ping is answered with exactly one CRLF.
{ printf '\r\n\r\n'; sleep 1; } | timeout 10 openssl s_client -connect "127.0.0.1:$pe" -servername pcscf.test \
  -CAfile "$P/ca-ec.pem" -verify_return_error -quiet >"$IOP_TMP/pong.bin" 2>"$IOP_TMP/pong.err"
iop_check "5626-5.4-PC-CRLF-PONG: ping \\r\\n\\r\\n is answered with \\r\\n" test "$(od -An -c "$IOP_TMP/pong.bin" | tr -d ' \n')" = '\r\n'

# ---- Malformed and oversized SIP.
iop_s_client "$pe" "$P/ca-ec.pem" "$(iop_register_text '')" -tls1_2
iop_check "ADP-SIP-MALFORMED-400: a Via without branch gets 400 naming the defect" grep -Eq '^SIP/2.0 400 .*[Bb]ranch' "$IOP_TMP/s_client.out"
iop_s_client "$pe" "$P/ca-ec.pem" 'REGISTER sip:ims.test SIP/2.0\r\nContent-Length: 100000\r\n\r\n' -tls1_2
iop_check "ADP-SIP-MAX-MESSAGE-SIZE: an oversized message gets no 2xx/401 (513 or close)" bash -c '! grep -Eq "^SIP/2.0 (2|401)" "$0"' "$IOP_TMP/s_client.out"
iop_s_client "$pe" "$P/ca-ec.pem" "$(printf 'GARBAGE\r\n%.0s' $(seq 1 300))" -tls1_2
iop_check "ADP-SIP-MALFORMED-400: pcscf survives garbage" kill -0 "$PC_EC_PID"

# ---- Well-behaved GnuTLS client.
iop_gnutls_cli "$pe" "$P/ca-ec.pem" "$(iop_register_text z9hG4bKiop3)"
iop_check "O.2.1-ALL-PROFILE: gnutls-cli completes a handshake and gets 401" \
  bash -c 'grep -q "Handshake was completed" "$0" && grep -q "^SIP/2.0 401 " "$0"' "$IOP_TMP/gnutls-cli.out"

# ---- NULL-only offers are refused (the UE's O.2.1 duty, enforced on the ClientHello).
null_case() { # port ca suite
  iop_s_client "$1" "$P/$2.pem" '' -tls1_2 -cipher "$3:@SECLEVEL=0"
  iop_check "O.2.1-UE-NONNULL-OFFER: NULL-only offer $3 is refused" test -z "$(iop_s_client_cipher)"
}
null_case "$pe" ca-ec ECDHE-ECDSA-NULL-SHA
null_case "$pr" ca-rsa ECDHE-RSA-NULL-SHA
null_case "$pr" ca-rsa NULL-SHA256
null_case "$pr" ca-rsa NULL-SHA
null_case "$pr" ca-rsa NULL-MD5
if iop_gnutls_cli "$pe" "$P/ca-ec.pem" '' --priority 'NONE:+VERS-TLS1.2:+NULL:+SHA256:+SHA1:+ECDHE-ECDSA:+SIGN-ALL:+GROUP-ALL:+COMP-NULL'; then
  iop_fail "O.2.1-UE-NONNULL-OFFER: gnutls-cli NULL-only offer was accepted"
else iop_pass "O.2.1-UE-NONNULL-OFFER: gnutls-cli NULL-only offer is refused"; fi
iop_check "O.2.1-UE-NONNULL-OFFER: the refusal is logged with its requirement ID" iop_log_names pc_ec O.2.1-UE-NONNULL-OFFER

# ---- TLS 1.0 / 1.1-only offers are refused.
for v in tls1 tls1_1; do
  iop_s_client "$pe" "$P/ca-ec.pem" '' "-$v" -cipher 'DEFAULT:@SECLEVEL=0'
  iop_check "33210-6.2.1-NO-LEGACY-VERSIONS: s_client -$v offer is refused" test -z "$(iop_s_client_protocol)"
done
for v in 1.0 1.1; do
  if iop_gnutls_cli "$pe" "$P/ca-ec.pem" '' --priority "NORMAL:-VERS-ALL:+VERS-TLS$v"; then
    iop_fail "33210-6.2.1-NO-LEGACY-VERSIONS: gnutls-cli TLS $v-only offer was accepted"
  else iop_pass "33210-6.2.1-NO-LEGACY-VERSIONS: gnutls-cli TLS $v-only offer is refused"; fi
done
iop_check "33210-6.2.1-NO-LEGACY-VERSIONS: the refusal is logged with its requirement ID" iop_log_names pc_ec 33210-6.2.1-NO-LEGACY-VERSIONS

# ---- After all that, both instances still serve a good client.
iop_check "pcscf (EC) still running" kill -0 "$PC_EC_PID"
iop_check "pcscf (RSA) still running" kill -0 "$PC_RSA_PID"
iop_s_client "$pe" "$P/ca-ec.pem" "$(iop_register_text z9hG4bKiop4)" -tls1_2
iop_check "pcscf (EC) still answers 401 after the misbehaving peers" grep -q '^SIP/2.0 401 ' "$IOP_TMP/s_client.out"

iop_finish
