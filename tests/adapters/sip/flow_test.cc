// The whole Annex N registration built and checked with the SIP layer alone:
// what pcscf and ue do, without sockets (a usage example for both programs).
#include <catch2/catch.hpp>

#include <string>

#include "adapters/sip/digest.h"
#include "adapters/sip/framer.h"
#include "adapters/sip/message.h"
#include "tests/support/req.h"

using namespace annexo::sip;

namespace {

// Frames one message out of a wire string (as a connection would).
Message through_the_wire(const Message& m) {
  auto wire = serialize(m);
  REQUIRE(wire.ok());
  Framer f;
  f.feed(*wire);
  auto ev = f.next();
  REQUIRE(ev.ok());
  REQUIRE(ev->has_value());
  REQUIRE((*ev)->kind == FrameKind::message);
  auto parsed = parse_message((*ev)->bytes);
  INFO((parsed.ok() ? std::string() : parsed.error().text()));
  REQUIRE(parsed.ok());
  return std::move(parsed).value();
}

Message ue_register(int cseq, const std::string& branch) {
  Message r = make_request("REGISTER", "sip:ims.test");
  r.add("Via", "SIP/2.0/TLS 127.0.0.1:40000;branch=z9hG4bK" + branch + ";rport");
  r.add("From", "<sip:alice@ims.test>;tag=ue1");
  r.add("To", "<sip:alice@ims.test>");
  r.add("Call-ID", "reg-1@127.0.0.1");
  r.add("CSeq", std::to_string(cseq) + " REGISTER");
  r.add("Contact",
        "<sip:alice@127.0.0.1:40000;transport=tls;ob>;reg-id=1;"
        "+sip.instance=\"<urn:uuid:00000000-0000-1000-8000-000000000001>\"");
  r.add("Supported", "outbound, path");
  r.add("Expires", "600");
  return r;
}

}  // namespace

//= spec#O.2.1-HN-AUTH-UE-DIGEST type=test
//= spec#N.1-DIGEST-RFC7616 type=test
TEST_CASE(
    "O.2.1-HN-AUTH-UE-DIGEST: REGISTER, 401 Digest challenge, REGISTER with credentials, 200 with "
    "rspauth") {
  for (DigestAlgorithm alg : {DigestAlgorithm::md5, DigestAlgorithm::sha256}) {
    NonceStore nonces(300);
    const std::string password = "alice-secret";

    // UE: first REGISTER, no credentials.
    Message sm1 = through_the_wire(ue_register(1, "a1"));
    REQUIRE_FALSE(sm1.first("Authorization"));

    // P-CSCF (embedded home network): 401 with a fresh nonce.
    Message c401 = make_response(sm1, 401, default_reason(401), "pc1");
    DigestChallenge ch;
    ch.realm = "ims.test";
    ch.nonce = nonces.issue(1000);
    ch.algorithm = alg;
    ch.qop = {"auth"};
    ch.opaque = random_hex(8);
    c401.add("WWW-Authenticate", format_challenge(ch));
    Message sm4 = through_the_wire(c401);
    REQUIRE(sm4.status == 401);

    // UE: answers the challenge.
    auto got = parse_challenge(*sm4.first("WWW-Authenticate"));
    REQUIRE(got.ok());
    auto creds = answer_challenge(*got, "alice@ims.test", password, "REGISTER", "sip:ims.test");
    REQUIRE(creds.ok());
    Message reg2 = ue_register(2, "a2");
    reg2.add("Authorization", format_credentials(*creds));
    Message sm7 = through_the_wire(reg2);

    // P-CSCF: verifies, then 200 with Path (flow token, ob), Service-Route,
    // P-Associated-URI and Authentication-Info.
    auto pc_creds = parse_credentials(*sm7.first("Authorization"));
    REQUIRE(pc_creds.ok());
    REQ_REQUIRE("N.1-DIGEST-RFC7616", pc_creds->username == "alice@ims.test");
    DigestServerCheck chk{"ims.test", alg, sm7.method, sm7.request_uri, password, 1001};
    REQ_REQUIRE("O.2.1-HN-AUTH-UE-DIGEST",
                verify_credentials(*pc_creds, chk, nonces) == DigestVerdict::ok);
    auto contacts = parse_contacts(*sm7.first("Contact"));
    REQUIRE(contacts.ok());
    REQUIRE(contact_reg_id(contacts->list[0]) == 1u);
    Message ok = make_response(sm7, 200, default_reason(200), "pc1");
    ok.add("Path", "<sip:" + random_hex(16) + "@pcscf.test;lr;ob>");
    ok.add("Service-Route", "<sip:orig@pcscf.test;lr>");
    ok.add("P-Associated-URI", "<sip:alice@ims.test>");
    ok.add("Contact", *sm7.first("Contact") + ";expires=600");
    ok.add("Authentication-Info",
           format_authentication_info(make_authentication_info(*pc_creds, password)));
    Message sm8 = through_the_wire(ok);

    // UE: checks rspauth (N.2-UE-VERIFY-RSPAUTH) and the Path flow token.
    auto ai = parse_authentication_info(*sm8.first("Authentication-Info"));
    REQUIRE(ai.ok());
    REQ_REQUIRE("N.1-DIGEST-RFC7616", verify_rspauth(*ai, *creds, password));
    auto path = parse_name_addr_list(*sm8.first("Path"), "Path");
    REQUIRE(path.ok());
    REQUIRE(path->at(0).uri.user.size() == 32);
    REQUIRE(find_param(path->at(0).uri.params, "ob"));

    // A replay of SM7 is refused (nonce count), a 403 is built for it.
    REQ_REQUIRE("O.2.1-HN-AUTH-UE-DIGEST",
                verify_credentials(*pc_creds, chk, nonces) == DigestVerdict::replayed_nc);
    Message f = through_the_wire(make_response(sm7, 403, default_reason(403), "pc1"));
    REQUIRE(f.status == 403);
    REQUIRE(f.reason == "Forbidden");
  }
}

//= spec#ADP-SIP-MALFORMED-400 type=test
TEST_CASE(
    "ADP-SIP-MALFORMED-400: a 400 carries the parser's reason and responses for 420, 430, 494 "
    "build") {
  const std::string bad =
      "REGISTER sip:ims.test SIP/2.0\r\nVia: SIP/2.0/TLS "
      "127.0.0.1:40000;branch=z9hG4bKb\r\nMax-Forwards: 70\r\n"
      "From: <sip:alice@ims.test>;tag=1\r\nTo: <sip:alice@ims.test>\r\nCall-ID: x\r\nCSeq: 1 "
      "REGISTER\r\n"
      "Contact: <sip:alice@127.0.0.1>;reg-id=1\r\nContent-Length: 0\r\n\r\n";
  auto m = parse_message(bad);
  REQUIRE(m.ok());  // the message itself is well-formed ...
  auto c = parse_contacts(*m->first("Contact"));
  REQ_REQUIRE("ADP-SIP-MALFORMED-400",
              !(c.ok()));  // ... its Contact is not (reg-id without +sip.instance)
  Message r = make_response(*m, 400, c.error().text(), "t");
  auto back = through_the_wire(r);
  REQ_REQUIRE("ADP-SIP-MALFORMED-400", back.status == 400);
  REQ_REQUIRE("ADP-SIP-MALFORMED-400",
              back.reason == "Contact: reg-id without +sip.instance (RFC 5626 section 4.2)");
  for (int code : {420, 430, 494, 513}) {
    Message x = make_response(*m, code, default_reason(code), "t");
    if (code == 420) x.add("Unsupported", "foo");
    if (code == 494) x.add("Security-Server", format_security({SecMechanism{"tls", 1000, {}}}));
    auto y = through_the_wire(x);
    REQUIRE(y.status == code);
    REQUIRE(std::string(default_reason(code)) != "Unknown");
  }
}
