#!/bin/bash
# shellcheck disable=SC2016 # jq filters use their own $variables
# Attack: host root runs bulwark inside a user namespace that maps uid 0 to
# host uid 0 but not the whole id space (`unshare -U --map-user=0`, or a
# systemd service with PrivateUsers=yes). bw_rootless() (src/runtime/
# rootless.c) calls that "rootless" because the map is not the full
# identity map, and bw_check_hooks (src/policy/checks.c) skips BW110 for a
# rootless runtime ("its hooks run as the caller"). But the caller is host
# uid 0: the config's hook runs as host uid 0, the owner of every
# root-owned file (/etc/passwd, /etc/shadow, a 0700 directory of root's)
# without needing any capability.
# Expected safe outcome: BW110 refuses the untrusted hook, as it does for
#   the same caller outside the user namespace.
# Observed (2026-12-06): the hook runs as uid 0, writes into a root-only
#   0700 directory, and access(W_OK) on /etc/passwd succeeds.
set -u
source "$(dirname "$0")/lib.sh"
setup_bundle; trap 'teardown_bundle; rm -rf "$S"' EXIT
S=$(mktemp -d /tmp/bulwark-a5.XXXXXX); chmod 755 "$S"
mkdir "$S/rootonly"; chmod 700 "$S/rootonly"
proof=$S/rootonly/proof
# gid 5 (tty) is not mapped in a namespace that maps only root
config_edit --arg p "$proof" '
  .mounts |= map(if .destination == "/dev/pts" then .options |= map(select(startswith("gid=") | not)) else . end)
  | .hooks = {"createRuntime":[{"path":"/bin/sh","args":["sh","-c","id -u > \($p); test -w /etc/passwd && echo passwd-writable >> \($p)"]}]}'
unshare -U --map-user=0 --map-group=0 "$BULWARK" --root "$BW_ROOT" run --bundle "$BUNDLE" a5pu$$
if [[ -s $proof ]]; then
  verdict BROKEN "the config's hook ran as host uid $(tr '\n' ' ' <"$proof")"
else
  verdict SAFE "the hook did not run"
fi
