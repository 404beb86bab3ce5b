"""interop_test: one sh_test of tests/interop per line of data."""

def tls_stack_twins(name, tls_stacks, twin_scope = "all"):
    """(target name, stack, extra env) for each TLS stack a test runs on:
    NAME for botan, NAME_<stack> for another (issue 14). Each target gets
    ANNEXO_TLS_STACK (the scripts' launchers pass it to pcscf as
    --tls-stack) and, for a stack other than botan, ANNEXO_TEST_VARIANT
    tls-<stack>, so the report keeps the twins' cases apart.
    twin_scope "tls" (long tests) sets ANNEXO_TWIN_SCOPE=tls on the twins:
    their cases marked annexo_stack_neutral (tests/support/testlib.sh) are
    skipped there and run in the botan target only."""
    if twin_scope not in ["all", "tls"]:
        fail("twin_scope must be \"all\" or \"tls\"")
    out = []
    for stack in tls_stacks:
        env = {"ANNEXO_TLS_STACK": stack}
        if stack != "botan":
            env["ANNEXO_TEST_VARIANT"] = "tls-" + stack
            if twin_scope == "tls":
                env["ANNEXO_TWIN_SCOPE"] = "tls"
        out.append((name if stack == "botan" else name + "_" + stack, stack, env))
    return out

def twin_env(env, stack_env):
    """A twin's environment: env (the target's own, e.g. SANITIZE_ENV) with
    stack_env (tls_stack_twins) over it; when both name a variant (a
    sanitized twin on another stack), the variant is both: asan-tls-openssl,
    so the report keeps it apart from the asan and the tls-openssl runs."""
    out = dict(env, **stack_env)
    if "ANNEXO_TEST_VARIANT" in env and "ANNEXO_TEST_VARIANT" in stack_env:
        out["ANNEXO_TEST_VARIANT"] = env["ANNEXO_TEST_VARIANT"] + "-" + stack_env["ANNEXO_TEST_VARIANT"]
    return out

def interop_test(name, program = None, size = "medium", script = None, env = {}, tls_stacks = ["botan"], twin_scope = "all"):
    """A driver NAME.sh run against third-party peers.

    With `program` (//adapters/pcscf or //adapters/ue, or a list of both) the
    script gets PROGRAM... MAKE_PKI TESTLIB and reports annexo_case results (JUnit XML for
    the conformance report); without, it checks the peers and the harness
    alone and gets MAKE_PKI only. `script` runs another driver than NAME.sh
    (a sanitized twin of a test), `env` adds to the test's environment.
    `tls_stacks`: one target per TLS stack pcscf runs (tls_stack_twins;
    `twin_scope` "tls": the twins skip the stack-neutral cases).
    Tagged exclusive: the peers listen on loopback ports and tshark captures
    on lo.
    """
    for target, _stack, stack_env in tls_stack_twins(name, tls_stacks, twin_scope):
        _interop_test(target, program, size, script or name, twin_env(env, stack_env))

def _interop_test(name, program, size, script, env):
    """One sh_test (interop_test's work)."""
    progs = program if type(program) == "list" else ([program] if program else [])
    testlib = ["//tests/support:testlib.sh"] if program else []
    native.sh_test(
        name = name,
        size = size,
        srcs = [script + ".sh"],
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
