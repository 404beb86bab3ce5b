// Test helpers for the P-CSCF machine and binding table (tests only: heap ok).
#pragma once

#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/binding_table.h"
#include "core/pcscf_driver.h"
#include "core/pcscf_machine.h"

namespace annexo::test {

using namespace annexo::core;
using namespace annexo::core::pcscf;

inline ByteView bv(const std::string& s) {
  return ByteView(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
}
// A view of a string literal (static storage): bv("sip:a@x") used to build a
// temporary std::string and return a view of it that dangled at the end of the
// full-expression (found by the ASan twins, tests/sanitize).
template <std::size_t N>
ByteView bv(const char (&s)[N]) {
  return ByteView(reinterpret_cast<const std::uint8_t*>(s), N - 1);
}

// A binding table over vectors of the requested size.
struct TableHolder {
  std::vector<Binding> rows;
  std::vector<std::uint32_t> index;
  std::vector<IdentityChunk> chunks;
  BindingTable table;
  explicit TableHolder(std::uint32_t capacity, std::uint32_t chunk_count = 0)
      : rows(capacity),
        index(binding_index_size_for(capacity)),
        chunks(chunk_count ? chunk_count : capacity * 45u) {
    BindingStorage s;
    s.rows = rows.data();
    s.capacity = capacity;
    s.index = index.data();
    s.index_size = static_cast<std::uint32_t>(index.size());
    s.chunks = chunks.data();
    s.chunk_count = static_cast<std::uint32_t>(chunks.size());
    if (table.init(s) != Error::ok) throw std::runtime_error("table init");
  }
};

inline ConnTuple tuple(std::uint64_t session, std::uint16_t port,
                       std::uint64_t ip_lo = 0x0000ffffc0a80001ull) {
  return ConnTuple{session, 0, ip_lo, port};
}

inline RtEvent on_tuple(RtEvent e, const ConnTuple& t) {
  e.session = t.session;
  e.ip_hi = t.ip_hi;
  e.ip_lo = t.ip_lo;
  e.port = t.port;
  return e;
}

inline RtEvent ev_handshake(const ConnTuple& t, Seconds now) {
  return on_tuple(make_event(EventKind::handshake_ok, now), t);
}
inline RtEvent ev_request(Method m, const ConnTuple& t, Seconds now, bool credentials = false) {
  RtEvent e = on_tuple(make_event(EventKind::sip_request, now), t);
  e.method = static_cast<std::uint8_t>(m);
  e.credentials = credentials;
  return e;
}
inline RtEvent ev_response(Response r, bool here, Seconds now, std::uint32_t expires = 3600) {
  RtEvent e = make_event(EventKind::register_response, now);
  e.response = static_cast<std::uint8_t>(r);
  e.txn_here = here;
  e.expires_s = expires;
  return e;
}

inline bool has_action(const Outcome& o, Out k) {
  for (std::uint8_t i = 0; i < o.actions.count; ++i) {
    if (o.actions.items[i].kind == k) return true;
  }
  return false;
}
inline const Action* find_action(const Outcome& o, Out k) {
  for (std::uint8_t i = 0; i < o.actions.count; ++i) {
    if (o.actions.items[i].kind == k) return &o.actions.items[i];
  }
  return nullptr;
}
inline std::uint16_t response_code(const Outcome& o) {
  const Action* a = find_action(o, Out::send_response);
  return a ? a->code : 0;
}

// One P-CSCF with a table and helpers to walk a UE to "bound".
struct Pcscf {
  PcscfConfig cfg;
  RtPolicy pol = policy_of<Concrete>(PcscfConfig{});
  TableHolder th;
  std::vector<std::string> impus{"sip:alice@ims.example.net", "tel:+4930123456",
                                 "sip:alice.work@ims.example.net"};
  std::string impi = "alice@ims.example.net";
  std::vector<ByteView> impu_views;

  explicit Pcscf(std::uint32_t capacity = 16, PcscfConfig c = PcscfConfig{})
      : cfg(c), pol(policy_of<Concrete>(c)), th(capacity) {
    for (auto& s : impus) impu_views.push_back(bv(s));
  }
  EventIds reg_ids() const {
    EventIds ids;
    ids.impi = bv(impi);
    ids.impus = impu_views.data();
    ids.impu_count = static_cast<std::uint8_t>(impu_views.size());
    return ids;
  }
  Outcome drive(PcscfConn& c, const RtEvent& e, const EventIds& ids = EventIds{}) {
    return pcscf_drive(pol, th.table, c, e, ids);
  }
  // accept -> handshake -> REGISTER with credentials -> 2xx: bound.
  // Registration expiry 7200 s, so the default session lifetime (3600 s) ends first.
  PcscfConn bound_conn(std::uint64_t id, const ConnTuple& t, Seconds now,
                       std::uint32_t expires = 7200) {
    PcscfConn c = pcscf_accept(pol, id, now);
    (void)drive(c, ev_handshake(t, now));
    EventIds ids = reg_ids();
    (void)drive(c, ev_request(Method::register_, t, now, true), ids);
    (void)drive(c, ev_response(Response::success, true, now, expires), ids);
    return c;
  }
  State state(const PcscfConn& c) const { return static_cast<State>(c.s.state); }
};

}  // namespace annexo::test
