#include "tools/report/mutation.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <set>
#include <sstream>

namespace annexo::report {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr int kFormat = 3;  // tools/mutation/freshness.py FORMAT

std::string join(const std::vector<std::string>& v, const std::string& sep) {
  std::string s;
  for (std::size_t i = 0; i < v.size(); ++i) s += (i ? sep : "") + v[i];
  return s;
}

std::string md_cell(std::string s) {
  for (std::size_t i = 0; (i = s.find('|', i)) != std::string::npos; i += 2) s.replace(i, 1, "\\|");
  for (auto& c : s) c = c == '\n' ? ' ' : c;
  return s;
}

std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// Runs `cmd` and returns its standard output; `ok` is false unless it exited 0.
std::string run_command(const std::string& cmd, bool& ok) {
  ok = false;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return "";
  std::string out;
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  const int st = pclose(p);
  ok = st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0;
  return out;
}

// `tools/mutation/mutate.py --verify DIR` on `root`, given the report's own
// citations: each result with "current" and, if not, "why"
// (tools/mutation/freshness.py). Null on failure, with `why` set.
json verify_results(const std::string& dir, const std::string& root, const trace::ScanResult& scan,
                    std::string& why) {
  const fs::path script = fs::path(root) / "tools" / "mutation" / "mutate.py";
  if (!fs::exists(script)) {
    why = script.string() + " is missing";
    return nullptr;
  }
  const char* tmp = std::getenv("TMPDIR");
  const fs::path cits = fs::path(tmp != nullptr && *tmp != 0 ? tmp : "/tmp") /
                        ("annexo-report-citations-" + std::to_string(getpid()) + ".txt");
  const fs::path err = cits.string() + ".err";
  std::ofstream(cits) << trace::citation_list(scan);
  const std::string cmd = "python3 " + shell_quote(script.string()) + " --verify " +
                          shell_quote(dir) + " --root " + shell_quote(root) + " --citations " +
                          shell_quote(cits.string()) + " 2>" + shell_quote(err.string());
  bool ok = false;
  const std::string out = run_command(cmd, ok);
  std::ifstream err_in(err);
  std::string line, last;
  while (std::getline(err_in, line)) last = line.empty() ? last : line;
  fs::remove(cits);
  fs::remove(err);
  if (!ok) {
    why = script.string() + " --verify failed (is " + root + " a git checkout?)" +
          (last.empty() ? "" : ": " + last);
    return nullptr;
  }
  try {
    return json::parse(out);
  } catch (const std::exception& e) {
    why = script.string() + " --verify printed no JSON (" + e.what() + ")";
    return nullptr;
  }
}

std::vector<std::string> strings(const json& j, const char* key) {
  std::vector<std::string> v;
  if (j.contains(key) && j[key].is_array()) {
    for (const auto& e : j[key]) {
      if (e.is_string()) v.push_back(e.get<std::string>());
    }
  }
  return v;
}

std::string str(const json& j, const char* key) {
  return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : "";
}

double num(const json& j, const char* key) {
  return j.contains(key) && j[key].is_number() ? j[key].get<double>() : 0.0;
}

bool has_implementation_site(const trace::ScanResult& scan, const std::string& id) {
  for (const auto& c : scan.citations) {
    if (c.id == id && c.type == trace::CitationType::implementation) return true;
  }
  return false;
}

std::string seconds_text(double s) {
  std::ostringstream o;
  o << std::fixed << std::setprecision(0) << s << " s";
  return o.str();
}

}  // namespace

MutationRun read_mutation(const std::string& path, const std::string& root,
                          const trace::ScanResult& scan, std::vector<std::string>& problems) {
  MutationRun run;
  run.path = path;
  if (path.empty()) return run;
  run.given = true;
  if (!fs::is_directory(path)) {
    problems.push_back("mutation results " + path +
                       " is not a results directory: no requirement is mutation-confirmed "
                       "(tools/mutation/README.md)");
    return run;
  }
  std::string why;
  const json j = verify_results(path, root, scan, why);
  if (j.is_null()) {
    problems.push_back("mutation results " + path + " ignored: they cannot be checked against " +
                       "the current sources (" + why + ")");
    return run;
  }
  if (!j.is_object() || !j.contains("format") || j["format"] != kFormat) {
    problems.push_back("mutation results " + path + " have an unknown format: ignored");
    return run;
  }
  run.read = true;
  if (j.contains("baseline") && j["baseline"].is_object()) {
    for (const auto& [target, b] : j["baseline"].items()) {
      if (!(b.contains("current") && b["current"] == true)) ++run.stale_baseline;
    }
  }
  // Stale results are named with why, and never read further.
  std::vector<std::string> stale;
  if (j.contains("mutants") && j["mutants"].is_object()) {
    for (const auto& [name, m] : j["mutants"].items()) {
      if (!(m.contains("current") && m["current"] == true)) {
        ++run.stale_mutants;
        stale.push_back(name + " (" + join(strings(m, "why"), "; ") + ")");
        continue;
      }
      MutantResult r;
      r.name = name;
      r.kind = str(m, "kind");
      r.catalogue = str(m, "catalogue");
      r.file = str(m, "file");
      r.description = str(m, "description");
      r.status = str(m, "status");
      r.survives = str(m, "survives");
      r.breaks = strings(m, "breaks");
      r.seconds = num(m, "seconds");
      r.build_seconds = num(m, "build_seconds");
      r.test_seconds = num(m, "test_seconds");
      r.baseline_checked = m.contains("baseline_checked") && m["baseline_checked"] == true;
      if (m.contains("requirements") && m["requirements"].is_object()) {
        for (const auto& [id, q] : m["requirements"].items()) {
          MutantRequirement mr;
          mr.killed = q.contains("killed") && q["killed"] == true;
          mr.killed_by = strings(q, "killed_by");
          mr.not_credited = strings(q, "not_credited");
          mr.citing_cases = static_cast<int>(num(q, "citing_cases"));
          // A kill needs the case that did it: a file saying killed without one is not believed.
          if (mr.killed && mr.killed_by.empty()) mr.killed = false;
          r.requirements[id] = mr;
        }
      }
      // The status follows the credited kills, not the file's word for it.
      if (r.status == "killed" || r.status == "partly-killed" || r.status == "survived") {
        std::size_t k = 0;
        for (const auto& id : r.breaks) {
          const auto it = r.requirements.find(id);
          k += it != r.requirements.end() && it->second.killed ? 1 : 0;
        }
        r.status = r.breaks.empty()       ? "survived"
                   : k == r.breaks.size() ? "killed"
                   : k > 0                ? "partly-killed"
                                          : "survived";
      }
      run.mutants.push_back(std::move(r));
    }
  }
  if (!stale.empty() || run.stale_baseline > 0) {
    problems.push_back("mutation results " + path + ": " + std::to_string(run.stale_mutants) +
                       " mutant results and " + std::to_string(run.stale_baseline) +
                       " baseline entries are stale (what they depend on changed since they "
                       "were recorded), ignored, not credited; rerun with tools/mutate --stale" +
                       (stale.empty() ? std::string() : ": " + join(stale, "; ")));
  }
  return run;
}

std::map<std::string, RequirementMutation> mutation_by_requirement(const MutationRun& run) {
  std::map<std::string, RequirementMutation> out;
  if (!run.read) return out;
  for (const auto& m : run.mutants) {
    for (const auto& id : m.breaks) {
      auto& rm = out[id];
      const auto it = m.requirements.find(id);
      if (it != m.requirements.end() && it->second.killed) {
        rm.killed.push_back(m.name);
        rm.evidence.push_back(m.name + ": killed by " + join(it->second.killed_by, "; "));
      } else {
        rm.survived.push_back(m.name);
        std::string line = m.name + ": SURVIVED (" + m.status;
        if (it != m.requirements.end() && !it->second.not_credited.empty()) {
          line += "; failing on the unmodified sources too, not credited: " +
                  join(it->second.not_credited, "; ");
        }
        line += ")";
        if (!m.survives.empty()) line += " — " + m.survives;
        rm.evidence.push_back(line);
      }
    }
  }
  return out;
}

MutationSummary summarize_mutation(const MutationRun& run, const trace::Spec& spec,
                                   const trace::ScanResult& scan) {
  MutationSummary s;
  const auto by_req = mutation_by_requirement(run);
  for (const auto& r : spec.requirements) {
    if (!r.normative() || !has_implementation_site(scan, r.id)) continue;
    ++s.normative_with_site;
    const auto it = by_req.find(r.id);
    if (it != by_req.end() && !it->second.killed.empty()) {
      ++s.with_killed;
    } else {
      s.without_killed.push_back(r.id);
    }
  }
  for (const auto& m : run.mutants) {
    if (m.status != "killed") s.survivors.push_back(&m);
  }
  return s;
}

void print_mutation(std::ostream& out, const MutationRun& run, const trace::Spec& spec,
                    const trace::ScanResult& scan) {
  out << "\nMutation-confirmed evidence";
  if (!run.read) {
    out << ": none ("
        << (run.given ? "results not valid for these sources, see the notes"
                      : "no --mutation results given; run tools/mutate")
        << ")\n";
    return;
  }
  out << " (" << run.path << ", " << run.mutants.size() << " current mutant results, "
      << run.stale_mutants << " stale ones ignored):\n";
  for (const auto& m : run.mutants) {
    out << "  " << std::left << std::setw(32) << m.name << " " << std::setw(13) << m.status << " "
        << std::setw(8) << m.kind << " " << seconds_text(m.seconds) << "  " << m.description
        << "\n";
    for (const auto& id : m.breaks) {
      const auto it = m.requirements.find(id);
      const bool k = it != m.requirements.end() && it->second.killed;
      out << "      " << id << ": "
          << (k ? "killed by " + join(it->second.killed_by, "; ") : std::string("not killed"))
          << "\n";
    }
  }
  const auto s = summarize_mutation(run, spec, scan);
  out << "  shall/shall-not requirements with an implementation site: " << s.normative_with_site
      << ", with a mutant killed by their citing tests: " << s.with_killed << "\n";
  for (const auto* m : s.survivors) {
    out << "  SURVIVED: " << m->name << " (" << m->status << ")"
        << (m->survives.empty() ? " — unexplained" : " — " + m->survives) << "\n";
  }
}

void markdown_mutation(std::ostream& md, const MutationRun& run, const trace::Spec& spec,
                       const trace::ScanResult& scan) {
  md << "\n## Mutation-confirmed evidence\n\n";
  if (!run.read) {
    md << "None: "
       << (run.given ? "the mutation results given are not valid for these sources (see Problems)."
                     : "no mutation results were given (`tools/mutate`, then `--mutation FILE`).")
       << "\n";
    return;
  }
  const auto s = summarize_mutation(run, spec, scan);
  md << "Each mutant is a deliberate bug in the core or an adapter, named with the requirements "
        "it breaks (`proofs/mutants/mutants.bzl`, `tools/mutation/adapter_mutants.toml`). "
        "`tools/mutate` rebuilt the programs with it and ran the tests citing those requirements; "
        "a requirement is killed when a citing case failed (or its assertion of the requirement "
        "did not hold) against the mutant and passed on the unmodified sources. Only results "
        "whose key (a hash of every file the tests run depend on, the mutant's catalogue entry "
        "and the cases citing what it breaks) matches this report's sources are shown: "
     << run.mutants.size() << " current from `" << md_cell(run.path) << "`, " << run.stale_mutants
     << " stale and ignored (see the notes).\n\n";
  md << "**" << s.with_killed << " of " << s.normative_with_site
     << "** shall / shall-not requirements with an implementation site have at least one mutant "
        "killed by their citing tests.\n\n";
  md << "| Mutant | Kind | File | Status | Requirement | Killed by | Time |\n"
        "|---|---|---|---|---|---|---|\n";
  for (const auto& m : run.mutants) {
    bool first = true;
    for (const auto& id : m.breaks) {
      const auto it = m.requirements.find(id);
      const bool k = it != m.requirements.end() && it->second.killed;
      md << "| " << (first ? md_cell(m.name) : "") << " | " << (first ? m.kind : "") << " | "
         << (first ? md_cell(m.file) : "") << " | " << (first ? m.status : "") << " | " << id
         << " | " << (k ? md_cell(join(it->second.killed_by, "<br>")) : "**not killed**") << " | "
         << (first ? seconds_text(m.seconds) : "") << " |\n";
      first = false;
    }
  }
  md << "\n### By requirement\n\n| Requirement | Modality | Mutation |\n|---|---|---|\n";
  const auto by_req = mutation_by_requirement(run);
  for (const auto& r : spec.requirements) {
    const auto it = by_req.find(r.id);
    const bool site = r.normative() && has_implementation_site(scan, r.id);
    if (it == by_req.end() && !site) continue;
    std::string cell = "no mutant";
    if (it != by_req.end()) {
      cell = (it->second.killed.empty() ? "**not killed**: " : "killed: ") +
             join(it->second.evidence, "<br>");
    }
    md << "| " << r.id << " | " << r.modality << " | " << md_cell(cell) << " |\n";
  }
  md << "\n### Survivors\n\n";
  if (s.survivors.empty()) md << "None.\n";
  for (const auto* m : s.survivors) {
    md << "- `" << m->name << "` (" << m->status << "): " << md_cell(m->description) << ". "
       << (m->survives.empty() ? "**Unexplained.**" : md_cell(m->survives)) << "\n";
  }
  md << "\n### Shall / shall-not requirements with an implementation site and no killed mutant\n\n";
  if (s.without_killed.empty()) md << "None.\n";
  if (!s.without_killed.empty()) md << md_cell(join(s.without_killed, ", ")) << "\n";
}

json json_mutation(const MutationRun& run, const trace::Spec& spec, const trace::ScanResult& scan) {
  json j;
  j["given"] = run.given;
  j["valid"] = run.read;
  j["file"] = run.path;
  if (!run.read) return j;
  j["stale_mutants"] = run.stale_mutants;
  j["stale_baseline"] = run.stale_baseline;
  for (const auto& m : run.mutants) {
    json reqs = json::object();
    for (const auto& [id, r] : m.requirements) {
      reqs[id] = {{"killed", r.killed},
                  {"killed_by", r.killed_by},
                  {"not_credited", r.not_credited},
                  {"citing_cases", r.citing_cases}};
    }
    j["mutants"].push_back({{"name", m.name},
                            {"kind", m.kind},
                            {"file", m.file},
                            {"description", m.description},
                            {"status", m.status},
                            {"survives", m.survives},
                            {"breaks", m.breaks},
                            {"seconds", m.seconds},
                            {"build_seconds", m.build_seconds},
                            {"test_seconds", m.test_seconds},
                            {"requirements", reqs}});
  }
  for (const auto& [id, rm] : mutation_by_requirement(run)) {
    j["requirements"][id] = {
        {"killed", rm.killed}, {"survived", rm.survived}, {"evidence", rm.evidence}};
  }
  const auto s = summarize_mutation(run, spec, scan);
  std::vector<std::string> survivors;
  for (const auto* m : s.survivors) survivors.push_back(m->name);
  j["summary"] = {{"normative_with_implementation_site", s.normative_with_site},
                  {"with_killed_mutant", s.with_killed},
                  {"without_killed_mutant", s.without_killed},
                  {"surviving_mutants", survivors}};
  return j;
}

}  // namespace annexo::report
