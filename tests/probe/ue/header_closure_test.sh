#!/usr/bin/env bash
# The ue header mutants' sources built (tests/probe/ue/mutant_ue.bzl,
# ue_header_closure_test): building them ran header_mutant.py's closure check;
# here each mutated header must differ from the original, or the mutant
# program would silently be the unmutated ue.
#   header_closure_test.sh (MUTANT ORIGINAL MUTATED)...
set -u
rc=0
while (($# >= 3)); do
  if cmp -s "$2" "$3"; then
    echo "FAIL $1: the mutated copy $3 equals the original $2"
    rc=1
  else
    echo "ok $1: $3 differs from $2"
  fi
  shift 3
done
exit $rc
