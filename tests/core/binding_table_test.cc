// Binding table and identity arena (core/binding_table.h, core/identity_arena.h).
#include <rapidcheck/catch.h>
#include <catch2/catch.hpp>
#include <map>

#include "tests/core/pcscf_test_support.h"
#include "tests/support/req.h"

using namespace annexo::test;

namespace {
std::string copy_out(const BindingTable& t, std::uint64_t conn, std::uint8_t pos) {
  std::uint8_t buf[kMaxIdentityLen];
  const std::size_t n = t.copy_impu(conn, pos, buf, sizeof buf);
  return std::string(reinterpret_cast<const char*>(buf), n);
}
}  // namespace

// Sizes and the storage budget: no behaviour of the requirement, no citation.
TEST_CASE("IMPL-PC-BINDING-TABLE-CAPACITY: bytes per binding and the 500 000-binding budget") {
  CHECK(sizeof(Binding) == 80);
  CHECK(sizeof(IdentityChunk) == 64);
  CHECK(binding_index_size_for(500000) == 1048576u);
  // Typical UE: IMPI ~40 B + 3 IMPUs ~40 B = 4 chunks.
  const std::uint32_t typical_chunks = identity_chunks_for(40) * 4;
  CHECK(typical_chunks == 4);
  const std::uint64_t total = binding_storage_bytes(500000, 500000 * typical_chunks);
  CHECK(total == 172194304ull);
  CHECK(total <= 512ull * 1024 * 1024);
  // Worst case per binding: IMPI 255 B + 8 IMPUs of 255 B = 45 chunks, 2 880 B.
  CHECK(identity_chunks_for(255) * (1 + kMaxImpus) == 45u);
}

//= spec#O.2.2-PC-ASSOC-CREATE type=test
TEST_CASE(
    "O.2.2-PC-ASSOC-CREATE: the worst-case identities (255-byte IMPI, 8 x 255-byte IMPUs) are "
    "stored exactly") {
  TableHolder th(2, 45);
  std::string impi(255, 'i');
  std::vector<std::string> impus;
  std::vector<ByteView> views;
  for (int i = 0; i < 8; ++i) {
    std::string s(255, static_cast<char>('a' + i));
    s[0] = 's';
    impus.push_back(s);
  }
  for (auto& s : impus) views.push_back(bv(s));
  ImpuSet pos;
  REQUIRE(th.table.insert(9, tuple(1, 1), bv(impi), views.data(), 8, &pos) == Error::ok);
  CHECK(th.table.arena().free_chunks() == 0);
  REQ("O.2.2-PC-ASSOC-CREATE", th.table.impi_equals(9, bv(impi)));
  REQ("O.2.2-PC-ASSOC-CREATE", !(th.table.impi_equals(9, bv(impi.substr(0, 254)))));
  for (std::uint8_t i = 0; i < 8; ++i) {
    CHECK(pos.has[i]);
    REQ("O.2.2-PC-ASSOC-CREATE", copy_out(th.table, 9, i) == impus[i]);
    REQ("O.2.2-PC-ASSOC-CREATE", th.table.impu_position(9, bv(impus[i])) == i);
  }
  // No room for anything else; the second insert fails cleanly, nothing changes.
  const ByteView one = bv("sip:x@y");
  CHECK(th.table.insert(10, tuple(2, 2), bv("x@y"), &one, 1, nullptr) == Error::binding_arena_full);
  CHECK(th.table.size() == 1);
  CHECK(th.table.find(10) == nullptr);
  REQUIRE(th.table.remove(9) == Error::ok);
  CHECK(th.table.arena().free_chunks() == 45);
}

//= spec#IMPL-PC-BINDING-TABLE-CAPACITY type=test
TEST_CASE("IMPL-PC-BINDING-TABLE-CAPACITY: a full table refuses a new binding and evicts none") {
  TableHolder th(3);
  const ByteView impu = bv("sip:a@x");
  for (std::uint64_t id = 1; id <= 3; ++id) {
    REQUIRE(th.table.insert(id, tuple(id, 100), bv("a@x"), &impu, 1, nullptr) == Error::ok);
  }
  REQ("IMPL-PC-BINDING-TABLE-CAPACITY", !(th.table.has_room()));
  REQ("IMPL-PC-BINDING-TABLE-CAPACITY",
      th.table.insert(4, tuple(4, 100), bv("a@x"), &impu, 1, nullptr) == Error::binding_table_full);
  for (std::uint64_t id = 1; id <= 3; ++id)
    REQ("IMPL-PC-BINDING-TABLE-CAPACITY", th.table.find(id) != nullptr);
  REQ("IMPL-PC-BINDING-TABLE-CAPACITY", th.table.find(4) == nullptr);
  CHECK(std::string(error_requirement(Error::binding_table_full)) ==
        "IMPL-PC-BINDING-TABLE-CAPACITY");
  REQUIRE(th.table.remove(2) == Error::ok);
  CHECK(th.table.insert(4, tuple(4, 100), bv("a@x"), &impu, 1, nullptr) == Error::ok);
}

// Input validation of insert and init: not what O.2.2 asks, no citation.
TEST_CASE("O.2.2-PC-ASSOC-CREATE: invalid inputs are refused with precise errors") {
  TableHolder th(4);
  const ByteView ok = bv("sip:a@x");
  const std::string long_id(256, 'x');
  const ByteView too_long = bv(long_id);
  const ByteView empty = bv("");
  CHECK(th.table.insert(0, tuple(1, 1), bv("a"), &ok, 1, nullptr) ==
        Error::binding_storage_invalid);
  CHECK(th.table.insert(1, tuple(1, 1), empty, &ok, 1, nullptr) == Error::binding_impi_invalid);
  CHECK(th.table.insert(1, tuple(1, 1), too_long, &ok, 1, nullptr) == Error::binding_impi_invalid);
  CHECK(th.table.insert(1, tuple(1, 1), bv("a"), &ok, 0, nullptr) == Error::binding_no_impu);
  CHECK(th.table.insert(1, tuple(1, 1), bv("a"), &too_long, 1, nullptr) ==
        Error::binding_impu_invalid);
  CHECK(th.table.insert(1, tuple(1, 1), bv("a"), &empty, 1, nullptr) ==
        Error::binding_impu_invalid);
  std::vector<ByteView> nine(9, ok);
  CHECK(th.table.insert(1, tuple(1, 1), bv("a"), nine.data(), 9, nullptr) ==
        Error::binding_too_many_impus);
  REQUIRE(th.table.insert(1, tuple(1, 1), bv("a"), &ok, 1, nullptr) == Error::ok);
  CHECK(th.table.insert(1, tuple(1, 1), bv("a"), &ok, 1, nullptr) ==
        Error::binding_duplicate_connection);
  CHECK(th.table.remove(77) == Error::binding_not_found);
  CHECK(th.table.size() == 1);
  BindingTable bad;
  BindingStorage s;
  CHECK(bad.init(s) == Error::binding_storage_invalid);
  std::vector<Binding> rows(4);
  std::vector<std::uint32_t> idx(6);  // not a power of two
  std::vector<IdentityChunk> ch(4);
  s = BindingStorage{rows.data(), 4, idx.data(), 6, ch.data(), 4};
  CHECK(bad.init(s) == Error::binding_storage_invalid);
}

//= spec#O.2.2-PC-ASSOC-CREATE type=test
TEST_CASE(
    "O.2.2-PC-ASSOC-CREATE: an IMPU listed several times in a 2xx is stored once and needs arena "
    "space once") {
  // Regression (tests/property/regressions/O.2.2-PC-ASSOC-CREATE.binding-table.txt):
  // insert counted the chunks of every listed entry, so a registration whose
  // distinct identities fit exactly was refused with binding_arena_full.
  // Arena of 3 chunks: IMPI 1 + two distinct IMPUs 1 each = 3; the list has 5 entries.
  TableHolder th(2, 3);
  const std::string a = "sip:alice@ims.example.net", t = "tel:+15551230001";
  const std::vector<ByteView> listed{bv(a), bv(t), bv(a), bv(a), bv(t)};
  ImpuSet pos;
  REQUIRE(th.table.insert(7, tuple(1, 1), bv("alice@ims.example.net"), listed.data(),
                          static_cast<std::uint8_t>(listed.size()), &pos) == Error::ok);
  CHECK(th.table.arena().free_chunks() == 0);
  REQ("O.2.2-PC-ASSOC-CREATE", th.table.find(7)->impu_count == 2);
  REQ("O.2.2-PC-ASSOC-CREATE", th.table.impu_position(7, bv(a)) == 0);
  REQ("O.2.2-PC-ASSOC-CREATE", th.table.impu_position(7, bv(t)) == 1);
  CHECK((pos.has[0] && pos.has[1] && !pos.has[2]));
  REQ("O.2.2-PC-ASSOC-CREATE", copy_out(th.table, 7, 0) == a);
  REQ("O.2.2-PC-ASSOC-CREATE", copy_out(th.table, 7, 1) == t);
  // Repeats never make a list fit that does not: three distinct IMPUs need 4 chunks.
  REQUIRE(th.table.remove(7) == Error::ok);
  const std::string w = "sip:alice.work@ims.example.net";
  const std::vector<ByteView> three{bv(a), bv(a), bv(t), bv(w), bv(t)};
  CHECK(th.table.insert(8, tuple(2, 2), bv("alice@ims.example.net"), three.data(),
                        static_cast<std::uint8_t>(three.size()),
                        nullptr) == Error::binding_arena_full);
  CHECK(th.table.find(8) == nullptr);
  CHECK(th.table.arena().free_chunks() == 3);
}

//= spec#O.2.2-PC-ASSOC-ADD-IMPU type=test
TEST_CASE("O.2.2-PC-ASSOC-ADD-IMPU: IMPUs are added, deduplicated and removed by position") {
  TableHolder th(2);
  std::vector<std::string> s{"sip:a@x", "tel:+1", "sip:b@x"};
  std::vector<ByteView> v{bv(s[0]), bv(s[1])};
  ImpuSet pos;
  REQUIRE(th.table.insert(5, tuple(1, 1), bv("a@x"), v.data(), 2, &pos) == Error::ok);
  CHECK(th.table.find(5)->impu_count == 2);
  std::vector<ByteView> more{bv(s[1]), bv(s[2]), bv(s[2])};
  REQUIRE(th.table.add_impus(5, more.data(), 3, &pos) == Error::ok);
  REQ("O.2.2-PC-ASSOC-ADD-IMPU", th.table.find(5)->impu_count == 3);
  REQ("O.2.2-PC-ASSOC-ADD-IMPU", (pos.has[1] && pos.has[2] && !pos.has[0]));
  ImpuSet rm;
  rm.has[0] = true;
  REQUIRE(th.table.remove_impus(5, rm) == Error::ok);
  CHECK(th.table.impu_position(5, bv(s[0])) == kNoImpu);
  CHECK(th.table.impu_position(5, bv(s[2])) == 2);
  CHECK(th.table.find(5)->impu_count == 2);
  REQUIRE(th.table.replace_session(5, 99) == Error::ok);
  CHECK(th.table.find(5)->session == 99);
}

//= spec#O.2.2-PC-ASSOC-DELETE type=test
TEST_CASE(
    "O.2.2-PC-ASSOC-DELETE: random insert/remove sequences match a model; no leak of arena "
    "chunks") {
  rc::prop("table behaves like a map", [](const std::vector<std::pair<bool, std::uint8_t>>& ops) {
    TableHolder th(64, 64 * 4);
    std::map<std::uint64_t, std::uint64_t> model;  // conn -> session
    const std::string impu = "sip:user@ims.example.net";
    const ByteView iv = bv(impu);
    for (const auto& op : ops) {
      // Small key space with a stride that collides in the index.
      const std::uint64_t conn = 1 + (op.second % 80) * 1024;
      if (op.first) {
        const Error e = th.table.insert(conn, tuple(conn + 1, 7), bv("user@x"), &iv, 1, nullptr);
        if (model.count(conn)) {
          RC_ASSERT(e == Error::binding_duplicate_connection);
        } else if (model.size() == 64) {
          RC_ASSERT(e == Error::binding_table_full);
        } else {
          RC_ASSERT(e == Error::ok);
          model[conn] = conn + 1;
        }
      } else {
        const Error e = th.table.remove(conn);
        RC_REQ("O.2.2-PC-ASSOC-DELETE", (e == Error::ok) == (model.erase(conn) == 1));
      }
      RC_ASSERT(th.table.size() == model.size());
    }
    for (std::uint64_t k = 0; k < 80; ++k) {
      const std::uint64_t conn = 1 + k * 1024;
      const Binding* b = th.table.find(conn);
      RC_REQ("O.2.2-PC-ASSOC-DELETE", (b != nullptr) == (model.count(conn) == 1));
      if (b) RC_ASSERT(b->session == model[conn]);
    }
    RC_REQ("O.2.2-PC-ASSOC-DELETE", th.table.arena().free_chunks() == 64 * 4 - 2 * model.size());
  });
}
