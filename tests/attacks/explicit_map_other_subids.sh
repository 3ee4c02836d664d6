#!/bin/bash
# shellcheck disable=SC2016 # jq filters use their own $variables
# Attack: BW043 accepts explicit uidMappings/gidMappings that lie inside
# ANY user's /etc/subuid and /etc/subgid range (src/policy/checks.c
# onto_host_ids, in_subids). Those ranges are given to someone: a rootless
# Podman user's containers, Docker's userns-remap (dockremap), kubelet.
# A config maps its root onto another user's range and is root of that
# user's containers' files (and may signal their processes: the kernel
# compares host uids).
# Here: the first /etc/subuid line that is not bulwark's (the rootless
# user's), a 0600 file owned by that range's first id (what the user's
# rootless container root writes in its storage), bound read-only.
# Expected safe outcome: restricted and the default profile refuse maps
#   onto a range given to another user (BW043); the file is not read.
# Observed (2026-12-06): both run, and the container prints the file.
set -u
source "$(dirname "$0")/lib.sh"
setup_bundle; trap 'teardown_bundle; rm -rf "$S"' EXIT
S=$(mktemp -d /tmp/bulwark-a4.XXXXXX); chmod 755 "$S"
line=$(grep -v '^bulwark:' /etc/subuid | head -1)
[[ -n $line ]] || { echo "no other user in /etc/subuid"; exit 2; }
IFS=: read -r owner start count <<<"$line"
gline=$(grep "^$owner:" /etc/subgid | head -1)
IFS=: read -r _ gstart gcount <<<"$gline"
echo "mapping onto $owner's subordinate ids $start+$count / $gstart+$gcount"
echo "$owner's container secret" >"$S/secret"
chown "$start:$gstart" "$S/secret"; chmod 600 "$S/secret"
mkdir -p "$BUNDLE/rootfs/data"
config_edit --arg s "$S" --argjson u "$start" --argjson g "$gstart" --argjson n "$((count < gcount ? count : gcount))" \
  '.process.args=["cat","/data/secret"] | .linux.namespaces += [{"type":"user"}]
   | .linux.uidMappings=[{"containerID":0,"hostID":$u,"size":$n}] | .linux.gidMappings=[{"containerID":0,"hostID":$g,"size":$n}]
   | .mounts += [{"destination":"/data","type":"bind","source":$s,"options":["rbind","ro"]}]'
out=$("$BULWARK" --root "$BW_ROOT" --profile restricted run --bundle "$BUNDLE" a4sub$$ 2>&1)
echo "$out"
if grep -q "container secret" <<<"$out"; then
  verdict BROKEN "container root mapped onto $owner's subordinate range read its 0600 file"
else
  verdict SAFE "refused or not read"
fi
