#include "core/pcscf_machine.h"

namespace annexo::core::pcscf {
namespace {

// First row and row count per (state, event), computed from kRows at compile time.
struct Span {
  std::uint8_t first;
  std::uint8_t count;
};
struct SpanTable {
  Span s[kStateCount][kEventCount];
};
constexpr SpanTable make_spans() {
  SpanTable t{};
  for (std::size_t i = kRowCount; i-- > 0;) {
    Span& sp =
        t.s[static_cast<std::uint8_t>(kRows[i].from)][static_cast<std::uint8_t>(kRows[i].event)];
    sp.first = static_cast<std::uint8_t>(i);
    ++sp.count;
  }
  return t;
}
constexpr SpanTable kSpans = make_spans();

void push(ActionList& l, Action a) {
  if (l.count < kMaxActions) l.items[l.count++] = a;
}

void emit(const ActInfo& i, const RtState& before, const RtEvent& e, ActionList& out) {
  if (i.create_binding) push(out, Action{Out::create_binding});
  if (i.replace_session) push(out, Action{Out::replace_session});
  if (i.add_impus) push(out, Action{Out::add_impus});
  if (i.remove_impus) push(out, Action{Out::remove_impus});
  if (i.sip_code != 0) push(out, Action{Out::send_response, i.sip_code});
  if (i.forward_request) {
    const std::uint8_t impu = i.assert_identity ? asserted_impu<Concrete>(before, e) : kNoImpu;
    push(out, Action{Out::forward_request, 0, i.integrity, impu});
  }
  if (i.forward_response) push(out, Action{Out::forward_response});
  if (i.forward_to_ue) push(out, Action{Out::forward_to_ue});
  if (i.hello_request) push(out, Action{Out::hello_request});
  if (i.refuse_reneg_alert) push(out, Action{Out::refuse_reneg});
  if (i.send_crlf) push(out, Action{Out::send_crlf});
  if (i.delete_binding) push(out, Action{Out::delete_binding});
  if (i.close_after_flush) push(out, Action{Out::close_after_flush});
  if (i.close) push(out, Action{Out::close});
}

// No ActInfo produces more actions than the list holds.
constexpr bool actions_fit() {
  for (const ActInfo& i : kActInfo) {
    const int n = i.create_binding + i.replace_session + i.add_impus + i.remove_impus +
                  (i.sip_code != 0) + i.forward_request + i.forward_response + i.forward_to_ue +
                  i.hello_request + i.refuse_reneg_alert + i.send_crlf + i.delete_binding +
                  i.close_after_flush + i.close;
    if (n > static_cast<int>(kMaxActions)) return false;
  }
  return true;
}
static_assert(actions_fit(), "kMaxActions holds every row's actions");

}  // namespace

Outcome step_fast(const RtPolicy& p, RtState& s, const RtEvent& e) {
  Outcome o;
  o.from = static_cast<State>(s.state);
  o.to = o.from;
  if (s.state >= kStateCount || e.kind >= kEventCount) {
    o.error = Error::pcscf_event_not_allowed;
    o.requirement = "IMPL-PC-DENY-UNLISTED";
    return o;
  }
  const Span sp = kSpans.s[s.state][e.kind];
  for (std::uint8_t k = 0; k < sp.count; ++k) {
    const std::uint8_t idx = static_cast<std::uint8_t>(sp.first + k);
    const Row& row = kRows[idx];
    if (!guard<Concrete>(row.guard, p, s, e)) continue;
    const ActInfo& info = kActInfo[static_cast<std::uint8_t>(row.act)];
    const RtState before = s;
    s = update<Concrete>(row.act, p, before, e);
    s.state = static_cast<std::uint8_t>(row.to);
    o.accepted = true;
    o.to = row.to;
    o.row = idx;
    o.act = row.act;
    o.error = info.reason;
    o.requirement = info.requirement;
    emit(info, before, e, o.actions);
#ifdef ANNEXO_DEBUG_INVARIANTS
    if (!check_invariants<Concrete>(s)) __builtin_trap();
#endif
    return o;
  }
  //= spec#IMPL-PC-DENY-UNLISTED type=implementation
  o.error = Error::pcscf_event_not_allowed;
  o.requirement = "IMPL-PC-DENY-UNLISTED";
  return o;
}

RtEvent make_event(EventKind k, Seconds now) {
  RtEvent e{};
  e.kind = static_cast<std::uint8_t>(k);
  e.now = now;
  e.method = static_cast<std::uint8_t>(Method::other);
  e.preferred_impu = kNoImpu;
  e.sec_verify = static_cast<std::uint8_t>(SecVerify::not_used);
  e.table_room = true;
  e.response = static_cast<std::uint8_t>(Response::other);
  e.impi = 0xFFFFFFFFu;
  return e;
}

}  // namespace annexo::core::pcscf
