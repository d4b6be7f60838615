#!/bin/bash
# Makes the CURVE keys compose.yaml expects: DIR/{coordinator,worker,client}/{public,secret}.key
# and DIR/authorized_keys (the worker and client public keys), readable by the image's user
# (uid 10001) and nobody else. Uses the clustersweep binary on PATH, or CLUSTERSWEEP_BIN.
#   deploy/container/make-keys.sh deploy/container/keys
set -euo pipefail
DIR=${1:?usage: make-keys.sh DIR}
CLUSTERSWEEP=${CLUSTERSWEEP_BIN:-clustersweep}
[[ -e $DIR/authorized_keys ]] && { echo "make-keys.sh: $DIR already holds keys; not overwriting" >&2; exit 1; }
mkdir -p -m 0700 -- "$DIR"
for role in coordinator worker client; do
    "$CLUSTERSWEEP" keygen --out "$DIR/$role"
done
{
    echo "# ROLE KEY comment"
    echo "worker $(<"$DIR/worker/public.key") compose workers"
    echo "client $(<"$DIR/client/public.key") compose host client"
} >"$DIR/authorized_keys"
chmod 0600 "$DIR/authorized_keys"
if [[ $(id -u) == 0 ]]; then
    chown -R 10001:10001 -- "$DIR/coordinator" "$DIR/worker" "$DIR/authorized_keys"
    chmod 0711 -- "$DIR"
    echo "make-keys.sh: keys in $DIR; coordinator and worker keys now owned by uid 10001 (the image's user), the client key by you"
else
    echo "make-keys.sh: keys in $DIR; run 'sudo chown -R 10001:10001 $DIR/coordinator $DIR/worker $DIR/authorized_keys && sudo chmod 0711 $DIR'" \
         "so that the containers (uid 10001) can read them (rootless Podman: podman unshare chown ...)"
fi
