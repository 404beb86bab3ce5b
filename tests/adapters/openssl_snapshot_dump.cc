// Prints the effective OpenSSL configurations; regenerate the golden files with
//   bazel run //tests/adapters:openssl_snapshot_dump -- pcscf >
//   tests/adapters/openssl_snapshot_pcscf.txt bazel run //tests/adapters:openssl_snapshot_dump --
//   ue > tests/adapters/openssl_snapshot_ue.txt
// and review the diff.
#include <cstdio>
#include <cstring>

#include "tests/adapters/openssl_snapshot.h"

int main(int argc, char** argv) {
  if (argc != 2 || (std::strcmp(argv[1], "pcscf") != 0 && std::strcmp(argv[1], "ue") != 0)) {
    std::fprintf(stderr, "usage: openssl_snapshot_dump pcscf|ue\n");
    return 1;
  }
  const std::string t = std::strcmp(argv[1], "pcscf") == 0 ? annexo::testing::openssl_pcscf_text()
                                                           : annexo::testing::openssl_ue_text();
  std::fwrite(t.data(), 1, t.size(), stdout);
  return 0;
}
