#include "adapters/probe/ue_iut/crafted.h"

#include <random>

namespace annexo::probe::ue_iut {

namespace {

void u8(std::vector<std::uint8_t>& o, unsigned v) {
  o.push_back(static_cast<std::uint8_t>(v));
}
void u16(std::vector<std::uint8_t>& o, unsigned v) {
  u8(o, v >> 8);
  u8(o, v & 0xff);
}
void u24(std::vector<std::uint8_t>& o, std::size_t v) {
  u8(o, (v >> 16) & 0xff);
  u16(o, v & 0xffff);
}

std::vector<std::uint8_t> record(std::uint16_t version, std::uint8_t hs_type,
                                 const std::vector<std::uint8_t>& body) {
  std::vector<std::uint8_t> r;
  u8(r, 22);  // handshake
  u16(r, version);
  u16(r, body.size() + 4);
  u8(r, hs_type);
  u24(r, body.size());
  r.insert(r.end(), body.begin(), body.end());
  return r;
}

}  // namespace

std::vector<std::uint8_t> server_hello_record(const Crafted_Hello& h) {
  std::random_device rd;
  std::vector<std::uint8_t> b;
  u16(b, h.version);
  for (int i = 0; i < 32; ++i) u8(b, rd() & 0xff);  // random
  u8(b, 32);
  for (int i = 0; i < 32; ++i) u8(b, rd() & 0xff);  // session_id
  u16(b, h.suite);
  u8(b, h.compression);
  if (h.renegotiation_info) {
    u16(b, 5);       // extensions length
    u16(b, 0xff01);  // renegotiation_info
    u16(b, 1);
    u8(b, 0);  // empty renegotiated_connection
  }
  return record(h.version, 2, b);
}

std::vector<std::uint8_t> certificate_record(
    const std::vector<std::vector<std::uint8_t>>& entries) {
  std::vector<std::uint8_t> list;
  for (const auto& e : entries) {
    u24(list, e.size());
    list.insert(list.end(), e.begin(), e.end());
  }
  std::vector<std::uint8_t> b;
  u24(b, list.size());
  b.insert(b.end(), list.begin(), list.end());
  return record(0x0303, 11, b);
}

std::vector<std::uint8_t> server_hello_done_record() {
  return record(0x0303, 14, {});
}

}  // namespace annexo::probe::ue_iut
