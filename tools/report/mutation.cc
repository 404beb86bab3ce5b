#include "tools/report/mutation.h"

#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <set>
#include <sstream>

namespace annexo::report {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr int kFormat = 1;

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

// The identity of the sources at `root` (tools/mutation/source-id); empty on failure.
std::string current_source_id(const std::string& root, std::string& why) {
  const fs::path script = fs::path(root) / "tools" / "mutation" / "source-id";
  if (!fs::exists(script)) {
    why = script.string() + " is missing";
    return "";
  }
  const std::string cmd = shell_quote(script.string()) + " " + shell_quote(root) + " 2>/dev/null";
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) {
    why = "cannot run " + script.string();
    return "";
  }
  std::string out;
  char buf[256];
  while (std::fgets(buf, sizeof buf, p) != nullptr) out += buf;
  const int st = pclose(p);
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  if (st != 0 || out.empty()) {
    why = script.string() + " failed (is " + root + " a git checkout?)";
    return "";
  }
  return out;
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
                          std::vector<std::string>& problems) {
  MutationRun run;
  run.path = path;
  if (path.empty()) return run;
  run.given = true;
  std::ifstream in(path);
  if (!in) {
    problems.push_back("mutation results " + path +
                       " do not exist: no requirement is mutation-confirmed (run tools/mutate)");
    return run;
  }
  json j;
  try {
    in >> j;
  } catch (const std::exception& e) {
    problems.push_back("mutation results " + path + " are not JSON (" + e.what() + "): ignored");
    return run;
  }
  if (!j.is_object() || !j.contains("format") || j["format"] != kFormat) {
    problems.push_back("mutation results " + path + " have an unknown format: ignored");
    return run;
  }
  run.source_id = str(j, "source_id");
  run.head = str(j, "head");
  std::string why;
  const std::string now = current_source_id(root, why);
  if (now.empty()) {
    problems.push_back("mutation results " + path + " ignored: the current sources cannot be " +
                       "identified (" + why + ")");
    return run;
  }
  if (run.source_id != now) {
    problems.push_back("mutation results " + path + " are stale: recorded for sources " +
                       run.source_id.substr(0, 16) + " (commit " + run.head.substr(0, 12) +
                       "), the sources are now " + now.substr(0, 16) +
                       "; ignored (run tools/mutate again)");
    return run;
  }
  run.read = true;
  if (j.contains("mutants") && j["mutants"].is_object()) {
    for (const auto& [name, m] : j["mutants"].items()) {
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
  out << " (" << run.path << ", " << run.mutants.size() << " mutants run):\n";
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
        "did not hold) against the mutant and passed on the unmodified sources. Results recorded "
        "for sources "
     << run.source_id.substr(0, 16) << " (commit " << run.head.substr(0, 12)
     << "), the sources of this report.\n\n";
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
  j["source_id"] = run.source_id;
  j["head"] = run.head;
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
