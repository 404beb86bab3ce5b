// The two translations between the core and Botan, each in exactly one place:
//   core rejection (core::Error -> core::TlsAlert) -> Botan TLS alert  (to_botan_alert)
//   anything Botan throws                          -> one Tls_Failure (classify_exception)
// Botan signals every failure by exception; the core has none. Callbacks that
// must refuse throw Core_Rejection (a Botan::TLS::TLS_Exception carrying the
// core's Error), so Botan sends the core's alert and the caller later sees the
// very same Error again at the choke point.
#pragma once

#include <botan/tls_alert.h>
#include <botan/tls_exceptn.h>

#include <exception>
#include <string>

#include "core/errors.h"
#include "core/tls_alert.h"

namespace annexo::tls {

// The one table core::TlsAlert -> Botan::TLS::Alert::Type (see alerts.cc).
// core::TlsAlert::none has no alert: it maps to nothing (returns false).
bool to_botan_alert(core::TlsAlert alert, Botan::TLS::Alert::Type* out);

// What the core told us to refuse, as the exception Botan understands: Botan
// catches TLS_Exception in its record loop, sends a fatal alert of type() and
// rethrows to our choke point (Botan 2.19 Channel::received_data).
class Core_Rejection final : public Botan::TLS::TLS_Exception {
 public:
  explicit Core_Rejection(core::Error e);
  core::Error error() const { return m_error; }

 private:
  core::Error m_error;
};

// Throws Core_Rejection for e (never returns). e must not be Error::ok.
[[noreturn]] void reject(core::Error e);

// Where a failure came from, for the core machines and the log.
enum class Failure_Kind {
  core_rejection,  // one of our callbacks refused on the core's word (error set)
  tls_protocol,    // Botan refused the peer's TLS (alert set)
  decoding,        // malformed record or message from the peer
  internal,        // anything else (a bug or resource problem): close, alert internal_error
};

struct Tls_Failure {
  Failure_Kind kind = Failure_Kind::internal;
  core::Error error = core::Error::ok;  // set for core_rejection
  int alert = 80;                       // the alert Botan sent (IANA number)
  std::string what;                     // the exception text, for the log only
};

// The choke point: call from a catch(...) block around any Botan call.
Tls_Failure classify_current_exception();

const char* failure_kind_name(Failure_Kind k);

}  // namespace annexo::tls
