#!/bin/bash
# baresip as the UE under test, started by the probe from the PIXIT [ue]
# command template (issue 13):
#   baresip_ue.sh WORKDIR PCSCF_HOST PCSCF_PORT IMPI IMPU PASSWORD
# writes a minimal baresip configuration (the one of tests/interop/baresip:
# no audio, TLS, RFC 5626 outbound through the probe's P-CSCF port, register
# every 60 s) under WORKDIR/baresip and runs baresip in the foreground; the
# probe ends it (SIGTERM to the process group). baresip never verifies the
# server certificate (test-peers.md), so the PIXIT {ca} is not used.
set -euo pipefail
WORKDIR=$1 HOST=$2 PORT=$3 IMPI=$4 IMPU=$5 PASSWORD=$6
D=$WORKDIR/baresip
mkdir -p "$D"
# baresip listens on LOCALPORT (UDP/TCP) and LOCALPORT+1 (TLS): both free.
LP=$(python3 - <<'PY'
import socket
for _ in range(50):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]
    t = socket.socket()
    try:
        t.bind(("127.0.0.1", p + 1)); print(p); break
    except OSError:
        pass
    finally:
        s.close(); t.close()
PY
)
cat >"$D/config" <<CFG
poll_method		epoll
sip_listen		127.0.0.1:$LP
sip_trans_def		tls
sip_verify_server	no
net_interface		127.0.0.1
module_path		/usr/lib/baresip/modules
module			g711.so
module			uuid.so
module_app		account.so
CFG
echo "<$IMPU;transport=tls>;auth_user=$IMPI;auth_pass=$PASSWORD;outbound=\"sip:$HOST:$PORT;transport=tls\";regint=600000;sipnat=outbound;audio_codecs=PCMU" >"$D/accounts"
printf '%s' 5a0b7a96-7b9e-4e54-9b53-1f2a3c4d5e6f >"$D/uuid"
echo "baresip_ue.sh: baresip -f $D (local port $LP) for $IMPU via $HOST:$PORT"
exec stdbuf -oL -eL baresip -f "$D" -t 600
