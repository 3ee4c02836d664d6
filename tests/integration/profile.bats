#!/usr/bin/env bats
# The restricted profile's rules at create, and ping without NET_RAW.

load helpers

# BW043 takes explicit mappings only from engine users' subordinate ranges
# (helpers.bash: subids_add_containers).
setup_file() {
  subids_add_containers 3200000000
}

teardown_file() {
  subids_restore
}

setup() {
  setup_bundle
}

teardown() {
  teardown_bundle
}

with_userns() {
  config_edit '.linux.namespaces += [{"type": "user"}]
    | .linux.uidMappings = [{"containerID": 0, "hostID": 3200000000, "size": 65536}]
    | .linux.gidMappings = [{"containerID": 0, "hostID": 3200000000, "size": 65536}]'
}

sys_admin_in_capbnd() { # from run's output: "CapBnd:	HEX"
  local hex
  hex=$(awk '/^CapBnd:/ {print $2}' <<<"$output")
  [ -n "$hex" ] && (((0x$hex >> 21) & 1))
}

@test "restricted + enforce refuses CAP_SYS_ADMIN with exit 1, the rule id and the fix" {
  with_userns
  config_edit '.process.capabilities.bounding += ["CAP_SYS_ADMIN"]'
  BW_POLICY="--profile restricted --policy-mode enforce" run fails_to_create sa
  [ "$status" -eq 1 ]
  [[ $output == *"BW010"* ]]
  [[ $output == *"CAP_SYS_ADMIN"* ]]
  [[ $output == *"fix: "* ]]
  [ ! -e "$BW_ROOT/sa" ]
}

@test "restricted + harden runs the same config without CAP_SYS_ADMIN" {
  with_userns
  config_edit '.process.capabilities.bounding += ["CAP_SYS_ADMIN"] | .process.capabilities.effective += ["CAP_SYS_ADMIN"]
    | .process.capabilities.permitted += ["CAP_SYS_ADMIN"]'
  # With the policy off the capability is there: the check below can fail.
  run run_in grep CapBnd /proc/self/status
  [ "$status" -eq 0 ]
  sys_admin_in_capbnd
  # --debug: harden's changes are debug lines.
  BW_POLICY="--debug --profile restricted --policy-mode harden" run run_in grep CapBnd /proc/self/status
  [ "$status" -eq 0 ]
  [[ $output == *"hardened: BW010"*"dropped the capability"* ]]
  ! sys_admin_in_capbnd
}

@test "harden: a successful create prints nothing; --debug shows the changes; config.hardened.json records them" {
  with_userns
  config_edit '.process.capabilities.bounding += ["CAP_SYS_ADMIN"] | .process.args = ["true"]'
  local pol="--profile restricted --policy-mode harden"
  # Files, not `run`: the created init keeps its stdio open until start.
  BW_POLICY=$pol bw create --bundle "$BUNDLE" quiet </dev/null >"$BUNDLE/quiet.out" 2>"$BUNDLE/quiet.err"
  cat "$BUNDLE/quiet.out" "$BUNDLE/quiet.err"
  [ ! -s "$BUNDLE/quiet.out" ] && [ ! -s "$BUNDLE/quiet.err" ]
  jq -e '.process.capabilities.bounding | index("CAP_SYS_ADMIN")' "$BUNDLE/config.json"
  jq -e '.process.capabilities.bounding | index("CAP_SYS_ADMIN") == null' "$BW_ROOT/quiet/config.hardened.json"
  BW_POLICY="--debug $pol" bw create --bundle "$BUNDLE" loud </dev/null >/dev/null 2>"$BUNDLE/loud.err"
  grep -F "debug: policy (profile restricted): hardened: BW010" "$BUNDLE/loud.err"
  # warn still warns without --debug: the container runs with the violation.
  BW_POLICY="--profile restricted --policy-mode warn" bw create --bundle "$BUNDLE" warned </dev/null >/dev/null 2>"$BUNDLE/warned.err"
  grep -F "warning: policy (profile restricted): BW010" "$BUNDLE/warned.err"
  ! grep -F "debug:" "$BUNDLE/warned.err"
}

@test "the policy file chooses the profile; flags win over it" {
  with_userns
  config_edit '.process.capabilities.bounding += ["CAP_SYS_ADMIN"]'
  echo '{"profile": "restricted", "mode": "enforce"}' >"$BUNDLE/policy.json"
  BW_POLICY="--policy $BUNDLE/policy.json" run fails_to_create pf
  [ "$status" -eq 1 ]
  [[ $output == *"BW010"* ]]
  BW_POLICY="--policy $BUNDLE/policy.json --policy-mode off" bw create --bundle "$BUNDLE" pf </dev/null >/dev/null 2>&1
  [ "$(bw state pf | jq -r .status)" = created ]
}

@test "an unknown profile is a usage error" {
  BW_POLICY="--profile nosuch" run fails_to_create np
  [ "$status" -eq 2 ]
  [[ $output == *"restricted, baseline or privileged"* ]]
}

@test "ping works without NET_RAW: ping_group_range opened to the mapped gids" {
  with_userns
  install -m 755 /dev/null "$BUNDLE/rootfs/bin/attack"
  gcc -static -O1 -o "$BUNDLE/rootfs/bin/attack" "$BATS_TEST_DIRNAME/helpers/attack.c"
  run run_in sh -c 'grep CapBnd /proc/self/status; cat /proc/sys/net/ipv4/ping_group_range; attack ping'
  [ "$status" -eq 0 ]
  hex=$(awk '/^CapBnd:/ {print $2}' <<<"$output")
  ((((0x$hex >> 13) & 1) == 0)) # no CAP_NET_RAW
  [[ $output == *"0	65535"* ]]
  [[ $output == *"ping: ok"* ]]
  # Docker's "every group" (gids beyond the mapping, which the kernel
  # refuses) is narrowed to the mapped gids: Docker sends it for every
  # container, to which harden adds the user namespace
  config_edit '.linux.sysctl = {"net.ipv4.ping_group_range": "0 2147483647"}'
  run run_in cat /proc/sys/net/ipv4/ping_group_range
  [ "$status" -eq 0 ]
  [[ $output == *"0	65535"* ]]
  # a range of which no gid is mapped is still refused (EINVAL)
  config_edit '.linux.sysctl = {"net.ipv4.ping_group_range": "70000 80000"}'
  run run_in true
  [ "$status" -ne 0 ]
  [[ $output == *"writing sysctl net.ipv4.ping_group_range=70000 80000"* ]] # EINVAL (no strerror for EINVAL)
  config_edit '.linux.sysctl = {"net.ipv4.ping_group_range": "0 65535"}'
  run run_in true
  [ "$status" -eq 0 ]
}

@test "without a network namespace of its own the host's ping_group_range is untouched" {
  local before
  before=$(cat /proc/sys/net/ipv4/ping_group_range)
  config_edit '.linux.namespaces |= map(select(.type != "network"))'
  run run_in true
  [ "$status" -eq 0 ]
  [ "$(cat /proc/sys/net/ipv4/ping_group_range)" = "$before" ]
}

@test "a network namespace joined by a path that is the host's (/proc/1/ns/net, or this shell's) is BW061: refused at create, found by audit" {
  with_userns
  # pid 1's namespaces are out of reach where root lacks CAP_SYS_PTRACE
  # (this VM): then this shell's, which is the host's too
  local p=/proc/1/ns/net
  stat -L "$p" >/dev/null 2>&1 || p=/proc/$$/ns/net
  echo "host netns path: $p"
  config_edit --arg p "$p" '.linux.namespaces = [.linux.namespaces[] | if .type == "network" then .path = $p else . end]'
  # the default policy (baseline, harden): BW061 is high and harden cannot
  # give the workload back a network of its own without breaking it
  BW_POLICY="" run fails_to_create hn
  [ "$status" -eq 1 ]
  [[ $output == *"BW061 [high] Host network namespace: the network namespace $p is the host's own"* ]]
  [ ! -e "$BW_ROOT/hn" ]
  run "$BULWARK" audit --format json "$BUNDLE"
  echo "$output"
  jq -e --arg p "$p" '.targets[0].findings | map(select(.rule == "BW061")) | length == 1 and
    (.[0].detail | contains($p)) and .[0].line > 1' <<<"$output"
}

@test "a network namespace of its own joined by path is not BW061, at create or in audit" {
  with_userns
  local dir
  dir=$(mktemp -d /tmp/bulwark-test-netns.XXXXXX)
  touch "$dir/net"
  unshare --net="$dir/net" true
  config_edit --arg p "$dir/net" '.linux.namespaces = [.linux.namespaces[] | if .type == "network" then .path = $p else . end]'
  BW_POLICY="" run run_in readlink /proc/self/ns/net
  local audit_out
  audit_out=$("$BULWARK" audit "$BUNDLE" 2>&1 || true)
  local want
  want=$(stat -L -c %i "$dir/net")
  umount "$dir/net" 2>/dev/null || true
  rm -rf "$dir"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[-1]}" = "net:[$want]" ]
  [[ $audit_out != *BW061* ]]
  [[ $output != *BW061* ]]
}
