#!/bin/bash
# HARNESS SELF-TEST ONLY — not annexo's pcscf. Accepts the pcscf command line
# and runs Kamailio (TLS 1.2, registrar with Digest MD5, password of the first
# user of --users) in the foreground, so pcscf_*_peers.sh can be exercised
# before annexo's pcscf exists. Checks specific to annexo (requirement IDs in
# the log, P-Associated-URI, 400 reasons) are expected to fail against it.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
listen="" cert="" key="" users=""
while [ $# -gt 0 ]; do
  case $1 in
    --listen) listen=$2; shift 2 ;;
    --cert) cert=$2; shift 2 ;;
    --key) key=$2; shift 2 ;;
    --users) users=$2; shift 2 ;;
    --session-lifetime | --max-bindings | --log-format) shift 2 ;;
    *) shift ;;
  esac
done
pw=$(grep -v '^#' "$users" | awk 'NF { print $2; exit }')
d=$(mktemp -d)
sed -e "s|@KEY@|$key|; s|@CERT@|$cert|; s|@METHOD@|TLSv1.2|g" "$here/kamailio/tls.cfg.in" >"$d/tls.cfg"
sed -e "s|@PORT@|${listen##*:}|; s|127.0.0.1:${listen##*:}|${listen}|; s|@TLSCFG@|$d/tls.cfg|; s|@REALM@|ims.test|g; s|@PASSWORD@|$pw|g; s|@ALGORITHM@|MD5|" \
  "$here/kamailio/registrar.cfg" >"$d/kamailio.cfg"
exec kamailio -DD -E -f "$d/kamailio.cfg" -w "$d" -Y "$d"
