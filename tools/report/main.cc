// annexo conformance report: requirement by requirement, what is proved,
// tested, run, implemented, excepted or missing, with where the evidence is.
//
//   report --root DIR --testlogs DIR [--prove BIN] [--live FILE] [--mutation FILE] [--out DIR]
//
// Nothing counts on the strength of a comment alone: "tested" needs a test
// case that cites the requirement AND ran green in this build (its JUnit
// result in --testlogs); "proved" needs a proof property that cites it AND
// that this program's own run of --prove reported proved; "run" needs the
// live loopback registration (--live) to have observed it. --mutation gives
// the results of tools/mutate (read only when recorded for these sources).
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
#include "tools/report/status.h"
#include "tools/trace/check.h"
#include "tools/trace/citations.h"
#include "tools/trace/spec.h"

namespace fs = std::filesystem;
using namespace annexo;
using nlohmann::json;

namespace {

int usage() {
  std::cerr << "usage: report --root DIR --testlogs DIR [--prove BIN] [--live FILE] "
               "[--mutation FILE] [--out DIR]\n";
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

}  // namespace

int main(int argc, char** argv) {
  std::string root, testlogs, prove, live, out, mutation_file;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&](std::string& v) {
      if (i + 1 >= argc) return false;
      v = argv[++i];
      return true;
    };
    if (a == "--root"       ? !next(root)
        : a == "--testlogs" ? !next(testlogs)
        : a == "--prove"    ? !next(prove)
        : a == "--live"     ? !next(live)
        : a == "--mutation" ? !next(mutation_file)
        : a == "--out"      ? !next(out)
                            : true) {
      return usage();
    }
  }
  if (root.empty() || testlogs.empty()) return usage();

  std::vector<std::string> problems;
  const trace::Spec spec = trace::load_spec((fs::path(root) / "spec").string());
  const trace::ScanResult scan = trace::scan_tree(root, trace::traced_dirs());
  const trace::CheckResult traceability = trace::check(spec, scan);
  const auto tests = report::read_test_results(testlogs, problems);
  const auto proofs = report::run_proofs(prove, problems);
  const auto liverun = report::read_live(live, problems);
  const auto mutation = report::read_mutation(mutation_file, root, problems);

  const std::vector<report::Row> rows = report::compute_rows(spec, scan, tests, proofs, liverun);

  // Summaries by actor and by modality.
  std::map<std::string, std::map<std::string, int>> by_actor, by_modality;
  std::map<std::string, int> totals;
  for (const auto& r : rows) {
    by_actor[r.req->actor][r.status]++;
    by_modality[r.req->modality][r.status]++;
    totals[r.status]++;
  }

  // Console.
  std::cout << "annexo conformance report — TS 33.203 Annex O\n\n";
  for (const auto& r : rows) {
    std::cout << std::left << std::setw(38) << r.req->id << " " << std::setw(10) << r.req->clause
              << " " << std::setw(11) << r.req->actor << " " << std::setw(11) << r.req->modality
              << " " << r.status;
    if (r.status == "exception") std::cout << " (" << r.req->exception << ")";
    std::cout << "\n";
    auto show = [](const char* what, const std::vector<std::string>& v) {
      for (const auto& e : v) std::cout << "    " << what << ": " << e << "\n";
    };
    show("FAILING", r.failing);
    show("proved", r.proved);
    show("tested", r.tested);
    show("run", r.run);
    if (r.status == "implemented" || r.status == "missing") show("implemented at", r.implemented);
    show("not run", r.unrun);
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
  print_summary("actor", by_actor);
  print_summary("modality", by_modality);
  std::cout << "\nTotal " << rows.size() << " requirements:";
  for (const auto& s : report::kStatusOrder) {
    if (totals.count(s)) std::cout << " " << s << "=" << totals[s];
  }
  std::cout << "\n";
  if (proofs.ran) {
    std::cout << "Proofs: " << proofs.properties.size() << " properties, " << proofs.mutants.size()
              << " mutants, run by this report in " << std::fixed << std::setprecision(1)
              << proofs.seconds << " s (exit " << proofs.exit_code << ")\n";
  } else {
    std::cout << "Proofs: none run (no proof program given or it produced no results)\n";
  }
  std::cout << "Live loopback registration: "
            << (liverun.ran ? (liverun.passed ? "ran, passed" : "ran, FAILED") : "not run") << "\n";
  report::print_mutation(std::cout, mutation, spec, scan);
  std::cout << "Traceability problems: " << traceability.errors.size() << "\n";
  for (const auto& e : traceability.errors) std::cout << "  " << e << "\n";
  for (const auto& p : problems) std::cout << "Note: " << p << "\n";

  // Markdown and JSON for certification bodies.
  if (!out.empty()) {
    fs::create_directories(out);
    std::ofstream md(fs::path(out) / "conformance.md");
    md << "# annexo conformance report — 3GPP TS 33.203 Annex O\n\n";
    md << "Statuses: **proved** (a Z3 property citing the requirement was proved by this report's "
          "own proof run), **tested** (a test case citing it ran green in this build), **run** "
          "(observed in the live loopback registration), **implemented** (code cites it, no "
          "passing test or proof yet), **exception** (recorded reason, spec/), **missing**, "
          "**failing** (a citing test failed or a proof was refuted).\n\n";
    md << "| Total | ";
    for (const auto& s : report::kStatusOrder) md << s << " | ";
    md << "\n|---|";
    for (std::size_t i = 0; i < report::kStatusOrder.size(); ++i) md << "---|";
    md << "\n| " << rows.size() << " | ";
    for (const auto& s : report::kStatusOrder) md << (totals.count(s) ? totals[s] : 0) << " | ";
    md << "\n\n## Requirements\n\n| ID | Clause | Actor | Modality | Status | Evidence |\n"
          "|---|---|---|---|---|---|\n";
    for (const auto& r : rows) {
      std::vector<std::string> ev;
      for (const auto& e : r.failing) ev.push_back("FAILING: " + e);
      for (const auto& e : r.proved) ev.push_back("proof " + e);
      for (const auto& e : r.tested) ev.push_back("test " + e);
      for (const auto& e : r.run) ev.push_back(e);
      for (const auto& e : r.implemented) ev.push_back("code " + e);
      if (r.status == "exception") ev.push_back("exception: " + r.req->exception);
      md << "| " << r.req->id << " | " << md_escape(r.req->clause) << " | " << r.req->actor << " | "
         << r.req->modality << " | " << r.status << " | " << md_escape(join(ev, "<br>")) << " |\n";
    }
    auto md_summary = [&](const char* title,
                          const std::map<std::string, std::map<std::string, int>>& m) {
      md << "\n## By " << title << "\n\n| " << title << " | ";
      for (const auto& s : report::kStatusOrder) md << s << " | ";
      md << "\n|---|";
      for (std::size_t i = 0; i < report::kStatusOrder.size(); ++i) md << "---|";
      md << "\n";
      for (const auto& [k, counts] : m) {
        md << "| " << k << " | ";
        for (const auto& s : report::kStatusOrder) {
          auto it = counts.find(s);
          md << (it == counts.end() ? 0 : it->second) << " | ";
        }
        md << "\n";
      }
    };
    md_summary("actor", by_actor);
    md_summary("modality", by_modality);
    if (proofs.ran) {
      md << "\n## Proofs (run by this report)\n\n| Property | Requirements | Status | Time (s) |\n"
            "|---|---|---|---|\n";
      for (const auto& p : proofs.properties) {
        md << "| " << p.name << " | " << join(p.requirements, ", ") << " | " << p.status << " | "
           << p.seconds << " |\n";
      }
      md << "\n| Mutant | Caught | Refuted by |\n|---|---|---|\n";
      for (const auto& m : proofs.mutants) {
        md << "| " << m.name << " | " << (m.caught ? "yes" : "NO") << " | "
           << join(m.refuted_by, ", ") << " |\n";
      }
    }
    report::markdown_mutation(md, mutation, spec, scan);
    if (!traceability.errors.empty() || !problems.empty()) {
      md << "\n## Problems\n\n";
      for (const auto& e : traceability.errors) md << "- " << md_escape(e) << "\n";
      for (const auto& p : problems) md << "- " << md_escape(p) << "\n";
    }

    json j;
    j["title"] = "annexo conformance report — 3GPP TS 33.203 Annex O";
    j["totals"] = totals;
    j["by_actor"] = by_actor;
    j["by_modality"] = by_modality;
    for (const auto& r : rows) {
      j["requirements"].push_back({{"id", r.req->id},
                                   {"source", r.req->source},
                                   {"clause", r.req->clause},
                                   {"actor", r.req->actor},
                                   {"modality", r.req->modality},
                                   {"status", r.status},
                                   {"exception", r.req->exception},
                                   {"proved", r.proved},
                                   {"tested", r.tested},
                                   {"run", r.run},
                                   {"implemented", r.implemented},
                                   {"failing", r.failing},
                                   {"not_run", r.unrun}});
    }
    j["proofs"]["ran"] = proofs.ran;
    j["proofs"]["seconds"] = proofs.seconds;
    for (const auto& p : proofs.properties) {
      j["proofs"]["properties"].push_back({{"name", p.name},
                                           {"requirements", p.requirements},
                                           {"status", p.status},
                                           {"seconds", p.seconds},
                                           {"counterexample", p.counterexample}});
    }
    for (const auto& m : proofs.mutants) {
      j["proofs"]["mutants"].push_back(
          {{"name", m.name}, {"caught", m.caught}, {"refuted_by", m.refuted_by}});
    }
    j["live"] = {{"ran", liverun.ran}, {"passed", liverun.passed}};
    j["mutation"] = report::json_mutation(mutation, spec, scan);
    j["traceability_problems"] = traceability.errors;
    j["notes"] = problems;
    std::ofstream(fs::path(out) / "conformance.json") << j.dump(2) << "\n";
    std::cout << "\nWrote " << (fs::path(out) / "conformance.md").string() << " and "
              << (fs::path(out) / "conformance.json").string() << "\n";
  }

  const bool failing = totals.count("failing") > 0;
  const bool mutant_escaped = std::any_of(proofs.mutants.begin(), proofs.mutants.end(),
                                          [](const report::MutantOutcome& m) { return !m.caught; });
  return failing || mutant_escaped || !traceability.errors.empty() ? 1 : 0;
}
