// TPs run over a complete profile handshake (handshake.h): the server flight
// is judged message by message with the core's reader and profile checks.
#include <algorithm>
#include <iterator>

#include "adapters/probe/pcscf_tls/handshake.h"
#include "adapters/probe/pcscf_tls/hello.h"
#include "adapters/probe/pcscf_tls/tls_tps.h"
#include "core/handshake_reader.h"
#include "core/profile.h"

namespace annexo::probe::pcscf_tls {
namespace {

const char kStream[] = "iut->probe tls c1";

bool has_ext(const core::ServerHello& sh, std::uint16_t type) {
  for (std::size_t i = 0; i < sh.extension_count; ++i) {
    if (core::extension_at(sh.extensions, i).type == type) return true;
  }
  return false;
}

template <std::size_t N>
bool in(const std::uint16_t (&list)[N], std::uint16_t v) {
  return std::find(std::begin(list), std::end(list), v) != std::end(list);
}

const Server_Message* find(const Handshake_Run& h, core::tls::HandshakeType type) {
  for (const auto& m : h.messages) {
    if (m.type == static_cast<std::uint8_t>(type)) return &m;
  }
  return nullptr;
}

std::string error_text(core::Error e) {
  return std::string(core::error_info(e).name) + " (" + core::error_requirement(e) +
         "): " + core::error_message(e);
}

// TLS 1.2 ECDHE ServerKeyExchange: curve_type 3, named_curve, point, then the
// signature's SignatureScheme (RFC 8422 5.4, RFC 5246 7.4.3).
bool read_ske(const std::vector<std::uint8_t>& b, std::uint16_t& group, std::uint16_t& scheme) {
  if (b.size() < 4 || b[0] != 3) return false;
  group = static_cast<std::uint16_t>(b[1] << 8 | b[2]);
  const std::size_t at = 4 + static_cast<std::size_t>(b[3]);
  if (b.size() < at + 2) return false;
  scheme = static_cast<std::uint16_t>(b[at] << 8 | b[at + 1]);
  return true;
}

}  // namespace

// TP_PC_TLS_013 (O.2.1-ALL-PROFILE, O.2.1-PC-NONEMPTY-SESSION-ID,
// 33210-6.2.1-TLS12-MANDATORY, 33210-6.2.3-TLS12-PROFILE, O.1.2-*, O.1.3-*):
// a profile offer; the ServerHello by core::ue_check_server_hello, the
// RFC 5746 / RFC 7627 extensions and the Session ID, the key exchange's
// group and signature scheme against the core's lists, Finished verified.
Tp_Outcome tp_tls_013(const Tp_Context& ctx) {
  // The TP's stimulus: the UE profile's TLS 1.2 offer (TLS 1.3 is TP_PC_TLS_015's).
  const Handshake_Run h = profile_handshake(ctx, ctx.pixit.iut_host, ctx.pixit.iut_port, false);
  if (!h.connected) return {Verdict::error, "IUT unreachable: " + h.error, {}};
  Tp_Outcome o{Verdict::fail, "", {}};
  const Server_Message* sh_msg = find(h, core::tls::HandshakeType::server_hello);
  if (sh_msg == nullptr) {
    o.verdict = h.timed_out ? Verdict::inconc : Verdict::fail;
    o.reason = "no ServerHello to a profile offer: " + summary(h);
    o.evidence.push_back({kStream, h.from_iut.size(), summary(h)});
    return o;
  }
  core::ServerHello sh;
  const core::ReadResult rr =
      core::parse_server_hello(core::ByteView(sh_msg->body.data(), sh_msg->body.size()), sh);
  if (rr.failed()) {
    o.reason = std::string("ServerHello unreadable by the core's reader at field ") +
               core::field_name(rr.field);
    o.evidence.push_back({kStream, sh_msg->offset + 9 + rr.offset, o.reason});
    return o;
  }
  const std::uint16_t version = sh.has_supported_versions ? sh.selected_version : sh.legacy_version;
  o.evidence.push_back({kStream, sh_msg->offset,
                        "ServerHello version=" + hex16(version) +
                            " suite=" + hex16(sh.cipher_suite) +
                            " compression=" + std::to_string(sh.compression_method) +
                            " session_id_len=" + std::to_string(sh.session_id.size)});
  core::Negotiated negotiated;
  if (const core::Error e =
          core::ue_check_server_hello(sh, h.offer, h.config, core::HandshakeContext{}, negotiated);
      e != core::Error::ok) {
    o.reason = "ServerHello outside the profile: " + error_text(e);
    return o;
  }
  if (version == core::tls::kTls12) {
    if (sh.session_id.size == 0) {
      o.reason = "empty Session ID (O.2.1-PC-NONEMPTY-SESSION-ID)";
      return o;
    }
    if (!sh.has_renegotiation_info) {
      o.reason = "no renegotiation_info in the ServerHello (RFC 5746)";
      return o;
    }
    if (!has_ext(sh, core::tls::ext::extended_master_secret)) {
      o.reason = "no extended_master_secret in the ServerHello (RFC 7627)";
      return o;
    }
    const Server_Message* ske = find(h, core::tls::HandshakeType::server_key_exchange);
    std::uint16_t group = 0, scheme = 0;
    if (ske == nullptr || !read_ske(ske->body, group, scheme)) {
      o.reason = "no readable ECDHE ServerKeyExchange";
      return o;
    }
    o.evidence.push_back({kStream, ske->offset,
                          "ServerKeyExchange group=" + hex16(group) + " scheme=" + hex16(scheme)});
    if (!in(core::kDefaultGroupOrder, group) || !in(core::kDefaultSignatureSchemes, scheme)) {
      o.reason = "key exchange group " + hex16(group) + " or signature scheme " + hex16(scheme) +
                 " outside the profile";
      return o;
    }
  } else if (!in(core::kDefaultGroupOrder, h.facts.group) && h.established) {
    o.reason = "TLS 1.3 key exchange group " + hex16(h.facts.group) + " outside the profile";
    return o;
  }
  if (!h.established) {
    o.verdict = h.timed_out ? Verdict::inconc : Verdict::fail;
    o.reason = "handshake did not complete: " + summary(h);
    return o;
  }
  o.evidence.push_back({kStream, h.from_iut.size(), summary(h)});
  o.verdict = Verdict::pass;
  o.reason = "ServerHello and server flight within the profile, Finished verified (" +
             hex16(version) + ", " + hex16(sh.cipher_suite) + ")";
  return o;
}

// TP_PC_TLS_017 (O.2.1-PC-NO-CLIENT-CERT-REQ): full handshakes at every
// version the PICS claims; no CertificateRequest, cleartext (TLS 1.2, by the
// core's reader) or in the encrypted flight (TLS 1.3, seen by the client
// endpoint). With PICS_RENEGOTIATES, also the IUT's renegotiation of a
// registered UE's TLS 1.2 connection (renegotiation_certificate_requests).
Tp_Outcome tp_tls_017(const Tp_Context& ctx) {
  const auto claims = [&](const char* item) {
    const auto it = ctx.pics.answers.find(item);
    return it != ctx.pics.answers.end() && it->second.b;
  };
  std::vector<bool> versions;
  if (claims("PICS_TLS12") || !claims("PICS_TLS13")) versions.push_back(false);
  if (claims("PICS_TLS13")) versions.push_back(true);
  Tp_Outcome o{Verdict::pass, "", {}};
  int completed = 0;
  for (const bool tls13 : versions) {
    const Handshake_Run h = profile_handshake(ctx, ctx.pixit.iut_host, ctx.pixit.iut_port, tls13);
    if (!h.connected) return {Verdict::error, "IUT unreachable: " + h.error, {}};
    const std::string stream = tls13 ? "iut->probe tls c2 (TLS 1.3 offer)" : kStream;
    const Server_Message* cr = find(h, core::tls::HandshakeType::certificate_request);
    if (cr != nullptr || h.certificate_requests > 0) {
      o.verdict = Verdict::fail;
      o.reason = "the IUT sent a CertificateRequest";
      o.evidence.push_back(
          {stream, cr ? cr->offset : h.from_iut.size(), "CertificateRequest (handshake type 13)"});
      return o;
    }
    o.evidence.push_back({stream, h.from_iut.size(), summary(h) + ", no CertificateRequest"});
    completed += h.established;
  }
  if (completed == 0) {
    o.verdict = Verdict::inconc;
    o.reason = "no handshake completed";
    return o;
  }
  o.reason = "no CertificateRequest in " + std::to_string(completed) + " full handshake(s)";
  // With PICS_RENEGOTIATES and TLS 1.2, the IUT's renegotiation of a
  // registered UE's connection too (a P-CSCF may ask only once bound).
  if (claims("PICS_RENEGOTIATES") && claims("PICS_TLS12")) {
    const Tp_Outcome r = renegotiation_certificate_requests(ctx);
    o.evidence.insert(o.evidence.end(), r.evidence.begin(), r.evidence.end());
    if (r.verdict == Verdict::fail || r.verdict == Verdict::error)
      return {r.verdict, r.reason, o.evidence};
    o.reason += r.verdict == Verdict::pass ? " and in the IUT's renegotiation" : "; " + r.reason;
  }
  return o;
}

// TP_PC_TLS_019 (O.2.1-PC-PORT): the PICS port equals the PIXIT port, and a
// profile ClientHello there gets a ServerHello.
Tp_Outcome tp_tls_019(const Tp_Context& ctx) {
  const auto it = ctx.pics.answers.find("PICS_LISTEN_PORT");
  const long long port = it == ctx.pics.answers.end() ? 0 : it->second.i;
  Tp_Outcome o{Verdict::fail, "", {}};
  o.evidence.push_back({"pics/pixit", 0,
                        "PICS_LISTEN_PORT=" + std::to_string(port) +
                            " iut.port=" + std::to_string(ctx.pixit.iut_port)});
  if (port != ctx.pixit.iut_port) {
    o.reason = "the PICS port differs from the PIXIT port";
    return o;
  }
  const Handshake_Run h = profile_handshake(
      ctx, ctx.pixit.iut_host, static_cast<int>(port),
      ctx.pics.answers.count("PICS_TLS13") && ctx.pics.answers.at("PICS_TLS13").b);
  if (!h.connected) {
    const bool refused = h.error.find("refused") != std::string::npos;
    o.verdict = refused ? Verdict::fail : Verdict::inconc;
    o.reason = h.error;
    return o;
  }
  const Server_Message* sh = find(h, core::tls::HandshakeType::server_hello);
  if (sh == nullptr) {
    o.verdict = h.timed_out ? Verdict::inconc : Verdict::fail;
    o.reason = "no ServerHello on port " + std::to_string(port) + ": " + summary(h);
    return o;
  }
  o.evidence.push_back({kStream, sh->offset, "ServerHello"});
  o.verdict = Verdict::pass;
  o.reason = "ServerHello on the declared port " + std::to_string(port);
  return o;
}

}  // namespace annexo::probe::pcscf_tls

namespace annexo::probe::pcscf_tls {

// TP_PC_TLS_015 (33210-6.2.1-TLS13-MANDATORY, 33210-6.2.2-RFC8446-9.1,
// 33210-6.2.2-RFC8446-9.2): a TLS 1.3 offer (with TLS 1.2 too, as a UE
// sends it): supported_versions 0x0304, a profile suite
// (core::ue_check_server_hello), a profile group in key_share, a profile
// CertificateVerify scheme, and the handshake completes.
Tp_Outcome tp_tls_015(const Tp_Context& ctx) {
  const Handshake_Run h = profile_handshake(ctx, ctx.pixit.iut_host, ctx.pixit.iut_port, true);
  if (!h.connected) return {Verdict::error, "IUT unreachable: " + h.error, {}};
  Tp_Outcome o{Verdict::fail, "", {}};
  const Server_Message* sh_msg = find(h, core::tls::HandshakeType::server_hello);
  if (sh_msg == nullptr) {
    o.verdict = h.timed_out ? Verdict::inconc : Verdict::fail;
    o.reason = "no ServerHello to a TLS 1.3 offer: " + summary(h);
    o.evidence.push_back({kStream, h.from_iut.size(), summary(h)});
    return o;
  }
  core::ServerHello sh;
  if (const core::ReadResult rr =
          core::parse_server_hello(core::ByteView(sh_msg->body.data(), sh_msg->body.size()), sh);
      rr.failed()) {
    o.reason = std::string("ServerHello unreadable at field ") + core::field_name(rr.field);
    return o;
  }
  const std::uint16_t version = sh.has_supported_versions ? sh.selected_version : sh.legacy_version;
  o.evidence.push_back({kStream, sh_msg->offset,
                        "ServerHello version=" + hex16(version) + " suite=" +
                            hex16(sh.cipher_suite) + " key_share=" + hex16(sh.key_share_group)});
  if (version != core::tls::kTls13) {
    o.reason = "the IUT chose " + hex16(version) + " to a TLS 1.3 offer";
    return o;
  }
  core::Negotiated negotiated;
  if (const core::Error e =
          core::ue_check_server_hello(sh, h.offer, h.config, core::HandshakeContext{}, negotiated);
      e != core::Error::ok) {
    o.reason = "ServerHello outside the profile: " + error_text(e);
    return o;
  }
  if (!sh.has_key_share || !in(core::kDefaultGroupOrder, sh.key_share_group)) {
    o.reason = "key_share group " + hex16(sh.key_share_group) + " outside the profile";
    return o;
  }
  if (!h.established) {
    o.verdict = h.timed_out ? Verdict::inconc : Verdict::fail;
    o.reason = "handshake did not complete: " + summary(h);
    return o;
  }
  o.evidence.push_back(
      {kStream, h.from_iut.size(),
       summary(h) + ", CertificateVerify scheme " + hex16(h.peer_signature_scheme)});
  if (!in(core::kDefaultSignatureSchemes, h.peer_signature_scheme)) {
    o.reason =
        "CertificateVerify scheme " + hex16(h.peer_signature_scheme) + " outside the profile";
    return o;
  }
  o.verdict = Verdict::pass;
  o.reason = "TLS 1.3 handshake within the profile (" + hex16(sh.cipher_suite) + ", group " +
             hex16(sh.key_share_group) + ", scheme " + hex16(h.peer_signature_scheme) + ")";
  return o;
}

}  // namespace annexo::probe::pcscf_tls
