#!/usr/bin/env bats
# Bind sources are judged on what they are on this host (the canonical path,
# device and inode the runtime resolved), not on their text; mount options are
# read by one parser, in order, by the policy and the mounter alike.

load helpers

RESTRICTED="--profile restricted --policy-mode enforce"

setup() {
  setup_bundle
  # bulwark spec's config passes the restricted profile: a refusal below is
  # the mount's doing, and an allowed mount really runs.
  (cd "$BUNDLE" && rm -f config.json && "$BULWARK" spec)
  config_edit '.process.terminal = false | .process.args = ["true"]'
  TMP=$(mktemp -d /tmp/bulwark-test-src.XXXXXX)
  chmod 755 "$TMP"
  CREATED=()
}

teardown() {
  teardown_bundle
  local p
  if [[ -n ${SUBMOUNT:-} ]]; then umount "$SUBMOUNT" 2>/dev/null || true; fi
  # What a test made on the host outside its temporary directory, newest first.
  for ((i = ${#CREATED[@]} - 1; i >= 0; i--)); do
    p=${CREATED[i]}
    if [[ -d $p && ! -L $p ]]; then rmdir "$p" 2>/dev/null || true; else rm -f "$p"; fi
  done
  rm -rf "$TMP"
}

# One bind mount of SRC at /mnt with the options that follow.
bind_src() {
  local src=$1; shift
  config_edit --arg s "$src" --argjson o "$(jq -cn '$ARGS.positional' --args -- "$@")" \
    '.mounts += [{"destination": "/mnt", "type": "bind", "source": $s, "options": $o}]'
}

unix_socket() { # a listening-capable unix socket file at $1
  python3 -c 'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$1"
}

# Refused with RULE under restricted+enforce; and, unless the rule is one
# baseline allows (BW072), under the defaults (baseline, harden) too. Nothing
# is left behind.
refused() {
  local rule=$1
  BW_POLICY=$RESTRICTED run fails_to_create "r$BATS_TEST_NUMBER"
  echo "restricted: $output"
  [ "$status" -eq 1 ]
  [[ $output == *"$rule"* ]]
  if [[ $rule != BW072 ]]; then
    BW_POLICY= run fails_to_create "d$BATS_TEST_NUMBER"
    echo "default: $output"
    [ "$status" -eq 1 ]
    [[ $output == *"$rule"* ]]
  fi
  [ -z "$(state_left)" ]
}

# The rule ids `audit --profile restricted` reports for the bundle.
audit_ids() {
  "$BULWARK" audit --profile restricted --format json "$BUNDLE" |
    jq -r '[.targets[0].findings[] | select(.violation) | .rule] | unique | join(" ")'
}

audit_details() {
  "$BULWARK" audit --profile restricted --format json "$BUNDLE" | jq -r '.targets[0].findings[].detail'
}

# Audit agrees with create: the rule is among audit's violations.
audit_agrees() {
  run audit_ids
  echo "audit: $output"
  [[ " $output " == *" $1 "* ]]
}

allowed_runs() { # created, started, exited 0 under restricted+enforce
  BW_POLICY=$RESTRICTED run bw run --bundle "$BUNDLE" "ok$BATS_TEST_NUMBER"
  echo "$output"
  [ "$status" -eq 0 ]
}

# --- spellings of /etc -------------------------------------------------------

@test "/./etc writable is BW071 at create and in audit" {
  bind_src /./etc rbind rw
  refused BW071
  [[ $output == *"/./etc (on this host /etc)"* ]]
  audit_agrees BW071
  run audit_details
  [[ $output == *"/./etc (read as /etc) mounted at /mnt writable; not resolved on this host"* ]]
}

@test "//etc/ writable is BW071" {
  bind_src //etc/ rbind
  refused BW071
  audit_agrees BW071
}

@test "/etc/. read-only is BW072 (restricted), allowed and running under the defaults" {
  bind_src /etc/. rbind ro
  refused BW072
  audit_agrees BW072
  config_edit '.process.args = ["cat", "/mnt/hostname"]'
  BW_POLICY= run bw run --bundle "$BUNDLE" ro1
  [ "$status" -eq 0 ]
  [ "$output" = "$(cat /etc/hostname)" ]
}

@test "/tmp/../root/x is judged as /root/x: BW071" {
  local x=/root/.bulwark-test-$$
  mkdir "$x" && CREATED+=("$x")
  bind_src "/tmp/../root/.bulwark-test-$$" rbind
  refused BW071
  audit_agrees BW071
}

@test "a symlink to /etc written as link/ and link/. is BW071; audit cannot see through it and says so" {
  ln -s /etc "$TMP/link"
  bind_src "$TMP/link/" rbind
  refused BW071
  [[ $output == *"(on this host /etc)"* ]]
  config_edit '.mounts[-1].source = "'"$TMP"'/link/."'
  refused BW071
  # audit judges the text: it cannot see the symlink, and says so (BW076,
  # a note that no profile forbids).
  run audit_ids
  [ "$output" = "" ]
  run "$BULWARK" audit --format json "$BUNDLE"
  jq -e '.targets[0].findings[] | select(.rule == "BW076" and .violation == false)
    | select(.detail | contains("link/. mounted at /mnt: not resolved on this host"))' <<<"$output"
}

@test "..  through a symlinked directory follows the symlink, as the kernel does" {
  # $TMP/d -> /etc/ssl ; $TMP/d/.. is /etc, not $TMP
  ln -s /etc/ssl "$TMP/d"
  bind_src "$TMP/d/.." rbind
  refused BW071
  [[ $output == *"(on this host /etc)"* ]]
}

@test "a relative source is resolved against the bundle: a bundle symlink to /etc is BW071" {
  ln -s /etc "$BUNDLE/hostetc"
  bind_src hostetc rbind
  refused BW071
  # audit has no bundle to resolve against: clean, with a BW076 note.
  run audit_ids
  [ "$output" = "" ]
  run "$BULWARK" audit --format json "$BUNDLE"
  jq -e '.targets[0].findings[] | select(.rule == "BW076") | select(.detail | contains("relative to the bundle"))' <<<"$output"
  config_edit '.mounts[-1].source = "rootfs/../../../../../../../etc"'
  refused BW071
}

# --- trees that were not on the list -----------------------------------------

@test "/var writable is BW071 (it holds /var/lib/docker), and /var read-only is BW070 (it holds /var/run/docker.sock)" {
  bind_src /var rbind
  refused BW071
  audit_agrees BW071
  config_edit '.mounts[-1].options = ["rbind", "ro"]'
  refused BW070
  audit_agrees BW070
}

@test "/home, /usr, /lib, /var/log writable are BW071" {
  local t
  for t in /home /usr /lib /var/log; do
    config_edit 'del(.mounts[] | select(.destination == "/mnt"))'
    bind_src "$t" rbind
    refused BW071
    audit_agrees BW071
  done
}

@test "/bin/ (a symlink to /usr/bin on this host) writable is BW071" {
  [ -L /bin ] || skip "/bin is not a symlink here"
  bind_src /bin/ rbind
  refused BW071
  [[ $output == *"/bin/ (on this host /usr/bin)"* ]]
}

@test "/var/lib/kubelet writable is BW071" {
  local k=/var/lib/kubelet
  if [[ ! -e $k ]]; then mkdir "$k" && CREATED+=("$k"); fi
  bind_src "$k" rbind
  refused BW071
  audit_agrees BW071
}

@test "audit judges engine volumes and per-container files as the engine's own: no violation" {
  bind_src /var/lib/docker/volumes/data/_data rbind
  config_edit '.mounts += [{"destination": "/p", "type": "bind", "source": "/var/lib/containers/storage/volumes/v/_data", "options": ["rbind"]},
    {"destination": "/etc/hosts", "type": "bind", "source": "/var/lib/docker/containers/abc/hosts", "options": ["rbind"]}]'
  run audit_ids
  [ "$output" = "" ]
  # ... but climbing out of one is not.
  config_edit '.mounts[-1].source = "/var/lib/docker/volumes/data/_data/../../../../../../etc"'
  run audit_ids
  [ "$output" = "BW071" ]
}

@test "an ordinary directory of the user's, writable, runs under restricted" {
  mkdir "$TMP/data"
  # a host folder shared read-write on purpose (container root maps onto
  # the volume range, not host root: see docs/userns.md)
  "$BULWARK" share "$TMP/data" >/dev/null
  bind_src "$TMP/data" rbind rw
  config_edit '.process.args = ["sh", "-c", "echo hi > /mnt/f && cat /mnt/f"]'
  run audit_ids
  [ "$output" = "" ]
  allowed_runs
  [ "$output" = "hi" ]
  [ "$(cat "$TMP/data/f")" = hi ]
}

# --- engine sockets ------------------------------------------------------------

@test "/run and /var/run, even read-only, are BW070: a known engine socket lies under them" {
  bind_src /run rbind ro
  refused BW070
  [[ $output == *"(holds /run/docker.sock)"* ]]
  audit_agrees BW070
  config_edit '.mounts[-1].source = "/var/run"'
  refused BW070
  audit_agrees BW070
}

@test "/run/docker and /run/containerd, read-only, are BW070" {
  local d
  for d in /run/docker /run/containerd; do
    if [[ ! -e $d ]]; then mkdir "$d" && CREATED+=("$d"); fi
    config_edit 'del(.mounts[] | select(.destination == "/mnt"))'
    bind_src "$d" rbind ro
    refused BW070
    audit_agrees BW070
  done
}

@test "a unix socket named like an engine's is BW070, by any spelling or symlink" {
  unix_socket "$TMP/docker.sock"
  bind_src "$TMP/docker.sock" bind ro
  refused BW070
  [[ $output == *"read-only, which does not stop connect()"* ]]
  audit_agrees BW070
  config_edit '.mounts[-1].source = "/.'"$TMP"'/./docker.sock"'
  refused BW070
  audit_agrees BW070
  ln -s "$TMP/docker.sock" "$TMP/api"
  config_edit '.mounts[-1].source = "'"$TMP"'/api"'
  refused BW070
  [[ $output == *"(on this host $TMP/docker.sock)"* ]]
}

@test "a known engine socket path on this host is caught by identity: a hard link or symlink of another name is BW070" {
  local d=/run/buildkit s=/run/buildkit/buildkitd.sock
  [[ ! -e $s ]] || skip "$s exists here"
  if [[ ! -e $d ]]; then mkdir "$d" && CREATED+=("$d"); fi
  unix_socket "$s" && CREATED+=("$s")
  local link=/run/bulwark-test-$$.api
  ln "$s" "$link" && CREATED+=("$link")
  bind_src "$link" bind ro
  refused BW070
  [[ $output == *"(the engine socket /run/buildkit/buildkitd.sock)"* ]]
  ln -s "$s" "$TMP/innocent"
  config_edit '.mounts[-1].source = "'"$TMP"'/innocent"'
  refused BW070
}

@test "every known engine socket path is BW070 in audit, and at create where it exists" {
  local p
  for p in /run/docker.sock /var/run/docker.sock /run/containerd/containerd.sock /run/crio/crio.sock \
    /run/podman/podman.sock /run/docker/containerd/containerd.sock /run/user/1000/docker.sock; do
    config_edit 'del(.mounts[] | select(.destination == "/mnt"))'
    bind_src "$p" bind ro
    audit_agrees BW070
    if [[ -S $p ]]; then refused BW070; fi
  done
}

# --- mount options: one reading, the kernel's ----------------------------------

# The mount options of the mount at $1 in the container's mountinfo output ($output).
opts_of() {
  awk -v d="$1" '$5 == d {print $6}' <<<"$output"
}

@test "[\"rbind\",\"ro\",\"rw\"] ends read-write, and the policy sees rw: BW071 for /etc" {
  mkdir "$TMP/data"
  bind_src "$TMP/data" rbind ro rw
  config_edit '.process.args = ["cat", "/proc/self/mountinfo"]'
  BW_POLICY=--policy-mode=off run bw run --bundle "$BUNDLE" m1
  [ "$status" -eq 0 ]
  [[ $(opts_of /mnt) == rw,* ]]
  config_edit '.mounts[-1].source = "/etc"'
  refused BW071
  audit_agrees BW071
  # and the other order is read-only, for both.
  config_edit '.mounts[-1].options = ["rbind", "rw", "ro"]'
  BW_POLICY=$RESTRICTED run fails_to_create m2
  [[ $output == *BW072* && $output != *BW071* ]]
}

@test "rro of an rbind with a submount makes the submount read-only; plain rbind leaves it writable" {
  mkdir -p "$TMP/src/sub"
  SUBMOUNT=$TMP/src/sub
  mount -t tmpfs -o size=1m bwtest "$SUBMOUNT"
  bind_src "$TMP/src" rbind
  config_edit '.process.args = ["cat", "/proc/self/mountinfo"]'
  BW_POLICY=--policy-mode=off run bw run --bundle "$BUNDLE" s1
  [ "$status" -eq 0 ]
  [[ $(opts_of /mnt/sub) == rw,* ]]
  config_edit '.mounts[-1].options = ["rbind", "rro"]'
  BW_POLICY=--policy-mode=off run bw run --bundle "$BUNDLE" s2
  [ "$status" -eq 0 ]
  [[ $(opts_of /mnt) == ro,* ]]
  [[ $(opts_of /mnt/sub) == ro,* ]]
  # rro then rrw: the last wins, on the submount too.
  config_edit '.mounts[-1].options = ["rbind", "rro", "rrw"]'
  BW_POLICY=--policy-mode=off run bw run --bundle "$BUNDLE" s3
  [[ $(opts_of /mnt/sub) == rw,* ]]
}

@test "recursive and symlink options change the bind: rnosuid, rnodev, rnoexec, rnoatime, nosymfollow" {
  mkdir -p "$TMP/src/sub"
  SUBMOUNT=$TMP/src/sub
  mount -t tmpfs -o size=1m bwtest "$SUBMOUNT"
  bind_src "$TMP/src" rbind rnosuid rnodev rnoexec rnoatime rnosymfollow
  config_edit '.process.args = ["cat", "/proc/self/mountinfo"]'
  BW_POLICY=--policy-mode=off run bw run --bundle "$BUNDLE" o1
  [ "$status" -eq 0 ]
  local o
  o=$(opts_of /mnt/sub)
  echo "$o"
  [[ ,$o, == *,nosuid,* && ,$o, == *,nodev,* && ,$o, == *,noexec,* && ,$o, == *,noatime,* && ,$o, == *,nosymfollow,* ]]
  config_edit '.mounts[-1].options = ["bind", "nosymfollow", "rstrictatime"]'
  BW_POLICY=--policy-mode=off run bw run --bundle "$BUNDLE" o2
  o=$(opts_of /mnt)
  echo "$o"
  [[ ,$o, == *,nosymfollow,* && ,$o, != *,relatime,* && ,$o, != *,noatime,* ]]
}

@test "sysfs with [\"ro\",\"rw\"] is BW093; harden appends ro and the container sees a read-only /sys" {
  config_edit '(.mounts[] | select(.type == "sysfs") | .options) = ["nosuid", "noexec", "nodev", "ro", "rw"]'
  BW_POLICY=$RESTRICTED run fails_to_create y1
  [ "$status" -eq 1 ]
  [[ $output == *BW093* ]]
  audit_agrees BW093
  config_edit '.process.args = ["cat", "/proc/self/mountinfo"]'
  BW_POLICY= run bw run --bundle "$BUNDLE" y2
  [ "$status" -eq 0 ]
  [[ $(opts_of /sys) == ro,* ]]
}

@test "propagation: the last option wins for BW100 as for the mounter: [rshared, private] runs private, [private, rshared] is BW100 (and is shared)" {
  mkdir "$TMP/data"
  bind_src "$TMP/data" rbind rshared private
  config_edit '.process.args = ["grep", " /mnt ", "/proc/self/mountinfo"]'
  allowed_runs
  [[ $output == *" /mnt "* && $output != *shared:* ]]
  run audit_ids
  echo "audit: $output"
  [[ " $output " != *" BW100 "* ]]
  config_edit '.mounts[-1].options = ["rbind", "private", "rshared"]'
  BW_POLICY=--policy-mode=off run bw run --bundle "$BUNDLE" p1
  echo "off: $output"
  [ "$status" -eq 0 ]
  [[ $output == *" /mnt "*shared:* ]]
  refused BW100
  audit_agrees BW100
}
