#!/bin/bash
# The probe's UE TPs against `ue` built on the mutants of PROBE_UE_MUTANTS
# (tests/probe/ue/BUILD.bazel; each built by mutant_ue.bzl from the
# catalogue's own text): per mutant the probe runs only the TPs the table
# names for it (--tp) and exactly the named ones fail, the others pass. A
# first case runs every TP of the table against the unmutated ue: all pass,
# so each fail comes from the mutant. These cases test the probe itself and
# credit no requirement; adapters/probe/README.md lists every UE-side
# mutant, caught by which TP or why it is not visible from outside (RD-281).
#   probe_ue_mutants_test.sh PROBE UE MAKE_PKI TESTLIB (MUTANT_UE RUN FAIL)...
# RUN and FAIL: comma-separated TP IDs (the TPs run, the ones that must fail).
set -uo pipefail
PROBE=$(realpath "$1")
UE=$(realpath "$2")
MAKE_PKI=$(realpath "$3")
# shellcheck source=/dev/null
source "$4"
shift 4
SPEC=$(dirname "$(realpath spec/decisions.toml)")
WORK=${TEST_TMPDIR:-$(mktemp -d)}/probe-ue-mutants
mkdir -p "$WORK"
bash "$MAKE_PKI" "$WORK/pki" >/dev/null || { echo "make_pki failed"; exit 1; }
# shellcheck source=tests/probe/ue/ue_probe_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/ue_probe_lib.sh"

MUTANTS=() RUNS=() FAILS=()
while (($# >= 3)); do
  MUTANTS+=("$(realpath "$1")") RUNS+=("$2") FAILS+=("$3")
  shift 3
done
(($# == 0 && ${#MUTANTS[@]} > 0)) || { echo "arguments: (MUTANT_UE RUN FAIL)..."; exit 1; }

# The runs: annexo's ue on every TP of the table, and each mutant on its
# TPs. The ones with a long-timer TP (--skip-long's: they wait 30-60 s on
# timers, mostly idle) run in the background while the short ones run one
# after the other, so the test takes about as long as its longest run.
ALL=$(printf '%s\n' "${RUNS[@]}" | tr ',' '\n' | sort -u | paste -sd,)
LONG='TP_UE_SIP_0(05|06|11|12|13)'
name_of() { basename "${MUTANTS[$1]}"; }
BG=()
run_probe annexo "$UE" --tp "$ALL" &
BG+=($!)
for i in "${!MUTANTS[@]}"; do
  if [[ ${RUNS[$i]} =~ $LONG ]]; then
    run_probe "$(name_of "$i")" "${MUTANTS[$i]}" --tp "${RUNS[$i]}" &
    BG+=($!)
  fi
done
for i in "${!MUTANTS[@]}"; do
  [[ ${RUNS[$i]} =~ $LONG ]] || run_probe "$(name_of "$i")" "${MUTANTS[$i]}" --tp "${RUNS[$i]}"
done
wait "${BG[@]}"

# Every TP of the table against annexo's ue: all pass (the long-timer ones
# among them too).
unmutated_passes() {
  local bad
  bad=$(verdicts annexo | grep -v " pass$")
  if [ "$(cat "$WORK/annexo.status")" != 0 ] || [ -n "$bad" ] ||
    [ "$(verdicts annexo | wc -l)" != "$(echo "$ALL" | tr ',' '\n' | wc -l)" ]; then
    echo "expected every TP of $ALL to pass; not passing: $bad"
    show annexo
    return 1
  fi
}

# caught I: mutant I's run; exactly its FAIL TPs fail, the others pass.
caught() {
  expect_fails "$(name_of "$1")" "${FAILS[$1]//,/ }"
}

annexo_case "probe UE mutants: the TPs of the table all pass against the unmutated ue" \
  unmutated_passes
for i in "${!MUTANTS[@]}"; do
  annexo_case "probe UE mutants: $(name_of "$i") is caught by ${FAILS[$i]}" caught "$i"
done
annexo_finish
