// An independent specification model of the UE and the P-CSCF, written from
// TS 33.203 Annex O's sentences (what may and must happen), not from the
// core's tables. It knows nothing of the core's states, rows, guards or
// actions: it speaks of observable views (is there a trusted connection, a
// registration, a binding with which tuple and identities) and of stimuli
// (an answer arrived, a request came in) and outputs (a request was
// forwarded with an asserted identity).
//
// A machine refines the model when every step it takes, seen through the
// abstraction (proofs/refinement.h), is allowed by `*_allowed`: the
// refinement properties in props_ue.cc / props_pcscf.cc prove this for every
// state satisfying the core's invariant and every input, over the core's
// whole step function (so "must" rules also catch a deleted row).
//
// Written over a value domain D (core/domain.h contract) so the same text is
// evaluated symbolically in the proofs and concretely in tests.
#pragma once

#include <cstdint>

namespace annexo::spec {

// ============================================================== UE
// Mechanisms the UE may end up with (O.1.1, NOTE 2).
enum class Mech : std::uint8_t { none = 0, annex_o = 1, ipsec = 2, unprotected = 3 };

// Stimuli of the UE's world.
enum class UeStim : std::uint8_t {
  start = 0,      // the user/stack starts a registration (with access facts)
  stop,           // everything ends
  cert_accept,    // certificate policy accepted the P-CSCF certificate
  cert_reject,    // ... rejected it
  cert_request,   // the P-CSCF sent a CertificateRequest
  tls_up,         // handshake finished
  tls_fail,       // handshake failed
  challenge,      // 401 to a REGISTER
  ok,             // 2xx to a REGISTER
  auth_fail,      // 4xx authentication failure to a REGISTER
  other_fail,     // other final failure to a REGISTER
  conn_lost,      // the TLS connection went away
  hello_request,  // the P-CSCF asked for renegotiation
  reneg_done,     // renegotiation finished
  pong,           // keep-alive answered
  send,           // the application wants to send a request
  timeout,        // one of the UE's own timers
};

template <class D>
struct UeView {
  typename D::U8 mech;          // Mech in use for the current/last attempt
  typename D::Bool on_3gpp;     // the current/last attempt is on 3GPP access
  typename D::Bool policy;      // require_signalling_security
  typename D::U32 conn;         // the TLS connection in use, 0 = none
  typename D::Bool trusted;     // conn's server certificate was accepted (this handshake)
  typename D::Bool handshake;   // a TLS handshake on conn is running
  typename D::Bool awaiting;    // a REGISTER sent over conn awaits its final answer
  typename D::Bool registered;  // a registration exists over conn
  typename D::Bool procedure;   // a registration procedure is running
  typename D::Bool finished;    // gave up, or handed over to another mechanism
};

template <class D>
struct UeMove {
  typename D::U8 stim;               // UeStim
  typename D::Bool accepted;         // the UE acted on the stimulus (did not ignore it)
  typename D::Bool about_conn;       // the stimulus concerns the connection in use (pre.conn)
  typename D::Bool sends_sip_tls;    // the UE put SIP bytes on the TLS connection
  typename D::Bool sends_sip_plain;  // the UE put SIP bytes outside TLS
};

template <class D>
typename D::Bool ue_allowed(const UeView<D>& pre, const UeMove<D>& mv, const UeView<D>& post) {
  const auto is = [&](UeStim s) { return mv.stim == D::enum8(s); };
  const auto mech = [&](const UeView<D>& v, Mech m) { return v.mech == D::enum8(m); };
  const auto zero = D::u32(0);
  auto ok = D::t();

  // O.1.1-ALL-NOT-ON-3GPP-ACCESS (and N.1): on 3GPP access neither Annex O
  // nor SIP Digest without protection is used.
  ok = ok && D::implies(post.on_3gpp, !mech(post, Mech::annex_o) && !mech(post, Mech::unprotected));
  // O.1.1-OP-NO-BIDDOWN: with the policy, never unprotected signalling.
  ok = ok && D::implies(post.policy, !mech(post, Mech::unprotected));
  // A finished attempt does nothing until a new start (or stop).
  ok = ok && D::implies(pre.finished && !is(UeStim::start) && !is(UeStim::stop),
                        !mv.sends_sip_tls && !mv.sends_sip_plain && post.finished);

  // O.2.1-UE-AUTH-PC-BY-CERT: SIP goes over TLS only on a connection whose
  // server certificate was accepted, and on no other connection.
  ok = ok && D::implies(mv.sends_sip_tls, pre.trusted && !(pre.conn == zero) &&
                                              post.conn == pre.conn && mech(post, Mech::annex_o));
  // Outside TLS the UE only sends the sec-agree set-up REGISTER of the Annex O
  // procedure (RFC 3329), never a registration to keep or a request.
  ok = ok && D::implies(mv.sends_sip_plain,
                        mech(post, Mech::annex_o) && post.procedure && !post.registered);
  // Trust comes only from the certificate policy, for the connection it
  // judged, and only while its handshake runs.
  ok = ok && D::implies(!pre.trusted && post.trusted, is(UeStim::cert_accept) && mv.about_conn &&
                                                          pre.handshake && post.conn == pre.conn);
  // O.3.1.2: a rejected certificate ends the attempt and drops the connection.
  ok = ok && D::implies(is(UeStim::cert_reject) && mv.about_conn && pre.handshake,
                        post.finished && post.conn == zero && !post.trusted);

  // A registration comes into being only by a 2xx on the trusted TLS
  // connection (O.2, O.2.1) ...
  ok = ok && D::implies(!pre.registered && post.registered,
                        is(UeStim::ok) && mv.about_conn && pre.trusted && post.conn == pre.conn &&
                            mech(post, Mech::annex_o));
  // ... and stays on its connection: re-registration and renegotiation happen
  // inside it (O.4.3-UE-REREG-OVER-ACTIVE-SESSION, O.4.1-UE-RENEG-INSIDE-CONN).
  ok = ok && D::implies(pre.registered && post.registered, post.conn == pre.conn);
  ok = ok && D::implies(is(UeStim::hello_request) && !(post.conn == zero), post.conn == pre.conn);
  // O.3.1.1-UE-CLOSE-ON-AUTH-FAIL: an authentication failure on the
  // connection ends its registration and closes it.
  ok = ok && D::implies(is(UeStim::auth_fail) && mv.about_conn && pre.awaiting,
                        post.conn == zero && !post.registered && !post.procedure);

  // O.4.1-UE-ONE-REGISTRATION: one procedure; a new start abandons the
  // unfinished one entirely (its connection is not trusted any more) but may
  // keep the connection of an earlier registration (RD-24).
  ok = ok && D::implies(is(UeStim::start) && mv.accepted && pre.procedure && !pre.registered,
                        !post.trusted);
  ok = ok &&
       D::implies(is(UeStim::start) && pre.registered && post.procedure, post.conn == pre.conn);
  ok = ok && D::implies(post.procedure, !post.finished && mech(post, Mech::annex_o));
  return ok;
}

// ============================================================== P-CSCF
enum class PcStim : std::uint8_t {
  handshake_ok = 0,
  handshake_failed,
  client_hello,     // the UE starts a (re)negotiation
  reneg_done,       // a renegotiation finished: new session
  reneg_refused,    // the UE refused to renegotiate
  request,          // a SIP request from the UE
  register_answer,  // the final answer to a REGISTER
  deregistered,     // the network removed IMPUs
  terminating,      // a request to deliver to the UE
  keepalive,        // double CRLF
  timer,
  conn_lost,
  other,
};
enum class PcMethod : std::uint8_t { register_ = 0, emergency = 1, other = 2 };
enum class PcAnswer : std::uint8_t { success = 0, challenge = 1, auth_failure = 2, other = 3 };
inline constexpr std::uint8_t kPcImpus = 8;

template <class D>
struct PcView {
  typename D::Bool closed;
  typename D::U64 session;  // the connection's current TLS session
  typename D::U64 ip_hi;
  typename D::U64 ip_lo;
  typename D::U16 port;
  typename D::Bool bound;  // an association (O.2.2) exists for this connection
  typename D::U64 b_session;
  typename D::U64 b_ip_hi;
  typename D::U64 b_ip_lo;
  typename D::U16 b_port;
  typename D::Bool impu[kPcImpus];           // registered public identities of the association
  typename D::Bool digest_register_pending;  // a REGISTER with Digest credentials is in flight here
  typename D::U32 session_expiry;            // local policy lifetime of the session
  typename D::U32 reg_expiry;                // end of the registration
};

template <class D>
struct PcMove {
  typename D::U8 stim;  // PcStim
  typename D::U32 now;
  // request / handshake: the tuple it was observed on
  typename D::U64 session;
  typename D::U64 ip_hi;
  typename D::U64 ip_lo;
  typename D::U16 port;
  typename D::U8 method;  // PcMethod (request)
  typename D::U8 answer;  // PcAnswer (register_answer)
  typename D::Bool here;  // register_answer: to a REGISTER received on this connection
  // outputs
  typename D::Bool forwards_request;
  typename D::Bool asserts_identity;
  typename D::U8 asserted;  // position in the IMPU set
  typename D::Bool delivers_to_ue;
  typename D::Bool requests_client_cert;
  typename D::Bool closes;
};

template <class D>
typename D::Bool pc_in_set(const PcView<D>& v, typename D::U8 pos) {
  auto r = D::f();
  for (std::uint8_t i = 0; i < kPcImpus; ++i) r = r || (pos == D::u8(i) && v.impu[i]);
  return r;
}

template <class D>
typename D::Bool pc_allowed(const PcView<D>& pre, const PcMove<D>& mv, const PcView<D>& post) {
  const auto is = [&](PcStim s) { return mv.stim == D::enum8(s); };
  auto ok = D::t();

  // O.2.1-PC-NO-CLIENT-CERT-REQ: never, whatever happens.
  ok = ok && !mv.requests_client_cert;

  // O.2.2-PC-ASSERT-FROM-ASSOC, O.2.2-PC-MATCH-FULL-TUPLE, O.2.1 lifetime: an
  // identity is asserted only for a request that arrived on the associated
  // session, IP address and port, only one of the association's IMPUs, only
  // while session and registration are alive.
  ok = ok &&
       D::implies(mv.asserts_identity,
                  is(PcStim::request) && pre.bound && !pre.closed && mv.session == pre.b_session &&
                      mv.ip_hi == pre.b_ip_hi && mv.ip_lo == pre.b_ip_lo && mv.port == pre.b_port &&
                      pc_in_set<D>(pre, mv.asserted) && !D::reached(mv.now, pre.session_expiry) &&
                      !D::reached(mv.now, pre.reg_expiry));
  // O.4.2-PC-HANDSHAKE-GATE / O.2.2: a request other than REGISTER or an
  // emergency request is forwarded only with an asserted identity.
  ok = ok && D::implies(mv.forwards_request && mv.method == D::enum8(PcMethod::other),
                        mv.asserts_identity);
  ok = ok && D::implies(mv.forwards_request, is(PcStim::request) && !pre.closed);

  // O.2.2-PC-ASSOC-ONLY-ON-AUTH-CONN: an association appears only on a 2xx to
  // a Digest-authenticated REGISTER received on this very connection, and it
  // records this connection's session, IP address and port.
  ok = ok && D::implies(!pre.bound && post.bound,
                        is(PcStim::register_answer) && mv.answer == D::enum8(PcAnswer::success) &&
                            mv.here && pre.digest_register_pending &&
                            post.b_session == pre.session && post.b_ip_hi == pre.ip_hi &&
                            post.b_ip_lo == pre.ip_lo && post.b_port == pre.port);
  // O.4.2-PC-REPLACE-SESSION-ID: while associated, IP address and port never
  // change; the session only by a completed renegotiation, to the new one.
  ok = ok && D::implies(pre.bound && post.bound,
                        post.b_ip_hi == pre.b_ip_hi && post.b_ip_lo == pre.b_ip_lo &&
                            post.b_port == pre.b_port &&
                            (post.b_session == pre.b_session ||
                             (is(PcStim::reneg_done) && post.b_session == mv.session)));
  // The association always names the connection's current session, so an old
  // Session ID authorises nothing.
  ok = ok && D::implies(post.bound, post.b_session == post.session);

  // O.3.1.1-PC-CLOSE-ON-AUTH-FAIL: after an authentication failure for a
  // REGISTER of this connection, the connection is closed and nothing of it
  // remains.
  ok = ok &&
       D::implies(is(PcStim::register_answer) && mv.answer == D::enum8(PcAnswer::auth_failure) &&
                      mv.here && (pre.digest_register_pending || pre.bound),
                  post.closed && !post.bound && mv.closes);
  // O.2.2-PC-ASSOC-DELETE: a lost connection leaves no association.
  ok = ok && D::implies(is(PcStim::conn_lost), post.closed && !post.bound);
  // A closed connection is closed for good and holds nothing.
  ok = ok && D::implies(post.closed, !post.bound);
  ok = ok && D::implies(pre.closed, post.closed && !mv.forwards_request && !mv.delivers_to_ue);

  // RFC 5626 (5626-5.3-PC-FORWARD-OVER-FLOW, 5626-5.2-PC-TOKEN-UNIQUE): a
  // request towards the UE goes only over an associated connection.
  ok = ok && D::implies(mv.delivers_to_ue, is(PcStim::terminating) && pre.bound && !pre.closed);
  return ok;
}

// ============================================================== cipher suites
// What a suite is (IANA facts about its algorithms, not a profile status).
template <class D>
struct SuiteAlgorithms {
  typename D::Bool forward_secret;  // (EC)DHE or TLS 1.3 key exchange
  typename D::Bool cert_auth;       // the server authenticates with a certificate
  typename D::Bool aead;            // AEAD bulk encryption
  typename D::Bool null_bulk;       // no encryption at all
  typename D::Bool integrity_mac;   // a MAC that still protects integrity (not MD5, not none)
  typename D::Bool for_tls12;       // defined for TLS 1.2
  typename D::Bool for_tls13;       // defined for TLS 1.3
};

// TS 33.210 6.2 / TS 33.310 Annex E as Annex O uses them: a suite that
// encrypts is an AEAD suite with forward secrecy and certificate
// authentication of the P-CSCF (O.2.1-UE-AUTH-PC-BY-CERT).
template <class D>
typename D::Bool suite_encrypts(const SuiteAlgorithms<D>& a) {
  return a.aead && a.forward_secret && a.cert_auth;
}

// O.2.1-ALL-NULL-MAY: NULL encryption may be used (opt-in), still with a
// certificate-authenticated server and an integrity MAC.
template <class D>
typename D::Bool suite_permitted(const SuiteAlgorithms<D>& a, typename D::Bool is_tls13,
                                 typename D::Bool null_allowed) {
  const auto version_ok = (is_tls13 && a.for_tls13) || (!is_tls13 && a.for_tls12);
  const auto null_ok = null_allowed && a.null_bulk && a.integrity_mac && a.cert_auth;
  return version_ok && (suite_encrypts<D>(a) || null_ok);
}

}  // namespace annexo::spec
