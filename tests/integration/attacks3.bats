#!/usr/bin/env bats
# Attacks by a config author (and an unprivileged host user) that got
# through once: each test failed on the code it was written against and
# passes now that the hole is closed; the matching reproduction script,
# with what was observed, is in tests/attacks/.

bats_require_minimum_version 1.5.0
load helpers

setup() {
  setup_bundle
  HOLDER=
  SCRATCH=$(mktemp -d /tmp/bulwark-a3.XXXXXX)
  chmod 755 "$SCRATCH"
}

teardown() {
  [ -z "$HOLDER" ] || { kill "$HOLDER" 2>/dev/null; wait "$HOLDER" 2>/dev/null || true; }
  teardown_bundle
  [ ! -f "$SCRATCH/cleanup" ] || sh "$SCRATCH/cleanup"
  rm -rf "$SCRATCH"
}

# tests/attacks/hooks_host_root.sh: a hook in config.json runs as host root
# in the host's namespaces under restricted.
@test "a config's hook does not run on the host under restricted or the default profile" {
  local pol proof=$SCRATCH/hook-proof
  config_edit --arg p "$proof" '.hooks = {"createRuntime":[{"path":"/bin/sh","args":["sh","-c","id -u > \($p)"]}]}'
  for pol in "" "--profile restricted"; do
    BW_POLICY=$pol run bw run --bundle "$BUNDLE" "h$BATS_TEST_NUMBER"
    echo "${pol:-default}: $output"
    [ "$status" -ne 0 ]
    [[ $output == *"BW110 "* ]]
    [ ! -e "$proof" ]
  done
}

@test "a hook the operator trusts (policy file trustedHooks, resolved through a symlink) runs under restricted; a link of another name to an untrusted program does not" {
  local proof=$SCRATCH/hook-proof
  printf '#!/bin/sh\necho ran > "$1"\n' >"$SCRATCH/trusted-hook"
  chmod 755 "$SCRATCH/trusted-hook"
  ln -s "$SCRATCH/trusted-hook" "$SCRATCH/via-link"
  echo '{"trustedHooks": ["'"$SCRATCH/trusted-hook"'"]}' >"$SCRATCH/policy.json"
  config_edit --arg h "$SCRATCH/via-link" --arg p "$proof" '.hooks = {"createRuntime":[{"path":$h,"args":["hook",$p]}]}'
  BW_POLICY="--policy $SCRATCH/policy.json --profile restricted" run bw run --bundle "$BUNDLE" "t$BATS_TEST_NUMBER"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$(cat "$proof")" = ran ]
  rm -f "$proof"
  # the same policy file does not trust /bin/sh under the trusted name's directory
  config_edit --arg p "$proof" '.hooks = {"createRuntime":[{"path":"/bin/sh","args":["sh","-c","echo ran > \($p)"]}]}'
  BW_POLICY="--policy $SCRATCH/policy.json --profile restricted" run bw run --bundle "$BUNDLE" "u$BATS_TEST_NUMBER"
  [ "$status" -ne 0 ]
  [[ $output == *"BW110 "*"createRuntime hook /bin/sh"* ]]
  [ ! -e "$proof" ]
  # a malformed list is refused with where it is wrong
  echo '{"trustedHooks": ["relative/hook"]}' >"$SCRATCH/bad.json"
  run "$BULWARK" --policy "$SCRATCH/bad.json" audit "$BUNDLE/config.json"
  [ "$status" -ne 0 ]
  [[ $output == *"trustedHooks[0]: expected the absolute path of a host executable"* ]]
}

# tests/attacks/unified_limits.sh: linux.resources.unified overrides the
# typed pids limit after it is written; the policy never reads it.
@test "unified pids.max=max (or memory.max=max) is judged as no limit by audit, refused by enforce, dropped by harden" {
  config_edit '.linux.resources.pids={"limit":100} | .linux.resources.memory={"limit":67108864} | .linux.resources.unified={"pids.max":"max","memory.max":"max"}'
  run "$BULWARK" audit --profile restricted "$BUNDLE/config.json"
  echo "audit: $output"
  [[ $output == *"BW102"*'unified sets pids.max to "max"'* ]]
  [[ $output == *"BW103"*'unified sets memory.max to "max"'* ]]
  BW_POLICY="--profile restricted --policy-mode enforce" run bw create --bundle "$BUNDLE" "u$BATS_TEST_NUMBER" </dev/null 3>&-
  echo "create: $output"
  [ "$status" -ne 0 ]
  [[ $output == *"BW102 "* ]]
  # harden: the unified key goes and the typed limit is in force (memory.max
  # is left out here: BW103 is allowed by restricted, and this hybrid host has
  # no memory controller on cgroup2 to write it to)
  config_edit '.linux.resources.unified={"pids.max":"max"}'
  # (the created init holds the caller's stdio: output to a file, not a pipe)
  BW_POLICY="--profile restricted --policy-mode harden" bw create --bundle "$BUNDLE" "h$BATS_TEST_NUMBER" \
    >"$SCRATCH/create.out" 2>&1 </dev/null 3>&-
  cat "$SCRATCH/create.out"
  local pid; pid=$(bw state "h$BATS_TEST_NUMBER" | jq .pid)
  local cg; cg=$(awk -F: '$2 == "pids" {print $3}' "/proc/$pid/cgroup")
  [ "$(cat "/sys/fs/cgroup/pids$cg/pids.max")" = 100 ]
  bw delete --force "h$BATS_TEST_NUMBER"
}

# tests/attacks/foreign_mountns_source.sh: a source reached through
# /proc/PID/root of a host user's private mount namespace is judged by its
# path in that namespace, not by what it is (the host's /etc).
@test "a bind source (or root.path) in another mount namespace, reached through /proc/PID/root, is refused before it is judged by its path there" {
  mkdir -m 777 "$SCRATCH/x"
  setpriv --reuid=1999999999 --regid=1999999999 --clear-groups \
    unshare -Urm sh -c "mount --bind /etc $SCRATCH/x && echo \$\$ > $SCRATCH/x.pid && exec sleep 60" 3>&- &
  HOLDER=$!
  chmod 777 "$SCRATCH"
  local i
  for i in $(seq 50); do [ -s "$SCRATCH/x.pid" ] && break; sleep 0.1; done
  local pid; pid=$(cat "$SCRATCH/x.pid")
  [ -e "/proc/$pid/root$SCRATCH/x/hostname" ] || [ -e "/proc/$pid/root$SCRATCH/x/passwd" ]
  config_edit --arg s "/proc/$pid/root$SCRATCH/x" '.mounts += [{"destination":"/h","type":"bind","source":$s,"options":["rbind","ro"]}]'
  BW_POLICY="--profile restricted" run bw create --bundle "$BUNDLE" "n$BATS_TEST_NUMBER"
  echo "create: $output"
  [ "$status" -ne 0 ]
  [[ $output == *"source /proc/$pid/root$SCRATCH/x leads through a /proc link"*"into another mount namespace"* ]]
  # root.path the same way
  config_edit --arg s "/proc/$pid/root$SCRATCH/x" '.mounts |= map(select(.destination != "/h")) | .root.path = $s'
  BW_POLICY="--profile restricted" run bw create --bundle "$BUNDLE" "r$BATS_TEST_NUMBER"
  echo "create: $output"
  [ "$status" -ne 0 ]
  # (root.path is left unresolved and refused by the rule that judges where a rootfs may be)
  [[ $output == *"BW073 [critical]"*"root.path /proc/$pid/root$SCRATCH/x"* ]]
}

# tests/attacks/explicit_map_host_user.sh: explicit mappings onto a host
# user that is not in /etc/passwd; binds are then not seen from the volume
# range, so container root is that user on the host's files.
@test "explicit mappings onto a host user outside /etc/passwd do not make container root that user" {
  local v=$SCRATCH/victim pol
  mkdir "$v"; echo secret >"$v/secret"; chmod 600 "$v/secret"; chmod 700 "$v"
  chown -R 1999999999:1999999999 "$v"
  config_edit --arg v "$v" '.linux.namespaces += [{"type":"user"}]
    | .linux.uidMappings=[{"containerID":0,"hostID":1999999999,"size":65536}]
    | .linux.gidMappings=[{"containerID":0,"hostID":1999999999,"size":65536}]
    | .mounts += [{"destination":"/tmp","type":"bind","source":$v,"options":["rbind","rw"]}]
    | .process.args=["sh","-c","cat /tmp/secret; echo pwned > /tmp/planted"]'
  for pol in "" "--profile restricted"; do
    BW_POLICY=$pol run bw run --bundle "$BUNDLE" "m$BATS_TEST_NUMBER"
    echo "${pol:-default}: $output"
    [[ $output != *secret* ]]
    [ ! -e "$v/planted" ]
  done
}

# tests/attacks/volume_shift_realpath_race.sh: the one-time shift of an
# engine-made volume finds its root by resolving the source path again;
# a host user swapping a component gets a tree re-owned that was neither
# judged nor mounted.
@test "the volume shift acts only on the source that was judged and mounted (swap race, 40 creates)" {
  local e=$SCRATCH/eng a=$SCRATCH/att flip=$SCRATCH/flip i out owner won=0
  BW_POLICY= # the default policy: its user namespace brings the volume range
  cc -O2 -o "$flip" "$BATS_TEST_DIRNAME/../attacks/flip.c"
  mkdir -p "$e/volumes/v/_data" "$a"; echo data >"$e/volumes/v/_data/f"
  chmod 755 "$e" "$flip"; chown 1999999999 "$a"
  setpriv --reuid=1999999999 --regid=1999999999 --clear-groups sh -c \
    "mkdir $a/d && touch $a/d/attackers-dir && ln -s $e/volumes/v/_data $a/l"
  config_edit --arg s "$a/d" '.mounts += [{"destination":"/v","type":"bind","source":$s,"options":["rbind","rw"]}] | .process.args=["ls","/v"]'
  setpriv --reuid=1999999999 --regid=1999999999 --clear-groups "$flip" "$a" d l 120 1000 >/dev/null 3>&- &
  HOLDER=$!
  for i in $(seq 40); do
    chown -R 1234:1234 "$e/volumes/v/_data"
    python3 -c "import os,sys; os.removexattr(sys.argv[1],'trusted.bulwark.shifted')" "$e/volumes/v/_data" 2>/dev/null || true
    out=$(bw run --bundle "$BUNDLE" "vs$i" 2>/dev/null) || true
    bw delete --force "vs$i" >/dev/null 2>&1 || true
    owner=$(stat -c %u "$e/volumes/v/_data/f")
    if [[ $out == *attackers-dir* && $owner != 1234 ]]; then
      won=$((won + 1)); echo "try $i: got $a/d, the engine volume re-owned to $owner"
    fi
  done
  [ "$won" -eq 0 ]
}

# tests/attacks/rootfs_engine_state.sh: root.path anywhere under an
# engine's state counts as placed; container root then reads host root's
# 0600 files there through the idmapped rootfs view.
@test "root.path on an engine's state directory that is not a rootfs it made is BW073" {
  local state= d pol
  for d in /var/lib/containers /var/lib/docker /var/lib/containerd /run/containerd /run/docker; do
    [ -d "$d" ] && { state=$d; break; }
  done
  [ -n "$state" ] || skip "no engine state directory on this host"
  local s; s=$(mktemp -d "$state/bulwark-a3.XXXXXX")
  echo "rm -rf '$s'" >"$SCRATCH/cleanup"
  cp /bin/busybox "$SCRATCH/busybox"
  echo host-root-only >"$s/secret"; chmod 600 "$s/secret"
  config_edit --arg r "$s" --arg b "$SCRATCH/busybox" '.root.path=$r
    | .mounts += [{"destination":"/dev/busybox","type":"bind","source":$b,"options":["bind","ro"]}]
    | .process.args=["/dev/busybox","cat","/secret"]'
  for pol in "" "--profile restricted"; do
    BW_POLICY=$pol run bw run --bundle "$BUNDLE" "r$BATS_TEST_NUMBER"
    echo "${pol:-default}: $output"
    [[ $output != *host-root-only* ]]
    [[ $output == *"BW073 "* ]]
  done
  [ ! -e "$s/proc" ]
  rm -rf "$s"
}

# tests/attacks/joined_userns_host_user.sh: a user namespace joined by path
# whose map lands on a real host user (uid in /etc/passwd, below 65536)
# passes; BW043 reads only explicit mappings.
@test "a joined user namespace that maps onto a host user in /etc/passwd is BW043" {
  local uid pol v=$SCRATCH/user
  uid=$(getent passwd | awk -F: '$3>=1000 && $3<60000 {print $3; exit}')
  [ -n "$uid" ] || skip "no host user with a uid in 1000..59999"
  setpriv --reuid="$uid" --regid="$uid" --clear-groups unshare -Ur sh -c 'exec sleep 60' 3>&- &
  HOLDER=$!
  mkdir "$v"; echo "the user's own" >"$v/secret"; chmod 600 "$v/secret"; chmod 700 "$v"; chown -R "$uid:$uid" "$v"
  local i
  for i in $(seq 50); do grep -q "$uid" "/proc/$HOLDER/uid_map" 2>/dev/null && break; sleep 0.1; done
  config_edit --arg ns "/proc/$HOLDER/ns/user" --arg v "$v" '.linux.namespaces += [{"type":"user","path":$ns}]
    | .mounts |= map(if .destination=="/dev/pts" then .options=["nosuid","noexec","newinstance","ptmxmode=0666","mode=0620"] else . end)
    | .mounts += [{"destination":"/tmp","type":"bind","source":$v,"options":["rbind","rw"]}]
    | .process.args=["sh","-c","cat /tmp/secret; echo pwned > /tmp/planted"]'
  for pol in "" "--profile restricted"; do
    BW_POLICY=$pol run bw run --bundle "$BUNDLE" "j$BATS_TEST_NUMBER"
    echo "${pol:-default}: $output"
    [ "$status" -ne 0 ]
    [[ $output == *"BW043 "* ]]
    [ ! -e "$v/planted" ]
  done
}
