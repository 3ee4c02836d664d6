#!/usr/bin/env bats
# Containers that join other namespaces by path (a Kubernetes pod's
# containers join its sandbox's; Docker's --pid/--ipc container:X), and
# containers without a mount namespace. Every check compares namespaces
# as the kernel names them (readlink of /proc/PID/ns/*), from inside the
# container and from the host.

load helpers

setup() {
  [ "$(id -u)" = 0 ] || skip "needs root"
  "$BULWARK" setup >/dev/null
  setup_bundle
  SANDBOX=$(mktemp -d /tmp/bulwark-test-sandbox.XXXXXX)
  chmod 755 "$SANDBOX"
  make_rootfs "$SANDBOX/rootfs"
  NETNS_DIR=
}

teardown() {
  [ "$(id -u)" = 0 ] || return 0
  teardown_bundle
  rm -rf "$SANDBOX"
  if [ -n "$NETNS_DIR" ]; then
    umount "$NETNS_DIR/net" 2>/dev/null || true
    rm -rf "$NETNS_DIR"
  fi
}

# bulwark spec's config (a user namespace without mappings) in bundle $1,
# running "$2..."; jq filter in $FILTER applied after.
spec_config() {
  local bundle=$1; shift
  local args
  args=$(jq -cn '$ARGS.positional' --args -- "$@")
  rm -f "$bundle/config.json"
  "$BULWARK" spec --bundle "$bundle" >/dev/null
  jq --argjson a "$args" '.process.terminal = false | .root.readonly = false | .process.args = $a' \
    "$bundle/config.json" >"$bundle/c" && mv "$bundle/c" "$bundle/config.json"
}

edit() {
  local f=$1/config.json; shift
  jq "$@" "$f" >"$f.new" && mv "$f.new" "$f"
}

# A network namespace made the way CNI makes a pod's: in the host's user
# namespace, bind-mounted on a file, not the host's own.
engine_netns() {
  NETNS_DIR=$(mktemp -d /tmp/bulwark-test-netns.XXXXXX)
  touch "$NETNS_DIR/net"
  unshare --net="$NETNS_DIR/net" true
}

# Start the pod's sandbox (pause: sleep) as $1 with the annotations CRI sets.
start_sandbox() {
  local id=$1
  edit "$SANDBOX" --arg id "$id" '.annotations["io.kubernetes.cri.container-type"] = "sandbox"
    | .annotations["io.kubernetes.cri.sandbox-id"] = $id'
  bw create --bundle "$SANDBOX" "$id" </dev/null >/dev/null
  bw start "$id"
  SB_PID=$(bw state "$id" | jq .pid)
}

# The container's config joins the sandbox's network, IPC and UTS
# namespaces by path, as CRI writes it.
join_sandbox() {
  edit "$BUNDLE" --arg p "$SB_PID" --arg sb "$1" '.linux.namespaces |= map(
        if .type == "network" then .path = "/proc/\($p)/ns/net"
        elif .type == "ipc" or .type == "uts" then .path = "/proc/\($p)/ns/\(.type)"
        else . end)
    | .annotations["io.kubernetes.cri.container-type"] = "container"
    | .annotations["io.kubernetes.cri.sandbox-id"] = $sb'
}

NS_PROBE='for n in user net ipc uts; do readlink /proc/self/ns/$n; done; hostname; cat /proc/self/uid_map | tr -s " "'

# What the probe must print for a process sharing the sandbox's namespaces.
expected_from_sandbox() {
  local n
  for n in user net ipc uts; do readlink "/proc/$SB_PID/ns/$n"; done
  nsenter -t "$SB_PID" -u hostname
  tr -s ' ' <"/proc/$SB_PID/uid_map"
}

@test "a pod under the default policy: the sandbox in an engine-made network namespace, a container joining its network, IPC and UTS namespaces by path shares its user namespace" {
  engine_netns
  spec_config "$SANDBOX" sleep 1000
  edit "$SANDBOX" --arg p "$NETNS_DIR/net" '.linux.namespaces |= map(if .type == "network" then .path = $p else . end)'
  BW_POLICY= start_sandbox sb-$$
  # the sandbox got a user namespace of its own (the default adds one)
  [ "$(readlink /proc/$SB_PID/ns/user)" != "$(readlink /proc/self/ns/user)" ]
  [ "$(readlink /proc/$SB_PID/ns/net)" = "net:[$(stat -L -c %i "$NETNS_DIR/net")]" ]
  spec_config "$BUNDLE" sh -c "$NS_PROBE; touch /dev/mqueue/q && echo mqueue-ok"
  join_sandbox sb-$$
  BW_POLICY= run bw run --bundle "$BUNDLE" ctr-$$
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$output" = "$(expected_from_sandbox; echo mqueue-ok)" ]
  # the message queue is the sandbox's: the pod shares its IPC namespace
  run nsenter -t "$SB_PID" -m ls /dev/mqueue
  [ "$output" = q ]
}

@test "a pod under --policy-mode off: runc-style configs (no user namespace) join the sandbox's namespaces by path" {
  write_config "$SANDBOX" sleep 1000
  start_sandbox sb-$$
  config_edit --arg s "$NS_PROBE" '.process.args = ["sh", "-c", $s]'
  join_sandbox sb-$$
  run bw run --bundle "$BUNDLE" ctr-$$
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$output" = "$(expected_from_sandbox)" ]
  # no user namespace on either side: the host's
  [ "${lines[0]}" = "$(readlink /proc/self/ns/user)" ]
}

@test "a pod under --policy-mode off with bulwark spec's configs: the container's user namespace without mappings becomes the sandbox's" {
  spec_config "$SANDBOX" sleep 1000
  start_sandbox sb-$$
  spec_config "$BUNDLE" sh -c "$NS_PROBE"
  join_sandbox sb-$$
  run bw run --bundle "$BUNDLE" ctr-$$
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$output" = "$(expected_from_sandbox)" ]
  [ "${lines[0]}" != "$(readlink /proc/self/ns/user)" ]
}

@test "joining the sandbox's pid namespace by path under the default policy (Docker's --pid container:X): it sees the sandbox's processes, run waits for it and passes its exit status" {
  spec_config "$SANDBOX" sleep 1000
  BW_POLICY= start_sandbox sb-$$
  spec_config "$BUNDLE" sh -c 'readlink /proc/self/ns/pid; readlink /proc/self/ns/user; ps -o args | grep -c "^sleep 1000"; exit 7'
  edit "$BUNDLE" --arg p "/proc/$SB_PID/ns/pid" '.linux.namespaces |= map(if .type == "pid" then .path = $p else . end)'
  # init is forked inside the joined pid namespace: it must still be
  # run's child, or run would wait for ever
  run timeout 60 "$BULWARK" --root "$BW_ROOT" run --bundle "$BUNDLE" pidj
  echo "$output"
  [ "$status" -eq 7 ]
  [ "${lines[0]}" = "$(readlink /proc/$SB_PID/ns/pid)" ]
  [ "${lines[1]}" = "$(readlink /proc/$SB_PID/ns/user)" ]
  [ "${lines[2]}" = 1 ]
  run bw list -q
  [ "$output" = "sb-$$" ]
}

@test "joining another container's pid namespace by path is BW068, naming it: restricted refuses it unless io.kubernetes.cri.sandbox-id names that container; the default policy runs it and --debug names the container" {
  spec_config "$SANDBOX" sleep 1000
  BW_POLICY= start_sandbox sb-$$
  spec_config "$BUNDLE" readlink /proc/self/ns/pid
  edit "$BUNDLE" --arg p "/proc/$SB_PID/ns/pid" '.linux.namespaces |= map(if .type == "pid" then .path = $p else . end)'
  run "$BULWARK" --root "$BW_ROOT" --profile restricted run --bundle "$BUNDLE" r1
  echo "$output"
  [ "$status" -eq 1 ]
  [[ $output == *"BW068"*"the pid namespace /proc/$SB_PID/ns/pid belongs to container sb-$$, and the config does not declare that container as its pod's sandbox (annotation io.kubernetes.cri.sandbox-id)"* ]]
  # the annotation naming another container changes nothing
  edit "$BUNDLE" '.annotations["io.kubernetes.cri.sandbox-id"] = "someone-else"'
  run "$BULWARK" --root "$BW_ROOT" --profile restricted run --bundle "$BUNDLE" r2
  echo "$output"
  [ "$status" -eq 1 ]
  [[ $output == *"BW068"*"belongs to container sb-$$"* ]]
  # naming that container declares the pod
  edit "$BUNDLE" --arg s "sb-$$" '.annotations["io.kubernetes.cri.sandbox-id"] = $s'
  run "$BULWARK" --root "$BW_ROOT" --profile restricted run --bundle "$BUNDLE" r3
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$output" = "$(readlink "/proc/$SB_PID/ns/pid")" ]
  # the default policy (baseline) runs it and --debug says whose it is
  edit "$BUNDLE" 'del(.annotations["io.kubernetes.cri.sandbox-id"])'
  run "$BULWARK" --root "$BW_ROOT" --debug run --bundle "$BUNDLE" r4
  echo "$output"
  [ "$status" -eq 0 ]
  [[ $output == *"debug: runtime: the pid namespace /proc/$SB_PID/ns/pid belongs to the user namespace of container sb-$$"* ]]
  [ "${lines[-1]}" = "$(readlink "/proc/$SB_PID/ns/pid")" ]
  # its user namespace alone, joined by path: the same
  spec_config "$BUNDLE" readlink /proc/self/ns/user
  edit "$BUNDLE" --arg p "/proc/$SB_PID/ns/user" '.linux.namespaces |= map(if .type == "user" then .path = $p else . end)
    | del(.linux.uidMappings, .linux.gidMappings)'
  run "$BULWARK" --root "$BW_ROOT" --profile restricted run --bundle "$BUNDLE" r5
  echo "$output"
  [ "$status" -eq 1 ]
  [[ $output == *"BW068"*"the user namespace /proc/$SB_PID/ns/user belongs to container sb-$$"* ]]
  edit "$BUNDLE" --arg s "sb-$$" '.annotations["io.kubernetes.cri.sandbox-id"] = $s'
  run "$BULWARK" --root "$BW_ROOT" --profile restricted run --bundle "$BUNDLE" r6
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$output" = "$(readlink "/proc/$SB_PID/ns/user")" ]
  run bw list -q
  [ "$output" = "sb-$$" ]
}

@test "exec into a pod container whose network namespace the engine made: joined before its user namespace, as at create" {
  engine_netns
  spec_config "$SANDBOX" sleep 1000
  edit "$SANDBOX" --arg p "$NETNS_DIR/net" '.linux.namespaces |= map(if .type == "network" then .path = $p else . end)'
  BW_POLICY= start_sandbox sb-$$
  spec_config "$BUNDLE" sleep 1000
  join_sandbox sb-$$
  BW_POLICY= bw create --bundle "$BUNDLE" ctr-$$ </dev/null >/dev/null
  BW_POLICY= bw start ctr-$$
  BW_POLICY= run bw exec ctr-$$ sh -c "$NS_PROBE"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$output" = "$(expected_from_sandbox)" ]
}

@test "joining the host's network, IPC or pid namespace by path under the default policy is refused with BW061, BW062, BW060 and the fix; nothing is left" {
  local t rule
  # this shell's namespaces are the host's (pid 1 may be hidden from us)
  for t in net:network:BW061 ipc:ipc:BW062 pid:pid:BW060; do
    IFS=: read -r proc type rule <<<"$t"
    spec_config "$BUNDLE" true
    edit "$BUNDLE" --arg p "/proc/$$/ns/$proc" --arg t "$type" '.linux.namespaces |= map(if .type == $t then .path = $p else . end)'
    BW_POLICY= run bw run --bundle "$BUNDLE" host-$proc
    echo "$output"
    [ "$status" -ne 0 ]
    [[ $output == *"$rule ["*"the $type namespace /proc/$$/ns/$proc is the host's own"* ]]
    [[ $output == *"fix: Drop docker run --"* ]]
    [[ $output != *"Operation not permitted"* ]]
    run bw list -q
    [ -z "$output" ]
  done
}

@test "a new user namespace with mappings that joins a sandbox's IPC namespace: BW067 and its fix under the default policy and under --policy-mode off, never the kernel's EPERM" {
  spec_config "$SANDBOX" sleep 1000
  BW_POLICY= start_sandbox sb-$$
  spec_config "$BUNDLE" true
  join_sandbox sb-$$
  edit "$BUNDLE" '.linux.uidMappings = [{"containerID": 0, "hostID": 300000, "size": 65536}]
    | .linux.gidMappings = [{"containerID": 0, "hostID": 300000, "size": 65536}]'
  run bw run --bundle "$BUNDLE" ctr-$$
  echo "$output"
  [ "$status" -ne 0 ]
  [[ $output == *"the ipc namespace /proc/$SB_PID/ns/ipc belongs to the user namespace of container sb-$$; the container's new user namespace has no privilege over it, so mounting an mqueue filesystem for it would fail (BW067 "* ]]
  [[ $output == *"fix: config.json: join the owner's user namespace too"* ]]
  [[ $output != *"Operation not permitted"* ]]
  BW_POLICY= run bw run --bundle "$BUNDLE" ctr-$$
  echo "$output"
  [ "$status" -ne 0 ]
  [[ $output == *"BW067 [high] Joined namespace owned by another user namespace: the ipc namespace /proc/$SB_PID/ns/ipc belongs to the user namespace of container sb-$$"* ]]
  [[ $output != *"Operation not permitted"* ]]
  run bw list -q
  [ "$output" = "sb-$$" ]
}

# A config without a mount namespace and nothing that needs one.
no_mount_ns() {
  config_edit '.linux.namespaces |= map(select(.type != "mount"))
    | del(.mounts, .linux.maskedPaths, .linux.readonlyPaths) | .root.readonly = false'
}

@test "no mount namespace under --policy-mode off and --profile privileged: the container shares the host's, is chrooted into its rootfs, mounts nothing, and exec lands in the same root" {
  local mode
  for mode in --policy-mode=off --profile=privileged; do
    write_config "$BUNDLE" sleep 1000
    no_mount_ns
    BW_POLICY=$mode bw create --bundle "$BUNDLE" nomnt </dev/null >/dev/null
    BW_POLICY=$mode bw start nomnt
    local pid
    pid=$(bw state nomnt | jq .pid)
    [ "$(readlink /proc/$pid/ns/mnt)" = "$(readlink /proc/self/ns/mnt)" ]
    [ "$(readlink /proc/$pid/root)" = "$(realpath "$BUNDLE/rootfs")" ]
    # nothing of the container's is in the (shared) mount table
    run grep -c -F "$BUNDLE" /proc/self/mountinfo
    [ "$output" = 0 ]
    # exec gets init's root, not the host's: the image's passwd
    BW_POLICY=$mode run bw exec nomnt cat /etc/passwd
    [ "$status" -eq 0 ]
    [ "$output" = "root:x:0:0:root:/root:/bin/sh" ]
    bw delete --force nomnt
    run grep -c -F "$BUNDLE" /proc/self/mountinfo
    [ "$output" = 0 ]
    run bw list -q
    [ -z "$output" ]
  done
  # and in the foreground
  write_config "$BUNDLE" sh -c 'cat /etc/passwd; ls /proc | wc -l'
  no_mount_ns
  BW_POLICY=--policy-mode=off run bw run --bundle "$BUNDLE" fg
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "root:x:0:0:root:/root:/bin/sh" ]
  [ "${lines[1]}" = 0 ] # no /proc was mounted: the image's empty directory
}

@test "no mount namespace with mounts, masked paths or a read-only root: refused with the reason and the fix under --policy-mode off" {
  write_config "$BUNDLE" true
  config_edit '.linux.namespaces |= map(select(.type != "mount")) | .root.readonly = false'
  run bw run --bundle "$BUNDLE" nomnt
  echo "$output"
  [ "$status" -ne 0 ]
  [ "$output" = 'bulwark: config.json: the container has no mount namespace, so it shares the runtime'"'"'s (the host'"'"'s), and mounts needs a mount that would be made there and outlive the container; add {"type": "mount"} to linux.namespaces, or remove mounts (without a mount namespace bulwark mounts nothing: the process is chrooted into root.path)' ]
  config_edit 'del(.mounts) | .root.readonly = true | del(.linux.maskedPaths, .linux.readonlyPaths)'
  run bw run --bundle "$BUNDLE" nomnt
  [ "$status" -ne 0 ]
  [[ $output == *"and root.readonly needs a mount"* ]]
  run grep -c -F "$BUNDLE" /proc/self/mountinfo
  [ "$output" = 0 ]
}

@test "no mount namespace under the default policy and under --profile restricted: refused with BW065 and its fix" {
  local pol
  for pol in "" "--profile restricted --policy-mode enforce"; do
    write_config "$BUNDLE" true
    no_mount_ns
    BW_POLICY=$pol run bw run --bundle "$BUNDLE" nomnt
    echo "$output"
    [ "$status" -ne 0 ]
    [[ $output == *"BW065 [critical] Host mount namespace: no mount namespace: the container shares the host's"* ]]
    [[ $output == *'fix: config.json: add {"type": "mount"} to linux.namespaces.'* ]]
    run bw list -q
    [ -z "$output" ]
  done
}
