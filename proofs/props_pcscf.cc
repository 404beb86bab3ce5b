// Properties of the P-CSCF connection machine (core/pcscf_machine.h), proved
// over the core's own table kRows and templates instantiated with Z3 terms.
#include <optional>

#include "core/pcscf_machine.h"
#include "proofs/machine_prover.h"
#include "proofs/pcscf_traits.h"
#include "proofs/props.h"
#include "proofs/refinement.h"
#include "proofs/spec_model.h"

namespace annexo::proofs {
namespace {

using core::pcscf::Act;
using core::pcscf::EventKind;
using core::pcscf::Response;
using core::pcscf::Row;
using core::pcscf::State;
using MP = MachineProver<PcTraits>;
using S = PcTraits::State;
using F = PcTraits::Facts;
using C = PcTraits::Config;

z3::expr tru() {
  return z3ctx().bool_val(true);
}
template <class E, unsigned W>
z3::expr is(const ZBv<W>& v, E e) {
  return (v == Z3D::enum8(e)).e;
}
bool all_rows(const Row&) {
  return true;
}
const char* kInduction = "induction over every row of kRows (unbounded)";

z3::expr bound_like(const S& s) {
  return is(s.state, State::bound) || is(s.state, State::renegotiating);
}
z3::expr no_impu(const S& s) {
  z3::expr r = tru();
  for (const auto& b : s.impu) r = r && !b.e;
  return r;
}
core::pcscf::Effects<Z3D> fx(const Row& row, const S& pre, const F& e) {
  return core::pcscf::effects<Z3D>(row.act, pre, e);
}

// The per-row view (PcTraits::matches/apply) restates step<D>'s loop body;
// these obligations show they agree: step<D> is exactly "first matching row
// applied, else unchanged" (one query per row, one solver).
bool rows_agree_with_step(Obligations& ob) {
  const S s = PcTraits::fresh_state("pre");
  const F e = PcTraits::fresh_facts("ev");
  const C c = PcTraits::fresh_config("cfg");
  const auto r = core::pcscf::step<Z3D>(c.p, s, e);
  constexpr auto kState = [](auto& v, auto& x) { visit_pc_state(v, x); };
  z3::solver solver(z3ctx());
  z3::expr earlier = z3ctx().bool_val(false);
  const auto query = [&](const z3::expr& hyp, const z3::expr& claim, const std::string& what) {
    solver.push();
    solver.add(hyp);
    solver.add(!claim);
    const z3::check_result res = solver.check();
    std::optional<z3::model> m;
    if (res == z3::sat) m = solver.get_model();
    const std::string why = res == z3::unknown ? solver.reason_unknown() : "";
    solver.pop();
    return ob.record(res, why, [&] {
      return "step<D> disagrees with the per-row view (" + what +
             ")\n  pre-state: " + PcTraits::state_text(*m, s) +
             "\n  event: " + PcTraits::facts_text(*m, e);
    });
  };
  for (std::size_t i = 0; i < core::pcscf::kRowCount; ++i) {
    const Row& row = core::pcscf::kRows[i];
    const z3::expr m = PcTraits::matches(row, s, e, c).e;
    const S n = PcTraits::apply(row, s, e, c);
    if (!query(m && !earlier,
               all_equal(r.next, n, kState) && r.accepted.e &&
                   (r.row == Z3D::u8(static_cast<std::uint8_t>(i))).e,
               "row " + std::to_string(i) + " " + PcTraits::row_text(row))) {
      return false;
    }
    earlier = earlier || m;
  }
  return query(!earlier, all_equal(r.next, s, kState) && !r.accepted.e, "no row matches");
}

Outcome invariant_inductive() {
  Obligations ob(std::string(kInduction) + " + initial state + step<D> = first matching row");
  rows_agree_with_step(ob) && MP::prove_initial(ob) &&
      MP::prove_rows(
          ob, all_rows,
          [](const S&, const F&, const C&, const S& post, const Row&) {
            return PcTraits::inv(post).e;
          },
          "check_invariants");
  return ob.finish();
}

Outcome never_client_cert() {
  Obligations ob("every value of the state byte (symbolic, 256 values)");
  const ZBv<8> st = fresh(static_cast<ZBv<8>*>(nullptr), "state");
  ob.require(tru(), !core::pcscf::request_client_certificate<Z3D>(st).e, [&](const z3::model& m) {
    return std::string("request_client_certificate(") + pc_state_name(model_value(m, st)) +
           ") = true";
  });
  return ob.finish();
}

// An identity is asserted only for a request whose session, IP and port all
// match the binding, only an IMPU of the bound set, only while session and
// registration live (wrap-safe); other requests than REGISTER and emergency
// are never forwarded without it (handshake gate).
Outcome asserted_identity() {
  Obligations ob(kInduction);
  MP::prove_rows(
      ob, all_rows,
      [](const S& pre, const F& e, const C&, const S&, const Row& row) {
        const auto x = fx(row, pre, e);
        const z3::expr tuple = (e.session == pre.b_session).e && (e.ip_hi == pre.b_ip_hi).e &&
                               (e.ip_lo == pre.b_ip_lo).e && (e.port == pre.b_port).e;
        const z3::expr alive =
            !Z3D::reached(e.now, pre.session_expiry).e && !Z3D::reached(e.now, pre.reg_expiry).e;
        const z3::expr other_method = !is(e.method, core::pcscf::Method::register_) &&
                                      !is(e.method, core::pcscf::Method::emergency);
        return z3::implies(x.assert_identity.e,
                           pre.has_binding.e && tuple &&
                               core::pcscf::in_impu_set<Z3D>(pre, x.asserted).e && alive &&
                               is(e.kind, EventKind::sip_request)) &&
               z3::implies(x.forward_request.e && other_method, x.assert_identity.e);
      },
      "asserted identity from the binding");
  return ob.finish();
}

Outcome binding_only_after_2xx_here() {
  Obligations ob(kInduction);
  MP::prove_rows(
      ob, all_rows,
      [](const S& pre, const F& e, const C&, const S& post, const Row&) {
        z3::expr same_impus = tru();
        for (std::size_t i = 0; i < core::kMaxImpus; ++i) {
          same_impus = same_impus && (post.impu[i] == e.impu[i]).e;
        }
        return z3::implies(
            !pre.has_binding.e && post.has_binding.e,
            is(e.kind, EventKind::register_response) && is(e.response, Response::success) &&
                e.txn_here.e && pre.pending_digest.e && is(pre.state, State::reg_pending) &&
                (post.b_session == pre.session).e && (post.b_ip_hi == pre.ip_hi).e &&
                (post.b_ip_lo == pre.ip_lo).e && (post.b_port == pre.port).e && same_impus);
      },
      "binding only after a 2xx to a Digest REGISTER on this connection");
  return ob.finish();
}

Outcome old_session_authorises_nothing() {
  Obligations ob(kInduction);
  MP::prove_rows(
      ob, all_rows,
      [](const S& pre, const F& e, const C&, const S& post, const Row& row) {
        const auto x = fx(row, pre, e);
        const z3::expr keep = pre.has_binding.e && post.has_binding.e;
        const z3::expr reneg = is(e.kind, EventKind::reneg_done);
        return z3::implies(keep, (post.b_ip_hi == pre.b_ip_hi).e &&
                                     (post.b_ip_lo == pre.b_ip_lo).e &&
                                     (post.b_port == pre.b_port).e &&
                                     ((post.b_session == pre.b_session).e ||
                                      (reneg && (post.b_session == e.session).e))) &&
               z3::implies(keep && reneg, (post.b_session == e.session).e) &&
               z3::implies(post.has_binding.e, (post.b_session == post.session).e) &&
               z3::implies(x.assert_identity.e, (e.session == pre.b_session).e &&
                                                    !Z3D::reached(e.now, pre.session_expiry).e);
      },
      "old or expired session authorises nothing");
  return ob.finish();
}

Outcome no_binding_after_auth_failure() {
  Obligations ob(kInduction + std::string(" + the whole step step<D> (a missing row is caught)"));
  const bool rows_ok = MP::prove_rows(
      ob, all_rows,
      [](const S& pre, const F& e, const C&, const S& post, const Row& row) {
        const auto x = fx(row, pre, e);
        const z3::expr auth_fail = is(e.kind, EventKind::register_response) &&
                                   is(e.response, Response::auth_failure) && e.txn_here.e;
        const z3::expr gone = is(post.state, State::closed) && !post.has_binding.e && no_impu(post);
        return z3::implies(auth_fail && (is(pre.state, State::reg_pending) || bound_like(pre)),
                           gone && x.close.e) &&
               z3::implies(is(e.kind, EventKind::connection_lost), gone) &&
               z3::implies(is(post.state, State::closed), !post.has_binding.e && no_impu(post));
      },
      "no binding after an authentication failure or a closed connection");
  if (!rows_ok) return ob.finish();
  const S s = PcTraits::fresh_state("pre");
  const F e = PcTraits::fresh_facts("ev");
  const C c = PcTraits::fresh_config("cfg");
  const auto r = core::pcscf::step<Z3D>(c.p, s, e);
  const z3::expr auth_fail = is(e.kind, EventKind::register_response) &&
                             is(e.response, Response::auth_failure) && e.txn_here.e &&
                             (is(s.state, State::reg_pending) || bound_like(s));
  const z3::expr lost = is(e.kind, EventKind::connection_lost);
  const z3::expr gone = is(r.next.state, State::closed) && !r.next.has_binding.e;
  ob.require(PcTraits::inv(s).e,
             z3::implies(auth_fail, gone && r.fx.close.e) && z3::implies(lost, gone),
             [&](const z3::model& m) {
               return "step<D> keeps the connection or its binding\n  pre-state: " +
                      PcTraits::state_text(m, s) + "\n  event: " + PcTraits::facts_text(m, e) +
                      "\n  post-state: " + PcTraits::state_text(m, r.next, &s);
             });
  return ob.finish();
}

// A registration refresh moves the binding's end: a 2xx here with expires > 0
// to the REGISTER that created the binding, or to a re-REGISTER for the bound
// IMPI, leaves reg_expiry = now + expires (wrap-around +, compared with
// D::reached); no other step moves the expiry of a binding that stays. So the
// binding is deleted when the registration ends (O.2.2-PC-ASSOC-DELETE), and
// while it lives it keeps the IMPUs registered (O.2.2-PC-ASSOC-IMPU-SET).
Outcome registration_refresh_moves_expiry() {
  Obligations ob(kInduction);
  MP::prove_rows(
      ob, all_rows,
      [](const S& pre, const F& e, const C&, const S& post, const Row&) {
        const z3::expr granted = is(e.kind, EventKind::register_response) &&
                                 is(e.response, Response::success) && e.txn_here.e &&
                                 !(e.expires_s == Z3D::u32(0)).e;
        const z3::expr created = !pre.has_binding.e && post.has_binding.e;
        const z3::expr refreshed =
            pre.has_binding.e && pre.pending_same_impi.e && post.has_binding.e;
        const z3::expr refresh = granted && (created || refreshed);
        const z3::expr target = (post.reg_expiry == Z3D::add(e.now, e.expires_s)).e;
        return z3::implies(refresh, target) &&
               z3::implies(pre.has_binding.e && post.has_binding.e && !refresh,
                           (post.reg_expiry == pre.reg_expiry).e);
      },
      "a registration refresh moves reg_expiry to now + expires");
  return ob.finish();
}

Outcome flow_only_over_bound_connection() {
  Obligations ob(kInduction);
  MP::prove_rows(
      ob, all_rows,
      [](const S& pre, const F& e, const C&, const S&, const Row& row) {
        const auto x = fx(row, pre, e);
        return z3::implies(x.forward_to_ue.e, pre.has_binding.e && bound_like(pre) &&
                                                  is(e.kind, EventKind::terminating_request));
      },
      "delivery toward the UE only over its bound connection");
  return ob.finish();
}

Outcome refines_spec() {
  Obligations ob(kInduction + std::string(" + the whole step step<D> (rejected events too)"));
  const bool rows_ok = MP::prove_rows(
      ob, all_rows,
      [](const S& pre, const F& e, const C&, const S& post, const Row& row) {
        core::pcscf::StepResult<Z3D> r{post, Z3D::t(), Z3D::u8(0), fx(row, pre, e)};
        return spec::pc_allowed<Z3D>(pc_view<Z3D>(pre), pc_move<Z3D>(pre, e, r), pc_view<Z3D>(post))
            .e;
      },
      "the specification model");
  if (!rows_ok) return ob.finish();
  const S s = PcTraits::fresh_state("pre");
  const F e = PcTraits::fresh_facts("ev");
  const C c = PcTraits::fresh_config("cfg");
  const auto r = core::pcscf::step<Z3D>(c.p, s, e);
  ob.require(PcTraits::inv(s).e,
             spec::pc_allowed<Z3D>(pc_view<Z3D>(s), pc_move<Z3D>(s, e, r), pc_view<Z3D>(r.next)).e,
             [&](const z3::model& m) {
               return "step<D> leaves the specification model\n  pre-state: " +
                      PcTraits::state_text(m, s) + "\n  event: " + PcTraits::facts_text(m, e) +
                      "\n  post-state: " + PcTraits::state_text(m, r.next, &s);
             });
  return ob.finish();
}

}  // namespace

void register_pcscf_properties(Registry& r) {
  //= spec#O.3.1.1-PC-CLOSE-ON-AUTH-FAIL type=proof
  //= spec#O.4.2-PC-REPLACE-SESSION-ID type=proof
  //= spec#O.2.2-PC-ASSOC-DELETE type=proof
  r.add("pcscf-check-invariants-inductive",
        {"O.3.1.1-PC-CLOSE-ON-AUTH-FAIL", "O.4.2-PC-REPLACE-SESSION-ID", "O.2.2-PC-ASSOC-DELETE"},
        invariant_inductive, Basis::induction);
  //= spec#O.2.1-PC-NO-CLIENT-CERT-REQ type=proof
  r.add("pcscf-never-requests-client-certificate", {"O.2.1-PC-NO-CLIENT-CERT-REQ"},
        never_client_cert, Basis::by_construction);
  //= spec#O.2.2-PC-MATCH-FULL-TUPLE type=proof
  //= spec#O.2.2-PC-ASSERT-FROM-ASSOC type=proof
  //= spec#O.4.2-PC-HANDSHAKE-GATE type=proof
  r.add("pcscf-asserted-identity-only-from-binding",
        {"O.2.2-PC-MATCH-FULL-TUPLE", "O.2.2-PC-ASSERT-FROM-ASSOC", "O.4.2-PC-HANDSHAKE-GATE"},
        asserted_identity, Basis::induction);
  //= spec#O.2.2-PC-ASSOC-ONLY-ON-AUTH-CONN type=proof
  //= spec#O.4.2-PC-HANDSHAKE-GATE type=proof
  r.add("pcscf-binding-only-after-2xx-on-this-connection",
        {"O.2.2-PC-ASSOC-ONLY-ON-AUTH-CONN", "O.4.2-PC-HANDSHAKE-GATE"},
        binding_only_after_2xx_here, Basis::induction);
  //= spec#O.4.2-PC-REPLACE-SESSION-ID type=proof
  //= spec#O.2.1-ALL-LIFETIME-LOCAL-POLICY type=proof
  r.add("pcscf-old-session-authorises-nothing",
        {"O.4.2-PC-REPLACE-SESSION-ID", "O.2.1-ALL-LIFETIME-LOCAL-POLICY"},
        old_session_authorises_nothing, Basis::induction);
  //= spec#O.3.1.1-PC-CLOSE-ON-AUTH-FAIL type=proof
  //= spec#O.2.2-PC-ASSOC-DELETE type=proof
  r.add("pcscf-no-binding-after-auth-failure-or-close",
        {"O.3.1.1-PC-CLOSE-ON-AUTH-FAIL", "O.2.2-PC-ASSOC-DELETE"}, no_binding_after_auth_failure,
        Basis::induction);
  //= spec#O.2.2-PC-ASSOC-DELETE type=proof
  //= spec#O.2.2-PC-ASSOC-IMPU-SET type=proof
  r.add("pcscf-registration-refresh-moves-expiry",
        {"O.2.2-PC-ASSOC-DELETE", "O.2.2-PC-ASSOC-IMPU-SET"}, registration_refresh_moves_expiry,
        Basis::induction);
  //= spec#5626-5.3-PC-FORWARD-OVER-FLOW type=proof
  r.add("pcscf-flow-delivers-only-over-its-bound-connection", {"5626-5.3-PC-FORWARD-OVER-FLOW"},
        flow_only_over_bound_connection, Basis::induction);
  //= spec#O.2.1-PC-NO-CLIENT-CERT-REQ type=proof
  //= spec#O.2.2-PC-MATCH-FULL-TUPLE type=proof
  //= spec#O.2.2-PC-ASSERT-FROM-ASSOC type=proof
  //= spec#O.2.2-PC-ASSOC-ONLY-ON-AUTH-CONN type=proof
  //= spec#O.4.2-PC-REPLACE-SESSION-ID type=proof
  //= spec#O.3.1.1-PC-CLOSE-ON-AUTH-FAIL type=proof
  //= spec#5626-5.3-PC-FORWARD-OVER-FLOW type=proof
  r.add("pcscf-refines-spec-model",
        {"O.2.1-PC-NO-CLIENT-CERT-REQ", "O.2.2-PC-MATCH-FULL-TUPLE", "O.2.2-PC-ASSERT-FROM-ASSOC",
         "O.2.2-PC-ASSOC-ONLY-ON-AUTH-CONN", "O.4.2-PC-REPLACE-SESSION-ID",
         "O.3.1.1-PC-CLOSE-ON-AUTH-FAIL", "5626-5.3-PC-FORWARD-OVER-FLOW"},
        refines_spec, Basis::induction);
}

}  // namespace annexo::proofs
