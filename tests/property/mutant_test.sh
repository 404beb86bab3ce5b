#!/bin/bash
# The properties prove their worth: every mutant core of //proofs/mutants must
# make the property named for it fail, while the same property with the same
# seed and parameters passes on the real core (the control), so the failure is
# the mutant's doing. Args: <control soak binary>, then triples
#   <mutant name> <soak binary built against that mutant> <property key>
set -u
control=$1
shift
args=(--seed 20261128 --max-size 100)
fails=0
while [ $# -ge 3 ]; do
  name=$1 bin=$2 key=$3
  shift 3
  ctl=$("$control" --each 400 "${args[@]}" --property "$key" 2>&1)
  if [ $? -ne 0 ]; then
    echo "CONTROL FAILED: $key fails on the real core with these parameters; mutant $name proves nothing"
    echo "$ctl" | tail -30
    fails=$((fails + 1))
    continue
  fi
  out=$("$bin" --each 400 "${args[@]}" --property "$key" 2>&1)
  rc=$?
  if [ $rc -ne 0 ] && grep -q "^PROPERTY FAILED: $key" <<<"$out"; then
    echo "caught: mutant $name by $key (shrunk counterexample)"
  elif [ $rc -ne 0 ] && grep -q "^PROPERTY CRASHED: $key" <<<"$out"; then
    echo "caught: mutant $name by $key (the core's debug invariant trap fired during the run)"
  else
    echo "SURVIVED: mutant $name was not caught by $key (exit $rc)"
    echo "$out" | tail -20
    fails=$((fails + 1))
  fi
done
echo "$fails mutant(s) survived or inconclusive"
[ $fails -eq 0 ]
