// The JSON report: per TP id, title, requirements, verdict, reason, evidence
// (stream, offset, observed); per requirement the worst verdict of its TPs.
#include <cstdio>

#include "adapters/probe/outputs.h"

namespace annexo::probe {
namespace {

std::string q(const std::string& s) {
  std::string o = "\"";
  for (const unsigned char c : s) {
    switch (c) {
      case '"':
        o += "\\\"";
        break;
      case '\\':
        o += "\\\\";
        break;
      case '\n':
        o += "\\n";
        break;
      case '\t':
        o += "\\t";
        break;
      case '\r':
        o += "\\r";
        break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          o += buf;
        } else {
          o += static_cast<char>(c);
        }
    }
  }
  return o + "\"";
}

std::string list(const std::vector<std::string>& v) {
  std::string s = "[";
  for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + q(v[i]);
  return s + "]";
}

}  // namespace

void write_json(const Run_Result& run, std::ostream& out) {
  out << "{\n  \"run_id\": " << q(run.run_id) << ",\n  \"started\": " << run.started
      << ",\n  \"role\": " << q(run.role) << ",\n  \"pics\": " << q(run.pics_file)
      << ",\n  \"pixit\": " << q(run.pixit_file) << ",\n  \"seconds\": " << run.seconds
      << ",\n  \"exit_status\": " << exit_status(run) << ",\n  \"tps\": [";
  for (std::size_t i = 0; i < run.tps.size(); ++i) {
    const Tp_Result& r = run.tps[i];
    out << (i ? "," : "") << "\n    {\"id\": " << q(r.tp->id) << ", \"title\": " << q(r.tp->title)
        << ", \"requirements\": " << list(r.tp->requirements)
        << ", \"selected\": " << (r.selected ? "true" : "false")
        << ", \"verdict\": " << q(shown_verdict(r))
        << ", \"reason\": " << q(r.ran() ? r.outcome.reason : r.not_run)
        << ", \"seconds\": " << r.seconds << ", \"evidence\": [";
    for (std::size_t j = 0; j < r.outcome.evidence.size(); ++j) {
      const Evidence& e = r.outcome.evidence[j];
      out << (j ? ", " : "") << "{\"stream\": " << q(e.stream) << ", \"offset\": " << e.offset
          << ", \"observed\": " << q(e.observed) << "}";
    }
    out << "]}";
  }
  out << "\n  ],\n  \"requirements\": {";
  bool first = true;
  for (const auto& [req, roll] : run.requirements) {
    out << (first ? "" : ",") << "\n    " << q(req)
        << ": {\"verdict\": " << q(probe_data::verdict_name(roll.verdict))
        << ", \"tps\": " << list(roll.tps) << "}";
    first = false;
  }
  out << "\n  }\n}\n";
}

}  // namespace annexo::probe
