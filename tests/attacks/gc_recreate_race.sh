#!/bin/bash
# Attack: gc judges a container dead under its lock (gc.c container_dead),
# lets the lock go, then calls bw_container_delete(root, id, force=true),
# which opens and locks the state directory again and, being forced, kills
# whatever container now has that id. An engine that deletes a stopped
# container and creates a new one under the same id (podman restart, a
# shim's retry) in that gap gets its new, live container killed and
# removed by gc. The gap is widened here with strace (a 4 s delay before
# gc's second open of the state directory), as scripts/killsweep injects.
# Runs in a private mount namespace with a tmpfs id-range store, so that
# gc never touches anyone else's records.
# Expected safe outcome: gc leaves the new container running (judge and
#   remove under one lock, or re-judge "dead" under the lock it deletes
#   with and skip a container that is not).
# Observed (2026-12-07): gc prints "removed container c1 (its init is
#   gone)"; the new c1's init (sleep) is killed and its state is gone.
set -u
source "$(dirname "$0")/lib.sh"
private_store "$@"
command -v strace >/dev/null || { echo "needs strace"; exit 2; }
setup_bundle
R=$(mktemp -d /tmp/bw-atk-gcrace.XXXXXX)
OUT=$(mktemp /tmp/bw-atk-gcrace-out.XXXXXX)
G=""
cleanup() {
  [[ -n $G ]] && kill "$G" 2>/dev/null; wait 2>/dev/null
  "$BULWARK" --root "$R" delete --force c1 >/dev/null 2>&1
  rm -rf "$R" "$OUT"; teardown_bundle
}
trap cleanup EXIT
config_edit '.process.args=["true"]'
"$BULWARK" --root "$R" run -d --bundle "$BUNDLE" c1 </dev/null >/dev/null 2>&1; sleep 1
"$BULWARK" --root "$R" list
# gc's 1st open of $R/c1 judges it (dead), its 3rd (bw_container_delete) is delayed
strace -f -o /dev/null -P "$R/c1" -e trace=openat -e inject=openat:delay_enter=4000000:when=3 \
  "$BULWARK" --root "$R" gc >"$OUT" 2>&1 &
G=$!
sleep 1.5
"$BULWARK" --root "$R" delete c1
config_edit '.process.args=["sleep","1819"]'
"$BULWARK" --root "$R" run -d --bundle "$BUNDLE" c1 </dev/null >/dev/null 2>&1
pid=$("$BULWARK" --root "$R" state c1 | jq .pid)
echo "new c1 running, init pid $pid"
wait "$G"; G=""
cat "$OUT"
"$BULWARK" --root "$R" list
alive() { [[ -r /proc/$1/stat ]] && [[ $(awk '{print $3}' "/proc/$1/stat") != Z ]]; }
if [[ -n $pid && $pid != 0 ]] && ! alive "$pid" && ! "$BULWARK" --root "$R" state c1 >/dev/null 2>&1; then
  verdict BROKEN "gc killed and removed the new live container c1 (pid $pid), created after it judged the old c1 dead"
else
  verdict SAFE "the new c1 lives"
fi
