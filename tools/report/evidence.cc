#include "tools/report/evidence.h"

#include <sys/wait.h>
#include <unistd.h>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace annexo::report {
namespace fs = std::filesystem;
namespace {

std::string unescape(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      out += s[i];
      continue;
    }
    const auto semi = s.find(';', i);
    const std::string ent = semi == std::string::npos ? "" : s.substr(i, semi - i + 1);
    if (ent == "&amp;")
      out += '&';
    else if (ent == "&lt;")
      out += '<';
    else if (ent == "&gt;")
      out += '>';
    else if (ent == "&quot;")
      out += '"';
    else if (ent == "&apos;")
      out += '\'';
    else {
      out += '&';
      continue;
    }
    i = semi;
  }
  return out;
}

bool has_attribute(const std::string& tag, const std::string& name) {
  return tag.find(" " + name + "=\"") != std::string::npos;
}

std::string attribute(const std::string& tag, const std::string& name) {
  const std::string key = " " + name + "=\"";
  const auto b = tag.find(key);
  if (b == std::string::npos) return "";
  const auto start = b + key.size();
  const auto e = tag.find('"', start);
  return e == std::string::npos ? "" : unescape(tag.substr(start, e - start));
}

std::string slurp(const std::string& path, bool& ok) {
  std::ifstream in(path);
  ok = static_cast<bool>(in);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// file:///a/b%20c -> /a/b c
std::string uri_path(const std::string& uri) {
  std::string p = uri.rfind("file://", 0) == 0 ? uri.substr(7) : uri;
  std::string out;
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (p[i] == '%' && i + 2 < p.size()) {
      out += static_cast<char>(std::stoi(p.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += p[i];
    }
  }
  return out;
}

// The label in any event id ({"testResult": {"label": ...}}, ...).
std::string id_label(const nlohmann::json& id) {
  for (const auto& [kind, body] : id.items()) {
    (void)kind;
    if (body.is_object() && body.contains("label") && body["label"].is_string()) {
      return body["label"].get<std::string>();
    }
  }
  return "";
}

const std::vector<std::string> kLevels = {"core", "program", "third-party"};

}  // namespace

std::string TargetRun::why_not() const {
  if (!built) return "did not build in this invocation";
  if (aborted)
    return "aborted in this invocation" + (abort_reason.empty() ? "" : ": " + abort_reason);
  if (cached) return "result served from a cache: not run in this invocation";
  if (!in_bep || !ran) return "did not run in this invocation";
  if (crashed()) {
    std::string s = "crashed (status " + (status.empty() ? std::string("none") : status);
    if (!xml_complete) s += ", results file complete=\"false\"";
    if (!exit_code.empty()) s += ", exit_code " + exit_code;
    return s + ")";
  }
  if (status != "PASSED") return "status " + status;
  return "";
}

void read_targets(const std::string& path, TestRun& run, std::vector<std::string>& problems) {
  std::ifstream in(path);
  if (!in) {
    problems.push_back("test target list " + path +
                       " not found: citations of targets that produced no results cannot be "
                       "placed");
    return;
  }
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string label, src;
    if (!std::getline(fields, label, '\t') || label.empty()) continue;
    TargetRun& t = run.targets[label];
    t.label = label;
    while (std::getline(fields, src, '\t')) {
      if (src.empty()) continue;
      t.srcs.push_back(src);
      auto& labels = run.targets_of_file[src];
      if (std::find(labels.begin(), labels.end(), label) == labels.end()) labels.push_back(label);
    }
  }
}

void read_junit_text(const std::string& xml, const std::string& target, TestRun& run,
                     std::vector<std::string>& problems) {
  TargetRun& t = run.targets[target];
  t.label = target;
  std::size_t pos = 0;
  std::string suite;
  bool annexo_suite = false;
  while (true) {
    const auto s = xml.find("<testsuite ", pos);
    const auto c = xml.find("<testcase ", pos);
    if (s == std::string::npos && c == std::string::npos) break;
    if (s != std::string::npos && (c == std::string::npos || s < c)) {
      const auto end = xml.find('>', s);
      if (end == std::string::npos) break;
      suite = xml.substr(s, end - s + 1);
      // annexo's writers say whether the run finished; Bazel's own generated
      // file (for a binary that wrote none) does not, and credits nothing.
      annexo_suite = has_attribute(suite, "complete");
      if (annexo_suite) {
        t.xml_annexo = true;
        if (attribute(suite, "complete") != "true") t.xml_complete = false;
        const std::string rc = attribute(suite, "exit_code");
        if (!rc.empty()) t.exit_code = rc;
      }
      pos = end;
      continue;
    }
    const auto end = xml.find('>', c);
    if (end == std::string::npos) break;
    const std::string tag = xml.substr(c, end - c + 1);
    const bool self_closing = tag.size() >= 2 && tag[tag.size() - 2] == '/';
    std::string body;
    if (!self_closing) {
      const auto close = xml.find("</testcase>", end);
      body = xml.substr(end, close == std::string::npos ? std::string::npos : close - end);
    }
    pos = end;
    const auto f = body.find("<failure");
    const auto err = body.find("<error");
    // A may-fail case's failure does not explain a failed target.
    if ((f != std::string::npos || err != std::string::npos) &&
        attribute(tag, "mayfail") != "true") {
      t.xml_has_failure = true;
    }
    if (!annexo_suite) continue;
    CaseResult r;
    r.name = attribute(tag, "name");
    // A twin of another target (tests/sanitize: ASan + UBSan) reports the same
    // case names under its variant: kept apart, credited as its own evidence.
    r.variant = attribute(suite, "variant");
    r.tls_stack = attribute(suite, "tls_stack");
    if (!r.variant.empty() && !r.name.empty()) r.name += " [" + r.variant + "]";
    r.file = attribute(tag, "file");
    r.level = attribute(tag, "level");
    if (r.level.empty()) r.level = attribute(suite, "level");
    if (r.level.empty()) r.level = "core";
    if (std::find(kLevels.begin(), kLevels.end(), r.level) == kLevels.end()) {
      problems.push_back("test case \"" + r.name + "\" in " + target +
                         ": unknown evidence level '" + r.level + "', counted as core");
      r.level = "core";
    }
    r.target = target;
    r.mayfail = attribute(tag, "mayfail") == "true";
    r.passed = f == std::string::npos && err == std::string::npos;
    if (f != std::string::npos) {
      r.failure = attribute(body.substr(f, body.find('>', f) - f + 1), "message");
    }
    std::size_t p = 0;
    while ((p = body.find("<property ", p)) != std::string::npos) {
      const auto pe = body.find('>', p);
      const std::string prop =
          body.substr(p, pe == std::string::npos ? std::string::npos : pe - p + 1);
      const std::string kind = attribute(prop, "name"), id = attribute(prop, "value");
      if (kind == "requirement") r.held.push_back(id);
      if (kind == "requirement-failed") r.failed.push_back(id);
      p = pe == std::string::npos ? body.size() : pe;
    }
    // An ID both held and failed (two files for one case): failed wins.
    for (const auto& id : r.failed)
      r.held.erase(std::remove(r.held.begin(), r.held.end(), id), r.held.end());
    if (r.name.empty()) continue;
    auto [it, fresh] = run.cases.emplace(r.name, r);
    if (!fresh) {
      // Same name twice (two targets, or two shards): trust neither.
      problems.push_back("test case \"" + r.name + "\" reported by " + it->second.target + " and " +
                         target + ": neither credited");
      it->second.passed = false;
      it->second.failure = "reported twice";
    }
  }
}

void read_bep(const std::string& path, TestRun& run, std::vector<std::string>& problems,
              long long not_before_ms) {
  std::ifstream in(path);
  if (!in) {
    problems.push_back("build event file " + path + " not found: nothing counts as tested");
    return;
  }
  run.have_bep = true;
  struct Seen {
    bool test = false, completed = false, built = true, aborted = false, cached = false,
         fresh = false;
    std::string abort_reason, summary_status, worst_status;
    std::vector<std::string> xml;
  };
  std::map<std::string, Seen> seen;
  std::string line;
  int lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    if (line.empty()) continue;
    nlohmann::json e;
    try {
      e = nlohmann::json::parse(line);
    } catch (const std::exception& ex) {
      problems.push_back(path + ":" + std::to_string(lineno) + ": unreadable build event");
      continue;
    }
    if (!e.contains("id") || !e["id"].is_object()) continue;
    const auto& id = e["id"];
    const std::string label = id_label(id);
    if (label.empty()) continue;
    Seen& s = seen[label];
    if (e.contains("aborted")) {
      s.aborted = true;
      const auto& a = e["aborted"];
      s.abort_reason = a.value("reason", "") +
                       (a.contains("description") ? " " + a.value("description", "") : "");
      // A target that was not analysed or not built: did not build.
      if (id.contains("targetCompleted") || id.contains("targetConfigured")) s.built = false;
      continue;
    }
    if (id.contains("targetConfigured") && e.contains("configured")) {
      const auto& c = e["configured"];
      const std::string kind = c.value("targetKind", "");
      if (c.contains("testSize") || kind.find("_test rule") != std::string::npos) s.test = true;
    } else if (id.contains("targetCompleted")) {
      s.completed = true;
      // proto3 JSON omits false: no "success" means it failed to build.
      const bool ok = e.contains("completed") && e["completed"].value("success", false);
      if (!ok) s.built = false;
    } else if (id.contains("testResult") && e.contains("testResult")) {
      s.test = true;
      const auto& r = e["testResult"];
      const nlohmann::json info =
          r.contains("executionInfo") ? r["executionInfo"] : nlohmann::json::object();
      long long started_ms = 0;
      try {
        started_ms = std::stoll(r.value("testAttemptStartMillisEpoch", std::string("0")));
      } catch (const std::exception&) {
      }
      // Served from a cache, or a result older than this run: not executed here.
      const bool cached = r.value("cachedLocally", false) || info.value("remoteCacheHit", false) ||
                          info.value("strategy", "") == "remote-cache" ||
                          (not_before_ms > 0 && started_ms > 0 && started_ms < not_before_ms);
      if (cached) {
        s.cached = true;
      } else {
        s.fresh = true;
      }
      const std::string st = r.value("status", "NO_STATUS");
      if (s.worst_status.empty() || s.worst_status == "PASSED") s.worst_status = st;
      if (!cached && r.contains("testActionOutput")) {
        for (const auto& o : r["testActionOutput"]) {
          const std::string name = o.value("name", "");
          if (name == "test.xml" || (name.size() > 4 && name.substr(name.size() - 4) == ".xml")) {
            s.xml.push_back(uri_path(o.value("uri", "")));
          }
        }
      }
    } else if (id.contains("testSummary") && e.contains("testSummary")) {
      s.test = true;
      s.summary_status = e["testSummary"].value("overallStatus", "NO_STATUS");
    }
  }
  for (auto& [label, s] : seen) {
    const bool listed = run.targets.count(label) != 0;
    if (!listed && !s.test) continue;  // not a test target
    TargetRun& t = run.targets[label];
    t.label = label;
    t.in_bep = true;
    t.built = s.built;
    t.aborted = s.aborted;
    t.abort_reason = s.abort_reason;
    t.cached = s.cached;
    t.ran = s.fresh && !s.cached && s.built && !s.aborted;
    t.status = !s.summary_status.empty() ? s.summary_status : s.worst_status;
    if (!t.ran) continue;
    for (const auto& x : s.xml) {
      bool ok = false;
      const std::string text = slurp(x, ok);
      if (!ok) {
        problems.push_back(label + ": results file " + x + " named by the build events is missing");
        t.xml_complete = false;
        continue;
      }
      t.xml_files.push_back(x);
      read_junit_text(text, label, run, problems);
    }
  }
  for (const auto& [label, t] : run.targets) {
    if (t.ran && t.status == "PASSED" && !t.crashed()) {
      ++run.passed;
    } else {
      ++run.failed;
    }
  }
}

bool parse_proofs(const std::string& json_text, ProofRun& run, std::vector<std::string>& problems) {
  try {
    const auto j = nlohmann::json::parse(json_text);
    for (const auto& p : j.at("properties")) {
      ProofOutcome o;
      o.name = p.at("name").get<std::string>();
      o.requirements = p.at("requirements").get<std::vector<std::string>>();
      o.status = p.at("status").get<std::string>();
      o.seconds = p.value("seconds", 0.0);
      o.counterexample = p.value("counterexample", "");
      o.basis = p.value("basis", "induction");
      // exhaustive: decided over every input (no induction needed), as proved.
      if (o.basis != "induction" && o.basis != "exhaustive" && o.basis != "by-construction") {
        problems.push_back("proof \"" + o.name + "\": unknown basis '" + o.basis +
                           "', counted as by-construction");
        o.basis = "by-construction";
      }
      run.properties.push_back(o);
    }
    if (j.contains("mutants")) {
      for (const auto& m : j.at("mutants")) {
        MutantOutcome o;
        o.name = m.at("name").get<std::string>();
        o.caught = m.at("caught").get<bool>();
        o.refuted_by = m.value("refuted_by", std::vector<std::string>{});
        run.mutants.push_back(o);
      }
    }
    run.ran = true;
    return true;
  } catch (const std::exception& e) {
    problems.push_back(std::string("proof results unreadable: ") + e.what());
    return false;
  }
}

ProofRun run_proofs(const std::string& prove_binary, std::vector<std::string>& problems) {
  ProofRun run;
  if (prove_binary.empty()) return run;
  if (!fs::exists(prove_binary)) {
    problems.push_back("proof program " + prove_binary + " not found: nothing counts as proved");
    return run;
  }
  const fs::path out =
      fs::temp_directory_path() / ("annexo-proofs-" + std::to_string(::getpid()) + ".json");
  fs::remove(out);
  const std::string cmd = "'" + prove_binary + "' --json '" + out.string() + "'";
  const auto t0 = std::chrono::steady_clock::now();
  const int status = std::system(cmd.c_str());
  run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  bool ok = false;
  const std::string text = slurp(out.string(), ok);
  if (!ok) {
    problems.push_back("proof program wrote no results (exit " + std::to_string(run.exit_code) +
                       ")");
    return run;
  }
  const double seconds = run.seconds;
  const int rc = run.exit_code;
  parse_proofs(text, run, problems);
  run.seconds = seconds;
  run.exit_code = rc;
  fs::remove(out);
  return run;
}

LiveRun read_live(const std::string& path, const std::string& run_id, long long not_before,
                  std::vector<std::string>& problems) {
  LiveRun run;
  if (path.empty()) return run;
  bool ok = false;
  const std::string text = slurp(path, ok);
  if (!ok) {
    problems.push_back("live run results " + path + " not found: nothing counts as run");
    return run;
  }
  try {
    const auto j = nlohmann::json::parse(text);
    const std::string id = j.value("run_id", "");
    const long long started = j.value("started", 0LL);
    if (run_id.empty() || id != run_id) {
      problems.push_back("live run results " + path + " belong to run '" + id +
                         "', not to this run '" + run_id + "': stale, not read");
      return run;
    }
    if (started < not_before) {
      problems.push_back("live run results " + path + " started at " + std::to_string(started) +
                         ", before this run (" + std::to_string(not_before) + "): stale, not read");
      return run;
    }
    run.run_id = id;
    run.started = started;
    run.description = j.value("description", "");
    run.passed = j.at("passed").get<bool>();
    run.stacks = j.value("stacks", std::vector<std::string>{});
    for (const auto& c : j.at("checks")) {
      LiveCheck k;
      k.id = c.at("id").get<std::string>();
      k.passed = c.at("passed").get<bool>();
      k.observed = c.value("observed", "");
      k.counted = c.value("counted", false);
      k.observed_at = c.value("observed_at", "");
      k.stack = c.value("stack", "");
      run.checks.push_back(k);
    }
    run.ran = true;
  } catch (const std::exception& e) {
    problems.push_back(std::string("live run results unreadable: ") + e.what());
  }
  return run;
}

}  // namespace annexo::report
