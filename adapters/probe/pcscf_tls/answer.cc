#include "adapters/probe/pcscf_tls/answer.h"

#include "adapters/probe/pcscf_tls/hello.h"
#include "core/handshake_reader.h"

namespace annexo::probe::pcscf_tls {
namespace {

std::string alert_text(int level, int desc) {
  return std::string(level == 2   ? "fatal"
                     : level == 1 ? "warning"
                                  : "level " + std::to_string(level)) +
         " alert " + std::to_string(desc);
}

void copy_server_hello(const core::ServerHello& sh, Answer& a) {
  a.kind = Answer_Kind::server_hello;
  a.legacy_version = sh.legacy_version;
  a.selected_version = sh.has_supported_versions ? sh.selected_version : 0;
  a.suite = sh.cipher_suite;
  a.compression = sh.compression_method;
  a.session_id_size = sh.session_id.size;
  a.has_renegotiation_info = sh.has_renegotiation_info;
  for (std::size_t i = 0; i < sh.extension_count; ++i) {
    a.extension_types.push_back(core::extension_at(sh.extensions, i).type);
  }
}

}  // namespace

std::string describe(const Answer& a) {
  switch (a.kind) {
    case Answer_Kind::server_hello:
      return "ServerHello version=" + hex16(a.version()) + " suite=" + hex16(a.suite) +
             " compression=" + std::to_string(a.compression);
    case Answer_Kind::sslv2_server_hello:
      return "SSL 2.0 SERVER-HELLO";
    case Answer_Kind::alert:
      return alert_text(a.alert_level, a.alert_description) +
             (a.closed_after_alert ? " then close" : "");
    case Answer_Kind::closed:
      return "connection closed without a ServerHello";
    case Answer_Kind::timeout:
      return "no answer and no close";
  }
  return "?";
}

Answer read_answer(Tcp_Conn& conn, const std::string& stream, int budget_ms) {
  Answer a;
  std::vector<std::uint8_t> in;
  std::size_t pos = 0;  // first byte not yet read as a record
  static std::uint8_t storage[core::kHandshakeBufferCapacity];
  core::HandshakeAssembler assembler(storage, sizeof storage);
  const long long deadline = now_ms() + budget_ms;
  for (;;) {
    // Everything complete in `in` first.
    while (pos < in.size()) {
      if (pos == 0 && in.size() >= 3 && (in[0] & 0x80) != 0 && in[2] == 4) {
        a.kind = Answer_Kind::sslv2_server_hello;
        a.evidence.push_back({stream, 0, "SSL 2.0 SERVER-HELLO (msg type 4)"});
        return a;
      }
      core::Record rec;
      const core::ByteView view(in.data() + pos, in.size() - pos);
      const core::ReadResult rr = core::read_record(view, rec);
      if (rr.need_more) break;
      if (rr.failed()) {
        a.evidence.push_back({stream, pos + rr.offset,
                              std::string("not a TLS record: ") + core::field_name(rr.field)});
        pos = in.size();  // the rest is not TLS; wait for the close
        break;
      }
      const std::size_t at = pos;
      pos += rec.wire_size;
      if (rec.type == core::tls::ContentType::alert && rec.fragment.size >= 2) {
        a.kind = Answer_Kind::alert;
        a.alert_level = rec.fragment[0];
        a.alert_description = rec.fragment[1];
        a.evidence.push_back({stream, at, alert_text(a.alert_level, a.alert_description)});
        // The close, if it comes within the budget, is evidence too.
        for (;;) {
          std::vector<std::uint8_t> more;
          const Read_End end = conn.read_some(more, static_cast<int>(deadline - now_ms()));
          if (end == Read_End::data) continue;
          if (end == Read_End::closed || end == Read_End::reset) {
            a.closed_after_alert = true;
            a.evidence.push_back(
                {stream, in.size(),
                 std::string("connection ") + read_end_name(end) + " after the alert"});
          }
          return a;
        }
      }
      if (rec.type != core::tls::ContentType::handshake) {
        a.evidence.push_back({stream, at,
                              "record type " + std::to_string(static_cast<int>(rec.type)) +
                                  " before any ServerHello"});
        continue;
      }
      if (assembler.push(rec).failed()) continue;
      core::HandshakeMessage m;
      while (assembler.next(m).ok()) {
        if (m.type != core::tls::HandshakeType::server_hello) continue;
        core::ServerHello sh;
        const core::ReadResult pr = core::parse_server_hello(m.body, sh);
        if (pr.failed()) {
          // Still a ServerHello on the wire: the IUT answered.
          a.kind = Answer_Kind::server_hello;
          a.evidence.push_back(
              {stream, at,
               std::string("malformed ServerHello (") + core::field_name(pr.field) + ")"});
          return a;
        }
        copy_server_hello(sh, a);
        a.evidence.push_back(
            {stream, at, describe(a) + " session_id_len=" + std::to_string(a.session_id_size)});
        return a;
      }
    }
    const long long left = deadline - now_ms();
    if (left <= 0) {
      a.kind = Answer_Kind::timeout;
      a.evidence.push_back(
          {stream, in.size(), "nothing more within " + std::to_string(budget_ms) + " ms"});
      return a;
    }
    const Read_End end = conn.read_some(in, static_cast<int>(left));
    if (end == Read_End::closed || end == Read_End::reset || end == Read_End::error) {
      a.kind = Answer_Kind::closed;
      a.evidence.push_back({stream, in.size(), std::string("connection ") + read_end_name(end)});
      return a;
    }
  }
}

bool offer(const Tp_Context& ctx, const std::vector<std::uint8_t>& hello, const std::string& stream,
           Answer& out, std::string& error) {
  Tcp_Conn conn;
  if (!conn.connect(ctx.pixit.iut_host, ctx.pixit.iut_port, ctx.budget_ms("connect_s", 3), error)) {
    return false;
  }
  ctx.note("connected from port " + std::to_string(conn.local_port()) + ", sending " +
           std::to_string(hello.size()) + " bytes");
  if (!conn.send_all(hello)) {
    // The IUT may close at once; what it sent is still the answer.
    ctx.note("send failed; reading what the IUT sent");
  }
  out = read_answer(conn, stream, ctx.budget_ms("handshake_s", 5));
  ctx.note(describe(out));
  return true;
}

}  // namespace annexo::probe::pcscf_tls
