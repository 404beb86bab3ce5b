// Error and result types of the SIP adapter.
//
// Every refusal names the header (or "start-line", "framing", "body") and says
// why, so the P-CSCF can answer 400 (or 513/420/...) with that reason phrase and
// log it. The SIP layer never throws on input; it returns a SipError.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace annexo::sip {

struct SipError {
  // Status code the receiving server should answer with (400 unless a more
  // specific code applies, e.g. 513 Message Too Large, 420 Bad Extension).
  int status = 400;
  // Where: a canonical header name ("Via", "Authorization"), "start-line",
  // "framing", "header-section", "body", or "users-file:LINE".
  std::string where;
  // Why, in plain words; safe to put into a reason phrase (no CR/LF).
  std::string why;

  // "Via: branch parameter missing" — the reason phrase of the 400. Bytes
  // outside printable ASCII (which may come from the offending input) are
  // replaced by '?', so the text is always a safe reason phrase.
  std::string text() const {
    std::string t = where.empty() ? why : where + ": " + why;
    for (char& c : t)
      if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e) c = '?';
    return t;
  }
};

inline SipError sip_error(std::string where, std::string why, int status = 400) {
  return SipError{status, std::move(where), std::move(why)};
}

// Either a value or a SipError (C++17 has no std::expected).
template <class T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}         // NOLINT: implicit by design
  Result(SipError error) : v_(std::move(error)) {}  // NOLINT: implicit by design
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &std::get<0>(v_); }
  const T* operator->() const { return &std::get<0>(v_); }
  T& operator*() { return std::get<0>(v_); }
  const T& operator*() const { return std::get<0>(v_); }
  const SipError& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, SipError> v_;
};

}  // namespace annexo::sip
