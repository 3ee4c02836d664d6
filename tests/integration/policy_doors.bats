#!/usr/bin/env bats
# The policy judges what the kernel will act on: a user namespace joined by
# path by its real maps, every proc and sysfs mount, the device cgroup the
# rules leave, and limits the kernel would not enforce. Each door: the
# attack working with the policy off (so the test can fail), refused by
# restricted + enforce with the rule id, refused or fixed by the default
# profile in harden mode, and audit agreeing.

load helpers

setup() {
  setup_bundle
  HOLDERS=()
}

teardown() {
  local p
  for p in "${HOLDERS[@]}"; do kill "$p" 2>/dev/null || true; done
  if [[ -n ${NS_BIND:-} ]]; then umount "$NS_BIND" 2>/dev/null || true; rm -f "$NS_BIND"; fi
  teardown_bundle
}

RESTRICTED="--profile restricted --policy-mode enforce"
DEFAULT="" # the default profile (baseline) and mode (harden)

# A process of ours in a new user namespace whose uid and gid maps we write
# from here (host root may map anything): userns_holder "0 0 1". Its pid
# in HOLDER.
userns_holder() {
  unshare --user sleep 600 &
  HOLDER=$!
  HOLDERS+=("$HOLDER")
  local i
  for i in $(seq 50); do
    [[ $(readlink "/proc/$HOLDER/ns/user") != $(readlink /proc/self/ns/user) ]] && break
    sleep 0.1
  done
  echo "$1" >"/proc/$HOLDER/uid_map"
  echo "$1" >"/proc/$HOLDER/gid_map"
}

join_userns() { # join_userns PATH: the container joins that user namespace
  config_edit --arg p "$1" '.linux.namespaces += [{"type": "user", "path": $p}]
    | del(.linux.uidMappings, .linux.gidMappings)
    | (.mounts[] | select(.type == "devpts") | .options) |= map(select(. != "gid=5"))'
}

# Rule ids audit reports as violations for the bundle's config.
audit_violations() { # audit_violations [--profile P]
  "$BULWARK" audit --format json "$@" "$BUNDLE/config.json" |
    jq -r '[.targets[].findings[] | select(.violation) | .rule] | unique | join(" ")'
}

refused_with() { # refused_with POLICY ID RULE...: create fails, naming every RULE
  local pol=$1 id=$2; shift 2
  BW_POLICY=$pol run fails_to_create "$id"
  [ "$status" -eq 1 ] || { echo "create did not fail (status $status)"; return 1; }
  local r
  for r in "$@"; do
    [[ $output == *"$r ["* ]] || { echo "no $r in: $output"; return 1; }
  done
  [ ! -e "$BW_ROOT/$id" ]
}

# --- 1. a user namespace joined by path ------------------------------------

@test "joined user namespace mapping host root: the attack works with the policy off, restricted and default refuse it (BW041, BW042), audit agrees" {
  mkdir -p "$BUNDLE/rootfs/host-proc"
  userns_holder "0 0 1"
  [ "$(awk '{print $1, $2, $3}' "/proc/$HOLDER/uid_map")" = "0 0 1" ]
  join_userns "/proc/$HOLDER/ns/user"
  config_edit '.mounts += [{"destination": "/host-proc", "type": "proc", "source": "proc"}]'
  # Policy off: host uid 0, and core_pattern writable through the second
  # proc (the value written is the one read: the host is unchanged).
  run run_in sh -c 'cat /proc/self/uid_map; v=$(cat /host-proc/sys/kernel/core_pattern)
    printf "%s\n" "$v" >/host-proc/sys/kernel/core_pattern && echo CORE-PATTERN-WRITTEN'
  [ "$status" -eq 0 ]
  [[ $output == *"CORE-PATTERN-WRITTEN"* ]]
  [ "$(head -1 <<<"$output" | awk '{print $1, $2, $3}')" = "0 0 1" ]
  refused_with "$RESTRICTED" r BW041 BW042 BW095
  [[ $output == *"the joined user namespace /proc/$HOLDER/ns/user maps container 0 to host 0 in its uid_map"* ]]
  refused_with "$DEFAULT" d BW041
  run audit_violations --profile restricted
  [[ " $output " == *" BW041 "* && " $output " == *" BW042 "* && " $output " == *" BW095 "* ]]
  run audit_violations
  [[ " $output " == *" BW041 "* ]]
}

@test "joined user namespace: other spellings of the path (a bind-mounted ns file, /proc/PID/task/PID/ns/user) are judged the same" {
  userns_holder "0 0 1"
  NS_BIND=$(mktemp /tmp/bulwark-test-userns.XXXXXX)
  mount --bind "/proc/$HOLDER/ns/user" "$NS_BIND"
  local base
  base=$(cat "$BUNDLE/config.json")
  local p
  for p in "$NS_BIND" "/proc/$HOLDER/task/$HOLDER/ns/user" "/proc/$HOLDER/../$HOLDER/ns/user"; do
    printf '%s\n' "$base" >"$BUNDLE/config.json"
    join_userns "$p"
    refused_with "$RESTRICTED" "v$((++n))" BW041
    run audit_violations
    [[ " $output " == *" BW041 "* ]] || { echo "audit of $p: $output"; return 1; }
  done
}

@test "joined user namespace with an unprivileged range is not BW041; one that cannot be read is BW044" {
  userns_holder "0 3000000 65536"
  join_userns "/proc/$HOLDER/ns/user"
  run audit_violations --profile restricted
  [[ " $output " != *" BW041 "* && " $output " != *" BW042 "* && " $output " != *" BW044 "* ]]
  # It runs (policy off and default): ids are the range's, not host root.
  run run_in cat /proc/self/uid_map
  [ "$status" -eq 0 ]
  [ "$(awk '{print $1, $2, $3}' <<<"$output")" = "0 3000000 65536" ]
  # A path that names no user namespace: not judged, refused.
  config_edit '(.linux.namespaces[] | select(.type == "user")).path = "/proc/self/ns/net"'
  refused_with "$RESTRICTED" u BW044
  refused_with "$DEFAULT" u2 BW044
  run audit_violations
  [[ " $output " == *" BW044 "* ]]
}

@test "host namespaces joined by another spelling: /proc/self, /proc/thread-self, a bind of the host's net ns file" {
  NS_BIND=$(mktemp /tmp/bulwark-test-netns.XXXXXX)
  mount --bind /proc/self/ns/net "$NS_BIND"
  local base p
  base=$(cat "$BUNDLE/config.json")
  for p in /proc/self/ns/net /proc/thread-self/ns/net "$NS_BIND" "/proc/$$/../$$/ns/net"; do
    printf '%s\n' "$base" >"$BUNDLE/config.json"
    config_edit --arg p "$p" '(.linux.namespaces[] | select(.type == "network")).path = $p'
    refused_with "$RESTRICTED" "n$((++n))" BW061
    run audit_violations
    [[ " $output " == *" BW061 "* ]] || { echo "audit of $p: $output"; return 1; }
  done
}

# --- 2. every proc and sysfs mount -----------------------------------------

@test "a proc or sysfs mount outside /proc and /sys is refused (BW095): restricted, default, audit" {
  local base m
  base=$(cat "$BUNDLE/config.json")
  for m in '{"destination": "/host-proc", "type": "proc", "source": "proc"}' \
           '{"destination": "/proc/sys", "type": "proc", "source": "proc"}' \
           '{"destination": "/tmp/../hp", "type": "proc", "source": "proc"}' \
           '{"destination": "/host-sys", "type": "sysfs", "source": "sysfs", "options": ["ro"]}'; do
    printf '%s\n' "$base" >"$BUNDLE/config.json"
    config_edit --argjson m "$m" '.mounts += [$m]'
    refused_with "$RESTRICTED" "p$((++n))" BW095
    refused_with "$DEFAULT" "p$((++n))" BW095
    run audit_violations
    [[ " $output " == *" BW095 "* ]] || { echo "audit of $m: $output"; return 1; }
  done
  # The ordinary /proc and /sys, however spelled, are not.
  printf '%s\n' "$base" >"$BUNDLE/config.json"
  config_edit '(.mounts[] | select(.type == "proc")).destination = "//proc/./"'
  run audit_violations --profile restricted
  [[ " $output " != *" BW095 "* ]]
}

# A nested user and pid namespace inside the container tries to mount a
# fresh proc (and a user+net one a fresh sysfs). The kernel allows it only
# while the mount namespace holds a fully visible one.
nested_mount_attempt() { # nested_mount_attempt [--no-pivot]
  mkdir -p "$BUNDLE/rootfs/mnt"
  # SETFCAP lets the nested namespace map root; seccomp off lets unshare
  # and mount through: only the masks are left to stop it.
  config_edit '.linux.namespaces += [{"type": "user"}] | del(.linux.seccomp)
    | .process.capabilities.bounding += ["CAP_SETFCAP"] | .process.capabilities.permitted += ["CAP_SETFCAP"]
    | .process.capabilities.effective += ["CAP_SETFCAP"]
    | .process.args = ["sh", "-c", "unshare -Urmpf mount -t proc proc /mnt && echo PROC-MOUNTED && ls /mnt/sys/kernel/core_pattern; unshare -Urmnf mount -t sysfs sysfs /mnt && echo SYSFS-MOUNTED; echo done"]'
  bw run "$@" --bundle "$BUNDLE" "nest$((++NEST))"
}

@test "nested user namespace: no fresh unmasked proc or sysfs, with pivot_root and with --no-pivot" {
  NEST=0
  local base
  base=$(cat "$BUNDLE/config.json")
  run nested_mount_attempt
  [ "$status" -eq 0 ]
  [[ $output == *"done"* && $output != *"MOUNTED"* ]]
  printf '%s\n' "$base" >"$BUNDLE/config.json"
  run nested_mount_attempt --no-pivot
  [ "$status" -eq 0 ]
  [[ $output == *"done"* && $output != *"MOUNTED"* ]]
  # Without masks the kernel allows it: the check above can fail.
  printf '%s\n' "$base" >"$BUNDLE/config.json"
  config_edit '.linux.maskedPaths = [] | .linux.readonlyPaths = []'
  run nested_mount_attempt
  [[ $output == *"PROC-MOUNTED"* ]]
}

# --- 3. device rules as the kernel evaluates them --------------------------

# Nodes shipped in the image (made on the host, in the bundle's rootfs):
# /kmsg c 1:11, /dma c 10:62 (cpu_dma_latency). An open the device cgroup
# refuses fails with EPERM before the driver is asked.
ship_nodes() {
  mknod -m 666 "$BUNDLE/rootfs/kmsg" c 1 11
  mknod -m 666 "$BUNDLE/rootfs/dma" c 10 62
}
PROBE='printf "<7>bulwark-policy-doors-test\n" >/kmsg && echo KMSG-OPEN
  e=$(head -c4 /dma 2>&1 >/dev/null); case $e in *"not permitted"*) ;; *) echo "DMA-OPEN ($e)" ;; esac; echo done'

@test "device rules: c 10:* rwm, c 1:11 rw, c *:* after a deny, b 254:* rw are BW082; default harden closes them; the nodes stay shut" {
  ship_nodes
  config_edit '.linux.resources.devices += [{"allow": true, "type": "c", "major": 10, "access": "rwm"},
                                           {"allow": true, "type": "c", "major": 1, "minor": 11, "access": "rw"}]'
  # Policy off: the image's nodes open host devices.
  run run_in sh -c "$PROBE"
  [[ $output == *"KMSG-OPEN"* && $output == *"DMA-OPEN"* ]]
  refused_with "$RESTRICTED" r BW082
  [[ $output == *"allows c 10:* rwm"* && $output == *"allows c 1:11 rw"* ]]
  run audit_violations --profile restricted
  [[ " $output " == *" BW082 "* ]]
  # Default profile, harden: deny all again, then the defaults.
  BW_POLICY=$DEFAULT run run_in sh -c "$PROBE"
  [[ $output == *"done"* && $output != *"KMSG-OPEN"* && $output != *"DMA-OPEN"* ]]
  BW_POLICY="--profile restricted --policy-mode harden" run run_in sh -c "$PROBE"
  [[ $output == *"done"* && $output != *"KMSG-OPEN"* && $output != *"DMA-OPEN"* ]]
  local rule
  for rule in '{"allow": true, "type": "c", "access": "rwm"}' '{"allow": true, "access": "rwm"}' \
              '{"allow": true, "type": "b", "major": 254, "access": "rw"}' \
              '{"allow": true, "type": "b", "major": 254, "minor": 0, "access": "rw"}'; do
    config_edit --argjson r "$rule" '.linux.resources.devices = [{"allow": false, "access": "rwm"}, $r]'
    refused_with "$RESTRICTED" "x$((++n))" BW082
    run audit_violations
    [[ " $output " == *" BW082 "* ]] || { echo "audit of $rule: $output"; return 1; }
  done
  # No rules at all: the kernel allows every device.
  config_edit 'del(.linux.resources.devices)'
  run run_in sh -c "$PROBE"
  [[ $output == *"KMSG-OPEN"* ]]
  refused_with "$RESTRICTED" none BW082
  BW_POLICY=$DEFAULT run run_in sh -c "$PROBE"
  [[ $output == *"done"* && $output != *"KMSG-OPEN"* && $output != *"DMA-OPEN"* ]]
}

@test "linux.devices makes the node, resources.devices decides: /dev/kmsg listed under deny-all does not open; an explicit allow opens it" {
  config_edit '.linux.devices = [{"path": "/dev/kmsg", "type": "c", "major": 1, "minor": 11, "fileMode": 438}]
    | .linux.resources.devices = [{"allow": false, "access": "rwm"}]'
  run run_in sh -c 'ls -l /dev/kmsg; printf "<7>bulwark-policy-doors-test\n" >/dev/kmsg && echo KMSG-OPEN; echo done'
  [[ $output == *"done"* && $output != *"KMSG-OPEN"* ]]
  [[ $output == *"crw"* ]] # the node is there
  config_edit '.linux.resources.devices += [{"allow": true, "type": "c", "major": 1, "minor": 11, "access": "rw"}]'
  run run_in sh -c 'printf "<7>bulwark-policy-doors-test\n" >/dev/kmsg && echo KMSG-OPEN; echo done'
  [[ $output == *"KMSG-OPEN"* ]]
  # That config is a host device for the policy (BW081), not BW082.
  refused_with "$RESTRICTED" k BW081
  [[ $output != *"BW082 ["* ]]
}

# --- 4. limits the kernel would not enforce --------------------------------

@test "a pids limit at or above pid_max is none (BW102): restricted refuses, default harden sets 4096" {
  local max
  max=$(cat /proc/sys/kernel/pid_max)
  config_edit --argjson l "$((max + 1))" '.linux.resources.pids = {"limit": $l} | .process.args = ["sleep", "100"]'
  refused_with "$RESTRICTED" r BW102
  [[ $output == *"is not below the kernel's pid_max $max"* ]]
  run audit_violations
  [[ " $output " == *" BW102 "* ]]
  BW_POLICY=$DEFAULT bw create --bundle "$BUNDLE" d </dev/null >/dev/null 2>&1
  [ "$(cat /sys/fs/cgroup/pids/bulwark/d/pids.max)" = 4096 ]
  # Below pid_max it stands.
  config_edit --argjson l "$((max - 1))" '.linux.resources.pids = {"limit": $l}'
  run audit_violations
  [[ " $output " != *" BW102 "* ]]
}

@test "a tmpfs without size= is BW104: restricted refuses in enforce, harden bounds it (64m under /dev, 1g elsewhere)" {
  config_edit '.mounts += [{"destination": "/scratch", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid"]},
                           {"destination": "/dev/shm", "type": "tmpfs", "source": "shm", "options": ["size=0"]}]
    | .mounts |= (map(select(.destination != "/dev/shm")) + [last])'
  mkdir -p "$BUNDLE/rootfs/scratch"
  refused_with "$RESTRICTED" r BW104
  [[ $output == *"tmpfs at /scratch has no size= bound"* && $output == *"tmpfs at /dev/shm has no size= bound"* ]]
  run audit_violations --profile restricted
  [[ " $output " == *" BW104 "* ]]
  # Policy off: unbounded (the kernel's half of memory, or none for size=0).
  run run_in sh -c 'grep -E " /(scratch|dev/shm) " /proc/self/mounts'
  [[ $output != *"size=1048576k"* && $output != *"size=65536k"* ]]
  BW_POLICY="--profile restricted --policy-mode harden" run run_in sh -c 'grep -E " /(scratch|dev/shm) " /proc/self/mounts'
  [ "$status" -eq 0 ]
  [[ $output == *" /scratch tmpfs "*"size=1048576k"* ]]
  [[ $output == *" /dev/shm tmpfs "*"size=65536k"* ]]
  # The default profile leaves it (baseline allows BW104), audit agrees.
  run audit_violations
  [[ " $output " != *" BW104 "* ]]
}

@test "joined user namespace: BW043 judges its real maps (ids no /etc/subuid line gives); a live container's own namespace (a pod sharing it) passes" {
  local v=$BUNDLE/victim pid
  # host root made this namespace onto ids of a host user outside
  # /etc/passwd and /etc/subuid (an LDAP user's, say) who owns the folder
  ! grep -qE ':30000000[0-9]{2}:' /etc/subuid /etc/subgid
  userns_holder "0 3000000000 65536"
  mkdir "$v"; echo secret >"$v/secret"; chmod 600 "$v/secret"; chmod 700 "$v"; chown -R 3000000000:3000000000 "$v"
  join_userns "/proc/$HOLDER/ns/user"
  config_edit --arg v "$v" '.mounts += [{"destination": "/tmp", "type": "bind", "source": $v, "options": ["rbind", "rw"]}]'
  # the attack works with the policy off: container root is that user on the bind
  run run_in cat /tmp/secret
  echo "policy off: $output"
  [ "$status" -eq 0 ]
  [ "$output" = secret ]
  local pol
  for pol in "$RESTRICTED" "$DEFAULT"; do
    BW_POLICY=$pol run fails_to_create "j${#pol}"
    echo "${pol:-default}: $output"
    [ "$status" -eq 1 ]
    [[ $output == *"BW043 ["*"the joined user namespace /proc/$HOLDER/ns/user, in its uid_map, maps container 0-65535 onto host uids 3000000000-3000065535, outside every subordinate range of /etc/subuid"* ]]
  done
  run audit_violations
  [[ " $output " == *" BW043 "* ]]
  # a live container's namespace, joined by a second one: its own range, not a mapping onto it
  config_edit 'del(.mounts[] | select(.destination == "/tmp" and .type == "bind")) | .linux.namespaces |= map(select(.type != "user"))'
  BW_POLICY=$DEFAULT create_bg pause sleep 100
  pid=$(bw state pause | jq -r .pid)
  [ "$(awk '{print $2}' "/proc/$pid/uid_map")" -ge 65536 ]
  join_userns "/proc/$pid/ns/user"
  BW_POLICY=$DEFAULT run run_in cat /proc/self/uid_map
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$(awk '{print $1, $2, $3}' <<<"$output")" = "$(awk '{print $1, $2, $3}' "/proc/$pid/uid_map")" ]
  run audit_violations --profile restricted
  [[ " $output " != *" BW043 "* ]]
}
