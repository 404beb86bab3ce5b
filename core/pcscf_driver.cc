#include "core/pcscf_driver.h"

namespace annexo::core {

using pcscf::EventKind;
using pcscf::Guard;
using pcscf::Outcome;
using pcscf::RtEvent;
using pcscf::RtPolicy;
using pcscf::State;

PcscfConn pcscf_accept(const RtPolicy& p, std::uint64_t conn_id, Seconds now) {
  PcscfConn c;
  c.conn_id = conn_id;
  c.s = pcscf::initial_state<Concrete>(p, now);
  return c;
}

namespace {

bool bound_like(const pcscf::RtState& s) {
  return s.state == static_cast<std::uint8_t>(State::bound) ||
         s.state == static_cast<std::uint8_t>(State::renegotiating);
}

void positions_to_event(const ImpuSet& set, RtEvent& e) {
  for (std::uint8_t i = 0; i < kMaxImpus; ++i) e.impu[i] = set.has[i];
}

// Positions of the listed IMPUs that are in the binding (others ignored).
void resolve_positions(const BindingTable& t, std::uint64_t conn, const EventIds& ids, RtEvent& e) {
  ImpuSet set;
  for (std::uint8_t i = 0; i < ids.impu_count; ++i) {
    const std::uint8_t p = t.impu_position(conn, ids.impus[i]);
    if (p != kNoImpu) set.has[p] = true;
  }
  positions_to_event(set, e);
}

}  // namespace

Outcome pcscf_drive(const RtPolicy& p, BindingTable& table, PcscfConn& c, RtEvent e,
                    const EventIds& ids) {
  const auto kind = static_cast<EventKind>(e.kind);
  // A 2xx binds at most kMaxImpus IMPUs (the first ones, P-Associated-URI
  // order); the rest are never asserted (fail closed; decision RD-59).
  const std::uint8_t n = ids.impu_count < kMaxImpus ? ids.impu_count : kMaxImpus;
  bool inserted = false;
  Error store_error = Error::ok;

  if (kind == EventKind::sip_request) {
    e.table_room = table.has_room();
    if (bound_like(c.s)) {
      e.preferred_impu =
          ids.preferred.empty() ? kNoImpu : table.impu_position(c.conn_id, ids.preferred);
      e.impi_same = table.impi_equals(c.conn_id, ids.impi);
    } else {
      e.preferred_impu = kNoImpu;
      e.impi_same = false;
    }
  } else if (kind == EventKind::register_response &&
             c.s.state == static_cast<std::uint8_t>(State::reg_pending)) {
    for (std::uint8_t i = 0; i < kMaxImpus; ++i) e.impu[i] = i < n;
    e.store_ok = true;
    // Store only when the machine's own bind guard holds (same function as the row).
    if (pcscf::guard<Concrete>(Guard::bind_ok, p, c.s, e)) {
      const ConnTuple t{c.s.session, c.s.ip_hi, c.s.ip_lo, c.s.port};
      ImpuSet set;
      const Error err = table.insert(c.conn_id, t, ids.impi, ids.impus, n, &set);
      e.store_ok = err == Error::ok;
      store_error = err;
      inserted = e.store_ok;
      if (inserted) {
        positions_to_event(set, e);
        e.impi = table.find(c.conn_id)->impi;
      }
    }
  } else if (kind == EventKind::register_response && bound_like(c.s)) {
    if (pcscf::guard<Concrete>(Guard::add_here, p, c.s, e)) {
      ImpuSet set;
      if (table.add_impus(c.conn_id, ids.impus, n, &set) != Error::ok) set = ImpuSet{};
      positions_to_event(set, e);  // arena full: nothing added, 2xx still relayed
    } else {
      resolve_positions(table, c.conn_id, ids, e);
    }
  } else if (kind == EventKind::deregistered && bound_like(c.s)) {
    resolve_positions(table, c.conn_id, ids, e);
  }

  Outcome o = pcscf::step_fast(p, c.s, e);
  if (store_error != Error::ok && o.act == pcscf::Act::refuse_full_close) {
    // Say exactly why the table refused (full, arena full, invalid identity);
    // the answer stays 503 + close, nothing evicted (RD-56).
    o.error = store_error;
    o.requirement = error_requirement(store_error);
  }
  const pcscf::ActInfo& info = pcscf::kActInfo[static_cast<std::uint8_t>(o.act)];
  if (inserted && !(o.accepted && info.create_binding)) {
    (void)table.remove(c.conn_id);  // defensive: the row did not bind after all
  }
  if (o.accepted) {
    if (info.replace_session) (void)table.replace_session(c.conn_id, e.session);
    if (info.remove_impus && !info.delete_binding) {
      ImpuSet set;
      for (std::uint8_t i = 0; i < kMaxImpus; ++i) set.has[i] = e.impu[i];
      (void)table.remove_impus(c.conn_id, set);
    }
    if (info.delete_binding) (void)table.remove(c.conn_id);
  }
  return o;
}

}  // namespace annexo::core
