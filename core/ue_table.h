// The UE transition table: constexpr data, one row per allowed
// (state, event, guard) with its next state and action. Anything not listed is
// rejected and leaves the state unchanged.
//
// Rows are grouped by state (static_assert below) so the runtime scans only
// the rows of the current state. Within a (state, event) group the guards are
// mutually exclusive (tests/core/ue_table_test.cc checks this over every
// combination of the Boolean facts); the first matching row wins.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/ue_types.h"

namespace annexo::core {

struct UeRow {
  UeStateId state;
  UeEvent event;
  UeGuard guard;
  UeStateId next;
  UeAction action;
};

namespace ue_table_detail {
using S = UeStateId;
using E = UeEvent;
using G = UeGuard;
using A = UeAction;
}  // namespace ue_table_detail

// clang-format off
inline constexpr UeRow kUeTable[] = {
#define S ue_table_detail::S
#define E ue_table_detail::E
#define G ue_table_detail::G
#define A ue_table_detail::A
    // ---- idle: only a start; access selection (O.1.1, NOTE 2, N.1) decides the path.
    {S::idle, E::start_registration, G::select_tls_first, S::tls_connecting, A::open_tls},
    {S::idle, E::start_registration, G::select_tls_secagree, S::secagree_sent, A::send_secagree},
    {S::idle, E::start_registration, G::select_ipsec, S::handed_off, A::handoff_ipsec},
    {S::idle, E::start_registration, G::select_unprotected, S::handed_off, A::handoff_unprotected},
    {S::idle, E::start_registration, G::select_none, S::aborted, A::abort_no_mechanism},

    // ---- secagree_sent: unprotected REGISTER with Security-Client: tls is out (no conn yet).
    {S::secagree_sent, E::start_registration, G::restart_new_tls_first, S::tls_connecting, A::restart_open_tls},
    {S::secagree_sent, E::start_registration, G::restart_new_secagree, S::secagree_sent, A::restart_secagree},
    {S::secagree_sent, E::stop, G::always, S::idle, A::stop},
    // Responses count only when reported for the unprotected REGISTER (conn 0):
    // one about any connection is stale (RD-50, O.4.1-UE-ONE-REGISTRATION).
    {S::secagree_sent, E::response_401, G::unprot_secserver_tls, S::tls_connecting, A::secagree_open_tls},
    {S::secagree_sent, E::response_401, G::unprot_secserver_no_tls, S::aborted, A::abort_secagree_no_tls},
    {S::secagree_sent, E::response_2xx, G::unprot_match, S::aborted, A::abort_unprotected_2xx},
    {S::secagree_sent, E::response_auth_failure, G::unprot_match, S::idle, A::proc_fail_purge},
    {S::secagree_sent, E::response_other_failure, G::unprot_match, S::idle, A::proc_fail_purge},
    {S::secagree_sent, E::step_timeout, G::always, S::secagree_sent, A::restart_secagree},

    // ---- tls_connecting: handshake of this procedure; no SIP before the certificate verdict.
    {S::tls_connecting, E::start_registration, G::restart_new_tls_first, S::tls_connecting, A::restart_open_tls},
    {S::tls_connecting, E::start_registration, G::restart_new_secagree, S::secagree_sent, A::restart_secagree},
    {S::tls_connecting, E::stop, G::always, S::idle, A::stop},
    {S::tls_connecting, E::cert_verdict, G::conn_cert_ok, S::tls_connecting, A::cert_accept},
    {S::tls_connecting, E::cert_verdict, G::conn_cert_bad, S::aborted, A::cert_reject},
    {S::tls_connecting, E::certificate_request, G::conn_certreq_continue, S::tls_connecting, A::certreq_empty},
    {S::tls_connecting, E::certificate_request, G::conn_certreq_abort, S::aborted, A::certreq_abort},
    {S::tls_connecting, E::handshake_done, G::conn_accepted_no_challenge, S::register_sent, A::send_register_initial},
    {S::tls_connecting, E::handshake_done, G::conn_accepted_have_challenge, S::credentials_sent, A::send_credentials_verify},
    {S::tls_connecting, E::handshake_failed, G::conn_match, S::aborted, A::abort_tls_failed},
    {S::tls_connecting, E::connection_lost, G::conn_match, S::aborted, A::abort_tls_failed},
    {S::tls_connecting, E::step_timeout, G::always, S::aborted, A::abort_tls_failed},

    // ---- register_sent: REGISTER without credentials over TLS.
    {S::register_sent, E::start_registration, G::restart_keep_conn, S::register_sent, A::restart_keep_conn},
    {S::register_sent, E::start_registration, G::restart_new_tls_first, S::tls_connecting, A::restart_open_tls},
    {S::register_sent, E::start_registration, G::restart_new_secagree, S::secagree_sent, A::restart_secagree},
    {S::register_sent, E::stop, G::always, S::idle, A::stop},
    {S::register_sent, E::response_401, G::conn_match, S::credentials_sent, A::send_credentials},
    {S::register_sent, E::response_2xx, G::conn_match, S::registered, A::registered},
    {S::register_sent, E::response_auth_failure, G::conn_match, S::idle, A::auth_fail_close},
    {S::register_sent, E::response_other_failure, G::conn_registered_conn, S::registered, A::proc_fail_keep},
    {S::register_sent, E::response_other_failure, G::conn_own_conn, S::idle, A::proc_fail_purge},
    {S::register_sent, E::connection_lost, G::conn_tls_first, S::tls_connecting, A::restart_open_tls},
    {S::register_sent, E::connection_lost, G::conn_secagree, S::secagree_sent, A::restart_secagree},
    {S::register_sent, E::step_timeout, G::registered_conn, S::register_sent, A::restart_keep_conn},
    {S::register_sent, E::step_timeout, G::own_tls_first, S::tls_connecting, A::restart_open_tls},
    {S::register_sent, E::step_timeout, G::own_secagree, S::secagree_sent, A::restart_secagree},

    // ---- credentials_sent: Digest response over TLS, awaiting the final answer.
    {S::credentials_sent, E::start_registration, G::restart_keep_conn, S::register_sent, A::restart_keep_conn},
    {S::credentials_sent, E::start_registration, G::restart_new_tls_first, S::tls_connecting, A::restart_open_tls},
    {S::credentials_sent, E::start_registration, G::restart_new_secagree, S::secagree_sent, A::restart_secagree},
    {S::credentials_sent, E::stop, G::always, S::idle, A::stop},
    {S::credentials_sent, E::response_401, G::conn_stale, S::credentials_sent, A::send_credentials},
    {S::credentials_sent, E::response_401, G::conn_not_stale, S::idle, A::auth_fail_close},
    {S::credentials_sent, E::response_2xx, G::conn_rspauth_ok, S::registered, A::registered},
    {S::credentials_sent, E::response_2xx, G::conn_rspauth_bad, S::aborted, A::abort_rspauth},
    {S::credentials_sent, E::response_auth_failure, G::conn_match, S::idle, A::auth_fail_close},
    {S::credentials_sent, E::response_other_failure, G::conn_registered_conn, S::registered, A::proc_fail_keep},
    {S::credentials_sent, E::response_other_failure, G::conn_own_conn, S::idle, A::proc_fail_purge},
    {S::credentials_sent, E::connection_lost, G::conn_tls_first, S::tls_connecting, A::restart_open_tls},
    {S::credentials_sent, E::connection_lost, G::conn_secagree, S::secagree_sent, A::restart_secagree},
    {S::credentials_sent, E::step_timeout, G::registered_conn, S::register_sent, A::restart_keep_conn},
    {S::credentials_sent, E::step_timeout, G::own_tls_first, S::tls_connecting, A::restart_open_tls},
    {S::credentials_sent, E::step_timeout, G::own_secagree, S::secagree_sent, A::restart_secagree},

    // ---- registered: SIP over the session; re-registration, keep-alive, renegotiation.
    {S::registered, E::start_registration, G::restart_keep_conn, S::register_sent, A::restart_keep_conn},
    {S::registered, E::stop, G::always, S::idle, A::stop},
    {S::registered, E::connection_lost, G::conn_tls_first, S::tls_connecting, A::restart_open_tls},
    {S::registered, E::connection_lost, G::conn_secagree, S::secagree_sent, A::restart_secagree},
    {S::registered, E::hello_request, G::conn_tls12, S::renegotiating, A::renegotiate},
    {S::registered, E::pong_received, G::conn_pong_armed, S::registered, A::pong},
    {S::registered, E::send_request, G::conn_sip_allowed, S::registered, A::send_request},
    {S::registered, E::rereg_due, G::always, S::reregistering, A::send_reregister},
    {S::registered, E::keepalive_due, G::always, S::registered, A::send_keepalive},
    {S::registered, E::pong_timeout, G::tls_first, S::tls_connecting, A::restart_open_tls},
    {S::registered, E::pong_timeout, G::secagree, S::secagree_sent, A::restart_secagree},

    // ---- reregistering: re-REGISTER over the existing session (O.4.3).
    {S::reregistering, E::start_registration, G::restart_keep_conn, S::register_sent, A::restart_keep_conn},
    {S::reregistering, E::stop, G::always, S::idle, A::stop},
    {S::reregistering, E::response_401, G::conn_match, S::credentials_sent, A::send_credentials},
    {S::reregistering, E::response_2xx, G::conn_match, S::registered, A::registered},
    {S::reregistering, E::response_auth_failure, G::conn_match, S::idle, A::auth_fail_close},
    {S::reregistering, E::response_other_failure, G::conn_match, S::registered, A::proc_fail_keep},
    {S::reregistering, E::connection_lost, G::conn_tls_first, S::tls_connecting, A::restart_open_tls},
    {S::reregistering, E::connection_lost, G::conn_secagree, S::secagree_sent, A::restart_secagree},
    {S::reregistering, E::send_request, G::conn_sip_allowed, S::reregistering, A::send_request},
    {S::reregistering, E::step_timeout, G::always, S::register_sent, A::restart_keep_conn},

    // ---- renegotiating: inside the same connection; SIP held until the new handshake is done.
    {S::renegotiating, E::stop, G::always, S::idle, A::stop},
    {S::renegotiating, E::cert_verdict, G::conn_cert_ok, S::renegotiating, A::cert_accept},
    {S::renegotiating, E::cert_verdict, G::conn_cert_bad, S::aborted, A::cert_reject},
    {S::renegotiating, E::certificate_request, G::conn_certreq_continue, S::renegotiating, A::certreq_empty},
    {S::renegotiating, E::certificate_request, G::conn_certreq_abort, S::aborted, A::certreq_abort},
    {S::renegotiating, E::handshake_failed, G::conn_tls_first, S::tls_connecting, A::restart_open_tls},
    {S::renegotiating, E::handshake_failed, G::conn_secagree, S::secagree_sent, A::restart_secagree},
    {S::renegotiating, E::reneg_done, G::conn_cert_accepted, S::registered, A::reneg_done},
    {S::renegotiating, E::connection_lost, G::conn_tls_first, S::tls_connecting, A::restart_open_tls},
    {S::renegotiating, E::connection_lost, G::conn_secagree, S::secagree_sent, A::restart_secagree},
    {S::renegotiating, E::step_timeout, G::tls_first, S::tls_connecting, A::restart_open_tls},
    {S::renegotiating, E::step_timeout, G::secagree, S::secagree_sent, A::restart_secagree},
    // ---- handed_off, aborted: terminal, no rows.
#undef S
#undef E
#undef G
#undef A
};
// clang-format on

inline constexpr std::size_t kUeRowCount = sizeof(kUeTable) / sizeof(kUeTable[0]);

constexpr std::uint8_t ue_u8(UeStateId s) {
  return static_cast<std::uint8_t>(s);
}
constexpr std::uint8_t ue_u8(UeEvent e) {
  return static_cast<std::uint8_t>(e);
}
constexpr std::uint8_t ue_u8(UeGuard g) {
  return static_cast<std::uint8_t>(g);
}
constexpr std::uint8_t ue_u8(UeAction a) {
  return static_cast<std::uint8_t>(a);
}

constexpr bool ue_is_terminal(UeStateId s) {
  return s == UeStateId::handed_off || s == UeStateId::aborted;
}

// ---- shape checks -------------------------------------------------------------

constexpr bool ue_table_fields_in_range() {
  for (const UeRow& r : kUeTable) {
    if (ue_u8(r.state) >= kUeStateCount || ue_u8(r.next) >= kUeStateCount) return false;
    if (ue_u8(r.event) >= kUeEventCount || ue_u8(r.guard) >= kUeGuardCount) return false;
    if (ue_u8(r.action) >= kUeActionCount) return false;
  }
  return true;
}

constexpr bool ue_table_grouped_by_state() {
  for (std::size_t i = 1; i < kUeRowCount; ++i) {
    if (ue_u8(kUeTable[i].state) < ue_u8(kUeTable[i - 1].state)) return false;
  }
  return true;
}

constexpr bool ue_table_no_duplicates() {
  for (std::size_t i = 0; i < kUeRowCount; ++i) {
    for (std::size_t j = i + 1; j < kUeRowCount; ++j) {
      if (kUeTable[i].state == kUeTable[j].state && kUeTable[i].event == kUeTable[j].event &&
          kUeTable[i].guard == kUeTable[j].guard) {
        return false;
      }
    }
  }
  return true;
}

constexpr bool ue_table_terminal_accepts_nothing() {
  for (const UeRow& r : kUeTable) {
    if (ue_is_terminal(r.state)) return false;
  }
  return true;
}

// Every state is reachable from idle through the rows (ignoring guards, which
// the tests exercise one by one).
constexpr bool ue_table_all_reachable() {
  bool seen[kUeStateCount] = {};
  seen[ue_u8(UeStateId::idle)] = true;
  for (std::size_t round = 0; round < kUeStateCount; ++round) {
    for (const UeRow& r : kUeTable) {
      if (seen[ue_u8(r.state)]) seen[ue_u8(r.next)] = true;
    }
  }
  for (bool b : seen) {
    if (!b) return false;
  }
  return true;
}

// Every non-terminal state except idle can be left with `stop`.
constexpr bool ue_table_stop_everywhere() {
  for (std::uint8_t s = 1; s < kUeStateCount; ++s) {
    if (ue_is_terminal(static_cast<UeStateId>(s))) continue;
    bool found = false;
    for (const UeRow& r : kUeTable) {
      if (ue_u8(r.state) == s && r.event == UeEvent::stop) found = true;
    }
    if (!found) return false;
  }
  return true;
}

// Row index range of each state: [kUeStateFirstRow[s], kUeStateFirstRow[s + 1]).
struct UeRowIndex {
  std::uint8_t first[kUeStateCount + 1];
};
constexpr UeRowIndex ue_make_row_index() {
  UeRowIndex idx{};
  for (std::uint8_t s = 0; s <= kUeStateCount; ++s) {
    std::size_t i = 0;
    while (i < kUeRowCount && ue_u8(kUeTable[i].state) < s) ++i;
    idx.first[s] = static_cast<std::uint8_t>(i);
  }
  return idx;
}
inline constexpr UeRowIndex kUeRowIndex = ue_make_row_index();

static_assert(kUeRowCount < 256, "row index is a uint8_t");
static_assert(ue_table_fields_in_range(), "kUeTable: enum value out of range");
static_assert(ue_table_grouped_by_state(), "kUeTable: rows must be grouped by ascending state");
static_assert(ue_table_no_duplicates(), "kUeTable: duplicate (state, event, guard) row");
static_assert(ue_table_terminal_accepts_nothing(), "kUeTable: terminal states accept nothing");
static_assert(ue_table_all_reachable(), "kUeTable: every state must be reachable from idle");
static_assert(ue_table_stop_everywhere(), "kUeTable: every live state handles stop");

}  // namespace annexo::core
