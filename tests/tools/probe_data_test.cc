// tools/probe_data: the conformance probe's test purposes, PICS proforma,
// PICS and PIXIT loaders and the PICS selection expressions. Each bad input
// is named with its file, key and line; the exact messages are asserted.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "tools/probe_data/probe_data.h"

using namespace annexo::probe_data;

namespace {

const std::string kDir = "tests/tools/testdata/probe/";

Proforma proforma() {
  std::vector<std::string> errors;
  Proforma p = load_proforma(kDir + "proforma.toml", "proforma.toml", errors);
  REQUIRE(errors.empty());
  return p;
}

std::string dump(const std::vector<std::string>& errors) {
  std::string s;
  for (const auto& e : errors) s += e + "\n";
  return s;
}

bool has(const std::vector<std::string>& errors, const std::string& e) {
  return std::find(errors.begin(), errors.end(), e) != errors.end();
}

}  // namespace

TEST_CASE("probe_data: selection expressions parse and evaluate") {
  const Proforma pf = proforma();
  std::string err;
  const Expr e = parse_expr("PICS_A and not (PICS_B or PICS_MODE == 'y')", pf, err);
  REQUIRE(err.empty());
  REQUIRE(e.valid());
  CHECK(e.items() == std::vector<std::string>{"PICS_A", "PICS_B", "PICS_MODE"});
  PicsAnswers a;
  a["PICS_A"].b = true;
  a["PICS_B"].b = false;
  a["PICS_MODE"].s = "x";
  CHECK(e.eval(a));
  a["PICS_MODE"].s = "y";
  CHECK_FALSE(e.eval(a));
  a["PICS_MODE"].s = "x";
  a["PICS_B"].b = true;
  CHECK_FALSE(e.eval(a));
  a["PICS_B"].b = false;
  a["PICS_A"].b = false;
  CHECK_FALSE(e.eval(a));

  // Precedence: not binds tighter than and, and tighter than or.
  const Expr p = parse_expr("PICS_A or PICS_B and not PICS_A", pf, err);
  REQUIRE(p.valid());
  PicsAnswers only_b;
  only_b["PICS_B"].b = true;
  CHECK(p.eval(only_b));  // false or (true and true)
  PicsAnswers none;
  CHECK_FALSE(p.eval(none));
  CHECK(parse_expr("true", pf, err).eval(none));
  CHECK_FALSE(parse_expr("false", pf, err).eval(none));
  CHECK(parse_expr("PICS_MODE != \"y\"", pf, err).eval(a));
}

TEST_CASE("probe_data: bad selection expressions are errors, never false") {
  const Proforma pf = proforma();
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"PICS_A and PICS_NOPE", "column 12: unknown PICS item 'PICS_NOPE'"},
      {"PICS_A and", "column 11: expression ends where an operand is expected"},
      {"(PICS_A or PICS_B", "column 18: missing ')'"},
      {"PICS_A PICS_B", "column 8: unexpected 'PICS_B'"},
      {"PICS_PORT",
       "column 10: PICS item 'PICS_PORT' is not boolean: compare it with == \"value\""},
      {"PICS_A == 'x'",
       "column 11: PICS item 'PICS_A' is not an enumeration: it cannot be compared"},
      {"PICS_MODE == 'z'", "column 14: 'z' is not a value of PICS item 'PICS_MODE'"},
      {"PICS_MODE == 'x", "column 14: expected a quoted value after 'PICS_MODE =='"},
      {"PICS_A & PICS_B", "column 8: unexpected '&'"},
      {"", "column 1: expression ends where an operand is expected"},
  };
  for (const auto& [text, want] : cases) {
    INFO(text);
    std::string err;
    const Expr e = parse_expr(text, pf, err);
    CHECK_FALSE(e.valid());
    CHECK(err == want);
  }
}

TEST_CASE("probe_data: a TP not selected by the PICS ends with none, never pass") {
  const Proforma pf = proforma();
  const Catalogue c = load_catalogue(kDir + "tps_good", "tps_good", pf);
  INFO(dump(c.errors));
  REQUIRE(c.errors.empty());
  REQUIRE(c.tps.size() == 2);
  CHECK(c.tps[0].id == "TP_PC_TLS_001");
  CHECK(c.tps[0].line == 1);
  CHECK(c.tps[1].requirements == std::vector<std::string>{"R-2", "R-3"});
  CHECK(c.tps[1].long_timer);
  REQUIRE(c.unobservable.size() == 1);
  CHECK(c.unobservable[0].requirement == "R-9");

  std::vector<std::string> errors;
  Pics pics = load_pics(kDir + "pics_good.toml", "pics_good.toml", pf, errors);
  INFO(dump(errors));
  REQUIRE(errors.empty());
  CHECK(pics.role == "pcscf");
  CHECK(pics.answers.at("PICS_PORT").i == 5061);
  CHECK(selected(c.tps[0], pics));
  CHECK(final_verdict(selected(c.tps[0], pics), Verdict::pass) == Verdict::pass);
  // The UE TP: another role, not selected whatever was observed.
  CHECK_FALSE(selected(c.tps[1], pics));
  CHECK(final_verdict(selected(c.tps[1], pics), Verdict::pass) == Verdict::none);
  // The P-CSCF TP once its expression is false.
  pics.answers["PICS_B"].b = true;
  CHECK_FALSE(selected(c.tps[0], pics));
  CHECK(final_verdict(selected(c.tps[0], pics), Verdict::pass) == Verdict::none);
  CHECK(final_verdict(false, Verdict::fail) == Verdict::none);
}

TEST_CASE("probe_data: verdicts only get worse") {
  CHECK(worse(Verdict::none, Verdict::pass) == Verdict::pass);
  CHECK(worse(Verdict::pass, Verdict::none) == Verdict::pass);
  CHECK(worse(Verdict::pass, Verdict::inconc) == Verdict::inconc);
  CHECK(worse(Verdict::fail, Verdict::inconc) == Verdict::fail);
  CHECK(worse(Verdict::fail, Verdict::error) == Verdict::error);
  CHECK(std::string(verdict_name(Verdict::inconc)) == "inconc");
}

TEST_CASE("probe_data: a bad proforma names file, key and line") {
  std::vector<std::string> e;
  load_proforma(kDir + "proforma_bad.toml", "proforma_bad.toml", e);
  INFO(dump(e));
  CHECK(e == std::vector<std::string>{
                 "proforma_bad.toml:9: item[2].id: malformed PICS item ID 'pics_lower' "
                 "(PICS_[A-Z0-9_]+)",
                 "proforma_bad.toml:17: item[3].roles: 'phone' is not pcscf or ue",
                 "proforma_bad.toml:16: item[3].type: 'float' is not bool, int, enum or list",
                 "proforma_bad.toml:20: item[4].question: missing",
                 "proforma_bad.toml:21: item[4].id: duplicate PICS item 'PICS_ROLE'",
             });
}

TEST_CASE("probe_data: a bad TP catalogue names file, key and line") {
  const Catalogue c = load_catalogue(kDir + "tps_bad", "tps_bad", proforma());
  INFO(dump(c.errors));
  const std::vector<std::string> want = {
      "tps_bad/bad.toml:2: tp[1].id: malformed TP ID 'TP_PC_TLS_1' (TP_<PC|UE>_<GROUP>_<NNN>)",
      "tps_bad/bad.toml:6: tp[1].pics: bad selection expression: column 12: unknown PICS item "
      "'PICS_NOPE'",
      "tps_bad/bad.toml:5: tp[1].requirements: 'R-1' is listed twice",
      "tps_bad/bad.toml:25: tp[2].colour: unknown key",
      "tps_bad/bad.toml:18: tp[2].requirements: must be an array of strings",
      "tps_bad/bad.toml:14: tp[2].expected: missing",
      "tps_bad/bad.toml:15: tp[2].id: TP ID 'TP_UE_TLS_001' does not start with TP_PC_ (role "
      "pcscf)",
      "tps_bad/bad.toml:19: tp[2].pics: bad selection expression: column 11: expression ends "
      "where an operand is expected",
      "tps_bad/bad.toml:39: tp[3].long_timer: must be true or false",
      "tps_bad/bad.toml:28: tp[3].id: duplicate TP ID 'TP_UE_TLS_001' (also at "
      "tps_bad/bad.toml:14)",
      "tps_bad/bad.toml:32: tp[3].pics: bad selection expression: column 10: PICS item "
      "'PICS_PORT' is not boolean: compare it with == \"value\"",
      "tps_bad/bad.toml:48: tp[4].stimulus: is empty",
      "tps_bad/bad.toml:46: tp[4].pics: bad selection expression: column 29: 'z' is not a value "
      "of PICS item 'PICS_MODE'",
      "tps_bad/bad.toml:56: unobservable[1].reason: too short to be a reason (under 20 "
      "characters)",
  };
  for (const auto& w : want) {
    INFO(w);
    CHECK(has(c.errors, w));
  }
  // The syntax error in the second file, with its line.
  CHECK(std::any_of(c.errors.begin(), c.errors.end(), [](const std::string& e) {
    return e.rfind("tps_bad/syntax.toml:3: (syntax): TOML error: ", 0) == 0;
  }));
  CHECK(c.errors.size() == want.size() + 1);
}

TEST_CASE("probe_data: a PICS item asked of the other role is an error") {
  const Catalogue c = load_catalogue(kDir + "tps_role", "tps_role", proforma());
  CHECK(c.errors == std::vector<std::string>{
                        "tps_role/role.toml:7: tp[1].pics: PICS item 'PICS_UEONLY' is not asked "
                        "of role pcscf",
                    });
}

TEST_CASE("probe_data: a bad PICS names file, key and line") {
  std::vector<std::string> e;
  load_pics(kDir + "pics_bad.toml", "pics_bad.toml", proforma(), e);
  INFO(dump(e));
  CHECK(e == std::vector<std::string>{
                 "pics_bad.toml:8: pics.PICS_EXTRA: unknown PICS item (not in the proforma)",
                 "pics_bad.toml:4: pics.PICS_A: must be true or false",
                 "pics_bad.toml:2: pics.PICS_B: missing (asked of role pcscf)",
                 "pics_bad.toml:5: pics.PICS_MODE: 'z' is not one of x, y",
                 "pics_bad.toml:7: pics.PICS_UEONLY: not asked of role pcscf: remove it",
             });
  std::vector<std::string> missing;
  load_pics(kDir + "no_such.toml", "no_such.toml", proforma(), missing);
  CHECK(missing == std::vector<std::string>{"no_such.toml:0: (file): cannot be read"});
}

TEST_CASE("probe_data: a good PIXIT loads; the UE command template expands") {
  std::vector<std::string> e;
  const Pixit p = load_pixit(kDir + "pixit_good.toml", "pixit_good.toml", e);
  INFO(dump(e));
  REQUIRE(e.empty());
  CHECK(p.role == "ue");
  CHECK(p.probe_listen_port == 5061);
  REQUIRE(p.users.size() == 2);
  CHECK(p.users[1].impus.size() == 2);
  CHECK(p.unregistered_impu == "sip:m@annexo.test");
  CHECK(p.timers.at("rereg_budget_s") == 60);
  std::string err;
  const std::string cmd = expand_command(
      p.ue_command,
      {{"pcscf_host", "127.0.0.1"}, {"pcscf_port", "5061"}, {"impi", "a"}, {"ca", "c.pem"}}, err);
  CHECK(err.empty());
  CHECK(cmd == "ue --pcscf 127.0.0.1:5061 --impi a --ca c.pem");
  expand_command("ue {nope}", {}, err);
  CHECK(err == "unknown placeholder {nope}");
  expand_command("ue {impi", {{"impi", "a"}}, err);
  CHECK(err == "unclosed '{' at offset 3");
}

TEST_CASE("probe_data: a bad PIXIT names file, key and line") {
  std::vector<std::string> e;
  load_pixit(kDir + "pixit_bad.toml", "pixit_bad.toml", e);
  INFO(dump(e));
  CHECK(e == std::vector<std::string>{
                 "pixit_bad.toml:5: iut.port: must be in 1..65535, not 70000",
                 "pixit_bad.toml:2: iut.fqdn: missing",
                 "pixit_bad.toml:18: user[1].impus: 'a@annexo.test' is not a sip: or tel: URI",
                 "pixit_bad.toml:15: user: at least two [[user]] tables (test users) are "
                 "required, found 1",
                 "pixit_bad.toml:21: unregistered.impu: 'a@annexo.test' is an IMPU of a test user",
                 "pixit_bad.toml:24: timers.connect_s: must be in 1..86400, not 0",
                 "pixit_bad.toml:23: timers.unbound_idle_budget_s: missing",
                 "pixit_bad.toml:30: ue.command: only for role ue",
                 "pixit_bad.toml:31: ue.command: unknown placeholder {pin}",
             });
}

TEST_CASE("probe_data: annexo's own PICS select what its programs claim") {
  std::vector<std::string> e;
  const Proforma pf = load_proforma("spec/probe/proforma.toml", "proforma.toml", e);
  const Catalogue c = load_catalogue("spec/test_purposes", "spec/test_purposes", pf);
  const Pics pc = load_pics("spec/probe/annexo-pcscf.pics.toml", "pcscf", pf, e);
  const Pics ue = load_pics("spec/probe/annexo-ue.pics.toml", "ue", pf, e);
  e.insert(e.end(), c.errors.begin(), c.errors.end());
  INFO(dump(e));
  REQUIRE(e.empty());
  std::map<std::string, bool> sel;
  for (const auto& tp : c.tps) sel[tp.id] = selected(tp, tp.role == "pcscf" ? pc : ue);
  // Botan 2.19: no TLS 1.3 (RD-26): the TLS 1.3 TPs are none, not pass.
  CHECK_FALSE(sel.at("TP_PC_TLS_015"));
  CHECK_FALSE(sel.at("TP_PC_TLS_016"));
  CHECK_FALSE(sel.at("TP_UE_TLS_003"));
  // NULL off by default: the opt-in TP is none, the refusal TP runs.
  CHECK_FALSE(sel.at("TP_PC_TLS_005"));
  CHECK(sel.at("TP_PC_TLS_004"));
  CHECK(sel.at("TP_PC_SIP_010"));  // renegotiation at the lifetime
  CHECK(sel.at("TP_UE_SIP_008"));  // sec-agree
  // A UE TP is never selected by a P-CSCF's PICS.
  for (const auto& tp : c.tps) {
    if (tp.role == "ue") CHECK_FALSE(selected(tp, pc));
  }
}

TEST_CASE("probe_data: PIXIT [ue_servers] maps UE TPs to third-party server templates") {
  std::vector<std::string> e;
  const Pixit p = load_pixit(kDir + "pixit_servers.toml", "pixit_servers.toml", e);
  INFO(dump(e));
  CHECK(e == std::vector<std::string>{
                 "pixit_servers.toml:42: ue_servers.TP_PC_TLS_001: not a UE test purpose ID",
                 "pixit_servers.toml:41: ue_servers.TP_UE_CERT_003: unknown placeholder {impi}",
                 "pixit_servers.toml:43: ue_servers.TP_UE_CERT_005: must be a string",
             });
  REQUIRE(p.ue_servers.size() == 2);
  std::string err;
  const std::string cmd =
      expand_command(p.ue_servers.at("TP_UE_TLS_009"),
                     {{"host", "127.0.0.1"}, {"port", "4433"}, {"pki_dir", "/p"}}, err);
  CHECK(err.empty());
  CHECK(cmd == "openssl s_server -accept 127.0.0.1:4433 -cert /p/pcscf-ec.pem -verify 1");
  CHECK(p.ue_servers.count("TP_UE_CERT_002") == 1);
}
