#!/bin/bash
# Attack: `update --resources FILE` with {"unified":{"pids.max":"max"}} on a
# restricted container. The gate judges the saved resources with the
# update on top (src/runtime/policy_gate.c merged), but merged() takes the
# typed fields only: the update's unified map is never judged, and
# bw_container_update writes it. BW102 (closed at create by the unified
# check) is open again through update.
# Expected safe outcome: the update is refused as BW102, nothing written.
# Observed (2026-12-06): the policy passes; on this hybrid host the write
#   then fails only because the cgroup2 hierarchy has no pids controller
#   ("pids.max does not exist"); on a cgroup2-only host pids.max ends "max".
set -u
source "$(dirname "$0")/lib.sh"
setup_bundle; trap 'teardown_bundle; rm -f "$R"' EXIT
R=$(mktemp /tmp/bulwark-a4-res.XXXXXX)
config_edit '.process.args=["sleep","30"] | .linux.resources.pids={"limit":100}'
id=a4upd$$
"$BULWARK" --root "$BW_ROOT" --profile restricted create --bundle "$BUNDLE" "$id" </dev/null >/dev/null 2>&1 || { echo "create failed"; exit 2; }
echo '{"unified":{"pids.max":"max"}}' >"$R"
out=$("$BULWARK" --root "$BW_ROOT" --profile restricted update -r "$R" "$id" 2>&1)
echo "$out"
"$BULWARK" --root "$BW_ROOT" delete --force "$id"
if grep -q BW102 <<<"$out"; then
  verdict SAFE "the update was refused as BW102"
else
  verdict BROKEN "update's unified pids.max=max passed the policy (no BW102)"
fi
