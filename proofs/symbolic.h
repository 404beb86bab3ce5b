// Field visitors for the core's machine structs over the Z3 domain: make a
// struct fully symbolic, read it back from a model, compare two of them.
//
// A field forgotten here would silently stay a constant (0/false) and weaken
// every proof, so each visitor is pinned by a static_assert on the number of
// leaf values: in the Z3 instantiation every leaf is exactly one z3::expr, so
// sizeof(S<Z3D>) / sizeof(z3::expr) counts them. A field added to the core
// breaks the build here until it is listed.
#pragma once

#include <string>
#include <vector>

#include "core/pcscf_machine.h"
#include "core/ue_types.h"
#include "proofs/prover.h"
#include "proofs/z3_domain.h"

namespace annexo::proofs {

static_assert(sizeof(ZBool) == sizeof(z3::expr), "a ZBool is one z3::expr");
static_assert(sizeof(ZBv<32>) == sizeof(z3::expr), "a ZBv is one z3::expr");

template <class S>
constexpr std::size_t leaf_count() {
  return sizeof(S) / sizeof(z3::expr);
}

// ---- visiting: v(name, field_of_a, field_of_b, ...) for every leaf ----

template <class V, class L>
void visit_leaf(V& v, const char* name, L& a) {
  v(std::string(name), a);
}
template <class V, class L, std::size_t N>
void visit_leaf(V& v, const char* name, L (&a)[N]) {
  for (std::size_t i = 0; i < N; ++i) v(std::string(name) + "[" + std::to_string(i) + "]", a[i]);
}

#define ANNEXO_F(x) visit_leaf(v, #x, s.x)

template <class V, class S>
void visit_ue_state(V& v, S& s) {
  static_assert(leaf_count<core::UeState<Z3D>>() == 22, "UeState changed: list every field");
  ANNEXO_F(state);
  ANNEXO_F(mechanism);
  ANNEXO_F(require_security);
  ANNEXO_F(access_3gpp);
  ANNEXO_F(secagree);
  ANNEXO_F(have_challenge);
  ANNEXO_F(procedure_active);
  ANNEXO_F(cert_accepted);
  ANNEXO_F(sip_allowed);
  ANNEXO_F(conn_registered);
  ANNEXO_F(tls13);
  ANNEXO_F(step_armed);
  ANNEXO_F(rereg_armed);
  ANNEXO_F(keepalive_armed);
  ANNEXO_F(pong_armed);
  ANNEXO_F(conn);
  ANNEXO_F(next_conn);
  ANNEXO_F(step_deadline);
  ANNEXO_F(rereg_deadline);
  ANNEXO_F(keepalive_deadline);
  ANNEXO_F(pong_deadline);
  ANNEXO_F(violations);
}

template <class V, class S>
void visit_ue_facts(V& v, S& s) {
  static_assert(leaf_count<core::UeFacts<Z3D>>() == 13, "UeFacts changed: list every field");
  ANNEXO_F(event);
  ANNEXO_F(now);
  ANNEXO_F(conn);
  ANNEXO_F(cert_ok);
  ANNEXO_F(stale);
  ANNEXO_F(secserver_tls);
  ANNEXO_F(rspauth_ok);
  ANNEXO_F(tls13);
  ANNEXO_F(access_3gpp);
  ANNEXO_F(tls_available);
  ANNEXO_F(ipsec_available);
  ANNEXO_F(rereg_delay);
  ANNEXO_F(keepalive_delay);
}

template <class V, class S>
void visit_ue_config(V& v, S& s) {
  static_assert(leaf_count<core::UeConfig<Z3D>>() == 6, "UeConfig changed: list every field");
  ANNEXO_F(require_signalling_security);
  ANNEXO_F(abort_on_certificate_request);
  ANNEXO_F(use_sec_agree);
  ANNEXO_F(timer_f_s);
  ANNEXO_F(handshake_timeout_s);
  ANNEXO_F(pong_timeout_s);
}

template <class V, class S>
void visit_pc_state(V& v, S& s) {
  static_assert(leaf_count<core::pcscf::ConnState<Z3D>>() == 17 + core::kMaxImpus,
                "ConnState changed: list every field");
  ANNEXO_F(state);
  ANNEXO_F(session);
  ANNEXO_F(ip_hi);
  ANNEXO_F(ip_lo);
  ANNEXO_F(port);
  ANNEXO_F(has_binding);
  ANNEXO_F(b_session);
  ANNEXO_F(b_ip_hi);
  ANNEXO_F(b_ip_lo);
  ANNEXO_F(b_port);
  ANNEXO_F(impi);
  ANNEXO_F(impu);
  ANNEXO_F(default_impu);
  ANNEXO_F(pending_digest);
  ANNEXO_F(pending_same_impi);
  ANNEXO_F(session_expiry);
  ANNEXO_F(reg_expiry);
  ANNEXO_F(deadline);
}

template <class V, class S>
void visit_pc_event(V& v, S& s) {
  static_assert(leaf_count<core::pcscf::Event<Z3D>>() == 17 + core::kMaxImpus,
                "Event changed: list every field");
  ANNEXO_F(kind);
  ANNEXO_F(now);
  ANNEXO_F(session);
  ANNEXO_F(ip_hi);
  ANNEXO_F(ip_lo);
  ANNEXO_F(port);
  ANNEXO_F(method);
  ANNEXO_F(credentials);
  ANNEXO_F(impi_same);
  ANNEXO_F(preferred_impu);
  ANNEXO_F(sec_verify);
  ANNEXO_F(table_room);
  ANNEXO_F(response);
  ANNEXO_F(txn_here);
  ANNEXO_F(expires_s);
  ANNEXO_F(impu);
  ANNEXO_F(impi);
  ANNEXO_F(store_ok);
}

template <class V, class S>
void visit_pc_policy(V& v, S& s) {
  static_assert(leaf_count<core::pcscf::Policy<Z3D>>() == 5, "Policy changed: list every field");
  ANNEXO_F(allow_client_reneg);
  ANNEXO_F(abort_on_no_reneg);
  ANNEXO_F(lifetime_s);
  ANNEXO_F(reneg_wait_s);
  ANNEXO_F(unbound_idle_s);
}

#undef ANNEXO_F

// ---- uses of the visitors ----

// Every leaf of `s` becomes a fresh symbol named prefix.field.
template <class S, class Visit>
S make_fresh(const std::string& prefix, Visit visit) {
  S s{};
  auto v = [&](const std::string& name, auto& leaf) {
    using L = std::remove_reference_t<decltype(leaf)>;
    leaf = fresh(static_cast<L*>(nullptr), prefix + "." + name);
  };
  visit(v, s);
  return s;
}

// Conjunction of leaf-wise equality.
template <class S, class Visit>
z3::expr all_equal(const S& a, const S& b, Visit visit) {
  std::vector<z3::expr> as, bs;
  auto va = [&](const std::string&, const auto& leaf) { as.push_back(leaf.e); };
  auto vb = [&](const std::string&, const auto& leaf) { bs.push_back(leaf.e); };
  visit(va, a);
  visit(vb, b);
  z3::expr r = z3ctx().bool_val(true);
  for (std::size_t i = 0; i < as.size(); ++i) r = r && (as[i] == bs[i]);
  return r;
}

// "name=value" for every leaf (bools as 0/1, numbers in decimal; hex when large).
template <class S, class Visit>
std::vector<std::pair<std::string, std::uint64_t>> read_back(const z3::model& m, const S& s,
                                                             Visit visit) {
  std::vector<std::pair<std::string, std::uint64_t>> out;
  auto v = [&](const std::string& name, const auto& leaf) {
    out.emplace_back(name, model_value(m, leaf));
  };
  visit(v, s);
  return out;
}

}  // namespace annexo::proofs
