#!/bin/bash
# Generates annexo's test PKI at test time (requirement ADP-PKI-TEST-CERTS).
#   tests/pki/make_pki.sh OUTDIR
# Every private key is PKCS#8 ("BEGIN PRIVATE KEY"), which Botan 2 requires.
# The list of files and the defect each one carries is in tests/pki/README.md.
set -euo pipefail

if [ $# -ne 1 ]; then
  echo "usage: $0 OUTDIR" >&2
  exit 1
fi
OUT=$1
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

ec_key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }
ec384_key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out "$1" 2>/dev/null; }
rsa_key() { openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:"$2" -out "$1" 2>/dev/null; }

# A minimal `openssl ca` setup per CA, so validity dates, digest and DN order
# are under our control (openssl x509 -req cannot back-date).
ca_setup() {  # name [first serial, hex]
  local d=$WORK/$1
  mkdir -p "$d/new"
  : >"$d/index.txt"
  echo "${2:-1000}" >"$d/serial"
  cat >"$d/ca.cnf" <<CNF
[ ca ]
default_ca = this
[ this ]
dir = $d
database = $d/index.txt
new_certs_dir = $d/new
serial = $d/serial
certificate = $OUT/$1.pem
private_key = $OUT/$1.key
default_md = sha256
policy = anything
unique_subject = no
email_in_dn = no
copy_extensions = none
crl_extensions = crl_ext
[ crl_ext ]
authorityKeyIdentifier = keyid:always
[ anything ]
commonName = optional
organizationName = optional
countryName = optional
CNF
}

make_ca() {  # name keytype subject
  case $2 in
    ec) ec_key "$OUT/$1.key" ;;
    rsa) rsa_key "$OUT/$1.key" 2048 ;;
  esac
  openssl req -new -x509 -key "$OUT/$1.key" -sha256 -days 3650 -subj "$3" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -addext "subjectKeyIdentifier=hash" -out "$OUT/$1.pem"
  ca_setup "$1"
}

# issue NAME CA KEYTYPE SUBJECT SAN(or -) [extra openssl ca args...]
issue() {
  local name=$1 ca=$2 kt=$3 subj=$4 san=$5
  shift 5
  case $kt in
    ec) ec_key "$OUT/$name.key" ;;
    ec384) ec384_key "$OUT/$name.key" ;;
    rsa) rsa_key "$OUT/$name.key" 2048 ;;
    rsa1024) rsa_key "$OUT/$name.key" 1024 ;;
  esac
  local ext=$WORK/$name.ext
  {
    echo "basicConstraints=critical,CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    echo "extendedKeyUsage=serverAuth"
    echo "subjectKeyIdentifier=hash"
    echo "authorityKeyIdentifier=keyid"
    if [ "$san" != "-" ]; then echo "subjectAltName=$san"; fi
    if [ -n "${EXTRA_EXT:-}" ]; then echo "$EXTRA_EXT"; fi
  } >"$ext"
  openssl req -new -key "$OUT/$name.key" -subj "$subj" -multivalue-rdn -out "$WORK/$name.csr"
  openssl ca -batch -config "$WORK/$ca/ca.cnf" -preserveDN -notext -extfile "$ext" \
    -in "$WORK/$name.csr" -out "$OUT/$name.pem" "$@" 2>"$WORK/$name.log" ||
    { cat "$WORK/$name.log" >&2; exit 1; }
}

make_ca ca-ec ec "/O=annexo test/CN=annexo test CA ECDSA P-256"
make_ca ca-rsa rsa "/O=annexo test/CN=annexo test CA RSA-2048"

# Good server certificates, one per CA.
issue pcscf-ec ca-ec ec "/CN=pcscf.test" "DNS:pcscf.test" -days 825
issue pcscf-rsa ca-rsa rsa "/CN=pcscf.test" "DNS:pcscf.test" -days 825

# A good server certificate with an ECDSA P-384 key (33210-6.2.2-ECDSA-P384-SIG).
issue pcscf-p384 ca-ec ec384 "/CN=pcscf.test" "DNS:pcscf.test" -days 825

# Bad ones: each differs from pcscf-ec / pcscf-rsa in one property only.
issue wronghost ca-ec ec "/CN=other.test" "DNS:other.test" -days 825
issue expired ca-ec ec "/CN=pcscf.test" "DNS:pcscf.test" -startdate 20200101000000Z -enddate 20210101000000Z
issue sha1 ca-rsa rsa "/CN=pcscf.test" "DNS:pcscf.test" -days 825 -md sha1
issue wildcard ca-ec ec "/CN=*.test" "DNS:*.test" -days 825
issue twocn ca-ec ec "/CN=pcscf.test/CN=other.test" "DNS:pcscf.test" -days 825
issue rsa1024 ca-rsa rsa1024 "/CN=pcscf.test" "DNS:pcscf.test" -days 825
issue nosan ca-ec ec "/CN=pcscf.test" "-" -days 825
# A CN that is a single label (RD-330): CN=pcscf, SAN pcscf.test (the reference
# name) and pcscf, so only the CN's form differs (O.5.1-CERT-CN-IS-FQDN).
issue cn-single-label ca-ec ec "/CN=pcscf" "DNS:pcscf.test,DNS:pcscf" -days 825
# A CN the SAN does not carry (RD-330): CN=other.test, SAN pcscf.test only
# (O.5.1-CERT-SAN-HAS-FQDN: the SAN holds the server's FQDN, the CN's name).
issue cn-not-in-san ca-ec ec "/CN=other.test" "DNS:pcscf.test" -days 825

# An extension the profile does not know, marked critical (33310-6.1-CRITICAL-EXT):
# a private-arc OID with a NULL value; RFC 5280 4.2 says such a certificate
# must be rejected.
EXTRA_EXT="1.3.6.1.4.1.55555.1.1=critical,ASN1:NULL" \
  issue critext ca-ec ec "/CN=pcscf.test" "DNS:pcscf.test" -days 825

# A CA whose names follow no pattern at all (O.5.1-CA-NO-ISSUER-RESTRICTION):
# self-issued with an unusual DN, and a good pcscf.test leaf from it.
make_ca ca-odd ec "/C=ZZ/O=Nobody In Particular/OU=No Issuer Policy/CN=zz arbitrary issuer 42"
issue pcscf-odd ca-odd ec "/CN=pcscf.test" "DNS:pcscf.test" -days 825

# For the probe's UE test purposes (TP_UE_CERT_004, _005, _012):
# not yet valid (2040-2041); issued by a CA the UE is never given (ca-other);
# an X.509 version 1 leaf (`openssl ca` without extensions writes version 1).
issue notyet ca-ec ec "/CN=pcscf.test" "DNS:pcscf.test" -startdate 20400101000000Z -enddate 20410101000000Z
make_ca ca-other ec "/O=annexo test/CN=annexo test CA the UE does not trust"
issue unknownca ca-other ec "/CN=pcscf.test" "DNS:pcscf.test" -days 825
ec_key "$OUT/v1.key"
openssl req -new -key "$OUT/v1.key" -subj "/CN=pcscf.test" -out "$WORK/v1.csr"
openssl ca -batch -config "$WORK/ca-ec/ca.cnf" -preserveDN -notext -in "$WORK/v1.csr" \
  -out "$OUT/v1.pem" -days 825 2>"$WORK/v1.log" || { cat "$WORK/v1.log" >&2; exit 1; }

# Self-signed pcscf.test (no CA at all).
ec_key "$OUT/selfsigned.key"
openssl req -new -x509 -key "$OUT/selfsigned.key" -sha256 -days 825 -subj "/CN=pcscf.test" \
  -addext "subjectAltName=DNS:pcscf.test" -addext "basicConstraints=critical,CA:FALSE" \
  -out "$OUT/selfsigned.pem"

# A sent root that differs from the stored one (ca-ec.pem) in the subject only:
# same key, other subject. sentroot.pem is the chain a server would send
# (good leaf issued by ca-ec, then this root); its key is sentroot.key.
openssl req -new -x509 -key "$OUT/ca-ec.key" -sha256 -days 3650 \
  -subj "/O=annexo test/CN=annexo test CA ECDSA P-256 (other subject)" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
  -addext "subjectKeyIdentifier=hash" -out "$OUT/sentroot-root.pem"
cp "$OUT/pcscf-ec.key" "$OUT/sentroot.key"
cat "$OUT/pcscf-ec.pem" "$OUT/sentroot-root.pem" >"$OUT/sentroot.pem"

# A sent root that differs from ca-ec.pem in its extensions only (RD-330):
# ca-ec's key and subject, basicConstraints with pathlen 0 (ca-ec has none).
# sentroot-ext.pem is the chain (good pcscf-ec leaf, then this root); its
# key is sentroot-ext.key. O.5.2-UE-ROOT-MUST-BE-KNOWN lets a sent copy differ
# in serial, validity and signature only.
openssl req -new -x509 -key "$OUT/ca-ec.key" -sha256 -days 3650 \
  -subj "/O=annexo test/CN=annexo test CA ECDSA P-256" \
  -addext "basicConstraints=critical,CA:TRUE,pathlen:0" -addext "keyUsage=critical,keyCertSign,cRLSign" \
  -addext "subjectKeyIdentifier=hash" -out "$OUT/sentroot-ext-root.pem"
cp "$OUT/pcscf-ec.key" "$OUT/sentroot-ext.key"
cat "$OUT/pcscf-ec.pem" "$OUT/sentroot-ext-root.pem" >"$OUT/sentroot-ext.pem"

# --- O.5.2-UE-BINARY-NAME-MATCH (RD-34) ------------------------------------------
# ca-case: ca-ec's key under a subject that equals ca-ec's only after case
# folding and whitespace normalisation (O=ANNEXO   TEST vs O=annexo test); it
# issues a good pcscf.test leaf, pcscf-case, whose issuer name is therefore
# not byte for byte ca-ec's subject, although every lenient (RFC 5280 / Botan
# / OpenSSL) comparison finds ca-ec and the signature verifies under its key.
cp "$OUT/ca-ec.key" "$OUT/ca-case.key"
openssl req -new -x509 -key "$OUT/ca-case.key" -sha256 -days 3650 \
  -subj "/O=ANNEXO   TEST/CN=annexo test CA ECDSA P-256" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
  -addext "subjectKeyIdentifier=hash" -out "$OUT/ca-case.pem"
ca_setup ca-case 7000
issue pcscf-case ca-case ec "/CN=pcscf.test" "DNS:pcscf.test" -days 825

# --- Revocation (O.5.2-UE-RFC5280-PATH, RD-83) -------------------------------------
# issue_ca NAME PARENT SUBJECT FIRST-SERIAL: an intermediate ECDSA CA (pathlen 0, may sign
# certificates and CRLs) issued by PARENT, with its own `openssl ca` setup.
issue_ca() {
  local name=$1 parent=$2 subj=$3
  ec_key "$OUT/$name.key"
  local ext=$WORK/$name.ext
  printf '%s\n' "basicConstraints=critical,CA:TRUE,pathlen:0" \
    "keyUsage=critical,keyCertSign,cRLSign" "subjectKeyIdentifier=hash" \
    "authorityKeyIdentifier=keyid" >"$ext"
  openssl req -new -key "$OUT/$name.key" -subj "$subj" -out "$WORK/$name.csr"
  openssl ca -batch -config "$WORK/$parent/ca.cnf" -preserveDN -notext -extfile "$ext" \
    -in "$WORK/$name.csr" -out "$OUT/$name.pem" -days 1825 2>"$WORK/$name.log" ||
    { cat "$WORK/$name.log" >&2; exit 1; }
  ca_setup "$name" "$4"
}
# A good intermediate and one that ca-ec revokes, each issuing a good leaf.
issue_ca int-ec ca-ec "/O=annexo test/CN=annexo test intermediate CA" 2000
issue_ca int-revoked ca-ec "/O=annexo test/CN=annexo test revoked intermediate CA" 3000
issue pcscf-int int-ec ec "/CN=pcscf.test" "DNS:pcscf.test" -days 825
issue pcscf-intrev int-revoked ec "/CN=pcscf.test" "DNS:pcscf.test" -days 825
cat "$OUT/pcscf-int.pem" "$OUT/int-ec.pem" >"$OUT/pcscf-int-chain.pem"
cat "$OUT/pcscf-intrev.pem" "$OUT/int-revoked.pem" >"$OUT/pcscf-intrev-chain.pem"
# A good pcscf.test leaf of ca-ec that ca-ec revokes.
issue revoked ca-ec ec "/CN=pcscf.test" "DNS:pcscf.test" -days 825
crl() {  # CA OUTFILE [openssl ca -gencrl args]
  local ca=$1 out=$2
  shift 2
  openssl ca -batch -config "$WORK/$ca/ca.cnf" -gencrl -out "$OUT/$out" "$@" 2>"$WORK/$out.log" ||
    { cat "$WORK/$out.log" >&2; exit 1; }
}
for c in revoked int-revoked; do
  openssl ca -batch -config "$WORK/ca-ec/ca.cnf" -revoke "$OUT/$c.pem" -crl_reason keyCompromise \
    2>"$WORK/revoke-$c.log" || { cat "$WORK/revoke-$c.log" >&2; exit 1; }
done
# Current CRLs (30 days), made now: ca-ec's lists `revoked` and `int-revoked`;
# the intermediates' list nothing.
crl ca-ec ca-ec.crl -crldays 30
crl int-ec int-ec.crl -crldays 30
crl int-revoked int-revoked.crl -crldays 30
# ca-ec's CRL as it stood in 2020: same list, nextUpdate long past (stale).
crl ca-ec ca-ec-stale.crl -crl_lastupdate 20200101000000Z -crl_nextupdate 20200201000000Z

# Chains (leaf + issuing CA) for servers that send the root too.
cat "$OUT/pcscf-ec.pem" "$OUT/ca-ec.pem" >"$OUT/pcscf-ec-chain.pem"
cat "$OUT/pcscf-rsa.pem" "$OUT/ca-rsa.pem" >"$OUT/pcscf-rsa-chain.pem"

chmod 600 "$OUT"/*.key
echo "annexo test PKI written to $OUT"
