#!/bin/bash
# baresip (a SIP user agent nobody here wrote, on OpenSSL 3 through libre)
# registers with pcscf --tls-stack openssl over TLS 1.3 (issue 14, phase B).
# The target runs on the OpenSSL stack only (tls_stacks = ["openssl"]): the
# default stack, Botan 2.19, has no TLS 1.3 (RD-170). What was negotiated is
# read off the wire, never from pcscf's log: tshark on lo captures pcscf's
# port and every ServerHello must select TLS 1.3 (supported_versions), an
# RFC 8446 9.1 suite and a profile group (lib.sh: iop_hello, literals of RFC
# 8446 / TS 33.210 6.2.2); the registration's outcome is baresip's own
# output ("200 OK ... [1 binding]", a third party's report of the 2xx it
# received). baresip is started as in pcscf_sip_peers.sh (iop_baresip).
# pcscf_sip_peers is not twinned (its close cases cannot read an encrypted
# close_notify at TLS 1.3), hence this separate target.
#   pcscf_baresip_tls13.sh PCSCF MAKE_PKI TESTLIB
set -uo pipefail
IOP_SCRIPT=$(realpath "${BASH_SOURCE[0]}")
source "$(dirname "$IOP_SCRIPT")/lib.sh"
source "$3"
iop_pcscf_driver "$1" "$2"

# Every ServerHello of capture NAME (at least one) selects TLS 1.3: no TLS
# connection to pcscf, and so none of baresip's SIP, ran on another version.
every_server_hello_tls13() {
  local lines
  lines=$(tshark -r "$IOP_TMP/$1.pcap" -Y 'tls.handshake.type == 2' -T fields -e frame.number \
    -e tls.handshake.extensions.supported_version 2>/dev/null)
  [ -n "$lines" ] || { echo "no ServerHello in the capture" >&2; return 1; }
  ! cut -f2 <<<"$lines" | grep -vqx "$IOP_TLS13" && return 0
  echo "ServerHellos (frame, supported_versions): $(tr '\t\n' ':,' <<<"$lines") (want $IOP_TLS13 in each)" >&2
  return 1
}
# baresip's report of the 2xx to its REGISTER.
baresip_got_2xx() { grep -Eq '200 OK .*\[[0-9]+ bindings?\]' "$IOP_TMP/baresip.out"; }

baresip_tls13() {
  iop_start_pcscf baresip13 || return 1
  iop_tshark_start ts "$PC_PORT" || return 1
  local rc=0
  iop_run baresip iop_baresip "$PC_PORT" "$IOP_PASSWORD" || rc=$?
  iop_tshark_stop ts
  iop_stop "$PC_PID"
  echo "ServerHello (supported_versions suite group): $(iop_hello ts 2 tls.handshake.extensions.supported_version)" \
    "$(iop_hello ts 2 tls.handshake.ciphersuite) $(iop_hello ts 2 tls.handshake.extensions_key_share_group)"
  annexo_req 33210-6.2.1-TLS13-MANDATORY iop_server_hello_version_is ts "$IOP_TLS13"
  annexo_req 33210-6.2.1-TLS13-MANDATORY every_server_hello_tls13 ts
  annexo_req 33210-6.2.1-TLS13-MANDATORY baresip_got_2xx
  annexo_req O.2.1-ALL-PROFILE iop_server_hello_version_is ts "$IOP_TLS13"
  annexo_req O.2.1-ALL-PROFILE iop_server_hello_suite_in_profile ts
  annexo_req O.2.1-ALL-PROFILE iop_server_hello_group_in_profile ts
  # The Digest exchange (the users file's password) as baresip saw it: its
  # REGISTER accepted with a 2xx.
  annexo_req O.2.1-HN-AUTH-UE-DIGEST test "$rc" -eq 0
  annexo_req O.2.1-HN-AUTH-UE-DIGEST baresip_got_2xx
}

#= spec#33210-6.2.1-TLS13-MANDATORY type=test
#= spec#O.2.1-ALL-PROFILE type=test
#= spec#O.2.1-HN-AUTH-UE-DIGEST type=test
annexo_case "33210-6.2.1-TLS13-MANDATORY: baresip registers with pcscf --tls-stack openssl over TLS 1.3: every ServerHello on the wire selects TLS 1.3 with an RFC 8446 9.1 suite and a profile group, and baresip reports the 200 to its REGISTER" \
  iop_case baresip_tls13
annexo_finish
