#!/bin/bash
# Attack: host root runs bulwark inside a user namespace that maps only
# uid 0 to host uid 0 (`unshare -U --map-user=0`, systemd PrivateUsers=yes).
# bw_rootless() (src/runtime/rootless.c) calls this caller unprivileged.
# The previous round closed the hook door (BW110); the container itself is
# still built as a rootless one: harden's "user namespace without mappings
# (bulwark allocates an unprivileged id range)" maps container root onto
# the caller's own ids, i.e. host uid 0, and the cgroup path is skipped as
# rootless (no pids limit, no device program: cgroups.c make_cgroup drops
# linux.resources.devices for any "rootless" caller; on a v1/hybrid host
# every limit is ignored with a warning), although the caller is host root.
# Invariant broken: container root is an unprivileged host uid; the
# default profile's pids limit (BW102, hardened to 4096) and device cgroup
# (BW082) hold.
# Expected safe outcome: refused (or run with a real allocated range and
#   cgroup), as for the same caller outside the user namespace.
# Observed (2026-12-07, 6.18, hybrid cgroups): the default profile runs it;
#   the container's uid_map is "0 0 1" (root = host uid 0, owner of every
#   root-owned file it can reach) and it sits in no cgroup of its own.
#   --profile restricted refuses it here only for want of cgroup v2.
set -u
source "$(dirname "$0")/lib.sh"
setup_bundle; trap 'teardown_bundle' EXIT
# gid 5 (tty) is not mapped in a namespace that maps only root
config_edit '.mounts |= map(if .destination == "/dev/pts" then .options |= map(select(startswith("gid=") | not)) else . end)
  | .process.args=["sh","-c","cat /proc/self/uid_map; grep -E \"^[0-9]+:(pids|devices):\" /proc/self/cgroup"]'
out=$(timeout 60 unshare -U --map-user=0 --map-group=0 "$BULWARK" --root "$BW_ROOT" run --bundle "$BUNDLE" pu$$ </dev/null 2>&1)
echo "$out"
# the host's view: uid 0 inside is host uid 0 when the map is "0 0 1"
if grep -Eq '^ *0 +0 +1$' <<<"$out"; then
  verdict BROKEN "the default profile ran the container with root = host uid 0 (uid_map 0 0 1), no pids limit or device cgroup applied"
else
  verdict SAFE "refused or given an unprivileged range"
fi
