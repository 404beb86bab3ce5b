// A complete profile handshake with the IUT: the ClientHello comes from the
// core's offer builder (core::build_offer) through annexo's OpenSSL client
// endpoint (adapters/tls/openssl), and the probe keeps what it needs to judge
// (TP_PC_TLS_013/017/019, TP_PC_CERT_*): the server's cleartext handshake
// messages read by the core's reader with their offsets, the certificate
// chain as facts for the core's certificate policy, the negotiated facts.
// The probe never refuses anything itself here: every event answers ok, so
// the handshake runs as far as the IUT takes it and the TP judges after.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "adapters/probe/tp.h"
#include "adapters/tls/chain_report.h"
#include "adapters/tls/endpoint.h"
#include "core/profile.h"

namespace annexo::probe::pcscf_tls {

struct Server_Message {
  std::uint8_t type = 0;   // HandshakeType
  std::size_t offset = 0;  // of its record in the iut->probe stream
  std::vector<std::uint8_t> body;
};

struct Handshake_Run {
  core::UeTlsConfig config;  // what was offered (core::build_offer)
  core::Offer offer;
  bool connected = false;
  std::string error;  // connect or setup failure (the TP's `error`)
  bool established = false;
  bool timed_out = false;
  bool peer_closed = false;
  tls::Endpoint_Failure failure;
  tls::Handshake_Facts facts;
  std::vector<Server_Message> messages;  // cleartext handshake messages, in order
  bool chain_seen = false;
  tls::Peer_Chain chain;
  int certificate_requests = 0;  // seen by the client endpoint (any version)
  std::vector<tls::Alert_Fact> alerts;
  std::vector<std::uint8_t> from_iut;  // the whole iut->probe stream
  int local_port = 0;
};

// Runs the handshake against host:port (the PIXIT's by default) within
// timers.handshake_s, offering TLS 1.2 and, when the PICS claims it, TLS 1.3.
Handshake_Run profile_handshake(const Tp_Context& ctx, const std::string& host, int port,
                                bool tls13);
Handshake_Run profile_handshake(const Tp_Context& ctx);

// One line about how the handshake ended.
std::string summary(const Handshake_Run& h);

}  // namespace annexo::probe::pcscf_tls
