"""Compiler flags shared by every annexo target (one place, brief: Build and CI)."""

# Every target: C++17, warnings are errors.
COMMON_COPTS = [
    "-std=c++17",
    "-Wall",
    "-Wextra",
    "-Werror",
]

# The pure core (//core): additionally no exceptions, no RTTI, no silent
# narrowing, no shadowing (issue #2, section 1).
CORE_COPTS = COMMON_COPTS + [
    "-Wconversion",
    "-Wshadow",
    "-fno-exceptions",
    "-fno-rtti",
]

# Tests, tools, proofs and adapters: third-party headers (Catch2, RapidCheck,
# Botan, Z3) are not -Wconversion clean, so only the common set applies.
TEST_COPTS = COMMON_COPTS

ADAPTER_COPTS = COMMON_COPTS + ["-Wshadow"]
