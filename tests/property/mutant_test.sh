#!/bin/bash
# The properties prove their worth at the size CI runs them: every mutant core
# of //proofs/mutants must make the property named for it fail at EVERY one of
# ten distinct seeds, each run at the property's own CI parameters
# (max_success and max_size of its ANNEXO_PROPERTY line, soak --ci), while the
# same property with the same seed passes on the real core (the control), so
# the failure is the mutant's doing. Args: <control soak binary>, then triples
#   <mutant name> <soak binary built against that mutant> <property key>
set -u
control=$1
shift
# Ten distinct seeds, spread out (not consecutive).
seeds=()
for k in 0 1 2 3 4 5 6 7 8 9; do seeds+=($((20261128 + k * 104729))); done
fails=0
start=$(date +%s)
declare -A control_ok
while [ $# -ge 3 ]; do
  name=$1 bin=$2 key=$3
  shift 3
  caught=0
  for seed in "${seeds[@]}"; do
    if [ -z "${control_ok[$key/$seed]+x}" ]; then
      ctl=$("$control" --ci --seed "$seed" --property "$key" 2>&1)
      if [ $? -eq 0 ]; then
        control_ok[$key/$seed]=1
      else
        control_ok[$key/$seed]=0
        echo "CONTROL FAILED: $key fails on the real core at seed $seed (CI size)"
        echo "$ctl" | tail -30
      fi
    fi
    if [ "${control_ok[$key/$seed]}" != 1 ]; then
      echo "INCONCLUSIVE: mutant $name at seed $seed (the control fails)"
      continue
    fi
    out=$("$bin" --ci --seed "$seed" --property "$key" 2>&1)
    rc=$?
    if [ $rc -ne 0 ] && grep -q "^PROPERTY FAILED: $key" <<<"$out"; then
      caught=$((caught + 1))
    elif [ $rc -ne 0 ] && grep -q "^PROPERTY CRASHED: $key" <<<"$out"; then
      caught=$((caught + 1))  # the core's debug invariant trap fired during the run
    else
      echo "SURVIVED: mutant $name was not caught by $key at seed $seed (exit $rc)"
      echo "$out" | tail -20
    fi
  done
  if [ $caught -eq ${#seeds[@]} ]; then
    echo "caught: mutant $name by $key at $caught of ${#seeds[@]} seeds"
  else
    echo "NOT ALWAYS CAUGHT: mutant $name by $key at $caught of ${#seeds[@]} seeds"
    fails=$((fails + 1))
  fi
done
echo "$fails mutant(s) not caught at every seed; $(( $(date +%s) - start )) s"
[ $fails -eq 0 ]
