// Display names of the core's enums, for counterexamples only (no proof
// reads them). Sizes are pinned to the core's counts so a new enum value
// breaks the build here instead of printing a wrong name.
#include "proofs/names.h"

#include "core/pcscf_machine.h"
#include "core/ue_types.h"

namespace annexo::proofs {
namespace {

const char* const kUeStateNames[] = {
    "idle",       "secagree_sent", "tls_connecting", "register_sent", "credentials_sent",
    "registered", "reregistering", "renegotiating",  "handed_off",    "aborted"};
const char* const kUeEventNames[] = {"start_registration",
                                     "stop",
                                     "cert_verdict",
                                     "certificate_request",
                                     "handshake_done",
                                     "handshake_failed",
                                     "response_401",
                                     "response_2xx",
                                     "response_auth_failure",
                                     "response_other_failure",
                                     "connection_lost",
                                     "hello_request",
                                     "reneg_done",
                                     "pong_received",
                                     "send_request",
                                     "step_timeout",
                                     "rereg_due",
                                     "keepalive_due",
                                     "pong_timeout"};
const char* const kUeGuardNames[] = {"always",
                                     "conn_match",
                                     "select_tls_first",
                                     "select_tls_secagree",
                                     "select_ipsec",
                                     "select_unprotected",
                                     "select_none",
                                     "restart_keep_conn",
                                     "restart_new_tls_first",
                                     "restart_new_secagree",
                                     "conn_cert_ok",
                                     "conn_cert_bad",
                                     "conn_certreq_continue",
                                     "conn_certreq_abort",
                                     "conn_accepted_no_challenge",
                                     "conn_accepted_have_challenge",
                                     "unprot_secserver_tls",
                                     "unprot_secserver_no_tls",
                                     "conn_stale",
                                     "conn_not_stale",
                                     "conn_rspauth_ok",
                                     "conn_rspauth_bad",
                                     "conn_registered_conn",
                                     "conn_own_conn",
                                     "registered_conn",
                                     "own_tls_first",
                                     "own_secagree",
                                     "conn_tls_first",
                                     "conn_secagree",
                                     "tls_first",
                                     "secagree",
                                     "conn_tls12",
                                     "conn_sip_allowed",
                                     "conn_pong_armed",
                                     "conn_cert_accepted",
                                     "unprot_match"};
const char* const kUeActionNames[] = {"open_tls",
                                      "send_secagree",
                                      "handoff_ipsec",
                                      "handoff_unprotected",
                                      "abort_no_mechanism",
                                      "restart_keep_conn",
                                      "restart_open_tls",
                                      "restart_secagree",
                                      "secagree_open_tls",
                                      "abort_secagree_no_tls",
                                      "abort_unprotected_2xx",
                                      "cert_accept",
                                      "cert_reject",
                                      "certreq_empty",
                                      "certreq_abort",
                                      "send_register_initial",
                                      "send_credentials_verify",
                                      "abort_tls_failed",
                                      "send_credentials",
                                      "registered",
                                      "abort_rspauth",
                                      "auth_fail_close",
                                      "proc_fail_keep",
                                      "proc_fail_purge",
                                      "send_reregister",
                                      "send_keepalive",
                                      "pong",
                                      "renegotiate",
                                      "reneg_done",
                                      "send_request",
                                      "stop"};
const char* const kPcStateNames[] = {"handshaking", "unbound",       "reg_pending",
                                     "bound",       "renegotiating", "closed"};
const char* const kPcEventNames[] = {
    "handshake_ok", "handshake_failed",  "client_hello", "reneg_done",          "reneg_refused",
    "sip_request",  "register_response", "deregistered", "terminating_request", "crlf_ping",
    "timer",        "connection_lost"};
const char* const kPcGuardNames[] = {
    "always",          "deadline_reached",  "register_bad_verify",  "register_creds_no_room",
    "is_register",     "is_emergency",      "client_reneg_allowed", "abort_policy",
    "bind_ok",         "bind_store_failed", "success_here",         "auth_failure_here",
    "response_here",   "tuple_mismatch",    "session_expired_now",  "register_same_impi",
    "add_here",        "dereg_last_here",   "dereg_here",           "removes_all",
    "reg_expired_now", "deadline_and_abort"};
const char* const kPcActNames[] = {"none",
                                   "handshake_ok",
                                   "handshake_failed",
                                   "lost",
                                   "lost_bound",
                                   "idle_close",
                                   "reject_494",
                                   "reject_503_full",
                                   "forward_register_pending",
                                   "forward_emergency_unbound",
                                   "reject_403_unbound",
                                   "allow_reneg",
                                   "refuse_reneg",
                                   "new_session_unbound",
                                   "pong",
                                   "reject_430",
                                   "bind",
                                   "refuse_full_close",
                                   "forward_no_bind",
                                   "auth_fail_close",
                                   "auth_fail_close_bound",
                                   "forward_response_unbound",
                                   "reject_not_here",
                                   "reject_403_tuple",
                                   "reject_403_expired",
                                   "forward_register_protected",
                                   "forward_register_other_impi",
                                   "forward_asserted",
                                   "add_impus",
                                   "dereg_last",
                                   "dereg_some",
                                   "forward_response",
                                   "forward_to_ue",
                                   "new_session_bound",
                                   "reg_expired",
                                   "hello_request",
                                   "accept_reneg_hello",
                                   "abort_no_reneg",
                                   "reneg_refused_keep",
                                   "reject_403_reneg",
                                   "reject_403_reg_expired",
                                   "net_dereg_some",
                                   "net_dereg_last"};
const char* const kPcMethodNames[] = {"register_", "emergency", "other"};
const char* const kPcResponseNames[] = {"success", "challenge", "auth_failure", "other"};
const char* const kMechanismNames[] = {"none", "annex_o_tls", "ipsec", "unprotected"};

static_assert(sizeof(kUeStateNames) / sizeof(char*) == core::kUeStateCount, "UeStateId names");
static_assert(sizeof(kUeEventNames) / sizeof(char*) == core::kUeEventCount, "UeEvent names");
static_assert(sizeof(kUeGuardNames) / sizeof(char*) == core::kUeGuardCount, "UeGuard names");
static_assert(sizeof(kUeActionNames) / sizeof(char*) == core::kUeActionCount, "UeAction names");
static_assert(sizeof(kMechanismNames) / sizeof(char*) == core::kMechanismCount, "Mechanism names");
static_assert(sizeof(kPcStateNames) / sizeof(char*) == core::pcscf::kStateCount, "State names");
static_assert(sizeof(kPcEventNames) / sizeof(char*) == core::pcscf::kEventCount, "Event names");
static_assert(sizeof(kPcActNames) / sizeof(char*) == core::pcscf::kActCount, "Act names");

template <std::size_t N>
const char* pick(const char* const (&names)[N], std::uint64_t v) {
  return v < N ? names[v] : "(out of range)";
}

}  // namespace

const char* ue_state_name(std::uint64_t v) {
  return pick(kUeStateNames, v);
}
const char* ue_event_name(std::uint64_t v) {
  return pick(kUeEventNames, v);
}
const char* ue_guard_name(std::uint64_t v) {
  return pick(kUeGuardNames, v);
}
const char* ue_action_name(std::uint64_t v) {
  return pick(kUeActionNames, v);
}
const char* mechanism_name(std::uint64_t v) {
  return pick(kMechanismNames, v);
}
const char* pc_state_name(std::uint64_t v) {
  return pick(kPcStateNames, v);
}
const char* pc_event_name(std::uint64_t v) {
  return pick(kPcEventNames, v);
}
const char* pc_guard_name(std::uint64_t v) {
  return pick(kPcGuardNames, v);
}
const char* pc_act_name(std::uint64_t v) {
  return pick(kPcActNames, v);
}
const char* pc_method_name(std::uint64_t v) {
  return pick(kPcMethodNames, v);
}
const char* pc_response_name(std::uint64_t v) {
  return pick(kPcResponseNames, v);
}

}  // namespace annexo::proofs
