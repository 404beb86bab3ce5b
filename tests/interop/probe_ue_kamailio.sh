#!/bin/bash
# annexo ue registers with Kamailio configured as a TLS registrar with Digest.
#   probe_ue_kamailio.sh UE_BIN MAKE_PKI_SH
# Requirements exercised: O.2.1-UE-AUTH-PC-BY-CERT, O.2.1-HN-AUTH-UE-DIGEST,
# N.1-DIGEST-RFC7616 (MD5 and SHA-256), N.2-UE-VERIFY-RSPAUTH (Kamailio sends
# rspauth), O.3.1.1-UE-CLOSE-ON-AUTH-FAIL, O.5.2-UE-BINARY-NAME-MATCH,
# O.5.2-ROOT-USUALLY-OMITTED.
IOP_SCRIPT=$(readlink -f "$0")
source "$(dirname "$IOP_SCRIPT")/lib.sh"
UE=$(readlink -f "${1:?usage: $0 UE_BIN MAKE_PKI_SH}")
iop_pki "${2:?usage: $0 UE_BIN MAKE_PKI_SH}"
P=$IOP_PKI
# A server that sends a root differing in subject from the stored one is
# refused (O.5.2-UE-ROOT-MUST-BE-KNOWN: a sent root must be the stored one).
UE_EXPECT_SENTROOT=${UE_EXPECT_SENTROOT:-$UE_EXIT_CERT}

kam_case() { # name cert key ca algorithm kamailio-password ue-password want description
  local port
  port=$(iop_free_port)
  iop_kamailio "$1" "$port" "$P/$2" "$P/$3" "$5" "${IOP_KAM_METHOD:-TLSv1.2+}" "$6" || { iop_fail "$9: Kamailio did not start"; return; }
  iop_ue_expect "$9" "$8" "$UE" "$port" "$P/$4.pem" "$7"
  if [ "$8" -eq "$UE_EXIT_OK" ]; then
    iop_check "$9: Kamailio authenticated the UE's REGISTER" grep -q 'annexo-iop: authenticated' "$IOP_KAM_LOG"
  else
    iop_check "$9: Kamailio authenticated nobody" bash -c '! grep -q "annexo-iop: authenticated" "$0"' "$IOP_KAM_LOG"
  fi
  iop_stop "$IOP_KAM_PID"
}

kam_case k_md5 pcscf-ec.pem pcscf-ec.key ca-ec MD5 "$IOP_PASSWORD" "$IOP_PASSWORD" "$UE_EXIT_OK" \
  "O.2.1-HN-AUTH-UE-DIGEST: ue registers with Kamailio over TLS (ECDSA certificate, Digest MD5)"
kam_case k_sha pcscf-ec.pem pcscf-ec.key ca-ec SHA-256 "$IOP_PASSWORD" "$IOP_PASSWORD" "$UE_EXIT_OK" \
  "N.1-DIGEST-RFC7616: ue registers with Kamailio using Digest SHA-256"
kam_case k_rsa pcscf-rsa.pem pcscf-rsa.key ca-rsa MD5 "$IOP_PASSWORD" "$IOP_PASSWORD" "$UE_EXIT_OK" \
  "O.2.1-UE-AUTH-PC-BY-CERT: ue registers with Kamailio presenting an RSA certificate"
kam_case k_chain pcscf-ec-chain.pem pcscf-ec.key ca-ec MD5 "$IOP_PASSWORD" "$IOP_PASSWORD" "$UE_EXIT_OK" \
  "O.5.2-ROOT-USUALLY-OMITTED: ue accepts a chain that includes the stored root"
kam_case k_sentroot sentroot.pem sentroot.key ca-ec MD5 "$IOP_PASSWORD" "$IOP_PASSWORD" "$UE_EXPECT_SENTROOT" \
  "O.5.2-UE-ROOT-MUST-BE-KNOWN: a sent root differing from the stored one in the subject is refused"
kam_case k_badpw pcscf-ec.pem pcscf-ec.key ca-ec MD5 "$IOP_PASSWORD" wrong-password "$UE_EXIT_AUTH" \
  "O.3.1.1-UE-CLOSE-ON-AUTH-FAIL: a wrong password ends in authentication failure"
kam_case k_host wronghost.pem wronghost.key ca-ec MD5 "$IOP_PASSWORD" "$IOP_PASSWORD" "$UE_EXIT_CERT" \
  "O.5.2-UE-BINARY-NAME-MATCH: Kamailio with a certificate for other.test is refused"

iop_finish
