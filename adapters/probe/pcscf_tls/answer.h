// The IUT's first answer to a raw ClientHello, read from the wire with a
// budget and judged by the core's reader (core/handshake_reader.h): a
// ServerHello (parsed), an SSL 2.0 SERVER-HELLO, an alert, a close, or
// nothing. Every observation is Evidence with its offset in the
// "iut->probe" stream.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "adapters/probe/tp.h"
#include "adapters/probe/wire.h"

namespace annexo::probe::pcscf_tls {

enum class Answer_Kind { server_hello, sslv2_server_hello, alert, closed, timeout };

struct Answer {
  Answer_Kind kind = Answer_Kind::timeout;
  // server_hello (copied out of the stream)
  std::uint16_t legacy_version = 0, selected_version = 0, suite = 0;
  std::uint8_t compression = 0;
  std::size_t session_id_size = 0;
  bool has_renegotiation_info = false;
  std::vector<std::uint16_t> extension_types;
  // alert
  int alert_level = 0, alert_description = 0;
  bool closed_after_alert = false;
  std::vector<Evidence> evidence;
  std::uint16_t version() const { return selected_version ? selected_version : legacy_version; }
};

// Reads until one of the kinds above is seen, within `budget_ms` (after an
// alert, waits within the rest of the budget for the close).
Answer read_answer(Tcp_Conn& conn, const std::string& stream, int budget_ms);

// Sends `hello` on a fresh connection to the PIXIT IUT and reads the answer.
// False with `error` when the IUT cannot be reached (the TP's `error`).
bool offer(const Tp_Context& ctx, const std::vector<std::uint8_t>& hello, const std::string& stream,
           Answer& out, std::string& error);

std::string describe(const Answer& a);  // one line for the reason

}  // namespace annexo::probe::pcscf_tls
