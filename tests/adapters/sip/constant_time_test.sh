#!/usr/bin/env bash
# ADP-SIP-DIGEST-CONSTANT-TIME: Digest responses, rspauth values and nonce tags
# are compared with constant_time_equal; this runs its subject under valgrind
# memcheck with the compared contents marked secret (constant_time_subject.cc)
# and fails on any branch or index that depends on them.
#   constant_time_test.sh SUBJECT TESTLIB
set -uo pipefail
subject="$1"
source "$2"

run_memcheck() {
  local log="${TEST_TMPDIR:-/tmp}/memcheck.log" rc=0
  valgrind --tool=memcheck --error-exitcode=99 --track-origins=yes --leak-check=no \
    "${subject}" >"${log}" 2>&1 || rc=$?
  if ((rc != 0)); then
    echo "valgrind --tool=memcheck ${subject} exited ${rc}; last lines:" >&2
    tail -n 30 "${log}" >&2
    return 1
  fi
  # memcheck must have run the subject (not a silent no-op) and found nothing.
  grep -q "ERROR SUMMARY: 0 errors" "${log}" || {
    tail -n 30 "${log}" >&2
    return 1
  }
}

check_constant_time() {
  command -v valgrind >/dev/null || {
    echo "valgrind is missing (tools/packages.txt lists it; run tools/setup)" >&2
    return 1
  }
  annexo_req ADP-SIP-DIGEST-CONSTANT-TIME run_memcheck
}

#= spec#ADP-SIP-DIGEST-CONSTANT-TIME type=test
annexo_case --level core "ADP-SIP-DIGEST-CONSTANT-TIME: no branch or index of constant_time_equal depends on the compared contents (memcheck)" check_constant_time
annexo_finish
