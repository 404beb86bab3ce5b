#include "adapters/probe/pcscf_tls/registration.h"

#include <optional>

#include "adapters/sip/digest.h"
#include "adapters/sip/framer.h"
#include "adapters/sip/headers.h"
#include "adapters/sip/message.h"

namespace annexo::probe::pcscf_tls {
namespace {

struct Sip_Reader {
  sip::Framer framer{sip::FramerRole::client};
  std::size_t offset = 0;  // bytes of the plaintext stream consumed

  // The next SIP response within the budget; nullopt on timeout, close or garbage.
  std::optional<sip::Message> next(Tls_Session& s, int budget_ms, std::size_t& at) {
    std::optional<sip::Message> got;
    s.pump(budget_ms, [&] {
      std::string& in = s.plaintext();
      if (!in.empty()) {
        framer.feed(in);
        offset += in.size();
        in.clear();
      }
      for (;;) {
        auto ev = framer.next();
        if (!ev.ok() || !ev->has_value()) return framer.failed();
        if ((*ev)->kind != sip::FrameKind::message) continue;
        auto m = sip::parse_message((*ev)->bytes);
        if (!m.ok() || m->is_request) continue;
        at = offset - framer.buffered() - (*ev)->bytes.size();
        got = *m;
        return true;
      }
    });
    return got;
  }
};

}  // namespace

bool register_user(Tls_Session& session, const Tp_Context& ctx, std::vector<Evidence>& evidence,
                   std::string& why) {
  if (ctx.pixit.users.empty()) {
    why = "no PIXIT user";
    return false;
  }
  const probe_data::TestUser& user = ctx.pixit.users.front();
  const std::string domain = ctx.pixit.domain;
  const std::string uri = "sip:" + domain;
  const std::string impu = user.impus.empty() ? "sip:" + user.impi : user.impus.front();
  const std::string call_id = sip::random_hex(12) + "@probe";
  const std::string tag = sip::random_hex(6);
  const std::string host = ctx.pixit.probe_host.empty() ? "127.0.0.1" : ctx.pixit.probe_host;
  const int port = session.conn().local_port();
  const auto at = user.impi.find('@');
  const std::string name = at == std::string::npos ? user.impi : user.impi.substr(0, at);
  Sip_Reader reader;
  std::optional<sip::DigestChallenge> challenge;
  for (int cseq = 1; cseq <= 2; ++cseq) {
    sip::Message m = sip::make_request("REGISTER", uri);
    m.add("Via", "SIP/2.0/TLS " + host + ":" + std::to_string(port) + ";branch=z9hG4bK" +
                     sip::random_hex(8) + ";rport");
    m.add("From", "<" + impu + ">;tag=" + tag);
    m.add("To", "<" + impu + ">");
    m.add("Call-ID", call_id);
    m.add("CSeq", std::to_string(cseq) + " REGISTER");
    m.add("Contact", "<sip:" + name + "@" + host + ":" + std::to_string(port) +
                         ";transport=tls;ob>;+sip.instance=\"<urn:uuid:00000000-0000-4000-8000-" +
                         sip::random_hex(6) + ">\";reg-id=1");
    m.add("Expires", "600");
    m.add("Supported", "path, outbound");
    if (challenge) {
      auto c = sip::answer_challenge(*challenge, user.impi, user.password, "REGISTER", uri, 1);
      if (!c.ok()) {
        why = "the IUT's challenge cannot be answered: " + c.error().text();
        return false;
      }
      m.add("Authorization", sip::format_credentials(*c));
    }
    auto wire = sip::serialize(m);
    if (!wire.ok() || !session.send(*wire)) {
      why = "REGISTER could not be sent";
      return false;
    }
    std::optional<sip::Message> r;
    std::size_t offset = 0;
    do {
      r = reader.next(session, ctx.budget_ms("sip_response_s", 5), offset);
    } while (r && r->status < 200);
    if (!r) {
      why = "no final response to REGISTER within timers.sip_response_s";
      return false;
    }
    evidence.push_back({"iut->probe sip", offset,
                        "SIP/2.0 " + std::to_string(r->status) + " " + r->reason +
                            " (REGISTER CSeq " + std::to_string(cseq) + ")"});
    if (r->status >= 200 && r->status < 300) return true;
    const std::string* www = r->first("WWW-Authenticate");
    if (r->status != 401 || www == nullptr || challenge) {
      why = "REGISTER answered " + std::to_string(r->status);
      return false;
    }
    auto parsed = sip::parse_challenge(*www);
    if (!parsed.ok()) {
      why = "unreadable WWW-Authenticate: " + parsed.error().text();
      return false;
    }
    challenge = *parsed;
  }
  why = "not registered after the challenge";
  return false;
}

}  // namespace annexo::probe::pcscf_tls
