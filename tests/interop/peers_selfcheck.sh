#!/bin/bash
# Proves the third-party peers and this harness work on their own, before
# annexo's programs take part: each misbehaving peer really misbehaves (a
# permissive counterpart accepts it) and each well-behaved peer really works.
#   peers_selfcheck.sh MAKE_PKI_SH
IOP_SCRIPT=$(readlink -f "$0")
source "$(dirname "$IOP_SCRIPT")/lib.sh"

MAKE_PKI=${MAKE_PKI:-}

# ---- GnuTLS pair, inside a private network namespace (gnutls-serv binds all
# interfaces). Runs as: peers_selfcheck.sh --iop-netns gnutls_pair PKI
gnutls_pair() {
  local pki=$1 port rc=0
  port=$(iop_free_port)
  # Well-behaved: TLS 1.2 server without CertificateRequest (-a), good cert.
  iop_gnutls_serv gs "$port" "$pki/pcscf-ec.pem" "$pki/pcscf-ec.key" -a --priority 'NORMAL:-VERS-ALL:+VERS-TLS1.2'
  iop_gnutls_cli "$port" "$pki/ca-ec.pem" ''
  if grep -q 'Handshake was completed' "$IOP_TMP/gnutls-cli.out"; then iop_pass "gnutls-cli -> gnutls-serv: TLS 1.2 handshake, certificate verified"
  else iop_fail "gnutls-cli -> gnutls-serv good handshake"; rc=1; fi
  # Certificate for another host: gnutls-cli refuses it.
  iop_stop "$IOP_LAST_PID"
  iop_gnutls_serv gs2 "$port" "$pki/wronghost.pem" "$pki/wronghost.key" -a
  if ! iop_gnutls_cli "$port" "$pki/ca-ec.pem" '' && grep -qi 'does not match\|not trusted\|verification failed' "$IOP_TMP/gnutls-cli.out"; then
    iop_pass "gnutls-cli refuses a gnutls-serv certificate for other.test"
  else iop_fail "gnutls-cli accepted a certificate for other.test"; rc=1; fi
  iop_stop "$IOP_LAST_PID"
  # gnutls-serv without -a requests a client certificate.
  iop_gnutls_serv gs3 "$port" "$pki/pcscf-ec.pem" "$pki/pcscf-ec.key"
  iop_gnutls_cli "$port" "$pki/ca-ec.pem" '' -d 4
  if grep -qi 'CERTIFICATE REQUEST' "$IOP_TMP/gnutls-cli.out"; then iop_pass "gnutls-serv (no -a) sends a CertificateRequest"
  else iop_fail "gnutls-serv did not request a client certificate"; rc=1; fi
  iop_stop "$IOP_LAST_PID"
  # NULL-only offer from gnutls-cli is accepted by a NULL-permitting gnutls-serv.
  local null='NONE:+VERS-TLS1.2:+NULL:+SHA256:+SHA1:+ECDHE-ECDSA:+SIGN-ALL:+GROUP-ALL:+COMP-NULL'
  iop_gnutls_serv gs4 "$port" "$pki/pcscf-ec.pem" "$pki/pcscf-ec.key" -a --priority "$null"
  iop_gnutls_cli "$port" "$pki/ca-ec.pem" '' --priority "$null"
  if grep -Eq 'Description: .*-\(NULL\)-' "$IOP_TMP/gnutls-cli.out"; then iop_pass "gnutls-cli NULL-only offer negotiates NULL with a permissive gnutls-serv"
  else iop_fail "gnutls NULL-only pair did not negotiate NULL"; rc=1; fi
  iop_stop "$IOP_LAST_PID"
  # TLS 1.0/1.1-only offers: Debian's default gnutls-serv still accepts them;
  # one restricted to TLS 1.2+ refuses them.
  for v in 1.0 1.1; do
    iop_gnutls_serv gs5 "$port" "$pki/pcscf-ec.pem" "$pki/pcscf-ec.key" -a
    iop_gnutls_cli "$port" "$pki/ca-ec.pem" '' --priority "NORMAL:-VERS-ALL:+VERS-TLS$v"
    if grep -q "Description: (TLS$v-" "$IOP_TMP/gnutls-cli.out"; then iop_pass "gnutls-cli TLS $v-only offer negotiates TLS $v with a permissive gnutls-serv"
    else iop_fail "gnutls-cli TLS $v-only offer did not negotiate TLS $v"; rc=1; fi
    iop_stop "$IOP_LAST_PID"
    iop_gnutls_serv gs6 "$port" "$pki/pcscf-ec.pem" "$pki/pcscf-ec.key" -a --priority 'NORMAL:-VERS-ALL:+VERS-TLS1.2'
    if ! iop_gnutls_cli "$port" "$pki/ca-ec.pem" '' --priority "NORMAL:-VERS-ALL:+VERS-TLS$v"; then
      iop_pass "gnutls-cli TLS $v-only offer is refused by a TLS 1.2 gnutls-serv"
    else iop_fail "gnutls TLS $v-only offer accepted by a TLS 1.2 server"; rc=1; fi
    iop_stop "$IOP_LAST_PID"
  done
  iop_cleanup
  return $rc
}
iop_netns_dispatch "$@"

MAKE_PKI=${1:?usage: $0 make_pki.sh}
iop_pki "$MAKE_PKI"
P=$IOP_PKI

# ---- OpenSSL pair (both bind 127.0.0.1 only).
iop_s_server ss1 - "$P/pcscf-ec.pem" "$P/pcscf-ec.key" -tls1_2
IOP_EXPECT= iop_s_client "$IOP_PORT" "$P/ca-ec.pem" 'hello\n'
iop_check "s_client -> s_server: TLS 1.2, certificate verified for pcscf.test" \
  test "$(iop_s_client_protocol)" = TLSv1.2
iop_check "s_server received the application data" iop_await "$IOP_BUDGET" grep -q hello "$IOP_TMP/ss1.log"
iop_check "s_server (-no_ticket) sent a non-empty Session ID" test -n "$(iop_s_client_session_id)"
iop_stop "$IOP_LAST_PID"

iop_s_server ss2 - "$P/wronghost.pem" "$P/wronghost.key"
iop_s_client "$IOP_PORT" "$P/ca-ec.pem" ''
iop_check "s_client refuses a certificate for other.test" grep -q 'hostname mismatch' "$IOP_TMP/s_client.out"
iop_stop "$IOP_LAST_PID"

# The alert reader (iop_trace_alert_received) against OpenSSL on both sides:
# an s_client that finds the certificate expired sends certificate_expired (45).
iop_s_server ssx - "$P/expired.pem" "$P/expired.key" -naccept 1 -tls1_2
SSX=$IOP_LAST_PID
iop_s_client "$IOP_PORT" "$P/ca-ec.pem" '' -tls1_2
iop_s_server_wait_exit "$SSX"
iop_check "s_server -trace shows the certificate_expired (45) alert of an s_client that refuses an expired certificate" \
  iop_trace_alert_received "$IOP_TMP/ssx.log" 45

iop_s_server ss3 - "$P/pcscf-ec.pem" "$P/pcscf-ec.key" -verify 1
SS3=$IOP_LAST_PID
iop_tshark_start ts3 "$IOP_PORT"
iop_s_client "$IOP_PORT" "$P/ca-ec.pem" '' -tls1_2
iop_tshark_stop ts3
iop_check "s_server -verify sends a CertificateRequest" iop_s_client_saw_certreq
iop_check "tshark sees the CertificateRequest (handshake type 13)" iop_tshark_saw_type ts3 13
iop_check "tshark sees a 32-byte Session ID in the ServerHello" test "$(iop_tshark_server_session_id_len ts3)" = 32
iop_stop "$SS3"
iop_s_server ss3b - "$P/pcscf-ec.pem" "$P/pcscf-ec.key"
SS3B=$IOP_LAST_PID
iop_s_client "$IOP_PORT" "$P/ca-ec.pem" ''
iop_check "s_client (-trace) sees the handshake and no CertificateRequest from s_server without -verify" \
  bash -c 'source "$0"; IOP_TMP=$1; iop_trace_events "$IOP_TMP/s_client.out" | grep -qx "recv ServerHello" && ! iop_s_client_saw_certreq' "$IOP_DIR/lib.sh" "$IOP_TMP"
iop_tshark_start ts3b "$IOP_PORT"
iop_s_client "$IOP_PORT" "$P/ca-ec.pem" '' -tls1_2
iop_tshark_stop ts3b
iop_check "tshark sees a handshake without CertificateRequest" bash -c 'iop_t() { cut -f1 "$0" | tr "," "\n" | grep -qx "$1"; }; iop_t 1 && iop_t 2 && ! iop_t 13' "$IOP_TMP/ts3b.txt"
iop_stop "$SS3B"

# NULL-only offers: accepted by a permissive s_server, refused by a default one.
for suite in ECDHE-ECDSA-NULL-SHA NULL-SHA256; do
  cert=pcscf-ec
  [ "$suite" = NULL-SHA256 ] && cert=pcscf-rsa
  ca=ca-ec
  [ "$cert" = pcscf-rsa ] && ca=ca-rsa
  iop_s_server ssn - "$P/$cert.pem" "$P/$cert.key" -cipher "$suite:@SECLEVEL=0" -tls1_2
  iop_s_client "$IOP_PORT" "$P/$ca.pem" '' -cipher "$suite:@SECLEVEL=0" -tls1_2
  iop_check "s_client NULL-only offer ($suite) negotiates with a permissive s_server" test "$(iop_s_client_cipher)" = "$suite"
  iop_stop "$IOP_LAST_PID"
  iop_s_server ssd - "$P/$cert.pem" "$P/$cert.key"
  iop_s_client "$IOP_PORT" "$P/$ca.pem" '' -cipher "$suite:@SECLEVEL=0" -tls1_2
  iop_check "s_client NULL-only offer ($suite) is refused by a default s_server" \
    grep -q 'handshake failure\|no shared cipher\|alert' "$IOP_TMP/s_client.out"
  iop_stop "$IOP_LAST_PID"
done

# TLS 1.0 / 1.1-only offers.
for v in tls1 tls1_1; do
  iop_s_server ssv - "$P/pcscf-ec.pem" "$P/pcscf-ec.key" "-$v" -cipher 'DEFAULT:@SECLEVEL=0'
  iop_s_client "$IOP_PORT" "$P/ca-ec.pem" '' "-$v" -cipher 'DEFAULT:@SECLEVEL=0'
  want=TLSv1
  [ "$v" = tls1_1 ] && want=TLSv1.1
  iop_check "s_client -$v negotiates $want with a permissive s_server" test "$(iop_s_client_protocol)" = "$want"
  iop_stop "$IOP_LAST_PID"
  iop_s_server ssv2 - "$P/pcscf-ec.pem" "$P/pcscf-ec.key"
  iop_s_client "$IOP_PORT" "$P/ca-ec.pem" '' "-$v" -cipher 'DEFAULT:@SECLEVEL=0'
  iop_check "s_client -$v is refused by a default s_server" test -z "$(iop_s_client_protocol)"
  iop_stop "$IOP_LAST_PID"
done

# ---- GnuTLS pair in a private network namespace.
iop_check "GnuTLS pair in a private network namespace" iop_in_netns gnutls_pair "$P"

# ---- Kamailio as a TLS registrar with Digest; sipsak and baresip register.
kport=$(iop_free_port)
iop_kamailio kam "$kport" "$P/pcscf-ec.pem" "$P/pcscf-ec.key" MD5 TLSv1.2
iop_sipsak "$kport" "$P/ca-ec.pem" "$IOP_PASSWORD"
iop_check "sipsak registers with Kamailio over TLS with Digest MD5 (exit 0)" test $? -eq 0
iop_check "Kamailio authenticated the sipsak REGISTER" grep -q 'annexo-iop: authenticated' "$IOP_KAM_LOG"
iop_check "Kamailio's 200 carries Authentication-Info with rspauth" grep -q '^Authentication-Info: .*rspauth=' "$IOP_TMP/sipsak.out"
iop_sipsak "$kport" "$P/ca-ec.pem" wrong-password
iop_check "sipsak with a wrong password fails authentication (exit 2)" test $? -eq 2
iop_sipsak "$kport" "$P/ca-rsa.pem" "$IOP_PASSWORD"
iop_check "sipsak with the wrong CA refuses the certificate (exit 3)" test $? -eq 3
iop_check "baresip registers with Kamailio over TLS with Digest" iop_baresip "$kport" "$IOP_PASSWORD"
if iop_baresip "$kport" wrong-password; then iop_fail "baresip registered with a wrong password"
else iop_check "baresip with a wrong password is refused" grep -q '401 Unauthorized\|403' "$IOP_TMP/baresip.out"; fi
iop_stop "$IOP_KAM_PID"
# The BOGUS_RSPAUTH mode of the registrar (ue_kamailio.sh's N.2 case) accepts
# the credentials and sends a 200 whose rspauth cannot verify.
kport=$(iop_free_port)
IOP_KAM_DEFINES=BOGUS_RSPAUTH iop_kamailio kambogus "$kport" "$P/pcscf-ec.pem" "$P/pcscf-ec.key" MD5 TLSv1.2
iop_sipsak "$kport" "$P/ca-ec.pem" "$IOP_PASSWORD"
iop_check "Kamailio (BOGUS_RSPAUTH) registers sipsak (exit 0)" test $? -eq 0
iop_check "Kamailio (BOGUS_RSPAUTH) sends one Authentication-Info, with the wrong rspauth" \
  bash -c 'grep "^Authentication-Info:" "$0" | tr -d "\r" | sort -u | grep -qx "Authentication-Info: qop=auth, rspauth=.0123456789abcdef0123456789abcdef."' "$IOP_TMP/sipsak.out"
iop_stop "$IOP_KAM_PID"

iop_finish
