// Facts about the P-CSCF's chain from OpenSSL's objects, after OpenSSL's
// RFC 5280 path validation (X509_verify_cert, run by the endpoint's
// cert_verify_callback), for the core's certificate policy. Decides nothing.
#pragma once

#include <openssl/x509.h>

#include "adapters/tls/chain_report.h"

namespace annexo::tls::openssl {

Peer_Cert describe_certificate(X509* cert);

// `ctx` has run X509_verify_cert with result `verified`; `sent` is the chain
// the peer sent (leaf first); `crl_checking` whether CRL flags were set.
Peer_Chain collect_peer_chain(X509_STORE_CTX* ctx, STACK_OF(X509) * sent, bool verified,
                              bool crl_checking);

core::PathResult to_core_path(int x509_error);

// The X509_V_ERR code whose OpenSSL 3.0 alert (ssl_x509err2alert) is the
// core's alert `iana`, so a refusal in the verify callback sends exactly the
// core's alert; X509_V_ERR_APPLICATION_VERIFICATION (handshake_failure) when
// none is known. Checked alert by alert in tests/adapters/openssl_memory_test.
int x509_error_for_alert(int iana);

}  // namespace annexo::tls::openssl
