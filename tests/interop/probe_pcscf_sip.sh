#!/bin/bash
# Real SIP user agents (sipsak, baresip) register with annexo's pcscf over TLS
# with Digest against its embedded home network.
#   probe_pcscf_sip.sh PCSCF_BIN MAKE_PKI_SH
# Requirements exercised: O.2.1-HN-AUTH-UE-DIGEST, N.1-DIGEST-RFC7616,
# O.2.2-PC-ASSOC-CREATE (a 2xx only after Digest over TLS),
# N.2-UE-VERIFY-RSPAUTH (the P-CSCF sends rspauth), O.3.1.1-PC-CLOSE-ON-AUTH-FAIL,
# 5626-5.1-PC-PATH-FLOW-TOKEN (baresip registers with reg-id/+sip.instance).
IOP_SCRIPT=$(readlink -f "$0")
source "$(dirname "$IOP_SCRIPT")/lib.sh"
PCSCF=$(readlink -f "${1:?usage: $0 PCSCF_BIN MAKE_PKI_SH}")
iop_pki "${2:?usage: $0 PCSCF_BIN MAKE_PKI_SH}"
P=$IOP_PKI

port=$(iop_free_port)
iop_pcscf pc "$PCSCF" "$port" "$P/pcscf-ec.pem" "$P/pcscf-ec.key" || exit 1
PC_PID=$IOP_LAST_PID

# ---- sipsak (GnuTLS; verifies pcscf.test against the CA with -vvv; MD5 only).
iop_sipsak "$port" "$P/ca-ec.pem" "$IOP_PASSWORD"
rc=$?
iop_check "O.2.1-HN-AUTH-UE-DIGEST: sipsak registers over TLS with Digest (exit $rc)" test $rc -eq 0
iop_check "N.1-DIGEST-RFC7616: sipsak saw 401 then 200" \
  bash -c 'grep -q "^SIP/2.0 401 " "$0" && grep -q "^SIP/2.0 200 " "$0"' "$IOP_TMP/sipsak.out"
iop_check "N.2-UE-VERIFY-RSPAUTH: the 200 carries Authentication-Info with rspauth" \
  grep -Eq '^Authentication-Info: .*rspauth="?[0-9a-f]{32}' "$IOP_TMP/sipsak.out"
iop_check "O.2.2-PC-ASSOC-CREATE: the 200 lists the IMPU in P-Associated-URI" \
  grep -Eq "^P-Associated-URI: .*<$IOP_IMPU>" "$IOP_TMP/sipsak.out"
cp "$IOP_TMP/sipsak.out" "$IOP_TMP/sipsak.good.out"

iop_sipsak "$port" "$P/ca-ec.pem" wrong-password
rc=$?
# (sipsak exits 2 after a second 401, 1 after any other final failure: the
# pcscf answers a wrong response with 403 and closes the connection.)
iop_check "O.3.1.1-PC-CLOSE-ON-AUTH-FAIL: sipsak with a wrong password is not registered (exit $rc)" test $rc -eq 1 -o $rc -eq 2
iop_check "O.3.1.1-PC-CLOSE-ON-AUTH-FAIL: no 200 for the wrong password, a 4xx instead" \
  bash -c '! grep -q "^SIP/2.0 200 " "$0" && grep -Eq "^SIP/2.0 4[0-9][0-9] " "$0"' "$IOP_TMP/sipsak.out"
iop_check "O.3.1.1-PC-CLOSE-ON-AUTH-FAIL: the pcscf logs the closure with its requirement ID" iop_log_names pc O.3.1.1-PC-CLOSE-ON-AUTH-FAIL

iop_sipsak "$port" "$P/ca-rsa.pem" "$IOP_PASSWORD"
rc=$?
iop_check "sipsak checks the pcscf certificate: wrong CA fails (exit $rc, want 3)" test $rc -eq 3

# ---- baresip (no certificate check; reg-id and +sip.instance: RFC 5626 outbound).
if iop_baresip "$port" "$IOP_PASSWORD" 3; then iop_pass "O.2.1-HN-AUTH-UE-DIGEST: baresip registers over TLS with Digest"
else iop_fail "O.2.1-HN-AUTH-UE-DIGEST: baresip did not register"; fi
if iop_baresip "$port" wrong-password 3; then iop_fail "O.3.1.1-PC-CLOSE-ON-AUTH-FAIL: baresip registered with a wrong password"
else iop_pass "O.3.1.1-PC-CLOSE-ON-AUTH-FAIL: baresip with a wrong password is not registered"; fi

iop_check "pcscf still running" kill -0 "$PC_PID"
iop_finish
