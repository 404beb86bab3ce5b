#include "tools/probe_data/probe_data.h"

#include <toml++/toml.h>
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <regex>
#include <set>
#include <sstream>

namespace annexo::probe_data {
namespace fs = std::filesystem;

const char* verdict_name(Verdict v) {
  switch (v) {
    case Verdict::none:
      return "none";
    case Verdict::pass:
      return "pass";
    case Verdict::inconc:
      return "inconc";
    case Verdict::fail:
      return "fail";
    case Verdict::error:
      return "error";
  }
  return "error";
}

Verdict worse(Verdict a, Verdict b) {
  return static_cast<int>(a) >= static_cast<int>(b) ? a : b;
}

Verdict final_verdict(bool is_selected, Verdict observed) {
  return is_selected ? observed : Verdict::none;
}

namespace {

int line_of(const toml::node& n) {
  return static_cast<int>(n.source().begin.line);
}

// Reads typed fields of one table, reporting "<file>:<line>: <key>: <msg>".
class Reader {
 public:
  Reader(const toml::table& t, std::string shown, std::string prefix,
         std::vector<std::string>& errors)
      : t_(t), shown_(std::move(shown)), prefix_(std::move(prefix)), errors_(errors) {}

  std::string key(const std::string& k) const { return prefix_.empty() ? k : prefix_ + "." + k; }

  void error(int line, const std::string& k, const std::string& what) const {
    errors_.push_back(shown_ + ":" + std::to_string(line) + ": " + key(k) + ": " + what);
  }
  void error_at(const std::string& k, const std::string& what) const {
    const toml::node* n = t_.get(k);
    error(n ? line_of(*n) : table_line(), k, what);
  }
  int table_line() const { return std::max(1, line_of(t_)); }

  const toml::node* need(const std::string& k, bool required) const {
    const toml::node* n = t_.get(k);
    if (n == nullptr && required) error(table_line(), k, "missing");
    return n;
  }

  std::string str(const std::string& k, bool required = true) const {
    const toml::node* n = need(k, required);
    if (n == nullptr) return "";
    if (!n->is_string()) {
      error(line_of(*n), k, "must be a string");
      return "";
    }
    std::string v = *n->value<std::string>();
    if (v.find_first_not_of(" \t\r\n") == std::string::npos) {
      error(line_of(*n), k, "is empty");
      return "";
    }
    return v;
  }

  long long integer(const std::string& k, long long lo, long long hi, bool required = true) const {
    const toml::node* n = need(k, required);
    if (n == nullptr) return 0;
    if (!n->is_integer()) {
      error(line_of(*n), k, "must be an integer");
      return 0;
    }
    const long long v = *n->value<long long>();
    if (v < lo || v > hi) {
      error(line_of(*n), k,
            "must be in " + std::to_string(lo) + ".." + std::to_string(hi) + ", not " +
                std::to_string(v));
      return 0;
    }
    return v;
  }

  bool boolean(const std::string& k, bool required = true) const {
    const toml::node* n = need(k, required);
    if (n == nullptr) return false;
    if (!n->is_boolean()) {
      error(line_of(*n), k, "must be true or false");
      return false;
    }
    return *n->value<bool>();
  }

  std::vector<std::string> strings(const std::string& k, bool required = true) const {
    std::vector<std::string> out;
    const toml::node* n = need(k, required);
    if (n == nullptr) return out;
    const toml::array* a = n->as_array();
    if (a == nullptr) {
      error(line_of(*n), k, "must be an array of strings");
      return out;
    }
    for (const toml::node& e : *a) {
      if (!e.is_string() || e.value<std::string>()->empty()) {
        error(line_of(e) > 0 ? line_of(e) : line_of(*n), k,
              "must be an array of non-empty strings");
        return {};
      }
      out.push_back(*e.value<std::string>());
    }
    if (required && out.empty()) error(line_of(*n), k, "is empty");
    return out;
  }

  void only(const std::set<std::string>& allowed) const {
    for (auto&& [k, v] : t_) {
      if (allowed.count(std::string(k.str())) == 0) {
        error(line_of(v), std::string(k.str()), "unknown key");
      }
    }
  }

  const toml::table& table() const { return t_; }

 private:
  const toml::table& t_;
  std::string shown_, prefix_;
  std::vector<std::string>& errors_;
};

bool parse(const std::string& path, const std::string& shown, std::vector<std::string>& errors,
           toml::table& doc) {
  if (!fs::exists(path)) {
    errors.push_back(shown + ":0: (file): cannot be read");
    return false;
  }
  try {
    doc = toml::parse_file(path);
    return true;
  } catch (const toml::parse_error& e) {
    errors.push_back(shown + ":" + std::to_string(e.source().begin.line) +
                     ": (syntax): TOML error: " + std::string(e.description()));
    return false;
  }
}

// An array of tables `name` at the top level; each table with its key prefix.
std::vector<std::pair<const toml::table*, std::string>> tables(const toml::table& doc,
                                                               const std::string& name,
                                                               const std::string& shown,
                                                               std::vector<std::string>& errors) {
  std::vector<std::pair<const toml::table*, std::string>> out;
  const toml::node* n = doc.get(name);
  if (n == nullptr) return out;
  const toml::array* a = n->as_array();
  if (a == nullptr) {
    errors.push_back(shown + ":" + std::to_string(line_of(*n)) + ": " + name +
                     ": must be an array of tables ([[" + name + "]])");
    return out;
  }
  std::size_t i = 0;
  for (const toml::node& e : *a) {
    const std::string key = name + "[" + std::to_string(++i) + "]";
    if (const toml::table* t = e.as_table()) {
      out.emplace_back(t, key);
    } else {
      errors.push_back(shown + ":" + std::to_string(line_of(e)) + ": " + key + ": not a table");
    }
  }
  return out;
}

const toml::table* table(const toml::table& doc, const std::string& name, const std::string& shown,
                         std::vector<std::string>& errors, bool required) {
  const toml::node* n = doc.get(name);
  if (n == nullptr) {
    if (required) errors.push_back(shown + ":1: " + name + ": missing table [" + name + "]");
    return nullptr;
  }
  if (!n->is_table()) {
    errors.push_back(shown + ":" + std::to_string(line_of(*n)) + ": " + name + ": must be a table");
    return nullptr;
  }
  return n->as_table();
}

void only_top(const toml::table& doc, const std::set<std::string>& allowed,
              const std::string& shown, std::vector<std::string>& errors) {
  for (auto&& [k, v] : doc) {
    if (allowed.count(std::string(k.str())) == 0) {
      errors.push_back(shown + ":" + std::to_string(std::max(1, line_of(v))) + ": " +
                       std::string(k.str()) + ": unknown key");
    }
  }
}

const std::set<std::string> kRoles = {"pcscf", "ue"};

}  // namespace

std::string check_tp_id(const std::string& id, const std::string& role) {
  static const std::regex form("TP_(PC|UE)_[A-Z][A-Z0-9]*_[0-9]{3}");
  if (!std::regex_match(id, form)) return "malformed TP ID '" + id + "' (TP_<PC|UE>_<GROUP>_<NNN>)";
  const std::string want = role == "pcscf" ? "TP_PC_" : role == "ue" ? "TP_UE_" : "";
  if (!want.empty() && id.compare(0, want.size(), want) != 0) {
    return "TP ID '" + id + "' does not start with " + want + " (role " + role + ")";
  }
  return "";
}

Proforma load_proforma(const std::string& path, const std::string& shown,
                       std::vector<std::string>& errors) {
  Proforma out;
  toml::table doc;
  if (!parse(path, shown, errors, doc)) return out;
  only_top(doc, {"item"}, shown, errors);
  static const std::regex form("PICS_[A-Z0-9_]+");
  for (const auto& [t, key] : tables(doc, "item", shown, errors)) {
    Reader r(*t, shown, key, errors);
    r.only({"id", "type", "values", "roles", "question"});
    PicsItemDef d;
    d.line = r.table_line();
    d.id = r.str("id");
    const std::string type = r.str("type");
    d.question = r.str("question");
    d.roles = r.strings("roles");
    for (const auto& role : d.roles) {
      if (kRoles.count(role) == 0) r.error_at("roles", "'" + role + "' is not pcscf or ue");
    }
    if (type == "bool") {
      d.type = PicsType::boolean;
    } else if (type == "int") {
      d.type = PicsType::integer;
    } else if (type == "enum") {
      d.type = PicsType::enumeration;
      d.values = r.strings("values");
    } else if (type == "list") {
      d.type = PicsType::string_list;
      d.values = r.strings("values");
    } else if (!type.empty()) {
      r.error_at("type", "'" + type + "' is not bool, int, enum or list");
    }
    if (d.id.empty()) continue;
    if (!std::regex_match(d.id, form)) {
      r.error_at("id", "malformed PICS item ID '" + d.id + "' (PICS_[A-Z0-9_]+)");
    } else if (!out.emplace(d.id, d).second) {
      r.error_at("id", "duplicate PICS item '" + d.id + "'");
    }
  }
  if (out.count("PICS_ROLE") == 0 && errors.empty()) {
    errors.push_back(shown + ":1: item: the proforma has no PICS_ROLE item");
  }
  return out;
}

Catalogue load_catalogue(const std::string& dir, const std::string& shown_dir,
                         const Proforma& proforma) {
  Catalogue c;
  std::vector<fs::path> files;
  if (fs::is_directory(dir)) {
    for (const auto& e : fs::directory_iterator(dir)) {
      if (e.path().extension() == ".toml") files.push_back(e.path());
    }
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) c.errors.push_back(shown_dir + ":0: (directory): no *.toml test purposes");
  std::map<std::string, std::string> seen;  // id -> file:line
  for (const auto& f : files) {
    const std::string shown = shown_dir + "/" + f.filename().string();
    toml::table doc;
    if (!parse(f.string(), shown, c.errors, doc)) continue;
    only_top(doc, {"tp", "unobservable"}, shown, c.errors);
    for (const auto& [t, key] : tables(doc, "tp", shown, c.errors)) {
      Reader r(*t, shown, key, c.errors);
      r.only({"id", "title", "role", "requirements", "pics", "initial", "stimulus", "expected",
              "pass", "fail", "inconc", "long_timer"});
      TestPurpose tp;
      tp.file = shown;
      tp.line = r.table_line();
      tp.id = r.str("id");
      tp.title = r.str("title");
      tp.role = r.str("role");
      if (!tp.role.empty() && kRoles.count(tp.role) == 0) {
        r.error_at("role", "'" + tp.role + "' is not pcscf or ue");
      }
      tp.requirements = r.strings("requirements");
      tp.pics = r.str("pics");
      tp.initial = r.str("initial");
      tp.stimulus = r.str("stimulus");
      tp.expected = r.str("expected");
      tp.pass = r.str("pass");
      tp.fail = r.str("fail");
      tp.inconc = r.str("inconc");
      tp.long_timer = r.boolean("long_timer", false);
      if (!tp.id.empty()) {
        const std::string bad = check_tp_id(tp.id, tp.role);
        if (!bad.empty()) r.error_at("id", bad);
        const std::string here = shown + ":" + std::to_string(tp.line);
        auto [it, fresh] = seen.emplace(tp.id, here);
        if (!fresh)
          r.error_at("id", "duplicate TP ID '" + tp.id + "' (also at " + it->second + ")");
      }
      if (!tp.pics.empty()) {
        std::string err;
        tp.selection = parse_expr(tp.pics, proforma, err);
        if (!tp.selection.valid()) {
          r.error_at("pics", "bad selection expression: " + err);
        } else {
          for (const auto& item : tp.selection.items()) {
            const auto& roles = proforma.at(item).roles;
            if (!tp.role.empty() && std::find(roles.begin(), roles.end(), tp.role) == roles.end()) {
              r.error_at("pics", "PICS item '" + item + "' is not asked of role " + tp.role);
            }
          }
        }
      }
      std::set<std::string> reqs;
      for (const auto& id : tp.requirements) {
        if (!reqs.insert(id).second) r.error_at("requirements", "'" + id + "' is listed twice");
      }
      c.tps.push_back(std::move(tp));
    }
    for (const auto& [t, key] : tables(doc, "unobservable", shown, c.errors)) {
      Reader r(*t, shown, key, c.errors);
      r.only({"requirement", "reason"});
      Unobservable u;
      u.file = shown;
      u.line = r.table_line();
      u.requirement = r.str("requirement");
      u.reason = r.str("reason");
      if (!u.reason.empty() && u.reason.size() < 20) {
        r.error_at("reason", "too short to be a reason (under 20 characters)");
      }
      c.unobservable.push_back(std::move(u));
    }
  }
  return c;
}

Pics load_pics(const std::string& path, const std::string& shown, const Proforma& proforma,
               std::vector<std::string>& errors) {
  Pics p;
  toml::table doc;
  if (!parse(path, shown, errors, doc)) return p;
  only_top(doc, {"pics"}, shown, errors);
  const toml::table* t = table(doc, "pics", shown, errors, true);
  if (t == nullptr) return p;
  Reader r(*t, shown, "pics", errors);
  const auto role_def = proforma.find("PICS_ROLE");
  p.role = r.str("PICS_ROLE");
  if (!p.role.empty() && kRoles.count(p.role) == 0) {
    r.error_at("PICS_ROLE", "'" + p.role + "' is not pcscf or ue");
    p.role.clear();
  }
  for (auto&& [k, v] : *t) {
    const std::string id(k.str());
    if (proforma.count(id) == 0) r.error(line_of(v), id, "unknown PICS item (not in the proforma)");
  }
  for (const auto& [id, def] : proforma) {
    const bool asked =
        !p.role.empty() && std::find(def.roles.begin(), def.roles.end(), p.role) != def.roles.end();
    const toml::node* n = t->get(id);
    if (n == nullptr) {
      if (asked) r.error(r.table_line(), id, "missing (asked of role " + p.role + ")");
      continue;
    }
    if (!asked && !p.role.empty()) {
      r.error(line_of(*n), id, "not asked of role " + p.role + ": remove it");
      continue;
    }
    PicsValue v;
    switch (def.type) {
      case PicsType::boolean:
        v.b = r.boolean(id);
        break;
      case PicsType::integer:
        v.i = r.integer(id, 0, 2147483647);
        break;
      case PicsType::enumeration:
        v.s = r.str(id);
        if (!v.s.empty() &&
            std::find(def.values.begin(), def.values.end(), v.s) == def.values.end()) {
          std::string all;
          for (const auto& x : def.values) all += (all.empty() ? "" : ", ") + x;
          r.error(line_of(*n), id, "'" + v.s + "' is not one of " + all);
        }
        break;
      case PicsType::string_list:
        v.list = r.strings(id);
        for (const auto& x : v.list) {
          if (std::find(def.values.begin(), def.values.end(), x) == def.values.end()) {
            r.error(line_of(*n), id, "'" + x + "' is not a known value");
          }
        }
        break;
    }
    p.answers[id] = v;
  }
  (void)role_def;
  return p;
}

bool selected(const TestPurpose& tp, const Pics& pics) {
  return tp.role == pics.role && tp.selection.valid() && tp.selection.eval(pics.answers);
}

const std::vector<std::string>& ue_command_placeholders() {
  static const std::vector<std::string> names = {
      "pcscf_host", "pcscf_port", "pcscf_fqdn", "ca",      "impi",
      "password",   "impu",       "domain",     "workdir", "secagree_port"};
  return names;
}

const std::vector<std::string>& ue_server_placeholders() {
  static const std::vector<std::string> names = {"host", "port", "fqdn", "pki_dir", "workdir"};
  return names;
}

std::string expand_command(const std::string& templ,
                           const std::map<std::string, std::string>& values, std::string& error) {
  error.clear();
  std::string out;
  std::size_t i = 0;
  while (i < templ.size()) {
    if (templ[i] == '{') {
      const std::size_t close = templ.find('}', i);
      if (close == std::string::npos) {
        if (error.empty()) error = "unclosed '{' at offset " + std::to_string(i);
        out += templ.substr(i);
        break;
      }
      const std::string name = templ.substr(i + 1, close - i - 1);
      const auto it = values.find(name);
      if (it == values.end()) {
        if (error.empty()) error = "unknown placeholder {" + name + "}";
        out += templ.substr(i, close - i + 1);
      } else {
        out += it->second;
      }
      i = close + 1;
    } else {
      out += templ[i++];
    }
  }
  return out;
}

Pixit load_pixit(const std::string& path, const std::string& shown,
                 std::vector<std::string>& errors) {
  Pixit p;
  toml::table doc;
  if (!parse(path, shown, errors, doc)) return p;
  only_top(doc, {"iut", "probe", "users", "user", "unregistered", "timers", "ue", "ue_servers"},
           shown, errors);
  if (const toml::table* t = table(doc, "iut", shown, errors, true)) {
    Reader r(*t, shown, "iut", errors);
    r.only({"role", "host", "port", "secagree_port", "fqdn", "ca_file"});
    p.role = r.str("role");
    if (const toml::node* n = t->get("role")) p.role_line = line_of(*n);
    if (!p.role.empty() && kRoles.count(p.role) == 0) {
      r.error_at("role", "'" + p.role + "' is not pcscf or ue");
      p.role.clear();
    }
    const bool pc = p.role == "pcscf";
    p.iut_host = r.str("host", pc);
    p.iut_port = static_cast<int>(r.integer("port", 1, 65535, pc));
    p.iut_secagree_port = static_cast<int>(r.integer("secagree_port", 1, 65535, false));
    p.iut_fqdn = r.str("fqdn", pc);
    p.iut_ca_file = r.str("ca_file", pc);
    if (!pc && !p.role.empty()) {
      for (const char* k : {"host", "port", "secagree_port", "fqdn", "ca_file"}) {
        if (t->get(k)) r.error_at(k, "only for role pcscf (a UE under test is started by [ue])");
      }
    }
  }
  if (const toml::table* t = table(doc, "probe", shown, errors, true)) {
    Reader r(*t, shown, "probe", errors);
    r.only({"host", "next_hop_port", "listen_port", "secagree_port", "fqdn", "pki_dir"});
    p.probe_host = r.str("host");
    const bool pc = p.role == "pcscf", ue = p.role == "ue";
    p.probe_next_hop_port = static_cast<int>(r.integer("next_hop_port", 1, 65535, pc));
    p.probe_listen_port = static_cast<int>(r.integer("listen_port", 1, 65535, ue));
    p.probe_secagree_port = static_cast<int>(r.integer("secagree_port", 1, 65535, false));
    p.probe_fqdn = r.str("fqdn", ue);
    p.probe_pki_dir = r.str("pki_dir", ue);
  }
  if (const toml::table* t = table(doc, "users", shown, errors, true)) {
    Reader r(*t, shown, "users", errors);
    r.only({"domain"});
    p.domain = r.str("domain");
  }
  std::set<std::string> impis, impus;
  int first_user_line = 1;
  for (const auto& [t, key] : tables(doc, "user", shown, errors)) {
    if (p.users.empty()) first_user_line = std::max(1, line_of(*t));
    Reader r(*t, shown, key, errors);
    r.only({"impi", "password", "impus"});
    TestUser u;
    u.impi = r.str("impi");
    u.password = r.str("password");
    u.impus = r.strings("impus");
    if (!u.impi.empty() && !impis.insert(u.impi).second) {
      r.error_at("impi", "duplicate IMPI '" + u.impi + "'");
    }
    for (const auto& impu : u.impus) {
      if (impu.rfind("sip:", 0) != 0 && impu.rfind("tel:", 0) != 0) {
        r.error_at("impus", "'" + impu + "' is not a sip: or tel: URI");
      }
      impus.insert(impu);
    }
    p.users.push_back(std::move(u));
  }
  if (p.users.size() < 2) {
    errors.push_back(shown + ":" + std::to_string(first_user_line) +
                     ": user: at least two [[user]] tables (test users) are required, " + "found " +
                     std::to_string(p.users.size()));
  }
  if (const toml::table* t = table(doc, "unregistered", shown, errors, true)) {
    Reader r(*t, shown, "unregistered", errors);
    r.only({"impu"});
    p.unregistered_impu = r.str("impu");
    if (impus.count(p.unregistered_impu) != 0) {
      r.error_at("impu", "'" + p.unregistered_impu + "' is an IMPU of a test user");
    }
  }
  if (const toml::table* t = table(doc, "timers", shown, errors, true)) {
    Reader r(*t, shown, "timers", errors);
    std::vector<std::string> required = {"connect_s", "handshake_s", "sip_response_s",
                                         "close_budget_s"};
    // The probe runner's wall budget per TP (adapters/probe/runner.h).
    std::vector<std::string> optional = {"tp_budget_s"};
    if (p.role == "pcscf") {
      required.push_back("lifetime_budget_s");
      required.push_back("unbound_idle_budget_s");
      // TP_PC_SIP_033's Expires and TP_PC_SIP_035's wait for the IUT's
      // next-hop timeout (RD-360); their TPs have defaults.
      optional.push_back("short_expires_s");
      optional.push_back("next_hop_timeout_budget_s");
    } else if (p.role == "ue") {
      required.push_back("ue_start_s");
      required.push_back("rereg_budget_s");
      required.push_back("keepalive_budget_s");
    }
    std::set<std::string> allowed(required.begin(), required.end());
    allowed.insert(optional.begin(), optional.end());
    r.only(allowed);
    for (const auto& k : required) p.timers[k] = static_cast<int>(r.integer(k, 1, 86400));
    for (const auto& k : optional) {
      if (t->contains(k)) p.timers[k] = static_cast<int>(r.integer(k, 1, 86400));
    }
  }
  const toml::table* ue = table(doc, "ue", shown, errors, p.role == "ue");
  if (ue != nullptr) {
    Reader r(*ue, shown, "ue", errors);
    r.only({"command", "secagree_command"});
    if (p.role == "pcscf") r.error(r.table_line(), "command", "only for role ue");
    p.ue_command = r.str("command", p.role == "ue");
    p.ue_secagree_command = r.str("secagree_command", false);
    for (const char* key : {"command", "secagree_command"}) {
      const std::string& templ =
          std::string(key) == "command" ? p.ue_command : p.ue_secagree_command;
      if (templ.empty()) continue;
      std::map<std::string, std::string> dummy;
      for (const auto& n : ue_command_placeholders()) dummy[n] = "x";
      std::string err;
      expand_command(templ, dummy, err);
      if (!err.empty()) r.error_at(key, err);
    }
  }
  // [ue_servers] TP_UE_... = "command": a third-party TLS server the probe
  // starts for that TP and relays the UE to (RD-211), optional.
  const toml::table* servers = table(doc, "ue_servers", shown, errors, false);
  if (servers != nullptr) {
    Reader r(*servers, shown, "ue_servers", errors);
    if (p.role == "pcscf") r.error(r.table_line(), "ue_servers", "only for role ue");
    for (auto&& [k, v] : *servers) {
      const std::string key(k.str());
      const std::string templ = r.str(key, true);
      if (key.rfind("TP_UE_", 0) != 0) {
        r.error_at(key, "not a UE test purpose ID");
        continue;
      }
      if (templ.empty()) continue;
      std::map<std::string, std::string> dummy;
      for (const auto& n : ue_server_placeholders()) dummy[n] = "x";
      std::string err;
      expand_command(templ, dummy, err);
      if (!err.empty()) {
        r.error_at(key, err);
        continue;
      }
      p.ue_servers[key] = templ;
    }
  }
  return p;
}

void check_pair(const Pics& pics, const std::string& pics_shown, const Pixit& pixit,
                const std::string& pixit_shown, std::vector<std::string>& errors) {
  if (pics.role.empty() || pixit.role.empty() || pics.role == pixit.role) return;
  errors.push_back(pixit_shown + ":" + std::to_string(pixit.role_line) + ": iut.role: '" +
                   pixit.role + "' but " + pics_shown + " has PICS_ROLE = '" + pics.role + "'");
}

}  // namespace annexo::probe_data
