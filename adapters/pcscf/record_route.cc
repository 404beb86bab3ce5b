#include "adapters/pcscf/record_route.h"

#include <algorithm>

#include "adapters/sip/headers.h"

namespace annexo::pcscf {

Dialog_Role dialog_role(const sip::Message& m) {
  if (!m.is_request) return Dialog_Role::none;
  const bool in_dialog = m.to.tag().has_value();
  const std::string& x = m.method;
  if (!in_dialog) {
    return x == "INVITE" || x == "SUBSCRIBE" || x == "REFER" ? Dialog_Role::dialog_forming
                                                             : Dialog_Role::none;
  }
  return x == "INVITE" || x == "UPDATE" || x == "SUBSCRIBE" || x == "NOTIFY" || x == "REFER"
             ? Dialog_Role::target_refresh
             : Dialog_Role::none;
}

std::string record_route_entry(const std::string& token, const std::string& host_port,
                               const std::string& params) {
  return "<sip:" + token + "@" + host_port + ";lr" + params + ">";
}

void add_record_route(sip::Message& m, const std::string& entry) {
  const auto first =
      std::find_if(m.headers.begin(), m.headers.end(), [](const sip::HeaderField& h) {
        return sip::canonical_header_name(h.name) == "Record-Route";
      });
  m.headers.insert(first == m.headers.end() ? m.headers.begin() : first,
                   sip::HeaderField{"Record-Route", entry});
}

int rewrite_record_route(sip::Message& m, const std::string& token, const std::string& entry) {
  if (token.empty()) return 0;
  int n = 0;
  for (sip::HeaderField& h : m.headers) {
    if (sip::canonical_header_name(h.name) != "Record-Route") continue;
    auto list = sip::parse_name_addr_list(h.value, "Record-Route");
    if (!list.ok()) continue;
    const bool ours = std::any_of(list->begin(), list->end(),
                                  [&](const sip::NameAddr& na) { return na.uri.user == token; });
    if (!ours) continue;  // a field without our entry stays byte for byte
    std::string value;
    for (const sip::NameAddr& na : *list) {
      const bool mine = na.uri.user == token;
      n += mine ? 1 : 0;
      value += (value.empty() ? "" : ", ") + (mine ? entry : sip::format_name_addr(na));
    }
    h.value = value;
  }
  return n;
}

//= spec#3261-16.7-PC-TIMER-C type=implementation
bool restarts_timer_c(const sip::Message& request, const sip::Message& response) {
  return request.method == "INVITE" && response.status > 100 && response.status < 200;
}

std::string own_record_route(const sip::Message& m, const std::string& token) {
  for (const std::string* v : m.all("Record-Route")) {
    auto list = sip::parse_name_addr_list(*v, "Record-Route");
    if (!list.ok()) continue;
    for (const sip::NameAddr& na : *list) {
      if (na.uri.user == token) return sip::format_name_addr(na);
    }
  }
  return {};
}

}  // namespace annexo::pcscf
