// TP_UE_CERT_*: the UE's verdict on the P-CSCF's certificate
// (spec/test_purposes/ue.toml). The probe presents one adversarial chain of
// the PIXIT pki_dir (tests/pki/make_pki.sh) per run; the refusals must be a
// fatal alert before any application data (O.3.1.2-UE-ALERT-ON-CERT-FAIL).
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstdio>
#include <memory>

#include "adapters/probe/ue_iut/client_hello_judge.h"
#include "adapters/probe/ue_iut/crafted.h"
#include "adapters/probe/ue_iut/tps_tls.h"
#include "adapters/probe/ue_iut/ue_run.h"
#include "core/cipher_suites.h"

namespace annexo::probe::ue_iut {

namespace {

Tp_Outcome present(const Tp_Context& ctx, const Tls_Profile& p, bool expect_accept,
                   const std::string& rule, const std::string& label) {
  Ue_Run run;
  run.what = label;
  Tp_Outcome o;
  if (!start_run(ctx, p, {}, run, o)) return o;
  return expect_accept ? judge_accepted(ctx, run, rule) : judge_refusal(ctx, run, rule, true);
}

// One TP over several presented chains: NAME, key type, label.
struct Chain {
  const char* name;
  bool ecdsa;
};

Tp_Fn chains(std::vector<Chain> list, bool accept, std::string rule) {
  return [list, accept, rule](const Tp_Context& ctx) {
    Tp_Outcome all;
    for (const Chain& c : list) {
      merge(all, present(ctx, chain_profile(ctx, c.name, c.ecdsa), accept, rule, c.name), c.name);
    }
    return all;
  };
}

// TP_UE_CERT_010: the chain pki_dir sentroot.pem (good leaf + a root with
// ca-ec's key and another subject), key sentroot.key.
Tp_Outcome cert_010(const Tp_Context& ctx) {
  return present(ctx, chain_profile(ctx, "sentroot"), false, "O.5.2-UE-ROOT-MUST-BE-KNOWN",
                 "sentroot");
}

// The DER SubjectPublicKeyInfo of a PEM certificate (TP_UE_CERT_015).
std::vector<std::uint8_t> spki_of(const std::string& pem_file) {
  std::vector<std::uint8_t> out;
  FILE* f = std::fopen(pem_file.c_str(), "r");
  if (f == nullptr) return out;
  X509* x = PEM_read_X509(f, nullptr, nullptr, nullptr);
  std::fclose(f);
  if (x == nullptr) return out;
  unsigned char* der = nullptr;
  const int n = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x), &der);
  if (n > 0) out.assign(der, der + n);
  OPENSSL_free(der);
  X509_free(x);
  return out;
}

// TP_UE_CERT_015: crafted flights, a ServerHello with an offered ECDSA
// profile suite then a Certificate message that holds no X.509 certificate.
Tp_Outcome cert_015_run(const Tp_Context& ctx, const std::vector<std::vector<std::uint8_t>>& list,
                        const std::string& label) {
  Ue_Run run;
  run.what = label;
  Tp_Outcome o;
  if (!start_run(ctx, Tls_Profile{}, {}, run, o)) return o;
  if (!run.wait_client_hello(ctx.budget_ms("ue_start_s", 10)) ||
      !read_ue_wire(run.conn()->from_ue()).client_hello) {
    return no_client_hello(run);
  }
  Crafted_Hello h;
  h.suite = 0;
  for (const std::uint16_t s : judge_client_hello(run.conn()->from_ue(), true, true).suites) {
    const auto f = core::suite_facts(s);
    if (h.suite == 0 && f.in_profile && f.for_tls12 && f.auth_ecdsa) h.suite = s;
  }
  if (h.suite == 0) {
    o.verdict = Verdict::inconc;
    o.reason = "no TLS 1.2 ECDSA profile suite in the offer";
    return o;
  }
  std::vector<std::uint8_t> flight = server_hello_record(h);
  const auto cert = certificate_record(list);
  flight.insert(flight.end(), cert.begin(), cert.end());
  const auto done = server_hello_done_record();
  flight.insert(flight.end(), done.begin(), done.end());
  run.conn()->write_raw(flight);
  o = judge_refusal(ctx, run, "O.5.1-ALL-X509", true);
  return o;
}

Tp_Outcome cert_015(const Tp_Context& ctx) {
  Tp_Outcome all;
  merge(all, cert_015_run(ctx, {}, "empty"), "empty Certificate");
  const auto spki = spki_of(pki(ctx, "pcscf-ec.pem"));
  if (spki.empty()) {
    Tp_Outcome e;
    e.verdict = Verdict::error;
    e.reason = "test system: cannot read " + pki(ctx, "pcscf-ec.pem");
    merge(all, e, "bare SubjectPublicKeyInfo");
  } else {
    merge(all, cert_015_run(ctx, {spki}, "spki"), "bare SubjectPublicKeyInfo");
  }
  return all;
}

}  // namespace

std::vector<Tp_Impl> ue_cert_tps() {
  return {
      {"TP_UE_CERT_001",
       chains({{"pcscf-rsa", false}, {"pcscf-ec", true}}, true, "O.5.2-UE-CHAIN-TO-TRUSTED-ROOT")},
      {"TP_UE_CERT_002", chains({{"wronghost", true}}, false, "O.2.1-UE-TRUST-ENDPOINT-VIA-CERT")},
      {"TP_UE_CERT_003", chains({{"expired", true}}, false, "O.5.2-UE-RFC5280-PATH")},
      {"TP_UE_CERT_004", chains({{"notyet", true}}, false, "O.5.2-UE-RFC5280-PATH")},
      {"TP_UE_CERT_005", chains({{"unknownca", true}}, false, "O.5.2-UE-CHAIN-TO-TRUSTED-ROOT")},
      {"TP_UE_CERT_006", chains({{"selfsigned", true}}, false, "O.5.2-UE-CHAIN-TO-TRUSTED-ROOT")},
      {"TP_UE_CERT_007", chains({{"sha1", false}}, false, "33310-6.1.1-HASH")},
      {"TP_UE_CERT_008", chains({{"rsa1024", false}}, false, "33310-6.1.1-PUBKEY")},
      {"TP_UE_CERT_009", chains({{"nosan", true}}, false, "O.5.1-CERT-SAN-HAS-FQDN")},
      {"TP_UE_CERT_010", cert_010},
      {"TP_UE_CERT_011", chains({{"pcscf-case", true}}, false, "O.5.2-UE-BINARY-NAME-MATCH")},
      {"TP_UE_CERT_012", chains({{"v1", true}}, false, "33310-6.1.1-X509V3")},
      {"TP_UE_CERT_013",
       chains({{"twocn", true}, {"wildcard", true}}, false, "O.5.1-CERT-CN-SINGLE")},
      {"TP_UE_CERT_014", chains({{"critext", true}}, false, "33310-6.1-CRITICAL-EXT")},
      {"TP_UE_CERT_015", cert_015},
      {"TP_UE_CERT_016", chains({{"pcscf-odd", true}}, true, "O.5.1-CA-NO-ISSUER-RESTRICTION")},
      // RD-330: the reference name stays probe.fqdn and is in every SAN, so
      // only the property the TP is about differs from the good chain.
      {"TP_UE_CERT_017", chains({{"cn-single-label", true}}, false, "O.5.1-CERT-CN-IS-FQDN")},
      {"TP_UE_CERT_018", chains({{"cn-not-in-san", true}}, false, "O.5.1-CERT-SAN-HAS-FQDN")},
      // The good leaf, then a root with ca-ec's subject and key and another
      // basicConstraints (pki_dir sentroot-ext.pem).
      {"TP_UE_CERT_019", chains({{"sentroot-ext", true}}, false, "O.5.2-UE-ROOT-MUST-BE-KNOWN")},
  };
}

}  // namespace annexo::probe::ue_iut
