#include "core/sec_agree.h"

namespace annexo::core {

Error secagree_push(SecMechList& l, SecMech m, std::uint16_t q_milli) {
  if (l.count >= kMaxSecMechs) return Error::secagree_too_many_mechanisms;
  l.items[l.count++] = SecMechEntry{m, q_milli};
  return Error::ok;
}

Error secagree_may_offer(SecMech m, bool sip_digest) {
  //= spec#N.1-NO-IPSEC-WITH-DIGEST type=implementation
  if (m == SecMech::ipsec_3gpp && sip_digest) return Error::secagree_ipsec_with_digest;
  // Annex O: tls is the only mechanism this P-CSCF offers (S.3, A22).
  if (m != SecMech::tls) return Error::secagree_no_tls_offered;
  return Error::ok;
}

Error secagree_answer(const SecMechList& security_client, bool sip_digest,
                      SecMechList* security_server) {
  bool tls = false;
  for (std::uint8_t i = 0; i < security_client.count; ++i) {
    tls = tls || security_client.items[i].mech == SecMech::tls;
  }
  //= spec#O.3.2-SECSETUP-ERRORS type=implementation
  if (!tls) return Error::secagree_no_tls_offered;
  const Error e = secagree_may_offer(SecMech::tls, sip_digest);
  if (e != Error::ok) return e;
  //= spec#S.3-SECAGREE-TLS-SELECTS-ANNEX-O type=implementation
  *security_server = SecMechList{};
  return secagree_push(*security_server, SecMech::tls);
}

Error secagree_check_verify(const SecMechList& sent, const SecMechList& verify) {
  //= spec#RFC3329-PC-VERIFY-ECHO type=implementation
  if (sent.count != verify.count) return Error::secagree_verify_mismatch;
  for (std::uint8_t i = 0; i < sent.count; ++i) {
    if (sent.items[i].mech != verify.items[i].mech ||
        sent.items[i].q_milli != verify.items[i].q_milli) {
      return Error::secagree_verify_mismatch;
    }
  }
  return Error::ok;
}

pcscf::SecVerify secagree_fact(bool secagree_used, const SecMechList& sent,
                               const SecMechList& verify) {
  if (!secagree_used) return pcscf::SecVerify::not_used;
  return secagree_check_verify(sent, verify) == Error::ok ? pcscf::SecVerify::matches
                                                          : pcscf::SecVerify::mismatch;
}

}  // namespace annexo::core
