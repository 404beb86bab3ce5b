#!/bin/bash
# annexo ue against third-party TLS servers (OpenSSL s_server, GnuTLS
# gnutls-serv) playing a misbehaving P-CSCF.
#   probe_ue_tls.sh UE_BIN MAKE_PKI_SH
# Exit codes expected from ue: lib.sh UE_EXIT_* (overridable by environment).
# Requirements exercised: O.2.1-UE-AUTH-PC-BY-CERT, O.5.2-UE-BINARY-NAME-MATCH,
# O.5.2-UE-RFC5280-PATH, O.5.2-UE-CHAIN-TO-TRUSTED-ROOT, O.5.1-CERT-CN-SINGLE,
# O.5.1-CERT-SAN-HAS-FQDN, 33310-6.1.1-HASH, 33310-6.1.1-PUBKEY,
# 33210-6.2.1-NO-LEGACY-VERSIONS, O.2.1-UE-NONNULL-OFFER,
# O.2.1-PC-NO-CLIENT-CERT-REQ (UE side), RFC5246-EMPTY-CLIENT-CERT.
IOP_SCRIPT=$(readlink -f "$0")
source "$(dirname "$IOP_SCRIPT")/lib.sh"

# ---- GnuTLS server cases, inside a private network namespace.
gnutls_cases() { # UE PKI
  local ue=$1 P=$2 port rc=0
  port=$(iop_free_port)
  iop_gnutls_serv g1 "$port" "$P/wronghost.pem" "$P/wronghost.key" -a
  iop_ue "$ue" "$port" "$P/ca-ec.pem" "$IOP_PASSWORD"
  [ $? -eq "$UE_EXIT_CERT" ] && iop_pass "O.5.2-UE-BINARY-NAME-MATCH: gnutls-serv with other.test certificate refused" ||
    { iop_fail "O.5.2-UE-BINARY-NAME-MATCH: gnutls-serv other.test"; rc=1; }
  iop_stop "$IOP_LAST_PID"
  iop_gnutls_serv g2 "$port" "$P/pcscf-ec.pem" "$P/pcscf-ec.key" -a --priority 'NORMAL:-VERS-ALL:+VERS-TLS1.1'
  iop_ue "$ue" "$port" "$P/ca-ec.pem" "$IOP_PASSWORD"
  [ $? -eq "$UE_EXIT_TLS" ] && iop_pass "33210-6.2.1-NO-LEGACY-VERSIONS: TLS 1.1-only gnutls-serv refused" ||
    { iop_fail "33210-6.2.1-NO-LEGACY-VERSIONS: TLS 1.1-only gnutls-serv"; rc=1; }
  iop_stop "$IOP_LAST_PID"
  iop_gnutls_serv g3 "$port" "$P/pcscf-ec.pem" "$P/pcscf-ec.key"  # no -a: requests a client certificate
  iop_ue "$ue" "$port" "$P/ca-ec.pem" "$IOP_PASSWORD" --abort-on-certificate-request
  [ $? -eq "$UE_EXIT_CERTREQ" ] && iop_pass "O.2.1-PC-NO-CLIENT-CERT-REQ: gnutls-serv CertificateRequest aborts the UE" ||
    { iop_fail "O.2.1-PC-NO-CLIENT-CERT-REQ: gnutls-serv CertificateRequest"; rc=1; }
  iop_cleanup
  return $rc
}
iop_netns_dispatch "$@"

UE=$(readlink -f "${1:?usage: $0 UE_BIN MAKE_PKI_SH}")
iop_pki "${2:?usage: $0 UE_BIN MAKE_PKI_SH}"
P=$IOP_PKI
port=$(iop_free_port)

# ---- Certificates the UE must refuse (each has exactly one defect; see tests/pki/README.md).
cert_case() { # id file ca description
  # @SECLEVEL=0: Debian's OpenSSL refuses to serve a SHA-1-signed or RSA-1024
  # certificate at its default level 2; the UE must refuse it, not OpenSSL.
  iop_s_server "cs_$2" "$port" "$P/$2.pem" "$P/$2.key" -tls1_2 -cipher 'DEFAULT:@SECLEVEL=0' ||
    { iop_fail "$1: $4 (s_server did not start: $(tail -1 "$IOP_TMP/cs_$2.log"))"; return; }
  iop_ue_expect "$1: $4" "$UE_EXIT_CERT" "$UE" "$port" "$P/$3.pem" "$IOP_PASSWORD"
  iop_stop "$IOP_LAST_PID"
}
cert_case O.5.2-UE-BINARY-NAME-MATCH wronghost ca-ec "certificate for other.test refused"
cert_case O.5.2-UE-RFC5280-PATH expired ca-ec "expired certificate refused"
cert_case O.5.2-UE-CHAIN-TO-TRUSTED-ROOT selfsigned ca-ec "self-signed certificate refused"
cert_case 33310-6.1.1-HASH sha1 ca-rsa "SHA-1-signed certificate refused"
cert_case O.5.2-UE-BINARY-NAME-MATCH wildcard ca-ec "wildcard *.test certificate refused"
cert_case O.5.1-CERT-CN-SINGLE twocn ca-ec "certificate with two CNs refused"
cert_case 33310-6.1.1-PUBKEY rsa1024 ca-rsa "RSA-1024 certificate refused"
cert_case O.5.1-CERT-SAN-HAS-FQDN nosan ca-ec "certificate without SAN refused"
cert_case O.5.2-UE-CHAIN-TO-TRUSTED-ROOT pcscf-ec ca-rsa "certificate from an unknown CA refused"

# ---- Versions and suites.
for v in tls1 tls1_1; do
  iop_s_server "sv_$v" "$port" "$P/pcscf-ec.pem" "$P/pcscf-ec.key" "-$v" -cipher 'DEFAULT:@SECLEVEL=0'
  iop_ue_expect "33210-6.2.1-NO-LEGACY-VERSIONS: s_server -$v only refused" "$UE_EXIT_TLS" "$UE" "$port" "$P/ca-ec.pem" "$IOP_PASSWORD"
  iop_stop "$IOP_LAST_PID"
done
iop_s_server sv_null "$port" "$P/pcscf-ec.pem" "$P/pcscf-ec.key" -tls1_2 -cipher 'ECDHE-ECDSA-NULL-SHA:@SECLEVEL=0'
iop_ue_expect "O.2.1-UE-NONNULL-OFFER: a NULL-only s_server finds no common suite" "$UE_EXIT_TLS" "$UE" "$port" "$P/ca-ec.pem" "$IOP_PASSWORD"
iop_stop "$IOP_LAST_PID"

# ---- A server that requests a client certificate.
iop_s_server sv_cr "$port" "$P/pcscf-ec.pem" "$P/pcscf-ec.key" -tls1_2 -verify 1
iop_ue_expect "O.2.1-PC-NO-CLIENT-CERT-REQ: CertificateRequest + --abort-on-certificate-request aborts" \
  "$UE_EXIT_CERTREQ" "$UE" "$port" "$P/ca-ec.pem" "$IOP_PASSWORD" --abort-on-certificate-request
iop_stop "$IOP_LAST_PID"
iop_s_server sv_cr2 "$port" "$P/pcscf-ec.pem" "$P/pcscf-ec.key" -tls1_2 -verify 1
timeout 6 "$UE" --pcscf "127.0.0.1:$port" --pcscf-fqdn pcscf.test --ca "$P/ca-ec.pem" --impi "$IOP_IMPI" \
  --impu "$IOP_IMPU" --password "$IOP_PASSWORD" --access non-3gpp >"$IOP_TMP/ue.out" 2>&1
iop_check "RFC5246-EMPTY-CLIENT-CERT: without the flag the UE answers with no certificate and sends its REGISTER over TLS" \
  grep -q '^REGISTER sip:' "$IOP_TMP/sv_cr2.log"
iop_stop "$IOP_LAST_PID"

# ---- A well-behaved TLS server that speaks no SIP: the handshake succeeds, the
# REGISTER arrives over TLS 1.2 with Digest-capable headers, and the UE does not
# claim success.
iop_s_server sv_ok "$port" "$P/pcscf-ec.pem" "$P/pcscf-ec.key" -tls1_2
iop_ue "$UE" "$port" "$P/ca-ec.pem" "$IOP_PASSWORD"
rc=$?
iop_check "O.2.1-UE-AUTH-PC-BY-CERT: the UE accepts the good certificate and sends REGISTER over TLS" grep -q '^REGISTER sip:' "$IOP_TMP/sv_ok.log"
iop_check "the UE does not report registration when no 2xx came (exit $rc)" test "$rc" -ne 0
iop_stop "$IOP_LAST_PID"

# ---- GnuTLS servers in a private network namespace.
iop_check "GnuTLS server cases (private network namespace)" iop_in_netns gnutls_cases "$UE" "$P"

iop_finish
