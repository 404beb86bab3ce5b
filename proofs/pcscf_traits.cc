#include "proofs/pcscf_traits.h"

namespace annexo::proofs {
namespace {

constexpr auto kState = [](auto& v, auto& s) { visit_pc_state(v, s); };
constexpr auto kFacts = [](auto& v, auto& s) { visit_pc_event(v, s); };
constexpr auto kPolicy = [](auto& v, auto& s) { visit_pc_policy(v, s); };

using Fields = std::vector<std::pair<std::string, std::uint64_t>>;

std::string value_text(const std::pair<std::string, std::uint64_t>& f) {
  return format_fields({f}).substr(f.first.size() + 1);
}

}  // namespace

PcTraits::State PcTraits::fresh_state(const std::string& p) {
  return make_fresh<State>(p, kState);
}
PcTraits::Facts PcTraits::fresh_facts(const std::string& p) {
  return make_fresh<Facts>(p, kFacts);
}
PcTraits::Config PcTraits::fresh_config(const std::string& p) {
  Config c{make_fresh<core::pcscf::Policy<Z3D>>(p, kPolicy), ZBv<32>()};
  c.now0 = fresh(static_cast<ZBv<32>*>(nullptr), p + ".now0");
  return c;
}

std::string PcTraits::row_text(const Row& r) {
  return std::string("{") + pc_state_name(static_cast<std::uint8_t>(r.from)) + ", " +
         pc_event_name(static_cast<std::uint8_t>(r.event)) + ", " +
         pc_guard_name(static_cast<std::uint8_t>(r.guard)) + " -> " +
         pc_state_name(static_cast<std::uint8_t>(r.to)) + ", " +
         pc_act_name(static_cast<std::uint8_t>(r.act)) + "}";
}

std::string PcTraits::state_text(const z3::model& m, const State& s, const State* before) {
  const Fields now = read_back(m, s, kState);
  Fields was;
  if (before != nullptr) was = read_back(m, *before, kState);
  std::string out;
  for (std::size_t i = 0; i < now.size(); ++i) {
    if (before != nullptr && was[i].second == now[i].second) continue;
    const std::string v =
        now[i].first == "state" ? pc_state_name(now[i].second) : value_text(now[i]);
    if (!out.empty()) out += " ";
    out += now[i].first + "=" + v;
  }
  return out.empty() ? "(unchanged)" : out;
}

std::string PcTraits::facts_text(const z3::model& m, const Facts& f) {
  const Fields v = read_back(m, f, kFacts);
  static_assert(static_cast<int>(core::pcscf::EventKind::sip_request) == 5 &&
                    static_cast<int>(core::pcscf::EventKind::register_response) == 6,
                "event numbers used below");
  std::string out = pc_event_name(v[0].second);
  for (std::size_t i = 1; i < v.size(); ++i) {
    const bool key = v[i].first == "now" || (v[i].first == "method" && v[0].second == 5) ||
                     (v[i].first == "response" && v[0].second == 6);
    if (v[i].second == 0 && !key) continue;
    std::string val = value_text(v[i]);
    if (v[i].first == "method") val = pc_method_name(v[i].second);
    if (v[i].first == "response") val = pc_response_name(v[i].second);
    out += " " + v[i].first + "=" + val;
  }
  return out;
}

std::string PcTraits::config_text(const z3::model& m, const Config& c) {
  return format_fields(read_back(m, c.p, kPolicy)) +
         " now0=" + std::to_string(model_value(m, c.now0));
}

}  // namespace annexo::proofs
