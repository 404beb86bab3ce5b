// A real S-CSCF (or I-CSCF) as the next hop (pcscf --next-hop HOST:PORT),
// over one TCP or TLS connection opened on demand (TLS: a client endpoint of
// the --tls-stack stack with the core's client profile, the next hop's
// certificate judged by the core against --next-hop-ca for --next-hop-name;
// no client certificate; RD-271). In a real network that interface is NDS/IP (TS
// 33.210), outside Annex O; TLS here is the operator's choice. The
// P-CSCF acts as a stateful proxy (RFC 3261 section 16): Max-Forwards
// checked and decremented, loop detection on its own Via, its own Via with a
// fresh branch, one transaction timer per forwarded request (408 to the UE),
// 503 at once when the next hop cannot be reached, reconnection with
// back-off. Responses are matched by the branch and handed back without the
// P-CSCF's Via.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "adapters/log/decision_log.h"
#include "adapters/net/event_loop.h"
#include "adapters/pcscf/next_hop.h"
#include "adapters/sip/framer.h"
#include "adapters/tls/stack.h"

namespace annexo::pcscf {

struct Remote_Next_Hop_Options {
  net::Endpoint next_hop;
  std::uint32_t transaction_timeout_s = 32;  // 64 x T1
  std::uint32_t max_backoff_s = 8;           // reconnect back-off: 1, 2, 4 ... this
  bool tls = false;
  std::string ca_file;      // trust anchors for the next hop's certificate (tls)
  std::string server_name;  // the name its certificate must carry (tls)
  tls::Tls_Stack tls_stack = tls::kDefaultTlsStack;  // the pcscf's --tls-stack (RD-271)
};

class Remote_Next_Hop final : public Next_Hop {
 public:
  // sent_by: host:port of this P-CSCF's Via (its core-side listener).
  Remote_Next_Hop(Remote_Next_Hop_Options o, log::Decision_Log& log, net::Event_Loop& loop,
                  Next_Hop_Client& client, std::function<std::string()> sent_by);
  ~Remote_Next_Hop() override;

  const char* kind() const override { return "remote"; }
  bool start(std::string* err) override;
  std::string impi_of(const sip::Message& reg,
                      const std::optional<sip::DigestCredentials>& creds) const override;
  void forward_register(std::uint64_t conn_id, const sip::Message& ue_request,
                        const sip::Message& fwd, const Register_Facts& facts) override;
  void forward_request(std::uint64_t conn_id, const sip::Message& ue_request,
                       const sip::Message& fwd) override;
  // Terminating requests always reach the plain TCP core-side listener.
  std::string uri_params() const override { return ";transport=tcp"; }
  std::optional<std::string> registered_path(const std::string&) const override {
    return std::nullopt;
  }
  void connection_closed(std::uint64_t conn_id) override;
  std::optional<core::Seconds> next_deadline() const override;
  void on_tick(core::Seconds now) override;

 private:
  struct Pending {
    std::uint64_t conn_id = 0;
    sip::Message ue_request;
    std::optional<Register_Facts> reg;
    core::Seconds deadline = 0;
  };
  void forward(std::uint64_t conn_id, const sip::Message& ue_request, sip::Message fwd,
               const Register_Facts* reg);
  // Answers the UE locally (483, 482, 503, 408) through the client.
  void answer_locally(const Pending& p, int code, const std::string& reason,
                      const char* requirement, const std::string& why);
  bool ensure_connection();
  void on_ready(net::Ready r);
  void on_message(const sip::Message& m);
  void connection_failed(const std::string& why, bool back_off);
  void flush();
  // Bytes of SIP towards the next hop: straight to the socket (tcp) or
  // through TLS once the handshake is done (queued until then).
  void send_sip(const std::string& wire);
  void dispatch_framed();
  class Tls_Link;
  friend class Tls_Link;

  Remote_Next_Hop_Options m_o;
  log::Decision_Log& m_log;
  net::Event_Loop& m_loop;
  Next_Hop_Client& m_client;
  std::function<std::string()> m_sent_by;
  int m_fd = -1;
  bool m_connected = false;
  net::Write_Queue m_wq;
  sip::Framer m_framer{sip::FramerRole::client};
  std::uint32_t m_backoff_s = 0;  // 0: no failure since the last success
  core::Seconds m_retry_at = 0;
  std::map<std::string, Pending> m_pending;    // by the branch of our Via
  std::unique_ptr<tls::Client_Stack> m_stack;  // tls: --next-hop-ca, the core's profile
  std::unique_ptr<Tls_Link> m_tls;             // tls: the client of this connection
  std::string m_before_handshake;              // tls: SIP queued until established
};

}  // namespace annexo::pcscf
