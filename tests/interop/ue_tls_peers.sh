#!/bin/bash
# annexo's ue against TLS servers nobody here wrote, playing a misbehaving or
# well-behaved P-CSCF: OpenSSL s_server (loopback) and GnuTLS gnutls-serv
# (binds all interfaces: run in a private network namespace). Every verdict
# is read where the peer saw it: the alert number s_server received
# (-trace: the AlertDescription byte on the wire, compared with a literal
# from RFC 5246 7.2 and the alert mapping of decisions RD-31/RD-107), the
# ClientHello it received, whether a REGISTER reached it. The ue's exit
# code and REFUSED line are its documented contract, checked as well; its
# own log is only printed as a diagnostic.
#   ue_tls_peers.sh UE MAKE_PKI TESTLIB
set -uo pipefail
IOP_SCRIPT=$(realpath "${BASH_SOURCE[0]}")
source "$(dirname "$IOP_SCRIPT")/lib.sh"

# ---- run inside a private network namespace (gnutls-serv binds all interfaces)
# ns_gnutls UE PKI_DIR MODE: MODE "good" (gnutls-serv -a, echo),
# "certreq" (gnutls-serv requests a client certificate; ue aborts on it),
# "wronghost" (certificate for other.test) or "tls11" (TLS 1.1 only);
# certreq and wronghost at TLS 1.2 (what their cases are about, whichever
# stack the ue runs), "wronghost13" wronghost at TLS 1.3.
# Runs gnutls-serv and the ue; leaves gnutls.log, ue.out, ue.log and ue.rc
# in $IOP_TMP for the caller's assertions.
ns_gnutls() {
  local ue=$1 pki=$2 mode=$3 port=5061 extra=(-a) cert=pcscf-ec
  local tls12='NORMAL:-VERS-TLS1.3'
  case $mode in
    certreq) extra=(--priority "$tls12") ;;
    wronghost) cert=wronghost extra=(-a --priority "$tls12") ;;
    wronghost13) cert=wronghost extra=(-a --priority 'NORMAL:-VERS-ALL:+VERS-TLS1.3') ;;
    tls11) extra=(-a --priority 'NORMAL:-VERS-ALL:+VERS-TLS1.1') ;;
  esac
  iop_gnutls_serv gnutls "$port" "$pki/$cert.pem" "$pki/$cert.key" --echo "${extra[@]}" || return 1
  local serv=$IOP_LAST_PID opts=() rc=0
  [ "$mode" = certreq ] && opts=(--abort-on-certificate-request)
  if [ "$mode" = good ]; then
    # No SIP server behind gnutls-serv: the ue waits for an answer; it is
    # stopped once gnutls-serv has echoed its REGISTER.
    "$ue" --pcscf "127.0.0.1:$port" --pcscf-fqdn pcscf.test --ca "$pki/ca-ec.pem" \
      --impi alice@ims.test --impu sip:alice@ims.test --password x --log-format json \
      >"$IOP_TMP/ue.out" 2>"$IOP_TMP/ue.log" &
    local uep=$!
    iop_await "$IOP_BUDGET" grep -q 'REGISTER sip:ims.test SIP/2.0' "$IOP_TMP/gnutls.log"
    kill -0 "$uep" 2>/dev/null || { wait "$uep"; echo "ue exited early (exit $?)" >&2; }
    iop_stop "$uep"
    rc=alive
  else
    iop_run ue timeout "$IOP_BUDGET" "$ue" --pcscf "127.0.0.1:$port" --pcscf-fqdn pcscf.test --ca "$pki/ca-ec.pem" \
      --impi alice@ims.test --impu sip:alice@ims.test --password x --log-format json "${opts[@]}" \
      >"$IOP_TMP/ue.out" 2>"$IOP_TMP/ue.log" || rc=$?
    # gnutls-serv reports the failed handshake once it has read the ue's
    # alert or close: wait for that before stopping it.
    iop_await "$IOP_BUDGET" grep -q 'Error in handshake' "$IOP_TMP/gnutls.log" ||
      echo "gnutls-serv reported no failed handshake within ${IOP_BUDGET}s" >&2
  fi
  echo "$rc" >"$IOP_TMP/ue.rc"
  iop_stop "$serv"
  cp "$IOP_TMP/gnutls.log" "$IOP_TMP/gnutls-serv.out"
}
iop_netns_dispatch "$@"

UE=$(realpath "$1")
MAKE_PKI=$2
source "$3"
UE=$(iop_ue_stack "$UE")
iop_pki "$MAKE_PKI"
CA=$IOP_PKI/ca-ec.pem

# Alert numbers, RFC 5246 7.2 (the same in RFC 8446 6): literals, not the
# core's table. Which cause gets which alert is decision RD-31, cause by cause
# RD-107 (a SHA-1 signature hash: unsupported_certificate, 43).
BAD_CERTIFICATE=42
UNSUPPORTED_CERTIFICATE=43
CERTIFICATE_EXPIRED=45
UNKNOWN_CA=48

# run_ue PORT [ue options]: UE_RC; output in $IOP_TMP/ue.out, log ue.log.
run_ue() {
  local port=$1
  shift
  UE_RC=0
  iop_run ue timeout "$IOP_BUDGET" "$UE" --pcscf "127.0.0.1:$port" --pcscf-fqdn pcscf.test --ca "${UE_CA:-$CA}" \
    --impi alice@ims.test --impu sip:alice@ims.test --password x --log-format json "$@" \
    >"$IOP_TMP/ue.out" 2>"$IOP_TMP/ue.log" || UE_RC=$?
}

# The ue's documented exit code and its one REFUSED line (its contract with
# the caller, not wire evidence).
ue_contract() { # exit-code verdict-regex
  local r=0
  [ "$UE_RC" -eq "$1" ] || { echo "ue exit $UE_RC, want $1" >&2; r=1; }
  [ "$(grep -c '^ue: REFUSED' "$IOP_TMP/ue.out")" -eq 1 ] || { echo "want exactly one REFUSED line" >&2; r=1; }
  grep -Eq "^ue: REFUSED $2" "$IOP_TMP/ue.out" || { echo "REFUSED line does not name $2" >&2; r=1; }
  return $r
}

# Wire facts as s_server saw them (its -trace output, complete once it ended).
peer_got_no_sip() { ! grep -q 'REGISTER sip:' "$IOP_TMP/$1.log"; }
peer_handshake_done() { iop_trace_events "$IOP_TMP/$1.log" | grep -qx 'recv Finished'; }
peer_got_register() { peer_handshake_done "$1" && grep -q 'REGISTER sip:ims.test SIP/2.0' "$IOP_TMP/$1.log"; }
# The ue's ClientHello(s) as the server received them.
peer_one_clienthello() { [ "$(iop_trace_events "$IOP_TMP/$1.log" | grep -cx 'recv ClientHello')" -eq 1 ]; }
# client_version TLS 1.2 and no TLS 1.1 or older among supported_versions.
peer_hello_no_legacy() {
  grep -q 'client_version=0x303 (TLS 1.2)' "$IOP_TMP/$1.log" &&
    ! grep -Eq '^ +(SSL 3\.0|TLS 1\.0|TLS 1\.1) \((768|769|770)\)$' "$IOP_TMP/$1.log"
}
# At least one suite in the ClientHello that encrypts (OpenSSL's own names).
peer_hello_has_encrypting_suite() {
  awk '/cipher_suites \(len=/ { on = 1; next } on && /^ +\{0x/ { print; next } on { exit }' "$IOP_TMP/$1.log" |
    grep -v '_WITH_NULL_' | grep -q 'TLS_'
}

# s_server_case NAME CERT-NAME EXPECTED-EXIT VERDICT-REGEX ALERT REQ... -- [s_server args] -- [ue args]
# The ue meets an s_server presenting CERT-NAME. ALERT (a number) is the
# alert s_server must receive, asserted for every REQ and for
# O.3.1.2-UE-ALERT-ON-CERT-FAIL; "-" for a handshake the server refuses
# (version, suites), where the ClientHello is asserted instead.
s_server_case() {
  local name=$1 cert=$2 want=$3 verdict=$4 alert=$5
  shift 5
  local reqs=() sargs=() uargs=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do reqs+=("$1"); shift; done
  shift
  while [ $# -gt 0 ] && [ "$1" != -- ]; do sargs+=("$1"); shift; done
  [ "${1:-}" = -- ] && shift
  uargs=("$@")
  iop_s_server "$name" - "$IOP_PKI/$cert.pem" "$IOP_PKI/$cert.key" -naccept 1 "${sargs[@]}" || return 1
  local serv=$IOP_LAST_PID
  run_ue "$IOP_PORT" "${uargs[@]}"
  iop_s_server_wait_exit "$serv"
  local r=0 req
  ue_contract "$want" "$verdict" || r=1
  for req in "${reqs[@]}"; do
    annexo_req "$req" peer_got_no_sip "$name"
    if [ "$alert" != - ]; then
      annexo_req "$req" iop_trace_alert_received "$IOP_TMP/$name.log" "$alert"
    fi
  done
  [ "$alert" != - ] && annexo_req O.3.1.2-UE-ALERT-ON-CERT-FAIL iop_trace_alert_received "$IOP_TMP/$name.log" "$alert"
  return $r
}

# --abort-on-certificate-request: s_server sent its CertificateRequest and
# received a fatal alert (RD-02), no Certificate and no SIP.
certreq_abort() {
  iop_s_server certreq - "$IOP_PKI/pcscf-ec.pem" "$IOP_PKI/pcscf-ec.key" -naccept 1 -verify 1 -tls1_2 || return 1
  local serv=$IOP_LAST_PID
  run_ue "$IOP_PORT" --abort-on-certificate-request
  iop_s_server_wait_exit "$serv"
  local r=0 ev
  ue_contract 5 O.2.1-PC-NO-CLIENT-CERT-REQ || r=1
  ev=$(iop_trace_events "$IOP_TMP/certreq.log")
  annexo_req RFC5246-EMPTY-CLIENT-CERT grep -qx 'sent CertificateRequest' <<<"$ev"
  annexo_req RFC5246-EMPTY-CLIENT-CERT grep -Eqx 'recv alert [0-9]+' <<<"$ev"
  annexo_req RFC5246-EMPTY-CLIENT-CERT not grep -qx 'recv Certificate' <<<"$ev"
  annexo_req RFC5246-EMPTY-CLIENT-CERT peer_got_no_sip certreq
  return $r
}

# with_ca FILE cmd...: the ue trusts FILE (a name in the PKI) instead of ca-ec.
with_ca() {
  local UE_CA=$IOP_PKI/$1.pem
  shift
  "$@"
}

# legacy_or_null_case NAME REQ CHECK -- s_server args: a server the ue must
# not agree with (TLS 1.0/1.1 only, NULL only). Asserted on the ClientHello
# the server received (CHECK) and that the ue never tried again (one
# ClientHello) nor completed a handshake.
refused_server_case() {
  local name=$1 req=$2 check=$3
  shift 4
  iop_s_server "$name" - "$IOP_PKI/pcscf-ec.pem" "$IOP_PKI/pcscf-ec.key" -naccept 1 "$@" || return 1
  local serv=$IOP_LAST_PID
  run_ue "$IOP_PORT"
  iop_s_server_wait_exit "$serv"
  local r=0
  ue_contract 3 'O.1.1-OP-NO-BIDDOWN' || r=1
  annexo_req "$req" "$check" "$name"
  annexo_req "$req" peer_one_clienthello "$name"
  annexo_req "$req" not peer_handshake_done "$name"
  annexo_req "$req" peer_got_no_sip "$name"
  return $r
}

# A well-behaved TLS server that speaks no SIP: the ue accepts its
# certificate and sends REGISTER over the session (seen by s_server), but
# claims no registration without a 2xx. The ue waits for an answer: it is
# stopped once s_server shows the REGISTER.
# EXTRA s_server args, e.g. -verify 1 (a CertificateRequest, RD-02); ue
# options in the array UE_EXTRA if set.
good_server_case() {
  local name=$1
  shift
  iop_s_server "$name" - "$IOP_PKI/pcscf-ec.pem" "$IOP_PKI/pcscf-ec.key" -naccept 1 -tls1_2 "$@" || return 1
  local serv=$IOP_LAST_PID
  timeout "$IOP_BUDGET" "$UE" --pcscf "127.0.0.1:$IOP_PORT" --pcscf-fqdn pcscf.test --ca "$CA" \
    --impi alice@ims.test --impu sip:alice@ims.test --password x --log-format json ${UE_EXTRA[@]+"${UE_EXTRA[@]}"} \
    >"$IOP_TMP/ue.out" 2>"$IOP_TMP/ue.log" &
  local uep=$!
  iop_note "ue (pid $uep) against $name"
  iop_await "$IOP_BUDGET" grep -q 'REGISTER sip:ims.test SIP/2.0' "$IOP_TMP/$name.log"
  local alive=0
  kill -0 "$uep" 2>/dev/null && alive=1
  iop_stop "$uep"
  iop_s_server_wait_exit "$serv"
  ((alive)) || echo "the ue had exited before its REGISTER reached s_server" >&2
  ! grep -q '^ue: REGISTERED' "$IOP_TMP/ue.out" || { echo "ue claims a registration" >&2; return 1; }
  ((alive))
}

# NULL encryption at the UE (O.2.1-ALL-NULL-MAY, RD-01, RD-350), seen by
# s_server: the suites of the ClientHello it received and the suite of the
# ServerHello it sent ("0xC0, 0x06"), from its -trace of the wire.
peer_hello_suites() {
  awk '/cipher_suites \(len=/ { on = 1; next } on && /^ +\{0x/ { print; next } on { exit }' "$IOP_TMP/$1.log"
}
peer_hello_no_null() { peer_hello_suites "$1" | grep -q 'TLS_' && ! peer_hello_suites "$1" | grep -q '_WITH_NULL_'; }
# NULL suites offered, each after every encrypting one (RD-01's order).
peer_hello_null_last() {
  peer_hello_suites "$1" | grep -v 'EMPTY_RENEGOTIATION_INFO_SCSV' |
    awk '/_WITH_NULL_/ { n++; next } { if (n) bad = 1; e++ } END { exit !(n > 0 && e > 0 && !bad) }'
}
peer_sh_suite() {
  awk '/^Sent Record/ { rec = 1 } /^Received Record/ { rec = 0 }
    rec && /^ +ServerHello, Length=/ { sh = 1; next }
    sh && /cipher_suite \{0x/ { s = $0; sub(/.*\{/, "", s); sub(/\}.*/, "", s); print s; exit }' "$IOP_TMP/$1.log"
}
# Without --offer-null-encryption: an s_server that prefers a NULL suite
# (-serverpref, NULL first) finds none in the ClientHello and chooses AES-GCM.
ue_null_default() {
  good_server_case null-default -serverpref -cipher 'ECDHE-ECDSA-NULL-SHA:ECDHE-ECDSA-AES128-GCM-SHA256:@SECLEVEL=0' || return 1
  annexo_req O.2.1-ALL-NULL-MAY peer_hello_no_null null-default
  annexo_req O.2.1-ALL-NULL-MAY test "$(peer_sh_suite null-default)" = "0xC0, 0x2B"
  annexo_req O.2.1-ALL-NULL-MAY peer_got_register null-default
}
# With --offer-null-encryption (OpenSSL stack): the NULL suites come after
# every encrypting one, and a NULL-only s_server gets a handshake on
# ECDHE-ECDSA-NULL-SHA and the REGISTER over it. Botan 2.19 has no NULL suite.
ue_null_opt_in() {
  if [ "$IOP_UE_STACK" != openssl ]; then
    annexo_skip "Botan 2.19 implements no NULL suite: ue --offer-null-encryption offers none there (RD-350)"
    return
  fi
  local UE_EXTRA=(--offer-null-encryption)
  good_server_case null-optin -cipher 'eNULL:@SECLEVEL=0' || return 1
  annexo_req O.2.1-UE-NONNULL-OFFER peer_hello_null_last null-optin
  annexo_req O.2.1-UE-NONNULL-OFFER peer_hello_has_encrypting_suite null-optin
  annexo_req O.2.1-ALL-NULL-MAY test "$(peer_sh_suite null-optin)" = "0xC0, 0x06"
  annexo_req O.2.1-ALL-NULL-MAY peer_got_register null-optin
  # Diagnostic only (annexo's own log): the audit record of RD-01.
  grep -q 'O.2.1-ALL-NULL-MAY' "$IOP_TMP/ue.log" || { echo "no NULL audit record in the ue log" >&2; return 1; }
}

openssl_good_no_sip() {
  good_server_case good-nosip || return 1
  annexo_req O.2.1-UE-AUTH-PC-BY-CERT peer_got_register good-nosip
}

certreq_answered_empty() {
  good_server_case certreq-empty -verify 1 || return 1
  # RD-02 (A2): the UE answers with an empty Certificate (certificate_list of
  # length 0, as s_server decoded it) and goes on; the REGISTER reaches s_server.
  annexo_req RFC5246-EMPTY-CLIENT-CERT bash -c \
    'iop_t=$(awk "/^Received Record/{r=1} /^Sent Record/{r=0} r && /^    Certificate, Length=/{c=1; next} c && /certificate_list, length=/{print; exit}" "$0"); [[ "$iop_t" =~ length=0$ ]]' \
    "$IOP_TMP/certreq-empty.log"
  annexo_req RFC5246-EMPTY-CLIENT-CERT peer_got_register certreq-empty
}

# The gnutls-serv cases: gnutls-serv and the ue run in a private network
# namespace (ns_gnutls); the assertions read what gnutls-serv printed.
gnutls_case() { # mode
  iop_in_netns ns_gnutls "$UE" "$IOP_PKI" "$1" || return 1
  local rc r=0 g=$IOP_TMP/gnutls-serv.out
  rc=$(cat "$IOP_TMP/ue.rc")
  case $1 in
    good)
      [ "$rc" = alive ] || { echo "ue exited ($rc) before gnutls-serv echoed its REGISTER" >&2; r=1; }
      ! grep -q '^ue: REGISTERED' "$IOP_TMP/ue.out" || r=1
      annexo_req O.2.1-UE-AUTH-PC-BY-CERT grep -q 'REGISTER sip:ims.test SIP/2.0' "$g"
      annexo_req O.2.1-UE-AUTH-PC-BY-CERT bash -c '! grep -q "Error in handshake" "$0"' "$g"
      ;;
    certreq)
      [ "$rc" -eq 5 ] || { echo "ue exit $rc, want 5" >&2; r=1; }
      grep -q '^ue: REFUSED O.2.1-PC-NO-CLIENT-CERT-REQ' "$IOP_TMP/ue.out" || r=1
      # RD-02: --abort-on-certificate-request ends the handshake with a fatal alert.
      annexo_req RFC5246-EMPTY-CLIENT-CERT grep -q 'Error in handshake: A TLS fatal alert has been received' "$g"
      annexo_req RFC5246-EMPTY-CLIENT-CERT bash -c '! grep -q "REGISTER sip:" "$0"' "$g"
      ;;
    wronghost)
      [ "$rc" -eq 2 ] || { echo "ue exit $rc, want 2" >&2; r=1; }
      grep -q '^ue: REFUSED O.2.1-UE-TRUST-ENDPOINT-VIA-CERT' "$IOP_TMP/ue.out" || r=1
      annexo_req O.2.1-UE-TRUST-ENDPOINT-VIA-CERT grep -q 'Error in handshake: A TLS fatal alert has been received' "$g"
      annexo_req O.2.1-UE-TRUST-ENDPOINT-VIA-CERT bash -c '! grep -q "REGISTER sip:" "$0"' "$g"
      ;;
    wronghost13)
      # OpenSSL 3.0's TLS 1.3 client sends a handshake-time alert in the
      # clear (before its handshake write keys); GnuTLS expects it encrypted
      # and reports a decryption failure, not the alert (RD-181). What
      # gnutls-serv does see: the handshake failed and no SIP came.
      [ "$rc" -eq 2 ] || { echo "ue exit $rc, want 2" >&2; r=1; }
      grep -q '^ue: REFUSED O.2.1-UE-TRUST-ENDPOINT-VIA-CERT' "$IOP_TMP/ue.out" || r=1
      annexo_req O.2.1-UE-TRUST-ENDPOINT-VIA-CERT grep -q 'Error in handshake' "$g"
      annexo_req O.2.1-UE-TRUST-ENDPOINT-VIA-CERT bash -c '! grep -q "REGISTER sip:\|Handshake was completed" "$0"' "$g"
      ;;
    tls11)
      [ "$rc" -eq 3 ] || { echo "ue exit $rc, want 3" >&2; r=1; }
      grep -q '^ue: REFUSED O.1.1-OP-NO-BIDDOWN' "$IOP_TMP/ue.out" || r=1
      annexo_req 33210-6.2.1-NO-LEGACY-VERSIONS grep -q 'Error in handshake' "$g"
      annexo_req 33210-6.2.1-NO-LEGACY-VERSIONS bash -c '! grep -q "REGISTER sip:\|Handshake was completed" "$0"' "$g"
      ;;
  esac
  return $r
}

# ---- TLS 1.3 (issue 14), on the stack that speaks it (--tls-stack openssl,
# RD-180): s_server -tls1_3 speaks TLS 1.3 only. What was negotiated is read
# off the wire (tshark: the ServerHello's supported_versions, suite and
# key_share group, lib.sh iop_hello_*); the certificate refusals are read
# where s_server received the alert (its -trace decrypts the TLS 1.3
# handshake records).
# tls13_register NAME [s_server args]: s_server -tls1_3 (and the args) with a
# tshark capture "ts"; the ue runs until its REGISTER reached s_server. Sets
# UE_ALIVE (1: the ue was still running then).
tls13_register() {
  local name=$1
  shift
  iop_s_server "$name" - "$IOP_PKI/pcscf-ec.pem" "$IOP_PKI/pcscf-ec.key" -naccept 1 -tls1_3 "$@" || return 1
  local serv=$IOP_LAST_PID
  iop_tshark_start ts "$IOP_PORT" || return 1
  timeout "$IOP_BUDGET" "$UE" --pcscf "127.0.0.1:$IOP_PORT" --pcscf-fqdn pcscf.test --ca "$CA" \
    --impi alice@ims.test --impu sip:alice@ims.test --password x --log-format json \
    >"$IOP_TMP/ue.out" 2>"$IOP_TMP/ue.log" &
  local uep=$!
  iop_note "ue (pid $uep) against $name"
  iop_await "$IOP_BUDGET" grep -q 'REGISTER sip:ims.test SIP/2.0' "$IOP_TMP/$name.log"
  UE_ALIVE=0
  kill -0 "$uep" 2>/dev/null && UE_ALIVE=1
  iop_stop "$uep"
  iop_s_server_wait_exit "$serv"
  iop_tshark_stop ts
  ((UE_ALIVE)) || echo "the ue had exited before its REGISTER reached s_server" >&2
}
# TS 33.210 6.2.2: key exchange on secp384r1 (0x0018 = 24). s_server -groups
# P-384 takes no other group: the ue's first key share is for another one, so
# s_server asks for P-384 with a HelloRetryRequest (the last ServerHello
# carries the group used).
P384=24
client_hello_offers_group() { # capture group
  local g
  g=$(tshark -r "$IOP_TMP/$1.pcap" -Y 'tls.handshake.type == 1' -T fields -E occurrence=a \
    -E aggregator=, -e tls.handshake.extensions_supported_group 2>/dev/null | head -1)
  local x
  for x in ${g//,/ }; do
    [[ "$x" =~ ^(0x[0-9a-fA-F]+|[0-9]+)$ ]] && (( x == $2 )) && return 0
  done
  echo "the ue's supported_groups '$g' lack $2" >&2
  return 1
}
last_server_hello_group_is() { # capture group
  local g
  g=$(tshark -r "$IOP_TMP/$1.pcap" -Y 'tls.handshake.type == 2' -T fields \
    -e tls.handshake.extensions_key_share_group 2>/dev/null | tail -1)
  [[ "$g" =~ ^(0x[0-9a-fA-F]+|[0-9]+)$ ]] && (( g == $2 )) && return 0
  echo "the last ServerHello's key_share group '$g' is not $2" >&2
  return 1
}
tls13_p384() {
  tls13_register p384 -groups P-384 || return 1
  annexo_req 33210-6.2.2-SECP384R1-KX client_hello_offers_group ts "$P384"
  annexo_req 33210-6.2.2-SECP384R1-KX last_server_hello_group_is ts "$P384"
  annexo_req 33210-6.2.2-SECP384R1-KX iop_server_hello_version_is ts "$IOP_TLS13"
  annexo_req 33210-6.2.2-SECP384R1-KX peer_got_register p384
  ((UE_ALIVE))
}
tls13_good() {
  tls13_register tls13 || return 1
  annexo_req 33210-6.2.1-TLS13-MANDATORY peer_got_register tls13
  annexo_req 33210-6.2.1-TLS13-MANDATORY iop_server_hello_version_is ts "$IOP_TLS13"
  annexo_req O.2.1-ALL-PROFILE iop_server_hello_suite_in_profile ts
  annexo_req O.2.1-ALL-PROFILE iop_server_hello_group_in_profile ts
  annexo_req 33210-6.2.2-NO-0RTT iop_client_hello_no_early_data ts
  ((UE_ALIVE))
}
# KeyUpdate (RD-117): s_server -tls1_3 sends KeyUpdate(update_requested)
# ("K" on its stdin) once the ue's REGISTER has arrived; the ue, with nothing
# to send (it waits for an answer), answers with KeyUpdate(update_not_requested)
# at once and keeps the connection: s_server receives the answer and no alert.
# "sent|recv update_requested|update_not_requested", one a KeyUpdate, in order.
peer_key_updates() {
  awk '/^Received Record/ { d = "recv" } /^Sent Record/ { d = "sent" }
    /^ +KeyUpdate, Length=/ { k = d; next } k != "" { print k, $1; k = "" }' "$IOP_TMP/$1.log"
}
peer_key_update_answered() {
  peer_key_updates "$1" | awk '$0 == "sent update_requested" { s = 1 }
    s && $0 == "recv update_not_requested" { ok = 1 } END { exit !ok }'
}
peer_got_no_alert() { ! iop_trace_events "$IOP_TMP/$1.log" | grep -q '^recv alert'; }
tls13_key_update() {
  iop_s_server ku13 - "$IOP_PKI/pcscf-ec.pem" "$IOP_PKI/pcscf-ec.key" -naccept 1 -tls1_3 || return 1
  local serv=$IOP_LAST_PID
  timeout "$IOP_BUDGET" "$UE" --pcscf "127.0.0.1:$IOP_PORT" --pcscf-fqdn pcscf.test --ca "$CA" \
    --impi alice@ims.test --impu sip:alice@ims.test --password x --log-format json \
    >"$IOP_TMP/ue.out" 2>"$IOP_TMP/ue.log" &
  local uep=$!
  iop_note "ue (pid $uep) against ku13"
  iop_await "$IOP_BUDGET" grep -q 'REGISTER sip:ims.test SIP/2.0' "$IOP_TMP/ku13.log" || echo "no REGISTER at s_server" >&2
  iop_s_server_say ku13 K
  iop_await "$IOP_BUDGET" peer_key_update_answered ku13
  local alive=0
  kill -0 "$uep" 2>/dev/null && alive=1
  iop_stop "$uep"  # SIGTERM: the ue leaves without sending anything
  iop_s_server_wait_exit "$serv"
  ((alive)) || echo "the ue had exited before the end of the KeyUpdate exchange" >&2
  annexo_req RFC8446-NO-RENEG peer_key_update_answered ku13
  annexo_req RFC8446-NO-RENEG peer_got_no_alert ku13
  annexo_req RFC8446-NO-RENEG test "$alive" -eq 1
}
if [ "$IOP_UE_STACK" = openssl ]; then
  #= spec#33210-6.2.2-SECP384R1-KX type=test
  annexo_case "33210-6.2.2-SECP384R1-KX: ue (OpenSSL stack) offers secp384r1 and completes a TLS 1.3 handshake on it with openssl s_server -tls1_3 -groups P-384 (after a HelloRetryRequest): the last ServerHello on the wire carries group 24 and the REGISTER reaches s_server" \
    iop_case tls13_p384
  #= spec#RFC8446-NO-RENEG type=test
  annexo_case "RFC8446-NO-RENEG: ue (OpenSSL stack) answers openssl s_server's TLS 1.3 KeyUpdate(update_requested) at once with KeyUpdate(update_not_requested) though it has nothing to send, and keeps the connection (RD-117)" \
    iop_case tls13_key_update
  #= spec#33210-6.2.1-TLS13-MANDATORY type=test
  #= spec#O.2.1-ALL-PROFILE type=test
  #= spec#33210-6.2.2-NO-0RTT type=test
  annexo_case "33210-6.2.1-TLS13-MANDATORY: ue (OpenSSL stack) completes a TLS 1.3 handshake with openssl s_server -tls1_3 (ServerHello on the wire: TLS 1.3, an RFC 8446 9.1 suite, a profile group; no early_data offered) and its REGISTER reaches s_server" \
    iop_case tls13_good
  #= spec#O.2.1-UE-TRUST-ENDPOINT-VIA-CERT type=test
  #= spec#O.3.1.2-UE-ALERT-ON-CERT-FAIL type=test
  annexo_case "O.2.1-UE-TRUST-ENDPOINT-VIA-CERT: ue (OpenSSL stack) refuses an openssl s_server -tls1_3 whose certificate names another host: s_server receives bad_certificate (42) at TLS 1.3, no SIP" \
    iop_case s_server_case wronghost13 wronghost 2 'O.2.1-UE-TRUST-ENDPOINT-VIA-CERT' $BAD_CERTIFICATE O.2.1-UE-TRUST-ENDPOINT-VIA-CERT -- -tls1_3
  #= spec#O.5.2-UE-CHAIN-TO-TRUSTED-ROOT type=test
  #= spec#O.3.1.2-UE-ALERT-ON-CERT-FAIL type=test
  annexo_case "O.5.2-UE-CHAIN-TO-TRUSTED-ROOT: ue (OpenSSL stack) refuses an openssl s_server -tls1_3 whose certificate comes from a CA it does not trust: s_server receives unknown_ca (48) at TLS 1.3" \
    iop_case with_ca ca-rsa s_server_case unknownca13 pcscf-ec 2 'O.5.2-UE-CHAIN-TO-TRUSTED-ROOT cert_path_unknown_ca' $UNKNOWN_CA O.5.2-UE-CHAIN-TO-TRUSTED-ROOT -- -tls1_3
  #= spec#O.2.1-UE-TRUST-ENDPOINT-VIA-CERT type=test
  annexo_case "O.2.1-UE-TRUST-ENDPOINT-VIA-CERT: ue (OpenSSL stack) refuses a gnutls-serv at TLS 1.3 whose certificate names another host: the handshake fails at gnutls-serv, no SIP" \
    iop_case gnutls_case wronghost13
fi

#= spec#O.2.1-UE-TRUST-ENDPOINT-VIA-CERT type=test
#= spec#O.3.1.2-UE-ALERT-ON-CERT-FAIL type=test
annexo_case "O.2.1-UE-TRUST-ENDPOINT-VIA-CERT: ue refuses an openssl s_server whose certificate names another host: s_server receives bad_certificate (42), no SIP" \
  iop_case s_server_case wronghost wronghost 2 'O.2.1-UE-TRUST-ENDPOINT-VIA-CERT' $BAD_CERTIFICATE O.2.1-UE-TRUST-ENDPOINT-VIA-CERT -- -tls1_2
#= spec#O.2.1-UE-TRUST-ENDPOINT-VIA-CERT type=test
#= spec#O.3.1.2-UE-ALERT-ON-CERT-FAIL type=test
annexo_case "O.2.1-UE-TRUST-ENDPOINT-VIA-CERT: ue never matches a wildcard certificate of an openssl s_server: s_server receives bad_certificate (42), no SIP" \
  iop_case s_server_case wildcard wildcard 2 'O.2.1-UE-TRUST-ENDPOINT-VIA-CERT cert_wildcard_name' $BAD_CERTIFICATE O.2.1-UE-TRUST-ENDPOINT-VIA-CERT -- -tls1_2
#= spec#RFC5246-EMPTY-CLIENT-CERT type=test
annexo_case "RFC5246-EMPTY-CLIENT-CERT: ue --abort-on-certificate-request leaves an openssl s_server that asks for a client certificate: s_server receives a fatal alert, no Certificate, no SIP" \
  iop_case certreq_abort
#= spec#O.5.2-UE-RFC5280-PATH type=test
#= spec#O.3.1.2-UE-ALERT-ON-CERT-FAIL type=test
annexo_case "O.5.2-UE-RFC5280-PATH: ue refuses an openssl s_server presenting an expired certificate: s_server receives certificate_expired (45)" \
  iop_case s_server_case expired expired 2 'O.5.2-UE-RFC5280-PATH cert_path_expired' $CERTIFICATE_EXPIRED O.5.2-UE-RFC5280-PATH -- -tls1_2
#= spec#O.5.2-UE-CHAIN-TO-TRUSTED-ROOT type=test
#= spec#O.3.1.2-UE-ALERT-ON-CERT-FAIL type=test
annexo_case "O.5.2-UE-CHAIN-TO-TRUSTED-ROOT: ue refuses an openssl s_server presenting a self-signed certificate: s_server receives unknown_ca (48)" \
  iop_case s_server_case selfsigned selfsigned 2 'O.5.2-UE-CHAIN-TO-TRUSTED-ROOT cert_path_unknown_ca' $UNKNOWN_CA O.5.2-UE-CHAIN-TO-TRUSTED-ROOT -- -tls1_2
#= spec#O.5.2-UE-CHAIN-TO-TRUSTED-ROOT type=test
#= spec#O.3.1.2-UE-ALERT-ON-CERT-FAIL type=test
annexo_case "O.5.2-UE-CHAIN-TO-TRUSTED-ROOT: ue refuses an openssl s_server whose certificate comes from a CA it does not trust: s_server receives unknown_ca (48)" \
  iop_case with_ca ca-rsa s_server_case unknownca pcscf-ec 2 'O.5.2-UE-CHAIN-TO-TRUSTED-ROOT cert_path_unknown_ca' $UNKNOWN_CA O.5.2-UE-CHAIN-TO-TRUSTED-ROOT -- -tls1_2
#= spec#33310-6.1.1-HASH type=test
#= spec#O.3.1.2-UE-ALERT-ON-CERT-FAIL type=test
annexo_case "33310-6.1.1-HASH: ue refuses an openssl s_server presenting a SHA-1-signed certificate: s_server receives unsupported_certificate (43, RD-107)" \
  iop_case with_ca ca-rsa s_server_case sha1 sha1 2 '33310-6.1.1-HASH cert_weak_signature_hash' $UNSUPPORTED_CERTIFICATE 33310-6.1.1-HASH -- -tls1_2 -cipher 'DEFAULT:@SECLEVEL=0'
#= spec#IMPL-CERT-KEY-STRENGTH type=test
#= spec#O.3.1.2-UE-ALERT-ON-CERT-FAIL type=test
annexo_case "IMPL-CERT-KEY-STRENGTH: ue refuses an openssl s_server presenting an RSA-1024 certificate: s_server receives unsupported_certificate (43)" \
  iop_case with_ca ca-rsa s_server_case rsa1024 rsa1024 2 'IMPL-CERT-KEY-STRENGTH cert_rsa_key_too_small' $UNSUPPORTED_CERTIFICATE IMPL-CERT-KEY-STRENGTH -- -tls1_2 -cipher 'DEFAULT:@SECLEVEL=0'
#= spec#O.5.1-CERT-CN-SINGLE type=test
#= spec#O.3.1.2-UE-ALERT-ON-CERT-FAIL type=test
annexo_case "O.5.1-CERT-CN-SINGLE: ue refuses an openssl s_server whose certificate has two common names: s_server receives bad_certificate (42)" \
  iop_case s_server_case twocn twocn 2 'O.5.1-CERT-CN-SINGLE cert_cn_not_single' $BAD_CERTIFICATE O.5.1-CERT-CN-SINGLE -- -tls1_2
#= spec#O.5.1-CERT-SAN-HAS-FQDN type=test
#= spec#O.3.1.2-UE-ALERT-ON-CERT-FAIL type=test
annexo_case "O.5.1-CERT-SAN-HAS-FQDN: ue refuses an openssl s_server whose certificate has no subjectAltName: s_server receives bad_certificate (42)" \
  iop_case s_server_case nosan nosan 2 'O.5.1-CERT-SAN-HAS-FQDN' $BAD_CERTIFICATE O.5.1-CERT-SAN-HAS-FQDN -- -tls1_2
#= spec#33210-6.2.1-NO-LEGACY-VERSIONS type=test
annexo_case "33210-6.2.1-NO-LEGACY-VERSIONS: ue refuses an openssl s_server that speaks TLS 1.0 only: s_server receives one TLS 1.2-only ClientHello and no retry" \
  iop_case refused_server_case tls10 33210-6.2.1-NO-LEGACY-VERSIONS peer_hello_no_legacy -- -tls1 -cipher 'DEFAULT:@SECLEVEL=0'
#= spec#O.2.1-UE-AUTH-PC-BY-CERT type=test
annexo_case "O.2.1-UE-AUTH-PC-BY-CERT: ue accepts openssl s_server's pcscf.test certificate, sends REGISTER over the session (seen by s_server) and claims no registration without a 2xx" \
  iop_case openssl_good_no_sip
#= spec#O.2.1-UE-TRUST-ENDPOINT-VIA-CERT type=test
annexo_case "O.2.1-UE-TRUST-ENDPOINT-VIA-CERT: ue refuses a gnutls-serv whose certificate names another host: gnutls-serv receives a fatal alert, no SIP" \
  iop_case gnutls_case wronghost
#= spec#33210-6.2.1-NO-LEGACY-VERSIONS type=test
annexo_case "33210-6.2.1-NO-LEGACY-VERSIONS: ue refuses a gnutls-serv that speaks TLS 1.1 only: no handshake completes" \
  iop_case gnutls_case tls11
#= spec#RFC5246-EMPTY-CLIENT-CERT type=test
annexo_case "RFC5246-EMPTY-CLIENT-CERT: ue answers an openssl CertificateRequest with an empty Certificate (seen by s_server) and goes on to its REGISTER" \
  iop_case certreq_answered_empty
#= spec#33210-6.2.1-NO-LEGACY-VERSIONS type=test
annexo_case "33210-6.2.1-NO-LEGACY-VERSIONS: ue refuses an openssl s_server that speaks TLS 1.1 only: s_server receives one TLS 1.2-only ClientHello and no retry" \
  iop_case refused_server_case tls11 33210-6.2.1-NO-LEGACY-VERSIONS peer_hello_no_legacy -- -tls1_1 -cipher 'DEFAULT:@SECLEVEL=0'
#= spec#O.2.1-UE-NONNULL-OFFER type=test
annexo_case "O.2.1-UE-NONNULL-OFFER: ue finds no common suite with an openssl s_server offering NULL encryption only: its ClientHello lists an encrypting suite and it does not retry" \
  iop_case refused_server_case nullonly O.2.1-UE-NONNULL-OFFER peer_hello_has_encrypting_suite -- -tls1_2 -cipher 'ECDHE-ECDSA-NULL-SHA:NULL-SHA256:@SECLEVEL=0'
#= spec#O.2.1-ALL-NULL-MAY type=test
annexo_case "O.2.1-ALL-NULL-MAY: ue without --offer-null-encryption lists no NULL suite in its ClientHello (as openssl s_server received it), so an s_server preferring ECDHE-ECDSA-NULL-SHA chooses AES-GCM (0xC02B) and gets the REGISTER" \
  iop_case ue_null_default
#= spec#O.2.1-ALL-NULL-MAY type=test
#= spec#O.2.1-UE-NONNULL-OFFER type=test
annexo_case "O.2.1-ALL-NULL-MAY: ue (OpenSSL stack) --offer-null-encryption lists its NULL suites after every encrypting one, and a NULL-only openssl s_server negotiates ECDHE-ECDSA-NULL-SHA (0xC006) with it and gets the REGISTER" \
  iop_case ue_null_opt_in
#= spec#O.2.1-UE-AUTH-PC-BY-CERT type=test
annexo_case "O.2.1-UE-AUTH-PC-BY-CERT: ue accepts gnutls-serv's pcscf.test certificate and sends its REGISTER over the session (echoed by gnutls-serv)" \
  iop_case gnutls_case good
#= spec#RFC5246-EMPTY-CLIENT-CERT type=test
annexo_case "RFC5246-EMPTY-CLIENT-CERT: ue --abort-on-certificate-request leaves a gnutls-serv that asks for a client certificate: gnutls-serv receives a fatal alert, no SIP" \
  iop_case gnutls_case certreq
annexo_finish
