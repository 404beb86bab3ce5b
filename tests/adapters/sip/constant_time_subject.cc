// The subject of constant_time_test.sh (ADP-SIP-DIGEST-CONSTANT-TIME): calls
// constant_time_equal on inputs whose contents memcheck is told are secret
// (VALGRIND_MAKE_MEM_UNDEFINED: the ctgrind technique). Under valgrind, any
// branch or memory index that depends on the contents is reported as a
// "conditional jump or move depends on uninitialised value(s)" error, so the
// comparison's control flow, and therefore its time, is shown independent of
// the contents. The sizes are public (Digest responses, rspauth values and
// nonce tags have fixed lengths for a given algorithm). Outside valgrind the
// client requests do nothing and the program only checks the results.
#include <valgrind/memcheck.h>

#include <cstdio>
#include <string>

#include "adapters/sip/digest.h"

namespace {

// Equal, differing in the first byte, differing in the last byte, and every
// byte different: an early-exit comparison takes a different path for each.
bool secret_compare(std::string a, std::string b) {
  VALGRIND_MAKE_MEM_UNDEFINED(a.data(), a.size());
  VALGRIND_MAKE_MEM_UNDEFINED(b.data(), b.size());
  bool equal = annexo::sip::constant_time_equal(a, b);
  // The verdict itself is public: the caller branches on it.
  VALGRIND_MAKE_MEM_DEFINED(&equal, sizeof equal);
  return equal;
}

}  // namespace

int main() {
  const std::string response(64, 'a');  // a SHA-256 Digest response: 64 hex digits
  std::string first = response, last = response, all(64, 'b');
  first[0] = 'b';
  last[63] = 'b';
  int wrong = 0;
  wrong += !secret_compare(response, response);
  wrong += secret_compare(response, first);
  wrong += secret_compare(response, last);
  wrong += secret_compare(response, all);
  if (wrong != 0) std::fprintf(stderr, "constant_time_equal: %d wrong results\n", wrong);
  return wrong == 0 ? 0 : 1;
}
