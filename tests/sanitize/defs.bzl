"""ASan + UBSan builds of existing targets, by configuration transition.

sanitized_binary(name, binary): the same cc_binary built with SANITIZE in
copt and linkopt (every dependency in //core and //adapters is rebuilt with
them; system libraries are not). sanitized_test(name, test): the same for a
cc_test, run as a test of its own. The transitioned configuration has its own
output directory, so the regular build is never rebuilt by it.

gcc 12 cannot evaluate the core's constexpr suite table under UBSan's null
and nonnull-attribute checks (cipher_suites.h static_asserts), so those three
checks are off; every other UBSan check and ASan (with LeakSanitizer) are on,
and the first report aborts the process."""

SANITIZE = [
    "-fsanitize=address,undefined",
    "-fno-sanitize=null,nonnull-attribute,returns-nonnull-attribute",
    "-fno-sanitize-recover=all",
    "-fno-omit-frame-pointer",
]

# A report aborts the binary with a stack; leaks are reported at exit.
SANITIZE_ENV = {
    # tests/support writes it into the JUnit XML: the report keeps a twin's
    # cases apart from the plain run's (same names, another variant).
    "ANNEXO_TEST_VARIANT": "asan",
    "ASAN_OPTIONS": "detect_leaks=1:abort_on_error=1:strict_string_checks=1",
    "UBSAN_OPTIONS": "print_stacktrace=1:halt_on_error=1",
}

def _sanitize_transition_impl(settings, _attr):
    return {
        "//command_line_option:copt": settings["//command_line_option:copt"] + SANITIZE,
        "//command_line_option:linkopt": settings["//command_line_option:linkopt"] + SANITIZE,
    }

_sanitize_transition = transition(
    implementation = _sanitize_transition_impl,
    inputs = ["//command_line_option:copt", "//command_line_option:linkopt"],
    outputs = ["//command_line_option:copt", "//command_line_option:linkopt"],
)

def _sanitized_impl(ctx):
    target = ctx.attr.target[0]
    info = target[DefaultInfo]
    src = info.files_to_run.executable
    exe = ctx.actions.declare_file(ctx.label.name)
    ctx.actions.symlink(output = exe, target_file = src, is_executable = True)
    runfiles = ctx.runfiles(files = [src]).merge(info.default_runfiles)
    env = dict(SANITIZE_ENV)
    return [
        DefaultInfo(executable = exe, runfiles = runfiles),
        testing.TestEnvironment(env),
    ]

_ATTRS = {
    "target": attr.label(cfg = _sanitize_transition, executable = True, mandatory = True),
    "_allowlist_function_transition": attr.label(
        default = "@bazel_tools//tools/allowlists/function_transition_allowlist",
    ),
}

sanitized_binary = rule(
    implementation = _sanitized_impl,
    attrs = _ATTRS,
    executable = True,
)

sanitized_test = rule(
    implementation = _sanitized_impl,
    attrs = _ATTRS,
    test = True,
)
