#!/bin/bash
# Attack: a bundle's config carries annotations, copied into state.json;
# the config may be 16 MiB but bw_state_read (store.c) reads at most 1 MiB.
# A config with 1.2 MB of annotations is created without complaint (exit
# 0, init alive and parked), but its state cannot be read again: `list`
# does not show it, `state` and `start` fail ("File too large"), and `gc`
# takes the live container for "a create that died before writing its
# state" and kills and removes it (gc.c container_dead treats any read
# error as dead).
# Runs in a private mount namespace with a tmpfs id-range store.
# Expected safe outcome: create refuses the bundle with a clear error and
#   leaves nothing (or state.json stays readable); list shows every live
#   container; gc never removes a container whose init is alive.
# Observed (2026-12-07): create exit 0; list empty; gc "removed container
#   c1 (its create died before writing its state)", its init killed.
set -u
source "$(dirname "$0")/lib.sh"
private_store "$@"
setup_bundle
R=$(mktemp -d /tmp/bw-atk-big.XXXXXX)
BIG=$(mktemp /tmp/bw-atk-big-ann.XXXXXX)
cleanup() { "$BULWARK" --root "$R" delete --force c1 >/dev/null 2>&1; rm -rf "$R" "$BIG"; teardown_bundle; }
trap cleanup EXIT
head -c 1200000 /dev/zero | tr '\0' a >"$BIG"
config_edit --rawfile b "$BIG" '.annotations={"x":$b} | .process.args=["sleep","1821"]'
"$BULWARK" --root "$R" create --bundle "$BUNDLE" c1 </dev/null >/dev/null 2>"$R.err"; rc=$?
echo "create exit $rc: $(cat "$R.err")"; rm -f "$R.err"
pid=""
for p in $(pgrep -f "root $R create"); do pid=$p; done
echo "init pid: ${pid:-none}"
echo "list:"; "$BULWARK" --root "$R" list
"$BULWARK" --root "$R" state c1 2>&1 | head -2
"$BULWARK" --root "$R" gc
sleep 0.5
alive() { [[ -r /proc/$1/stat ]] && [[ $(awk '{print $3}' "/proc/$1/stat") != Z ]]; }
if ((rc == 0)) && [[ -n $pid ]] && ! alive "$pid"; then
  verdict BROKEN "create accepted the bundle (exit 0), list hid the live container, and gc killed and removed it as a dead create"
elif ((rc == 0)) && ! "$BULWARK" --root "$R" list -q | grep -qx c1; then
  verdict BROKEN "create accepted the bundle (exit 0) but list does not show the live container"
else
  verdict SAFE "refused or readable (create exit $rc)"
fi
