// The probe's S-CSCF side (issue 13): the next hop behind the P-CSCF under
// test, on plain TCP at PIXIT probe.next_hop_port. It records every request
// the IUT forwards (stream and byte offset: the evidence of the SIP TPs),
// answers REGISTER through its Registrar (401, then 2xx or 403) and every
// other request 200 (but those of a method told to stay silent; an INVITE's
// 200 with its Record-Route copied, RFC 3261 12.1.1), and sends terminating requests
// back towards the UE along a registered Path over a connection of its own (recording the IUT's
// answers). One instance per process and next-hop address (shared()): the
// runner forks a child per TP, so each TP has its own, and the IUT opens a
// new connection to its next hop on the TP's first forwarded request; a TP
// reads only what arrived after its start (mark()).
#pragma once

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "adapters/probe/pcscf_sip/poll_part.h"
#include "adapters/probe/pcscf_sip/registrar.h"
#include "adapters/probe/pcscf_sip/sip_stream.h"
#include "tools/probe_data/probe_data.h"

namespace annexo::probe::pcscf_sip {

struct Scscf_Seen {
  std::string stream;  // "iut->scscf c1 sip", "iut->scscf t2 sip" (a terminating leg)
  Sip_Seen s;
};

class Scscf final : public Poll_Part {
 public:
  // The run's S-CSCF side listening on pixit.probe_host:probe_next_hop_port;
  // nullptr and `err` when it cannot listen.
  static Scscf* shared(const probe_data::Pixit& pixit, std::string& err);
  ~Scscf() override;

  // Requests the IUT forwarded, in arrival order (all connections).
  const std::vector<Scscf_Seen>& requests() const { return m_requests; }
  // Responses the IUT sent on the probe's terminating legs.
  const std::vector<Scscf_Seen>& responses() const { return m_responses; }
  std::size_t mark() const { return m_requests.size(); }
  std::size_t mark_responses() const { return m_responses.size(); }
  Registrar& registrar() { return m_registrar; }
  // Requests of `method` are recorded but never answered (TP_PC_SIP_035:
  // a next hop that stays silent, not even 100 Trying).
  void stay_silent(const std::string& method) { m_silent.insert(method); }

  // A terminating request (TP_PC_SIP_011..013): `method` to `request_uri`
  // with `route` as the top Route (the registered Path, possibly tampered),
  // over a new TCP connection to the Route's host:port. Returns its Call-ID,
  // "" and `err` when it cannot be sent.
  std::string send_terminating(const std::string& method, const std::string& request_uri,
                               const std::string& route, const std::string& from_impu,
                               std::string& err);

  void slots(std::vector<Poll_Slot>& out) override;
  void ready(int tag, short revents) override;

 private:
  explicit Scscf(const probe_data::Pixit& pixit) : m_registrar(pixit), m_pixit(pixit) {}
  struct Conn {
    int fd = -1;
    std::string name;  // c1 (accepted from the IUT), t1 (our terminating leg)
    bool outbound = false;
    bool connecting = false;
    std::string out;
    Sip_Stream stream{sip::FramerRole::server};
  };
  void accept_all();
  void read_conn(Conn& c);
  void flush(Conn& c);
  void on_message(Conn& c, const Sip_Seen& s);

  Registrar m_registrar;
  probe_data::Pixit m_pixit;
  int m_listen = -1;
  int m_accepted = 0;
  int m_legs = 0;
  std::vector<std::unique_ptr<Conn>> m_conns;
  std::vector<Scscf_Seen> m_requests;
  std::vector<Scscf_Seen> m_responses;
  std::set<std::string> m_silent;
};

}  // namespace annexo::probe::pcscf_sip
