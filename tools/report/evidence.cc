#include "tools/report/evidence.h"

#include <sys/wait.h>
#include <unistd.h>
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

std::string attribute(const std::string& tag, const std::string& name) {
  const std::string key = " " + name + "=\"";
  const auto b = tag.find(key);
  if (b == std::string::npos) return "";
  const auto start = b + key.size();
  const auto e = tag.find('"', start);
  return e == std::string::npos ? "" : unescape(tag.substr(start, e - start));
}

}  // namespace

std::map<std::string, TestOutcome> read_test_results(const std::string& testlogs,
                                                     std::vector<std::string>& problems) {
  std::map<std::string, TestOutcome> results;
  if (!fs::exists(testlogs)) {
    problems.push_back("no test logs at " + testlogs + ": nothing counts as tested");
    return results;
  }
  for (const auto& e : fs::recursive_directory_iterator(testlogs)) {
    if (!e.is_regular_file() || e.path().filename() != "test.xml") continue;
    const std::string target =
        "//" + fs::relative(e.path().parent_path().parent_path(), testlogs).string() + ":" +
        e.path().parent_path().filename().string();
    std::ifstream in(e.path());
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string xml = ss.str();
    // annexo's writers (tests/support/catch_main.cc, tests/support/testlib.sh)
    // emit one <testcase name=".."/> per case, or <testcase ..><failure message=".."/>.
    std::size_t pos = 0;
    while ((pos = xml.find("<testcase ", pos)) != std::string::npos) {
      const auto end = xml.find('>', pos);
      if (end == std::string::npos) break;
      const std::string tag = xml.substr(pos, end - pos + 1);
      TestOutcome o;
      o.target = target;
      const std::string name = attribute(tag, "name");
      const bool self_closing = tag.size() >= 2 && tag[tag.size() - 2] == '/';
      o.passed = self_closing;
      if (!self_closing) {
        const auto close = xml.find("</testcase>", end);
        const std::string body = xml.substr(end, close == std::string::npos ? 0 : close - end);
        const auto f = body.find("<failure");
        const auto err = body.find("<error");
        o.passed = f == std::string::npos && err == std::string::npos;
        if (f != std::string::npos) {
          o.failure = attribute(body.substr(f, body.find('>', f) - f + 1), "message");
        }
      }
      pos = end;
      if (name.empty() || name.rfind("//", 0) == 0) continue;  // Bazel's own synthetic entries
      auto [it, fresh] = results.emplace(name, o);
      if (!fresh) {
        // Same name in two binaries: trust neither unless both passed.
        it->second.passed = it->second.passed && o.passed;
        problems.push_back("test case \"" + name + "\" reported by " + it->second.target + " and " +
                           target);
      }
    }
  }
  return results;
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
  const std::string cmd = "'" + prove_binary + "' --json '" + out.string() + "'";
  const auto t0 = std::chrono::steady_clock::now();
  const int status = std::system(cmd.c_str());
  run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream in(out);
  if (!in) {
    problems.push_back("proof program wrote no results (exit " + std::to_string(run.exit_code) +
                       ")");
    return run;
  }
  try {
    const auto j = nlohmann::json::parse(in);
    for (const auto& p : j.at("properties")) {
      ProofOutcome o;
      o.name = p.at("name").get<std::string>();
      o.requirements = p.at("requirements").get<std::vector<std::string>>();
      o.status = p.at("status").get<std::string>();
      o.seconds = p.value("seconds", 0.0);
      o.counterexample = p.value("counterexample", "");
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
  } catch (const std::exception& e) {
    problems.push_back(std::string("proof results unreadable: ") + e.what());
  }
  fs::remove(out);
  return run;
}

LiveRun read_live(const std::string& path, std::vector<std::string>& problems) {
  LiveRun run;
  if (path.empty()) return run;
  std::ifstream in(path);
  if (!in) {
    problems.push_back("live run results " + path + " not found: nothing counts as run");
    return run;
  }
  try {
    const auto j = nlohmann::json::parse(in);
    run.description = j.value("description", "");
    run.passed = j.at("passed").get<bool>();
    for (const auto& c : j.at("checks")) {
      run.checks.push_back(
          {c.at("id").get<std::string>(), c.at("passed").get<bool>(), c.value("observed", "")});
    }
    run.ran = true;
  } catch (const std::exception& e) {
    problems.push_back(std::string("live run results unreadable: ") + e.what());
  }
  return run;
}

}  // namespace annexo::report
