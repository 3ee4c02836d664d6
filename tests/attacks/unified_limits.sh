#!/bin/bash
# shellcheck disable=SC2016 # jq filters use their own $variables
# Attack: linux.resources.unified is written to the container's cgroup v2
# directory verbatim, after the typed limits (src/linux/cgroup_v2.c
# cg_v2_set: unified last), and the policy never reads it. A config with
# pids.limit 100 (BW102 satisfied) and unified {"pids.max":"max"} runs
# with no pids limit on a cgroup v2 host; "memory.max":"max" likewise.
# The same through `bulwark update -r` on a restricted container.
# Expected safe outcome: the policy reads pids.max/memory.max (and any
#   unified key it models) as the kernel will: BW102 for "max" or a value
#   >= pid_max; refused under restricted and baseline.
# Observed: audit and create pass the policy (no BW102); on this hybrid
#   host the write then fails only because /sys/fs/cgroup/unified has no
#   pids controller; on a cgroup2-only host pids.max ends "max".
set -u
source "$(dirname "$0")/lib.sh"
setup_bundle; trap teardown_bundle EXIT
config_edit '.linux.resources.pids={"limit":100} | .linux.resources.unified={"pids.max":"max"}'
out=$("$BULWARK" --profile restricted audit "$BUNDLE/config.json" 2>&1; "$BULWARK" --root "$BW_ROOT" --profile restricted create --bundle "$BUNDLE" "a3u$$" 2>&1)
echo "$out"
if grep -q BW102 <<<"$out"; then
  verdict SAFE "refused as BW102"
else
  verdict BROKEN "unified pids.max=max passed the policy (no BW102)"
fi
