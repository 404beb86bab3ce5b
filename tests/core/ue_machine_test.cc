// UE machine: every transition and rejection, by requirement ID.
#include <catch2/catch.hpp>

#include <utility>

#include "core/ue_machine.h"
#include "tests/core/ue_test_util.h"
#include "tests/support/req.h"
#include "tests/support/rfc_alerts.h"

using namespace annexo::core;
using namespace annexo::core::uetest;

namespace {

// RFC 5246 / RFC 8446 alert numbers, not the core's own table (tests/support/rfc_alerts.h).
using namespace annexo::rfc_alert;

}  // namespace

// clang-format off
//= spec#O.2-UE-VARIANT-TLS-FIRST type=test
//= spec#O.2.1-UE-AUTH-PC-BY-CERT type=test
TEST_CASE("O.2-UE-VARIANT-TLS-FIRST: TLS first, certificate accepted, REGISTER, challenge, credentials, "
    // clang-format on
    "2xx") {
  UeMachine m;
  auto r = m.handle(start(), 10);
  REQUIRE(r.accepted);
  REQ_REQUIRE("O.2-UE-VARIANT-TLS-FIRST", m.state_id() == UeStateId::tls_connecting);
  REQ_REQUIRE("O.2-UE-VARIANT-TLS-FIRST", has(r, UeOutputKind::new_registration));
  const UeOutput* o = find(r, UeOutputKind::open_tls);
  REQUIRE(o != nullptr);
  const std::uint32_t c = o->conn;
  REQUIRE(c != 0);
  REQ_REQUIRE("O.2.1-UE-AUTH-PC-BY-CERT", !(sends_sip(r)));
  r = m.handle(cert(c), 11);
  REQUIRE(r.accepted);
  REQUIRE(r.outputs.count == 0);
  r = m.handle(ev(UeEvent::handshake_done, c), 11);
  REQUIRE(m.state_id() == UeStateId::register_sent);
  REQ_REQUIRE("O.2-UE-VARIANT-TLS-FIRST", find(r, UeOutputKind::send_register_initial)->conn == c);
  r = m.handle(r401(c), 12);
  REQUIRE(m.state_id() == UeStateId::credentials_sent);
  const UeOutput* cr = find(r, UeOutputKind::send_register_credentials);
  REQUIRE(cr != nullptr);
  REQ_REQUIRE("O.2-UE-VARIANT-TLS-FIRST", cr->conn == c);
  REQ_REQUIRE("O.2-UE-VARIANT-TLS-FIRST", !(cr->security_verify));
  r = m.handle(r2xx(c), 13);
  REQ_REQUIRE("O.2-UE-VARIANT-TLS-FIRST", m.state_id() == UeStateId::registered);
  REQ_REQUIRE("O.2-UE-VARIANT-TLS-FIRST", has(r, UeOutputKind::report_registered));
  REQUIRE(m.state().conn_registered);
  REQUIRE_FALSE(m.state().procedure_active);
}

// clang-format off
//= spec#O.2.1-UE-AUTH-PC-BY-CERT type=test
TEST_CASE("O.2.1-UE-AUTH-PC-BY-CERT: handshake done without an accepted certificate sends no SIP") {
  // clang-format on
  UeMachine m;
  (void)m.handle(start(), 0);
  const auto c = m.state().conn;
  auto r = m.handle(ev(UeEvent::handshake_done, c), 1);
  REQ_REQUIRE("O.2.1-UE-AUTH-PC-BY-CERT", !(r.accepted));
  REQ_REQUIRE("O.2.1-UE-AUTH-PC-BY-CERT", r.verdict == Error::ue_sip_before_cert);
  REQ_REQUIRE("O.2.1-UE-AUTH-PC-BY-CERT", r.outputs.count == 0);
  REQ_REQUIRE("O.2.1-UE-AUTH-PC-BY-CERT", m.state_id() == UeStateId::tls_connecting);
  REQ_REQUIRE("O.2.1-UE-AUTH-PC-BY-CERT", !(m.state().sip_allowed));
  // A request from the application is refused as well.
  r = m.handle(ev(UeEvent::send_request, c), 1);
  REQ_REQUIRE("O.2.1-UE-AUTH-PC-BY-CERT", !(r.accepted));
  REQ_REQUIRE("O.2.1-UE-AUTH-PC-BY-CERT", r.verdict == Error::ue_request_not_allowed);
}

// clang-format off
//= spec#O.3.1.2-UE-ALERT-ON-CERT-FAIL type=test
TEST_CASE("O.3.1.2-UE-ALERT-ON-CERT-FAIL: certificate failure sends the verdict's alert, closes and "
    // clang-format on
    "aborts") {
  UeMachine m;
  (void)m.handle(start(), 0);
  const auto c = m.state().conn;
  // Any non-ok verdict; its alert (handshake_failure, 40) is what goes on the wire.
  const Error verdict = Error::ue_certificate_request_abort;  // alert handshake_failure
  auto r = m.handle(cert(c, verdict), 1);
  REQUIRE(r.accepted);
  REQUIRE(r.verdict == Error::ue_cert_rejected);
  REQUIRE(m.state_id() == UeStateId::aborted);
  const UeOutput* a = find(r, UeOutputKind::send_alert);
  REQ_REQUIRE("O.3.1.2-UE-ALERT-ON-CERT-FAIL", a != nullptr);
  REQ_REQUIRE("O.3.1.2-UE-ALERT-ON-CERT-FAIL", static_cast<int>(a->alert) == kHandshakeFailure);
  REQ_REQUIRE("O.3.1.2-UE-ALERT-ON-CERT-FAIL", a->conn == c);
  REQ_REQUIRE("O.3.1.2-UE-ALERT-ON-CERT-FAIL",
              r.outputs.items[0].kind == UeOutputKind::send_alert);  // alert before close
  REQUIRE(find(r, UeOutputKind::close_and_discard)->conn == c);
  REQUIRE(find(r, UeOutputKind::abort)->error == verdict);
  REQ_REQUIRE("O.3.1.2-UE-ALERT-ON-CERT-FAIL", !(sends_sip(r)));
  // A verdict without an alert of its own: certificate_unknown.
  UeMachine m2;
  (void)m2.handle(start(), 0);
  r = m2.handle(cert(m2.state().conn, Error::ue_registration_failed), 1);
  REQ_REQUIRE("O.3.1.2-UE-ALERT-ON-CERT-FAIL",
              static_cast<int>(find(r, UeOutputKind::send_alert)->alert) == kCertificateUnknown);
  // Certificate policy verdicts: the alert on the wire states the reason.
  const std::pair<Error, int> by_cause[] = {
      {Error::cert_path_expired, kCertificateExpired},
      {Error::cert_path_not_yet_valid, kCertificateExpired},
      {Error::cert_path_revoked, kCertificateRevoked},
      {Error::cert_path_unknown_ca, kUnknownCa},
      {Error::cert_sent_root_unknown, kUnknownCa},
      {Error::cert_name_mismatch, kBadCertificate},
      {Error::cert_path_name_chaining, kBadCertificate},
      {Error::cert_weak_signature_hash, kUnsupportedCertificate},
      {Error::cert_rsa_key_too_small, kUnsupportedCertificate},
      {Error::cert_path_not_checked, kCertificateUnknown},
  };
  for (const auto& [cause, alert] : by_cause) {
    CAPTURE(static_cast<int>(cause));
    UeMachine u;
    (void)u.handle(start(), 0);
    const auto uc = u.state().conn;
    const UeResult v = u.handle(cert(uc, cause), 1);
    const UeOutput* sent = find(v, UeOutputKind::send_alert);
    REQ_REQUIRE("O.3.1.2-UE-ALERT-ON-CERT-FAIL", sent != nullptr);
    REQ("O.3.1.2-UE-ALERT-ON-CERT-FAIL", static_cast<int>(sent->alert) == alert);
    REQ("O.3.1.2-UE-ALERT-ON-CERT-FAIL", sent->conn == uc);
    REQ("O.3.1.2-UE-ALERT-ON-CERT-FAIL", !sends_sip(v));
  }
  // Terminal: nothing more, not even the handshake completion.
  r = m.handle(ev(UeEvent::handshake_done, c), 2);
  REQUIRE_FALSE(r.accepted);
  REQUIRE(r.verdict == Error::ue_terminal_state);
}

// clang-format off
//= spec#RFC5246-EMPTY-CLIENT-CERT type=test
//= spec#O.2.1-PC-NO-CLIENT-CERT-REQ type=test
TEST_CASE("RFC5246-EMPTY-CLIENT-CERT: CertificateRequest answered with an empty Certificate and recorded "
    // clang-format on
    "(RD-02)") {
  UeMachine m;
  (void)m.handle(start(), 0);
  const auto c = m.state().conn;
  auto r = m.handle(ev(UeEvent::certificate_request, c), 1);
  REQUIRE(r.accepted);
  REQUIRE(m.state_id() == UeStateId::tls_connecting);
  REQ_REQUIRE("RFC5246-EMPTY-CLIENT-CERT",
              find(r, UeOutputKind::answer_empty_certificate)->conn == c);
  REQ_REQUIRE("O.2.1-PC-NO-CLIENT-CERT-REQ", find(r, UeOutputKind::report_pcscf_violation)->error ==
                                                 Error::ue_pcscf_requested_certificate);
  REQUIRE(m.state().violations == 1);
  REQUIRE_FALSE(m.state().cert_accepted);
}

// clang-format off
//= spec#O.2.1-PC-NO-CLIENT-CERT-REQ type=test
TEST_CASE("O.2.1-PC-NO-CLIENT-CERT-REQ: abort_on_certificate_request aborts with alert and close") {
  // clang-format on
  UeMachine m(cfg_with(false, true, false));
  (void)m.handle(start(), 0);
  const auto c = m.state().conn;
  auto r = m.handle(ev(UeEvent::certificate_request, c), 1);
  REQUIRE(r.accepted);
  REQ_REQUIRE("O.2.1-PC-NO-CLIENT-CERT-REQ", r.verdict == Error::ue_certificate_request_abort);
  REQUIRE(m.state_id() == UeStateId::aborted);
  REQ_REQUIRE("O.2.1-PC-NO-CLIENT-CERT-REQ", has(r, UeOutputKind::report_pcscf_violation));
  REQ_REQUIRE("O.2.1-PC-NO-CLIENT-CERT-REQ",
              static_cast<int>(find(r, UeOutputKind::send_alert)->alert) == kHandshakeFailure);
  REQUIRE(find(r, UeOutputKind::close_and_discard)->conn == c);
  REQUIRE_FALSE(has(r, UeOutputKind::answer_empty_certificate));
}

// clang-format off
//= spec#O.2-UE-VARIANT-SECAGREE type=test
//= spec#RFC3329-UE-PICK-MECH type=test
//= spec#O.2-ALL-SM7-OVER-TLS type=test
TEST_CASE("O.2-UE-VARIANT-SECAGREE: unprotected REGISTER, 401 with Security-Server tls, TLS, credentials "
    // clang-format on
    "with Security-Verify") {
  UeMachine m(cfg_with(true, false, true));
  auto r = m.handle(start(), 0);
  REQ_REQUIRE("O.2-UE-VARIANT-SECAGREE", m.state_id() == UeStateId::secagree_sent);
  REQ_REQUIRE("O.2-UE-VARIANT-SECAGREE", has(r, UeOutputKind::send_register_secagree));
  REQ_REQUIRE("O.2-UE-VARIANT-SECAGREE", !(has(r, UeOutputKind::open_tls)));
  r = m.handle(r401(0, false, true), 1);
  REQ_REQUIRE("RFC3329-UE-PICK-MECH", m.state_id() == UeStateId::tls_connecting);
  const std::uint32_t c = find(r, UeOutputKind::open_tls)->conn;
  REQUIRE(m.state().have_challenge);
  REQ_REQUIRE("RFC3329-UE-PICK-MECH", !(sends_sip(r)));
  r = m.handle(cert(c), 2);
  r = m.handle(ev(UeEvent::handshake_done, c), 2);
  REQUIRE(m.state_id() == UeStateId::credentials_sent);
  const UeOutput* cr = find(r, UeOutputKind::send_register_credentials);
  REQUIRE(cr != nullptr);
  REQ_REQUIRE("O.2-ALL-SM7-OVER-TLS", cr->conn == c);
  REQ_REQUIRE("O.2-UE-VARIANT-SECAGREE", cr->security_verify);
  r = m.handle(r2xx(c), 3);
  REQUIRE(m.state_id() == UeStateId::registered);
}

// clang-format off
//= spec#O.3.2-SECSETUP-ERRORS type=test
TEST_CASE("O.3.2-SECSETUP-ERRORS: 401 without tls in Security-Server abandons the registration") {
  // clang-format on
  UeMachine m(cfg_with(false, false, true));
  (void)m.handle(start(), 0);
  auto r = m.handle(r401(0, false, false), 1);
  REQUIRE(r.accepted);
  REQ_REQUIRE("O.3.2-SECSETUP-ERRORS", r.verdict == Error::ue_secagree_no_tls);
  REQ_REQUIRE("O.3.2-SECSETUP-ERRORS", m.state_id() == UeStateId::aborted);
  REQ_REQUIRE("O.3.2-SECSETUP-ERRORS", !(has(r, UeOutputKind::open_tls)));
  REQ_REQUIRE("O.3.2-SECSETUP-ERRORS", !(sends_sip(r)));
}

// clang-format off
//= spec#O.1.1-OP-NO-BIDDOWN type=test
TEST_CASE("O.1.1-OP-NO-BIDDOWN: no unprotected registration — 2xx to sec-agree REGISTER and TLS failure "
    // clang-format on
    "abort") {
  UeMachine m(cfg_with(true, false, true));
  (void)m.handle(start(), 0);
  auto r = m.handle(r2xx(0), 1);
  REQUIRE(r.accepted);
  REQ_REQUIRE("O.1.1-OP-NO-BIDDOWN", r.verdict == Error::ue_unprotected_2xx);
  REQ_REQUIRE("O.1.1-OP-NO-BIDDOWN", m.state_id() == UeStateId::aborted);
  REQ_REQUIRE("O.1.1-OP-NO-BIDDOWN", !(sends_sip(r)));

  UeMachine t(cfg_with(true, false, false));
  (void)t.handle(start(), 0);
  const auto c = t.state().conn;
  r = t.handle(ev(UeEvent::handshake_failed, c), 1);
  REQ_REQUIRE("O.1.1-OP-NO-BIDDOWN", r.verdict == Error::ue_tls_setup_failed);
  REQ_REQUIRE("O.1.1-OP-NO-BIDDOWN", t.state_id() == UeStateId::aborted);
  REQ_REQUIRE("O.1.1-OP-NO-BIDDOWN", has(r, UeOutputKind::close_and_discard));
  REQ_REQUIRE("O.1.1-OP-NO-BIDDOWN", !(has(r, UeOutputKind::use_unprotected)));
  REQ_REQUIRE("O.1.1-OP-NO-BIDDOWN", !(sends_sip(r)));

  // TLS set-up that never finishes: abort, not fallback.
  UeMachine s(cfg_with(true, false, false));
  (void)s.handle(start(), 0);
  r = s.tick(kUeDefaultConfig.handshake_timeout_s);
  REQ_REQUIRE("O.1.1-OP-NO-BIDDOWN", r.verdict == Error::ue_tls_setup_failed);
  REQUIRE(s.state_id() == UeStateId::aborted);

  // Policy set, no TLS, no IPsec: abort at start.
  UeMachine n(cfg_with(true, false, false));
  r = n.handle(start(AccessFacts{false, false, false}), 0);
  REQ_REQUIRE("O.1.1-OP-NO-BIDDOWN", r.verdict == Error::ue_no_protected_mechanism);
  REQUIRE(n.state_id() == UeStateId::aborted);
  REQUIRE(find(r, UeOutputKind::abort)->error == Error::ue_no_protected_mechanism);
}

// clang-format off
//= spec#O.1.1-ALL-NOT-ON-3GPP-ACCESS type=test
//= spec#N.1-UE-NO-DIGEST-ON-3GPP type=test
TEST_CASE("O.1.1-ALL-NOT-ON-3GPP-ACCESS: the machine never starts Annex O or Digest on 3GPP access") {
  // clang-format on
  for (int bits = 0; bits < 8; ++bits) {
    UeMachine m(cfg_with((bits & 4) != 0, false, (bits & 1) != 0));
    auto r = m.handle(start(AccessFacts{true, true, (bits & 2) != 0}), 0);
    REQUIRE(r.accepted);
    REQ_REQUIRE("O.1.1-ALL-NOT-ON-3GPP-ACCESS", !(has(r, UeOutputKind::open_tls)));
    REQ_REQUIRE("O.1.1-ALL-NOT-ON-3GPP-ACCESS", !(has(r, UeOutputKind::send_register_secagree)));
    REQ_REQUIRE("N.1-UE-NO-DIGEST-ON-3GPP", !(has(r, UeOutputKind::use_unprotected)));
    if ((bits & 2) != 0) {
      REQUIRE(has(r, UeOutputKind::use_ipsec));
      REQUIRE(m.state_id() == UeStateId::handed_off);
    } else {
      REQUIRE(r.verdict == Error::ue_no_mechanism_3gpp);
      REQUIRE(m.state_id() == UeStateId::aborted);
    }
  }
}

// clang-format off
//= spec#UE-IMPL-ACCESS-PREFERENCE type=test
TEST_CASE("UE-IMPL-ACCESS-PREFERENCE: handoff to IPsec or unprotected Digest ends the Annex O machine") {
  // clang-format on
  UeMachine m;
  auto r = m.handle(start(AccessFacts{false, false, true}), 0);
  REQ_REQUIRE("UE-IMPL-ACCESS-PREFERENCE", has(r, UeOutputKind::use_ipsec));
  REQUIRE(m.state_id() == UeStateId::handed_off);
  UeMachine u;
  r = u.handle(start(AccessFacts{false, false, false}), 0);
  REQ_REQUIRE("UE-IMPL-ACCESS-PREFERENCE", has(r, UeOutputKind::use_unprotected));
  REQUIRE(u.state_id() == UeStateId::handed_off);
  r = u.handle(start(), 1);
  REQUIRE(r.verdict == Error::ue_terminal_state);
}

// clang-format off
//= spec#O.4.1-UE-ONE-REGISTRATION type=test
//= spec#O.4.1-UE-PURGE-INCOMPLETE type=test
TEST_CASE("O.4.1-UE-ONE-REGISTRATION: a new start purges the unfinished procedure and its own TLS "
    // clang-format on
    "connection") {
  UeMachine m;
  (void)m.handle(start(), 0);
  const auto c1 = m.state().conn;
  (void)m.handle(cert(c1), 1);
  (void)m.handle(ev(UeEvent::handshake_done, c1), 1);
  (void)m.handle(r401(c1), 2);
  REQUIRE(m.state_id() == UeStateId::credentials_sent);
  auto r = m.handle(start(), 3);
  REQUIRE(r.accepted);
  REQUIRE(r.verdict == Error::ue_restarted);
  REQ_REQUIRE("O.4.1-UE-PURGE-INCOMPLETE", find(r, UeOutputKind::close_and_discard)->conn == c1);
  const auto c2 = find(r, UeOutputKind::open_tls)->conn;
  REQUIRE(c2 != c1);
  REQ_REQUIRE("O.4.1-UE-ONE-REGISTRATION", m.state().conn == c2);
  REQUIRE(m.state_id() == UeStateId::tls_connecting);
  REQ_REQUIRE("O.4.1-UE-PURGE-INCOMPLETE", !(m.state().cert_accepted));
  REQ_REQUIRE("O.4.1-UE-PURGE-INCOMPLETE", !(m.state().sip_allowed));
  // Everything about the purged connection is ignored now.
  r = m.handle(r2xx(c1), 4);
  REQ_REQUIRE("O.4.1-UE-ONE-REGISTRATION", !(r.accepted));
  REQ_REQUIRE("O.4.1-UE-PURGE-INCOMPLETE", r.verdict == Error::ue_stale_connection);
  r = m.handle(cert(c1), 4);
  REQ_REQUIRE("O.4.1-UE-PURGE-INCOMPLETE", r.verdict == Error::ue_stale_connection);
  REQ_REQUIRE("O.4.1-UE-PURGE-INCOMPLETE", !(m.state().cert_accepted));
}

// clang-format off
//= spec#O.4.1-UE-PURGE-INCOMPLETE type=test
TEST_CASE("O.4.1-UE-PURGE-INCOMPLETE: restart keeps the connection of an earlier successful registration "
    // clang-format on
    "(RD-24)") {
  UeMachine m;
  const auto c = register_tls_first(m);
  auto r = m.handle(start(), 200);
  REQUIRE(r.accepted);
  REQUIRE(m.state_id() == UeStateId::register_sent);
  REQ_REQUIRE("O.4.1-UE-PURGE-INCOMPLETE", !(has(r, UeOutputKind::close_and_discard)));
  REQUIRE(find(r, UeOutputKind::send_register_initial)->conn == c);
  // Restart again while that procedure is unfinished: still the same connection.
  r = m.handle(start(), 201);
  REQUIRE(r.verdict == Error::ue_restarted);
  REQ_REQUIRE("O.4.1-UE-PURGE-INCOMPLETE", !(has(r, UeOutputKind::close_and_discard)));
  REQUIRE(m.state().conn == c);
  // The new procedure fails with a non-auth final answer: the earlier registration stays.
  r = m.handle(ev(UeEvent::response_other_failure, c), 202);
  REQUIRE(r.verdict == Error::ue_registration_failed);
  REQ_REQUIRE("O.4.1-UE-PURGE-INCOMPLETE", m.state_id() == UeStateId::registered);
  REQUIRE_FALSE(has(r, UeOutputKind::close_and_discard));
  // A failing procedure on its own connection is purged.
  UeMachine p;
  (void)p.handle(start(), 0);
  const auto pc = p.state().conn;
  (void)p.handle(cert(pc), 0);
  (void)p.handle(ev(UeEvent::handshake_done, pc), 0);
  r = p.handle(ev(UeEvent::response_other_failure, pc), 1);
  REQUIRE(p.state_id() == UeStateId::idle);
  REQ_REQUIRE("O.4.1-UE-PURGE-INCOMPLETE", find(r, UeOutputKind::close_and_discard)->conn == pc);
  REQ_REQUIRE("O.4.1-UE-PURGE-INCOMPLETE", p.state().conn == 0);
}

// clang-format off
//= spec#O.4.1-UE-ONE-REGISTRATION type=test
TEST_CASE("O.4.1-UE-ONE-REGISTRATION: restart that no longer selects Annex O is refused, state "
    // clang-format on
    "unchanged") {
  UeMachine m;
  (void)m.handle(start(), 0);
  const auto before = m.state();
  auto r = m.handle(start(AccessFacts{true, true, true}), 1);
  REQ_REQUIRE("O.4.1-UE-ONE-REGISTRATION", !(r.accepted));
  REQ_REQUIRE("O.4.1-UE-ONE-REGISTRATION", r.verdict == Error::ue_restart_mechanism_changed);
  REQ_REQUIRE("O.4.1-UE-ONE-REGISTRATION", m.state().conn == before.conn);
  REQUIRE(m.state_id() == UeStateId::tls_connecting);
}

// clang-format off
//= spec#O.3.1.3-UE-STALE-RETRY-SAME-SESSION type=test
TEST_CASE("O.3.1.3-UE-STALE-RETRY-SAME-SESSION: stale=true is retried with new credentials on the same "
    // clang-format on
    "connection") {
  UeMachine m;
  (void)m.handle(start(), 0);
  const auto c = m.state().conn;
  (void)m.handle(cert(c), 0);
  (void)m.handle(ev(UeEvent::handshake_done, c), 0);
  (void)m.handle(r401(c), 1);
  auto r = m.handle(r401(c, true), 20);
  REQUIRE(r.accepted);
  REQUIRE(m.state_id() == UeStateId::credentials_sent);
  REQ_REQUIRE("O.3.1.3-UE-STALE-RETRY-SAME-SESSION",
              find(r, UeOutputKind::send_register_credentials)->conn == c);
  REQ_REQUIRE("O.3.1.3-UE-STALE-RETRY-SAME-SESSION", !(has(r, UeOutputKind::close_and_discard)));
  REQ_REQUIRE("O.3.1.3-UE-STALE-RETRY-SAME-SESSION", !(has(r, UeOutputKind::open_tls)));
  // Timer F restarts for the retried transaction.
  REQUIRE(m.state().step_deadline == 20 + kUeDefaultConfig.timer_f_s);
}

// clang-format off
//= spec#O.3.1.1-UE-CLOSE-ON-AUTH-FAIL type=test
TEST_CASE("O.3.1.1-UE-CLOSE-ON-AUTH-FAIL: 4xx auth failure or a second non-stale 401 closes and discards "
    // clang-format on
    "the session") {
  for (int variant = 0; variant < 2; ++variant) {
    UeMachine m;
    (void)m.handle(start(), 0);
    const auto c = m.state().conn;
    (void)m.handle(cert(c), 0);
    (void)m.handle(ev(UeEvent::handshake_done, c), 0);
    (void)m.handle(r401(c), 1);
    auto r = variant == 0 ? m.handle(ev(UeEvent::response_auth_failure, c), 2)
                          : m.handle(r401(c, false), 2);
    REQUIRE(r.accepted);
    REQUIRE(r.verdict == Error::ue_auth_failed);
    REQ_REQUIRE("O.3.1.1-UE-CLOSE-ON-AUTH-FAIL",
                find(r, UeOutputKind::close_and_discard)->conn == c);
    REQUIRE(m.state_id() == UeStateId::idle);
    REQ_REQUIRE("O.3.1.1-UE-CLOSE-ON-AUTH-FAIL", m.state().conn == 0);
    REQ_REQUIRE("O.3.1.1-UE-CLOSE-ON-AUTH-FAIL", !(m.state().cert_accepted));
  }
  // RD-11 (A11): also on a re-registration over a registered connection.
  UeMachine m;
  const auto c = register_tls_first(m);
  (void)m.tick(100 + ue_rereg_delay_s(3600));
  REQUIRE(m.state_id() == UeStateId::reregistering);
  auto r = m.handle(ev(UeEvent::response_auth_failure, c), 100 + ue_rereg_delay_s(3600) + 1);
  REQ_REQUIRE("O.3.1.1-UE-CLOSE-ON-AUTH-FAIL", find(r, UeOutputKind::close_and_discard)->conn == c);
  REQUIRE(m.state_id() == UeStateId::idle);
}

// clang-format off
//= spec#N.2-UE-VERIFY-RSPAUTH type=test
TEST_CASE("N.2-UE-VERIFY-RSPAUTH: 2xx after credentials without a valid rspauth aborts and closes") {
  // clang-format on
  UeMachine m;
  (void)m.handle(start(), 0);
  const auto c = m.state().conn;
  (void)m.handle(cert(c), 0);
  (void)m.handle(ev(UeEvent::handshake_done, c), 0);
  (void)m.handle(r401(c), 1);
  auto r = m.handle(r2xx(c, 3600, false), 2);
  REQ_REQUIRE("N.2-UE-VERIFY-RSPAUTH", r.verdict == Error::ue_rspauth_failed);
  REQ_REQUIRE("N.2-UE-VERIFY-RSPAUTH", m.state_id() == UeStateId::aborted);
  REQ_REQUIRE("N.2-UE-VERIFY-RSPAUTH", has(r, UeOutputKind::close_and_discard));
  REQ_REQUIRE("N.2-UE-VERIFY-RSPAUTH", !(has(r, UeOutputKind::report_registered)));
}

// clang-format off
//= spec#O.3.1.4-UE-NEW-REG-ON-TIMEOUT type=test
TEST_CASE("O.3.1.4-UE-NEW-REG-ON-TIMEOUT: no final answer within Timer F starts a new registration") {
  // clang-format on
  UeMachine m;
  (void)m.handle(start(), 0);
  const auto c = m.state().conn;
  (void)m.handle(cert(c), 0);
  (void)m.handle(ev(UeEvent::handshake_done, c), 0);
  (void)m.handle(r401(c), 5);
  REQUIRE(m.next_deadline().armed);
  REQUIRE(m.next_deadline().at == 5 + 32);
  auto r = m.tick(36);
  REQ_REQUIRE("O.3.1.4-UE-NEW-REG-ON-TIMEOUT", !(r.accepted));
  REQ_REQUIRE("O.3.1.4-UE-NEW-REG-ON-TIMEOUT", m.state_id() == UeStateId::credentials_sent);
  r = m.tick(37);
  REQUIRE(r.accepted);
  REQ_REQUIRE("O.3.1.4-UE-NEW-REG-ON-TIMEOUT", r.verdict == Error::ue_transaction_timeout);
  REQ_REQUIRE("O.3.1.4-UE-NEW-REG-ON-TIMEOUT", find(r, UeOutputKind::close_and_discard)->conn == c);
  REQ_REQUIRE("O.3.1.4-UE-NEW-REG-ON-TIMEOUT", has(r, UeOutputKind::new_registration));
  REQ_REQUIRE("O.3.1.4-UE-NEW-REG-ON-TIMEOUT", find(r, UeOutputKind::open_tls)->conn != c);
  REQ_REQUIRE("O.3.1.4-UE-NEW-REG-ON-TIMEOUT", m.state_id() == UeStateId::tls_connecting);
  // Re-registration timing out: new registration over the registered connection (RD-24).
  UeMachine k;
  const auto kc = register_tls_first(k);
  const Seconds due = 100 + ue_rereg_delay_s(3600);
  (void)k.tick(due);
  r = k.tick(due + 32);
  REQ_REQUIRE("O.3.1.4-UE-NEW-REG-ON-TIMEOUT", r.verdict == Error::ue_transaction_timeout);
  REQUIRE_FALSE(has(r, UeOutputKind::close_and_discard));
  REQ_REQUIRE("O.3.1.4-UE-NEW-REG-ON-TIMEOUT",
              find(r, UeOutputKind::send_register_initial)->conn == kc);
  REQUIRE(k.state_id() == UeStateId::register_sent);
}

// clang-format off
//= spec#24229-5.1.1.4.1-REREG-TIMING type=test
TEST_CASE("24229-5.1.1.4.1-REREG-TIMING: 600 s before expiry above 1200 s, else half time") {
  // clang-format on
  REQ("24229-5.1.1.4.1-REREG-TIMING", ue_rereg_delay_s(3600) == 3000);
  REQ("24229-5.1.1.4.1-REREG-TIMING", ue_rereg_delay_s(600000) == 599400);
  REQ("24229-5.1.1.4.1-REREG-TIMING", ue_rereg_delay_s(1201) == 601);
  REQ("24229-5.1.1.4.1-REREG-TIMING", ue_rereg_delay_s(1200) == 600);
  REQ("24229-5.1.1.4.1-REREG-TIMING", ue_rereg_delay_s(1000) == 500);  // below 1200: half
  REQ("24229-5.1.1.4.1-REREG-TIMING", ue_rereg_delay_s(600) == 300);
  REQ("24229-5.1.1.4.1-REREG-TIMING", ue_rereg_delay_s(1) == 0);
  UeMachine m;
  (void)register_tls_first(m, 100);
  REQ_REQUIRE("24229-5.1.1.4.1-REREG-TIMING", m.state().rereg_deadline == 3100);
  // Registration interval 0 or beyond the clock is refused.
  UeMachine z;
  (void)z.handle(start(), 0);
  const auto c = z.state().conn;
  (void)z.handle(cert(c), 0);
  (void)z.handle(ev(UeEvent::handshake_done, c), 0);
  auto r = z.handle(r2xx(c, 0), 1);
  REQUIRE_FALSE(r.accepted);
  REQUIRE(r.verdict == Error::ue_expires_out_of_range);
  r = z.handle(r2xx(c, 0x80000000u), 1);
  REQUIRE(r.verdict == Error::ue_expires_out_of_range);
  REQUIRE(z.state_id() == UeStateId::register_sent);
}

// clang-format off
//= spec#O.4.3-UE-REREG-OVER-ACTIVE-SESSION type=test
//= spec#24229-5.1.1.4.1-REREG-TIMING type=test
TEST_CASE("O.4.3-UE-REREG-OVER-ACTIVE-SESSION: re-REGISTER goes over the existing connection at the due "
    // clang-format on
    "time, across clock wrap") {
  UeMachine m;
  const Seconds t0 = 0xFFFFFF00u;  // registration 256 s before the clock wraps
  const auto c = register_tls_first(m, t0);
  const Seconds due = t0 + 3000u;  // wraps
  REQUIRE(due < t0);
  auto r = m.tick(due - 1);
  REQ_REQUIRE("24229-5.1.1.4.1-REREG-TIMING", !(has(r, UeOutputKind::send_reregister)));
  // Keep-alives come first (100 s); answer them.
  Seconds now = t0;
  while (true) {
    const auto d = m.next_deadline();
    REQUIRE(d.armed);
    now = d.at;
    r = m.tick(now);
    REQUIRE(r.accepted);
    if (has(r, UeOutputKind::send_reregister)) break;
    REQUIRE(has(r, UeOutputKind::send_keepalive));
    r = m.handle(with_keepalive(ev(UeEvent::pong_received, c), 100), now + 1);
    REQUIRE(r.accepted);
  }
  REQ_REQUIRE("24229-5.1.1.4.1-REREG-TIMING", now == due);
  REQ_REQUIRE("O.4.3-UE-REREG-OVER-ACTIVE-SESSION",
              find(r, UeOutputKind::send_reregister)->conn == c);
  REQUIRE(m.state_id() == UeStateId::reregistering);
  REQ_REQUIRE("O.4.3-UE-REREG-OVER-ACTIVE-SESSION", !(has(r, UeOutputKind::open_tls)));
  r = m.handle(r2xx(c, 3600), due + 1);
  REQUIRE(m.state_id() == UeStateId::registered);
  // The next re-registration is scheduled from the new 2xx.
  (void)m.tick(due + 1 + 3000);
  REQ_REQUIRE("24229-5.1.1.4.1-REREG-TIMING", m.state_id() == UeStateId::reregistering);
}

// clang-format off
//= spec#O.4.1-UE-RENEG-ON-HELLOREQUEST type=test
//= spec#O.4.1-UE-RENEG-INSIDE-CONN type=test
TEST_CASE("O.4.1-UE-RENEG-ON-HELLOREQUEST: HelloRequest renegotiates inside the connection; SIP waits "
    // clang-format on
    "for the new certificate") {
  UeMachine m;
  const auto c = register_tls_first(m);
  auto r = m.handle(ev(UeEvent::hello_request, c), 200);
  REQ_REQUIRE("O.4.1-UE-RENEG-ON-HELLOREQUEST", r.accepted);
  REQ_REQUIRE("O.4.1-UE-RENEG-ON-HELLOREQUEST", m.state_id() == UeStateId::renegotiating);
  REQ_REQUIRE("O.4.1-UE-RENEG-INSIDE-CONN", find(r, UeOutputKind::renegotiate)->conn == c);
  REQ_REQUIRE("O.4.1-UE-RENEG-INSIDE-CONN", !(has(r, UeOutputKind::open_tls)));
  r = m.handle(ev(UeEvent::send_request, c), 200);
  REQUIRE_FALSE(r.accepted);
  r = m.handle(with_keepalive(ev(UeEvent::reneg_done, c), 100), 201);
  REQUIRE_FALSE(r.accepted);
  REQUIRE(r.verdict == Error::ue_reneg_before_cert);
  r = m.handle(cert(c), 201);
  REQUIRE(r.accepted);
  r = m.handle(with_keepalive(ev(UeEvent::reneg_done, c), 100), 201);
  REQUIRE(r.accepted);
  REQUIRE(m.state_id() == UeStateId::registered);
  REQ_REQUIRE("O.4.1-UE-RENEG-INSIDE-CONN", m.state().conn == c);
  r = m.handle(ev(UeEvent::send_request, c), 202);
  REQUIRE(find(r, UeOutputKind::send_request)->conn == c);
  // A certificate failure during renegotiation aborts like at set-up.
  (void)m.handle(ev(UeEvent::hello_request, c), 300);
  r = m.handle(cert(c, Error::ue_registration_failed), 301);
  REQUIRE(r.verdict == Error::ue_cert_rejected);
  REQUIRE(m.state_id() == UeStateId::aborted);
}

// clang-format off
//= spec#O.4.1-UE-REREG-ON-CONN-LOSS type=test
TEST_CASE("O.4.1-UE-REREG-ON-CONN-LOSS: failed renegotiation is a lost connection: new registration") {
  // clang-format on
  UeMachine m;
  const auto c = register_tls_first(m);
  (void)m.handle(ev(UeEvent::hello_request, c), 200);
  auto r = m.handle(ev(UeEvent::handshake_failed, c), 201);
  REQUIRE(r.verdict == Error::ue_reneg_failed);
  REQ_REQUIRE("O.4.1-UE-REREG-ON-CONN-LOSS", find(r, UeOutputKind::close_and_discard)->conn == c);
  REQ_REQUIRE("O.4.1-UE-REREG-ON-CONN-LOSS", m.state_id() == UeStateId::tls_connecting);
  // Renegotiation that never completes: same after the handshake bound.
  UeMachine t;
  const auto tc = register_tls_first(t);
  (void)t.handle(ev(UeEvent::hello_request, tc), 200);
  r = t.tick(200 + kUeDefaultConfig.handshake_timeout_s);
  REQUIRE(r.verdict == Error::ue_reneg_failed);
  REQ_REQUIRE("O.4.1-UE-REREG-ON-CONN-LOSS", t.state_id() == UeStateId::tls_connecting);
}

// clang-format off
//= spec#RFC8446-NO-RENEG type=test
TEST_CASE("RFC8446-NO-RENEG: HelloRequest on a TLS 1.3 connection is refused (RD-04)") {
  // clang-format on
  UeMachine m;
  (void)m.handle(start(), 0);
  const auto c = m.state().conn;
  (void)m.handle(cert(c), 0);
  UeInput done = ev(UeEvent::handshake_done, c);
  done.tls13 = true;
  (void)m.handle(done, 0);
  (void)m.handle(r401(c), 1);
  (void)m.handle(r2xx(c), 2);
  REQUIRE(m.state_id() == UeStateId::registered);
  auto r = m.handle(ev(UeEvent::hello_request, c), 3);
  REQ_REQUIRE("RFC8446-NO-RENEG", !(r.accepted));
  REQ_REQUIRE("RFC8446-NO-RENEG", r.verdict == Error::ue_hello_request_tls13);
  REQ_REQUIRE("RFC8446-NO-RENEG", static_cast<int>(error_alert(r.verdict)) == kUnexpectedMessage);
  REQUIRE(m.state_id() == UeStateId::registered);
}

// clang-format off
//= spec#RFC5246-HELLOREQ-IGNORABLE type=test
TEST_CASE("RFC5246-HELLOREQ-IGNORABLE: HelloRequest during a registration procedure is declined with "
    // clang-format on
    "no_renegotiation") {
  UeMachine m;
  (void)m.handle(start(), 0);
  const auto c = m.state().conn;
  (void)m.handle(cert(c), 0);
  (void)m.handle(ev(UeEvent::handshake_done, c), 0);
  auto r = m.handle(ev(UeEvent::hello_request, c), 1);
  REQ_REQUIRE("RFC5246-HELLOREQ-IGNORABLE", !(r.accepted));
  REQ_REQUIRE("RFC5246-HELLOREQ-IGNORABLE", r.verdict == Error::ue_hello_request_declined);
  REQ_REQUIRE("RFC5246-HELLOREQ-IGNORABLE",
              static_cast<int>(error_alert(r.verdict)) == kNoRenegotiation);
  REQUIRE(m.state_id() == UeStateId::register_sent);
}

// clang-format off
//= spec#O.4.1-UE-REREG-ON-CONN-LOSS type=test
TEST_CASE("O.4.1-UE-REREG-ON-CONN-LOSS: connection loss while registered starts a new registration (both "
    // clang-format on
    "variants)") {
  UeMachine m;
  const auto c = register_tls_first(m);
  auto r = m.handle(ev(UeEvent::connection_lost, c), 500);
  REQUIRE(r.accepted);
  REQ_REQUIRE("O.4.1-UE-REREG-ON-CONN-LOSS", r.verdict == Error::ue_connection_lost);
  REQ_REQUIRE("O.4.1-UE-REREG-ON-CONN-LOSS", find(r, UeOutputKind::close_and_discard)->conn == c);
  REQ_REQUIRE("O.4.1-UE-REREG-ON-CONN-LOSS", has(r, UeOutputKind::new_registration));
  REQ_REQUIRE("O.4.1-UE-REREG-ON-CONN-LOSS", find(r, UeOutputKind::open_tls)->conn != c);
  REQ_REQUIRE("O.4.1-UE-REREG-ON-CONN-LOSS", m.state_id() == UeStateId::tls_connecting);
  REQ_REQUIRE("O.4.1-UE-REREG-ON-CONN-LOSS", !(m.state().conn_registered));
  // Loss of some other (old) connection is not ours.
  r = m.handle(ev(UeEvent::connection_lost, c), 501);
  REQUIRE(r.verdict == Error::ue_stale_connection);

  UeMachine s(cfg_with(false, false, true));
  (void)s.handle(start(), 0);
  (void)s.handle(r401(0, false, true), 0);
  const auto sc = s.state().conn;
  (void)s.handle(cert(sc), 0);
  (void)s.handle(ev(UeEvent::handshake_done, sc), 0);
  (void)s.handle(r2xx(sc), 1);
  REQUIRE(s.state_id() == UeStateId::registered);
  r = s.handle(ev(UeEvent::connection_lost, sc), 2);
  REQ_REQUIRE("O.4.1-UE-REREG-ON-CONN-LOSS", s.state_id() == UeStateId::secagree_sent);
  REQ_REQUIRE("O.4.1-UE-REREG-ON-CONN-LOSS", has(r, UeOutputKind::send_register_secagree));
}

// clang-format off
//= spec#5626-4.4.1-UE-PONG-TIMEOUT type=test
TEST_CASE("5626-4.4.1-UE-PONG-TIMEOUT: no pong within 10 s is a flow failure: new registration") {
  // clang-format on
  UeMachine m;
  const auto c = register_tls_first(m, 100);
  auto r = m.tick(199);
  REQUIRE_FALSE(r.accepted);
  r = m.tick(200);
  REQUIRE(find(r, UeOutputKind::send_keepalive)->conn == c);
  REQ_REQUIRE("5626-4.4.1-UE-PONG-TIMEOUT", m.next_deadline().at == 210);
  r = m.tick(209);
  REQ_REQUIRE("5626-4.4.1-UE-PONG-TIMEOUT", !(r.accepted));
  r = m.tick(210);
  REQUIRE(r.accepted);
  REQ_REQUIRE("5626-4.4.1-UE-PONG-TIMEOUT", r.verdict == Error::ue_pong_timeout);
  REQ_REQUIRE("5626-4.4.1-UE-PONG-TIMEOUT", find(r, UeOutputKind::close_and_discard)->conn == c);
  REQ_REQUIRE("5626-4.4.1-UE-PONG-TIMEOUT", m.state_id() == UeStateId::tls_connecting);
  // Configuration: pong timeout 1..10 s.
  auto cfg = kUeDefaultConfig;
  cfg.pong_timeout_s = 11;
  REQ_REQUIRE("5626-4.4.1-UE-PONG-TIMEOUT", check_ue_config(cfg) == Error::ue_config_pong_timeout);
  cfg.pong_timeout_s = 0;
  REQ_REQUIRE("5626-4.4.1-UE-PONG-TIMEOUT", check_ue_config(cfg) == Error::ue_config_pong_timeout);
  UeMachine bad(cfg);
  REQUIRE(bad.handle(start(), 0).verdict == Error::ue_config_pong_timeout);
}

// clang-format off
//= spec#5626-4.4.1-UE-KEEPALIVE type=test
TEST_CASE("5626-4.4.1-UE-KEEPALIVE: ping interval is the caller's draw within 80-100 % of Flow-Timer or "
    // clang-format on
    "95-120 s") {
  REQ("5626-4.4.1-UE-KEEPALIVE", ue_keepalive_bounds(0).min_s == 95);
  REQ("5626-4.4.1-UE-KEEPALIVE", ue_keepalive_bounds(0).max_s == 120);
  REQ("5626-4.4.1-UE-KEEPALIVE", ue_keepalive_bounds(100).min_s == 80);
  REQ("5626-4.4.1-UE-KEEPALIVE", ue_keepalive_bounds(100).max_s == 100);
  REQ("5626-4.4.1-UE-KEEPALIVE", ue_keepalive_bounds(101).min_s == 81);  // ceil(80.8)
  REQ("5626-4.4.1-UE-KEEPALIVE", ue_keepalive_bounds(1).min_s == 1);
  UeMachine m;
  (void)m.handle(start(), 0);
  const auto c = m.state().conn;
  (void)m.handle(cert(c), 0);
  (void)m.handle(ev(UeEvent::handshake_done, c), 0);
  auto r = m.handle(r2xx(c, 3600, true, 94), 1);
  REQUIRE_FALSE(r.accepted);
  REQ_REQUIRE("5626-4.4.1-UE-KEEPALIVE", r.verdict == Error::ue_keepalive_out_of_range);
  UeInput in = r2xx(c, 3600, true, 50);
  in.flow_timer_s = 60;
  r = m.handle(in, 1);
  REQUIRE(r.accepted);
  REQ_REQUIRE("5626-4.4.1-UE-KEEPALIVE", m.state().keepalive_deadline == 51);
  r = m.tick(51);
  REQ_REQUIRE("5626-4.4.1-UE-KEEPALIVE", has(r, UeOutputKind::send_keepalive));
  r = m.handle(with_keepalive(ev(UeEvent::pong_received, c), 61), 52);
  REQ_REQUIRE("5626-4.4.1-UE-KEEPALIVE", r.verdict == Error::ue_keepalive_out_of_range);
  r = m.handle(with_keepalive(ev(UeEvent::pong_received, c), 48), 52);
  REQUIRE(r.accepted);
  REQ_REQUIRE("5626-4.4.1-UE-KEEPALIVE", m.state().keepalive_deadline == 100);
  REQUIRE_FALSE(m.state().pong_armed);
  // A pong nobody asked for.
  r = m.handle(with_keepalive(ev(UeEvent::pong_received, c), 48), 53);
  REQUIRE(r.verdict == Error::ue_unexpected_pong);
}

// clang-format off
//= spec#O.2.2-UE-ALL-SIP-OVER-SESSION type=test
TEST_CASE("O.2.2-UE-ALL-SIP-OVER-SESSION: requests only over the registered session") {
  // clang-format on
  UeMachine m;
  auto r = m.handle(ev(UeEvent::send_request, 0), 0);
  REQ_REQUIRE("O.2.2-UE-ALL-SIP-OVER-SESSION", r.verdict == Error::ue_request_not_allowed);
  const auto c = register_tls_first(m);
  r = m.handle(ev(UeEvent::send_request, c + 1), 200);
  REQ_REQUIRE("O.2.2-UE-ALL-SIP-OVER-SESSION", r.verdict == Error::ue_stale_connection);
  r = m.handle(ev(UeEvent::send_request, c), 200);
  REQ_REQUIRE("O.2.2-UE-ALL-SIP-OVER-SESSION", find(r, UeOutputKind::send_request)->conn == c);
  // Still allowed while the re-registration runs over the same session.
  (void)m.tick(3100);
  REQUIRE(m.state_id() == UeStateId::reregistering);
  r = m.handle(ev(UeEvent::send_request, c), 3101);
  REQ_REQUIRE("O.2.2-UE-ALL-SIP-OVER-SESSION", r.accepted);
}

// clang-format off
//= spec#UE-IMPL-TABLE-DENY type=test
TEST_CASE("UE-IMPL-TABLE-DENY: stop closes everything; timer and unknown events from the caller are "
    // clang-format on
    "refused") {
  UeMachine m;
  const auto c = register_tls_first(m);
  auto r = m.handle(ev(UeEvent::step_timeout, c), 1);
  REQ_REQUIRE("UE-IMPL-TABLE-DENY", r.verdict == Error::ue_timer_event_from_caller);
  UeInput bad;
  bad.event = static_cast<UeEvent>(200);
  REQ_REQUIRE("UE-IMPL-TABLE-DENY", m.handle(bad, 1).verdict == Error::ue_invalid_event);
  REQ_REQUIRE("UE-IMPL-TABLE-DENY", m.state_id() == UeStateId::registered);
  r = m.handle(ev(UeEvent::stop), 2);
  REQUIRE(r.accepted);
  REQUIRE(find(r, UeOutputKind::close_and_discard)->conn == c);
  REQUIRE(m.state_id() == UeStateId::idle);
  REQUIRE_FALSE(m.next_deadline().armed);
  r = m.handle(ev(UeEvent::stop), 3);
  REQ_REQUIRE("UE-IMPL-TABLE-DENY", r.verdict == Error::ue_event_not_allowed);
}

// clang-format off
//= spec#UE-IMPL-CONFIG-TIMERS type=test
TEST_CASE("UE-IMPL-CONFIG-TIMERS: timer settings must fit the wrapping clock") {
  // clang-format on
  REQUIRE(check_ue_config(kUeDefaultConfig) == Error::ok);
  auto cfg = kUeDefaultConfig;
  cfg.timer_f_s = 0;
  REQ_REQUIRE("UE-IMPL-CONFIG-TIMERS", check_ue_config(cfg) == Error::ue_config_timer_out_of_range);
  cfg.timer_f_s = 0x80000000u;
  REQ_REQUIRE("UE-IMPL-CONFIG-TIMERS", check_ue_config(cfg) == Error::ue_config_timer_out_of_range);
  cfg = kUeDefaultConfig;
  cfg.handshake_timeout_s = 0;
  REQ_REQUIRE("UE-IMPL-CONFIG-TIMERS", check_ue_config(cfg) == Error::ue_config_timer_out_of_range);
  cfg.handshake_timeout_s = kUeMaxSpan;
  REQ_REQUIRE("UE-IMPL-CONFIG-TIMERS", check_ue_config(cfg) == Error::ok);
}

// clang-format off
//= spec#O.4.1-UE-ONE-REGISTRATION type=test
TEST_CASE("O.4.1-UE-ONE-REGISTRATION: in secagree_sent a response reported for a connection is stale and "
    // clang-format on
    "changes nothing") {
  // Regression (tests/property/regressions/O.4.1-UE-ONE-REGISTRATION.ue-machine.txt):
  // the secagree_sent rows accepted a response reported for any connection.
  UeMachine m(cfg_with(false, false, true));
  (void)m.handle(start(), 0);
  auto r = m.handle(r401(0, false, true), 1);
  REQUIRE(m.state_id() == UeStateId::tls_connecting);
  const std::uint32_t old = find(r, UeOutputKind::open_tls)->conn;
  // A restart purges the unfinished procedure and its connection; sec-agree again.
  r = m.handle(start(), 2);
  REQUIRE(m.state_id() == UeStateId::secagree_sent);
  REQUIRE(find(r, UeOutputKind::close_and_discard)->conn == old);
  REQUIRE(m.state().conn == 0u);
  const UeState<Concrete> before = m.state();
  // Late answers of the purged connection and answers on a connection the UE
  // never opened: rejected as stale, no output, state unchanged (RD-50).
  for (const std::uint32_t conn : {old, 0x7777u}) {
    CAPTURE(conn);
    const UeInput late[] = {r401(conn, false, true), r401(conn, false, false), r2xx(conn),
                            ev(UeEvent::response_auth_failure, conn),
                            ev(UeEvent::response_other_failure, conn)};
    for (const UeInput& in : late) {
      CAPTURE(static_cast<int>(in.event));
      r = m.handle(in, 3);
      REQ_REQUIRE("O.4.1-UE-ONE-REGISTRATION", !(r.accepted));
      REQ_REQUIRE("O.4.1-UE-ONE-REGISTRATION", r.verdict == Error::ue_stale_connection);
      REQ_REQUIRE("O.4.1-UE-ONE-REGISTRATION", r.outputs.count == 0);
      REQ_REQUIRE("O.4.1-UE-ONE-REGISTRATION", m.state_id() == UeStateId::secagree_sent);
      const UeState<Concrete>& now = m.state();
      REQ_REQUIRE("O.4.1-UE-ONE-REGISTRATION", now.conn == before.conn);
      REQUIRE(now.next_conn == before.next_conn);
      REQ_REQUIRE("O.4.1-UE-ONE-REGISTRATION", now.procedure_active == before.procedure_active);
      REQUIRE(now.have_challenge == before.have_challenge);
      REQUIRE(now.secagree == before.secagree);
      REQUIRE(now.step_armed == before.step_armed);
      REQUIRE(now.step_deadline == before.step_deadline);
    }
  }
  // The answer to the unprotected REGISTER itself still drives the procedure.
  r = m.handle(r401(0, false, true), 4);
  REQUIRE(r.accepted);
  REQUIRE(m.state_id() == UeStateId::tls_connecting);
  const std::uint32_t fresh = find(r, UeOutputKind::open_tls)->conn;
  REQUIRE(fresh != 0u);
  REQUIRE(fresh != old);
  REQUIRE(fresh != 0x7777u);
  // And a 4xx to it (conn 0) still ends the procedure.
  UeMachine f(cfg_with(false, false, true));
  (void)f.handle(start(), 0);
  r = f.handle(ev(UeEvent::response_auth_failure, 0), 1);
  REQUIRE(r.accepted);
  REQUIRE(f.state_id() == UeStateId::idle);
}

//= spec#UE-IMPL-TABLE-DENY type=test
TEST_CASE("UE-IMPL-TABLE-DENY: an event reported for no connection while one is in use is stale") {
  UeMachine m;
  (void)m.handle(start(), 0);
  const auto c = m.state().conn;
  REQUIRE(c != 0);
  REQUIRE(m.handle(cert(c), 0).accepted);
  const UeStateId before = m.state_id();
  const auto r = m.handle(ev(UeEvent::handshake_done, 0), 1);
  REQ("UE-IMPL-TABLE-DENY", !r.accepted);
  REQ("UE-IMPL-TABLE-DENY", r.verdict == Error::ue_stale_connection);
  REQ("UE-IMPL-TABLE-DENY", m.state_id() == before);
  REQ("UE-IMPL-TABLE-DENY", m.state().conn == c);
}
