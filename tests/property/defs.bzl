"""Builds the property sources against one core library (the real //core, a
vendor's port with the same headers, or a mutant of //proofs/mutants)."""

load("//tools:copts.bzl", "TEST_COPTS")
load("//proofs/mutants:mutants.bzl", "MUTANTS", "PROPERTY_MUTANTS")

PROPERTY_SRCS = [
    "binding_props.cc",
    "pcscf_props.cc",
    "ue_props.cc",
    "profile_props.cc",
]

# Which property must catch each mutant of //proofs/mutants, of MUTANTS and of
# PROPERTY_MUTANTS (the mutant test asserts it at ten seeds, each at the
# property's CI size; README.md has the full table of every property that catches it).
CAUGHT_BY = {
    "pcscf_client_cert_request": "O.2.2-PC-MATCH-FULL-TUPLE.pcscf-machine",
    "pcscf_skip_port_check": "O.2.2-PC-MATCH-FULL-TUPLE.pcscf-machine",
    "pcscf_expiry_off_by_one": "O.2.2-PC-MATCH-FULL-TUPLE.pcscf-machine",
    "pcscf_expiry_not_wrap_safe": "O.2.2-PC-MATCH-FULL-TUPLE.pcscf-machine",
    "pcscf_keep_old_session_id": "O.2.2-PC-MATCH-FULL-TUPLE.pcscf-machine",
    "pcscf_bind_other_connection": "O.2.2-PC-MATCH-FULL-TUPLE.pcscf-machine",
    "pcscf_no_close_on_auth_failure": "O.2.2-PC-MATCH-FULL-TUPLE.pcscf-machine",
    "pcscf_deliver_unbound": "O.2.2-PC-MATCH-FULL-TUPLE.pcscf-machine",
    "pcscf_gate_open": "O.2.2-PC-MATCH-FULL-TUPLE.pcscf-machine",
    "ue_sip_before_cert_verdict": "O.4.1-UE-ONE-REGISTRATION.ue-machine",
    "ue_bid_down": "O.4.1-UE-ONE-REGISTRATION.ue-machine",
    "ue_annex_o_on_3gpp": "O.4.1-UE-ONE-REGISTRATION.ue-machine",
    "null_only_offer": "O.2.1-UE-NONNULL-OFFER.offer",
    "pcscf_null_without_opt_in": "O.1.2-PC-DECIDES-SUITE.no-null-fallback",
    "accept_tls11": "O.2.1-ALL-SUITE-RULES-ALL-VERSIONS.server-hello",
    "pcscf_rereg_keeps_expiry": "O.2.2-PC-MATCH-FULL-TUPLE.pcscf-machine",
    "ue_keep_verdict_across_reneg": "O.4.1-UE-ONE-REGISTRATION.ue-steered",
    # PROPERTY_MUTANTS: bugs of the binding table, which the Z3 proofs do not model.
    "binding_impu_lookup_off_by_one": "O.2.2-PC-ASSOC-CREATE.binding-table",
    "binding_arena_counts_repeats": "O.2.2-PC-ASSOC-CREATE.binding-table",
    "binding_init_rows_off_by_one": "O.2.2-PC-ASSOC-CREATE.binding-table",
    "binding_remove_no_backshift": "O.2.2-PC-ASSOC-CREATE.binding-table",
    "binding_remove_chain_not_cyclic": "O.2.2-PC-ASSOC-CREATE.binding-table",
}

# Mutants of //proofs/mutants whose text substitution no longer applies to the
# core merged here (their rule fails to build); re-enable when proofs/ updates.
NOT_APPLICABLE = {}

# The property source that defines each property key (mutant suites compile
# only the one they need, to keep the test build small).
SOURCE_OF = {
    "O.2.2-PC-MATCH-FULL-TUPLE.pcscf-machine": "pcscf_props.cc",
    "O.2.2-PC-ASSOC-CREATE.binding-table": "binding_props.cc",
    "O.4.1-UE-ONE-REGISTRATION.ue-machine": "ue_props.cc",
    "O.4.1-UE-ONE-REGISTRATION.ue-steered": "ue_props.cc",
    "O.2.1-UE-NONNULL-OFFER.offer": "profile_props.cc",
    "O.1.2-PC-DECIDES-SUITE.choice": "profile_props.cc",
    "O.1.2-PC-DECIDES-SUITE.no-null-fallback": "profile_props.cc",
    "O.2.1-ALL-SUITE-RULES-ALL-VERSIONS.server-hello": "profile_props.cc",
    "O.2.1-ALL-NULL-MAY.negotiation": "profile_props.cc",
}

def property_suite(name, core, srcs = PROPERTY_SRCS):
    native.cc_library(
        name = name,
        srcs = srcs,
        copts = TEST_COPTS,
        deps = [
            ":harness",
            core,
            "//tests/support:req",
            "@system//:rapidcheck",
        ],
        alwayslink = True,
    )

def mutant_suites():
    """One property library and one soak binary per mutant, and the test
    that each mutant is caught by the property named in CAUGHT_BY."""
    args = ["$(location :soak)"]
    data = [":soak"]
    for m in MUTANTS + PROPERTY_MUTANTS:
        if m.name not in CAUGHT_BY:
            fail("tests/property/defs.bzl: mutant %s has no entry in CAUGHT_BY" % m.name)
        if m.name in NOT_APPLICABLE:
            continue
        property_suite(
            name = "properties_" + m.name,
            core = "//proofs/mutants:core_" + m.name,
            srcs = [SOURCE_OF[CAUGHT_BY[m.name]]],
        )
        native.cc_binary(
            name = "soak_" + m.name,
            srcs = ["soak_main.cc"],
            copts = TEST_COPTS,
            deps = [":harness", ":properties_" + m.name],
        )
        args += [m.name, "$(location :soak_%s)" % m.name, CAUGHT_BY[m.name]]
        data.append(":soak_" + m.name)
    native.sh_test(
        name = "mutant_test",
        size = "large",
        srcs = ["mutant_test.sh"],
        args = args,
        data = data,
    )
