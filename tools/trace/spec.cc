#include "tools/trace/spec.h"

#include <toml++/toml.h>
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace annexo::trace {
namespace fs = std::filesystem;
namespace {

const std::set<std::string> kActors = {"UE",       "P-CSCF",       "UE, P-CSCF",
                                       "operator", "home network", "S-CSCF"};
const std::set<std::string> kModalities = {"shall",      "shall-not", "should",
                                           "should-not", "may",       "informative"};
const std::set<std::string> kProvenance = {"spec-text", "derived", "decision"};
const std::set<std::string> kConfidence = {"V", "S", "P", "R", "D", "I", "X"};
const std::set<std::string> kRequirementKeys = {
    "id",         "source",     "clause",   "release",   "actor",      "modality",   "text",
    "observable", "provenance", "decision", "exception", "confidence", "derivation", "wire"};
const std::set<std::string> kDecisionKeys = {
    "id", "title", "ambiguity", "resolution", "reasoning", "requirements", "catalogue_ref"};

// Minimum length of an exception's reason: a reason, not a placeholder.
constexpr std::size_t kMinReason = 20;

bool valid_id(const std::string& id) {
  if (id.empty() || id.size() > 80) return false;
  if (!std::isalnum(static_cast<unsigned char>(id[0]))) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_';
  });
}

std::string get_string(const toml::table& t, const char* key, bool required,
                       const std::string& where, std::vector<std::string>& errors) {
  const toml::node* n = t.get(key);
  if (n == nullptr) {
    if (required) errors.push_back(where + ": missing field '" + key + "'");
    return "";
  }
  if (!n->is_string()) {
    errors.push_back(where + ": field '" + key + "' must be a string");
    return "";
  }
  std::string v = *n->value<std::string>();
  if (required && v.find_first_not_of(" \t\n") == std::string::npos) {
    errors.push_back(where + ": field '" + key + "' is empty");
  }
  return v;
}

// Parses one TOML file; a syntax error is reported with its line.
bool parse_document(const fs::path& file, const std::string& shown,
                    std::vector<std::string>& errors, toml::table& doc) {
  try {
    doc = toml::parse_file(file.string());
    return true;
  } catch (const toml::parse_error& e) {
    std::ostringstream msg;
    msg << shown << ":" << e.source().begin.line << ": TOML error: " << e.description();
    errors.push_back(msg.str());
    return false;
  }
}

// Strict schema: a field outside `allowed` is an error, not ignored.
void check_keys(const toml::table& t, const std::set<std::string>& allowed,
                const std::string& where, std::vector<std::string>& errors) {
  for (auto&& [k, v] : t) {
    (void)v;
    if (allowed.count(std::string(k.str())) == 0) {
      errors.push_back(where + ": unknown field '" + std::string(k.str()) + "'");
    }
  }
}

void load_requirements(const fs::path& file, const std::string& shown, Spec& spec) {
  toml::table doc;
  if (!parse_document(file, shown, spec.errors, doc)) return;
  for (auto&& [key, node] : doc) {
    if (key.str() != "requirement") {
      spec.errors.push_back(shown + ": unknown top-level key '" + std::string(key.str()) +
                            "' (only [[requirement]] tables)");
    }
    (void)node;
  }
  const toml::array* rows = doc["requirement"].as_array();
  if (rows == nullptr) {
    spec.errors.push_back(shown + ": no [[requirement]] tables");
    return;
  }
  std::size_t index = 0;
  for (const toml::node& row : *rows) {
    ++index;
    const toml::table* t = row.as_table();
    std::string where = shown + ": requirement #" + std::to_string(index);
    if (t == nullptr) {
      spec.errors.push_back(where + ": not a table");
      continue;
    }
    Requirement r;
    r.file = shown;
    r.id = get_string(*t, "id", true, where, spec.errors);
    if (!r.id.empty()) where = shown + ": " + r.id;
    check_keys(*t, kRequirementKeys, where, spec.errors);
    r.source = get_string(*t, "source", true, where, spec.errors);
    r.clause = get_string(*t, "clause", true, where, spec.errors);
    r.release = get_string(*t, "release", true, where, spec.errors);
    r.actor = get_string(*t, "actor", true, where, spec.errors);
    r.modality = get_string(*t, "modality", true, where, spec.errors);
    r.text = get_string(*t, "text", true, where, spec.errors);
    r.observable = get_string(*t, "observable", true, where, spec.errors);
    r.provenance = get_string(*t, "provenance", true, where, spec.errors);
    r.decision = get_string(*t, "decision", false, where, spec.errors);
    r.exception = get_string(*t, "exception", false, where, spec.errors);
    r.confidence = get_string(*t, "confidence", false, where, spec.errors);
    r.derivation = get_string(*t, "derivation", false, where, spec.errors);

    if (const toml::node* w = t->get("wire")) {
      if (!w->is_boolean()) {
        spec.errors.push_back(where + ": field 'wire' must be true or false");
      } else {
        r.wire = *w->value<bool>();
        r.wire_explicit = true;
      }
    } else if (const auto def = wire_by_default(r.observable)) {
      r.wire = *def;
    } else if (!r.observable.empty()) {
      spec.errors.push_back(where + ": observable has no class prefix (SIP, HS, CERT, NET, AL, " +
                            "CS, BT, ST, T, CFG): set 'wire = true|false'");
    }

    if (!r.id.empty() && !valid_id(r.id)) spec.errors.push_back(where + ": malformed id");
    if (!r.actor.empty() && kActors.count(r.actor) == 0) {
      spec.errors.push_back(where + ": actor '" + r.actor + "' is not one of UE, P-CSCF, " +
                            "'UE, P-CSCF', operator, 'home network', S-CSCF");
    }
    if (!r.modality.empty() && kModalities.count(r.modality) == 0) {
      spec.errors.push_back(where + ": modality '" + r.modality + "' is not one of shall, " +
                            "shall-not, should, should-not, may, informative");
    }
    if (!r.provenance.empty() && kProvenance.count(r.provenance) == 0) {
      spec.errors.push_back(where + ": provenance '" + r.provenance +
                            "' is not one of spec-text, derived, decision");
    }
    if (r.provenance == "decision" && r.decision.empty()) {
      spec.errors.push_back(where + ": provenance 'decision' needs a 'decision' field (RD-nn)");
    }
    // confidence: the catalogue's tags, primary first, comma-separated; a
    // trailing '?' marks a tag the researcher was unsure of (e.g. "V,S", "I?").
    std::vector<std::string> tags;
    if (!r.confidence.empty()) {
      std::stringstream ss(r.confidence);
      std::string tag;
      while (std::getline(ss, tag, ',')) {
        if (!tag.empty() && tag.back() == '?') tag.pop_back();
        tags.push_back(tag);
        if (kConfidence.count(tag) == 0) {
          spec.errors.push_back(where + ": confidence '" + r.confidence +
                                "' is not a comma-separated list of V, S, P, R, D, I, X");
        }
      }
    }
    const std::string primary = tags.empty() ? "" : tags.front();
    if (r.provenance == "spec-text" && (primary == "R" || primary == "P" || primary == "D")) {
      spec.errors.push_back(where + ": confidence " + r.confidence +
                            " was not read from the spec: provenance must be derived or decision");
    }
    if (t->get("exception") != nullptr && r.exception.size() < kMinReason) {
      spec.errors.push_back(where + ": exception has no reason (at least " +
                            std::to_string(kMinReason) + " characters)");
    }
    if (!r.id.empty()) {
      if (spec.by_id.count(r.id) != 0) {
        spec.errors.push_back(where + ": duplicate id (first in " +
                              spec.requirements[spec.by_id[r.id]].file + ")");
        continue;
      }
      spec.by_id[r.id] = spec.requirements.size();
    }
    spec.requirements.push_back(std::move(r));
  }
}

void load_decisions(const fs::path& file, const std::string& shown, Spec& spec) {
  toml::table doc;
  if (!parse_document(file, shown, spec.errors, doc)) return;
  const toml::array* rows = doc["decision"].as_array();
  if (rows == nullptr) {
    spec.errors.push_back(shown + ": no [[decision]] tables");
    return;
  }
  std::size_t index = 0;
  for (const toml::node& row : *rows) {
    ++index;
    const toml::table* t = row.as_table();
    std::string where = shown + ": decision #" + std::to_string(index);
    if (t == nullptr) {
      spec.errors.push_back(where + ": not a table");
      continue;
    }
    Decision d;
    d.file = shown;
    d.id = get_string(*t, "id", true, where, spec.errors);
    if (!d.id.empty()) where = shown + ": " + d.id;
    check_keys(*t, kDecisionKeys, where, spec.errors);
    d.title = get_string(*t, "title", true, where, spec.errors);
    d.ambiguity = get_string(*t, "ambiguity", true, where, spec.errors);
    d.resolution = get_string(*t, "resolution", true, where, spec.errors);
    d.reasoning = get_string(*t, "reasoning", true, where, spec.errors);
    const toml::array* reqs = t->get_as<toml::array>("requirements");
    if (reqs == nullptr) {
      spec.errors.push_back(where + ": missing field 'requirements' (array of IDs)");
    } else {
      for (const toml::node& n : *reqs) {
        if (!n.is_string()) {
          spec.errors.push_back(where + ": 'requirements' must hold strings");
          continue;
        }
        d.requirements.push_back(*n.value<std::string>());
      }
    }
    if (!d.id.empty()) {
      if (spec.decision_by_id.count(d.id) != 0) {
        spec.errors.push_back(where + ": duplicate decision id");
        continue;
      }
      spec.decision_by_id[d.id] = spec.decisions.size();
    }
    spec.decisions.push_back(std::move(d));
  }
}

void load_pending(const fs::path& file, const std::string& shown, Spec& spec) {
  std::ifstream in(file);
  if (!in) return;  // no pending list: nothing is allowed to be missing
  std::string line;
  int lineno = 0;
  std::set<std::string> seen;
  while (std::getline(in, line)) {
    ++lineno;
    std::string note;
    const auto hash = line.find('#');
    if (hash != std::string::npos) {
      note = line.substr(hash + 1);
      line = line.substr(0, hash);
    }
    std::istringstream words(line);
    std::string id, extra;
    if (!(words >> id)) continue;
    if (words >> extra) {
      spec.errors.push_back(shown + ":" + std::to_string(lineno) + ": one ID per line");
      continue;
    }
    if (!seen.insert(id).second) {
      spec.errors.push_back(shown + ":" + std::to_string(lineno) + ": " + id + " listed twice");
      continue;
    }
    spec.pending.push_back({id, note, lineno});
  }
}

}  // namespace

std::optional<bool> wire_by_default(const std::string& observable) {
  static const std::set<std::string> kWire = {"SIP", "HS", "CERT", "NET", "AL", "CS"};
  static const std::set<std::string> kLocal = {"BT", "ST", "T", "CFG"};
  std::size_t i = 0;
  bool wire = false;
  while (true) {
    const std::size_t b = i;
    while (i < observable.size() && std::isupper(static_cast<unsigned char>(observable[i]))) ++i;
    const std::string token = observable.substr(b, i - b);
    if (kWire.count(token) != 0) {
      wire = true;
    } else if (kLocal.count(token) == 0) {
      return std::nullopt;
    }
    if (i < observable.size() && observable[i] == '/') {
      ++i;
      continue;
    }
    // The class prefix ends the observable or is followed by ':', '.' or a space.
    if (i == observable.size() || observable[i] == ':' || observable[i] == '.' ||
        observable[i] == ' ') {
      return wire;
    }
    return std::nullopt;
  }
}

Spec load_spec(const std::string& spec_dir, const std::string& display_prefix) {
  Spec spec;
  const fs::path dir(spec_dir);
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir / "requirements", ec)) {
    if (e.path().extension() == ".toml") files.push_back(e.path());
  }
  if (ec || files.empty()) {
    spec.errors.push_back(display_prefix + "requirements/: no *.toml files");
  }
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    load_requirements(f, display_prefix + "requirements/" + f.filename().string(), spec);
  }
  if (fs::exists(dir / "decisions.toml")) {
    load_decisions(dir / "decisions.toml", display_prefix + "decisions.toml", spec);
  } else {
    spec.errors.push_back(display_prefix + "decisions.toml: missing");
  }
  load_pending(dir / "pending.txt", display_prefix + "pending.txt", spec);

  // Cross references.
  for (const auto& r : spec.requirements) {
    if (!r.decision.empty() && spec.decision_by_id.count(r.decision) == 0) {
      spec.errors.push_back(r.file + ": " + r.id + ": decision " + r.decision + " does not exist");
    }
  }
  for (const auto& d : spec.decisions) {
    for (const auto& id : d.requirements) {
      if (spec.by_id.count(id) == 0) {
        spec.errors.push_back(d.file + ": " + d.id + ": requirement " + id + " does not exist");
      }
    }
  }
  return spec;
}

}  // namespace annexo::trace
