// Answers to SIP that cannot be answered the usual way, used by both the TLS
// connections and the plain listeners of the pcscf program:
//  - a framing error: the stream position is lost, so a status line with the
//    reason is sent and the connection closed (ADP-SIP-STREAM-FRAMING, 513 for
//    an oversized message: ADP-SIP-MAX-MESSAGE-SIZE);
//  - a message the parser refused: its Via/From/To/Call-ID/CSeq may be
//    unusable, so the 400 carries the reason only (ADP-SIP-MALFORMED-400).
#pragma once

#include <string>

#include "adapters/sip/result.h"

namespace annexo::pcscf {

struct Raw_Refusal {
  const char* requirement;
  std::string wire;  // status line, Content-Length: 0, blank line
};

inline std::string raw_status(int status, const std::string& reason) {
  return "SIP/2.0 " + std::to_string(status) + " " + reason + "\r\nContent-Length: 0\r\n\r\n";
}

inline Raw_Refusal framing_refusal(const sip::SipError& e) {
  return {e.status == 513 ? "ADP-SIP-MAX-MESSAGE-SIZE" : "ADP-SIP-STREAM-FRAMING",
          raw_status(e.status, e.text())};
}

inline Raw_Refusal parse_refusal(const sip::SipError& e) {
  return {"ADP-SIP-MALFORMED-400", raw_status(e.status, e.text())};
}

}  // namespace annexo::pcscf
