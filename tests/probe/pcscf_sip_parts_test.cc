// The probe's P-CSCF SIP group, parts that need no IUT
// (adapters/probe/pcscf_sip): the stream recorder's offsets whatever the
// split, and the S-CSCF side's registrar (challenge, 2xx with Path /
// Service-Route / P-Associated-URI, 403 on a wrong password,
// de-registration). Checks the probe itself: no requirement.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "adapters/probe/pcscf_sip/registrar.h"
#include "adapters/probe/pcscf_sip/sip_stream.h"
#include "adapters/sip/digest.h"

using namespace annexo;
using annexo::probe::pcscf_sip::Registrar;
using annexo::probe::pcscf_sip::Sip_Seen;
using annexo::probe::pcscf_sip::Sip_Stream;

namespace {

std::string request(const std::string& method, const std::string& call_id) {
  return method +
         " sip:bob@annexo.test SIP/2.0\r\n"
         "Via: SIP/2.0/TLS 127.0.0.1:5000;branch=z9hG4bK" +
         call_id +
         "\r\n"
         "Max-Forwards: 70\r\n"
         "From: <sip:alice@annexo.test>;tag=1\r\n"
         "To: <sip:bob@annexo.test>\r\n"
         "Call-ID: " +
         call_id +
         "\r\n"
         "CSeq: 1 " +
         method +
         "\r\n"
         "Content-Length: 0\r\n\r\n";
}

probe_data::Pixit pixit() {
  probe_data::Pixit p;
  p.domain = "annexo.test";
  p.probe_host = "127.0.0.1";
  p.probe_next_hop_port = 5070;
  p.users = {{"alice@annexo.test", "alice-password", {"sip:alice@annexo.test", "tel:+1555"}},
             {"bob@annexo.test", "bob-password", {"sip:bob@annexo.test"}}};
  return p;
}

// A REGISTER as an IUT would forward it: a Path, and credentials when given.
sip::Message forwarded_register(const std::string& authz, std::uint32_t expires) {
  sip::Message m = sip::make_request("REGISTER", "sip:annexo.test");
  m.add("Via", "SIP/2.0/TCP 127.0.0.1:6000;branch=z9hG4bK1");
  m.add("From", "<sip:alice@annexo.test>;tag=1");
  m.add("To", "<sip:alice@annexo.test>");
  m.add("Call-ID", "reg-1");
  m.add("CSeq", "1 REGISTER");
  m.add("Contact",
        "<sip:alice@127.0.0.1:5000;transport=tls;ob>;+sip.instance=\"<urn:uuid:1>\";reg-id=1;"
        "expires=" +
            std::to_string(expires));
  m.add("Path", "<sip:0123abcd@127.0.0.1:6001;lr;ob>");
  if (!authz.empty()) m.add("Authorization", authz);
  auto wire = sip::serialize(m);
  REQUIRE(wire.ok());
  auto parsed = sip::parse_message(*wire);
  REQUIRE(parsed.ok());
  return *parsed;
}

std::string answer(const sip::Message& challenge_response, const std::string& password) {
  const std::string* www = challenge_response.first("WWW-Authenticate");
  REQUIRE(www != nullptr);
  auto ch = sip::parse_challenge(*www);
  REQUIRE(ch.ok());
  auto c =
      sip::answer_challenge(*ch, "alice@annexo.test", password, "REGISTER", "sip:annexo.test", 1);
  REQUIRE(c.ok());
  return sip::format_credentials(*c);
}

}  // namespace

TEST_CASE("probe pcscf_sip: the stream recorder gives each message its offset whatever the split") {
  const std::string a = request("INVITE", "c1");
  const std::string b = request("MESSAGE", "c2");
  const std::string all = a + "\r\n\r\n" + b;  // a ping between the two
  for (std::size_t cut = 1; cut < all.size(); cut += 7) {
    Sip_Stream s(sip::FramerRole::server);
    std::vector<Sip_Seen> out;
    REQUIRE(s.feed(all.substr(0, cut), out));
    REQUIRE(s.feed(all.substr(cut), out));
    REQUIRE(out.size() == 2);
    CHECK(out[0].offset == 0);
    CHECK(out[0].start_line() == "INVITE sip:bob@annexo.test SIP/2.0");
    CHECK(out[1].offset == a.size() + 4);
    CHECK(out[1].line("Call-ID") == "Call-ID: c2");
    REQUIRE(s.pings().size() == 1);
    CHECK(s.pings()[0] == a.size());
  }
}

TEST_CASE(
    "probe pcscf_sip: the registrar challenges, registers with Path, Service-Route and "
    "P-Associated-URI, and de-registers") {
  Registrar r(pixit());
  const sip::Message first = r.answer(forwarded_register("", 600));
  REQUIRE(first.status == 401);
  CHECK(r.binding("alice@annexo.test") == nullptr);
  const sip::Message ok = r.answer(forwarded_register(answer(first, "alice-password"), 600));
  REQUIRE(ok.status == 200);
  CHECK(ok.joined("Path") == "<sip:0123abcd@127.0.0.1:6001;lr;ob>");
  CHECK(ok.joined("Service-Route") == "<sip:orig@127.0.0.1:5070;transport=tcp;lr>");
  // Each PIXIT IMPU is its own registration set: the registered one alone.
  CHECK(ok.joined("P-Associated-URI") == "<sip:alice@annexo.test>");
  CHECK(ok.first("Authentication-Info") != nullptr);
  const auto* b = r.binding("alice@annexo.test");
  REQUIRE(b != nullptr);
  CHECK(b->path == "<sip:0123abcd@127.0.0.1:6001;lr;ob>");
  CHECK(b->contact_uri == "sip:alice@127.0.0.1:5000;transport=tls;ob");
  // Expires 0: 200 and the binding is gone.
  const sip::Message again = r.answer(forwarded_register("", 0));
  REQUIRE(again.status == 401);
  const sip::Message gone = r.answer(forwarded_register(answer(again, "alice-password"), 0));
  CHECK(gone.status == 200);
  CHECK(r.binding("alice@annexo.test") == nullptr);
}

TEST_CASE("probe pcscf_sip: the registrar answers a wrong password 403 and binds nothing") {
  Registrar r(pixit());
  const sip::Message first = r.answer(forwarded_register("", 600));
  REQUIRE(first.status == 401);
  const sip::Message no = r.answer(forwarded_register(answer(first, "wrong"), 600));
  CHECK(no.status == 403);
  CHECK(r.binding("alice@annexo.test") == nullptr);
}
