// annexo conformance report: requirement by requirement, what is proved,
// tested (and at which evidence level), run, implemented, excepted or
// missing, with where the evidence is.
//
//   report --root DIR --bep FILE --targets FILE [--prove BIN]
//          [--live FILE --run-id ID --run-started EPOCH] [--probe FILE]... [--out DIR]
//   report --count --bep FILE --targets FILE [--run-started EPOCH]
//                                                 prints "N passed, N failed"
//
// Evidence comes from this run only: the test results of the Bazel
// invocation named by --bep (its build event protocol file; only the test.xml
// files it names for results executed in that invocation), the proofs this
// program runs itself (--prove), and the live loopback registration whose run
// id is --run-id. Nothing counts on the strength of a comment: a test case
// credits a requirement only when an assertion naming it (REQ, REQ_REQUIRE,
// RC_REQ, annexo_req) ran and held in it. README "Reading the report".
// The conformance probe's verdicts on annexo's own programs (--probe, same
// run id) are printed in a section of their own and are never evidence.
//
// Sections of the Markdown/JSON output are written by one function each
// (write_* below); a new section is one more function and one more call.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tools/report/evidence.h"
#include "tools/report/mutation.h"
#include "tools/report/probe.h"
#include "tools/report/status.h"
#include "tools/trace/check.h"
#include "tools/trace/citations.h"
#include "tools/trace/spec.h"

namespace fs = std::filesystem;
using namespace annexo;
using nlohmann::json;

namespace {

int usage() {
  std::cerr << "usage: report --root DIR --bep FILE --targets FILE [--prove BIN]\n"
               "              [--live FILE --run-id ID --run-started EPOCH] [--mutation DIR]\n"
               "              [--probe FILE]... [--out DIR]\n"
               "       report --count --bep FILE --targets FILE [--run-started EPOCH]\n";
  return 2;
}

std::string md_escape(std::string s) {
  for (std::size_t i = 0; (i = s.find('|', i)) != std::string::npos; i += 2) s.replace(i, 1, "\\|");
  std::replace(s.begin(), s.end(), '\n', ' ');
  return s;
}

std::string join(const std::vector<std::string>& v, const std::string& sep) {
  std::string s;
  for (std::size_t i = 0; i < v.size(); ++i) s += (i ? sep : "") + v[i];
  return s;
}

const char* kTitle = "annexo conformance report — 3GPP TS 33.203 Annex O";

// The rules, stated once: the report's header (Markdown) and README "Reading the report".
const char* kRules =
    "Each requirement has one status, strongest first: **failing** (an assertion naming it did "
    "not hold, a test case asserting or citing it failed, its test target crashed or did not "
    "build in this run, a proof of it was refuted, or a live check of it failed), **proved** (a Z3 "
    "property over the machines' behaviour, run by this report), **tested** (an assertion naming "
    "it held in this run at program or third-party level, or at core level when the requirement "
    "is not on the wire), **core-tested** (only unit/property assertions held, and the "
    "requirement's observable is on the wire: handshake, alert, SIP message, connection), "
    "**by-construction** (a proof over constant data, e.g. a table), **run** (a check of the "
    "live loopback registration observed at a peer), **implemented** (code cites it; no "
    "evidence above), **exception** (a recorded reason in spec/), **informative**, **missing**.\n\n"
    "Evidence levels, strongest first: **proof** (Z3, induction), **third-party** (a peer nobody "
    "here wrote), **program** (annexo's own programs on loopback), **core** (unit and property "
    "tests), **by-construction**, **live** (the live loopback registration).\n\n"
    "Variants, per requirement: the runs whose test cases credited it: **botan** (a shell test "
    "whose programs ran on the default TLS stack, Botan 2, TLS 1.2 only), **tls-openssl** (the "
    "`_openssl` twin targets: annexo's programs on OpenSSL 3), **botan+openssl** (the "
    "cross-stack test, one program on each), **asan** (the sanitized twins), **asan-tls-openssl** "
    "(the sanitized twins on OpenSSL 3, `_asan_openssl`), **plain** (a test "
    "that names no stack, e.g. a unit test). A requirement credited only by "
    "tls-openssl holds for `--tls-stack openssl`, not for the default stack.\n\n"
    "Only this run counts: test results come from this run's Bazel invocation (its build event "
    "file), and only from tests it executed (none served from a cache); a test case credits a "
    "requirement only when an assertion naming it (REQ, REQ_REQUIRE, RC_REQ, annexo_req) ran and "
    "held in the case. A citation without such an assertion is listed as *cited, no assertion* "
    "and earns nothing; so does a case marked may-fail. A live check read from a program's own "
    "log line about its own decision is listed as *not counted*.\n\n";

struct Report {
  trace::Spec spec;
  trace::ScanResult scan;
  trace::CheckResult traceability;
  report::TestRun tests;
  report::ProofRun proofs;
  report::LiveRun live;
  // Results of tools/mutate, read only when recorded for these sources; why
  // not (none given, stale, unreadable) is a note, not a failure of this run.
  report::MutationRun mutation;
  std::vector<std::string> mutation_notes;
  // The probe's verdicts (tools/probe_run.sh): shown apart, never evidence;
  // why they are missing is a note, not a failure of this run.
  std::vector<report::ProbeRun> probes;
  std::vector<std::string> probe_notes;
  std::vector<report::Row> rows;
  std::vector<std::string> problems;
  std::map<std::string, std::map<std::string, int>> by_actor, by_modality;
  std::map<std::string, int> totals;
  // Per level: requirements with evidence at this level, and with it as their strongest.
  std::map<std::string, int> level_any, level_strongest;
  // Requirements whose status is tested, by their strongest test level.
  std::map<std::string, int> tested_by;
};

void summarise(Report& r) {
  for (const auto& row : r.rows) {
    r.by_actor[row.req->actor][row.status]++;
    r.by_modality[row.req->modality][row.status]++;
    r.totals[row.status]++;
    if (row.status == "failing") continue;
    for (const auto& l : row.levels) r.level_any[l]++;
    if (!row.levels.empty()) r.level_strongest[row.levels.front()]++;
    if (row.status == "tested") {
      for (const char* l : {"third-party", "program", "core"}) {
        if (std::count(row.levels.begin(), row.levels.end(), l)) {
          r.tested_by[l]++;
          break;
        }
      }
    }
  }
}

std::string target_state(const report::TargetRun& t) {
  const std::string why = t.why_not();
  return why.empty() ? "passed" : why;
}

// ---------------------------------------------------------------- console

void print_console(const Report& r) {
  std::cout << kTitle << "\n\n";
  for (const auto& row : r.rows) {
    std::cout << std::left << std::setw(38) << row.req->id << " " << std::setw(10)
              << row.req->clause << " " << std::setw(11) << row.req->actor << " " << std::setw(11)
              << row.req->modality << " " << row.status;
    if (!row.levels.empty()) std::cout << " [" << join(row.levels, ", ") << "]";
    if (row.status == "exception") std::cout << " (" << row.req->exception << ")";
    std::cout << "\n";
    auto show = [](const char* what, const std::vector<std::string>& v) {
      for (const auto& e : v) std::cout << "    " << what << ": " << e << "\n";
    };
    show("FAILING", row.failing);
    show("proved", row.proved);
    for (const auto& c : row.tested)
      std::cout << "    tested (" << c.level << "): " << c.what << "\n";
    show("by construction", row.by_construction);
    show("run", row.run);
    if (row.status == "implemented" || row.status == "missing")
      show("implemented at", row.implemented);
    show("cited, no assertion", row.cited_no_assertion);
    show("did not run", row.did_not_run);
    show("not counted", row.not_counted);
  }
  auto print_summary = [&](const char* title,
                           const std::map<std::string, std::map<std::string, int>>& m) {
    std::cout << "\nBy " << title << ":\n";
    for (const auto& [k, counts] : m) {
      std::cout << "  " << std::left << std::setw(14) << k;
      for (const auto& s : report::kStatusOrder) {
        auto it = counts.find(s);
        if (it != counts.end()) std::cout << " " << s << "=" << it->second;
      }
      std::cout << "\n";
    }
  };
  print_summary("actor", r.by_actor);
  print_summary("modality", r.by_modality);
  std::cout << "\nTotal " << r.rows.size() << " requirements:";
  for (const auto& s : report::kStatusOrder) {
    if (r.totals.count(s)) std::cout << " " << s << "=" << r.totals.at(s);
  }
  std::cout << "\nTested by: third-party="
            << (r.tested_by.count("third-party") ? r.tested_by.at("third-party") : 0)
            << " program=" << (r.tested_by.count("program") ? r.tested_by.at("program") : 0)
            << " core-only=" << (r.tested_by.count("core") ? r.tested_by.at("core") : 0)
            << "; core-tested (wire, core only)="
            << (r.totals.count("core-tested") ? r.totals.at("core-tested") : 0)
            << "; proved=" << (r.totals.count("proved") ? r.totals.at("proved") : 0)
            << "; by-construction="
            << (r.totals.count("by-construction") ? r.totals.at("by-construction") : 0) << "\n";
  std::cout << "Test targets in this run: " << r.tests.passed << " passed, " << r.tests.failed
            << " failed or not run\n";
  for (const auto& [label, t] : r.tests.targets) {
    const std::string why = t.why_not();
    if (!why.empty()) std::cout << "  " << label << ": " << why << "\n";
  }
  if (r.proofs.ran) {
    std::cout << "Proofs: " << r.proofs.properties.size() << " properties, "
              << r.proofs.mutants.size() << " mutants, run by this report in " << std::fixed
              << std::setprecision(1) << r.proofs.seconds << " s (exit " << r.proofs.exit_code
              << ")\n";
  } else {
    std::cout << "Proofs: none run (no proof program given or it produced no results)\n";
  }
  std::cout << "Live loopback registration: "
            << (r.live.ran ? (r.live.passed ? "ran, passed" : "ran, FAILED") : "not run") << "\n";
  std::cout << "Traceability problems: " << r.traceability.errors.size() << "\n";
  for (const auto& e : r.traceability.errors) std::cout << "  " << e << "\n";
  for (const auto& p : r.problems) std::cout << "Note: " << p << "\n";
  report::print_mutation(std::cout, r.mutation, r.spec, r.scan);
  for (const auto& p : r.mutation_notes) std::cout << "Mutation note: " << p << "\n";
  report::print_probes(std::cout, r.probes);
  for (const auto& p : r.probe_notes) std::cout << "Probe note: " << p << "\n";
}

// ---------------------------------------------------------------- Markdown sections

void md_status_header(std::ostream& md, const char* first) {
  md << "| " << first << " | ";
  for (const auto& s : report::kStatusOrder) md << s << " | ";
  md << "\n|---|";
  for (std::size_t i = 0; i < report::kStatusOrder.size(); ++i) md << "---|";
  md << "\n";
}

void write_md_header(const Report& r, std::ostream& md) {
  md << "# " << kTitle << "\n\n" << kRules;
  md_status_header(md, "Total");
  md << "| " << r.rows.size() << " | ";
  for (const auto& s : report::kStatusOrder)
    md << (r.totals.count(s) ? r.totals.at(s) : 0) << " | ";
  md << "\n\n";
}

void write_md_levels(const Report& r, std::ostream& md) {
  md << "## Evidence levels\n\n"
        "| Level | Requirements with evidence at this level | ... as their strongest level |\n"
        "|---|---|---|\n";
  for (const auto& l : report::kLevelOrder) {
    md << "| " << l << " | " << (r.level_any.count(l) ? r.level_any.at(l) : 0) << " | "
       << (r.level_strongest.count(l) ? r.level_strongest.at(l) : 0) << " |\n";
  }
  md << "\nTested by third-party: "
     << (r.tested_by.count("third-party") ? r.tested_by.at("third-party") : 0)
     << "; by program: " << (r.tested_by.count("program") ? r.tested_by.at("program") : 0)
     << "; by core only (not on the wire): "
     << (r.tested_by.count("core") ? r.tested_by.at("core") : 0)
     << "; core-tested (on the wire, core only): "
     << (r.totals.count("core-tested") ? r.totals.at("core-tested") : 0)
     << "; proved: " << (r.totals.count("proved") ? r.totals.at("proved") : 0)
     << "; by construction: "
     << (r.totals.count("by-construction") ? r.totals.at("by-construction") : 0) << ".\n\n";
}

void write_md_requirements(const Report& r, std::ostream& md) {
  // Variants: the runs whose test cases credited the requirement (kRules).
  md << "## Requirements\n\n| ID | Clause | Actor | Modality | Wire | Status | Levels | Variants "
        "| Evidence |\n"
        "|---|---|---|---|---|---|---|---|---|\n";
  for (const auto& row : r.rows) {
    std::vector<std::string> ev;
    for (const auto& e : row.failing) ev.push_back("FAILING: " + e);
    for (const auto& e : row.proved) ev.push_back("proof " + e);
    for (const auto& c : row.tested) ev.push_back("test (" + c.level + ") " + c.what);
    for (const auto& e : row.by_construction) ev.push_back("by construction: proof " + e);
    for (const auto& e : row.run) ev.push_back(e);
    for (const auto& e : row.implemented) ev.push_back("code " + e);
    for (const auto& e : row.cited_no_assertion) ev.push_back("cited, no assertion: " + e);
    for (const auto& e : row.did_not_run) ev.push_back("did not run: " + e);
    for (const auto& e : row.not_counted) ev.push_back("not counted: " + e);
    if (row.status == "exception") ev.push_back("exception: " + row.req->exception);
    md << "| " << row.req->id << " | " << md_escape(row.req->clause) << " | " << row.req->actor
       << " | " << row.req->modality << " | " << (row.req->wire ? "yes" : "no") << " | "
       << row.status << " | " << join(row.levels, ", ") << " | " << join(row.variants, ", ")
       << " | " << md_escape(join(ev, "<br>")) << " |\n";
  }
  md << "\n";
}

void write_md_summaries(const Report& r, std::ostream& md) {
  auto one = [&](const char* title, const std::map<std::string, std::map<std::string, int>>& m) {
    md << "## By " << title << "\n\n";
    md_status_header(md, title);
    for (const auto& [k, counts] : m) {
      md << "| " << k << " | ";
      for (const auto& s : report::kStatusOrder) {
        auto it = counts.find(s);
        md << (it == counts.end() ? 0 : it->second) << " | ";
      }
      md << "\n";
    }
    md << "\n";
  };
  one("actor", r.by_actor);
  one("modality", r.by_modality);
}

void write_md_tests(const Report& r, std::ostream& md) {
  md << "## Test targets in this run\n\n"
     << r.tests.passed << " passed, " << r.tests.failed
     << " failed, crashed, did not build or did not run.\n\n"
     << "| Target | Outcome in this invocation | Cases read |\n|---|---|---|\n";
  std::map<std::string, int> cases;
  for (const auto& [name, c] : r.tests.cases) cases[c.target]++;
  for (const auto& [label, t] : r.tests.targets) {
    md << "| " << label << " | " << md_escape(target_state(t)) << " | "
       << (cases.count(label) ? cases.at(label) : 0) << " |\n";
  }
  md << "\n";
}

void write_md_proofs(const Report& r, std::ostream& md) {
  if (!r.proofs.ran) {
    md << "## Proofs\n\nNone run (no proof program given or it produced no results).\n\n";
    return;
  }
  md << "## Proofs (run by this report)\n\n| Property | Requirements | Status | Basis | Time (s) "
        "|\n"
        "|---|---|---|---|---|\n";
  for (const auto& p : r.proofs.properties) {
    md << "| " << p.name << " | " << join(p.requirements, ", ") << " | " << p.status << " | "
       << p.basis << " | " << p.seconds << " |\n";
  }
  md << "\n| Mutant | Caught | Refuted by |\n|---|---|---|\n";
  for (const auto& m : r.proofs.mutants) {
    md << "| " << m.name << " | " << (m.caught ? "yes" : "NO") << " | " << join(m.refuted_by, ", ")
       << " |\n";
  }
  md << "\n";
}

void write_md_live(const Report& r, std::ostream& md) {
  md << "## Live loopback registration\n\n";
  if (!r.live.ran) {
    md << "Not run in this run (or its results were stale or missing: see Problems).\n\n";
    return;
  }
  md << md_escape(r.live.description) << " — run " << r.live.run_id << ", "
     << (r.live.passed ? "passed" : "FAILED") << ".\n\n";
  // Issue 14: each result names the TLS stack both programs ran (a file
  // without it says so rather than letting a reader assume the default).
  if (!r.live.stacks.empty()) {
    md << "TLS stacks run: ";
    for (std::size_t i = 0; i < r.live.stacks.size(); ++i)
      md << (i ? ", " : "") << md_escape(r.live.stacks[i]);
    md << ".\n\n";
  }
  md << "| Requirement | Stack | Result | Counted | Observed at | Observed |\n"
        "|---|---|---|---|---|---|\n";
  for (const auto& c : r.live.checks) {
    md << "| " << c.id << " | " << (c.stack.empty() ? "not named" : md_escape(c.stack)) << " | "
       << (c.passed ? "passed" : "FAILED") << " | " << (c.counted ? "yes" : "no") << " | "
       << md_escape(c.observed_at) << " | " << md_escape(c.observed) << " |\n";
  }
  md << "\n";
}

void write_md_problems(const Report& r, std::ostream& md) {
  if (r.traceability.errors.empty() && r.problems.empty()) return;
  md << "## Problems\n\n";
  for (const auto& e : r.traceability.errors) md << "- " << md_escape(e) << "\n";
  for (const auto& p : r.problems) md << "- " << md_escape(p) << "\n";
}

// ---------------------------------------------------------------- JSON

json to_json(const Report& r) {
  json j;
  j["title"] = kTitle;
  j["status_order"] = report::kStatusOrder;
  j["level_order"] = report::kLevelOrder;
  j["totals"] = r.totals;
  j["levels"] = {{"with_evidence", r.level_any}, {"strongest", r.level_strongest}};
  j["tested_by"] = r.tested_by;
  j["by_actor"] = r.by_actor;
  j["by_modality"] = r.by_modality;
  j["requirements"] = json::array();
  for (const auto& row : r.rows) {
    json tested = json::array();
    for (const auto& c : row.tested)
      tested.push_back({{"level", c.level}, {"case", c.what}, {"variant", c.variant}});
    j["requirements"].push_back({{"id", row.req->id},
                                 {"source", row.req->source},
                                 {"clause", row.req->clause},
                                 {"actor", row.req->actor},
                                 {"modality", row.req->modality},
                                 {"wire", row.req->wire},
                                 {"status", row.status},
                                 {"levels", row.levels},
                                 {"variants", row.variants},
                                 {"exception", row.req->exception},
                                 {"proved", row.proved},
                                 {"by_construction", row.by_construction},
                                 {"tested", tested},
                                 {"run", row.run},
                                 {"implemented", row.implemented},
                                 {"failing", row.failing},
                                 {"cited_no_assertion", row.cited_no_assertion},
                                 {"did_not_run", row.did_not_run},
                                 {"not_counted", row.not_counted}});
  }
  j["tests"]["build_events"] = r.tests.have_bep;
  j["tests"]["passed"] = r.tests.passed;
  j["tests"]["failed"] = r.tests.failed;
  j["tests"]["targets"] = json::array();
  for (const auto& [label, t] : r.tests.targets) {
    j["tests"]["targets"].push_back({{"label", label},
                                     {"outcome", target_state(t)},
                                     {"built", t.built},
                                     {"ran", t.ran},
                                     {"cached", t.cached},
                                     {"status", t.status},
                                     {"crashed", t.crashed()},
                                     {"results_complete", t.xml_complete},
                                     {"results_files", t.xml_files}});
  }
  j["proofs"]["ran"] = r.proofs.ran;
  j["proofs"]["seconds"] = r.proofs.seconds;
  j["proofs"]["properties"] = json::array();
  for (const auto& p : r.proofs.properties) {
    j["proofs"]["properties"].push_back({{"name", p.name},
                                         {"requirements", p.requirements},
                                         {"status", p.status},
                                         {"basis", p.basis},
                                         {"seconds", p.seconds},
                                         {"counterexample", p.counterexample}});
  }
  j["proofs"]["mutants"] = json::array();
  for (const auto& m : r.proofs.mutants) {
    j["proofs"]["mutants"].push_back(
        {{"name", m.name}, {"caught", m.caught}, {"refuted_by", m.refuted_by}});
  }
  j["live"] = {{"ran", r.live.ran},
               {"passed", r.live.passed},
               {"run_id", r.live.run_id},
               {"stacks", r.live.stacks}};
  j["live"]["checks"] = json::array();
  for (const auto& c : r.live.checks) {
    j["live"]["checks"].push_back({{"id", c.id},
                                   {"stack", c.stack},
                                   {"passed", c.passed},
                                   {"counted", c.counted},
                                   {"observed_at", c.observed_at},
                                   {"observed", c.observed}});
  }
  j["traceability_problems"] = r.traceability.errors;
  j["notes"] = r.problems;
  j["mutation"] = report::json_mutation(r.mutation, r.spec, r.scan);
  j["mutation"]["notes"] = r.mutation_notes;
  j["probe"] = report::json_probes(r.probes);
  j["probe"]["notes"] = r.probe_notes;
  return j;
}

}  // namespace

int main(int argc, char** argv) {
  std::string root, bep, targets, prove, live, run_id, run_started, mutation, out;
  std::vector<std::string> probe_files;  // --probe, once per configuration
  bool count = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&](std::string& v) {
      if (i + 1 >= argc) return false;
      v = argv[++i];
      return true;
    };
    if (a == "--count") {
      count = true;
      continue;
    }
    if (a == "--root"          ? !next(root)
        : a == "--bep"         ? !next(bep)
        : a == "--targets"     ? !next(targets)
        : a == "--prove"       ? !next(prove)
        : a == "--live"        ? !next(live)
        : a == "--run-id"      ? !next(run_id)
        : a == "--run-started" ? !next(run_started)
        : a == "--mutation"    ? !next(mutation)
        : a == "--probe"       ? !next(probe_files.emplace_back())
        : a == "--out"         ? !next(out)
                               : true) {
      return usage();
    }
  }
  if (bep.empty() || targets.empty() || (!count && root.empty())) return usage();

  long long not_before = 0;
  try {
    not_before = run_started.empty() ? 0 : std::stoll(run_started);
  } catch (const std::exception&) {
    return usage();
  }
  Report r;
  report::read_targets(targets, r.tests, r.problems);
  report::read_bep(bep, r.tests, r.problems, not_before * 1000);
  if (count) {
    std::cout << r.tests.passed << " passed, " << r.tests.failed << " failed\n";
    return r.tests.failed == 0 && r.tests.passed > 0 ? 0 : 1;
  }
  r.spec = trace::load_spec((fs::path(root) / "spec").string());
  r.scan = trace::scan_tree(root, trace::traced_dirs());
  r.traceability = trace::check(r.spec, r.scan);
  r.proofs = report::run_proofs(prove, r.problems);
  r.live = report::read_live(live, run_id, not_before, r.problems);
  r.mutation = report::read_mutation(mutation, root, r.scan, r.mutation_notes);
  for (const auto& f : probe_files)
    r.probes.push_back(report::read_probe(f, run_id, not_before, r.probe_notes));
  r.rows = report::compute_rows(r.spec, r.scan, r.tests, r.proofs, r.live);
  for (auto& p : report::evidence_problems(r.spec, r.tests, r.live)) r.problems.push_back(p);
  summarise(r);

  print_console(r);
  if (!out.empty()) {
    fs::create_directories(out);
    std::ofstream md(fs::path(out) / "conformance.md");
    write_md_header(r, md);
    write_md_levels(r, md);
    write_md_requirements(r, md);
    write_md_summaries(r, md);
    write_md_tests(r, md);
    write_md_proofs(r, md);
    write_md_live(r, md);
    report::markdown_mutation(md, r.mutation, r.spec, r.scan);
    for (const auto& p : r.mutation_notes) md << "- " << md_escape(p) << "\n";
    report::markdown_probes(md, r.probes);
    for (const auto& p : r.probe_notes) md << "- " << md_escape(p) << "\n";
    write_md_problems(r, md);
    std::ofstream(fs::path(out) / "conformance.json") << to_json(r).dump(2) << "\n";
    std::cout << "\nWrote " << (fs::path(out) / "conformance.md").string() << " and "
              << (fs::path(out) / "conformance.json").string() << "\n";
  }

  const bool failing = r.totals.count("failing") > 0;
  const bool mutant_escaped = std::any_of(r.proofs.mutants.begin(), r.proofs.mutants.end(),
                                          [](const report::MutantOutcome& m) { return !m.caught; });
  return failing || mutant_escaped || !r.traceability.errors.empty() || !r.problems.empty() ? 1 : 0;
}
