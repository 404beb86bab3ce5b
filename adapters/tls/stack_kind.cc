#include "adapters/tls/stack_kind.h"

namespace annexo::tls {

const char* tls_stack_name(Tls_Stack s) {
  return s == Tls_Stack::openssl ? "openssl" : "botan";
}

bool parse_tls_stack(const std::string& text, Tls_Stack* out) {
  if (text == "botan") {
    *out = Tls_Stack::botan;
    return true;
  }
  if (text == "openssl") {
    *out = Tls_Stack::openssl;
    return true;
  }
  return false;
}

bool tls_stack_speaks_tls13(Tls_Stack s) {
  return s == Tls_Stack::openssl;  // Botan 2.19 has no TLS 1.3
}

}  // namespace annexo::tls
