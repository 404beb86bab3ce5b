load("//tests/interop:defs.bzl", "tls_stack_twins", "twin_env")
load("//tests/sanitize:defs.bzl", "SANITIZE_ENV")

"""End-to-end sh_tests of the pcscf and ue programs on loopback.

Every such script is called as SCRIPT PCSCF UE MAKE_PKI TESTLIB [HELPER...]
and sources e2e_lib.sh next to it; `helpers` are extra files of this package
(scripted peers) passed, in order, after the four fixed arguments."""

def e2e_test(name, helpers = [], sanitize = False, tls_stacks = ["botan"], twin_scope = "all", sanitize_tls_stacks = ["botan"]):
    """NAME.sh with the programs; with sanitize, also NAME_asan: the same
    script with pcscf and ue built with ASan and UBSan (:pcscf_asan, :ue_asan,
    //tests/sanitize). `tls_stacks`: one target per TLS stack pcscf runs,
    NAME for botan and NAME_<stack> for another (tls_stack_twins in
    //tests/interop:defs.bzl). `sanitize_tls_stacks`: the same for the
    sanitized twin, NAME_asan for botan and NAME_asan_<stack> for another
    (variant asan-tls-<stack>, twin_env). `twin_scope` "tls": the twins
    skip the cases marked annexo_stack_neutral."""
    for target, _stack, stack_env in tls_stack_twins(name, tls_stacks, twin_scope):
        _e2e_test(target, helpers, "//adapters/pcscf", "//adapters/ue", stack_env, script = name)
    if sanitize:
        for target, _stack, stack_env in tls_stack_twins(name + "_asan", sanitize_tls_stacks, twin_scope):
            _e2e_test(target, helpers, ":pcscf_asan", ":ue_asan", twin_env(SANITIZE_ENV, stack_env), script = name)

def _e2e_test(name, helpers, pcscf, ue, env, script = None):
    native.sh_test(
        name = name,
        size = "medium",
        srcs = [(script or name) + ".sh"],
        # annexo's own programs on loopback (tests/support/testlib.sh).
        env = dict(env, ANNEXO_EVIDENCE_LEVEL = "program"),
        # They use system tools Bazel does not see: never served from a cache.
        tags = ["external"],
        args = [
            "$(location %s)" % pcscf,
            "$(location %s)" % ue,
            "$(location //tests/pki:make_pki.sh)",
            "$(location //tests/support:testlib.sh)",
        ] + ["$(location %s)" % h for h in helpers],
        data = [
            "e2e_lib.sh",
            pcscf,
            ue,
            "//tests/pki:make_pki.sh",
            "//tests/support:testlib.sh",
        ] + helpers,
    )
