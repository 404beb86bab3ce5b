// Test-only driver of the probe's P-CSCF SIP group (issue 13) until the
// probe runner exists: loads the catalogue, a PICS and a PIXIT, runs the
// named TPs of pcscf_sip_tps() (all implemented, selected, not long-timer
// ones when none is named) and prints one line per TP:
//   TP_ID VERDICT reason
//     evidence: STREAM @OFFSET OBSERVED
// Exit status 0 when no TP ended fail or error, 1 otherwise, 2 on bad input.
//   pcscf_sip_driver SPEC_DIR PICS PIXIT [TP_ID...]
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "adapters/probe/tp.h"
#include "tools/probe_data/probe_data.h"

using namespace annexo;

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: pcscf_sip_driver SPEC_DIR PICS PIXIT [TP_ID...]\n");
    return 2;
  }
  const std::string spec = argv[1];
  std::vector<std::string> errors;
  const auto proforma =
      probe_data::load_proforma(spec + "/probe/proforma.toml", "spec/probe/proforma.toml", errors);
  const auto cat =
      probe_data::load_catalogue(spec + "/test_purposes", "spec/test_purposes", proforma);
  const auto pics = probe_data::load_pics(argv[2], argv[2], proforma, errors);
  const auto pixit = probe_data::load_pixit(argv[3], argv[3], errors);
  errors.insert(errors.end(), cat.errors.begin(), cat.errors.end());
  if (!errors.empty()) {
    for (const auto& e : errors) std::fprintf(stderr, "%s\n", e.c_str());
    return 2;
  }
  std::vector<std::string> wanted(argv + 4, argv + argc);
  int bad = 0;
  int n = 0;
  for (const auto& impl : probe::pcscf_sip_tps()) {
    const probe_data::TestPurpose* tp = nullptr;
    for (const auto& t : cat.tps)
      if (t.id == impl.id) tp = &t;
    if (tp == nullptr) {
      std::fprintf(stderr, "%s: not in the catalogue\n", impl.id.c_str());
      return 2;
    }
    const bool named = std::find(wanted.begin(), wanted.end(), impl.id) != wanted.end();
    if (!wanted.empty() && !named) continue;
    if (wanted.empty() && tp->long_timer) continue;
    const bool sel = probe_data::selected(*tp, pics);
    probe::Tp_Outcome o;
    if (sel) {
      const std::string work = std::filesystem::temp_directory_path() / ("probe-" + impl.id);
      std::filesystem::create_directories(work);
      probe::Tp_Context ctx{*tp, pics, pixit, spec, work, [](const std::string&) {}};
      o = impl.run(ctx);
    }
    const auto v = probe_data::final_verdict(sel, o.verdict);
    std::printf("%s %s %s\n", impl.id.c_str(), probe_data::verdict_name(v), o.reason.c_str());
    for (const auto& e : o.evidence)
      std::printf("  evidence: %s @%zu %s\n", e.stream.c_str(), e.offset, e.observed.c_str());
    std::fflush(stdout);
    ++n;
    if (v == probe_data::Verdict::fail || v == probe_data::Verdict::error) ++bad;
  }
  if (n == 0) {
    std::fprintf(stderr, "no TP ran\n");
    return 2;
  }
  return bad == 0 ? 0 : 1;
}
