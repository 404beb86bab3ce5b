#!/bin/bash
# ADP-PKI-TEST-CERTS: runs make_pki.sh and checks each certificate's defining
# property with `openssl x509 -text` / `openssl verify`, so a wrong generator
# fails this test.
#   make_pki_test.sh PATH/TO/make_pki.sh
set -uo pipefail
source tests/support/testlib.sh
MAKE=${1:?usage: $0 make_pki.sh}
OUT=${TEST_TMPDIR:-$(mktemp -d)}/pki
pki_checks() {
annexo_req ADP-PKI-TEST-CERTS "$MAKE" "$OUT" >/dev/null || { echo "FAIL: make_pki.sh exited non-zero"; return 1; }

fails=0
pass() { echo "ok   $1"; }
fail() { echo "FAIL $1"; fails=$((fails + 1)); }
text() { openssl x509 -in "$OUT/$1.pem" -noout -text; }
has() { # name what regex
  if text "$1" | grep -Eq -- "$3"; then pass "$1: $2"; else fail "$1: $2 (no match for /$3/)"; fi
}
hasnt() {
  if text "$1" | grep -Eq -- "$3"; then fail "$1: $2 (unexpected /$3/)"; else pass "$1: $2"; fi
}
verifies() { # name ca extra-args...
  local n=$1 ca=$2
  shift 2
  if openssl verify "$@" -CAfile "$OUT/$ca.pem" "$OUT/$n.pem" >/dev/null 2>&1; then
    pass "$n: verifies against $ca $*"
  else fail "$n: does not verify against $ca $*"; fi
}
refused() { # name ca expected-error extra-args...
  local n=$1 ca=$2 want=$3
  shift 3
  local o
  o=$(openssl verify "$@" -CAfile "$OUT/$ca.pem" "$OUT/$n.pem" 2>&1)
  if [ $? -ne 0 ] && grep -q -- "$want" <<<"$o"; then pass "$n: refused by openssl verify ($want)"
  else fail "$n: expected openssl verify to fail with '$want', got: $o"; fi
}
subject_cns() { openssl x509 -in "$OUT/$1.pem" -noout -subject -nameopt multiline | grep -c 'commonName'; }

# Every key is PKCS#8 and matches its certificate.
for k in "$OUT"/*.key; do
  n=$(basename "$k" .key)
  if head -1 "$k" | grep -q -- '-----BEGIN PRIVATE KEY-----'; then pass "$n: PKCS#8 key"; else fail "$n: key is not PKCS#8"; fi
  c=$OUT/$n.pem
  if [ "$(openssl x509 -in "$c" -noout -pubkey)" = "$(openssl pkey -in "$k" -pubout)" ]; then
    pass "$n: key matches certificate"; else fail "$n: key does not match certificate"; fi
done

# CAs.
has ca-ec "EC P-256 key" "ASN1 OID: prime256v1"
has ca-ec "CA:TRUE" "CA:TRUE"
has ca-ec "self-signed ECDSA-SHA256" "Signature Algorithm: ecdsa-with-SHA256"
has ca-rsa "RSA-2048 key" "Public-Key: \(2048 bit\)"
has ca-rsa "CA:TRUE" "CA:TRUE"

# Good server certificates.
for n in pcscf-ec pcscf-rsa; do
  has $n "version 3" "Version: 3 \(0x2\)"
  has $n "CN=pcscf.test" "Subject: CN ?= ?pcscf.test$"
  has $n "SAN DNS:pcscf.test" "DNS:pcscf.test$"
  has $n "serverAuth" "TLS Web Server Authentication"
  hasnt $n "not a CA" "CA:TRUE"
  [ "$(subject_cns $n)" = 1 ] && pass "$n: one CN" || fail "$n: not exactly one CN"
done
has pcscf-ec "ECDSA-SHA256 by the EC CA" "Signature Algorithm: ecdsa-with-SHA256"
has pcscf-rsa "RSA-SHA256 by the RSA CA" "Signature Algorithm: sha256WithRSAEncryption"
verifies pcscf-ec ca-ec -verify_hostname pcscf.test
verifies pcscf-rsa ca-rsa -verify_hostname pcscf.test
refused pcscf-ec ca-rsa "unable to get local issuer"

# Bad certificates: each verifies against its CA except for its one defect.
has wronghost "CN=other.test" "Subject: CN ?= ?other.test$"
has wronghost "SAN other.test" "DNS:other.test$"
hasnt wronghost "no pcscf.test anywhere" "pcscf.test"
verifies wronghost ca-ec
refused wronghost ca-ec "hostname mismatch" -verify_hostname pcscf.test

has expired "notAfter in 2021" "Not After : Jan  1 00:00:00 2021 GMT"
refused expired ca-ec "certificate has expired"
verifies expired ca-ec -no_check_time -verify_hostname pcscf.test

has selfsigned "issuer = subject" "Issuer: CN ?= ?pcscf.test$"
refused selfsigned ca-ec "self-signed certificate"
refused selfsigned ca-rsa "self-signed certificate"

has sha1 "SHA-1 signature" "Signature Algorithm: sha1WithRSAEncryption"
verifies sha1 ca-rsa -auth_level 0 -verify_hostname pcscf.test

has wildcard "CN=*.test" "Subject: CN ?= ?\*\.test$"
has wildcard "SAN DNS:*.test" "DNS:\*\.test$"
verifies wildcard ca-ec

[ "$(subject_cns twocn)" = 2 ] && pass "twocn: two CNs" || fail "twocn: not two CNs"
has twocn "SAN pcscf.test" "DNS:pcscf.test$"
verifies twocn ca-ec -verify_hostname pcscf.test

has rsa1024 "RSA-1024 key" "Public-Key: \(1024 bit\)"
verifies rsa1024 ca-rsa -auth_level 0 -verify_hostname pcscf.test

hasnt nosan "no subjectAltName" "Subject Alternative Name"
has nosan "CN=pcscf.test" "Subject: CN ?= ?pcscf.test$"
verifies nosan ca-ec

has pcscf-p384 "EC P-384 key" "ASN1 OID: secp384r1"
has pcscf-p384 "CN=pcscf.test" "Subject: CN ?= ?pcscf.test$"
verifies pcscf-p384 ca-ec -verify_hostname pcscf.test

has critext "unknown extension marked critical" "1\.3\.6\.1\.4\.1\.55555\.1\.1: critical"
has critext "CN=pcscf.test" "Subject: CN ?= ?pcscf.test$"
refused critext ca-ec "unhandled critical extension"
verifies critext ca-ec -ignore_critical -verify_hostname pcscf.test

has ca-odd "arbitrary issuer DN" "Issuer: C ?= ?ZZ, O ?= ?Nobody In Particular, OU ?= ?No Issuer Policy, CN ?= ?zz arbitrary issuer 42$"
has ca-odd "CA:TRUE" "CA:TRUE"
verifies pcscf-odd ca-odd -verify_hostname pcscf.test
refused pcscf-odd ca-ec "unable to get local issuer"

# Sent root: same key as ca-ec, other subject; the leaf still chains to ca-ec.
if [ "$(openssl x509 -in "$OUT/sentroot-root.pem" -noout -pubkey)" = "$(openssl x509 -in "$OUT/ca-ec.pem" -noout -pubkey)" ]; then
  pass "sentroot-root: same key as ca-ec"; else fail "sentroot-root: key differs from ca-ec"; fi
if [ "$(openssl x509 -in "$OUT/sentroot-root.pem" -noout -subject)" != "$(openssl x509 -in "$OUT/ca-ec.pem" -noout -subject)" ]; then
  pass "sentroot-root: subject differs from ca-ec"; else fail "sentroot-root: same subject as ca-ec"; fi
[ "$(grep -c 'BEGIN CERTIFICATE' "$OUT/sentroot.pem")" = 2 ] && pass "sentroot: chain of two" || fail "sentroot: not a chain of two"
verifies sentroot ca-ec -verify_hostname pcscf.test
refused sentroot sentroot-root "unable to get local issuer"

# RD-330: a sent root with ca-ec's subject and key, other extensions.
if [ "$(openssl x509 -in "$OUT/sentroot-ext-root.pem" -noout -pubkey)" = "$(openssl x509 -in "$OUT/ca-ec.pem" -noout -pubkey)" ] &&
  [ "$(openssl x509 -in "$OUT/sentroot-ext-root.pem" -noout -subject)" = "$(openssl x509 -in "$OUT/ca-ec.pem" -noout -subject)" ]; then
  pass "sentroot-ext-root: ca-ec's key and subject"; else fail "sentroot-ext-root: key or subject differs from ca-ec"; fi
has sentroot-ext-root "pathlen 0" "CA:TRUE, pathlen:0"
hasnt ca-ec "no pathlen" "pathlen"
[ "$(grep -c 'BEGIN CERTIFICATE' "$OUT/sentroot-ext.pem")" = 2 ] && pass "sentroot-ext: chain of two" || fail "sentroot-ext: not a chain of two"
verifies sentroot-ext ca-ec -verify_hostname pcscf.test
# RD-330: a single-label CN; a CN the SAN does not carry. Both otherwise valid for pcscf.test.
has cn-single-label "CN=pcscf" "Subject: CN ?= ?pcscf$"
has cn-single-label "SAN pcscf.test and pcscf" "DNS:pcscf.test, DNS:pcscf$"
verifies cn-single-label ca-ec -verify_hostname pcscf.test
has cn-not-in-san "CN=other.test" "Subject: CN ?= ?other.test$"
has cn-not-in-san "SAN pcscf.test only" "DNS:pcscf.test$"
hasnt cn-not-in-san "other.test not in the SAN" "DNS:other.test"
verifies cn-not-in-san ca-ec -verify_hostname pcscf.test

# Case-and-spacing CA (O.5.2-UE-BINARY-NAME-MATCH): same key as ca-ec, a subject
# equal to ca-ec's only under lenient comparison; its leaf's encoded issuer name
# is not ca-ec's encoded subject, yet OpenSSL's (lenient) path building accepts it.
der_name() { # cert issuer|subject: the DER of that Name, hex (TBSCertificate: signature, issuer, validity, subject)
  local off
  off=$(openssl asn1parse -in "$OUT/$1.pem" | awk -v want="$2" '
    /SEQUENCE/ && $0 ~ /d=2/ { n++; if ((want == "issuer" && n == 2) || (want == "subject" && n == 4)) { split($1, a, ":"); print a[1]; exit } }')
  openssl asn1parse -in "$OUT/$1.pem" -strparse "$off" -noout -out - 2>/dev/null | od -An -tx1 | tr -d ' \n'
}
if [ "$(openssl x509 -in "$OUT/ca-case.pem" -noout -pubkey)" = "$(openssl x509 -in "$OUT/ca-ec.pem" -noout -pubkey)" ]; then
  pass "ca-case: same key as ca-ec"; else fail "ca-case: key differs from ca-ec"; fi
has ca-case "subject O=ANNEXO   TEST (upper case, three spaces)" "Subject: O ?= ?ANNEXO   TEST, CN ?= ?annexo test CA ECDSA P-256$"
has ca-ec "subject O=annexo test" "Subject: O ?= ?annexo test, CN ?= ?annexo test CA ECDSA P-256$"
has pcscf-case "issuer O=ANNEXO   TEST" "Issuer: O ?= ?ANNEXO   TEST, CN ?= ?annexo test CA ECDSA P-256$"
has pcscf-case "CN=pcscf.test" "Subject: CN ?= ?pcscf.test$"
has pcscf-case "SAN DNS:pcscf.test" "DNS:pcscf.test$"
ci=$(der_name pcscf-case issuer) cs=$(der_name ca-ec subject) ks=$(der_name ca-case subject)
if [ -n "$ci" ] && [ "$ci" = "$ks" ]; then pass "pcscf-case: DER issuer = ca-case's DER subject"
else fail "pcscf-case: DER issuer ($ci) is not ca-case's DER subject ($ks)"; fi
if [ -n "$cs" ] && [ "$ci" != "$cs" ]; then pass "pcscf-case: DER issuer differs from ca-ec's DER subject"
else fail "pcscf-case: DER issuer equals ca-ec's DER subject ($cs)"; fi
verifies pcscf-case ca-ec -verify_hostname pcscf.test

# Revocation (RD-83): CRLs made now; the revoked leaf and intermediate are listed,
# the stale CRL's nextUpdate is past.
crl_text() { openssl crl -in "$OUT/$1" -noout -text; }
serial() { openssl x509 -in "$OUT/$1.pem" -noout -serial | sed 's/serial=//'; }
lists() { # crl cert
  if crl_text "$1" | grep -q "Serial Number: $(serial "$2")$"; then pass "$1 lists $2"; else fail "$1 does not list $2"; fi
}
for c in ca-ec.crl int-ec.crl int-revoked.crl ca-ec-stale.crl; do
  if openssl crl -in "$OUT/$c" -noout 2>/dev/null; then pass "$c: a CRL"; else fail "$c: not a CRL"; fi
done
lists ca-ec.crl revoked
lists ca-ec.crl int-revoked
lists ca-ec-stale.crl revoked
if crl_text int-ec.crl | grep -q "No Revoked Certificates"; then pass "int-ec.crl: lists nothing"; else fail "int-ec.crl lists something"; fi
if crl_text int-revoked.crl | grep -q "No Revoked Certificates"; then pass "int-revoked.crl: lists nothing"; else fail "int-revoked.crl lists something"; fi
nu=$(openssl crl -in "$OUT/ca-ec.crl" -noout -nextupdate | sed 's/nextUpdate=//')
if [ "$(date -d "$nu" +%s)" -gt "$(date +%s)" ]; then pass "ca-ec.crl: current (nextUpdate $nu)"; else fail "ca-ec.crl: nextUpdate $nu is past"; fi
has int-ec "intermediate CA:TRUE" "CA:TRUE, pathlen:0"
has int-ec "may sign CRLs" "Certificate Sign, CRL Sign"
has revoked "CN=pcscf.test" "Subject: CN ?= ?pcscf.test$"
verifies revoked ca-ec -verify_hostname pcscf.test
refused revoked ca-ec "certificate revoked" -crl_check -CRLfile "$OUT/ca-ec.crl"
verifies pcscf-int ca-ec -untrusted "$OUT/int-ec.pem" -crl_check_all -CRLfile "$OUT/ca-ec.crl" -CRLfile "$OUT/int-ec.crl"
refused pcscf-int ca-ec "unable to get certificate CRL" -untrusted "$OUT/int-ec.pem" -crl_check_all -CRLfile "$OUT/ca-ec.crl"
verifies pcscf-intrev ca-ec -untrusted "$OUT/int-revoked.pem"
refused pcscf-intrev ca-ec "certificate revoked" -untrusted "$OUT/int-revoked.pem" -crl_check_all -CRLfile "$OUT/ca-ec.crl" -CRLfile "$OUT/int-revoked.crl"
refused pcscf-ec ca-ec "CRL has expired" -crl_check -CRLfile "$OUT/ca-ec-stale.crl"
verifies pcscf-ec ca-ec -crl_check -CRLfile "$OUT/ca-ec.crl"
[ "$(grep -c 'BEGIN CERTIFICATE' "$OUT/pcscf-int-chain.pem")" = 2 ] && pass "pcscf-int-chain: chain of two" || fail "pcscf-int-chain: not a chain of two"
[ "$(grep -c 'BEGIN CERTIFICATE' "$OUT/pcscf-intrev-chain.pem")" = 2 ] && pass "pcscf-intrev-chain: chain of two" || fail "pcscf-intrev-chain: not a chain of two"

# The requirement assertion: every check above held.
if ! annexo_req ADP-PKI-TEST-CERTS test "$fails" -eq 0; then
  echo "$fails check(s) failed"
  return 1
fi
echo "all PKI checks passed"
}

#= spec#ADP-PKI-TEST-CERTS type=test
annexo_case "ADP-PKI-TEST-CERTS: every generated certificate has its defining property" pki_checks
annexo_finish
