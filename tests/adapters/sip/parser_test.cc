// Parser and builder: good messages, typed headers, and every error path.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "adapters/sip/headers.h"
#include "adapters/sip/message.h"
#include "tests/support/req.h"

using namespace annexo::sip;

namespace {

const std::string kRegister =
    "REGISTER sip:ims.test SIP/2.0\r\n"
    "Via: SIP/2.0/TLS 192.0.2.4:49152;branch=z9hG4bK776asdhds;rport\r\n"
    "Max-Forwards: 70\r\n"
    "From: \"Alice\" <sip:alice@ims.test>;tag=1928301774\r\n"
    "To: <sip:alice@ims.test>\r\n"
    "Call-ID: a84b4c76e66710@pc33.test\r\n"
    "CSeq: 314159 REGISTER\r\n"
    "Contact: <sip:alice@192.0.2.4:49152;transport=tls;ob>;expires=600;reg-id=1;"
    "+sip.instance=\"<urn:uuid:00000000-0000-1000-8000-000A95A0E128>\"\r\n"
    "Supported: outbound, path\r\n"
    "Require: sec-agree\r\n"
    "Proxy-Require: sec-agree\r\n"
    "Security-Client: tls;q=0.2, digest;q=0.1\r\n"
    "Authorization: Digest username=\"alice@ims.test\", realm=\"ims.test\", nonce=\"abc\",\r\n"
    "  uri=\"sip:ims.test\", response=\"0123456789abcdef0123456789abcdef\", algorithm=MD5,\r\n"
    "  qop=auth, nc=00000001, cnonce=\"xyz\", opaque=\"op\"\r\n"
    "P-Preferred-Identity: <sip:alice@ims.test>\r\n"
    "Expires: 600\r\n"
    "Content-Length: 0\r\n"
    "\r\n";

std::string replace(std::string s, const std::string& from, const std::string& to) {
  auto p = s.find(from);
  REQUIRE(p != std::string::npos);
  return s.replace(p, from.size(), to);
}

}  // namespace

// Parses well-formed input only: cites nothing.
TEST_CASE("ADP-SIP-MALFORMED-400: a full REGISTER parses into typed fields") {
  auto r = parse_message(kRegister);
  REQUIRE(r.ok());
  const Message& m = *r;
  REQUIRE(m.is_request);
  REQUIRE(m.method == "REGISTER");
  REQUIRE(m.request_uri == "sip:ims.test");
  REQUIRE(m.via.size() == 1);
  REQUIRE(m.via[0].transport == "TLS");
  REQUIRE(m.via[0].host == "192.0.2.4");
  REQUIRE(m.via[0].port == 49152);
  REQUIRE(m.via[0].branch == "z9hG4bK776asdhds");
  REQUIRE(m.via[0].rport);
  REQUIRE_FALSE(m.via[0].rport_value);
  REQUIRE(m.from.display == "Alice");
  REQUIRE(m.from.tag() == "1928301774");
  REQUIRE(m.to.uri.user == "alice");
  REQUIRE(m.to.uri.host == "ims.test");
  REQUIRE_FALSE(m.to.tag());
  REQUIRE(m.call_id == "a84b4c76e66710@pc33.test");
  REQUIRE(m.cseq.number == 314159);
  REQUIRE(m.cseq.method == "REGISTER");
  REQUIRE(*m.first("expires") == "600");

  auto c = parse_contacts(*m.first("m"));
  REQUIRE(c.ok());
  REQUIRE(c->list.size() == 1);
  REQUIRE(contact_instance(c->list[0]) == "urn:uuid:00000000-0000-1000-8000-000A95A0E128");
  REQUIRE(contact_reg_id(c->list[0]) == 1u);
  REQUIRE(contact_expires(c->list[0]) == 600u);
  REQUIRE(find_param(c->list[0].uri.params, "ob"));
  REQUIRE(find_param(c->list[0].uri.params, "transport")->value == "tls");

  auto sup = parse_option_tags(*m.first("Supported"), "Supported");
  REQUIRE(sup.ok());
  REQUIRE(*sup == std::vector<std::string>{"outbound", "path"});

  auto sc = parse_security(*m.first("Security-Client"), "Security-Client");
  REQUIRE(sc.ok());
  REQUIRE(sc->size() == 2);
  REQUIRE((*sc)[0].name == "tls");
  REQUIRE((*sc)[0].q == 200);
  REQUIRE((*sc)[1].q == 100);

  // Folded Authorization (RFC 3261 section 7.3.1) is unfolded to one SP.
  auto cr = parse_credentials(*m.first("Authorization"));
  REQUIRE(cr.ok());
  REQUIRE(cr->username == "alice@ims.test");
  REQUIRE(cr->uri == "sip:ims.test");
  REQUIRE(cr->qop == "auth");
  REQUIRE(cr->nc == "00000001");
  REQUIRE(cr->cnonce == "xyz");
  REQUIRE(cr->opaque == "op");
  REQUIRE(cr->algorithm == DigestAlgorithm::md5);

  auto ppi = parse_name_addr_list(*m.first("P-Preferred-Identity"), "P-Preferred-Identity");
  REQUIRE(ppi.ok());
  REQUIRE(ppi->at(0).uri.user == "alice");
}

// Parses well-formed input only: cites nothing.
TEST_CASE("ADP-SIP-MALFORMED-400: responses, compact forms and serialisation round trip") {
  auto req = parse_message(kRegister);
  REQUIRE(req.ok());
  Message resp = make_response(*req, 401, default_reason(401), "srvtag");
  DigestChallenge ch;
  ch.realm = "ims.test";
  ch.nonce = "n\"1";
  ch.algorithm = DigestAlgorithm::sha256;
  ch.qop = {"auth"};
  ch.stale = true;
  ch.opaque = "o";
  resp.add("WWW-Authenticate", format_challenge(ch));
  resp.add("Security-Server", format_security({SecMechanism{"tls", 500, {}}}));
  auto wire = serialize(resp);
  REQUIRE(wire.ok());
  auto back = parse_message(*wire);
  REQUIRE(back.ok());
  REQUIRE_FALSE(back->is_request);
  REQUIRE(back->status == 401);
  REQUIRE(back->reason == "Unauthorized");
  REQUIRE(back->to.tag() == "srvtag");
  REQUIRE(back->via.size() == 1);
  REQUIRE(back->cseq.method == "REGISTER");
  auto pc = parse_challenge(*back->first("WWW-Authenticate"));
  REQUIRE(pc.ok());
  REQUIRE(pc->nonce == "n\"1");
  REQUIRE(pc->algorithm == DigestAlgorithm::sha256);
  REQUIRE(pc->stale);
  REQUIRE(pc->qop == std::vector<std::string>{"auth"});
  auto ss = parse_security(*back->first("Security-Server"), "Security-Server");
  REQUIRE(ss.ok());
  REQUIRE(ss->at(0).q == 500);
  REQUIRE(*back->first("Security-Server") == "tls;q=0.5");

  // 200 with Path, Service-Route, P-Associated-URI, Authentication-Info.
  Message ok = make_response(*req, 200, "OK", "t");
  ok.add("Path", "<sip:tok3n@pcscf.test;lr;ob>");
  ok.add("Service-Route", "<sip:orig@scscf.test;lr>");
  ok.add("P-Associated-URI", "<sip:alice@ims.test>, <tel:+15551234>");
  AuthenticationInfo ai;
  ai.rspauth = std::string(32, 'a');
  ai.qop = "auth";
  ai.nc = "00000001";
  ai.cnonce = "xyz";
  ok.add("Authentication-Info", format_authentication_info(ai));
  auto w2 = serialize(ok);
  REQUIRE(w2.ok());
  auto b2 = parse_message(*w2);
  REQUIRE(b2.ok());
  auto path = parse_name_addr_list(*b2->first("Path"), "Path");
  REQUIRE(path.ok());
  REQUIRE(path->at(0).uri.user == "tok3n");
  REQUIRE(find_param(path->at(0).uri.params, "ob"));
  REQUIRE(find_param(path->at(0).uri.params, "lr"));
  auto pau = parse_name_addr_list(*b2->first("P-Associated-URI"), "P-Associated-URI");
  REQUIRE(pau.ok());
  REQUIRE(pau->size() == 2);
  REQUIRE(pau->at(1).uri.scheme == "tel");
  auto pai = parse_authentication_info(*b2->first("Authentication-Info"));
  REQUIRE(pai.ok());
  REQUIRE(pai->rspauth == std::string(32, 'a'));
  REQUIRE(pai->cnonce == "xyz");

  // Compact forms expand to canonical names.
  REQUIRE(canonical_header_name("i") == "Call-ID");
  REQUIRE(canonical_header_name("V") == "Via");
  REQUIRE(canonical_header_name("www-authenticate") == "WWW-Authenticate");
  REQUIRE(canonical_header_name("X-Custom") == "X-Custom");

  // Request builder.
  Message msg = make_request("MESSAGE", "sip:bob@ims.test");
  msg.add("Via", "SIP/2.0/TLS 127.0.0.1:5070;branch=z9hG4bKm");
  msg.add("From", "<sip:alice@ims.test>;tag=1");
  msg.add("To", "<sip:bob@ims.test>");
  msg.add("Call-ID", "m1");
  msg.add("CSeq", "1 MESSAGE");
  msg.add("Content-Length", "999");  // replaced by the serializer
  msg.body = "hi";
  auto w3 = serialize(msg);
  REQUIRE(w3.ok());
  REQUIRE(w3->find("Content-Length: 2\r\n") != std::string::npos);
  REQUIRE(w3->find("999") == std::string::npos);
  REQUIRE(parse_message(*w3).ok());
}

//= spec#ADP-SIP-MALFORMED-400 type=test
TEST_CASE("ADP-SIP-MALFORMED-400: the serializer refuses header injection") {
  Message m = make_request("OPTIONS", "sip:h");
  m.add("Subject", "a\r\nVia: evil");
  auto r = serialize(m);
  REQ_REQUIRE("ADP-SIP-MALFORMED-400", !(r.ok()));
  REQ_REQUIRE("ADP-SIP-MALFORMED-400", r.error().where == "Subject");
  Message n = make_request("OPTIONS", "sip:h");
  n.add("Bad Name", "x");
  REQ_REQUIRE("ADP-SIP-MALFORMED-400", !(serialize(n).ok()));
  Message o;
  o.is_request = false;
  o.status = 200;
  o.reason = "OK\r\nX: y";
  REQ_REQUIRE("ADP-SIP-MALFORMED-400", !(serialize(o).ok()));
  Message p = make_request("OPTIONS", "sip:h x");
  REQ_REQUIRE("ADP-SIP-MALFORMED-400", !(serialize(p).ok()));
}

//= spec#ADP-SIP-MALFORMED-400 type=test
TEST_CASE("ADP-SIP-MALFORMED-400: every malformed message names the header and the defect") {
  struct Case {
    std::string from, to, where, why;
  };
  // Each case mutates kRegister once.
  const std::vector<Case> cases = {
      {"REGISTER sip:ims.test SIP/2.0", "REGISTER sip:ims.test SIP/3.0", "start-line", "SIP/2.0"},
      {"REGISTER sip:ims.test SIP/2.0", "REGISTER sip:ims.test", "start-line", "not a request"},
      {"REGISTER sip:ims.test SIP/2.0", "REG@STER sip:ims.test SIP/2.0", "start-line",
       "not a token"},
      {"REGISTER sip:ims.test SIP/2.0", "REGISTER http://x SIP/2.0", "Request-URI", "scheme"},
      {"REGISTER sip:ims.test SIP/2.0", "REGISTER sip:ims.test:0 SIP/2.0", "Request-URI", "port"},
      {"REGISTER sip:ims.test SIP/2.0", "REGISTER sip:ims.test:99999 SIP/2.0", "Request-URI",
       "port"},
      {"REGISTER sip:ims.test SIP/2.0", "REGISTER sip:[::1 SIP/2.0", "Request-URI", "IPv6"},
      {"REGISTER sip:ims.test SIP/2.0", "REGISTER sip:@ims.test SIP/2.0", "Request-URI",
       "empty user"},
      {"REGISTER sip:ims.test SIP/2.0", "REGISTER sip:ims_test SIP/2.0", "Request-URI",
       "bad character"},
      {";branch=z9hG4bK776asdhds", "", "Via", "branch parameter missing"},
      {"SIP/2.0/TLS 192.0.2.4", "SIP/1.0/TLS 192.0.2.4", "Via", "not SIP/2.0"},
      {"SIP/2.0/TLS 192.0.2.4", "SIP/2.0 192.0.2.4", "Via", "sent-protocol"},
      {";rport\r\n", ";rport=x\r\n", "Via", "rport"},
      {";rport\r\n", ";rport;rport\r\n", "Via", "repeated"},
      {"z9hG4bK776asdhds", "z9hG4bK\"x\"", "Via", "where ';' expected"},
      {"z9hG4bK776asdhds", "\"z9 x\"", "Via", "branch is not a token"},
      {"Via: SIP/2.0/TLS 192.0.2.4:49152;branch=z9hG4bK776asdhds;rport\r\n", "", "Via", "missing"},
      {"Max-Forwards: 70\r\n", "", "Max-Forwards", "missing"},
      {"Max-Forwards: 70", "Max-Forwards: 300", "Max-Forwards", "above 255"},
      {"Max-Forwards: 70", "Max-Forwards: seventy", "Max-Forwards", "decimal"},
      {"To: <sip:alice@ims.test>\r\n", "", "To", "missing"},
      {"To: <sip:alice@ims.test>\r\n", "To: <sip:alice@ims.test>\r\nt: <sip:bob@ims.test>\r\n",
       "To", "more than once"},
      {"To: <sip:alice@ims.test>", "To: <sip:alice@ims.test", "To", "without '>'"},
      {"To: <sip:alice@ims.test>", "To: \"Al <sip:alice@ims.test>", "To", "unterminated"},
      {"To: <sip:alice@ims.test>", "To: Al@ce <sip:alice@ims.test>", "To", "display name"},
      {"To: <sip:alice@ims.test>", "To: sip:a@b?x", "To", "must be enclosed"},
      {"To: <sip:alice@ims.test>", "To: <sip:alice@ims.test>;tag=", "To", "empty value"},
      {"To: <sip:alice@ims.test>", "To: <sip:alice@ims.test> x", "To", "where ';' expected"},
      {"To: <sip:alice@ims.test>", "To: ", "To", "empty"},
      {"From: \"Alice\" <sip:alice@ims.test>;tag=1928301774\r\n", "", "From", "missing"},
      {"Call-ID: a84b4c76e66710@pc33.test\r\n", "", "Call-ID", "missing"},
      {"Call-ID: a84b4c76e66710@pc33.test", "Call-ID: a b", "Call-ID", "whitespace"},
      {"Call-ID: a84b4c76e66710@pc33.test", "Call-ID:", "Call-ID", "empty"},
      {"CSeq: 314159 REGISTER\r\n", "", "CSeq", "missing"},
      {"CSeq: 314159 REGISTER", "CSeq: 314159 INVITE", "CSeq", "differs"},
      {"CSeq: 314159 REGISTER", "CSeq: 2147483648 REGISTER", "CSeq", "2^31"},
      {"CSeq: 314159 REGISTER", "CSeq: 99999999999 REGISTER", "CSeq", "10 digits"},
      {"CSeq: 314159 REGISTER", "CSeq: 314159", "CSeq", "method"},
      {"CSeq: 314159 REGISTER", "CSeq: x REGISTER", "CSeq", "decimal"},
      {"Content-Length: 0", "Content-Length: 5", "Content-Length", "body has 0"},
      {"Content-Length: 0", "Content-Length: x", "Content-Length", "decimal"},
      {"Expires: 600\r\n", "Expires 600\r\n", "header-section", "no ':'"},
      {"Expires: 600\r\n", "Exp ires: 600\r\n", "header-section", "not a token"},
      {"Expires: 600\r\n", "Expires: 6\n00\r\n", "header-section", "bare LF"},
      {"Expires: 600\r\n", "Expires: 6\r00\r\n", "header-section", "bare CR"},
      {"Expires: 600\r\n",
       "Expires: 6\x01"
       "00\r\n",
       "header-section", "control character"},
      {"REGISTER sip:ims.test SIP/2.0\r\n", "REGISTER sip:ims.test SIP/2.0\r\n continued\r\n",
       "header-section", "continuation line before"},
      {"REGISTER sip:ims.test SIP/2.0", "REGISTER sip:ims.test SIP/2.0\x01", "start-line",
       "control"},
  };
  for (const auto& c : cases) {
    std::string bad = replace(kRegister, c.from, c.to);
    INFO(bad);
    auto r = parse_message(bad);
    REQ_REQUIRE("ADP-SIP-MALFORMED-400", !(r.ok()));
    INFO(r.error().text());
    REQ("ADP-SIP-MALFORMED-400", r.error().where == c.where);
    REQ("ADP-SIP-MALFORMED-400", r.error().why.find(c.why) != std::string::npos);
    REQ("ADP-SIP-MALFORMED-400", r.error().status == 400);
  }
  // Status lines.
  const std::vector<std::pair<std::string, std::string>> status_cases = {
      {"SIP/2.0 20 OK", "3 digits"}, {"SIP/2.0 2000 OK", "3 digits"}, {"SIP/2.0 099 x", "range"},
      {"SIP/2.0 700 x", "range"},    {"SIP/2.0 ", "missing"},         {"SIP/2.1 200 OK", "SIP/2.0"},
  };
  for (const auto& s : status_cases) {
    std::string bad = replace(kRegister, "REGISTER sip:ims.test SIP/2.0", s.first);
    auto r = parse_message(bad);
    REQ_REQUIRE("ADP-SIP-MALFORMED-400", !(r.ok()));
    REQ("ADP-SIP-MALFORMED-400", r.error().where == "start-line");
    REQ("ADP-SIP-MALFORMED-400", r.error().why.find(s.second) != std::string::npos);
  }
  // Structural limits.
  ParseLimits small;
  small.max_headers = 5;
  auto r = parse_message(kRegister, small);
  REQ_REQUIRE("ADP-SIP-MALFORMED-400", !(r.ok()));
  REQ_REQUIRE("ADP-SIP-MALFORMED-400",
              r.error().why.find("more than 5 header fields") != std::string::npos);
  ParseLimits shortline;
  shortline.max_line = 40;
  r = parse_message(kRegister, shortline);
  REQ_REQUIRE("ADP-SIP-MALFORMED-400", !(r.ok()));
  REQ_REQUIRE("ADP-SIP-MALFORMED-400",
              r.error().why.find("longer than 40 bytes") != std::string::npos);
  ParseLimits tiny;
  tiny.max_message = 100;
  r = parse_message(kRegister, tiny);
  REQ_REQUIRE("ADP-SIP-MALFORMED-400", !(r.ok()));
  REQ_REQUIRE("ADP-SIP-MALFORMED-400", r.error().status == 513);
  REQ_REQUIRE("ADP-SIP-MALFORMED-400", !(parse_message("REGISTER sip:h SIP/2.0\r\n").ok()));
  REQ_REQUIRE("ADP-SIP-MALFORMED-400", parse_message("\r\n\r\n").error().where == "start-line");
}

//= spec#ADP-SIP-MALFORMED-400 type=test
TEST_CASE("ADP-SIP-MALFORMED-400: header-level parsers refuse malformed values precisely") {
  struct Case {
    int kind;  // 0 contacts, 1 credentials, 2 challenge, 3 security, 4 auth-info, 5 option tags, 6
               // via
    std::string value, where, why;
  };
  const std::vector<Case> cases = {
      {0, "<sip:a@h>;reg-id=0;+sip.instance=\"<urn:x>\"", "Contact", "reg-id"},
      {0, "<sip:a@h>;reg-id=1", "Contact", "without +sip.instance"},
      {0, "<sip:a@h>;+sip.instance=urn:x", "Contact", "+sip.instance"},
      {0, "<sip:a@h>;expires=-1", "Contact", "expires"},
      {0, "<sip:a@h>;expires", "Contact", "expires"},
      {0, "<sip:a@h>,", "Contact", "empty list element"},
      {0, "<sip:a@h>>", "Contact", "'>' without '<'"},
      {0, "<<sip:a@h>", "Contact", "nested"},
      {1, "Basic abc", "Authorization", "not Digest"},
      {1, "Digest", "Authorization", "no parameters"},
      {1, "Digest realm=\"r\", nonce=\"n\", uri=\"u\", response=\"00\"", "Authorization",
       "username missing"},
      {1, "Digest username=\"u\", realm=\"r\", nonce=\"n\", uri=\"u\", response=\"00\"",
       "Authorization", "32 hex"},
      {1,
       "Digest username=\"u\", realm=\"r\", nonce=\"n\", uri=\"u\", "
       "response=\"0123456789abcdef0123456789abcdef\", algorithm=SHA-256",
       "Authorization", "64 hex"},
      {1,
       "Digest username=\"u\", realm=\"r\", nonce=\"n\", uri=\"u\", "
       "response=\"0123456789abcdef0123456789abcdef\", algorithm=MD5-sess",
       "Authorization", "unsupported algorithm"},
      {1,
       "Digest username=\"u\", realm=\"r\", nonce=\"n\", uri=\"u\", "
       "response=\"0123456789abcdef0123456789abcdef\", qop=auth-int, nc=00000001, cnonce=\"c\"",
       "Authorization", "only auth"},
      {1,
       "Digest username=\"u\", realm=\"r\", nonce=\"n\", uri=\"u\", "
       "response=\"0123456789abcdef0123456789abcdef\", qop=auth, cnonce=\"c\"",
       "Authorization", "nc missing"},
      {1,
       "Digest username=\"u\", realm=\"r\", nonce=\"n\", uri=\"u\", "
       "response=\"0123456789abcdef0123456789abcdef\", qop=auth, nc=00000001",
       "Authorization", "cnonce missing"},
      {1,
       "Digest username=\"u\", realm=\"r\", nonce=\"n\", uri=\"u\", "
       "response=\"0123456789abcdef0123456789abcdef\", qop=auth, nc=1, cnonce=\"c\"",
       "Authorization", "8 hex"},
      {1,
       "Digest username=\"u\", realm=\"r\", nonce=\"n\", uri=\"u\", "
       "response=\"0123456789abcdef0123456789abcdef\", nc=00000001",
       "Authorization", "without qop"},
      {1,
       "Digest username=\"u\", realm=\"r\", nonce=\"n\", uri=\"u\", "
       "response=\"0123456789abcdef0123456789abcdef\", userhash=true",
       "Authorization", "userhash"},
      {1, "Digest username=\"u\", username=\"v\"", "Authorization", "repeated"},
      {1, "Digest username=\"u\" realm=\"r\"", "Authorization", "expected ','"},
      {1, "Digest username=\"u\",", "Authorization", "trailing"},
      {1, "Digest username", "Authorization", "without '='"},
      {1, "Digest username=", "Authorization", "empty value"},
      {1, "Digest username=\"u", "Authorization", "unterminated"},
      {1,
       "Digest username=\"\", realm=\"r\", nonce=\"n\", uri=\"u\", "
       "response=\"0123456789abcdef0123456789abcdef\"",
       "Authorization", "username empty"},
      {2, "Digest nonce=\"n\"", "WWW-Authenticate", "realm missing"},
      {2, "Digest realm=\"r\"", "WWW-Authenticate", "nonce missing"},
      {2, "Digest realm=\"r\", nonce=\"n\", stale=maybe", "WWW-Authenticate", "stale"},
      {2, "Digest realm=\"r\", nonce=\"n\", algorithm=SHA-512-256", "WWW-Authenticate",
       "unsupported algorithm"},
      {2, "Digest realm=\"r\", nonce=\"n\", qop=\"auth,,\"", "WWW-Authenticate", "qop"},
      {3, "tls;q=2", "Security-Client", "q value"},
      {3, "tls;q=0.1234", "Security-Client", "q value"},
      {3, "tls;q=1.5", "Security-Client", "q value above 1"},
      {3, "tls;q", "Security-Client", "q without value"},
      {3, ";q=0.1", "Security-Client", "mechanism name"},
      {3, "tls q=0.1", "Security-Client", "where ';' expected"},
      {4, "rspauth=\"xyz\"", "Authentication-Info", "rspauth"},
      {4, "rspauth", "Authentication-Info", "without '='"},
      {5, "sec-agree, o/b", "Require", "not a token"},
      {6, "SIP/2.0/TLS ;branch=z9hG4bK1", "Via", "missing sent-by"},
      {6, "SIP/2.0/TLS h:x;branch=z9hG4bK1", "Via", "port"},
      {6, "SIP/2.0/TLS h;branch=z9hG4bK1;received", "Via", "received without value"},
      {6, "SIP/2.0/TLS h;branch=z9hG4bK1, ", "Via", "empty list element"},
  };
  for (const auto& c : cases) {
    INFO(c.value);
    SipError e;
    switch (c.kind) {
      case 0: {
        auto r = parse_contacts(c.value);
        REQ_REQUIRE("ADP-SIP-MALFORMED-400", !(r.ok()));
        e = r.error();
        break;
      }
      case 1: {
        auto r = parse_credentials(c.value);
        REQ_REQUIRE("ADP-SIP-MALFORMED-400", !(r.ok()));
        e = r.error();
        break;
      }
      case 2: {
        auto r = parse_challenge(c.value);
        REQ_REQUIRE("ADP-SIP-MALFORMED-400", !(r.ok()));
        e = r.error();
        break;
      }
      case 3: {
        auto r = parse_security(c.value, "Security-Client");
        REQ_REQUIRE("ADP-SIP-MALFORMED-400", !(r.ok()));
        e = r.error();
        break;
      }
      case 4: {
        auto r = parse_authentication_info(c.value);
        REQ_REQUIRE("ADP-SIP-MALFORMED-400", !(r.ok()));
        e = r.error();
        break;
      }
      case 5: {
        auto r = parse_option_tags(c.value, "Require");
        REQ_REQUIRE("ADP-SIP-MALFORMED-400", !(r.ok()));
        e = r.error();
        break;
      }
      case 6: {
        auto r = parse_via(c.value);
        REQ_REQUIRE("ADP-SIP-MALFORMED-400", !(r.ok()));
        e = r.error();
        break;
      }
    }
    INFO(e.text());
    REQ("ADP-SIP-MALFORMED-400", e.where == c.where);
    REQ("ADP-SIP-MALFORMED-400", e.why.find(c.why) != std::string::npos);
  }
}

// Parses well-formed input only: cites nothing.
TEST_CASE("ADP-SIP-MALFORMED-400: Via received, rport value, several vias and IPv6") {
  auto v = parse_via(
      "SIP/2.0/tls [2001:db8::1]:5061;branch=z9hG4bKa;received=[2001:db8::2];rport=5070 , "
      "SIP / 2.0 / TCP p.test;branch=z9hG4bKb");
  REQUIRE(v.ok());
  REQUIRE(v->size() == 2);
  REQUIRE((*v)[0].transport == "TLS");
  REQUIRE((*v)[0].host == "[2001:db8::1]");
  REQUIRE((*v)[0].port == 5061);
  REQUIRE((*v)[0].received == "[2001:db8::2]");
  REQUIRE((*v)[0].rport_value == 5070);
  REQUIRE((*v)[1].host == "p.test");
  REQUIRE_FALSE((*v)[1].port);
  Via w = (*v)[1];
  w.received = "127.0.0.1";
  w.rport = true;
  w.rport_value = 40000;
  auto back = parse_via(format_via(w));
  REQUIRE(back.ok());
  REQUIRE(back->at(0).received == "127.0.0.1");
  REQUIRE(back->at(0).rport_value == 40000);
  REQUIRE(back->at(0).branch == "z9hG4bKb");
}

//= spec#RFC3329-PC-VERIFY-ECHO type=test
TEST_CASE("RFC3329-PC-VERIFY-ECHO: Security-Verify must equal the Security-Server list sent") {
  auto server = parse_security("tls;q=0.5, digest;q=0.1;d-alg=md5", "Security-Server");
  REQUIRE(server.ok());
  auto same = parse_security("TLS;q=0.500, digest;d-alg=md5;q=0.1", "Security-Verify");
  REQUIRE(same.ok());
  REQ_REQUIRE("RFC3329-PC-VERIFY-ECHO", same_security_lists(*server, *same));
  const char* bids[] = {
      "tls;q=0.5",                              // dropped mechanism (bid-down)
      "digest;q=0.1;d-alg=md5, tls;q=0.5",      // reordered
      "tls;q=0.4, digest;q=0.1;d-alg=md5",      // q changed
      "tls;q=0.5, digest;q=0.1;d-alg=sha",      // parameter changed
      "tls;q=0.5, digest;q=0.1",                // parameter dropped
      "tls;q=0.5, digest;q=0.1;d-alg=md5;x=1",  // parameter added
      "tls, digest;q=0.1;d-alg=md5",            // q dropped
  };
  for (const char* b : bids) {
    INFO(b);
    auto v = parse_security(b, "Security-Verify");
    REQUIRE(v.ok());
    REQ_REQUIRE("RFC3329-PC-VERIFY-ECHO", !(same_security_lists(*server, *v)));
  }
}

// Joins well-formed headers only: cites nothing.
TEST_CASE(
    "ADP-SIP-MALFORMED-400: joined gives every field of a name, in wire order, comma-separated") {
  Message m = make_request("REGISTER", "sip:annexo.test");
  CHECK(m.joined("Security-Client").empty());
  m.add("Security-Client", "tls");
  m.add("Supported", "path");
  m.add("security-client", "ipsec-3gpp;alg=hmac-sha-1-96");
  CHECK(m.joined("Security-Client") == "tls, ipsec-3gpp;alg=hmac-sha-1-96");
  CHECK(m.joined("Supported") == "path");
}
