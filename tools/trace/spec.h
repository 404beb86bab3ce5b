// The requirement catalogue in spec/: loading and schema validation.
// Schema: spec/README.md. Every problem is reported with file and field.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace annexo::trace {

struct Requirement {
  std::string id;
  std::string file;  // spec/requirements/x.toml
  std::string source, clause, release, actor, modality, text, observable, provenance;
  std::string decision;    // optional: RD-nn
  std::string exception;   // optional: why a shall has no evidence
  std::string confidence;  // optional: catalogue tag
  std::string derivation;  // optional
  // Whether the requirement's observable is on the wire (handshake, alert,
  // SIP message, connection): such a requirement is "tested" only with
  // evidence from a program or a third-party peer (tools/report). Optional
  // field `wire`; by default from the observable's class prefix
  // (wire_by_default), and required when the observable has none.
  bool wire = false;
  bool wire_explicit = false;

  bool normative() const { return modality == "shall" || modality == "shall-not"; }
};

struct Decision {
  std::string id, file, title, ambiguity, resolution, reasoning;
  std::vector<std::string> requirements;
};

struct PendingEntry {
  std::string id;
  std::string note;  // after '#'
  int line = 0;
};

struct Spec {
  std::vector<Requirement> requirements;  // in file order
  std::map<std::string, std::size_t> by_id;
  std::vector<Decision> decisions;
  std::map<std::string, std::size_t> decision_by_id;
  std::vector<PendingEntry> pending;
  std::vector<std::string> errors;  // schema problems; empty when the spec is valid

  const Requirement* find(const std::string& id) const {
    auto it = by_id.find(id);
    return it == by_id.end() ? nullptr : &requirements[it->second];
  }
};

// The observable's leading class tokens ("SIP:", "HS/AL:", "CFG."): true/false
// when every token is a known class and some/none is a wire class (SIP, HS,
// CERT, NET, AL, CS), nullopt when the observable is free text.
std::optional<bool> wire_by_default(const std::string& observable);

// Loads <spec_dir>/requirements/*.toml, <spec_dir>/decisions.toml and
// <spec_dir>/pending.txt. Paths in messages are relative to `display_root`.
Spec load_spec(const std::string& spec_dir, const std::string& display_prefix = "spec/");

}  // namespace annexo::trace
