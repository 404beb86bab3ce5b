// The probe's registrar behind its P-CSCF side (TP_UE_SIP_*): answers the
// UE's REGISTERs with the shared Digest code (adapters/sip/digest.h, the same
// NonceStore / verify_credentials / make_authentication_info the embedded
// home network uses) for the PIXIT users, with adversarial answers switched
// on per TP: a wrong rspauth (N.2-UE-VERIFY-RSPAUTH), 403
// (O.3.1.1-UE-CLOSE-ON-AUTH-FAIL), a stale nonce (O.3.1.3), or silence.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "adapters/sip/digest.h"
#include "adapters/sip/message.h"
#include "tools/probe_data/probe_data.h"

namespace annexo::probe::ue_iut {

struct Registrar_Profile {
  // silent_after_challenge: the initial REGISTER is challenged, the one
  // with credentials never answered (TP_UE_SIP_013, O.3.1.4).
  enum class Answer { ok, bad_rspauth, forbidden, stale_once, silent, silent_after_challenge };
  Answer answer = Answer::ok;
  std::uint32_t expires_s = 600;  // granted in the 200
  sip::DigestAlgorithm algorithm = sip::DigestAlgorithm::md5;
  std::uint32_t flow_timer_s = 0;  // RFC 5626 4.4.1 Flow-Timer in the 200 (0: none)
  // The answer to an unprotected REGISTER on the plain sec-agree port
  // (TP_UE_SIP_008..010, decision RD-153): a 401 with the Digest challenge
  // and Security-Server `tls`, or `ipsec-3gpp` only, or no Security-Server.
  enum class Secagree { offer_tls, offer_ipsec_only, no_security_server };
  Secagree secagree = Secagree::offer_tls;
};

// One request the UE sent, as the probe read it.
struct Sip_Seen {
  std::size_t conn = 0;    // connection index (accept order, from 0)
  bool plain = false;      // on the plain sec-agree port (no TLS)
  std::size_t offset = 0;  // byte offset in that connection's decrypted SIP stream
  std::string first_line;
  sip::Message message;
  bool has_credentials = false;
  std::string digest_verdict;  // verify_credentials' verdict, "" without credentials
  std::string nonce;           // of the credentials
  int answered = 0;            // status sent, 0 none
};

class Registrar {
 public:
  Registrar(const probe_data::Pixit& pixit, Registrar_Profile profile)
      : m_pixit(pixit), m_profile(profile) {}

  // A request arrived; returns the response to send, if any.
  std::optional<std::string> on_request(Sip_Seen& seen);

  const Registrar_Profile& profile() const { return m_profile; }
  int challenges_sent() const { return m_challenges; }
  int registrations() const { return m_registrations; }  // 200s to REGISTER
  std::string last_nonce() const { return m_last_nonce; }
  std::string stale_nonce() const { return m_stale_nonce; }
  // The Security-Server value sent on the plain port ("" none yet).
  std::string security_server() const { return m_security_server; }

 private:
  std::string challenge(const sip::Message& req, bool stale);
  const probe_data::TestUser* user(const std::string& impi) const;

  const probe_data::Pixit& m_pixit;
  Registrar_Profile m_profile;
  sip::NonceStore m_nonces;
  int m_challenges = 0;
  int m_registrations = 0;
  bool m_stale_sent = false;
  std::string m_last_nonce, m_stale_nonce, m_security_server;
};

}  // namespace annexo::probe::ue_iut
