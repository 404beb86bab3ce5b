#!/bin/bash
# TLS 1.3 at pcscf, seen by TLS clients nobody here wrote (issue 14, phase B):
# OpenSSL s_client -tls1_3 and gnutls-cli with a TLS 1.3-only priority
# against pcscf --tls-stack openssl (ANNEXO_TLS_STACK, set by the target; the
# case names say the stack: the default stack, Botan, has no TLS 1.3, RD-170).
# What is checked is what the client reports from the wire (s_client -trace
# decodes the ServerHello and the encrypted handshake messages; gnutls-cli
# prints the negotiated description); pcscf's own log is never evidence.
# The expected suites and groups are literals from TS 33.210 6.2.2 / RFC 8446
# 9.1 (tls_profile.toml), not the core's tables.
#   pcscf_tls13_peers.sh PCSCF MAKE_PKI TESTLIB
set -uo pipefail
IOP_SCRIPT=$(realpath "${BASH_SOURCE[0]}")
source "$(dirname "$IOP_SCRIPT")/lib.sh"
source "$3"
iop_pcscf_driver "$1" "$2"

# received FILE MESSAGE: the s_client whose -trace is FILE received MESSAGE.
received() { iop_trace_events "$1" | grep -qx "recv $2"; }

# The ServerHello the last s_client received, as s_client -trace decoded it
# from the wire: "version suite group" (IANA numbers, hex, lower case).
# version: the supported_versions extension (TLS 1.3) else server_version.
sh_fields() {
  awk '
    /^Received Record/ { rec = 1 } /^Sent Record/ { rec = 0 }
    rec && /^    ServerHello, Length=/ { in_sh = 1; next }
    in_sh && /^    [A-Za-z]+, Length=/ { in_sh = 0 }
    in_sh && /^Received Record|^Sent Record/ { in_sh = 0 }
    in_sh && /server_version=0x/ { v = $1; sub(/.*=0x/, "", v); ver = v }
    in_sh && /cipher_suite \{0x/ { s = $0; sub(/.*\{0x/, "", s); sub(/\}.*/, "", s); sub(/, 0x/, "", s); suite = s }
    in_sh && /extension_type=supported_versions/ { sv = 1; next }
    in_sh && sv && /TLS 1\.3 \(772\)/ { ver = "0304"; sv = 0 }
    in_sh && /NamedGroup: .*\([0-9]+\)/ { g = $0; sub(/.*\(/, "", g); sub(/\).*/, "", g); grp = sprintf("%04x", g) }
    END { printf "%s %s %s\n", ver, tolower(suite), grp }
  ' "$IOP_TMP/s_client.out"
}
sh_version() { sh_fields | cut -d' ' -f1; }
sh_suite() { sh_fields | cut -d' ' -f2; }
sh_group() { sh_fields | cut -d' ' -f3; }
one_of() { # value word...
  local v=$1 w
  shift
  for w in "$@"; do [ "$v" = "$w" ] && return 0; done
  echo "'$v' is not one of: $*" >&2
  return 1
}
# TLS 1.3 suites of the profile (RFC 8446 9.1 via TS 33.210 6.2.2): 0x1301
# MUST, 0x1302 / 0x1303 SHOULD. Groups: secp256r1 (0x0017) MUST, x25519
# (0x001d) SHOULD, secp384r1 (0x0018) SHOULD (33210-6.2.2-SECP384R1-KX).
PROFILE_TLS13_SUITES=(1301 1302 1303)
PROFILE_GROUPS=(0017 001d 0018)

# A SIP answer reached the client over the TLS 1.3 connection.
sip_answered() { grep -q '^SIP/2.0 401 ' "$1"; }

openssl_tls13() {
  iop_start_pcscf ossl13 || return 1
  iop_s_client "$PC_PORT" "$CA" "$(iop_register_text z9hG4bKt13a)" -tls1_3
  local rc=$?
  iop_stop "$PC_PID"
  echo "ServerHello (version suite group): $(sh_fields)"
  annexo_req 33210-6.2.1-TLS13-MANDATORY test "$rc" -eq 0
  annexo_req 33210-6.2.1-TLS13-MANDATORY test "$(sh_version)" = 0304
  annexo_req 33210-6.2.1-TLS13-MANDATORY grep -q '^New, TLSv1.3, Cipher is ' "$IOP_TMP/s_client.out"
  annexo_req 33210-6.2.1-TLS13-MANDATORY sip_answered "$IOP_TMP/s_client.out"
  annexo_req O.2.1-ALL-PROFILE one_of "$(sh_suite)" "${PROFILE_TLS13_SUITES[@]}"
  annexo_req O.2.1-ALL-PROFILE one_of "$(sh_group)" "${PROFILE_GROUPS[@]}"
  # The CertificateRequest would be encrypted at TLS 1.3: s_client -trace
  # decrypts and shows every handshake message it received.
  annexo_req O.2.1-PC-NO-CLIENT-CERT-REQ received "$IOP_TMP/s_client.out" Finished
  annexo_req O.2.1-PC-NO-CLIENT-CERT-REQ not iop_s_client_saw_certreq
}

# RFC 8446 9.1's musts, one at a time: TLS_AES_128_GCM_SHA256 on secp256r1
# with an ECDSA P-256 certificate (ecdsa_secp256r1_sha256), and
# rsa_pss_rsae_sha256 with the RSA certificate.
openssl_tls13_mti() {
  iop_start_pcscf ossl13mti || return 1
  iop_s_client "$PC_PORT" "$CA" "$(iop_register_text z9hG4bKt13m)" -tls1_3 \
    -ciphersuites TLS_AES_128_GCM_SHA256 -groups P-256 -sigalgs ecdsa_secp256r1_sha256
  local rc=$?
  iop_stop "$PC_PID"
  echo "ServerHello (version suite group): $(sh_fields)"
  annexo_req 33210-6.2.2-RFC8446-9.1 test "$rc" -eq 0
  annexo_req 33210-6.2.2-RFC8446-9.1 test "$(sh_fields)" = "0304 1301 0017"
  annexo_req 33210-6.2.2-RFC8446-9.1 sip_answered "$IOP_TMP/s_client.out"
  iop_start_pcscf ossl13rsa rsa || return 1
  iop_s_client "$PC_PORT" "$IOP_PKI/ca-rsa.pem" "$(iop_register_text z9hG4bKt13r)" -tls1_3 \
    -sigalgs rsa_pss_rsae_sha256
  rc=$?
  iop_stop "$PC_PID"
  annexo_req 33210-6.2.2-RFC8446-9.1 test "$rc" -eq 0
  annexo_req 33210-6.2.2-RFC8446-9.1 test "$(sh_version)" = 0304
  annexo_req 33210-6.2.2-RFC8446-9.1 grep -q '^Peer signature type: RSA-PSS' "$IOP_TMP/s_client.out"
  annexo_req 33210-6.2.2-RFC8446-9.1 sip_answered "$IOP_TMP/s_client.out"
}

gnutls_tls13() {
  iop_start_pcscf gnutls13 || return 1
  iop_gnutls_cli "$PC_PORT" "$CA" "$(iop_register_text z9hG4bKt13g)" --priority 'NORMAL:-VERS-ALL:+VERS-TLS1.3'
  local rc=$? desc
  iop_stop "$PC_PID"
  desc=$(sed -n 's/^- Description: //p' "$IOP_TMP/gnutls-cli.out" | head -1)
  echo "gnutls-cli: $desc"
  annexo_req 33210-6.2.1-TLS13-MANDATORY grep -q 'Handshake was completed' "$IOP_TMP/gnutls-cli.out"
  annexo_req 33210-6.2.1-TLS13-MANDATORY grep -q '^(TLS1.3' <<<"$desc"
  annexo_req 33210-6.2.1-TLS13-MANDATORY sip_answered "$IOP_TMP/gnutls-cli.out"
  # gnutls-cli prints "- Server has requested a certificate." once a
  # CertificateRequest came (the session's request status, read by gnutls).
  annexo_req O.2.1-PC-NO-CLIENT-CERT-REQ not grep -q 'Server has requested a certificate' "$IOP_TMP/gnutls-cli.out"
  # (TLS1.3-X.509)-(ECDHE-GROUP)-(SIGNATURE)-(CIPHER): gnutls's names of the
  # profile's groups and TLS 1.3 ciphers.
  annexo_req O.2.1-ALL-PROFILE grep -Eq -- '-\(ECDHE-(SECP256R1|X25519|SECP384R1)\)-' <<<"$desc"
  annexo_req O.2.1-ALL-PROFILE grep -Eq -- '-\((AES-128-GCM|AES-256-GCM|CHACHA20-POLY1305)\)$' <<<"$desc"
  return $rc
}

# 0-RTT (RD-41, RD-118). pcscf issues no ticket, so a UE never holds one of
# its own; a UE may hold one from another server of the same name (a pool
# neighbour, played by openssl s_server with -early_data). Control: s_server
# itself accepts early data on that ticket, so the harness can see an
# acceptance. Then, against pcscf: the early data is rejected, the handshake
# is a full one, the REGISTER sent as early data is never answered, the one
# sent after the handshake is.
early_data() {
  local ss_port try sess=$IOP_TMP/ticket.pem early=$IOP_TMP/early.txt fd
  # s_server's stdin stays open (at EOF it would close its connection).
  mkfifo "$IOP_TMP/neighbour.stdin"
  exec {fd}<>"$IOP_TMP/neighbour.stdin"
  for try in 1 2 3; do
    ss_port=$(iop_free_port) || return 1
    IOP_STDIN=$IOP_TMP/neighbour.stdin iop_start neighbour openssl s_server -accept "127.0.0.1:$ss_port" -cert "$IOP_PKI/pcscf-ec.pem" \
      -key "$IOP_PKI/pcscf-ec.key" -tls1_3 -early_data -num_tickets 1
    iop_wait_listen "$ss_port" "" "$IOP_LAST_PID" "$IOP_TMP/neighbour.log" && break
    kill -0 "$IOP_LAST_PID" 2>/dev/null && return 1
  done
  local nb=$IOP_LAST_PID
  # The ticket: s_client writes -sess_out when the NewSessionTicket arrives
  # (its printout of it is buffered until it exits), so that file is awaited.
  local tfd tpid
  mkfifo "$IOP_TMP/ticket.stdin"
  exec {tfd}<>"$IOP_TMP/ticket.stdin"
  timeout $((IOP_BUDGET + 10)) openssl s_client -connect "127.0.0.1:$ss_port" -servername pcscf.test \
    -CAfile "$CA" -tls1_3 -sess_out "$sess" -nocommands <"$IOP_TMP/ticket.stdin" >"$IOP_TMP/ticket.out" 2>&1 {tfd}>&- &
  tpid=$!
  iop_await "$IOP_BUDGET" test -s "$sess"
  exec {tfd}>&-
  wait "$tpid"
  iop_note "s_client -sess_out (ticket from the neighbour) -> exit $?"
  printf '%b' "$(iop_register_text z9hG4bKearly0 'X-Early: yes\r\n' | sed 's/Call-ID: iop-[0-9]*/Call-ID: early-0/')" >"$early"
  cp "$sess" "$IOP_TMP/ticket-control.pem"
  _iop_tls_client "$IOP_TMP/control.out" "" 'Early data was (accepted|rejected)' \
    openssl s_client -connect "127.0.0.1:$ss_port" -servername pcscf.test -CAfile "$CA" -tls1_3 \
    -sess_in "$IOP_TMP/ticket-control.pem" -early_data "$early" -nocommands
  iop_stop "$nb"
  exec {fd}>&-
  echo "control (s_server): $(grep -E '^Early data was|^(New|Reused), ' "$IOP_TMP/control.out" | tr '\n' ' ')"
  # The harness is able to observe accepted early data.
  grep -q '^Early data was accepted' "$IOP_TMP/control.out" || {
    echo "control failed: s_server did not accept early data on its own ticket" >&2
    return 1
  }

  iop_start_pcscf early || return 1
  _iop_tls_client "$IOP_TMP/s_client.out" "$(iop_register_text z9hG4bKlate1)" '^SIP/2.0 [0-9]{3} ' \
    openssl s_client -connect "127.0.0.1:$PC_PORT" -servername pcscf.test -verify_hostname pcscf.test \
    -verify_return_error -CAfile "$CA" -tls1_3 -sess_in "$sess" -early_data "$early" -nocommands -trace
  local rc=$?
  iop_stop "$PC_PID"
  local o=$IOP_TMP/s_client.out
  echo "pcscf: $(grep -E '^Early data was|^(New|Reused), ' "$o" | tr '\n' ' ')"
  annexo_req 33210-6.2.2-NO-0RTT test "$rc" -eq 0
  # The client did offer early data (early_data extension in its ClientHello).
  annexo_req 33210-6.2.2-NO-0RTT grep -q 'extension_type=early_data(42)' "$o"
  annexo_req 33210-6.2.2-NO-0RTT grep -q '^Early data was rejected' "$o"
  annexo_req 33210-6.2.2-NO-0RTT grep -q '^New, TLSv1.3, ' "$o"
  annexo_req 33210-6.2.2-NO-0RTT not grep -q '^Call-ID: early-0' "$o"
  annexo_req 33210-6.2.2-NO-0RTT grep -q '^SIP/2.0 401 ' "$o"
  # pcscf handed out no ticket a UE could use for 0-RTT later.
  annexo_req 33210-6.2.2-NO-0RTT not received "$o" NewSessionTicket
}

# The session lifetime at TLS 1.3 (RD-04, RD-117): a Python ssl UE
# (register_probe.py, OpenSSL's message callback shows the decrypted
# handshake messages) registers with a pcscf whose session lifetime is 2 s
# and answers every KeyUpdate for 36 s, longer than the P-CSCF's 30 s
# renegotiation wait: each refresh is a KeyUpdate(update_requested) on the
# wire, and the answered refreshes keep the registration (a MESSAGE after the
# 36 s is answered 200 and pcscf does not close). A pcscf that did not take
# the answer as the end of the refresh would close at the end of its wait.
key_update_refresh() {
  iop_start_pcscf keyupdate ec --session-lifetime 2 || return 1
  local out=$IOP_TMP/probe.out rc n req
  timeout 90 python3 "$(dirname "$IOP_SCRIPT")/register_probe.py" "$PC_PORT" "$CA" "$IOP_IMPI" \
    "$IOP_IMPU" "$IOP_PASSWORD" "" keyupdate:36 >"$out" 2>&1
  rc=$?
  iop_note "register_probe.py keyupdate:36 -> exit $rc"
  iop_stop "$PC_PID"
  cat "$out"
  n=$(sed -n 's/^keyupdates-received \([0-9]*\) .*/\1/p' "$out")
  req=$(sed -n 's/^keyupdates-received [0-9]* requested=//p' "$out")
  grep -qx 'status 200' "$out" || { echo "the probe did not register"; return 1; }
  annexo_req O.4.2-PC-MAY-RENEGOTIATE test "${n:-0}" -ge 1
  annexo_req O.4.2-PC-MAY-RENEGOTIATE grep -Eqx '1(,1)*' <<<"$req"
  # Lifetime 2 s over 36 s: a refresh at each expiry (at least 9 even if
  # each took a second).
  annexo_req O.4.2-PC-LIFETIME-POLICY test "${n:-0}" -ge 9
  grep -qx 'message-status 200' "$out" && grep -qx still-open "$out" || {
    echo "the registration did not survive answered KeyUpdates"
    return 1
  }
}

#= spec#33210-6.2.1-TLS13-MANDATORY type=test
#= spec#O.2.1-ALL-PROFILE type=test
#= spec#O.2.1-PC-NO-CLIENT-CERT-REQ type=test
annexo_case "33210-6.2.1-TLS13-MANDATORY: openssl s_client -tls1_3 completes TLS 1.3 with pcscf --tls-stack openssl on a profile suite and group, no CertificateRequest, and gets a 401" iop_case openssl_tls13
#= spec#33210-6.2.2-RFC8446-9.1 type=test
annexo_case "33210-6.2.2-RFC8446-9.1: pcscf --tls-stack openssl at TLS 1.3 runs TLS_AES_128_GCM_SHA256 on secp256r1 with ecdsa_secp256r1_sha256, and rsa_pss_rsae_sha256 with an RSA certificate" iop_case openssl_tls13_mti
#= spec#33210-6.2.1-TLS13-MANDATORY type=test
#= spec#O.2.1-ALL-PROFILE type=test
#= spec#O.2.1-PC-NO-CLIENT-CERT-REQ type=test
annexo_case "33210-6.2.1-TLS13-MANDATORY: gnutls-cli with a TLS 1.3-only priority completes TLS 1.3 with pcscf --tls-stack openssl on a profile group and cipher, no CertificateRequest, and gets a 401" iop_case gnutls_tls13
#= spec#33210-6.2.2-NO-0RTT type=test
annexo_case "33210-6.2.2-NO-0RTT: pcscf --tls-stack openssl rejects openssl s_client's early data on a pool neighbour's ticket (full handshake, the early REGISTER never answered) and sends no ticket" iop_case early_data
#= spec#O.4.2-PC-MAY-RENEGOTIATE type=test
#= spec#O.4.2-PC-LIFETIME-POLICY type=test
annexo_case "O.4.2-PC-MAY-RENEGOTIATE: at TLS 1.3 pcscf --tls-stack openssl refreshes the session at each lifetime expiry with KeyUpdate(update_requested), seen decrypted by a Python ssl UE that answers and stays registered past the renegotiation wait" iop_case key_update_refresh
annexo_finish
