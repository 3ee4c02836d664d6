#!/bin/bash
# Attack: the id-range store is shared by every state root on the host, but
# whether a record's container is alive is judged by stat(ROOT/ID) in the
# mount namespace of whichever bulwark reads it (idrange.c default_alive,
# gc.c gc_ranges). A bulwark whose state root only its own mount namespace
# sees (a tmpfs under /run or /tmp of a systemd service with PrivateTmp=,
# an engine started in a mount namespace of its own) holds ranges that any
# other bulwark takes for dead: a second container on the same rootfs
# takes the live container's range (acquire step 1: "unless another live
# container holds it"), and `gc` from the host would release the hold.
# Both containers then run as the same host uids.
# Runs in a private mount namespace with a tmpfs id-range store, so that
# no one else's records are touched.
# Expected safe outcome: container B gets a range of its own (liveness
#   judged by something every namespace sees: a lock held by the
#   container's init or a pidfd/pid+starttime in the record, not a path).
# Observed (2026-12-07): A and B both map 0 -> 1114112 65536; gc --dry-run
#   "would remove the hold of /tmp/.../ctrA on id range 1114112..1179647".
set -u
source "$(dirname "$0")/lib.sh"
private_store "$@"
setup_bundle
RA=$(mktemp -d /tmp/bw-atk-nsA.XXXXXX); RB=$(mktemp -d /tmp/bw-atk-nsB.XXXXXX)
SL=""
cleanup() {
  "$BULWARK" --root "$RB" delete --force ctrB >/dev/null 2>&1
  [[ -n $SL ]] && nsenter -m -t "$SL" "$BULWARK" --root "$RA" delete --force ctrA >/dev/null 2>&1
  [[ -n $SL ]] && kill "$SL" 2>/dev/null; wait 2>/dev/null
  rm -rf "$RA" "$RB"; teardown_bundle
}
trap cleanup EXIT
config_edit '.process.args=["sleep","1820"]'
# A: a bulwark whose state root is a tmpfs of its own mount namespace
unshare -m --propagation private bash -c "mount -t tmpfs -o mode=0700 tmpfs '$RA' &&
  '$BULWARK' --root '$RA' run -d --bundle '$BUNDLE' ctrA </dev/null >/dev/null 2>&1; exec sleep 600" &
SL=$!
for _ in $(seq 50); do
  PA=$(nsenter -m -t "$SL" "$BULWARK" --root "$RA" state ctrA 2>/dev/null | jq -r .pid)
  [[ -n $PA && $PA != 0 && $PA != null ]] && break; sleep 0.2
done
echo "A (root $RA, its own mount namespace): pid $PA, uid_map $(cat /proc/"$PA"/uid_map)"
"$BULWARK" --root "$RB" gc --dry-run
# B: the same rootfs, from the host's mount namespace
"$BULWARK" --root "$RB" run -d --bundle "$BUNDLE" ctrB </dev/null >/dev/null 2>&1
PB=$("$BULWARK" --root "$RB" state ctrB | jq -r .pid)
echo "B (root $RB): pid $PB, uid_map $(cat /proc/"$PB"/uid_map)"
ua=$(awk '{print $2}' /proc/"$PA"/uid_map); ub=$(awk '{print $2}' /proc/"$PB"/uid_map)
if kill -0 "$PA" && [[ -n $ua && $ua == "$ub" ]]; then
  verdict BROKEN "two live containers share host uids $ua.. (A's state root is in another mount namespace, so its range looked free)"
else
  verdict SAFE "A has $ua.., B has $ub.."
fi
