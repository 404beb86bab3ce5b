// Properties of the UE machine (core/ue_*.h), proved over the core's own
// table and templates instantiated with Z3 terms.
#include "proofs/props.h"

#include "core/access_selection.h"
#include "core/ue_logic.h"
#include "core/ue_table.h"
#include "proofs/machine_prover.h"
#include "proofs/refinement.h"
#include "proofs/spec_model.h"
#include "proofs/ue_traits.h"

namespace annexo::proofs {
namespace {

using core::Mechanism;
using core::UeAction;
using core::UeEvent;
using core::UeRow;
using core::UeStateId;
using MP = MachineProver<UeTraits>;
using S = UeTraits::State;
using F = UeTraits::Facts;
using C = UeTraits::Config;

z3::expr tru() {
  return z3ctx().bool_val(true);
}
template <class E>
z3::expr is(const ZBv<8>& v, E e) {
  return (v == Z3D::enum8(e)).e;
}
bool all_rows(const UeRow&) {
  return true;
}

const char* kInduction = "induction over every row of kUeTable (unbounded)";

Outcome invariant_inductive() {
  Obligations ob(std::string(kInduction) + " + initial state");
  MP::prove_initial(ob) && MP::prove_rows(
                               ob, all_rows,
                               [](const S&, const F&, const C&, const S& post, const UeRow&) {
                                 return UeTraits::inv(post).e;
                               },
                               "check_invariants");
  return ob.finish();
}

// Per handshake: the first SIP byte after a TLS handshake needs the
// certificate verdict "accept" of THAT handshake, and SIP only flows on the
// connection it was accepted for. Three obligations per row, which together
// give the trace property by induction:
//  1. a row that starts a handshake (a new connection, or a renegotiation
//     inside the connection) leaves no verdict and no SIP permission, so the
//     verdict of an earlier handshake never carries over;
//  2. the verdict appears only through a cert_verdict event with a good
//     certificate for the current connection;
//  3. a row that sends SIP over TLS, or leaves SIP allowed, has the verdict,
//     on the same connection.
Outcome no_sip_before_certificate() {
  Obligations ob(kInduction);
  MP::prove_rows(
      ob, all_rows,
      [](const S& pre, const F& f, const C&, const S& post, const UeRow& row) {
        const z3::expr sends = z3ctx().bool_val(core::ue_action_sends_sip_over_tls(row.action));
        const z3::expr no_conn = (pre.conn == Z3D::u32(0)).e;
        const z3::expr new_conn = !(post.conn == pre.conn).e;
        const z3::expr reneg_starts =
            is(post.state, UeStateId::renegotiating) && !is(pre.state, UeStateId::renegotiating);
        const z3::expr handshake_starts = new_conn || reneg_starts;
        const z3::expr verdict_appears = !pre.cert_accepted.e && post.cert_accepted.e;
        return z3::implies(handshake_starts, !post.cert_accepted.e && !post.sip_allowed.e) &&
               z3::implies(verdict_appears, is(f.event, UeEvent::cert_verdict) && f.cert_ok.e &&
                                                (f.conn == pre.conn).e && !no_conn) &&
               z3::implies(sends, pre.cert_accepted.e && !no_conn && (post.conn == pre.conn).e &&
                                      post.cert_accepted.e) &&
               z3::implies(post.sip_allowed.e,
                           post.cert_accepted.e && !(post.conn == Z3D::u32(0)).e);
      },
      "SIP before the certificate verdict of this handshake");
  return ob.finish();
}

// With require_signalling_security the UE never ends up with unprotected
// signalling: no selection of "unprotected", no registration that is not over
// the Annex O TLS connection, and outside TLS only the sec-agree set-up
// REGISTER of the TLS procedure.
Outcome no_unprotected_under_policy() {
  Obligations ob(kInduction);
  MP::prove_rows(
      ob, all_rows,
      [](const S&, const F&, const C& c, const S& post, const UeRow& row) {
        const z3::expr plain = z3ctx().bool_val(core::ue_action_sends_sip_unprotected(row.action));
        const z3::expr registered =
            is(post.state, UeStateId::registered) || is(post.state, UeStateId::reregistering);
        return z3::implies(
            c.require_signalling_security.e,
            !is(post.mechanism, Mechanism::unprotected) &&
                z3ctx().bool_val(row.action != UeAction::handoff_unprotected) &&
                z3::implies(plain, is(post.mechanism, Mechanism::annex_o_tls) && post.secagree.e) &&
                z3::implies(registered, is(post.mechanism, Mechanism::annex_o_tls) &&
                                            post.cert_accepted.e && post.conn_registered.e));
      },
      "no bidding down under the policy");
  return ob.finish();
}

Outcome never_on_3gpp() {
  Obligations ob("all 16 inputs of select_mechanism (symbolic) + " + std::string(kInduction));
  // The selection function itself, for every input.
  {
    const ZBool a3 = fresh(static_cast<ZBool*>(nullptr), "access_3gpp");
    const ZBool tls = fresh(static_cast<ZBool*>(nullptr), "tls_available");
    const ZBool ipsec = fresh(static_cast<ZBool*>(nullptr), "ipsec_available");
    const ZBool pol = fresh(static_cast<ZBool*>(nullptr), "require_signalling_security");
    const ZBv<8> m = core::select_mechanism<Z3D>(a3, tls, ipsec, pol);
    const bool ok = ob.require(
        tru(), z3::implies(a3.e, !is(m, Mechanism::annex_o_tls) && !is(m, Mechanism::unprotected)),
        [&](const z3::model& mdl) {
          return "select_mechanism(access_3gpp=1, tls_available=" +
                 std::to_string(model_value(mdl, tls)) +
                 ", ipsec_available=" + std::to_string(model_value(mdl, ipsec)) +
                 ", require_signalling_security=" + std::to_string(model_value(mdl, pol)) +
                 ") = " + mechanism_name(model_value(mdl, m));
        });
    if (!ok) return ob.finish();
  }
  MP::prove_rows(
      ob, all_rows,
      [](const S&, const F& f, const C&, const S& post, const UeRow&) {
        const z3::expr start = is(f.event, UeEvent::start_registration) && f.access_3gpp.e;
        const z3::expr out_of_annex_o =
            is(post.state, UeStateId::handed_off) || is(post.state, UeStateId::aborted);
        return z3::implies(start, out_of_annex_o && !is(post.mechanism, Mechanism::annex_o_tls) &&
                                      !is(post.mechanism, Mechanism::unprotected)) &&
               z3::implies(post.access_3gpp.e, !is(post.mechanism, Mechanism::annex_o_tls));
      },
      "Annex O on 3GPP access");
  return ob.finish();
}

// One registration procedure: a start while a procedure runs replaces it and
// purges what it had (challenge, the trust in its own connection), keeping
// only the connection of an earlier successful registration.
Outcome one_registration() {
  Obligations ob(kInduction);
  MP::prove_rows(
      ob, all_rows,
      [](const S& pre, const F& f, const C&, const S& post, const UeRow&) {
        const z3::expr restart = is(f.event, UeEvent::start_registration) && pre.procedure_active.e;
        return z3::implies(restart && !pre.conn_registered.e,
                           !post.cert_accepted.e && !post.sip_allowed.e && !post.have_challenge.e &&
                               !post.conn_registered.e) &&
               z3::implies(restart && pre.conn_registered.e && post.procedure_active.e,
                           (post.conn == pre.conn).e && !post.have_challenge.e);
      },
      "one registration procedure");
  return ob.finish();
}

// ---- refinement of the specification model ----

spec::UeMove<Z3D> ue_move(const S& pre, const F& f, const z3::expr& accepted,
                          const z3::expr& sends_tls, const z3::expr& sends_plain) {
  spec::UeMove<Z3D> m;
  m.stim = ue_stim<Z3D>(f);
  m.accepted = ZBool(accepted);
  m.about_conn = (f.conn == pre.conn) && !(pre.conn == Z3D::u32(0));
  m.sends_sip_tls = ZBool(sends_tls);
  m.sends_sip_plain = ZBool(sends_plain);
  return m;
}

Outcome refines_spec() {
  Obligations ob(kInduction + std::string(" + the whole step ue_step (rejected events too)"));
  const bool rows_ok = MP::prove_rows(
      ob, all_rows,
      [](const S& pre, const F& f, const C&, const S& post, const UeRow& row) {
        const auto mv =
            ue_move(pre, f, tru(), z3ctx().bool_val(core::ue_action_sends_sip_over_tls(row.action)),
                    z3ctx().bool_val(core::ue_action_sends_sip_unprotected(row.action)));
        return spec::ue_allowed<Z3D>(ue_view<Z3D>(pre), mv, ue_view<Z3D>(post)).e;
      },
      "the specification model");
  if (!rows_ok) return ob.finish();
  // The whole step (first matching row; none = unchanged), as the runtime runs it.
  const S pre = UeTraits::fresh_state("pre");
  const F f = UeTraits::fresh_facts("ev");
  const C c = UeTraits::fresh_config("cfg");
  ZBool accepted;
  const S post = core::ue_step<Z3D>(pre, f, c, accepted);
  z3::expr earlier = z3ctx().bool_val(false);
  z3::expr tls = z3ctx().bool_val(false);
  z3::expr plain = z3ctx().bool_val(false);
  for (std::size_t i = 0; i < core::kUeRowCount; ++i) {
    const UeRow& row = core::kUeTable[i];
    const z3::expr m = UeTraits::matches(row, pre, f, c).e;
    const z3::expr first = m && !earlier;
    if (core::ue_action_sends_sip_over_tls(row.action)) tls = tls || first;
    if (core::ue_action_sends_sip_unprotected(row.action)) plain = plain || first;
    earlier = earlier || m;
  }
  const auto mv = ue_move(pre, f, accepted.e, tls, plain);
  ob.require(
      UeTraits::inv(pre).e, spec::ue_allowed<Z3D>(ue_view<Z3D>(pre), mv, ue_view<Z3D>(post)).e,
      [&](const z3::model& m) {
        return "ue_step leaves the specification model\n  config: " + UeTraits::config_text(m, c) +
               "\n  pre-state: " + UeTraits::state_text(m, pre) +
               "\n  event: " + UeTraits::facts_text(m, f) +
               "\n  accepted: " + std::to_string(model_value(m, accepted)) +
               "\n  post-state: " + UeTraits::state_text(m, post, &pre);
      });
  return ob.finish();
}

}  // namespace

void register_ue_properties(Registry& r) {
  //= spec#O.4.1-UE-ONE-REGISTRATION type=proof
  //= spec#O.2.1-UE-AUTH-PC-BY-CERT type=proof
  //= spec#O.1.1-OP-NO-BIDDOWN type=proof
  //= spec#O.1.1-ALL-NOT-ON-3GPP-ACCESS type=proof
  r.add("ue-check-invariants-inductive",
        {"O.4.1-UE-ONE-REGISTRATION", "O.2.1-UE-AUTH-PC-BY-CERT", "O.1.1-OP-NO-BIDDOWN",
         "O.1.1-ALL-NOT-ON-3GPP-ACCESS"},
        invariant_inductive, Basis::induction);
  //= spec#O.2.1-UE-AUTH-PC-BY-CERT type=proof
  r.add("ue-no-sip-before-certificate-accepted", {"O.2.1-UE-AUTH-PC-BY-CERT"},
        no_sip_before_certificate, Basis::induction);
  //= spec#O.1.1-OP-NO-BIDDOWN type=proof
  r.add("ue-no-unprotected-signalling-under-policy", {"O.1.1-OP-NO-BIDDOWN"},
        no_unprotected_under_policy, Basis::induction);
  //= spec#O.1.1-ALL-NOT-ON-3GPP-ACCESS type=proof
  r.add("ue-annex-o-never-on-3gpp-access", {"O.1.1-ALL-NOT-ON-3GPP-ACCESS"}, never_on_3gpp,
        Basis::induction);
  //= spec#O.4.1-UE-ONE-REGISTRATION type=proof
  r.add("ue-one-registration-procedure", {"O.4.1-UE-ONE-REGISTRATION"}, one_registration,
        Basis::induction);
  //= spec#O.2.1-UE-AUTH-PC-BY-CERT type=proof
  //= spec#O.1.1-OP-NO-BIDDOWN type=proof
  //= spec#O.1.1-ALL-NOT-ON-3GPP-ACCESS type=proof
  //= spec#O.4.1-UE-ONE-REGISTRATION type=proof
  //= spec#O.3.1.1-UE-CLOSE-ON-AUTH-FAIL type=proof
  r.add("ue-refines-spec-model",
        {"O.2.1-UE-AUTH-PC-BY-CERT", "O.1.1-OP-NO-BIDDOWN", "O.1.1-ALL-NOT-ON-3GPP-ACCESS",
         "O.4.1-UE-ONE-REGISTRATION", "O.3.1.1-UE-CLOSE-ON-AUTH-FAIL"},
        refines_spec, Basis::induction);
}

}  // namespace annexo::proofs
