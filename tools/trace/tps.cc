#include "tools/trace/tps.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>

#include "tools/probe_data/probe_data.h"

namespace annexo::trace {
namespace fs = std::filesystem;
namespace pd = annexo::probe_data;

const std::set<std::string>& tp_scope_files() {
  static const std::set<std::string> files = {"o1", "o2_1", "o2_2",    "o2_setup", "o3",
                                              "o4", "o5",   "annex_n", "rfc5626",  "tls_profile"};
  return files;
}

// The requirement's own `wire` field (spec/README.md): set explicitly, or
// derived from the observable's class prefix by the spec loader.
bool observable_on_wire(const Requirement& r) {
  return r.wire;
}

namespace {

std::string basename_of(const std::string& file) {
  return fs::path(file).stem().string();
}

bool concerns(const std::string& actor, const std::string& role) {
  if (role == "pcscf") return actor != "UE";
  if (role == "ue") return actor != "P-CSCF";
  return true;
}

}  // namespace

TpCheckResult check_test_purposes(const Spec& spec, const std::string& spec_dir,
                                  const std::string& display_prefix) {
  TpCheckResult res;
  const fs::path dir(spec_dir);
  const pd::Proforma proforma =
      pd::load_proforma((dir / "probe" / "proforma.toml").string(),
                        display_prefix + "probe/proforma.toml", res.errors);
  const pd::Catalogue cat = pd::load_catalogue((dir / "test_purposes").string(),
                                               display_prefix + "test_purposes", proforma);
  res.errors.insert(res.errors.end(), cat.errors.begin(), cat.errors.end());
  res.tps = cat.tps.size();
  res.unobservable = cat.unobservable.size();

  std::map<std::string, std::vector<std::string>> checked_by;  // requirement -> TP IDs
  for (const auto& tp : cat.tps) {
    const std::string where = tp.file + ":" + std::to_string(tp.line) + ": " +
                              (tp.id.empty() ? std::string("(tp)") : tp.id) + ".requirements";
    for (const auto& id : tp.requirements) {
      const Requirement* r = spec.find(id);
      if (r == nullptr) {
        res.errors.push_back(where + ": '" + id + "' does not exist in spec/");
        continue;
      }
      if (!concerns(r->actor, tp.role)) {
        res.errors.push_back(where + ": '" + id + "' is a requirement on the " + r->actor +
                             ", not on the IUT's role " + tp.role);
      }
      checked_by[id].push_back(tp.id);
    }
  }

  std::map<std::string, const pd::Unobservable*> reasons;
  for (const auto& u : cat.unobservable) {
    if (u.requirement.empty()) continue;
    const std::string where = u.file + ":" + std::to_string(u.line) + ": " + u.requirement;
    if (spec.find(u.requirement) == nullptr) {
      res.errors.push_back(where + ": does not exist in spec/");
    } else if (checked_by.count(u.requirement) != 0) {
      res.errors.push_back(where + ": is checked by " + checked_by[u.requirement].front() +
                           ": remove the unobservable entry");
    }
    auto [it, fresh] = reasons.emplace(u.requirement, &u);
    if (!fresh) {
      res.errors.push_back(where + ": listed twice (also at " + it->second->file + ":" +
                           std::to_string(it->second->line) + ")");
    }
  }

  for (const auto& r : spec.requirements) {
    if (!r.normative() || !r.exception.empty()) continue;
    if (tp_scope_files().count(basename_of(r.file)) == 0) continue;
    if (!observable_on_wire(r)) continue;
    ++res.in_scope;
    if (checked_by.count(r.id) == 0 && reasons.count(r.id) == 0) {
      res.errors.push_back(r.file + ": " + r.id + " (" + r.modality +
                           ") is observable on the wire but no test purpose checks it and " +
                           display_prefix + "test_purposes has no [[unobservable]] reason for it");
    }
  }

  // The PICS and PIXIT files in probe/: examples and annexo's own, filled in.
  std::vector<fs::path> files;
  if (fs::is_directory(dir / "probe")) {
    for (const auto& e : fs::directory_iterator(dir / "probe")) files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  // A PICS and a PIXIT whose names differ only in "pics" / "pixit" describe
  // the same IUT (annexo-ue.pics.toml, annexo-ue.pixit.toml).
  std::map<std::string, std::pair<std::string, pd::Pics>> pics_by_stem;
  std::map<std::string, std::pair<std::string, pd::Pixit>> pixit_by_stem;
  for (const auto& f : files) {
    const std::string name = f.filename().string();
    const std::string shown = display_prefix + "probe/" + name;
    if (name.size() > 5 && name.substr(name.size() - 5) == ".toml") {
      if (const auto at = name.find("pics"); at != std::string::npos) {
        const std::string stem = name.substr(0, at) + "*" + name.substr(at + 4);
        pics_by_stem[stem] = {shown, pd::load_pics(f.string(), shown, proforma, res.errors)};
        ++res.pics_files;
      } else if (const auto at2 = name.find("pixit"); at2 != std::string::npos) {
        const std::string stem = name.substr(0, at2) + "*" + name.substr(at2 + 5);
        pixit_by_stem[stem] = {shown, pd::load_pixit(f.string(), shown, res.errors)};
        ++res.pixit_files;
      }
    }
  }
  for (const auto& [stem, pics] : pics_by_stem) {
    const auto it = pixit_by_stem.find(stem);
    if (it == pixit_by_stem.end()) continue;
    pd::check_pair(pics.second, pics.first, it->second.second, it->second.first, res.errors);
  }
  return res;
}

}  // namespace annexo::trace
