#!/usr/bin/env bats
# Container root is never host root through the rootfs: a writable
# directory rootfs gets an upper layer of its own owned by the range, the
# rebuild of an overlay rootfs cannot be steered onto host files, explicit
# mappings are judged by what they land on (BW043), a mount namespace given
# by path is refused (BW066), and a create that fails leaves nothing behind.

load helpers

STORE=/var/lib/bulwark/idranges
WRITES=/var/lib/bulwark/rootfs

setup() {
  [ "$(id -u)" = 0 ] || skip "needs root"
  "$BULWARK" setup >/dev/null
  setup_bundle
  BW_ROOT=$(realpath "$BW_ROOT")
  # bulwark spec's config: a user namespace with no mappings
  rm -f "$BUNDLE/config.json"
  "$BULWARK" spec --bundle "$BUNDLE" >/dev/null
  config_edit '.process.terminal = false | .root.readonly = false'
  HOSTFILE=$(mktemp /tmp/bulwark-test-hostfile.XXXXXX)
  echo "host's own" >"$HOSTFILE"
  chmod 0644 "$HOSTFILE"
}

teardown() {
  [ "$(id -u)" = 0 ] || return 0
  [ -z "${FLIPPER:-}" ] || kill "$FLIPPER" 2>/dev/null || true
  teardown_bundle
  for m in $(findmnt -rn -o TARGET | grep -F "${OVL:-/nonexistent}" | sort -r); do umount -l "$m" || true; done
  rm -rf ${OVL:+"$OVL"} "$HOSTFILE" ${FAKE:+"$FAKE"}
}

# The upper directory a running container's rootfs writes to, from inside.
upper_in() {
  sed -n 's/.* - overlay [^ ]* .*upperdir=\([^,]*\).*/\1/p' "$1" | head -1
}

@test "rootfs: a setuid binary planted in a writable directory rootfs is not host root's; the bundle is not written" {
  before=$(cd "$BUNDLE/rootfs" && find . -printf '%p %U %G %m %s\n' | sort | md5sum)
  run run_in sh -c 'cp /bin/busybox /bin/s && chmod 4755 /bin/s && stat -c "%u %g %a" /bin/s /bin/busybox && cat /proc/self/mountinfo > /tmp/mi && cp /tmp/mi /mi'
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "0 0 4755" ] # inside, the plant is root's
  [ "${lines[1]}" = "0 0 755" ]  # and the image is root's, as before
  # on the host: not in the bundle, not a host-root file anywhere
  [ ! -e "$BUNDLE/rootfs/bin/s" ]
  [ -z "$(find "$BUNDLE/rootfs" -perm /6000)" ]
  [ "$(cd "$BUNDLE/rootfs" && find . -printf '%p %U %G %m %s\n' | sort | md5sum)" = "$before" ]
  up=$(ls -d "$WRITES"/*/upper | while read -r d; do if [ -e "$d/mi" ] && [ -e "$d/bin/s" ]; then echo "$d"; fi; done)
  [ -n "$up" ]
  [ "$(upper_in "$up/mi")" = "$up" ]
  read -r u g m <<<"$(stat -c '%u %g %a' "$up/bin/s")"
  echo "on the host: $u $g $m"
  ((u >= 65536 && g >= 65536))
  [ "$m" = 4755 ]
  # the writes and the directory above them only root may enter
  [ "$(stat -c %a "$(dirname "$up")")" = 700 ]
}

@test "rootfs: a file written in a directory rootfs survives a restart, under the same range" {
  run run_in sh -c 'echo kept > /etc/kept; mkdir -p /var/cache; cat /proc/self/uid_map'
  echo "$output"
  [ "$status" -eq 0 ]
  first=$(echo "${lines[0]}" | awk '{print $2}')
  run run_in sh -c 'cat /etc/kept; stat -c %u /etc/kept; test -d /var/cache && echo dir; cat /proc/self/uid_map'
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = kept ]
  [ "${lines[1]}" = 0 ]
  [ "${lines[2]}" = dir ]
  [ "$(echo "${lines[3]}" | awk '{print $2}')" = "$first" ]
  [ ! -e "$BUNDLE/rootfs/etc/kept" ]
}

@test "rootfs: the writes are removed with the range once the rootfs is gone" {
  run run_in sh -c 'echo x > /etc/gone-soon; cat /proc/self/mountinfo'
  [ "$status" -eq 0 ]
  up=$(echo "$output" | sed -n 's/.* - overlay [^ ]* .*upperdir=\([^,]*\).*/\1/p' | head -1)
  echo "upper: $up"
  [ -e "$up/etc/gone-soon" ]
  rm -rf "$BUNDLE/rootfs"
  make_rootfs "$BUNDLE/rootfs" # a new directory: another rootfs
  run run_in cat /etc/gone-soon # an allocation reclaims what is gone
  echo "$output"
  [ "$status" -ne 0 ]
  [ ! -e "$(dirname "$up")" ]
}

@test "rootfs: a read-only directory rootfs is a read-only idmapped view" {
  config_edit '.root.readonly = true'
  run run_in sh -c 'stat -c %u /bin/busybox; touch /etc/x 2>&1; grep -m1 " / / " /proc/self/mountinfo || head -1 /proc/self/mountinfo'
  echo "$output"
  [ "${lines[0]}" = 0 ]
  [[ ${lines[1]} == *"Read-only file system"* ]]
  [[ ${lines[2]} == *" ro,"* ]]
  [[ ${lines[2]} != *overlay* ]]
}

@test "rootfs: a read-only root.path outside the bundle (BW073 not enforced) gets no mount point made in it" {
  FAKE=$(mktemp -d /tmp/bulwark-test-hostroot.XXXXXX)
  cp -a "$BUNDLE/rootfs/." "$FAKE/"
  rm -rf "$FAKE/proc" "$FAKE/sys" "$FAKE/dev" "$FAKE/mnt"
  config_edit --arg r "$FAKE" '.root.path = $r | .root.readonly = true
    | .mounts += [{"destination": "/mnt/new", "type": "tmpfs", "source": "tmpfs"}]'
  run run_in sh -c 'ls -d /proc/self /mnt/new; touch /x 2>&1; grep -m1 " / / " /proc/self/mountinfo || head -1 /proc/self/mountinfo'
  echo "$output"
  local made; made=$(ls -A "$FAKE" | grep -x -e proc -e sys -e dev -e mnt -e x || true)
  [ -z "$made" ]
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = /mnt/new ]
  [ "${lines[1]}" = /proc/self ]
  [[ ${lines[2]} == *"Read-only file system"* ]]
  [[ ${lines[3]} == *" ro,"* ]]
}

@test "BW073: a rootfs at an engine's rootfs layout (Podman's vfs/dir/ID) runs; the state around it and a directory inside it are refused" {
  [ -d /var/lib/containers ] || skip "no /var/lib/containers on this host"
  local top=/var/lib/containers/storage made= id pol
  [ -e "$top" ] || made=$top
  id=bulwark-test-$$-$RANDOM
  mkdir -p "$top/vfs/dir/$id"
  FAKE=${made:-$top/vfs/dir/$id} # removed by teardown
  cp -a "$BUNDLE/rootfs/." "$top/vfs/dir/$id/"
  mkdir "$top/vfs/dir/$id/inner"
  for pol in "" "--profile restricted"; do
    config_edit --arg r "$top/vfs/dir/$id" '.root.path = $r'
    BW_POLICY=$pol run run_in echo ran
    echo "${pol:-default} layout: $output"
    [ "$status" -eq 0 ]
    [ "$output" = ran ]
    config_edit --arg r "$top/vfs/dir" '.root.path = $r'
    BW_POLICY=$pol run bw run --bundle "$BUNDLE" "s$BATS_TEST_NUMBER"
    echo "${pol:-default} state: $output"
    [ "$status" -ne 0 ]
    [[ $output == *"BW073 "* ]]
    config_edit --arg r "$top/vfs/dir/$id/inner" '.root.path = $r'
    BW_POLICY=$pol run bw run --bundle "$BUNDLE" "i$BATS_TEST_NUMBER"
    echo "${pol:-default} inside: $output"
    [ "$status" -ne 0 ]
    [[ $output == *"BW073 "* ]]
  done
  [ ! -e "$top/vfs/dir/proc" ]
}

# An overlay rootfs the way an engine makes one, its upper layer on the host.
make_overlay() {
  OVL=$(mktemp -d /tmp/bulwark-test-ovl.XXXXXX)
  mkdir -p "$OVL"/{l1,upper,work,merged}
  cp -a "$BUNDLE/rootfs/." "$OVL/l1/"
  mount -t overlay overlay -o "lowerdir=$OVL/l1,upperdir=$OVL/upper,workdir=$OVL/work" "$OVL/merged"
  config_edit --arg r "$OVL/merged" '.root.path = $r'
}

@test "rootfs: an overlay upper layer another live container uses is not rebuilt" {
  make_overlay
  create_bg c1 sleep 100
  run fails_to_create c2
  echo "$output"
  [ "$status" -ne 0 ]
  [[ $output == *"upper layer $OVL/upper is in use by container c1"* ]]
  bw delete --force c1
  run run_in true
  [ "$status" -eq 0 ]
}

@test "rootfs: 30 s of a name flipping between a 06777 file and a symlink to a host file while the overlay is rebuilt leave the host file as it was" {
  make_overlay
  want=$(stat -c '%u %g %a %s' "$HOSTFILE")
  # the engine's writes in the upper layer (host ids, shifted at each
  # start): 16 names flipped between a 06777 root file and a symlink to the
  # host file, as fast as a process without forks can
  python3 - "$OVL/upper" "$HOSTFILE" <<'EOF' &
import os, sys
up, target = sys.argv[1], sys.argv[2]
os.chdir(up)
while True:
    for i in range(16):
        fd = os.open("f.tmp", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.fchmod(fd, 0o6777)
        os.close(fd)
        os.rename("f.tmp", "flip%d" % i)
        try:
            os.unlink("l.tmp")
        except FileNotFoundError:
            pass
        os.symlink(target, "l.tmp")
        os.rename("l.tmp", "flip%d" % i)
EOF
  FLIPPER=$!
  runs=0
  end=$((SECONDS + 30))
  while ((SECONDS < end)); do
    run run_in true
    [ "$status" -eq 0 ] && runs=$((runs + 1)) || echo "failed: $output"
    [ "$(stat -c '%u %g %a %s' "$HOSTFILE")" = "$want" ]
  done
  kill "$FLIPPER"; wait "$FLIPPER" 2>/dev/null || true
  FLIPPER=
  echo "$runs rebuilds"
  ((runs > 5))
  [ "$(stat -c '%u %g %a %s' "$HOSTFILE")" = "$want" ]
  [ "$(cat "$HOSTFILE")" = "host's own" ]
}

@test "BW043: explicit mappings onto host uid 1.., a /etc/passwd user, ids outside /etc/subuid, another user's range or a live container's range are refused, and audit says the same" {
  BW_POLICY=
  config_edit '.linux.uidMappings = [{"containerID": 0, "hostID": 1, "size": 65536}] | .linux.gidMappings = [{"containerID": 0, "hostID": 1, "size": 65536}]'
  run fails_to_create m1
  echo "$output"
  [ "$status" -ne 0 ]
  [[ $output == *"BW043"*"host uids 1-65535, below 65536"* ]]
  run "$BULWARK" audit "$BUNDLE/config.json"
  echo "$output"
  [[ $output == *"BW043"*"host uids 1-65535"* ]]
  # ids no user was given in /etc/subuid and /etc/subgid (an LDAP or NFS
  # user's for all the host says)
  config_edit '.linux.uidMappings = [{"containerID": 0, "hostID": 3000000000, "size": 65536}] | .linux.gidMappings = [{"containerID": 0, "hostID": 3000000000, "size": 65536}]'
  ! grep -qE ':30000000[0-9]{2}:' /etc/subuid /etc/subgid
  run fails_to_create m2
  echo "$output"
  [ "$status" -ne 0 ]
  [[ $output == *"BW043"*"uidMappings[0] maps container 0-65535 onto host uids 3000000000-3000065535, outside every subordinate range of /etc/subuid"* ]]
  [[ $output == *"BW043"*"gidMappings[0] maps container 0-65535 onto host gids 3000000000-3000065535, outside every subordinate range of /etc/subgid"* ]]
  # given to a user in /etc/subuid and /etc/subgid, and a user of
  # /etc/passwd inside it (private files, in a mount namespace of the test's own)
  FAKE=$(mktemp -d /tmp/bulwark-test-etc.XXXXXX)
  { cat /etc/passwd; echo "far:x:3000000123:3000000123::/home/far:/bin/sh"; } >"$FAKE/passwd"
  { cat /etc/subuid; echo "dockremap:3000000000:65536"; echo "alice:3000100000:65536"; } >"$FAKE/subuid"
  { cat /etc/subgid; echo "dockremap:3000000000:65536"; echo "alice:3000100000:65536"; } >"$FAKE/subgid"
  run unshare -m sh -c 'mount --make-rprivate / && mount --bind "$1/subuid" /etc/subuid && mount --bind "$1/subgid" /etc/subgid &&
    mount --bind "$1/passwd" /etc/passwd && shift && "$@"' sh "$FAKE" "$BULWARK" --root "$BW_ROOT" create --bundle "$BUNDLE" m3
  echo "$output"
  [ "$status" -ne 0 ]
  [[ $output == *"BW043"*"host uid 3000000123, a user of the host's /etc/passwd"* ]]
  [[ $output != *"subordinate range"* ]]
  # without that user the same mapping is fine
  config_edit '.process.args = ["cat", "/proc/self/uid_map"]'
  run in_fake_subids "$BULWARK" --root "$BW_ROOT" run --bundle "$BUNDLE" m4
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$(echo "$output" | tr -s ' ' | sed 's/^ //')" = "0 3000000000 65536" ]
  # one id past the range given is not
  config_edit '.linux.gidMappings[0].size = 65537'
  run in_fake_subids "$BULWARK" --root "$BW_ROOT" create --bundle "$BUNDLE" m5
  echo "$output"
  [ "$status" -ne 0 ]
  [[ $output == *"BW043"*"host gids 3000000000-3000065536, outside every subordinate range of /etc/subgid"* ]]
  # the range of a user engines do not take ranges from (a rootless
  # user's containers' files): refused, and audit says so
  config_edit '.linux.uidMappings[0].hostID = 3000100000 | .linux.gidMappings = [{"containerID": 0, "hostID": 3000100000, "size": 65536}]'
  run in_fake_subids "$BULWARK" --root "$BW_ROOT" create --bundle "$BUNDLE" m5b
  echo "$output"
  [ "$status" -ne 0 ]
  [[ $output == *"BW043"*"uidMappings[0] maps container 0-65535 onto host uids 3000100000-3000165535, user alice's subordinate ids in /etc/subuid"* ]]
  [[ $output == *"BW043"*"gidMappings[0] maps container 0-65535 onto host gids 3000100000-3000165535, user alice's subordinate ids in /etc/subgid"* ]]
  run in_fake_subids "$BULWARK" audit "$BUNDLE/config.json"
  echo "$output"
  [[ $output == *"BW043"*"user alice's subordinate ids in /etc/subuid"* ]]
  # unless the policy file lists alice in mappableSubidUsers
  echo '{"mappableSubidUsers": ["alice"]}' >"$FAKE/policy.json"
  run in_fake_subids "$BULWARK" --root "$BW_ROOT" --policy "$FAKE/policy.json" run --bundle "$BUNDLE" m5c
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$(echo "$output" | tr -s ' ' | sed 's/^ //')" = "0 3000100000 65536" ]
  run in_fake_subids "$BULWARK" --policy "$FAKE/policy.json" audit "$BUNDLE/config.json"
  echo "$output"
  [[ $output != *"BW043"* ]]
  # a live container's range
  config_edit 'del(.linux.uidMappings, .linux.gidMappings)'
  create_bg live sleep 100
  base=$(awk '{print $2}' "/proc/$(bw state live | jq .pid)/uid_map")
  config_edit --argjson b "$((base + 100))" '.linux.uidMappings = [{"containerID": 0, "hostID": $b, "size": 10}] | .linux.gidMappings = [{"containerID": 0, "hostID": 3100000000, "size": 65536}]'
  run fails_to_create m6
  echo "$output"
  [ "$status" -ne 0 ]
  [[ $output == *"BW043"*"the id range of live container live"* ]]
  run "$BULWARK" audit "$BUNDLE/config.json"
  echo "$output"
  [[ $output == *"BW043"*"the id range of live container live"* ]]
  # not root, audit cannot read the store, and says so
  cp "$BUNDLE/config.json" "$BUNDLE/audit.json" && chmod 644 "$BUNDLE/audit.json"
  run setpriv --reuid=65534 --regid=65534 --clear-groups "$BULWARK" audit "$BUNDLE/audit.json"
  echo "$output"
  [[ $output != *"live container live"* ]]
  [[ $output == *"audit.json: its id mappings were not checked against live containers' ranges (reading them needs root)"* ]]
  # a mount's own mapping onto a host user's id (the rest in a range given in /etc/subuid)
  config_edit '.linux.uidMappings = [{"containerID": 0, "hostID": 3000000000, "size": 65536}]
    | .linux.gidMappings = [{"containerID": 0, "hostID": 3000000000, "size": 65536}]
    | .mounts += [{"destination": "/m", "type": "bind", "source": "/tmp", "options": ["rbind", "idmap"],
                   "uidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}],
                   "gidMappings": [{"containerID": 0, "hostID": 3000000000, "size": 1}]}]'
  run in_fake_subids "$BULWARK" --root "$BW_ROOT" create --bundle "$BUNDLE" m7
  echo "$output"
  [ "$status" -ne 0 ]
  [[ $output == *"BW043"*"mounts/"*"uidMappings[0]"*"host uids 1000-1000"* ]]
  [ "$(state_left | grep -v '^live$' || true)" = "" ]
}

# "$@" in a mount namespace of its own where /etc/subuid and /etc/subgid are
# $FAKE/subuid and $FAKE/subgid: the host's files stay untouched.
in_fake_subids() {
  unshare -m sh -c 'mount --make-rprivate / && mount --bind "$1/subuid" /etc/subuid && mount --bind "$1/subgid" /etc/subgid &&
    shift && exec "$@"' sh "$FAKE" "$@"
}

# What a failed create must not leave: mounts over the bundle, the state
# root or their parents (compared in full), a state directory, a cgroup,
# a changed owner in the rootfs.
host_marks() {
  awk -v b="$BUNDLE" -v r="$BW_ROOT" '{ mp = $5; if (index(mp, b) == 1 || index(mp, r) == 1 || index(b, mp) == 1) { $1 = $2 = ""; print } }' /proc/self/mountinfo | sort
  (cd "$BUNDLE/rootfs" && find . -printf '%p %U %G %m\n' | sort | md5sum)
  find /sys/fs/cgroup -maxdepth 5 -name "*bad-*" 2>/dev/null || true
  state_left
}

@test "BW066: a mount namespace given by path is refused, and no failing create leaves a mount, cgroup, state or owner behind" {
  before=$(host_marks)
  BW_POLICY=
  config_edit '.linux.namespaces |= map(if .type == "mount" then .path = "/proc/1/ns/mnt" else . end)'
  run fails_to_create bad-1
  echo "$output"
  [ "$status" -ne 0 ]
  [[ $output == *"BW066"*"/proc/1/ns/mnt"* ]]
  [ "$(host_marks)" = "$before" ]
  for mode in "" "--policy-mode=off"; do
    BW_POLICY=$mode
    # a mount namespace path that is the host's (policy off: the mechanism refuses)
    run fails_to_create bad-2
    echo "$mode host mnt ns: $output"
    [ "$status" -ne 0 ]
    # a mount namespace path that does not exist
    config_edit '.linux.namespaces |= map(if .type == "mount" then .path = "/nonexistent/mnt" else . end)'
    run fails_to_create bad-3
    echo "$mode missing mnt ns: $output"
    [ "$status" -ne 0 ]
    config_edit '.linux.namespaces |= map(if .type == "mount" then del(.path) else . end)'
    # a bind mount whose source is missing (after the rootfs views exist)
    config_edit '.mounts += [{"destination": "/bad", "type": "bind", "source": "/nonexistent/src", "options": ["rbind"]}]'
    run fails_to_create bad-4
    echo "$mode bad mount: $output"
    [ "$status" -ne 0 ]
    config_edit '.mounts |= map(select(.destination != "/bad"))'
    # a mount onto a destination that cannot be made
    config_edit '.mounts += [{"destination": "/bin/busybox/x", "type": "tmpfs", "source": "tmpfs"}]'
    run fails_to_create bad-5
    echo "$mode bad destination: $output"
    [ "$status" -ne 0 ]
    config_edit '.mounts |= map(select(.destination != "/bin/busybox/x"))'
    # a missing rootfs
    config_edit '.root.path = "nonexistent"'
    run fails_to_create bad-6
    echo "$mode missing rootfs: $output"
    [ "$status" -ne 0 ]
    config_edit '.root.path = "rootfs"'
    [ "$(host_marks)" = "$before" ]
    config_edit '.linux.namespaces |= map(if .type == "mount" then .path = "/proc/1/ns/mnt" else . end)'
  done
}
