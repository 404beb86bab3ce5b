#include "proofs/ue_traits.h"

namespace annexo::proofs {
namespace {

constexpr auto kState = [](auto& v, auto& s) { visit_ue_state(v, s); };
constexpr auto kFacts = [](auto& v, auto& s) { visit_ue_facts(v, s); };
constexpr auto kConfig = [](auto& v, auto& s) { visit_ue_config(v, s); };

using Fields = std::vector<std::pair<std::string, std::uint64_t>>;

std::string named(const Fields& f, const Fields* before) {
  std::string out;
  for (std::size_t i = 0; i < f.size(); ++i) {
    if (before != nullptr && (*before)[i].second == f[i].second) continue;
    std::string value;
    if (f[i].first == "state") {
      value = ue_state_name(f[i].second);
    } else if (f[i].first == "mechanism") {
      value = mechanism_name(f[i].second);
    } else {
      value = format_fields({f[i]}).substr(f[i].first.size() + 1);
    }
    if (!out.empty()) out += " ";
    out += f[i].first + "=" + value;
  }
  return out.empty() ? "(unchanged)" : out;
}

}  // namespace

UeTraits::State UeTraits::fresh_state(const std::string& p) {
  return make_fresh<State>(p, kState);
}
UeTraits::Facts UeTraits::fresh_facts(const std::string& p) {
  return make_fresh<Facts>(p, kFacts);
}
UeTraits::Config UeTraits::fresh_config(const std::string& p) {
  return make_fresh<Config>(p, kConfig);
}

std::string UeTraits::row_text(const Row& r) {
  return std::string("{") + ue_state_name(static_cast<std::uint8_t>(r.state)) + ", " +
         ue_event_name(static_cast<std::uint8_t>(r.event)) + ", " +
         ue_guard_name(static_cast<std::uint8_t>(r.guard)) + " -> " +
         ue_state_name(static_cast<std::uint8_t>(r.next)) + ", " +
         ue_action_name(static_cast<std::uint8_t>(r.action)) + "}";
}

std::string UeTraits::state_text(const z3::model& m, const State& s, const State* before) {
  const Fields now = read_back(m, s, kState);
  if (before == nullptr) return named(now, nullptr);
  const Fields was = read_back(m, *before, kState);
  return named(now, &was);
}

std::string UeTraits::facts_text(const z3::model& m, const Facts& f) {
  const Fields v = read_back(m, f, kFacts);
  std::string out = ue_event_name(v[0].second);
  for (std::size_t i = 1; i < v.size(); ++i) {
    if (v[i].second == 0 && v[i].first != "now") continue;
    out += " " + format_fields({v[i]});
  }
  return out;
}

std::string UeTraits::config_text(const z3::model& m, const Config& c) {
  return format_fields(read_back(m, c, kConfig));
}

}  // namespace annexo::proofs
