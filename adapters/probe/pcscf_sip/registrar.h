// The registrar of the probe's S-CSCF side (issue 13, TP_PC_SIP_002 and the
// "Registered UE" initial condition): SIP Digest for the PIXIT users with
// annexo's Digest code (adapters/sip/digest.h: nonces, verification,
// Authentication-Info), a 401 challenge, 403 on a wrong response, and a 2xx
// with Path (RFC 3327), Service-Route and P-Associated-URI (TS 24.229
// 5.4.1.2.2). It keeps the Path and Contact each IMPI registered with, so the
// S-CSCF side can send terminating requests back along the Path.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "adapters/sip/digest.h"
#include "adapters/sip/message.h"
#include "tools/probe_data/probe_data.h"

namespace annexo::probe::pcscf_sip {

struct Reg_Binding {
  std::string path;         // the Path field values the IUT added, joined
  std::string contact_uri;  // the Contact URI of the REGISTER
  std::vector<std::string> impus;
};

class Registrar {
 public:
  explicit Registrar(const probe_data::Pixit& pixit) : m_pixit(pixit) {}
  // The S-CSCF's answer to a REGISTER the IUT forwarded.
  sip::Message answer(const sip::Message& reg);
  // The current registration of an IMPI, nullptr when none.
  const Reg_Binding* binding(const std::string& impi) const;
  // TP_PC_SIP_026: answer a REGISTER without Authorization 200 at once, as
  // an S-CSCF that authenticated the UE some other way would (the IUT must
  // not bind on it: no Digest, O.1.1).
  // The same for TS 24.229's initial form, an Authorization with the IMPI and
  // no Digest response (TP_PC_SIP_028).
  void accept_without_credentials() { m_no_challenge = true; }
  std::string service_route() const;

 private:
  const probe_data::TestUser* user(const std::string& impi) const;
  sip::Message challenge(const sip::Message& reg, bool stale);
  // creds: nullptr for a REGISTER accepted without credentials (no Authentication-Info).
  sip::Message accept(const sip::Message& reg, const sip::DigestCredentials* creds,
                      const probe_data::TestUser& u);

  probe_data::Pixit m_pixit;
  sip::NonceStore m_nonces{300};
  std::map<std::string, Reg_Binding> m_bindings;
  bool m_no_challenge = false;
};

}  // namespace annexo::probe::pcscf_sip
