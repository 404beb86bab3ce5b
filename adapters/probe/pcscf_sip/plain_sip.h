// A plain TCP SIP connection from a probe UE to the IUT's sec-agree port
// (issue 13, TP_PC_SIP_015..018: the unprotected leg of RFC 3329). Sends
// what the TP writes, records what the IUT answers with offsets, and whether
// the IUT closed the connection.
#pragma once

#include <string>
#include <vector>

#include "adapters/probe/pcscf_sip/poll_part.h"
#include "adapters/probe/pcscf_sip/sip_stream.h"

namespace annexo::probe::pcscf_sip {

class Plain_Sip final : public Poll_Part {
 public:
  explicit Plain_Sip(std::string name) : m_name(std::move(name)) {}
  ~Plain_Sip() override;
  bool start(const std::string& host, int port);
  void send(const std::string& text);
  bool connected() const { return m_connected; }
  bool closed() const { return m_closed; }
  const std::string& error() const { return m_error; }
  int local_port() const { return m_local_port; }
  std::string in_stream() const { return "iut->ue " + m_name + " plain sip"; }
  const std::vector<Sip_Seen>& received() const { return m_in; }

  void slots(std::vector<Poll_Slot>& out) override;
  void ready(int tag, short revents) override;

 private:
  void flush();
  std::string m_name;
  int m_fd = -1;
  bool m_connecting = false;
  bool m_connected = false;
  bool m_closed = false;
  int m_local_port = 0;
  std::string m_out;
  std::string m_error;
  Sip_Stream m_stream{sip::FramerRole::client};
  std::vector<Sip_Seen> m_in;
};

}  // namespace annexo::probe::pcscf_sip
