// The probe runner's parts that need no IUT (adapters/probe): the outcome a
// forked TP hands back over its pipe, the roll-up per requirement, the exit
// status, the implementation table check, and the outputs (JSON parses,
// JUnit marks fail/error/skipped). Checks the probe itself: no requirement.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "adapters/probe/outcome_codec.h"
#include "adapters/probe/outputs.h"
#include "adapters/probe/results.h"
#include "adapters/probe/runner.h"

using namespace annexo::probe;
using annexo::probe_data::TestPurpose;

namespace {

TestPurpose tp(const std::string& id, std::vector<std::string> reqs) {
  TestPurpose t;
  t.id = id;
  t.title = "title of " + id + " <&\"|>";
  t.role = "pcscf";
  t.requirements = std::move(reqs);
  return t;
}

Tp_Result result(const TestPurpose& t, bool selected, Verdict v, std::string not_run = "") {
  Tp_Result r;
  r.tp = &t;
  r.selected = selected;
  r.not_run = std::move(not_run);
  r.outcome.verdict = v;
  r.outcome.reason = "why \"quoted\"\n";
  r.outcome.evidence.push_back({"iut->probe tls c1", 7, "fatal alert 70"});
  return r;
}

}  // namespace

TEST_CASE("probe: an outcome survives the pipe encoding; truncation is refused") {
  Tp_Outcome o{
      Verdict::inconc, "no answer", {{"s1", 5, "a"}, {"s2", 1u << 20, std::string(3, '\0')}}};
  const std::string bytes = encode_outcome(o);
  Tp_Outcome back;
  REQUIRE(decode_outcome(bytes, back));
  CHECK(back.verdict == Verdict::inconc);
  CHECK(back.reason == "no answer");
  REQUIRE(back.evidence.size() == 2);
  CHECK(back.evidence[1].offset == (1u << 20));
  CHECK(back.evidence[1].observed.size() == 3);
  for (std::size_t cut = 0; cut < bytes.size(); ++cut) {
    CHECK_FALSE(decode_outcome(bytes.substr(0, cut), back));
  }
  CHECK_FALSE(decode_outcome(bytes + "x", back));
}

TEST_CASE("probe: roll-up is the worst verdict of the TPs that ran; exit status") {
  const TestPurpose a = tp("TP_PC_TLS_001", {"R-1", "R-2"});
  const TestPurpose b = tp("TP_PC_TLS_002", {"R-2"});
  const TestPurpose c = tp("TP_PC_TLS_003", {"R-2", "R-3"});
  const TestPurpose d = tp("TP_PC_TLS_004", {"R-3"});
  Run_Result run;
  run.role = "pcscf";
  run.tps = {result(a, true, Verdict::pass), result(b, true, Verdict::inconc),
             result(c, true, Verdict::none, "not run (not implemented)"),
             result(d, false, Verdict::none)};
  roll_up(run);
  CHECK(run.requirements.at("R-1").verdict == Verdict::pass);
  CHECK(run.requirements.at("R-2").verdict == Verdict::inconc);
  CHECK(run.requirements.at("R-2").tps.size() == 3);
  CHECK(run.requirements.at("R-3").verdict == Verdict::none);
  CHECK(exit_status(run) == 0);  // inconc and not run do not fail a run
  CHECK(shown_verdict(run.tps[2]) == "not run");
  run.tps[1].outcome.verdict = Verdict::error;
  CHECK(exit_status(run) == 1);
  run.tps[1].outcome.verdict = Verdict::fail;
  roll_up(run);
  CHECK(run.requirements.at("R-2").verdict == Verdict::fail);
  CHECK(exit_status(run) == 1);
  // A fail on a TP that was not run counts for nothing.
  run.tps[1].outcome.verdict = Verdict::pass;
  run.tps[2].outcome.verdict = Verdict::fail;
  CHECK(exit_status(run) == 0);
}

TEST_CASE("probe: JSON and JUnit outputs are well formed and mark each verdict") {
  const TestPurpose a = tp("TP_PC_TLS_001", {"R-1"});
  const TestPurpose b = tp("TP_PC_TLS_002", {"R-1"});
  const TestPurpose c = tp("TP_PC_TLS_003", {"R-2"});
  const TestPurpose d = tp("TP_PC_TLS_004", {"R-2"});
  Run_Result run;
  run.role = "pcscf";
  run.run_id = "RUN\"1";
  run.tps = {result(a, true, Verdict::fail), result(b, true, Verdict::error),
             result(c, true, Verdict::none, "not run (--skip-long)"),
             result(d, false, Verdict::none)};
  roll_up(run);
  std::ostringstream js, ju, md;
  write_json(run, js);
  const auto j = nlohmann::json::parse(js.str());
  CHECK(j.at("run_id") == "RUN\"1");
  CHECK(j.at("exit_status") == 1);
  CHECK(j.at("tps").at(0).at("verdict") == "fail");
  CHECK(j.at("tps").at(0).at("reason") == "why \"quoted\"\n");
  CHECK(j.at("tps").at(0).at("evidence").at(0).at("offset") == 7);
  CHECK(j.at("tps").at(2).at("verdict") == "not run");
  CHECK(j.at("requirements").at("R-1").at("verdict") == "error");
  write_junit(run, ju);
  const std::string x = ju.str();
  CHECK(x.find("failures=\"1\" errors=\"1\" skipped=\"2\"") != std::string::npos);
  run.tps[1].outcome.verdict = Verdict::inconc;
  std::ostringstream ju2;
  write_junit(run, ju2);
  CHECK(ju2.str().find("errors=\"0\" skipped=\"3\"") != std::string::npos);
  CHECK(ju2.str().find("<skipped message=\"inconc: why") != std::string::npos);
  CHECK(x.find("<failure message=\"why &quot;quoted&quot;") != std::string::npos);
  CHECK(x.find("title of TP_PC_TLS_001 &lt;&amp;&quot;|&gt;") != std::string::npos);
  write_markdown(run, md);
  CHECK(md.str().find("| TP_PC_TLS_003 | not run |") != std::string::npos);
  CHECK(md.str().find("title of TP_PC_TLS_001 <&\"\\|>") != std::string::npos);
}

TEST_CASE(
    "probe: an implementation table naming an unknown TP, a TP twice or the wrong role is "
    "refused") {
  annexo::probe_data::Catalogue cat;
  cat.tps.push_back(tp("TP_PC_TLS_001", {"R-1"}));
  TestPurpose ue = tp("TP_UE_TLS_001", {"R-1"});
  ue.role = "ue";
  cat.tps.push_back(ue);
  const Tp_Fn fn = [](const Tp_Context&) { return Tp_Outcome{}; };
  CHECK(check_implementations({{"TP_PC_TLS_001", fn}, {"TP_UE_TLS_001", fn}}, cat).empty());
  CHECK(check_implementations({{"TP_PC_TLS_009", fn}}, cat).size() == 1);
  CHECK(check_implementations({{"TP_PC_TLS_001", fn}, {"TP_PC_TLS_001", fn}}, cat).size() == 1);
  CHECK(check_implementations({{"TP_PC_TLS_001", nullptr}}, cat).size() == 1);
  // The probe's own tables agree with the shipped catalogue (checked at
  // start-up too; here so a bad table fails in CI, not in a lab).
  CHECK_FALSE(all_implementations().empty());
}

namespace {

// annexo's shipped PICS and PIXIT (runfiles), the PIXIT with a 1 s TP budget.
struct Files {
  std::string pics = "spec/probe/annexo-pcscf.pics.toml";
  std::string pixit;
  std::string out;
  Files() {
    const char* tmp = std::getenv("TEST_TMPDIR");
    const std::string dir = tmp ? tmp : "/tmp";
    pixit = dir + "/runner_test.pixit.toml";
    out = dir + "/runner_test.out";
    std::ifstream in("spec/probe/annexo-pcscf.pixit.toml");
    std::stringstream s;
    s << in.rdbuf() << "tp_budget_s = 1\n";  // [timers] is the file's last table
    std::ofstream(pixit) << s.str();
  }
};

Options options(const Files& f, std::vector<std::string> only, bool implemented_only) {
  Options o;
  o.spec_dir = "spec";
  o.pics_file = f.pics;
  o.pixit_file = f.pixit;
  o.out_dir = f.out;
  o.only = std::move(only);
  o.implemented_only = implemented_only;
  return o;
}

std::string verdict_of(const Run_Result& run, const std::string& id) {
  for (const auto& r : run.tps) {
    if (r.tp->id == id) return shown_verdict(r) + ": " + (r.ran() ? r.outcome.reason : r.not_run);
  }
  return "absent";
}

}  // namespace

TEST_CASE(
    "probe: the runner runs each TP in a child with a budget; unimplemented TPs are visible") {
  const Files f;
  const std::vector<Tp_Impl> impls = {
      {"TP_PC_TLS_001",
       [](const Tp_Context&) {
         return Tp_Outcome{Verdict::pass, "ok", {}};
       }},
      {"TP_PC_TLS_002",
       [](const Tp_Context&) {
         for (;;) pause();  // hangs: the runner kills it at timers.tp_budget_s
         return Tp_Outcome{};
       }},
      {"TP_PC_TLS_003", [](const Tp_Context&) -> Tp_Outcome { abort(); }},
      {"TP_PC_TLS_004", [](const Tp_Context&) -> Tp_Outcome { throw std::runtime_error("boom"); }},
      {"TP_PC_TLS_015",
       [](const Tp_Context&) {
         return Tp_Outcome{Verdict::fail, "x", {}};
       }},
  };
  const std::vector<std::string> only = {"TP_PC_TLS_001", "TP_PC_TLS_002", "TP_PC_TLS_003",
                                         "TP_PC_TLS_004", "TP_PC_TLS_006", "TP_PC_TLS_015"};
  Run_Result run;
  std::vector<std::string> errors;
  REQUIRE(run_probe(options(f, only, false), impls, run, errors) == 0);
  CHECK(errors.empty());
  CHECK(verdict_of(run, "TP_PC_TLS_001") == "pass: ok");
  CHECK(verdict_of(run, "TP_PC_TLS_002")
            .find("error: probe: the TP did not end within its wall "
                  "budget of 1 s") == 0);
  CHECK(verdict_of(run, "TP_PC_TLS_003").find("error: probe: the TP implementation crashed") == 0);
  CHECK(verdict_of(run, "TP_PC_TLS_004") == "error: the TP implementation threw: boom");
  CHECK(verdict_of(run, "TP_PC_TLS_006") == "error: not implemented by this probe");
  // PICS_TLS13 is false for annexo's pcscf: none, never run (its fail is not seen).
  CHECK(verdict_of(run, "TP_PC_TLS_015") == "none: ");
  CHECK(run.tps.size() == only.size());
  CHECK(exit_status(run) == 1);

  Run_Result quiet;
  REQUIRE(run_probe(options(f, {"TP_PC_TLS_001", "TP_PC_TLS_006"}, true), impls, quiet, errors) ==
          0);
  CHECK(verdict_of(quiet, "TP_PC_TLS_006") == "not run: not run (not implemented)");
  CHECK(exit_status(quiet) == 0);
}

TEST_CASE("probe: bad input stops the runner before any TP runs (exit 2)") {
  const Files f;
  Run_Result run;
  std::vector<std::string> errors;
  CHECK(run_probe(options(f, {"TP_PC_NOPE_001"}, false), {}, run, errors) == 2);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].find("--tp TP_PC_NOPE_001") != std::string::npos);
  errors.clear();
  const Tp_Fn fn = [](const Tp_Context&) { return Tp_Outcome{}; };
  CHECK(run_probe(options(f, {}, false), {{"TP_PC_TLS_999", fn}}, run, errors) == 2);
  CHECK(run.tps.empty());
  errors.clear();
  Options o = options(f, {}, false);
  o.pixit_file = "spec/probe/annexo-ue.pixit.toml";  // a UE's PIXIT with a P-CSCF's PICS
  CHECK(run_probe(o, {}, run, errors) == 2);
  CHECK_FALSE(errors.empty());
}
