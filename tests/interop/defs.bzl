"""interop_test: one sh_test of tests/interop per line of data."""

def interop_test(name, program = None, size = "medium", script = None, env = {}, tls_stacks = ["botan"]):
    """One twin per TLS stack in tls_stacks (issue 14): NAME for botan,
    NAME_<stack> for another, the same script with env ANNEXO_TLS_STACK=<stack>
    (the scripts start ue with --tls-stack <stack>). See _interop_test."""
    for stack in tls_stacks:
        n = name if stack == "botan" else name + "_" + stack
        _interop_test(n, program, size, script or name, dict(env, ANNEXO_TLS_STACK = stack))

def _interop_test(name, program, size, script, env):
    """A driver NAME.sh run against third-party peers.

    With `program` (//adapters/pcscf or //adapters/ue, or a list of both) the
    script gets PROGRAM... MAKE_PKI TESTLIB and reports annexo_case results (JUnit XML for
    the conformance report); without, it checks the peers and the harness
    alone and gets MAKE_PKI only. `script` runs another driver than NAME.sh
    (a sanitized twin of a test), `env` adds to the test's environment.
    Tagged exclusive: the peers listen on loopback ports and tshark captures
    on lo.
    """
    progs = program if type(program) == "list" else ([program] if program else [])
    testlib = ["//tests/support:testlib.sh"] if program else []
    native.sh_test(
        name = name,
        size = size,
        srcs = [(script or name) + ".sh"],
        args = ["$(location %s)" % t for t in progs + ["//tests/pki:make_pki.sh"] + testlib],
        data = [":harness"] + progs + ["//tests/pki:make_pki.sh"] + testlib,
        # Peers nobody here wrote (tests/support/testlib.sh); a case with
        # annexo's programs alone says --level program.
        env = dict(env, ANNEXO_EVIDENCE_LEVEL = "third-party"),
        # Third-party peers are system tools Bazel does not see: never cached.
        tags = [
            "exclusive",
            "external",
            "interop",
        ],
    )
