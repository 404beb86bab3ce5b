#include "adapters/tls/botan/alerts.h"

#include <botan/exceptn.h>

#include <cstddef>

namespace annexo::tls {

namespace {

using Botan::TLS::Alert;
using core::TlsAlert;

struct Alert_Row {
  TlsAlert core;
  Alert::Type botan;
};

// Every core::TlsAlert except `none` has a row; the numbers are IANA's on both
// sides, the table makes the correspondence reviewable and checked.
// missing_extension (109, RFC 8446) has no name in Botan 2.19's enum; the
// enum's range holds it and Botan writes the number as it is.
constexpr Alert_Row kAlertTable[] = {
    {TlsAlert::close_notify, Alert::CLOSE_NOTIFY},
    {TlsAlert::unexpected_message, Alert::UNEXPECTED_MESSAGE},
    {TlsAlert::bad_record_mac, Alert::BAD_RECORD_MAC},
    {TlsAlert::record_overflow, Alert::RECORD_OVERFLOW},
    {TlsAlert::handshake_failure, Alert::HANDSHAKE_FAILURE},
    {TlsAlert::bad_certificate, Alert::BAD_CERTIFICATE},
    {TlsAlert::unsupported_certificate, Alert::UNSUPPORTED_CERTIFICATE},
    {TlsAlert::certificate_revoked, Alert::CERTIFICATE_REVOKED},
    {TlsAlert::certificate_expired, Alert::CERTIFICATE_EXPIRED},
    {TlsAlert::certificate_unknown, Alert::CERTIFICATE_UNKNOWN},
    {TlsAlert::illegal_parameter, Alert::ILLEGAL_PARAMETER},
    {TlsAlert::unknown_ca, Alert::UNKNOWN_CA},
    {TlsAlert::access_denied, Alert::ACCESS_DENIED},
    {TlsAlert::decode_error, Alert::DECODE_ERROR},
    {TlsAlert::decrypt_error, Alert::DECRYPT_ERROR},
    {TlsAlert::protocol_version, Alert::PROTOCOL_VERSION},
    {TlsAlert::insufficient_security, Alert::INSUFFICIENT_SECURITY},
    {TlsAlert::internal_error, Alert::INTERNAL_ERROR},
    {TlsAlert::inappropriate_fallback, Alert::INAPPROPRIATE_FALLBACK},
    {TlsAlert::user_canceled, Alert::USER_CANCELED},
    {TlsAlert::no_renegotiation, Alert::NO_RENEGOTIATION},
    {TlsAlert::missing_extension, static_cast<Alert::Type>(109)},
    {TlsAlert::unsupported_extension, Alert::UNSUPPORTED_EXTENSION},
    {TlsAlert::unrecognized_name, Alert::UNRECOGNIZED_NAME},
};

constexpr bool same_numbers() {
  for (const auto& row : kAlertTable) {
    if (static_cast<int>(row.core) != static_cast<int>(row.botan)) return false;
  }
  return true;
}
static_assert(same_numbers(), "alert table: core and Botan numbers must both be IANA's");

std::string rejection_text(core::Error e) {
  const auto& info = core::error_info(e);
  return std::string(info.requirement) + ": " + info.message;
}

Alert::Type alert_for(core::Error e) {
  Alert::Type t = Alert::INTERNAL_ERROR;
  // A core error without an alert (a SIP-level verdict) must not reach the TLS
  // layer; if it does, internal_error is the honest alert.
  (void)to_botan_alert(core::error_alert(e), &t);
  return t;
}

}  // namespace

bool to_botan_alert(core::TlsAlert alert, Botan::TLS::Alert::Type* out) {
  for (const auto& row : kAlertTable) {
    if (row.core == alert) {
      *out = row.botan;
      return true;
    }
  }
  return false;
}

Core_Rejection::Core_Rejection(core::Error e)
    : Botan::TLS::TLS_Exception(alert_for(e), rejection_text(e)), m_error(e) {}

void reject(core::Error e) {
  throw Core_Rejection(e);
}

Tls_Failure classify_current_exception() {
  Tls_Failure f;
  try {
    throw;
  } catch (const Core_Rejection& e) {
    f.kind = Failure_Kind::core_rejection;
    f.error = e.error();
    f.alert = static_cast<int>(e.type());
    f.what = e.what();
  } catch (const Botan::TLS::TLS_Exception& e) {
    f.kind = Failure_Kind::tls_protocol;
    f.alert = static_cast<int>(e.type());
    f.what = e.what();
  } catch (const Botan::Decoding_Error& e) {
    f.kind = Failure_Kind::decoding;
    f.alert = static_cast<int>(Alert::DECODE_ERROR);
    f.what = e.what();
  } catch (const std::exception& e) {
    f.kind = Failure_Kind::internal;
    f.what = e.what();
  } catch (...) {
    f.kind = Failure_Kind::internal;
    f.what = "unknown exception";
  }
  return f;
}

const char* failure_kind_name(Failure_Kind k) {
  switch (k) {
    case Failure_Kind::core_rejection:
      return "core_rejection";
    case Failure_Kind::tls_protocol:
      return "tls_protocol";
    case Failure_Kind::decoding:
      return "decoding";
    case Failure_Kind::internal:
      return "internal";
  }
  return "internal";
}

}  // namespace annexo::tls
