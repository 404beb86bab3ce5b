// The conformance probe's data (issue 13): the test-purpose catalogue
// (spec/test_purposes/*.toml), the PICS proforma (spec/probe/proforma.toml), a
// vendor's PICS and PIXIT files. Formats: spec/README.md, "Test purposes".
//
// Every problem is reported as "<file>:<line>: <key>: <message>", the key
// being the dotted TOML path (tp[3].pics, iut.port, user[1].impi). A missing
// key is reported at the line of the table that should hold it.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "tools/probe_data/expr.h"

namespace annexo::probe_data {

// TTCN-3 verdicts. A verdict only gets worse: none < pass < inconc < fail;
// error is set by the test system and overrides everything.
enum class Verdict { none, pass, inconc, fail, error };
const char* verdict_name(Verdict v);
Verdict worse(Verdict a, Verdict b);
// The verdict a TP ends with: `none` when it is not selected by the PICS (or
// not for the IUT's role), whatever was observed; otherwise `observed`.
Verdict final_verdict(bool selected, Verdict observed);

struct TestPurpose {
  std::string id;     // TP_PC_TLS_001, TP_UE_CERT_004
  std::string title;  // one line
  std::string role;   // pcscf | ue: the IUT's role
  std::vector<std::string> requirements;
  std::string pics;  // selection expression text
  Expr selection;
  std::string initial, stimulus, expected, pass, fail, inconc;
  bool long_timer = false;  // waits for an IUT timer (lifetime, keep-alive)
  std::string file;
  int line = 0;
};

// A requirement that has no TP because it cannot be observed from outside.
struct Unobservable {
  std::string requirement, reason, file;
  int line = 0;
};

struct Catalogue {
  std::vector<TestPurpose> tps;
  std::vector<Unobservable> unobservable;
  std::vector<std::string> errors;
};

// Loads the proforma ([[item]] tables). Paths in messages use `shown`.
Proforma load_proforma(const std::string& path, const std::string& shown,
                       std::vector<std::string>& errors);

// Loads every *.toml in `dir` ([[tp]] and [[unobservable]] tables); TP IDs
// are checked for form and uniqueness, selection expressions against the
// proforma. `shown_dir` prefixes file names in messages.
Catalogue load_catalogue(const std::string& dir, const std::string& shown_dir,
                         const Proforma& proforma);

// Checks one TP ID's form: TP_<PC|UE>_<GROUP>_<NNN>, the role prefix
// matching `role`. Returns "" or the problem.
std::string check_tp_id(const std::string& id, const std::string& role);

struct Pics {
  std::string role;  // PICS_ROLE
  PicsAnswers answers;
};

// A vendor's PICS: a [pics] table answering every proforma item asked of the
// claimed role (PICS_ROLE), with the item's type; an unknown item is an error.
Pics load_pics(const std::string& path, const std::string& shown, const Proforma& proforma,
               std::vector<std::string>& errors);

// Whether a TP is run against an IUT with this PICS.
bool selected(const TestPurpose& tp, const Pics& pics);

struct TestUser {
  std::string impi, password;
  std::vector<std::string> impus;
};

struct Pixit {
  std::string role;  // pcscf | ue
  int role_line = 0;
  // [iut]
  std::string iut_host, iut_fqdn, iut_ca_file;
  int iut_port = 0;           // pcscf: its TLS port
  int iut_secagree_port = 0;  // pcscf, optional: where the RFC 3329 REGISTER goes
  // [probe]
  std::string probe_host, probe_fqdn, probe_pki_dir;
  int probe_next_hop_port = 0;  // pcscf: the probe's S-CSCF side
  int probe_listen_port = 0;    // ue: the probe as P-CSCF
  int probe_secagree_port = 0;  // ue, optional: the probe's plain sec-agree port (RFC 3329)
  std::string domain;           // [users] home domain (realm)
  std::vector<TestUser> users;  // [[user]], at least two
  std::string unregistered_impu;
  std::map<std::string, int> timers;  // [timers], seconds
  std::string ue_command;             // [ue] command template
  std::string ue_secagree_command;    // [ue] optional: the UE in its sec-agree variant (O.2)
  // [ue_servers] optional: TP ID -> command template of a third-party TLS
  // server that plays the P-CSCF's TLS side for that TP (RD-211).
  std::map<std::string, std::string> ue_servers;
};

// Placeholders a UE command template may use.
const std::vector<std::string>& ue_command_placeholders();
// Placeholders a [ue_servers] template may use: {host} {port} (where the
// server must listen), {fqdn}, {pki_dir}, {workdir}.
const std::vector<std::string>& ue_server_placeholders();
// Expands {name} placeholders; an unknown one is left and reported in `error`.
std::string expand_command(const std::string& templ,
                           const std::map<std::string, std::string>& values, std::string& error);

Pixit load_pixit(const std::string& path, const std::string& shown,
                 std::vector<std::string>& errors);

// A PICS and a PIXIT describing the same IUT: the roles agree. Problems are
// named at the PIXIT's iut.role line.
void check_pair(const Pics& pics, const std::string& pics_shown, const Pixit& pixit,
                const std::string& pixit_shown, std::vector<std::string>& errors);

}  // namespace annexo::probe_data
