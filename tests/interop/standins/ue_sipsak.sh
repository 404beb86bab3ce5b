#!/bin/bash
# HARNESS SELF-TEST ONLY — not annexo's ue. Accepts the ue command line and
# registers with sipsak, mapping sipsak's exit codes to ue's (0 -> 0, 2 -> 4
# auth failed, 3 -> 2 certificate rejected, other -> 6). Used to prove
# probe_ue_kamailio.sh before annexo's ue exists (sipsak: MD5 only, TLS 1.2 only).
set -u
pcscf="" ca="" pw="" impi=""
while [ $# -gt 0 ]; do
  case $1 in
    --pcscf) pcscf=$2; shift 2 ;;
    --ca) ca=$2; shift 2 ;;
    --password) pw=$2; shift 2 ;;
    --impi) impi=$2; shift 2 ;;
    --pcscf-fqdn | --impu | --access | --stay | --password-file) shift 2 ;;
    *) shift ;;
  esac
done
hosts=$(mktemp)
printf '127.0.0.1 localhost\n127.0.0.1 pcscf.test\n' >"$hosts"
unshare -m sh -c 'mount --bind "$0" /etc/hosts && exec "$@"' "$hosts" \
  sipsak -U -vvv -H 127.0.0.1 -s "sip:${impi%@*}@pcscf.test" --remote-port "${pcscf##*:}" --transport tls \
  --tls-ca-cert "$ca" -a "$pw" --auth-username "$impi" -x 60
rc=$?
rm -f "$hosts"
case $rc in
  0) exit 0 ;;
  2) exit 4 ;;
  3) exit 2 ;;
  *) exit 6 ;;
esac
