# Shell test cases for annexo's sh_test targets (interop, PKI, live runs).
#
#   source tests/support/testlib.sh
#   #= spec#<ID> type=test
#   annexo_case "<ID>: what is checked" some_function arg...
#   ...
#   annexo_finish
#
# Each case runs a command; exit status 0 is a pass. Results go to stdout for
# people and, as JUnit XML, to $XML_OUTPUT_FILE for Bazel and the conformance
# report (same format as tests/support/catch_main.cc). A case name must be
# unique across the repository (the traceability checker enforces it).

_annexo_cases=()
_annexo_results=()
_annexo_failures=0

_annexo_xml_escape() {
  local s="$1"
  s="${s//&/&amp;}"
  s="${s//</&lt;}"
  s="${s//>/&gt;}"
  s="${s//\"/&quot;}"
  printf '%s' "${s}"
}

annexo_case() {
  local name="$1"
  shift
  local out rc
  out="$("$@" 2>&1)"
  rc=$?
  _annexo_cases+=("${name}")
  if ((rc == 0)); then
    _annexo_results+=("")
    echo "PASS  ${name}"
  else
    _annexo_failures=$((_annexo_failures + 1))
    _annexo_results+=("exit ${rc}: ${out: -2000}")
    echo "FAIL  ${name} (exit ${rc})"
    printf '%s\n' "${out}" | sed 's/^/      /' | tail -40
  fi
}

annexo_finish() {
  local n=${#_annexo_cases[@]}
  if [[ -n "${XML_OUTPUT_FILE:-}" ]]; then
    {
      echo '<?xml version="1.0" encoding="UTF-8"?>'
      echo "<testsuites><testsuite name=\"annexo\" tests=\"${n}\" failures=\"${_annexo_failures}\">"
      local i
      for ((i = 0; i < n; i++)); do
        if [[ -z "${_annexo_results[i]}" ]]; then
          echo "  <testcase name=\"$(_annexo_xml_escape "${_annexo_cases[i]}")\"/>"
        else
          echo "  <testcase name=\"$(_annexo_xml_escape "${_annexo_cases[i]}")\"><failure message=\"$(_annexo_xml_escape "${_annexo_results[i]}")\"/></testcase>"
        fi
      done
      echo "</testsuite></testsuites>"
    } > "${XML_OUTPUT_FILE}"
  fi
  echo "${n} cases, ${_annexo_failures} failed"
  if ((n == 0)); then
    echo "no test case ran" >&2
    exit 1
  fi
  exit $((_annexo_failures != 0))
}
