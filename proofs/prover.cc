#include "proofs/prover.h"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "proofs/z3_domain.h"

namespace annexo::proofs {

z3::context& z3ctx() {
  static z3::context* ctx = [] {
    z3::config cfg;
    cfg.set("model", true);
    return new z3::context(cfg);
  }();
  return *ctx;
}

std::uint64_t model_u64(const z3::model& m, const z3::expr& e) {
  const z3::expr v = m.eval(e, true);
  if (v.is_bool()) return v.is_true() ? 1 : 0;
  std::uint64_t out = 0;
  if (!v.is_numeral_u64(out)) return 0;
  return out;
}

std::string format_fields(const std::vector<std::pair<std::string, std::uint64_t>>& f,
                          const std::vector<std::pair<std::string, std::uint64_t>>* before) {
  std::string out;
  for (std::size_t i = 0; i < f.size(); ++i) {
    if (before != nullptr && i < before->size() && (*before)[i].second == f[i].second) continue;
    char buf[48];
    if (f[i].second > 0xFFFF) {
      std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(f[i].second));
    } else {
      std::snprintf(buf, sizeof buf, "%llu", static_cast<unsigned long long>(f[i].second));
    }
    if (!out.empty()) out += " ";
    out += f[i].first + "=" + buf;
  }
  if (before != nullptr && out.empty()) out = "(unchanged)";
  return out;
}

const char* status_name(Status s) {
  switch (s) {
    case Status::proved:
      return "proved";
    case Status::refuted:
      return "refuted";
    case Status::unknown:
      return "unknown";
    case Status::error:
      return "error";
  }
  return "error";
}

const char* basis_name(Basis b) {
  switch (b) {
    case Basis::induction:
      return "induction";
    case Basis::exhaustive:
      return "exhaustive";
    case Basis::by_construction:
      return "by-construction";
  }
  return "induction";
}

void Registry::add(const std::string& name, std::vector<std::string> requirements, PropertyFn fn,
                   Basis basis) {
  for (const auto& p : props_) {
    if (p.name == name) {
      std::cerr << "prove: property name registered twice: " << name << "\n";
      std::abort();
    }
  }
  props_.push_back({name, std::move(requirements), std::move(fn), basis});
}

Check prove_valid(const z3::expr& hypotheses, const z3::expr& claim, unsigned timeout_ms) {
  Check c;
  z3::solver s(z3ctx());
  z3::params p(z3ctx());
  p.set("timeout", timeout_ms);
  s.set(p);
  s.add(hypotheses);
  s.add(!claim);
  switch (s.check()) {
    case z3::unsat:
      c.status = Status::proved;
      break;
    case z3::sat:
      c.status = Status::refuted;
      c.model = s.get_model();
      break;
    case z3::unknown:
      c.status = Status::unknown;
      c.reason = s.reason_unknown();
      break;
  }
  return c;
}

bool Obligations::require(const z3::expr& hypotheses, const z3::expr& claim,
                          const std::function<std::string(const z3::model&)>& explain) {
  if (out_.status != Status::proved) return false;
  ++out_.obligations;
  if (z3::implies(hypotheses, claim).simplify().is_true()) ++out_.constant;
  const Check c = prove_valid(hypotheses, claim);
  if (c.status == Status::proved) return true;
  out_.status = c.status;
  if (c.status == Status::refuted) {
    out_.counterexample = explain(*c.model);
  } else {
    out_.counterexample = "Z3 gave up: " + c.reason;
  }
  return false;
}

bool Obligations::record(z3::check_result r, const std::string& reason,
                         const std::function<std::string()>& explain) {
  if (out_.status != Status::proved) return false;
  ++out_.obligations;
  if (r == z3::unsat) return true;
  if (r == z3::sat) {
    out_.status = Status::refuted;
    out_.counterexample = explain();
  } else {
    out_.status = Status::unknown;
    out_.counterexample = "Z3 gave up: " + reason;
  }
  return false;
}

bool Obligations::require_concrete(bool ok, const std::function<std::string()>& explain) {
  if (out_.status != Status::proved) return false;
  ++out_.obligations;
  if (ok) return true;
  out_.status = Status::refuted;
  out_.counterexample = explain();
  return false;
}

Outcome Obligations::finish() {
  return out_;
}

namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

std::string join(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i) out += sep;
    out += v[i];
  }
  return out;
}

std::string indent(const std::string& text, const std::string& pad) {
  std::string out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) out += pad + line + "\n";
  return out;
}

bool exists(const std::string& p) {
  return ::access(p.c_str(), F_OK) == 0;
}

// Where Bazel put the runfiles of this binary (bazel run / bazel test /
// bazel-bin/proofs/prove called directly, as the report does).
std::string runfiles_root(const char* argv0) {
  const char* env[] = {"RUNFILES_DIR", "TEST_SRCDIR"};
  for (const char* e : env) {
    const char* v = std::getenv(e);
    if (v != nullptr && *v != '\0' && exists(std::string(v) + "/annexo")) {
      return std::string(v) + "/annexo";
    }
  }
  const std::string mine = std::string(argv0) + ".runfiles/annexo";
  if (exists(mine)) return mine;
  return "";
}

struct MutantSpec {
  std::string name;
  std::string description;
  std::string binary;  // path relative to the runfiles root
};

struct MutantResult {
  MutantSpec spec;
  bool ran = false;
  bool caught = false;
  int exit_code = -1;
  double seconds = 0;
  std::vector<std::string> refuted_by;
  std::string first_counterexample;
  std::string problem;
};

std::vector<MutantSpec> read_manifest(const std::string& path, std::string& problem) {
  std::vector<MutantSpec> out;
  std::ifstream in(path);
  if (!in) {
    problem = "mutant manifest " + path + " not found";
    return out;
  }
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> f;
    std::istringstream ls(line);
    std::string field;
    while (std::getline(ls, field, '\t')) f.push_back(field);
    if (f.size() != 3) {
      problem = "malformed manifest line: " + line;
      return {};
    }
    out.push_back({f[0], f[1], f[2]});
  }
  return out;
}

MutantResult run_mutant(const std::string& root, const MutantSpec& m, const std::string& only) {
  MutantResult r;
  r.spec = m;
  const std::string bin = root + "/" + m.binary;
  if (!exists(bin)) {
    r.problem = "mutant binary " + bin + " missing";
    return r;
  }
  char tmpl[] = "/tmp/annexo-mutant-XXXXXX";
  const int fd = ::mkstemp(tmpl);
  if (fd < 0) {
    r.problem = "mkstemp failed";
    return r;
  }
  ::close(fd);
  const std::string json = tmpl;
  std::string cmd = "'" + bin + "' --no-mutants --quiet --json '" + json + "'";
  if (!only.empty()) cmd += " --only '" + only + "'";
  cmd += " >/dev/null 2>&1";
  const auto t0 = Clock::now();
  const int status = std::system(cmd.c_str());
  r.seconds = since(t0);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  try {
    std::ifstream in(json);
    const auto j = nlohmann::json::parse(in);
    for (const auto& p : j.at("properties")) {
      if (p.at("status").get<std::string>() == "refuted") {
        r.refuted_by.push_back(p.at("name").get<std::string>());
        if (r.first_counterexample.empty()) {
          r.first_counterexample = p.value("counterexample", "");
        }
      }
    }
    r.ran = true;
    r.caught = !r.refuted_by.empty();
  } catch (const std::exception& e) {
    r.problem = std::string("mutant results unreadable (exit ") + std::to_string(r.exit_code) +
                "): " + e.what();
  }
  std::remove(json.c_str());
  return r;
}

}  // namespace

int prove_main(int argc, char** argv, const Registry& registry) {
  MainOptions opt;
  bool quiet = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--json" && i + 1 < argc) {
      opt.json_path = argv[++i];
    } else if (a == "--only" && i + 1 < argc) {
      opt.only = argv[++i];
    } else if (a == "--no-mutants") {
      opt.run_mutants = false;
    } else if (a == "--list") {
      opt.list = true;
    } else if (a == "--quiet") {
      quiet = true;
    } else {
      std::cerr << "usage: prove [--json FILE] [--only NAME] [--no-mutants] [--list]\n";
      return 2;
    }
  }
  if (opt.list) {
    for (const auto& p : registry.all())
      std::cout << p.name << "\t" << join(p.requirements, ",") << "\n";
    return 0;
  }
  bool found = opt.only.empty();
  for (const auto& p : registry.all()) found = found || p.name == opt.only;
  if (!found) {
    std::cerr << "prove: no property named " << opt.only << "\n";
    return 2;
  }

  const auto t_all = Clock::now();
  nlohmann::json j;
  j["properties"] = nlohmann::json::array();
  j["mutants"] = nlohmann::json::array();
  bool all_proved = true;
  int n_run = 0;
  for (const auto& p : registry.all()) {
    if (!opt.only.empty() && p.name != opt.only) continue;
    ++n_run;
    const auto t0 = Clock::now();
    Outcome o;
    try {
      o = p.run();
    } catch (const z3::exception& e) {
      o.status = Status::error;
      o.counterexample = std::string("Z3 exception: ") + e.msg();
    } catch (const std::exception& e) {
      o.status = Status::error;
      o.counterexample = std::string("exception: ") + e.what();
    }
    const double secs = since(t0);
    // The basis must be the true one (see Basis in prover.h).
    const bool all_constant = o.obligations > 0 && o.constant == o.obligations;
    if (o.status == Status::proved && all_constant != (p.basis == Basis::by_construction)) {
      o.status = Status::error;
      o.counterexample = std::string("registered with basis ") + basis_name(p.basis) + ", but " +
                         std::to_string(o.constant) + " of " + std::to_string(o.obligations) +
                         " obligations are constant (Z3 simplifies them to true): the basis is " +
                         (all_constant ? "by-construction" : "not by-construction");
    }
    all_proved = all_proved && o.status == Status::proved;
    if (!quiet) {
      char line[64];
      std::snprintf(line, sizeof line, "%-8s %7.2f s  ", status_name(o.status), secs);
      std::cout << line << p.name << "\n"
                << "                   requirements: " << join(p.requirements, ", ") << "\n"
                << "                   basis: " << basis_name(p.basis) << ", method: " << o.method
                << " (" << o.obligations << " obligations)\n";
      if (o.status != Status::proved) {
        std::cout << "                   counterexample:\n"
                  << indent(o.counterexample, "                     ");
      }
      std::cout.flush();
    }
    j["properties"].push_back({{"name", p.name},
                               {"requirements", p.requirements},
                               {"status", status_name(o.status)},
                               {"basis", basis_name(p.basis)},
                               {"seconds", secs},
                               {"method", o.method},
                               {"obligations", o.obligations},
                               {"counterexample", o.counterexample}});
  }
  const double prop_secs = since(t_all);
  if (!quiet) {
    std::printf("properties: %d run, %s, %.2f s\n", n_run,
                all_proved ? "all proved" : "NOT all proved", prop_secs);
  }

  bool all_caught = true;
  if (opt.run_mutants) {
    std::string problem;
    const std::string root = runfiles_root(argv[0]);
    std::vector<MutantSpec> specs;
    if (root.empty()) {
      problem = "runfiles of " + std::string(argv[0]) + " not found";
    } else {
      specs = read_manifest(root + "/proofs/mutants/manifest.tsv", problem);
    }
    if (!problem.empty() || specs.empty()) {
      std::cout << "mutants: NOT RUN: " << (problem.empty() ? "manifest lists none" : problem)
                << "\n";
      all_caught = false;
    }
    const auto t_mut = Clock::now();
    std::vector<MutantResult> results(specs.size());
    // Two at a time: the machine has two cores.
    std::mutex mu;
    std::size_t next = 0;
    auto worker = [&] {
      for (;;) {
        std::size_t k;
        {
          std::lock_guard<std::mutex> lock(mu);
          if (next >= specs.size()) return;
          k = next++;
        }
        results[k] = run_mutant(root, specs[k], opt.only);
      }
    };
    std::thread a(worker), b(worker);
    a.join();
    b.join();
    for (const auto& r : results) {
      all_caught = all_caught && r.caught;
      if (!quiet) {
        char line[96];
        std::snprintf(line, sizeof line, "mutant %-8s %7.2f s  ",
                      r.caught ? "caught" : (r.ran ? "ESCAPED" : "ERROR"), r.seconds);
        std::cout << line << r.spec.name << ": " << r.spec.description << "\n";
        if (!r.problem.empty()) std::cout << "                   problem: " << r.problem << "\n";
        if (r.caught) {
          std::cout << "                   refuted by: " << join(r.refuted_by, ", ") << "\n"
                    << "                   counterexample (" << r.refuted_by.front() << "):\n"
                    << indent(r.first_counterexample, "                     ");
        }
      }
      j["mutants"].push_back({{"name", r.spec.name},
                              {"description", r.spec.description},
                              {"caught", r.caught},
                              {"refuted_by", r.refuted_by},
                              {"seconds", r.seconds},
                              {"counterexample", r.first_counterexample},
                              {"problem", r.problem}});
    }
    if (!quiet) {
      std::size_t caught = 0;
      for (const auto& r : results) caught += r.caught ? 1 : 0;
      std::printf("mutants: %zu of %zu caught, %.2f s\n", caught, results.size(), since(t_mut));
    }
  }
  const double total = since(t_all);
  j["seconds"] = total;
  if (!quiet) std::printf("total: %.2f s\n", total);
  if (!opt.json_path.empty()) {
    std::ofstream out(opt.json_path);
    out << j.dump(2) << "\n";
    if (!out) {
      std::cerr << "prove: cannot write " << opt.json_path << "\n";
      return 1;
    }
  }
  return all_proved && all_caught ? 0 : 1;
}

}  // namespace annexo::proofs
