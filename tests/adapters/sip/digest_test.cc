// SIP Digest (33.203 Annex N -> RFC 7616): vectors, verification, nonces.
#include <catch2/catch.hpp>

#include <optional>
#include <set>
#include <string>

#include "adapters/sip/digest.h"
#include "tests/support/req.h"

using namespace annexo::sip;

namespace {

// RFC 7616 section 3.9.1.
const char* kUser = "Mufasa";
const char* kPass = "Circle of Life";
const char* kRealm = "http-auth@example.org";
const char* kNonce = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v";
const char* kCnonce = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";
const char* kUri = "/dir/index.html";

}  // namespace

//= spec#N.1-DIGEST-RFC7616 type=test
TEST_CASE("N.1-DIGEST-RFC7616: RFC 7616 section 3.9.1 example responses for MD5 and SHA-256") {
  std::string md5_ha1 = digest_ha1(DigestAlgorithm::md5, kUser, kRealm, kPass);
  REQ_REQUIRE("N.1-DIGEST-RFC7616",
              digest_response(DigestAlgorithm::md5, md5_ha1, kNonce, "00000001", kCnonce, "auth",
                              "GET", kUri) == "8ca523f5e9506fed4657c9700eebdbec");
  std::string sha_ha1 = digest_ha1(DigestAlgorithm::sha256, kUser, kRealm, kPass);
  REQ_REQUIRE(
      "N.1-DIGEST-RFC7616",
      digest_response(DigestAlgorithm::sha256, sha_ha1, kNonce, "00000001", kCnonce, "auth", "GET",
                      kUri) == "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1");
  // RFC 2617 section 3.5 example (MD5, qop=auth): a second independent vector.
  std::string ha1 =
      digest_ha1(DigestAlgorithm::md5, "Mufasa", "testrealm@host.com", "Circle Of Life");
  REQ_REQUIRE("N.1-DIGEST-RFC7616",
              digest_response(DigestAlgorithm::md5, ha1, "dcd98b7102dd2f0e8b11d0f600bfb0c093",
                              "00000001", "0a4f113b", "auth", "GET",
                              "/dir/index.html") == "6629fae49393a05397450978507c4ef1");
  // answer_challenge reproduces the same vector end to end.
  DigestChallenge ch;
  ch.realm = kRealm;
  ch.nonce = kNonce;
  ch.algorithm = DigestAlgorithm::sha256;
  ch.qop = {"auth", "auth-int"};
  ch.opaque = "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS";
  auto cr = answer_challenge(ch, kUser, kPass, "GET", kUri, 1, kCnonce);
  REQUIRE(cr.ok());
  REQ_REQUIRE("N.1-DIGEST-RFC7616",
              cr->response == "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1");
  REQUIRE(cr->nc == "00000001");
  REQUIRE(cr->opaque == ch.opaque);
  auto parsed = parse_credentials(format_credentials(*cr));
  REQUIRE(parsed.ok());
  REQ_REQUIRE("N.1-DIGEST-RFC7616", parsed->response == cr->response);
  REQUIRE(parsed->algorithm == DigestAlgorithm::sha256);
  // qop offered without auth: refused.
  ch.qop = {"auth-int"};
  REQ_REQUIRE("N.1-DIGEST-RFC7616", !(answer_challenge(ch, kUser, kPass, "GET", kUri).ok()));
}

//= spec#N.1-DIGEST-RFC7616 type=test
//= spec#ADP-SIP-DIGEST-NONCE type=test
TEST_CASE(
    "N.1-DIGEST-RFC7616: the P-CSCF verifies credentials; wrong password, realm, uri, algorithm "
    "fail") {
  for (DigestAlgorithm alg : {DigestAlgorithm::md5, DigestAlgorithm::sha256}) {
    INFO(algorithm_name(alg));
    NonceStore nonces(300);
    DigestChallenge ch;
    ch.realm = "ims.test";
    ch.nonce = nonces.issue(1000);
    ch.algorithm = alg;
    ch.qop = {"auth"};
    auto good = answer_challenge(ch, "alice@ims.test", "secret", "REGISTER", "sip:ims.test");
    REQUIRE(good.ok());
    DigestServerCheck chk{"ims.test", alg, "REGISTER", "sip:ims.test", "secret", 1010};

    auto wrong = answer_challenge(ch, "alice@ims.test", "Secret", "REGISTER", "sip:ims.test");
    REQ_REQUIRE("N.1-DIGEST-RFC7616",
                verify_credentials(*wrong, chk, nonces) == DigestVerdict::wrong_response);
    // A failed attempt does not consume the nonce count: the right answer still passes.
    REQ_REQUIRE("N.1-DIGEST-RFC7616", verify_credentials(*good, chk, nonces) == DigestVerdict::ok);
    // Replay of the same nc.
    REQ_REQUIRE("ADP-SIP-DIGEST-NONCE",
                verify_credentials(*good, chk, nonces) == DigestVerdict::replayed_nc);
    // Next nc on the same nonce is fine.
    auto second = answer_challenge(ch, "alice@ims.test", "secret", "REGISTER", "sip:ims.test", 2);
    REQ_REQUIRE("ADP-SIP-DIGEST-NONCE",
                verify_credentials(*second, chk, nonces) == DigestVerdict::ok);

    DigestServerCheck other_realm = chk;
    other_realm.realm = "other.test";
    REQ_REQUIRE("N.1-DIGEST-RFC7616",
                verify_credentials(*good, other_realm, nonces) == DigestVerdict::wrong_realm);
    DigestServerCheck other_uri = chk;
    other_uri.request_uri = "sip:other.test";
    REQ_REQUIRE("N.1-DIGEST-RFC7616",
                verify_credentials(*good, other_uri, nonces) == DigestVerdict::wrong_uri);
    DigestServerCheck other_alg = chk;
    other_alg.algorithm =
        alg == DigestAlgorithm::md5 ? DigestAlgorithm::sha256 : DigestAlgorithm::md5;
    REQ_REQUIRE("N.1-DIGEST-RFC7616",
                verify_credentials(*good, other_alg, nonces) == DigestVerdict::wrong_algorithm);
    DigestServerCheck other_method = chk;
    other_method.method = "MESSAGE";
    auto third = answer_challenge(ch, "alice@ims.test", "secret", "REGISTER", "sip:ims.test", 3);
    REQ_REQUIRE("N.1-DIGEST-RFC7616",
                verify_credentials(*third, other_method, nonces) == DigestVerdict::wrong_response);
    DigestCredentials noqop = *third;
    noqop.qop.reset();
    REQ_REQUIRE("N.1-DIGEST-RFC7616",
                verify_credentials(noqop, chk, nonces) == DigestVerdict::missing_qop);
  }
}

//= spec#ADP-SIP-DIGEST-NONCE type=test
TEST_CASE(
    "ADP-SIP-DIGEST-NONCE: stale, forged and garbled nonces; stale only with a right response") {
  NonceStore nonces(300);
  const std::string n = nonces.issue(0xfffffff0u);  // wraps during its lifetime
  REQ_REQUIRE("ADP-SIP-DIGEST-NONCE", n.size() == 44);
  REQ_REQUIRE("ADP-SIP-DIGEST-NONCE",
              nonces.check(n, "00000001", 0xfffffff0u + 100u) == NonceCheck::valid);
  REQ_REQUIRE("ADP-SIP-DIGEST-NONCE",
              nonces.check(n, "00000002", 0xfffffff0u + 300u) == NonceCheck::valid);
  REQ_REQUIRE("ADP-SIP-DIGEST-NONCE",
              nonces.check(n, "00000003", 0xfffffff0u + 301u) == NonceCheck::stale);
  // nc 0 and non-hex nc are refused.
  const std::string m = nonces.issue(10);
  REQ_REQUIRE("ADP-SIP-DIGEST-NONCE", nonces.check(m, "00000000", 10) == NonceCheck::replay);
  REQ_REQUIRE("ADP-SIP-DIGEST-NONCE", nonces.check(m, "0000000g", 10) == NonceCheck::replay);
  // Forged: flip one character of the tag; garbled: not base64; foreign: other key.
  std::string forged = m;
  forged[30] = forged[30] == 'A' ? 'B' : 'A';
  REQ_REQUIRE("ADP-SIP-DIGEST-NONCE", nonces.check(forged, "00000001", 10) == NonceCheck::unknown);
  REQ_REQUIRE("ADP-SIP-DIGEST-NONCE", nonces.check("!!!!", "00000001", 10) == NonceCheck::unknown);
  REQ_REQUIRE("ADP-SIP-DIGEST-NONCE",
              nonces.check(std::string(44, '*'), "00000001", 10) == NonceCheck::unknown);
  NonceStore other(300);
  REQ_REQUIRE("ADP-SIP-DIGEST-NONCE", other.check(m, "00000001", 10) == NonceCheck::unknown);
  // Every nonce differs (96 random bits).
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i)
    REQ_REQUIRE("ADP-SIP-DIGEST-NONCE", seen.insert(nonces.issue(5)).second);

  // verify_credentials: stale nonce with the right password -> stale_nonce;
  // with the wrong password -> wrong_response (RFC 7616 section 3.3).
  DigestChallenge ch;
  ch.realm = "ims.test";
  ch.nonce = nonces.issue(100);
  ch.qop = {"auth"};
  DigestServerCheck chk{"ims.test", DigestAlgorithm::md5, "REGISTER", "sip:ims.test", "pw",
                        100 + 301};
  auto right = answer_challenge(ch, "a@ims.test", "pw", "REGISTER", "sip:ims.test");
  auto wrong = answer_challenge(ch, "a@ims.test", "px", "REGISTER", "sip:ims.test");
  REQ_REQUIRE("ADP-SIP-DIGEST-NONCE",
              verify_credentials(*right, chk, nonces) == DigestVerdict::stale_nonce);
  REQ_REQUIRE("ADP-SIP-DIGEST-NONCE",
              verify_credentials(*wrong, chk, nonces) == DigestVerdict::wrong_response);
  DigestChallenge fake = ch;
  fake.nonce = "bm90IG91ciBub25jZQ==";
  auto f = answer_challenge(fake, "a@ims.test", "pw", "REGISTER", "sip:ims.test");
  chk.now = 100;
  REQ_REQUIRE("ADP-SIP-DIGEST-NONCE",
              verify_credentials(*f, chk, nonces) == DigestVerdict::unknown_nonce);

  // Bounded tracking: the oldest tracked nonce is evicted and then reads unknown.
  NonceStore small(300, 2);
  const std::string a = small.issue(1), b = small.issue(1), c = small.issue(1);
  REQ_REQUIRE("ADP-SIP-DIGEST-NONCE", small.check(a, "00000001", 1) == NonceCheck::valid);
  REQ_REQUIRE("ADP-SIP-DIGEST-NONCE", small.check(b, "00000001", 1) == NonceCheck::valid);
  REQ_REQUIRE("ADP-SIP-DIGEST-NONCE", small.check(c, "00000001", 1) == NonceCheck::valid);
  REQ_REQUIRE("ADP-SIP-DIGEST-NONCE",
              small.check(a, "00000001", 1) == NonceCheck::valid);  // evicted: counter forgotten
  REQ_REQUIRE("ADP-SIP-DIGEST-NONCE", small.check(c, "00000001", 1) == NonceCheck::replay);
}

//= spec#N.2-UE-VERIFY-RSPAUTH type=test
TEST_CASE(
    "N.2-UE-VERIFY-RSPAUTH: rspauth from the P-CSCF verifies; tampered or missing rspauth fails") {
  for (DigestAlgorithm alg : {DigestAlgorithm::md5, DigestAlgorithm::sha256}) {
    DigestChallenge ch;
    ch.realm = "ims.test";
    ch.nonce = "abc";
    ch.algorithm = alg;
    ch.qop = {"auth"};
    auto cr = answer_challenge(ch, "alice@ims.test", "pw", "REGISTER", "sip:ims.test");
    REQUIRE(cr.ok());
    AuthenticationInfo ai = make_authentication_info(*cr, "pw");
    auto wire = parse_authentication_info(format_authentication_info(ai));
    REQUIRE(wire.ok());
    REQ_REQUIRE("N.2-UE-VERIFY-RSPAUTH", verify_rspauth(*wire, *cr, "pw"));
    REQ_REQUIRE("N.2-UE-VERIFY-RSPAUTH",
                !(verify_rspauth(*wire, *cr, "other")));  // network does not know the password
    AuthenticationInfo t = *wire;
    (*t.rspauth)[0] = (*t.rspauth)[0] == '0' ? '1' : '0';
    REQ_REQUIRE("N.2-UE-VERIFY-RSPAUTH", !(verify_rspauth(t, *cr, "pw")));
    AuthenticationInfo none = *wire;
    none.rspauth.reset();
    REQ_REQUIRE("N.2-UE-VERIFY-RSPAUTH", !(verify_rspauth(none, *cr, "pw")));
    AuthenticationInfo other_cnonce = *wire;
    other_cnonce.cnonce = "zzz";
    REQ_REQUIRE("N.2-UE-VERIFY-RSPAUTH", !(verify_rspauth(other_cnonce, *cr, "pw")));
    // rspauth differs from the response (A2 = ":" uri, not method ":" uri).
    REQ_REQUIRE("N.2-UE-VERIFY-RSPAUTH", *ai.rspauth != cr->response);
  }
}

// Checks the results of constant_time_equal, not its timing: cites nothing.
TEST_CASE("ADP-SIP-DIGEST-CONSTANT-TIME: constant_time_equal and random_hex") {
  REQUIRE(constant_time_equal("abc", "abc"));
  REQUIRE(constant_time_equal("", ""));
  REQUIRE_FALSE(constant_time_equal("abc", "abd"));
  REQUIRE_FALSE(constant_time_equal("abc", "ab"));
  REQUIRE_FALSE(constant_time_equal(std::string("a\0b", 3), std::string("a\0c", 3)));
  auto r = random_hex(16);
  REQUIRE(r.size() == 32);
  REQUIRE(r.find_first_not_of("0123456789abcdef") == std::string::npos);
  REQUIRE(random_hex(16) != r);
}

//= spec#N.1-DIGEST-RFC7616 type=test
//= spec#N.2-UE-VERIFY-RSPAUTH type=test
TEST_CASE(
    "N.1-DIGEST-RFC7616: an exchange captured between sipsak 0.9.8.1 and Kamailio 5.6.3 verifies "
    "both ways") {
  // Captured by tests/interop/peers_selfcheck.sh (password "pw1"): sipsak's
  // Authorization and Kamailio's Authentication-Info, verbatim.
  auto cr = parse_credentials(
      "Digest username=\"alice@ims.test\", uri=\"sip:pcscf.test\", algorithm=MD5, "
      "realm=\"ims.test\", "
      "nonce=\"awpaVWsKWSkKz3IocLKK/7AshyHpW6Mu\", qop=auth, nc=00000001, cnonce=\"68a7e1f5\", "
      "response=\"b36050dd7dcfc69682b34dd822780db0\"");
  REQUIRE(cr.ok());
  std::string ha1 = digest_ha1(DigestAlgorithm::md5, cr->username, cr->realm, "pw1");
  REQ_REQUIRE("N.1-DIGEST-RFC7616",
              digest_response(DigestAlgorithm::md5, ha1, cr->nonce, *cr->nc, *cr->cnonce, *cr->qop,
                              "REGISTER", cr->uri) == cr->response);
  auto ai = parse_authentication_info(
      "nextnonce=\"awpaVWsKWSkKz3IocLKK/7AshyHpW6Mu\", qop=auth, "
      "rspauth=\"54395ed3a882a30264fb3ecc1058d01d\", "
      "cnonce=\"68a7e1f5\", nc=00000001");
  REQUIRE(ai.ok());
  REQ_REQUIRE("N.2-UE-VERIFY-RSPAUTH", verify_rspauth(*ai, *cr, "pw1"));
  REQ_REQUIRE("N.2-UE-VERIFY-RSPAUTH", !(verify_rspauth(*ai, *cr, "pw2")));
  REQ_REQUIRE("N.2-UE-VERIFY-RSPAUTH", make_authentication_info(*cr, "pw1").rspauth == ai->rspauth);
}

//= spec#O.1.1-ALL-DIGEST-REQUIRED type=test
TEST_CASE(
    "O.1.1-ALL-DIGEST-REQUIRED: IMS AKA algorithms are recognised in challenges and credentials") {
  REQ("O.1.1-ALL-DIGEST-REQUIRED",
      names_aka_algorithm(R"(Digest realm="r", nonce="n", algorithm=AKAv1-MD5)"));
  REQ("O.1.1-ALL-DIGEST-REQUIRED",
      names_aka_algorithm(R"(Digest username="u", algorithm = akav2-sha-256, nonce="n")"));
  REQ("O.1.1-ALL-DIGEST-REQUIRED", names_aka_algorithm("Digest algorithm=\"AKAv1-MD5\""));
  REQ("O.1.1-ALL-DIGEST-REQUIRED", names_aka_algorithm("Digest algorithm\t=\tAKAv1-MD5"));
  REQ("O.1.1-ALL-DIGEST-REQUIRED",
      !(names_aka_algorithm(R"(Digest realm="r", nonce="n", algorithm=MD5)")));
  REQ("O.1.1-ALL-DIGEST-REQUIRED",
      !(names_aka_algorithm(R"(Digest realm="r", nonce="n", algorithm=SHA-256)")));
  REQ("O.1.1-ALL-DIGEST-REQUIRED", !(names_aka_algorithm(R"(Digest realm="aka", nonce="akav1")")));
  REQ("O.1.1-ALL-DIGEST-REQUIRED", !(names_aka_algorithm("")));
}

//= spec#24229-5.1.1.2-PC-INITIAL-DIGEST-AUTHORIZATION type=test
//= spec#ADP-SIP-MALFORMED-400 type=test
TEST_CASE(
    "24229-5.1.1.2-PC-INITIAL-DIGEST-AUTHORIZATION: TS 24.229's initial Authorization (IMPI, "
    "empty nonce and response) parses, is challenged, and keeps its form when rewritten; one "
    "empty without the other is refused") {
  // The form of TS 24.229 5.1.1.2 (SIP digest) and TS 34.229-1 A.1.1's
  // default REGISTER, as an IMS UE sends it before any challenge.
  const char* initial =
      "Digest username=\"alice@ims.test\", realm=\"ims.test\", uri=\"sip:ims.test\", "
      "nonce=\"\", response=\"\"";
  auto cr = parse_credentials(initial);
  REQ_REQUIRE("24229-5.1.1.2-PC-INITIAL-DIGEST-AUTHORIZATION", cr.ok());
  REQ("24229-5.1.1.2-PC-INITIAL-DIGEST-AUTHORIZATION", cr->username == "alice@ims.test");
  REQ("24229-5.1.1.2-PC-INITIAL-DIGEST-AUTHORIZATION", (cr->nonce.empty() && cr->response.empty()));
  // A registrar challenges it: it answers no nonce of its (unknown nonce).
  NonceStore nonces(300);
  DigestServerCheck chk;
  chk.realm = "ims.test";
  chk.method = "REGISTER";
  chk.request_uri = "sip:ims.test";
  chk.password = "secret";
  chk.now = 10;
  REQ("24229-5.1.1.2-PC-INITIAL-DIGEST-AUTHORIZATION",
      verify_credentials(*cr, chk, nonces) == DigestVerdict::unknown_nonce);
  // Forwarded with the P-CSCF's integrity-protected: still the initial form.
  DigestCredentials fwd = *cr;
  fwd.integrity_protected = "tls-pending";
  auto again = parse_credentials(format_credentials(fwd));
  REQ_REQUIRE("24229-5.1.1.2-PC-INITIAL-DIGEST-AUTHORIZATION", again.ok());
  REQ("24229-5.1.1.2-PC-INITIAL-DIGEST-AUTHORIZATION",
      (again->nonce.empty() && again->response.empty() &&
       again->integrity_protected == std::optional<std::string>("tls-pending")));
  // Only both empty together, and then without qop, nc or cnonce.
  REQ("ADP-SIP-MALFORMED-400",
      !parse_credentials("Digest username=\"a\", realm=\"r\", uri=\"u\", nonce=\"\", "
                         "response=\"0123456789abcdef0123456789abcdef\"")
           .ok());
  REQ("ADP-SIP-MALFORMED-400",
      !parse_credentials(
           "Digest username=\"a\", realm=\"r\", uri=\"u\", nonce=\"n\", response=\"\"")
           .ok());
  REQ("ADP-SIP-MALFORMED-400",
      !parse_credentials("Digest username=\"a\", realm=\"r\", uri=\"u\", nonce=\"\", "
                         "response=\"\", qop=auth, nc=00000001, cnonce=\"c\"")
           .ok());
}
