#!/usr/bin/env bats
# bulwark spec: the hardened default config, written once and never over.

bats_require_minimum_version 1.5.0

setup() {
  : "${BULWARK:?set BULWARK to the built binary}"
  dir=$(mktemp -d)
  cd "$dir"
}

teardown() {
  cd /
  rm -rf "$dir"
}

@test "spec in an empty directory writes a config.json that jq parses" {
  run --separate-stderr "$BULWARK" spec
  [ "$status" -eq 0 ]
  [ -z "$output" ]
  [ -f config.json ]
  jq -e . config.json >/dev/null
  [ "$(ls -A)" = config.json ]
}

@test "spec writes the restricted profile's defaults" {
  "$BULWARK" spec
  [ "$(jq -r .ociVersion config.json)" = 1.2.0 ]
  [ "$(jq -r .root.path config.json)" = rootfs ]
  [ "$(jq -r .root.readonly config.json)" = true ]
  [ "$(jq -r .process.noNewPrivileges config.json)" = true ]
  [ "$(jq -r .process.terminal config.json)" = false ]
  [ "$(jq -c .process.args config.json)" = '["sh"]' ]
  [ "$(jq -r .hostname config.json)" = bulwark ]
  want='["CAP_AUDIT_WRITE","CAP_KILL","CAP_NET_BIND_SERVICE"]'
  for set in bounding effective permitted; do
    [ "$(jq -c ".process.capabilities.$set" config.json)" = "$want" ]
  done
  [ "$(jq -c .process.capabilities.inheritable config.json)" = '[]' ]
  [ "$(jq -c .process.capabilities.ambient config.json)" = '[]' ]
  [ "$(jq -c '.process.rlimits' config.json)" = '[{"type":"RLIMIT_NOFILE","hard":1024,"soft":1024}]' ]
}

@test "spec asks for a fresh user namespace and leaves the id range to create" {
  "$BULWARK" spec
  [ "$(jq -c '[.linux.namespaces[] | select(.type == "user")]' config.json)" = '[{"type":"user"}]' ]
  [ "$(jq -r '.linux | has("uidMappings") or has("gidMappings")' config.json)" = false ]
  for ns in pid network ipc uts mount cgroup; do
    [ "$(jq -r --arg t "$ns" '[.linux.namespaces[] | select(.type == $t)] | length' config.json)" = 1 ]
  done
}

@test "spec masks /proc and /sys paths and makes the kernel knobs read-only" {
  "$BULWARK" spec
  for p in /proc/kcore /proc/keys /proc/timer_list /proc/sched_debug /proc/acpi /proc/scsi /sys/firmware; do
    jq -e --arg p "$p" '.linux.maskedPaths | index($p)' config.json >/dev/null
  done
  for p in /proc/sys /proc/sysrq-trigger /proc/irq /proc/bus /proc/fs; do
    jq -e --arg p "$p" '.linux.readonlyPaths | index($p)' config.json >/dev/null
  done
}

@test "spec denies all devices, limits pids, and mounts /sys read-only" {
  "$BULWARK" spec
  [ "$(jq -c '.linux.resources.devices' config.json)" = '[{"allow":false,"access":"rwm"}]' ]
  [ "$(jq -r '.linux.resources.pids.limit' config.json)" -gt 0 ]
  jq -e '.mounts[] | select(.destination == "/sys") | .options | index("ro")' config.json >/dev/null
  # No gid=5 on devpts: the group may not exist in the user namespace.
  [ "$(jq -r '.mounts[] | select(.type == "devpts") | .options | map(select(startswith("gid="))) | length' config.json)" = 0 ]
  # Nothing from the host is bind-mounted.
  [ "$(jq -r '[.mounts[] | select(.source | startswith("/"))] | length' config.json)" = 0 ]
}

@test "spec output passes validate, default and --rootless" {
  "$BULWARK" spec
  run --separate-stderr "$BULWARK" validate
  [ "$status" -eq 0 ]
  mkdir rootless
  "$BULWARK" spec --rootless --bundle rootless
  run --separate-stderr "$BULWARK" validate --bundle rootless
  [ "$status" -eq 0 ]
  # The same check fails once the config is broken, so it is not vacuous.
  jq '.process.capabilities.bounding += ["CAP_BOGUS"]' config.json >broken.json
  run --separate-stderr "$BULWARK" validate broken.json
  [ "$status" -eq 1 ]
  [[ $stderr == *CAP_BOGUS* ]]
}

@test "spec pretty-prints with two-space indentation and ends with a newline" {
  "$BULWARK" spec
  [ "$(sed -n 2p config.json)" = '  "ociVersion": "1.2.0",' ]
  [ -z "$(tail -c1 config.json)" ]
}

@test "spec refuses to overwrite an existing config.json" {
  echo '{"mine": true}' >config.json
  before=$(sha256sum config.json)
  run --separate-stderr "$BULWARK" spec
  [ "$status" -eq 1 ]
  [[ $stderr == *"config.json already exists"* ]]
  [[ $stderr == *"remove it or choose another --bundle"* ]]
  [ "$(sha256sum config.json)" = "$before" ]
}

@test "spec refuses a config.json symlink, even a dangling one, and creates nothing through it" {
  ln -s "$dir/elsewhere.json" config.json
  run --separate-stderr "$BULWARK" spec
  [ "$status" -eq 1 ]
  [[ $stderr == *"already exists"* ]]
  [ ! -e "$dir/elsewhere.json" ]
}

@test "spec --bundle writes into that directory only" {
  mkdir bundle
  "$BULWARK" spec --bundle bundle
  jq -e '.ociVersion == "1.2.0"' bundle/config.json >/dev/null
  [ ! -e config.json ]
  run -1 "$BULWARK" spec -b "$dir/other"
  mkdir other
  "$BULWARK" spec -b "$dir/other"
  [ -f other/config.json ]
}

@test "spec --bundle to a missing directory fails, names it, and creates nothing" {
  run --separate-stderr "$BULWARK" spec --bundle "$dir/missing"
  [ "$status" -eq 1 ]
  [[ $stderr == *"$dir/missing does not exist"* ]]
  [[ $stderr == *"mkdir -p"* ]]
  [ ! -e "$dir/missing" ]
}

@test "spec --rootless maps container root to the calling user and drops resources" {
  "$BULWARK" spec --rootless
  [ "$(jq -c .linux.uidMappings config.json)" = "[{\"containerID\":0,\"hostID\":$(id -u),\"size\":1}]" ]
  [ "$(jq -c .linux.gidMappings config.json)" = "[{\"containerID\":0,\"hostID\":$(id -g),\"size\":1}]" ]
  [ "$(jq -r '.linux | has("resources")' config.json)" = false ]
  jq -e '.linux.namespaces | map(.type) | index("user") and index("network")' config.json >/dev/null
}

@test "spec --rootless run by another user maps that user" {
  command -v setpriv >/dev/null || skip "setpriv not installed"
  chmod 777 "$dir"
  setpriv --reuid=65534 --regid=65534 --clear-groups "$BULWARK" spec --rootless
  [ "$(jq -r '.linux.uidMappings[0].hostID' config.json)" = 65534 ]
  [ "$(jq -r '.linux.gidMappings[0].hostID' config.json)" = 65534 ]
}

@test "spec rejects unknown options and stray arguments with a usage error" {
  run --separate-stderr "$BULWARK" spec --bogus
  [ "$status" -eq 2 ]
  [[ $stderr == *"--bogus"* ]]
  run --separate-stderr "$BULWARK" spec extra
  [ "$status" -eq 2 ]
  [[ $stderr == *"extra"* ]]
  [ ! -e config.json ]
}

@test "spec --help prints its usage" {
  run "$BULWARK" spec --help
  [ "$status" -eq 0 ]
  [[ $output == *"spec [--bundle DIR] [--rootless]"* ]]
  [ ! -e config.json ]
}
