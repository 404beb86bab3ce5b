// probe_check: validates a vendor's PICS and PIXIT against annexo's test
// purposes and lists which TPs the probe would run (selected) and which end
// with verdict `none` (not selected by the PICS or for the other role).
//
//   probe_check --spec DIR --pics FILE [--pixit FILE]
//
// Exit 0 when every file is valid, 1 with one "<file>:<line>: <key>: ..."
// line per problem on stderr, 2 on bad usage.
#include <iostream>
#include <string>
#include <vector>

#include "tools/probe_data/probe_data.h"

using namespace annexo::probe_data;

int main(int argc, char** argv) {
  std::string spec, pics_file, pixit_file;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--spec" && i + 1 < argc) {
      spec = argv[++i];
    } else if (a == "--pics" && i + 1 < argc) {
      pics_file = argv[++i];
    } else if (a == "--pixit" && i + 1 < argc) {
      pixit_file = argv[++i];
    } else {
      std::cerr << "usage: probe_check --spec DIR --pics FILE [--pixit FILE]\n";
      return 2;
    }
  }
  if (spec.empty() || pics_file.empty()) {
    std::cerr << "usage: probe_check --spec DIR --pics FILE [--pixit FILE]\n";
    return 2;
  }
  std::vector<std::string> errors;
  const Proforma proforma =
      load_proforma(spec + "/probe/proforma.toml", spec + "/probe/proforma.toml", errors);
  const Catalogue cat = load_catalogue(spec + "/test_purposes", spec + "/test_purposes", proforma);
  errors.insert(errors.end(), cat.errors.begin(), cat.errors.end());
  const Pics pics = load_pics(pics_file, pics_file, proforma, errors);
  if (!pixit_file.empty()) {
    const Pixit pixit = load_pixit(pixit_file, pixit_file, errors);
    check_pair(pics, pics_file, pixit, pixit_file, errors);
  }
  for (const auto& e : errors) std::cerr << e << "\n";
  if (!errors.empty()) return 1;
  std::size_t run = 0, none = 0;
  for (const auto& tp : cat.tps) {
    const bool sel = selected(tp, pics);
    if (tp.role != pics.role) continue;  // the other role's TPs are not listed
    (sel ? run : none) += 1;
    std::cout << tp.id << "  " << (sel ? "selected" : "none") << (tp.long_timer ? "  (long)" : "")
              << "  " << tp.title << "\n";
  }
  std::cout << "probe_check: role " << pics.role << ", " << run << " selected, " << none
            << " none (PICS)\n";
  return 0;
}
