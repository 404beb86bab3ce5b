// Which TLS library runs (issue 14): the one value the programs hold about
// the stack. `--tls-stack botan|openssl` on pcscf (RD-170) and ue (RD-180);
// the default is botan. Everything else about the stack is behind
// adapters/tls/stack.h.
#pragma once

#include <string>

namespace annexo::tls {

enum class Tls_Stack { botan, openssl };

// The default stack (RD-170, RD-180).
inline constexpr Tls_Stack kDefaultTlsStack = Tls_Stack::botan;

const char* tls_stack_name(Tls_Stack s);
// "botan" / "openssl" -> the stack; false for anything else.
bool parse_tls_stack(const std::string& text, Tls_Stack* out);
// May `s` speak TLS 1.3? Botan 2.19 has none; OpenSSL 3.0 has.
bool tls_stack_speaks_tls13(Tls_Stack s);

}  // namespace annexo::tls
