// adapters/pcscf/record_route.h: the P-CSCF's Record-Route entry on dialogs
// (issue 12, RD-200, RD-201). Expected values are written out from RFC 3261
// (12, 14, 16.6), RFC 3311, RFC 6665 and RD-200, not taken from the code under
// test. The requirements themselves are asserted on the wire by
// //tests/interop:pcscf_forward_kamailio.
#include "adapters/pcscf/record_route.h"

#include <catch2/catch.hpp>

#include "adapters/sip/message.h"

using namespace annexo::pcscf;
using annexo::sip::Message;

namespace {

Message request(const std::string& method, bool to_tag) {
  const std::string text = method +
                           " sip:bob@ims.test SIP/2.0\r\n"
                           "Via: SIP/2.0/TLS 127.0.0.1:5555;branch=z9hG4bKue1\r\n"
                           "Max-Forwards: 70\r\n"
                           "From: <sip:alice@ims.test>;tag=a\r\n"
                           "To: <sip:bob@ims.test>" +
                           std::string(to_tag ? ";tag=b" : "") +
                           "\r\n"
                           "Call-ID: c1\r\n"
                           "CSeq: 1 " +
                           method + "\r\nContent-Length: 0\r\n\r\n";
  auto m = annexo::sip::parse_message(text);
  REQUIRE(m.ok());
  return *m;
}

const char* kTok = "0100000000000000fc3c041a3ff6cb3c";
const char* kOther = "0200000000000000c2319b02922db6e2";

}  // namespace

TEST_CASE("dialog_role: dialog-forming without a To tag, target refresh with one") {
  CHECK(dialog_role(request("INVITE", false)) == Dialog_Role::dialog_forming);
  CHECK(dialog_role(request("SUBSCRIBE", false)) == Dialog_Role::dialog_forming);
  CHECK(dialog_role(request("REFER", false)) == Dialog_Role::dialog_forming);
  CHECK(dialog_role(request("INVITE", true)) == Dialog_Role::target_refresh);
  CHECK(dialog_role(request("UPDATE", true)) == Dialog_Role::target_refresh);
  CHECK(dialog_role(request("NOTIFY", true)) == Dialog_Role::target_refresh);
  CHECK(dialog_role(request("SUBSCRIBE", true)) == Dialog_Role::target_refresh);
  CHECK(dialog_role(request("MESSAGE", false)) == Dialog_Role::none);
  CHECK(dialog_role(request("BYE", true)) == Dialog_Role::none);
  CHECK(dialog_role(request("ACK", true)) == Dialog_Role::none);
  CHECK(dialog_role(request("OPTIONS", false)) == Dialog_Role::none);
}

TEST_CASE("record_route_entry and add_record_route: the entry goes on top") {
  CHECK(record_route_entry(kTok, "127.0.0.1:5061", ";transport=tls") ==
        "<sip:0100000000000000fc3c041a3ff6cb3c@127.0.0.1:5061;lr;transport=tls>");
  Message m = request("INVITE", false);
  m.add("Record-Route", "<sip:scscf.test;lr>");
  add_record_route(m, "<sip:x@p.test;lr>");
  const auto rr = m.all("Record-Route");
  REQUIRE(rr.size() == 2);
  CHECK(*rr[0] == "<sip:x@p.test;lr>");
  CHECK(*rr[1] == "<sip:scscf.test;lr>");
}

TEST_CASE("rewrite_record_route: only this flow's entry changes, wherever it is") {
  Message r = request("INVITE", true);
  r.is_request = false;
  const std::string core = std::string("<sip:") + kTok + "@127.0.0.1:6000;lr;transport=tcp>";
  const std::string ue = std::string("<sip:") + kTok + "@127.0.0.1:5061;lr;transport=tls>";
  const std::string other = std::string("<sip:") + kOther + "@127.0.0.1:6000;lr;transport=tcp>";
  r.add("Record-Route", other);
  r.add("Record-Route", "<sip:127.0.0.1:7000;transport=tcp;lr;ftag=x>, " + core);
  CHECK(rewrite_record_route(r, kTok, ue) == 1);
  const auto rr = r.all("Record-Route");
  REQUIRE(rr.size() == 2);
  CHECK(*rr[0] == other);  // another flow's entry, byte for byte
  CHECK(*rr[1] == "<sip:127.0.0.1:7000;transport=tcp;lr;ftag=x>, " + ue);
  CHECK(own_record_route(r, kTok) == ue);
  // Rewriting again to the same face changes nothing visible.
  CHECK(rewrite_record_route(r, kTok, ue) == 1);
  CHECK(*r.all("Record-Route")[1] == "<sip:127.0.0.1:7000;transport=tcp;lr;ftag=x>, " + ue);
  // No entry of this flow, or no token: nothing rewritten.
  CHECK(rewrite_record_route(r, "ffff", ue) == 0);
  CHECK(rewrite_record_route(r, "", ue) == 0);
}
