#!/usr/bin/env bats
# Writes bulwark makes under /proc land in the kernel file they name, never
# where the container's mounts would redirect them; /dev is made inside the
# rootfs whatever the image put there.

bats_require_minimum_version 1.5.0
load helpers

setup() {
  setup_bundle
  VICTIM=$(mktemp /tmp/bulwark-procfs-victim.XXXXXX)
  echo untouched >"$VICTIM"
  chmod 644 "$VICTIM"
}
teardown() {
  teardown_bundle
  rm -rf "$VICTIM" /tmp/bulwark-procfs-victim-dir.*
}

# A config mount over a /proc file, after the config's /proc mount.
bind_over() {
  config_edit --arg s "$1" --arg d "$2" '.mounts += [{"destination": $d, "type": "bind", "source": $s, "options": ["bind"]}]'
}

@test "ping_group_range: a file bound over the sysctl does not receive the write" {
  bind_over "$VICTIM" /proc/sys/net/ipv4/ping_group_range
  run run_in cat /proc/sys/net/ipv4/ping_group_range
  [ "$status" -eq 0 ]
  # The container sees the bound file; the range went to the real sysctl.
  [ "$output" = untouched ]
  [ "$(cat "$VICTIM")" = untouched ]
}

@test "a config sysctl reaches the kernel's file, not a file bound over it" {
  bind_over "$VICTIM" /proc/sys/kernel/hostname
  config_edit 'del(.hostname) | .linux.sysctl = {"kernel.hostname": "through-own-procfs"}'
  run run_in sh -c 'hostname; cat /proc/sys/kernel/hostname'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = through-own-procfs ]
  [ "${lines[1]}" = untouched ]
  [ "$(cat "$VICTIM")" = untouched ]
}

@test "a procfs file bound over a sysctl (one procfs file redirected to another) is not written" {
  # The host's domainname file over the container's hostname file: both are
  # real procfs files, so an "is it procfs?" check would pass.
  bind_over /proc/sys/kernel/domainname /proc/sys/kernel/hostname
  config_edit 'del(.hostname) | .domainname = "dom-before" | .linux.sysctl = {"kernel.hostname": "redirected"}'
  run run_in sh -c 'hostname; domainname 2>/dev/null || true; cat /proc/sys/kernel/hostname'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = redirected ]
  # The bound file shows the container's domainname: not overwritten.
  [ "${lines[-1]}" = dom-before ]
}

@test "the automatic ping range and the uid map still reach a user-namespaced container" {
  config_edit '.linux.namespaces += [{"type": "user"}]
    | .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
    | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
  chmod 755 "$BUNDLE" "$BUNDLE/rootfs"
  run run_in sh -c 'cat /proc/self/uid_map; cat /proc/sys/net/ipv4/ping_group_range'
  [ "$status" -eq 0 ]
  [[ ${lines[0]} =~ ^\ +0\ +100000\ +65536$ ]]
  [[ ${lines[1]} =~ ^0[[:space:]]+65535$ ]]
}

@test "oomScoreAdj is written to init through the runtime's own procfs" {
  config_edit '.process.oomScoreAdj = 123'
  run run_in cat /proc/self/oom_score_adj
  [ "$status" -eq 0 ]
  [ "$output" = 123 ]
}

# An image without a /dev mount of the config's: its own /dev is used, and
# it holds links that climb out of the rootfs to a host path.
hostile_dev() {
  config_edit '.mounts = [.mounts[] | select(.destination != "/dev")]'
  HOSTDIR=$(mktemp -d /tmp/bulwark-procfs-victim-dir.XXXXXX)
  local up=../../../../../../../..
  ln -s "$up$VICTIM" "$BUNDLE/rootfs/dev/null"
  ln -s "$up$VICTIM" "$BUNDLE/rootfs/dev/zero"
  ln -s "$up$HOSTDIR" "$BUNDLE/rootfs/dev/pts"
  ln -s "$up$HOSTDIR" "$BUNDLE/rootfs/dev/shm"
}

host_untouched() {
  [ "$(cat "$VICTIM")" = untouched ]
  [ -z "$(ls -A "$HOSTDIR")" ]
  ! mountpoint -q "$VICTIM"
  ! mountpoint -q "$HOSTDIR"
}

@test "default devices replace an image's /dev links to host paths (mknod)" {
  hostile_dev
  run run_in sh -c 'ls -l /dev/null /dev/zero | cut -c1; echo x >/dev/null; head -c 3 /dev/zero | od -An -tx1'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = c ]
  [ "${lines[1]}" = c ]
  [ "$(echo ${lines[2]})" = "00 00 00" ]
  host_untouched
}

@test "default devices replace an image's /dev links to host paths (bind from the host, user namespace)" {
  hostile_dev
  config_edit '.linux.namespaces += [{"type": "user"}]
    | .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
    | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
    | .mounts = [.mounts[] | select(.type != "sysfs" and .type != "cgroup")]'
  chmod 755 "$BUNDLE"
  chown -hR 100000:100000 "$BUNDLE/rootfs" # container root owns its /dev
  run run_in sh -c 'ls -l /dev/null | cut -c1; echo x >/dev/null && echo written; cat /dev/null | wc -c'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = c ]
  [ "${lines[1]}" = written ]
  [ "${lines[2]}" = 0 ]
  host_untouched
}

@test "/dev/pts and /dev/shm links in the image never reach the host path" {
  hostile_dev
  run run_in sh -c 'echo in-shm >/dev/shm/f; cat /dev/shm/f; grep -c " devpts " /proc/self/mountinfo'
  host_untouched
  # Either the mounts were made inside the rootfs, or the create refused.
  if [ "$status" -eq 0 ]; then
    [ "${lines[0]}" = in-shm ]
    [ "${lines[1]}" = 1 ]
  else
    [[ $output == *symlink* ]]
  fi
}

@test "an image whose /dev is a link is refused with a clear error" {
  config_edit '.mounts = [.mounts[] | select((.destination | startswith("/dev")) | not)]'
  rmdir "$BUNDLE/rootfs/dev"
  HOSTDIR=$(mktemp -d /tmp/bulwark-procfs-victim-dir.XXXXXX)
  ln -s "../../../../../../..$HOSTDIR" "$BUNDLE/rootfs/dev"
  run fails_to_create devlink
  [ "$status" -ne 0 ]
  [[ $output == *"/dev in the image is not a plain directory (a symlink?)"* ]]
  [ -z "$(ls -A "$HOSTDIR")" ]
}

host_has_lsm() {
  [ -r /sys/kernel/security/lsm ] && tr , '\n' </sys/kernel/security/lsm | grep -qx "$1" && return 0
  [ "$1" = apparmor ] && grep -q Y /sys/module/apparmor/parameters/enabled 2>/dev/null && return 0
  [ "$1" = selinux ] && [ -e /sys/fs/selinux/enforce ] && return 0
  return 1
}

@test "apparmorProfile on a host without AppArmor: skipped, with a --debug line, for run and exec (as runc)" {
  ! host_has_lsm apparmor || skip "this host runs AppArmor"
  config_edit '.process.apparmorProfile = "docker-default"'
  run --separate-stderr bw --debug run --bundle "$BUNDLE" aa1
  [ "$status" -eq 0 ]
  [ "$output" = hello ]
  [[ $stderr == *"process.apparmorProfile docker-default not applied: AppArmor is not enabled on this host"* ]]
  create_bg aa2 sleep 30
  bw start aa2
  run --separate-stderr bw --debug exec aa2 echo in-exec
  [ "$status" -eq 0 ]
  [ "$output" = in-exec ]
  [[ $stderr == *"process.apparmorProfile docker-default not applied"* ]]
}

@test "selinuxLabel on a host without SELinux is refused (as runc)" {
  ! host_has_lsm selinux || skip "this host runs SELinux"
  config_edit '.process.selinuxLabel = "system_u:system_r:container_t:s0:c1,c2"'
  run fails_to_create se1
  [ "$status" -ne 0 ]
  [[ $output == *"process.selinuxLabel system_u:system_r:container_t:s0:c1,c2 is set, but SELinux is not enabled on this host"* ]]
}
