// The UE side of Annex O: access-security selection, the TLS + SIP Digest
// registration lifecycle, re-registration, renegotiation, keep-alive and the
// error cases of O.3 / O.4.1. Facts and `now` in, a verdict and a small
// fixed-size action list out; no I/O, no clock, no heap.
//
// ===================== Contract for the proofs (proofs/) =====================
// Everything below is written once as templates over a domain D
// (core/domain.h); the runtime instantiates D = Concrete.
//
//   struct UeState<D>    core/ue_types.h  the machine's whole state (fixed-width
//                                         fields; `state` is a UeStateId as U8)
//   struct UeFacts<D>    core/ue_types.h  one event with its facts (`event` is a
//                                         UeEvent as U8, `now` in Seconds)
//   struct UeConfig<D>   core/ue_types.h  configuration (policy bits, timers)
//   kUeTable             core/ue_table.h  constexpr rows {state, event, guard,
//                                         next, action}; anything not listed is
//                                         rejected (state unchanged)
//   ue_initial_state<D>(cfg)              core/ue_logic.h  the start state
//   ue_guard<D>(UeGuard, s, f, cfg)       core/ue_logic.h  -> D::Bool
//   ue_apply<D>(UeAction, s, f, cfg)      core/ue_logic.h  -> UeState<D>, the
//                                         state update of one action (the row's
//                                         `next` is written by ue_row_apply)
//   ue_row_apply<D>(row, s, f, cfg)       core/ue_logic.h  update + next state
//   ue_step<D>(s, f, cfg, accepted&)      core/ue_logic.h  the whole transition
//                                         relation as one branch-free formula:
//                                         first row whose state, event and guard
//                                         match; if none, s unchanged and
//                                         accepted = false
//   check_invariants<D>(s)                core/ue_logic.h  -> D::Bool; the one
//                                         invariant (debug checks, tests, proofs)
//   select_mechanism<D>(...)              core/access_selection.h
//   ue_action_sends_sip_over_tls(UeAction), ue_action_sends_sip_unprotected(UeAction)
//                                         core/ue_logic.h  which actions put SIP
//                                         bytes on the wire (for "no SIP before
//                                         certificate accepted")
// Properties the invariant states (each cites its IDs in ue_logic.h):
//   sip_allowed -> cert_accepted && conn != 0              (no SIP before cert accept)
//   require_security -> mechanism != unprotected           (no bidding down)
//   access_3gpp -> mechanism not in {annex_o_tls, unprotected}
//   procedure_active <-> state in {secagree_sent .. credentials_sent, reregistering}
//   (one procedure slot: at most one registration procedure)
// The runtime (UeMachine) evaluates the same table and the same templates with
// D = Concrete; it never writes the state any other way.
// =============================================================================
#pragma once

#include <array>
#include <cstdint>

#include "core/access_selection.h"
#include "core/domain.h"
#include "core/errors.h"
#include "core/tls_alert.h"
#include "core/ue_logic.h"
#include "core/ue_table.h"
#include "core/ue_types.h"

namespace annexo::core {

// What the adapter must do, in order.
enum class UeOutputKind : std::uint8_t {
  new_registration,           // informational: a new registration procedure starts
  open_tls,                   // open a TCP+TLS connection `conn` to the P-CSCF (port 5061)
  send_alert,                 // send fatal TLS alert `alert` on `conn` (reason: `error`)
  answer_empty_certificate,   // answer CertificateRequest with an empty Certificate
  send_register_secagree,     // unprotected REGISTER with Security-Client: tls (no credentials)
  send_register_initial,      // REGISTER without credentials over `conn`
  send_register_credentials,  // REGISTER with Digest credentials over `conn`;
                              //   security_verify = add Security-Verify (sec-agree)
  send_reregister,            // re-REGISTER over the registered session `conn`
  send_request,               // the application's SIP request over `conn`
  send_keepalive,             // CRLF CRLF ping over `conn`
  renegotiate,                // ClientHello inside `conn` (renegotiation)
  close_and_discard,          // close `conn` and drop its TLS session from any cache
  report_registered,          // registration (or re-registration) succeeded
  report_pcscf_violation,     // P-CSCF non-conformance (`error` says which)
  use_ipsec,                  // hand off: IPsec per the main body
  use_unprotected,            // hand off: SIP Digest without TLS (policy unset only)
  abort,                      // registration abandoned; `error` names the requirement
};

struct UeOutput {
  UeOutputKind kind = UeOutputKind::abort;
  TlsAlert alert = TlsAlert::none;
  bool security_verify = false;
  Error error = Error::ok;
  std::uint32_t conn = 0;
};

// Longest action list: close old + new_registration + open_tls, or
// alert + close + abort = 3; one spare.
inline constexpr std::size_t kUeMaxOutputs = 4;

struct UeOutputs {
  std::array<UeOutput, kUeMaxOutputs> items{};
  std::uint8_t count = 0;
};

struct UeResult {
  // true: a row fired (state may have changed). false: rejected, state unchanged.
  bool accepted = false;
  // ok, or the reason: for a rejection, why; for an accepted transition that
  // ends or restarts a procedure, the requirement behind it.
  Error verdict = Error::ok;
  UeOutputs outputs{};
};

// One event as the adapter reports it.
struct UeInput {
  UeEvent event = UeEvent::stop;
  std::uint32_t conn = 0;            // connection the event is about
  Error cert_error = Error::ok;      // cert_verdict: certificate policy verdict
  bool stale = false;                // response_401: stale=true
  bool security_server_tls = false;  // response_401: Security-Server lists tls
  bool rspauth_ok = false;           // response_2xx: rspauth verified
  bool tls13 = false;                // handshake_done: TLS 1.3 negotiated
  AccessFacts access{};              // start_registration
  std::uint32_t expires_s = 0;       // response_2xx: granted registration interval
  std::uint32_t flow_timer_s = 0;    // response_2xx: Flow-Timer (0 = absent)
  std::uint32_t keepalive_s = 0;     // response_2xx, pong_received, reneg_done:
                                     //   random draw within ue_keepalive_bounds()
};

struct UeDeadline {
  bool armed = false;
  Seconds at = 0;
};

struct KeepaliveBounds {
  std::uint32_t min_s;
  std::uint32_t max_s;
};

inline constexpr UeConfig<Concrete> kUeDefaultConfig{
    false,  // require_signalling_security
    false,  // abort_on_certificate_request: RD-02 (A2) default
    false,  // use_sec_agree: TLS-first
    32,     // timer_f_s: 64 * T1 (T1 = 500 ms)
    32,     // handshake_timeout_s
    10,     // pong_timeout_s: RFC 5626 4.4.1
};

// Largest time span the machine schedules: deadlines must stay within half
// the Seconds ring (core/domain.h).
inline constexpr std::uint32_t kUeMaxSpan = 0x7FFFFFFFu;

// Configuration check: Error::ok or the first problem.
[[nodiscard]] Error check_ue_config(const UeConfig<Concrete>& cfg);

// TS 24.229 5.1.1.4.1: re-register 600 s before expiry when the registration
// lasts longer than 1200 s, otherwise when half of it has elapsed.
[[nodiscard]] constexpr std::uint32_t ue_rereg_delay_s(std::uint32_t expires_s) {
  return expires_s > 1200u ? expires_s - 600u : expires_s / 2u;
}

// RFC 5626 4.4.1: ping at a random 80-100 % of Flow-Timer, or 95-120 s without.
[[nodiscard]] constexpr KeepaliveBounds ue_keepalive_bounds(std::uint32_t flow_timer_s) {
  if (flow_timer_s == 0) return KeepaliveBounds{95u, 120u};
  // ceil(0.8 * f) without overflow: f - floor(f / 5)
  const std::uint32_t lo = flow_timer_s - flow_timer_s / 5u;
  return KeepaliveBounds{lo == 0 ? 1u : lo, flow_timer_s};
}

// RFC 5626 4.5 flow recovery: after a failed attempt to replace a failed flow
// the UA waits a random time between 50 % and 100 % of
//   wait-time = min(max-time, base-time * 2^consecutive-failures)
// (defaults 30 s when every flow failed and 1800 s; decision RD-103). The
// caller draws within [min_s, max_s]; min_s is 50 % rounded up. A base of 0
// gives {0, 0}.
struct FlowRecoveryWait {
  std::uint32_t min_s;
  std::uint32_t max_s;
};

inline constexpr std::uint32_t kFlowRecoveryBaseS = 30;   // every flow failed (RFC 5626 4.5)
inline constexpr std::uint32_t kFlowRecoveryMaxS = 1800;  // max-time default (RFC 5626 4.5)

//= spec#5626-4.5-UE-FLOW-RECOVERY type=implementation
[[nodiscard]] constexpr FlowRecoveryWait ue_flow_recovery_wait(std::uint32_t base_s,
                                                               std::uint32_t max_time_s,
                                                               std::uint32_t failures) {
  std::uint64_t w = base_s;
  for (std::uint32_t i = 0; i < failures && w < max_time_s; ++i) w *= 2u;
  if (w > max_time_s) w = max_time_s;
  const auto hi = static_cast<std::uint32_t>(w);
  return FlowRecoveryWait{hi - hi / 2u, hi};
}

class UeMachine {
 public:
  // `cfg` must pass check_ue_config (the constructor cannot fail: check first;
  // an unchecked bad config makes every event return the config error).
  explicit UeMachine(const UeConfig<Concrete>& cfg = kUeDefaultConfig);

  // Apply one adapter event at time `now`. Timer events are rejected here.
  [[nodiscard]] UeResult handle(const UeInput& in, Seconds now);
  // Fire the earliest armed deadline reached at `now`, if any (accepted=false,
  // verdict ok and no outputs when nothing is due).
  [[nodiscard]] UeResult tick(Seconds now);
  // The earliest armed deadline.
  [[nodiscard]] UeDeadline next_deadline() const;

  const UeState<Concrete>& state() const { return state_; }
  UeStateId state_id() const { return static_cast<UeStateId>(state_.state); }
  const UeConfig<Concrete>& config() const { return cfg_; }

 private:
  UeResult run(const UeFacts<Concrete>& f, Error cert_error);

  UeConfig<Concrete> cfg_;
  Error cfg_error_;
  UeState<Concrete> state_;
  std::uint32_t flow_timer_s_ = 0;  // from the last 2xx, for keep-alive bounds
};

}  // namespace annexo::core
