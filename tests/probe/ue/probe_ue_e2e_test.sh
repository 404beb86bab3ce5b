#!/bin/bash
# The probe's UE group (adapters/probe/ue_iut) run by the `probe` program
# against annexo's own `ue` (mode "ue": every selected implemented TP passes)
# or against `ue` mutants visible from outside (mode "mutants": each is caught
# by exactly the TPs named below). These cases check the probe itself and
# credit no Annex O requirement (no annexo_req, no citations).
# Mode "broken": a deliberately broken Python UE (broken_ue.py), each of
# whose faults must be caught by the TP named for it.
# TLS stack twins (BUILD.bazel, tls_stack_twins): ANNEXO_TLS_STACK is the
# stack annexo's ue runs (--tls-stack in the PIXIT's command templates) and
# picks its PICS: spec/probe/annexo-ue.pics.toml for botan (TLS 1.2),
# annexo-ue-openssl.pics.toml for openssl (TLS 1.2 and 1.3, RD-276).
#   probe_ue_e2e_test.sh MODE PROBE UE UE_SKIPS_CERT_VERDICT MAKE_PKI TESTLIB [BROKEN_UE_PY]
set -uo pipefail
MODE=$1
PROBE=$(realpath "$2")
UE=$(realpath "$3")
MUT_CERT=$(realpath "$4")
MAKE_PKI=$(realpath "$5")
# shellcheck source=/dev/null
source "$6"
BROKEN=${7:+$(realpath "$7")}
SPEC=$(dirname "$(realpath spec/decisions.toml)")
WORK=${TEST_TMPDIR:-$(mktemp -d)}/probe-ue
mkdir -p "$WORK"
bash "$MAKE_PKI" "$WORK/pki" >/dev/null || { echo "make_pki failed"; exit 1; }

# shellcheck source=tests/probe/ue/ue_probe_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/ue_probe_lib.sh"

# The broken stand-in's PIXIT: its command line, and a 20 s re-registration
# budget (it never registers again, so TP_UE_SIP_005 waits it out).
broken_pixit() {
  pixit "$UE" "$1" || return 1
  sed -i -e "s#^command = .*#command = \"python3 $BROKEN --pcscf {pcscf_host}:{pcscf_port} --impi {impi} --impu {impu} --password {password} --domain {domain} --stay 40\"#" \
    -e "s#^secagree_command = .*#secagree_command = \"python3 $BROKEN --secagree {pcscf_host}:{secagree_port} --pcscf {pcscf_host}:{pcscf_port} --impi {impi} --impu {impu} --password {password} --domain {domain} --stay 20\"#" \
    -e "s#^rereg_budget_s = .*#rereg_budget_s = 20#" "$1"
}

# annexo's ue: every TP that runs passes. TP_UE_TLS_007 too: the ue offers
# every TLS 1.2 profile suite, so the crafted ServerHello chooses 0xC05C,
# which it did not offer (RD-277), and the ue aborts with a fatal alert. On
# OpenSSL (TLS 1.3 claimed) TP_UE_TLS_003 runs and passes as well.
case_annexo_ue() {
  run_probe annexo "$UE" --skip-long
  verdicts annexo >"$WORK/annexo.verdicts"
  local bad n want=37
  [ "$STACK" = botan ] || want=38
  bad=$(grep -v " pass$" "$WORK/annexo.verdicts")
  n=$(grep -c " pass$" "$WORK/annexo.verdicts")
  if [ "$(cat "$WORK/annexo.status")" != 0 ] || [ -n "$bad" ] || [ "$n" -lt "$want" ]; then
    echo "expected every TP to pass ($want or more on $STACK), got $n passes; not passing: $bad"
    show annexo
    return 1
  fi
  grep -q "^TP_UE_TLS_007 pass$" "$WORK/annexo.verdicts" || { show annexo; return 1; }
  grep -q 'crafted ServerHello .* suite=0xC05C' "$WORK/annexo/probe-report.json" ||
    { echo "TP_UE_TLS_007 did not craft suite 0xC05C"; show annexo; return 1; }
  if [ "$STACK" != botan ] && ! grep -q "^TP_UE_TLS_003 pass$" "$WORK/annexo.verdicts"; then
    echo "TP_UE_TLS_003 (TLS 1.3) did not pass on $STACK"
    show annexo
    return 1
  fi
  echo "$n TPs pass on $STACK, TP_UE_TLS_007 among them"
}

# The long-timer TPs (re-registration after a drop and on expiry, keep-alive
# interval, pong timeout, Timer F) against annexo's ue: all pass.
case_annexo_ue_long() {
  run_probe annexo_long "$UE" --tp "$(echo TP_UE_SIP_0{05,06,11,12,13} | tr ' ' ',')"
  verdicts annexo_long >"$WORK/annexo_long.verdicts"
  if [ "$(cat "$WORK/annexo_long.status")" != 0 ] ||
    [ "$(grep -c " pass$" "$WORK/annexo_long.verdicts")" != 5 ]; then
    echo "expected TP_UE_SIP_005, _006, _011, _012, _013 to pass:"
    cat "$WORK/annexo_long.verdicts"
    show annexo_long
    return 1
  fi
  cat "$WORK/annexo_long.verdicts"
}

# ue_skips_cert_verdict (tools/mutation/adapter_mutants.toml): the core's
# certificate verdict is ignored, so every chain only the core refuses is
# accepted and SIP flows. On Botan, RSA-1024 (TP_UE_CERT_008) and the v1
# certificate (TP_UE_CERT_012) are still refused by Botan's own checks, so
# those pass. On OpenSSL (the _openssl twin) the core's verdict is the only
# check (the adapter's verify callback, adapters/tls/openssl/endpoint.cc), so
# they fail as well.
case_mutant_cert() {
  run_probe skips_cert "$MUT_CERT" --tp "$(echo TP_UE_CERT_0{01..19} TP_UE_TLS_002 | tr ' ' ',')"
  local want="TP_UE_CERT_002 TP_UE_CERT_003 TP_UE_CERT_004 TP_UE_CERT_005 \
TP_UE_CERT_006 TP_UE_CERT_007 TP_UE_CERT_009 TP_UE_CERT_010 TP_UE_CERT_011 TP_UE_CERT_013 \
TP_UE_CERT_014 TP_UE_CERT_017 TP_UE_CERT_018 TP_UE_CERT_019"
  [ "$STACK" = botan ] || want+=" TP_UE_CERT_008 TP_UE_CERT_012"
  expect_fails skips_cert "$want"
}

# broken_ue.py: each fault caught by its TP, and the probe does not blame it
# for what it does right (TP_UE_TLS_002/006/008/009, TP_UE_CERT_001/015/016,
# TP_UE_SIP_007 pass; TP_UE_TLS_007 too: OpenSSL refuses the crafted suite it
# did not offer).
case_broken_ue() {
  broken_pixit "$WORK/broken.pixit.toml" || return 1
  "$PROBE" --spec "$SPEC" --pics "$PICS" \
    --pixit "$WORK/broken.pixit.toml" --out "$WORK/broken" --implemented-only \
    --tp "$(echo TP_UE_TLS_0{01..10} TP_UE_CERT_0{01..16} TP_UE_SIP_00{1..5} TP_UE_SIP_0{07..10} |
      tr ' ' ',')" >"$WORK/broken.out" 2>&1
  echo $? >"$WORK/broken.status"
  # TLS_001: out-of-profile suites and TLS 1.0/1.1 offered; TLS_004/005: a
  # legacy ServerHello is accepted; TLS_010: the renegotiation offer is out
  # of profile; CERT_002..014: no certificate is checked; SIP_001: Expires
  # 3600; SIP_002: no outbound parameters; SIP_003: keep-alives after a bad
  # rspauth; SIP_004: open after 403; SIP_005: no new registration;
  # SIP_008/009: Security-Client offers ipsec-3gpp; SIP_010 (and 009):
  # Digest credentials on the plain connection.
  expect_fails broken "TP_UE_TLS_001 TP_UE_TLS_004 TP_UE_TLS_005 TP_UE_TLS_010 \
$(echo TP_UE_CERT_0{02..14}) TP_UE_SIP_001 TP_UE_SIP_002 TP_UE_SIP_003 TP_UE_SIP_004 TP_UE_SIP_005 \
TP_UE_SIP_008 TP_UE_SIP_009 TP_UE_SIP_010"
}

# TP_UE_TLS_003 can fail: the Python UE passes it with --tls13-only (its offer is OpenSSL's TLS 1.3
# default, inside the profile) and fails it otherwise (out-of-profile suites
# and TLS 1.0/1.1 in the same ClientHello).
case_tls13() {
  sed 's/^PICS_TLS13 = false/PICS_TLS13 = true/' "$PICS" >"$WORK/tls13.pics.toml"
  grep -q "^PICS_TLS13 = true" "$WORK/tls13.pics.toml" || return 1
  local mode
  for mode in only full; do
    broken_pixit "$WORK/tls13-$mode.pixit.toml" || return 1
    [ $mode = only ] && sed -i 's#--stay 40#--stay 40 --tls13-only#' "$WORK/tls13-$mode.pixit.toml"
    "$PROBE" --spec "$SPEC" --pics "$WORK/tls13.pics.toml" --pixit "$WORK/tls13-$mode.pixit.toml" \
      --out "$WORK/tls13-$mode" --tp TP_UE_TLS_003 >"$WORK/tls13-$mode.out" 2>&1
    echo $? >"$WORK/tls13-$mode.status"
  done
  if [ "$(verdicts tls13-only)" != "TP_UE_TLS_003 pass" ] ||
    [ "$(verdicts tls13-full)" != "TP_UE_TLS_003 fail" ]; then
    echo "want pass with --tls13-only, fail without"
    show tls13-only
    show tls13-full
    return 1
  fi
}

# TP_UE_TLS_007 can fail: broken_ue.py --raw-offer offers every TLS 1.2
# profile suite, so the probe crafts 0xC05C (not offered, RD-277), and the UE
# goes on with an application_data record instead of aborting.
case_unoffered_suite() {
  broken_pixit "$WORK/unoffered.pixit.toml" || return 1
  sed -i 's#--stay 40#--stay 40 --raw-offer#' "$WORK/unoffered.pixit.toml"
  "$PROBE" --spec "$SPEC" --pics "$PICS" --pixit "$WORK/unoffered.pixit.toml" \
    --out "$WORK/unoffered" --tp TP_UE_TLS_007 >"$WORK/unoffered.out" 2>&1
  echo $? >"$WORK/unoffered.status"
  if [ "$(verdicts unoffered)" != "TP_UE_TLS_007 fail" ] ||
    ! grep -q 'crafted ServerHello .* suite=0xC05C' "$WORK/unoffered/probe-report.json" ||
    ! grep -q 'TP_UE_TLS_007  fail .*application data' "$WORK/unoffered.out"; then
    echo "want TP_UE_TLS_007 fail on suite 0xC05C (application data after it)"
    show unoffered
    return 1
  fi
}

# TP_UE_SIP_014 can fail: broken_ue.py --reuse-challenge connects again after
# the probe closes the challenged connection and answers the old nonce there
# (RD-333); without the flag it never starts over (inconc).
case_reuse_challenge() {
  broken_pixit "$WORK/reuse.pixit.toml" || return 1
  sed -i 's#--stay 40#--stay 40 --reuse-challenge#' "$WORK/reuse.pixit.toml"
  "$PROBE" --spec "$SPEC" --pics "$PICS" --pixit "$WORK/reuse.pixit.toml" \
    --out "$WORK/reuse" --tp TP_UE_SIP_014 >"$WORK/reuse.out" 2>&1
  echo $? >"$WORK/reuse.status"
  if [ "$(verdicts reuse)" != "TP_UE_SIP_014 fail" ] ||
    ! grep -q 'answers the challenge of the unfinished registration' "$WORK/reuse.out"; then
    echo "want TP_UE_SIP_014 fail (the old nonce answered on the new connection)"
    show reuse
    return 1
  fi
}

# A PIXIT command that cannot be run: `error` for every TP, at once (the
# waits end when the UE process is gone), never a hang or another verdict.
case_no_ue() {
  pixit /nonexistent/ue "$WORK/no_ue.pixit.toml" || return 1
  "$PROBE" --spec "$SPEC" --pics "$PICS" --pixit "$WORK/no_ue.pixit.toml" \
    --out "$WORK/no_ue" --implemented-only >"$WORK/no_ue.out" 2>&1
  echo $? >"$WORK/no_ue.status"
  local other
  other=$(verdicts no_ue | grep -v " error$")
  if [ "$(cat "$WORK/no_ue.status")" != 1 ] || [ -n "$other" ] ||
    [ "$(verdicts no_ue | wc -l)" -lt 30 ] ||
    ! grep -q "the PIXIT \[ue\] command could not be run" "$WORK/no_ue/probe-report.json"; then
    echo "want error for every TP; other verdicts: $other"
    show no_ue
    return 1
  fi
}

if [ "$MODE" = ue ]; then
  annexo_case "probe UE TPs: annexo's ue passes every selected implemented TP" case_annexo_ue
elif [ "$MODE" = broken ]; then
  annexo_case "probe UE TPs: a broken Python UE fails exactly the TPs of its faults" \
    case_broken_ue
  annexo_case "probe UE TPs: TP_UE_TLS_003 passes a TLS 1.3-only UE and fails a legacy offer" \
    case_tls13
  annexo_case "probe UE TPs: TP_UE_TLS_007 fails a UE that goes on after a suite it did not offer" \
    case_unoffered_suite
  annexo_case "probe UE TPs: TP_UE_SIP_014 fails a UE that answers a dropped connection's challenge" \
    case_reuse_challenge
  annexo_case "probe UE TPs: a UE command that cannot run gives error for every TP" case_no_ue
elif [ "$MODE" = ue_long ]; then
  annexo_case "probe UE TPs: annexo's ue passes the long-timer TPs" case_annexo_ue_long
else
  annexo_case "probe UE TPs: ue_skips_cert_verdict fails exactly the certificate refusals" \
    case_mutant_cert
fi
annexo_finish
