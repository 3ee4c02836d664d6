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
