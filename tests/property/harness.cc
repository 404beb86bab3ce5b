#include "tests/property/harness.h"

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <sstream>

#include "rapidcheck/detail/Configuration.h"
#include "rapidcheck/detail/TestListener.h"
#include "rapidcheck/shrinkable/Operations.h"
#include "tests/support/req.h"

namespace annexo::prop {

std::vector<PropertyDef>& registry() {
  static std::vector<PropertyDef> r;
  return r;
}

const PropertyDef* find_property(const std::string& key) {
  for (const auto& d : registry()) {
    if (d.key == key) return &d;
  }
  return nullptr;
}

namespace {

// A crash inside the core (a wild read, a debug trap) cannot be shrunk, but
// it still must say which property and which seed: the handler prints them
// and exits with a failure status.
char g_running[512] = "";

void crash_handler(int sig) {
  char buf[700];
  const int n = std::snprintf(buf, sizeof buf,
                              "\nPROPERTY CRASHED: %s signal %d (rerun with this seed; "
                              "RapidCheck cannot shrink a crash)\n",
                              g_running, sig);
  if (n > 0) {
    ssize_t w = write(2, buf, static_cast<std::size_t>(n));
    (void)w;
    w = write(1, buf, static_cast<std::size_t>(n));
    (void)w;
  }
  _exit(3);
}

void install_crash_handler() {
  static bool done = false;
  if (done) return;
  done = true;
  for (int sig : {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT}) signal(sig, crash_handler);
}

}  // namespace

Registrar::Registrar(const char* key, int ci_cases, int ci_max_size,
                     std::function<rc::detail::Property()> make) {
  if (find_property(key) != nullptr) {
    std::cerr << "annexo property harness: duplicate property key " << key << "\n";
    std::abort();
  }
  registry().push_back(PropertyDef{key, std::move(make), ci_cases, ci_max_size});
}

namespace {

// RC_REQ notes one outcome per assertion; a run of hundreds of cases (a soak
// run of millions) would keep millions of notes. They are folded after every
// case into one verdict per requirement ID (held = every note held), and the
// run leaves exactly one note per ID behind for the Catch2 listener.
class NoteFolder {
 public:
  NoteFolder() { saved_ = annexo::req::take(); }
  void fold() {
    for (auto& [id, held] : annexo::req::take()) {
      auto [it, fresh] = ids_.emplace(std::move(id), held);
      if (!fresh) it->second = it->second && held;
    }
  }
  ~NoteFolder() {
    fold();
    for (const auto& n : saved_) annexo::req::note(n.first.c_str(), n.second);
    for (const auto& [id, held] : ids_) annexo::req::note(id.c_str(), held);
  }

 private:
  std::vector<std::pair<std::string, bool>> saved_;
  std::map<std::string, bool> ids_;
};

class CountingListener : public rc::detail::TestListener {
 public:
  CountingListener(const std::function<void(long, long)>& progress, NoteFolder& notes)
      : progress_(progress), notes_(notes) {}
  void onTestCaseFinished(const rc::detail::CaseDescription& d) override {
    notes_.fold();
    if (d.result.type == rc::detail::CaseResult::Type::Discard) {
      ++discards;
    } else {
      ++cases;
    }
    if (progress_) progress_(cases, discards);
  }
  void onShrinkTried(const rc::detail::CaseDescription&, bool) override { notes_.fold(); }
  void onTestFinished(const rc::detail::TestMetadata&, const rc::detail::TestResult&) override {}
  long cases = 0;
  long discards = 0;

 private:
  const std::function<void(long, long)>& progress_;
  NoteFolder& notes_;
};

std::string reproduce_string(const std::string& id, const rc::detail::Reproduce& r) {
  rc::detail::Configuration c;
  c.testParams.seed = 0;
  c.reproduce[id] = r;
  const std::string s = rc::detail::configToMinimalString(c);
  // "reproduce=XXXX" -> "XXXX"
  const auto eq = s.find("reproduce=");
  if (eq == std::string::npos) return s;
  auto v = s.substr(eq + 10);
  const auto sp = v.find(' ');
  return sp == std::string::npos ? v : v.substr(0, sp);
}

}  // namespace

Outcome run_property(const PropertyDef& def, const RunParams& p,
                     const std::function<void(long, long)>& progress) {
  Outcome out;
  out.seed = p.seed;
  rc::detail::TestMetadata md;
  md.id = def.key;
  md.description = def.key;
  rc::detail::TestParams tp;
  tp.seed = p.seed;
  tp.maxSuccess = p.max_success;
  tp.maxSize = p.max_size;
  NoteFolder notes;
  CountingListener listener(progress, notes);
  std::unordered_map<std::string, rc::detail::Reproduce> repro;
  if (!p.reproduce.empty()) {
    try {
      const auto cfg = rc::detail::configFromString("reproduce=" + p.reproduce);
      repro = cfg.reproduce;
    } catch (const std::exception& e) {
      out.passed = false;
      out.report = "malformed reproduce string for " + def.key + ": " + e.what();
      return out;
    }
    if (repro.find(def.key) == repro.end()) {
      out.passed = false;
      out.report = "reproduce string does not name property " + def.key;
      return out;
    }
  }
  install_crash_handler();
  std::snprintf(g_running, sizeof g_running, "%s seed=%llu max_success=%d max_size=%d",
                def.key.c_str(), static_cast<unsigned long long>(p.seed), p.max_success,
                p.max_size);
  const auto t0 = std::chrono::steady_clock::now();
  if (!repro.empty()) {
    // Replay the stored case ourselves first: RapidCheck's own reproduce mode
    // reports a case that no longer fails as an error ("Reproduced result is
    // not a failure"), but for a regression case that is the goal. Only a
    // case the property accepts passes; a string that no longer fits the
    // generators (no shrink path) or a discarded case is a failure, so a
    // regression case never passes by not running.
    const rc::detail::Reproduce& r = repro.at(def.key);
    const rc::detail::Property prop = def.make();
    const auto at = rc::shrinkable::walkPath(prop(r.random, r.size), r.shrinkPath);
    if (!at) {
      out.passed = false;
      out.report = "reproduce string does not fit the generators of " + def.key +
                   " (shrink path not found): re-find the case with its seed line\n";
      return out;
    }
    const auto desc = at->value();
    if (desc.result.type == rc::detail::CaseResult::Type::Success) {
      out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      out.cases = 1;
      out.passed = true;
      return out;
    }
    if (desc.result.type == rc::detail::CaseResult::Type::Discard) {
      out.passed = false;
      out.discards = 1;
      out.report = "the stored case of " + def.key + " is discarded now (" +
                   desc.result.description + "): re-find it with its seed line\n";
      return out;
    }
    // Still a failure: RapidCheck's run below prints the full counterexample.
  }
  const auto result = rc::detail::checkProperty(def.make(), md, tp, listener, repro);
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  out.cases = listener.cases;
  out.discards = listener.discards;
  std::ostringstream rep;
  rc::detail::SuccessResult success;
  if (result.match(success)) {
    out.passed = true;
    // The tag distribution shows which branches the cases reached.
    for (const auto& kv : success.distribution) {
      rep << "    " << kv.second << " x";
      for (const auto& t : kv.first) rep << " " << t;
      rep << "\n";
    }
    out.report = rep.str();
    return out;
  }
  out.passed = false;
  rep << "PROPERTY FAILED: " << def.key << "\n";
  rep << "  seed=" << p.seed << " max_success=" << p.max_success << " max_size=" << p.max_size
      << "\n";
  rc::detail::printResultMessage(result, rep);
  rep << "\n";
  rc::detail::FailureResult f;
  if (result.match(f)) {
    const auto r = reproduce_string(def.key, f.reproduce);
    rep << "  reproduce this exact (shrunk) case:\n"
        << "    RC_PARAMS=\"reproduce=" << r << "\"\n"
        << "  keep it as a regression case: append this line to "
        << "tests/property/regressions/" << def.key << ".txt\n"
        << "    reproduce " << r << "\n"
        << "  or the whole run by its seed:\n"
        << "    seed " << p.seed << " " << p.max_success << " " << p.max_size << "\n";
  }
  out.report = rep.str();
  return out;
}

namespace {

bool env_has(const char* key) {
  const char* e = std::getenv("RC_PARAMS");
  return e != nullptr && std::string(e).find(key) != std::string::npos;
}

}  // namespace

Outcome run_ci(const std::string& key) {
  const PropertyDef* def = find_property(key);
  if (def == nullptr) {
    Outcome o;
    o.passed = false;
    o.report = "no property registered under " + key;
    return o;
  }
  const auto& cfg = rc::detail::configuration();  // parses RC_PARAMS (throws on bad input)
  RunParams p;
  p.seed = cfg.testParams.seed;
  if (!env_has("seed")) {
    // RapidCheck draws a random seed per process; keep it (printed below) so
    // a CI failure is reproducible with RC_PARAMS="seed=N".
    p.seed = cfg.testParams.seed;
  }
  p.max_success = env_has("max_success") ? cfg.testParams.maxSuccess : def->ci_cases;
  p.max_size = env_has("max_size") ? cfg.testParams.maxSize : def->ci_max_size;
  const auto it = cfg.reproduce.find(key);
  if (it != cfg.reproduce.end()) {
    rc::detail::Configuration one;
    one.reproduce[key] = it->second;
    p.reproduce = reproduce_string(key, it->second);
  }
  std::cerr << "[property] " << key << " seed=" << p.seed << " max_success=" << p.max_success
            << " max_size=" << p.max_size << (p.reproduce.empty() ? "" : " (reproduce)") << "\n";
  Outcome o = run_property(*def, p);
  std::cerr << "[property] " << key << (o.passed ? " passed " : " FAILED ") << o.cases << " cases, "
            << o.discards << " discards, " << o.seconds << " s\n";
  std::cerr << o.report;
  return o;
}

std::string regressions_path(const std::string& key) {
  if (const char* dir = std::getenv("ANNEXO_PROPERTY_REGRESSIONS")) {
    return std::string(dir) + "/" + key + ".txt";
  }
  const std::string rel = "tests/property/regressions/" + key + ".txt";
  for (const char* var : {"TEST_SRCDIR", "RUNFILES_DIR"}) {
    if (const char* base = std::getenv(var)) {
      return std::string(base) + "/annexo/" + rel;
    }
  }
  return rel;  // bazel run: the working directory is the workspace runfiles root
}

Outcome run_regressions(const std::string& key) {
  Outcome total;
  const PropertyDef* def = find_property(key);
  if (def == nullptr) {
    total.passed = false;
    total.report = "no property registered under " + key;
    return total;
  }
  const std::string path = regressions_path(key);
  std::ifstream in(path);
  if (!in) return total;  // no regressions recorded for this property
  const std::string shown = "tests/property/regressions/" + key + ".txt";
  std::string line;
  int lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    const auto first = line.find_first_not_of(" \t");
    if (first == std::string::npos || line[first] == '#') continue;
    std::istringstream ls(line.substr(first));
    std::string kind;
    ls >> kind;
    RunParams p;
    bool ok = true;
    if (kind == "seed") {
      ok = static_cast<bool>(ls >> p.seed);
      if (!(ls >> p.max_success)) p.max_success = def->ci_cases;
      if (!(ls >> p.max_size)) p.max_size = def->ci_max_size;
    } else if (kind == "reproduce") {
      ok = static_cast<bool>(ls >> p.reproduce);
    } else {
      ok = false;
    }
    if (!ok) {
      total.passed = false;
      total.report += shown + ":" + std::to_string(lineno) +
                      ": malformed (want 'seed N [max_success [max_size]]' or "
                      "'reproduce STRING')\n";
      continue;
    }
    const Outcome o = run_property(*def, p);
    total.cases += o.cases;
    total.discards += o.discards;
    total.seconds += o.seconds;
    std::cerr << "[regression] " << shown << ":" << lineno << (o.passed ? " passed" : " FAILED")
              << "\n";
    if (!o.passed) {
      total.passed = false;
      total.report += shown + ":" + std::to_string(lineno) + ":\n" + o.report;
    }
  }
  return total;
}

}  // namespace annexo::prop
