#!/bin/bash
# shellcheck disable=SC2016 # jq filters use their own $variables
# Attack: a config author adds an OCI hook. Hooks run as host root in the
# host's namespaces, before the container exists, under every profile
# (BW110 is audit only), so whoever writes config.json is host root.
# Expected safe outcome: restricted (and baseline) refuse a hook that the
#   operator did not allow (policy file), naming BW110; nothing runs.
# Observed (2026-12-06): `bulwark --profile restricted run` runs the hook
#   as uid 0 with the host's uid_map "0 0 4294967295"; exit 0.
set -u
source "$(dirname "$0")/lib.sh"
setup_bundle; trap teardown_bundle EXIT
proof=$BUNDLE/hook-proof
config_edit --arg p "$proof" '.hooks = {"createRuntime":[{"path":"/bin/sh","args":["sh","-c","id -u > \($p); head -1 /proc/self/uid_map >> \($p)"]}]}'
"$BULWARK" --root "$BW_ROOT" --profile restricted run --bundle "$BUNDLE" hook1
if [[ -s $proof ]]; then
  verdict BROKEN "hook ran on the host as uid $(head -1 "$proof"), uid_map '$(tail -1 "$proof" | tr -s ' ')'"
else
  verdict SAFE "the hook did not run"
fi
