#!/bin/bash
# shellcheck disable=SC2016 # jq filters use their own $variables
# Attack: the config joins, by path, the user namespace of some host
# process (/proc/PID/ns/user: here a host user's `unshare -Ur`, as a
# rootless Podman or any user's sandbox makes). Its real map (0 -> that
# user's uid, 1) is read, so BW041/BW042 pass (not host root), but BW043
# (host ids below 65536, /etc/passwd and /etc/group users) is applied only
# to explicit uidMappings, not to a joined namespace's maps. Binds of a
# container whose user namespace is joined are not seen from the volume
# range either, so container root is that real host user on every bind:
# it reads the user's 0600 files and writes files owned by them.
# Expected safe outcome: a joined user namespace is judged by BW043 like
#   explicit mappings (refused under restricted and baseline), or its
#   binds are seen from the volume range.
# Observed: `bulwark --profile restricted run` prints the user's 0600 file
#   and leaves a file owned by the user (the first host user with a uid
#   from 1000).
set -u
source "$(dirname "$0")/lib.sh"
uid=$(getent passwd | awk -F: '$3>=1000 && $3<60000 {print $3; exit}')
[[ -n $uid ]] || { echo "no host user with a uid in 1000..59999"; exit 0; }
setup_bundle
V=$(mktemp -d /tmp/bw-a3-user.XXXXXX)
setpriv --reuid="$uid" --regid="$uid" --clear-groups unshare -Ur sh -c 'exec sleep 60' &
H=$!
trap 'kill $H 2>/dev/null; wait $H 2>/dev/null; teardown_bundle; rm -rf "$V"' EXIT
echo "the user's own" >"$V/secret"; chmod 600 "$V/secret"; chmod 700 "$V"; chown -R "$uid:$uid" "$V"
for _ in $(seq 50); do grep -q "$uid" "/proc/$H/uid_map" 2>/dev/null && break; sleep 0.1; done
config_edit --arg ns "/proc/$H/ns/user" --arg v "$V" '.linux.namespaces += [{"type":"user","path":$ns}]
  | .mounts |= map(if .destination=="/dev/pts" then .options=["nosuid","noexec","newinstance","ptmxmode=0666","mode=0620"] else . end)
  | .mounts += [{"destination":"/tmp","type":"bind","source":$v,"options":["rbind","rw"]}]
  | .process.args=["sh","-c","cat /tmp/secret; echo pwned > /tmp/planted"]'
"$BULWARK" --root "$BW_ROOT" --profile restricted run --bundle "$BUNDLE" ju1
if [[ -e $V/planted ]]; then
  verdict BROKEN "container root wrote $(stat -c '%u:%g' "$V/planted") (host user $uid) on the host"
else
  verdict SAFE "nothing written as host user $uid"
fi
