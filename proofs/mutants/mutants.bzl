"""The mutation suite: deliberately broken copies of the core.

Each mutant copies every core source (//core:traced_sources), applies one
small named change (literal replacements, each of which must match exactly
once, or the build fails naming the mutant), and builds
  :core_<name>   the mutated core as a cc_library (include paths core/...),
                 visible to //tests/... for the property tests
  :prove_<name>  the proof program compiled against it (MUTANTS only)
//proofs:prove runs every prove_<name> (manifest.tsv) and passes only if each
one has at least one property refuted. PROPERTY_MUTANTS are bugs in code the
Z3 proofs do not model (the binding table): they get :core_<name> only, stay
out of the manifest, and //tests/property:mutant_test is what must catch them.
"""

load("//tools:copts.bzl", "CORE_COPTS", "TEST_COPTS")

# name, what the change breaks, the file, [(old, new), ...], the property
# expected to catch it (documentation; the run reports what actually did),
# and `breaks`: the requirement IDs (spec/) the change violates. tools/mutate
# runs the tests citing those requirements against each mutant, with the
# adapter mutants of tools/mutation/adapter_mutants.toml (tools/mutation/README.md).
MUTANTS = [
    struct(
        name = "pcscf_client_cert_request",
        description = "the P-CSCF requests a client certificate on bound connections",
        file = "core/pcscf_machine.h",
        subs = [("D::lit(kStateInfo[i].client_cert_request)", "D::lit(kStateInfo[i].client_cert_request || i == 3)")],
        expect = "pcscf-never-requests-client-certificate",
        breaks = ["O.2.1-PC-NO-CLIENT-CERT-REQ"],
    ),
    struct(
        name = "pcscf_skip_port_check",
        description = "a request on the bound session and IP but another port counts as on the binding",
        file = "core/pcscf_machine.h",
        subs = [("e.port == s.b_port;", "(e.port == s.b_port || D::t());")],
        expect = "pcscf-asserted-identity-only-from-binding",
        breaks = ["O.2.2-PC-MATCH-FULL-TUPLE", "N.2-PC-IP-ASSOC-CHECK"],
    ),
    struct(
        name = "pcscf_expiry_off_by_one",
        description = "session expiry compared with <= instead of <: the expiry second still authorises",
        file = "core/pcscf_machine.h",
        subs = [("return D::reached(now, s.session_expiry);", "return D::reached(now, D::add(s.session_expiry, D::u32(1)));")],
        expect = "pcscf-asserted-identity-only-from-binding",
        breaks = ["O.2.1-ALL-LIFETIME-LOCAL-POLICY", "IMPL-PC-NO-REQUESTS-WHILE-RENEGOTIATING"],
    ),
    struct(
        name = "pcscf_expiry_not_wrap_safe",
        description = "session expiry compared as plain unsigned numbers (wrong across clock wrap-around)",
        file = "core/pcscf_machine.h",
        subs = [("return D::reached(now, s.session_expiry);", "return D::ule(s.session_expiry, now);")],
        expect = "pcscf-asserted-identity-only-from-binding",
        breaks = ["O.2.1-ALL-LIFETIME-LOCAL-POLICY", "IMPL-PC-NO-REQUESTS-WHILE-RENEGOTIATING"],
    ),
    struct(
        name = "pcscf_keep_old_session_id",
        description = "renegotiation does not replace the bound Session ID",
        file = "core/pcscf_machine.h",
        subs = [("      n.b_session = e.session;\n", "")],
        expect = "pcscf-old-session-authorises-nothing",
        breaks = ["O.4.2-PC-REPLACE-SESSION-ID"],
    ),
    struct(
        name = "pcscf_bind_other_connection",
        description = "a 2xx to a REGISTER from another connection binds this one",
        file = "core/pcscf_machine.h",
        subs = [("success && here && s.pending_digest && any_impu<D>(e.impu)", "success && s.pending_digest && any_impu<D>(e.impu)")],
        expect = "pcscf-binding-only-after-2xx-on-this-connection",
        breaks = ["O.2.2-PC-ASSOC-ONLY-ON-AUTH-CONN"],
    ),
    struct(
        name = "pcscf_no_close_on_auth_failure",
        description = "an authentication failure on a bound connection keeps connection and binding",
        file = "core/pcscf_machine.h",
        subs = [("{S::bound,        E::register_response,   G::auth_failure_here,      S::closed,        A::auth_fail_close_bound}", "{S::bound,        E::register_response,   G::auth_failure_here,      S::bound,         A::forward_response}")],
        expect = "pcscf-no-binding-after-auth-failure-or-close",
        breaks = ["O.3.1.1-PC-CLOSE-ON-AUTH-FAIL"],
    ),
    struct(
        name = "pcscf_deliver_unbound",
        description = "a terminating request (flow token) is delivered over an unbound connection",
        file = "core/pcscf_machine.h",
        subs = [("E::terminating_request, G::always,                 S::unbound,       A::reject_430}", "E::terminating_request, G::always,                 S::unbound,       A::forward_to_ue}")],
        expect = "pcscf-flow-delivers-only-over-its-bound-connection",
        breaks = ["5626-5.3-PC-FORWARD-OVER-FLOW", "5626-5.3-PC-430-FLOW-GONE"],
        survives = "5626-5.3-PC-430-FLOW-GONE (a should): the mutant changes only a flow whose connection is still open " +
                   "but no longer bound (de-registered, RD-15); the program and interop tests that cite it close the " +
                   "connection first. The probe's TP_PC_SIP_012 de-registers and keeps the connection, and catches it " +
                   "(//tests/probe:probe_pcscf_mutants_test), but the probe's self-tests credit no requirement.",
    ),
    struct(
        name = "pcscf_gate_open",
        description = "an unbound connection forwards any request (handshake gate open)",
        file = "core/pcscf_machine.h",
        subs = [("{S::unbound,      E::sip_request,         G::always,                 S::unbound,       A::reject_403_unbound}", "{S::unbound,      E::sip_request,         G::always,                 S::unbound,       A::forward_emergency_unbound}")],
        expect = "pcscf-asserted-identity-only-from-binding",
        breaks = ["O.2.2-PC-UNBOUND-NO-ASSERT"],
    ),
    struct(
        name = "ue_sip_before_cert_verdict",
        description = "the UE sends its first REGISTER before the certificate verdict",
        file = "core/ue_logic.h",
        subs = [("return ue_conn_match<D>(s, f) && s.cert_accepted && !s.have_challenge;", "return ue_conn_match<D>(s, f) && !s.have_challenge;")],
        expect = "ue-no-sip-before-certificate-accepted",
        breaks = ["O.2.1-UE-AUTH-PC-BY-CERT"],
    ),
    struct(
        name = "ue_bid_down",
        description = "with require_signalling_security the UE still falls back to unprotected SIP Digest",
        file = "core/access_selection.h",
        subs = [("D::select(require_signalling_security, none, unprot)", "D::select(require_signalling_security && D::f(), none, unprot)")],
        expect = "ue-no-unprotected-signalling-under-policy",
        breaks = ["UE-IMPL-ACCESS-PREFERENCE", "O.1.1-OP-NO-BIDDOWN"],
    ),
    struct(
        name = "ue_annex_o_on_3gpp",
        description = "Annex O TLS is selected on 3GPP access when IPsec is unavailable",
        file = "core/access_selection.h",
        subs = [("D::select(ipsec_available, ipsec, none);", "D::select(ipsec_available, ipsec, D::select(tls_available, tls, none));")],
        expect = "ue-annex-o-never-on-3gpp-access",
        breaks = ["O.1.1-ALL-NOT-ON-3GPP-ACCESS"],
    ),
    struct(
        name = "null_only_offer",
        description = "a NULL-encryption suite counts as an encrypting offer (NULL-only offers pass)",
        file = "core/cipher_suites.h",
        subs = [("  return s.in_profile;\n", "  return s.in_profile || s.null_encryption;\n")],
        expect = "offer-check-requires-encrypting-suite",
        breaks = ["O.2.1-UE-NONNULL-OFFER"],
    ),
    struct(
        name = "pcscf_null_without_opt_in",
        description = "the P-CSCF may choose a NULL-encryption suite without allow_null_encryption",
        file = "core/cipher_suites.h",
        subs = [("(s.null_encryption && allow_null)", "(s.null_encryption && (allow_null || D::t()))")],
        expect = "pcscf-suite-choice-within-profile",
        breaks = ["O.2.1-ALL-PROFILE", "O.2.1-ALL-NULL-MAY"],
    ),
    struct(
        name = "pcscf_rereg_keeps_expiry",
        description = "a re-REGISTER's 2xx adds IMPUs but leaves the registration expiry where it was",
        file = "core/pcscf_machine.h",
        subs = [("n.impu[i] = s.impu[i] || e.impu[i];\n      n.reg_expiry = D::add(e.now, e.expires_s);\n", "n.impu[i] = s.impu[i] || e.impu[i];\n")],
        expect = "pcscf-registration-refresh-moves-expiry",
        breaks = ["O.2.2-PC-ASSOC-DELETE", "O.2.2-PC-ASSOC-IMPU-SET"],
    ),
    struct(
        name = "ue_keep_verdict_across_reneg",
        description = "a renegotiation keeps the previous handshake's certificate verdict (no fresh verdict needed)",
        file = "core/ue_logic.h",
        subs = [("// before SIP flows again.\n      s.cert_accepted = D::f();\n", "// before SIP flows again.\n")],
        expect = "ue-no-sip-before-certificate-accepted",
        breaks = ["O.2.1-UE-AUTH-PC-BY-CERT"],
    ),
    struct(
        name = "accept_tls11",
        description = "the UE accepts a ServerHello for TLS 1.1",
        file = "core/profile.cc",
        subs = [
            ("if (version < tls::kTls12) return Error::profile_sh_legacy_version;", "if (version < 0x0302) return Error::profile_sh_legacy_version;"),
            ("(version == tls::kTls12 && offer.tls12 && config.enable_tls12)", "((version == tls::kTls12 || version == 0x0302) && offer.tls12 && config.enable_tls12)"),
            ("(version == tls::kTls12 && offered.tls12)", "((version == tls::kTls12 || version == 0x0302) && offered.tls12)"),
        ],
        expect = "tls-versions-at-least-1-2",
        breaks = ["33210-6.2.1-NO-LEGACY-VERSIONS"],
    ),
]

# Mutants of core code the Z3 proofs do not model, each caught by a RapidCheck
# property (`expect` names the property key; tests/property/defs.bzl
# CAUGHT_BY). Same shape as MUTANTS. Not read by tools/mutation/mutate.py
# (which reads MUTANTS only): a mutant here must not repeat one of
# tools/mutation/adapter_mutants.toml.
PROPERTY_MUTANTS = [
    struct(
        name = "binding_impu_lookup_off_by_one",
        description = "the IMPU lookup stops one position short: a binding's 8th IMPU is never found",
        file = "core/binding_table.cc",
        subs = [("  for (std::uint8_t p = 0; p < kMaxImpus; ++p) {\n    if (b->impu[p] != kNoIdentity && arena_.equals(", "  for (std::uint8_t p = 0; p + 1 < kMaxImpus; ++p) {\n    if (b->impu[p] != kNoIdentity && arena_.equals(")],
        expect = "O.2.2-PC-ASSOC-CREATE.binding-table",
        breaks = ["O.2.2-PC-ASSOC-CREATE", "O.2.2-PC-ASSOC-IMPU-SET"],
    ),
    struct(
        name = "binding_arena_counts_repeats",
        description = "insert counts arena chunks for every listed IMPU, repeats too: a registration that fits is refused (a defect the property found once)",
        file = "core/binding_table.cc",
        subs = [("    if (!repeat) c += identity_chunks_for(impus[i].size);\n", "    c += identity_chunks_for(impus[i].size);\n")],
        expect = "O.2.2-PC-ASSOC-CREATE.binding-table",
        breaks = ["O.2.2-PC-ASSOC-CREATE"],
    ),
    struct(
        name = "binding_init_rows_off_by_one",
        description = "init() prepares every row but the last: the last row enters use with stale IMPU handles",
        file = "core/binding_table.cc",
        subs = [("  for (std::uint32_t i = 0; i < capacity_; ++i) {\n    Binding& b = rows_[i];", "  for (std::uint32_t i = 0; i + 1 < capacity_; ++i) {\n    Binding& b = rows_[i];")],
        expect = "O.2.2-PC-ASSOC-CREATE.binding-table",
        breaks = ["IMPL-PC-BINDING-TABLE-CAPACITY", "O.2.2-PC-ASSOC-CREATE"],
    ),
    struct(
        name = "binding_remove_no_backshift",
        description = "remove() empties the slot and moves nothing back: a binding displaced along a probe chain is no longer found once an earlier one leaves",
        file = "core/binding_table.cc",
        subs = [("    if (!home_in_between) {\n      index_[pos] = index_[j];", "    if (false && !home_in_between) {\n      index_[pos] = index_[j];")],
        expect = "O.2.2-PC-ASSOC-CREATE.binding-table",
        breaks = ["O.2.2-PC-ASSOC-CREATE", "O.2.2-PC-ASSOC-DELETE"],
    ),
    struct(
        name = "binding_remove_chain_not_cyclic",
        description = "remove() judges a chain that wraps past the index's last slot as if it did not wrap: an entry whose home lies after the hole is moved into it, before its home, and is no longer found",
        file = "core/binding_table.cc",
        subs = [("(pos <= j) ? (pos < h && h <= j) : (pos < h || h <= j);", "(pos < h && h <= j);")],
        expect = "O.2.2-PC-ASSOC-CREATE.binding-table",
        breaks = ["O.2.2-PC-ASSOC-CREATE", "O.2.2-PC-ASSOC-DELETE"],
    ),
]

def _mutant_sources_impl(ctx):
    outs = []
    hdrs = []
    srcs = []
    for f in ctx.files.srcs:
        rel = f.short_path[f.short_path.index("core/"):]
        o = ctx.actions.declare_file(ctx.attr.mutant + "/" + rel)
        outs.append(o)
        if rel.endswith(".cc"):
            srcs.append(o)
        else:
            hdrs.append(o)
    if len(ctx.attr.subs) % 2 != 0:
        fail("mutant %s: subs must be (old, new) pairs" % ctx.attr.mutant)
    args = [ctx.file._tool.path, ctx.attr.mutant, ctx.attr.file, outs[0].path[:outs[0].path.index("/core/")], str(len(ctx.attr.subs) // 2)] + ctx.attr.subs + [f.path for f in ctx.files.srcs]
    ctx.actions.run_shell(
        command = 'exec python3 "$@"',
        arguments = args,
        inputs = ctx.files.srcs + [ctx.file._tool],
        outputs = outs,
        mnemonic = "CoreMutant",
        progress_message = "Mutating the core: %s" % ctx.attr.mutant,
    )
    return [
        DefaultInfo(files = depset(outs)),
        OutputGroupInfo(hdrs = depset(hdrs), srcs = depset(srcs)),
    ]

mutant_sources = rule(
    implementation = _mutant_sources_impl,
    attrs = {
        "mutant": attr.string(mandatory = True),
        "file": attr.string(mandatory = True),
        "subs": attr.string_list(mandatory = True),
        "srcs": attr.label_list(allow_files = True, default = ["//core:traced_sources"]),
        "_tool": attr.label(default = ":apply_mutation.py", allow_single_file = True),
    },
)

def _manifest_impl(ctx):
    lines = ["# name\tdescription\tbinary (relative to the runfiles root)"]
    for name, desc in zip(ctx.attr.names, ctx.attr.descriptions):
        lines.append("%s\t%s\tproofs/mutants/prove_%s" % (name, desc, name))
    out = ctx.actions.declare_file(ctx.attr.name + ".tsv")
    ctx.actions.write(out, "\n".join(lines) + "\n")
    return [DefaultInfo(files = depset([out]), runfiles = ctx.runfiles(files = [out]))]

mutant_manifest = rule(
    implementation = _manifest_impl,
    attrs = {
        "names": attr.string_list(),
        "descriptions": attr.string_list(),
    },
)

def _core_library(m):
    """:core_<name>: the core with m's substitutions, as a cc_library."""
    if not getattr(m, "breaks", None):
        fail("proofs/mutants/mutants.bzl: mutant %s names no requirement in `breaks`" % m.name)
    mutant_sources(
        name = m.name + "_sources",
        mutant = m.name,
        file = m.file,
        subs = [s for pair in m.subs for s in pair],
    )
    native.filegroup(name = m.name + "_hdrs", srcs = [":" + m.name + "_sources"], output_group = "hdrs")
    native.filegroup(name = m.name + "_srcs", srcs = [":" + m.name + "_sources"], output_group = "srcs")
    native.cc_library(
        name = "core_" + m.name,
        srcs = [":" + m.name + "_srcs"],
        hdrs = [":" + m.name + "_hdrs"],
        includes = [m.name],
        copts = CORE_COPTS,
        visibility = ["//proofs:__subpackages__", "//tests:__subpackages__"],
    )

def core_mutants():
    """Declares every mutant's core library, the proof binaries of MUTANTS,
    and :all (manifest + proof binaries; PROPERTY_MUTANTS stay out of it)."""
    names = {}
    for m in MUTANTS + PROPERTY_MUTANTS:
        if m.name in names:
            fail("proofs/mutants/mutants.bzl: mutant name %s used twice" % m.name)
        names[m.name] = True
        _core_library(m)
    binaries = []
    for m in MUTANTS:
        native.cc_binary(
            name = "prove_" + m.name,
            srcs = ["//proofs:property_sources"],
            copts = TEST_COPTS + ["-DANNEXO_EXPECT_MUTANT"],
            deps = [
                ":core_" + m.name,
                "//proofs:prover",
                "@system//:z3",
            ],
        )
        binaries.append(":prove_" + m.name)
    mutant_manifest(
        name = "manifest",
        names = [m.name for m in MUTANTS],
        descriptions = [m.description for m in MUTANTS],
    )
    native.filegroup(
        name = "all",
        srcs = [":manifest"] + binaries,
        visibility = ["//proofs:__subpackages__", "//tests:__subpackages__"],
    )
