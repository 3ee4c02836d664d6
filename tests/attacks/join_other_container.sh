#!/bin/bash
# shellcheck disable=SC2016 # jq filters use their own $variables
# Attack: a config joins ANOTHER live bulwark container's pid namespace by
# path (/proc/PID/ns/pid). The runtime finds the container that owns it
# and, under restricted, hardening puts the new container into that
# container's user namespace (src/runtime/ns_owner.c bw_ns_owners_read,
# "a pod"); BW043 accepts the joined maps because they are a live
# container's range. Nothing says the two containers belong together: the
# joiner is root among the victim's processes, reads its rootfs through
# /proc/1/root (0600 files) and may signal or ptrace them. No finding is
# reported, under restricted either (only a debug line).
# Expected safe outcome: restricted refuses joining a namespace of another
#   container unless the operator declared the pod (or at least audit and
#   create report a finding that names the other container).
# Observed (2026-12-06): restricted run exits 0 and prints the victim's
#   0600 file.
set -u
source "$(dirname "$0")/lib.sh"
setup_bundle
B2=$(mktemp -d /tmp/bulwark-a4.XXXXXX); chmod 755 "$B2"
trap 'teardown_bundle; rm -rf "$B2"' EXIT
echo victim-secret >"$BUNDLE/rootfs/etc/victim-secret"; chmod 600 "$BUNDLE/rootfs/etc/victim-secret"
cp -a "$BUNDLE/rootfs" "$B2/rootfs"; rm -f "$B2/rootfs/etc/victim-secret"
config_edit '.process.args=["sleep","60"]'
"$BULWARK" --root "$BW_ROOT" --profile restricted create --bundle "$BUNDLE" victim </dev/null >/dev/null 2>&1 || { echo "victim create failed"; exit 2; }
"$BULWARK" --root "$BW_ROOT" start victim
pid=$("$BULWARK" --root "$BW_ROOT" state victim | jq .pid)
jq --arg p "$pid" '.process.args=["cat","/proc/1/root/etc/victim-secret"]
  | .linux.namespaces |= map(if .type=="pid" then .path="/proc/\($p)/ns/pid" else . end)' \
  "$BUNDLE/config.json" >"$B2/config.json"
out=$("$BULWARK" --root "$BW_ROOT" --profile restricted run --bundle "$B2" attacker 2>&1)
echo "$out"
if grep -q victim-secret <<<"$out"; then
  verdict BROKEN "a container joined container victim's pid namespace under restricted and read its 0600 file"
else
  verdict SAFE "refused or not read"
fi
