// SIP a probe UE sends (issue 13): requests written by the TP, not by a UE
// state machine, so a TP can send what a conforming UE never would. Each
// request gets a fresh Call-ID unless it continues the UE's registration;
// waits are bounded by the Rig's budgets.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "adapters/probe/pcscf_sip/rig.h"

namespace annexo::probe::pcscf_sip {

struct Reg_Options {
  std::string impu;             // "" : the user's first IMPU
  std::string password;         // "" : the user's PIXIT password
  std::uint32_t expires = 600;  // 0: de-registration (TP_PC_SIP_023)
  bool extra_via = false;       // a second Via, as if relayed (TP_PC_SIP_004)
  // The first REGISTER in TS 24.229's form: Authorization with the IMPI and an
  // empty nonce and response (TP_PC_SIP_027, RD-226).
  bool initial_authorization = false;
  // Added to both REGISTERs (sec-agree: Security-Verify, Require, Proxy-Require).
  std::vector<std::pair<std::string, std::string>> headers;
};

// What a REGISTER exchange (challenge, then credentials) looked like.
struct Reg_Result {
  int first_status = 0;           // the answer to the REGISTER without credentials (0: none)
  int final_status = 0;           // the answer to the one with credentials (0: none or not sent)
  std::vector<Sip_Seen> answers;  // the final answers at the UE
  std::vector<Scscf_Seen> forwarded;  // the REGISTERs the IUT forwarded (this Call-ID)
  bool registered() const { return final_status >= 200 && final_status < 300; }
};

class Ue_Sip {
 public:
  Ue_Sip(Rig& rig, Probe_Ue& ue, const probe_data::TestUser& user);
  Probe_Ue& ue() { return m_ue; }
  const probe_data::TestUser& user() const { return m_user; }

  // REGISTER without credentials, and with Digest credentials after a 401.
  Reg_Result register_user(const Reg_Options& o = {});
  // The first REGISTER of register_user (no credentials), sent without
  // waiting for its answer, so the IUT holds it pending (TP_PC_SIP_001).
  // Returns its Call-ID ("" when the connection cannot carry it).
  std::string send_register(const Reg_Options& o = {});
  // An out-of-dialog request from `from_impu` (P-Preferred-Identity when
  // `ppi` is not empty; Contact with ;ob). Returns its Call-ID ("" when the
  // connection cannot carry it).
  std::string send_request(const std::string& method, const std::string& from_impu,
                           const std::string& ppi, const std::string& to_uri = "");
  // A target refresh (re-INVITE, CSeq `cseq`) inside the dialog that the 2xx
  // `answer` to this UE's INVITE set up: its Call-ID, tags and route set
  // (the 2xx's Record-Route, reversed: RFC 3261 12.1.2), Request-URI its
  // Contact or else its To URI (TP_PC_SIP_037). Returns "" when not sent.
  std::string send_reinvite(const sip::Message& answer, int cseq);
  // The final response to the request of that Call-ID at the UE, or nullopt
  // after budget_ms (or when the IUT closed the connection first).
  std::optional<Sip_Seen> wait_final(const std::string& call_id, int budget_ms);
  // Requests of that Call-ID the IUT forwarded to the S-CSCF side since `mark`.
  std::vector<Scscf_Seen> forwarded(const std::string& call_id, std::size_t mark) const;

 private:
  std::string via() const;
  std::string contact(std::uint32_t expires) const;
  sip::Message make_register(const Reg_Options& o);

  Rig& m_rig;
  Probe_Ue& m_ue;
  probe_data::TestUser m_user;
  std::string m_reg_call_id;
  std::string m_from_tag;
  std::string m_instance;
  std::uint32_t m_reg_cseq = 0;
};

// PIXIT probe.host, 127.0.0.1 when absent: the host of the probe UEs' Via
// and Contact.
std::string probe_host(const probe_data::Pixit& p);
// The first URI of a name-addr header value ("<sip:a@b>;x" -> "sip:a@b").
std::string first_uri(const std::string& value);
// The integrity-protected parameter of a forwarded REGISTER's Authorization
// ("" when absent or no Authorization).
std::string integrity_protected(const sip::Message& m);
Evidence evidence_of(const Scscf_Seen& s, const char* header = nullptr);
Evidence evidence_of(const Probe_Ue& ue, const Sip_Seen& s);

}  // namespace annexo::probe::pcscf_sip
