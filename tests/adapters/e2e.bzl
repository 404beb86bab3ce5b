"""End-to-end sh_tests of the pcscf and ue programs on loopback.

Every such script is called as SCRIPT PCSCF UE MAKE_PKI TESTLIB [HELPER...]
and sources e2e_lib.sh next to it; `helpers` are extra files of this package
(scripted peers) passed, in order, after the four fixed arguments."""

def e2e_test(name, helpers = []):
    native.sh_test(
        name = name,
        size = "medium",
        srcs = [name + ".sh"],
        # annexo's own programs on loopback (tests/support/testlib.sh).
        env = {"ANNEXO_EVIDENCE_LEVEL": "program"},
        # They use system tools Bazel does not see: never served from a cache.
        tags = ["external"],
        args = [
            "$(location //adapters/pcscf)",
            "$(location //adapters/ue)",
            "$(location //tests/pki:make_pki.sh)",
            "$(location //tests/support:testlib.sh)",
        ] + ["$(location %s)" % h for h in helpers],
        data = [
            "e2e_lib.sh",
            "//adapters/pcscf",
            "//adapters/ue",
            "//tests/pki:make_pki.sh",
            "//tests/support:testlib.sh",
        ] + helpers,
    )
