// Glue between one P-CSCF connection machine and the binding table: resolves
// identity strings to positions, stores/updates/deletes the binding exactly
// when the machine's row says so, and returns the machine's outcome. Pure:
// no I/O, no heap. Adapters call this instead of step_fast() directly.
#pragma once

#include <cstdint>

#include "core/binding_table.h"
#include "core/bytes.h"
#include "core/pcscf_machine.h"

namespace annexo::core {

struct PcscfConn {
  std::uint64_t conn_id = 0;  // adapter's connection id, >= 1, never reused
  pcscf::RtState s{};
};

// Identity text of the event (all optional).
struct EventIds {
  ByteView preferred;               // sip_request: P-Preferred-Identity (empty = none)
  ByteView impi;                    // sip_request REGISTER / register_response: the IMPI
  const ByteView* impus = nullptr;  // register_response / deregistered: IMPUs concerned
  std::uint8_t impu_count = 0;      //   (a 2xx: the registered set, P-Associated-URI first)
};

[[nodiscard]] PcscfConn pcscf_accept(const pcscf::RtPolicy& p, std::uint64_t conn_id, Seconds now);

// Fills the table-derived facts of e (preferred_impu, impi_same, table_room,
// store_ok, impu, impi), runs the machine and applies the table effects.
[[nodiscard]] pcscf::Outcome pcscf_drive(const pcscf::RtPolicy& p, BindingTable& table,
                                         PcscfConn& c, pcscf::RtEvent e, const EventIds& ids);

}  // namespace annexo::core
