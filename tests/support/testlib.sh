# Shell test cases for annexo's sh_test targets (interop, PKI, live runs).
#
#   source tests/support/testlib.sh
#   #= spec#<ID> type=test
#   annexo_case "<ID>: what is checked" some_function arg...
#   annexo_case --level program "<ID>: ..." fn ...   # this case's evidence level
#   ...
#   annexo_finish
#
# Inside a case, `annexo_req ID command...` is the requirement assertion (the
# shell twin of REQ in tests/support/req.h): it runs the command; exit 0 means
# the requirement held. Only such assertions earn the case credit in the
# conformance report; a case whose function returns 0 with no annexo_req earns
# nothing. A failed annexo_req fails its case even when the function goes on
# and returns 0.
#
# Results go to stdout for people and, as JUnit XML, to $XML_OUTPUT_FILE for
# Bazel and the conformance report (same format as tests/support/catch_main.cc):
# rewritten after every case with complete="false", and with complete="true"
# by annexo_finish, so a script that dies half-way says so. The evidence level
# comes from $ANNEXO_EVIDENCE_LEVEL (set by the BUILD macro), or --level.
# The suite also names its variant ($ANNEXO_TEST_VARIANT: tls-openssl, asan)
# and TLS stack ($ANNEXO_TLS_STACK, as it is when the results are written):
# the report's Variants column.
# A case name must be unique across the repository (the traceability checker
# enforces it).
#
# Skipping (issue 14's TLS stack twins): a case function that calls
# annexo_skip REASON (prints and records the reason, returns 77 = ANNEXO_SKIP;
# use: `annexo_skip "why"; return`) was not run in this variant: annexo_case
# prints "SKIP  <name>: <reason>" and records nothing, so the case earns no
# credit there and the other variant's result stands alone. A case that
# returns 77 without annexo_skip's reason, or after an assertion of it
# failed, is a failure (a peer's own exit code 77 never hides one).
ANNEXO_SKIP=77
annexo_skip() {
  echo "$1"
  [[ -n "${ANNEXO_SKIP_NOTE:-}" ]] && printf '%s\n' "$1" >"${ANNEXO_SKIP_NOTE}"
  return "${ANNEXO_SKIP}"
}

# annexo_stack_neutral FN ARGS...: runs FN ARGS, a case whose outcome does
# not depend on the TLS stack the programs run (it opens no TLS connection,
# or its requirement lies above TLS: option parsing, SIP Digest, RFC 5626
# timers). The documented switch ANNEXO_TWIN_SCOPE=tls (set on a test's
# TLS stack twins by the tls_stacks macros' twin_scope = "tls") skips it in a
# twin whose stack is not botan: the botan variant's run is the one that
# counts, and the twin's time goes to the cases that differ per stack.
annexo_stack_neutral() {
  if [[ "${ANNEXO_TWIN_SCOPE:-all}" == tls && -n "${ANNEXO_TLS_STACK:-}" &&
    "${ANNEXO_TLS_STACK}" != botan ]]; then
    annexo_skip "stack-neutral case, run in the botan variant only (ANNEXO_TWIN_SCOPE=tls)"
    return
  fi
  "$@"
}

# Bash 5.2 expands an unquoted & in the replacement of ${var//pattern/string}
# to the match (patsub_replacement, on by default), which turned " into "quot;
# and < into <lt; in _annexo_xml_escape and left the JUnit XML unreadable.
shopt -u patsub_replacement 2>/dev/null || true

_annexo_cases=()
_annexo_results=()
_annexo_levels=()
_annexo_reqs=()
_annexo_failures=0
_annexo_skipped=0
_annexo_script="${BASH_SOURCE[1]:-$0}"
# The workspace-relative path (tests/...), whatever the runfiles prefix.
[[ "${_annexo_script}" == */tests/* ]] && _annexo_script="tests/${_annexo_script##*/tests/}"

_annexo_xml_escape() {
  local s="$1"
  s="${s//&/&amp;}"
  s="${s//</&lt;}"
  s="${s//>/&gt;}"
  s="${s//\"/&quot;}"
  s="${s//$'\r'/ }"
  printf '%s' "${s}"
}

# annexo_req ID command...: one requirement assertion (see above).
annexo_req() {
  local id="$1"
  shift
  if [[ -z "${id}" || $# -eq 0 ]]; then
    echo "annexo_req: usage: annexo_req ID command..." >&2
    [[ -n "${ANNEXO_REQ_NOTES:-}" ]] && printf '%s\tfailed\n' "${id:-?}" >>"${ANNEXO_REQ_NOTES}"
    return 2
  fi
  local rc=0
  "$@" || rc=$?
  if ((rc == 0)); then
    [[ -n "${ANNEXO_REQ_NOTES:-}" ]] && printf '%s\theld\n' "${id}" >>"${ANNEXO_REQ_NOTES}"
    return 0
  fi
  echo "requirement ${id} not met: $* (exit ${rc})" >&2
  [[ -n "${ANNEXO_REQ_NOTES:-}" ]] && printf '%s\tfailed\n' "${id}" >>"${ANNEXO_REQ_NOTES}"
  return 1
}

_annexo_write_xml() {
  local complete="$1"
  [[ -n "${XML_OUTPUT_FILE:-}" ]] || return 0
  local n=${#_annexo_cases[@]} i
  {
    echo '<?xml version="1.0" encoding="UTF-8"?>'
    echo "<testsuites><testsuite name=\"annexo\" tests=\"${n}\" failures=\"${_annexo_failures}\" level=\"$(_annexo_xml_escape "${ANNEXO_EVIDENCE_LEVEL:-core}")\" variant=\"$(_annexo_xml_escape "${ANNEXO_TEST_VARIANT:-}")\" tls_stack=\"$(_annexo_xml_escape "${ANNEXO_TLS_STACK:-}")\" complete=\"${complete}\" file=\"$(_annexo_xml_escape "${_annexo_script}")\">"
    for ((i = 0; i < n; i++)); do
      printf '  <testcase name="%s" file="%s" level="%s">' "$(_annexo_xml_escape "${_annexo_cases[i]}")" \
        "$(_annexo_xml_escape "${_annexo_script}")" "$(_annexo_xml_escape "${_annexo_levels[i]}")"
      [[ -n "${_annexo_reqs[i]}" ]] && printf '<properties>%s</properties>' "${_annexo_reqs[i]}"
      [[ -n "${_annexo_results[i]}" ]] &&
        printf '<failure message="%s"/>' "$(_annexo_xml_escape "${_annexo_results[i]}")"
      echo '</testcase>'
    done
    echo "</testsuite></testsuites>"
  } >"${XML_OUTPUT_FILE}"
}

annexo_case() {
  local case_level="${ANNEXO_EVIDENCE_LEVEL:-core}"
  if [[ "$1" == "--level" ]]; then
    case_level="$2"
    shift 2
  fi
  local name="$1"
  shift
  local out rc notes skip_note
  notes="$(mktemp)"
  skip_note="$(mktemp)"
  out="$(ANNEXO_REQ_NOTES="${notes}" ANNEXO_SKIP_NOTE="${skip_note}" "$@" 2>&1)"
  rc=$?
  # A skip is annexo_skip's return with its reason written and no assertion
  # failed before it; exit 77 any other way (a peer's own exit code passed
  # through, a skip after a failed assertion) is a failure, not a skip.
  if ((rc == ANNEXO_SKIP)); then
    if [[ -s "${skip_note}" ]] && ! grep -q $'\tfailed$' "${notes}"; then
      echo "SKIP  ${name}: $(cat "${skip_note}")"
      rm -f "${notes}" "${skip_note}"
      _annexo_skipped=$((_annexo_skipped + 1))
      return 0
    fi
    out+=$'\n'"exit ${ANNEXO_SKIP} without annexo_skip's reason, or after a failed assertion: a failure, not a skip"
  fi
  rm -f "${skip_note}"
  # Per requirement: credited only when every assertion naming it held.
  local props="" id held
  declare -A verdict=()
  while IFS=$'\t' read -r id held; do
    [[ -z "${id}" ]] && continue
    if [[ "${held}" == held && "${verdict[${id}]:-held}" == held ]]; then
      verdict[${id}]=held
    else
      verdict[${id}]=failed
    fi
  done <"${notes}"
  rm -f "${notes}"
  for id in $(printf '%s\n' "${!verdict[@]}" | sort); do
    if [[ "${verdict[${id}]}" == held ]]; then
      props+="<property name=\"requirement\" value=\"$(_annexo_xml_escape "${id}")\"/>"
    else
      props+="<property name=\"requirement-failed\" value=\"$(_annexo_xml_escape "${id}")\"/>"
      ((rc == 0)) && rc=1 && out+=$'\n'"a requirement assertion (annexo_req ${id}) did not hold"
    fi
  done
  _annexo_cases+=("${name}")
  _annexo_levels+=("${case_level}")
  _annexo_reqs+=("${props}")
  if ((rc == 0)); then
    _annexo_results+=("")
    echo "PASS  ${name}"
  else
    _annexo_failures=$((_annexo_failures + 1))
    # The last 2000 characters (${out: -2000} is empty for shorter output).
    ((${#out} > 2000)) && out="${out: -2000}"
    _annexo_results+=("exit ${rc}: ${out}")
    echo "FAIL  ${name} (exit ${rc})"
    printf '%s\n' "${out}" | sed 's/^/      /' | tail -40
  fi
  _annexo_write_xml false
}

annexo_finish() {
  local n=${#_annexo_cases[@]}
  _annexo_write_xml true
  echo "${n} cases, ${_annexo_failures} failed, ${_annexo_skipped} skipped"
  if ((n == 0)); then
    echo "no test case ran" >&2
    exit 1
  fi
  exit $((_annexo_failures != 0))
}
