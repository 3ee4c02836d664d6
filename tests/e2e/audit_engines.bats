#!/usr/bin/env bats
# bulwark audit --podman and --containerd against engines this file starts:
# a private Podman API service (own storage, run root, socket; containers
# under runc) and a private containerd (own root, state, sockets). Each
# runs containers with the settings people worry about (privileged, an
# engine socket mounted, the host's pid namespace) and a hardened one, and
# the exact rule ids audit reports for each are checked.
#   BULWARK=build/bulwark bats tests/e2e/audit_engines.bats
# Needs: podman, containerd, runc, busybox-static, jq.

load helpers

PIMG=localhost/bw-busybox:e2e
CIMG=docker.io/library/bw-busybox:e2e

pm() {
  podman --root "$E2E/pm-storage" --runroot "$E2E/pm-run" --tmpdir "$E2E/pm-tmp" --runtime runc \
    --cgroup-manager cgroupfs --events-backend file "$@"
}

start_podman_service() {
  mkdir -p "$E2E/pm-tmp"
  # exec: $! is podman itself; 3>&-: bats waits for whoever holds its fd 3
  (exec podman --root "$E2E/pm-storage" --runroot "$E2E/pm-run" --tmpdir "$E2E/pm-tmp" --runtime runc \
    --cgroup-manager cgroupfs --events-backend file system service --time=0 "unix://$E2E/podman.sock") \
    >"$E2E/podman.log" 2>&1 3>&- &
  echo $! >"$E2E/podman.bg"
  wait_for 60 test -S "$E2E/podman.sock"
}

setup_file() {
  need podman containerd ctr runc jq
  e2e_dir audit-engines
  busybox_rootfs "$E2E/rootfs"

  start_podman_service
  tar -C "$E2E/rootfs" -c . | pm import - "$PIMG" >"$E2E/import.log" 2>&1
  local run=(pm run -d --network none --ulimit nofile=1024:1024 --ulimit nproc=1024:1024)
  "${run[@]}" --name priv --privileged "$PIMG" sleep 600 >/dev/null
  "${run[@]}" --name sock -v "$E2E/podman.sock:/var/run/docker.sock" "$PIMG" sleep 600 >/dev/null
  "${run[@]}" --name hostpid --pid host "$PIMG" sleep 600 >/dev/null
  "${run[@]}" --name safe --cap-drop ALL --user 1000:1000 --read-only --security-opt no-new-privileges \
    --pids-limit 100 --memory 64m "$PIMG" sleep 600 >/dev/null
  # created, never started: not a running container
  pm create --network none --name stopped --privileged "$PIMG" sleep 600 >/dev/null

  start_containerd
  oci_image_tar "$E2E/rootfs" "$E2E/image.tar" "$CIMG"
  ctr image import "$E2E/image.tar" >"$E2E/cimport.log" 2>&1
  local crun=(ctr run -d --null-io)
  "${crun[@]}" --privileged "$CIMG" priv sleep 600
  "${crun[@]}" --mount "type=bind,src=$E2E/containerd.sock,dst=/run/containerd/containerd.sock,options=rbind:rw" \
    "$CIMG" sock sleep 600
  "${crun[@]}" --net-host "$CIMG" hostnet sleep 600
  # ctr's defaults are containerd's 14 capabilities; a subordinate range
  # of a user engines take ranges from (BW043 names bulwark's own, another
  # user's, and ids given to no user): Podman's "containers", added for
  # this file (and removed by teardown_file) when the host has none
  local drop=() c SAFE_RANGE f
  SAFE_RANGE=$(awk -F: '$1 == "containers" && $3 >= 65536 {print $2; exit}' /etc/subuid)
  if [[ -z $SAFE_RANGE ]] || ! grep -q "^containers:$SAFE_RANGE:" /etc/subgid; then
    SAFE_RANGE=3300000000
    for f in subuid subgid; do
      cp -p "/etc/$f" "$E2E/$f.saved"
      echo "containers:$SAFE_RANGE:65536" >>"/etc/$f"
    done
  fi
  for c in CHOWN DAC_OVERRIDE FSETID FOWNER MKNOD NET_RAW SETGID SETUID SETFCAP SETPCAP NET_BIND_SERVICE \
    SYS_CHROOT KILL AUDIT_WRITE; do drop+=(--cap-drop "CAP_$c"); done
  "${crun[@]}" --uidmap "0:$SAFE_RANGE:65536" --gidmap "0:$SAFE_RANGE:65536" "${drop[@]}" --seccomp --read-only \
    --memory-limit 67108864 "$CIMG" safe sleep 600
  # a second namespace
  ctr -n bulwark-e2e-other image import "$E2E/image.tar" >/dev/null 2>&1
  ctr -n bulwark-e2e-other run -d --null-io "$CIMG" plain sleep 600
}

teardown_file() {
  [[ -n ${E2E:-} ]] || return 0
  stop_rootless_podman
  pm rm -af -t 0 >/dev/null 2>&1 || true
  if [[ -f $E2E/podman.bg ]]; then
    local pid
    pid=$(cat "$E2E/podman.bg")
    kill "$pid" 2>/dev/null || true
    wait_for 60 bash -c "! kill -0 $pid" || kill -9 "$pid" 2>/dev/null || true
  fi
  if [[ -S ${CONTAINERD_ADDRESS:-} ]]; then
    local ns t
    for ns in bulwark-e2e bulwark-e2e-other; do
      for t in $(ctr -n $ns task ls -q 2>/dev/null); do ctr -n $ns task kill -s KILL "$t" >/dev/null 2>&1 || true; done
      sleep 0.5
      for t in $(ctr -n $ns task ls -q 2>/dev/null); do ctr -n $ns task delete -f "$t" >/dev/null 2>&1 || true; done
      for t in $(ctr -n $ns container ls -q 2>/dev/null); do ctr -n $ns container rm "$t" >/dev/null 2>&1 || true; done
    done
  fi
  stop_containerd
  test_user_del "$RL_USER"
  local f
  for f in subuid subgid; do
    [[ ! -f $E2E/$f.saved ]] || cp -p "$E2E/$f.saved" "/etc/$f"
  done
  umount_under "$E2E"
  rm -rf "$E2E"
}

# Rootless Podman as a user the test below makes (test_user.bash, with an
# /etc/subuid range; removed by teardown_file), with a home and runtime dir
# of its own under $E2E; its service and pause process are stopped by pid.
RL_USER=bwrl-audit
rl_pm() {
  su -s /bin/sh "$RL_USER" -c "cd $E2E/rl-home && HOME=$E2E/rl-home XDG_RUNTIME_DIR=$E2E/rl-xdg podman \
    --cgroup-manager cgroupfs --events-backend file --runtime runc $*"
}

stop_rootless_podman() {
  [[ -d $E2E/rl-xdg ]] || return 0
  rl_pm rm -af -t 0 >/dev/null 2>&1 || true
  local f pid
  for f in "$E2E/rl-service.pid" "$E2E/rl.bg" "$E2E/rl-xdg/libpod/tmp/pause.pid"; do
    [[ -f $f ]] || continue
    pid=$(cat "$f")
    kill "$pid" 2>/dev/null || true
    wait_for 20 bash -c "! kill -0 $pid" || kill -9 "$pid" 2>/dev/null || true
  done
}

teardown() {
  teardown_show_logs "$E2E/podman.log" "$E2E/containerd.log"
}

# "TARGET: ID ID ..." for every target of a JSON report, in report order.
per_target() {
  jq -r '.targets[] | .name + ": " + ([.findings[].rule] | unique | join(" "))'
}

@test "e2e audit --containerd: every namespace's running tasks, named NS/ID" {
  run --separate-stderr "$BULWARK" audit --format json --containerd-state "$E2E/containerd-state" --containerd
  echo "$stderr"
  [ "$status" -eq 1 ]
  run per_target <<<"$output"
  echo "$output"
  # ctr's default container: containerd's 14 capabilities, no user
  # namespace, root, no seccomp (ctr adds it only with --seccomp), the
  # host's cgroup namespace (v1), writable rootfs, no pids or memory limit
  local def="BW015 BW016 BW017 BW018 BW019 BW028 BW040 BW042 BW050 BW064 BW101 BW102 BW103"
  [ "${#lines[@]}" -eq 5 ]
  # --net-host: the host's network namespace, and the host's /etc/hosts
  # and /etc/resolv.conf bound read-only
  [ "${lines[0]}" = "bulwark-e2e/hostnet: BW015 BW016 BW017 BW018 BW019 BW028 BW040 BW042 BW050 BW061 BW064 BW072 BW101 BW102 BW103" ]
  [ "${lines[1]}" = "bulwark-e2e/priv: BW001 BW010 BW011 BW012 BW013 BW014 BW015 BW016 BW017 BW018 BW019 BW020 BW021 BW022 BW023 BW024 BW025 BW026 BW027 BW028 BW030 BW040 BW042 BW050 BW064 BW080 BW081 BW082 BW090 BW091 BW092 BW093 BW101 BW102 BW103" ]
  [ "${lines[2]}" = "bulwark-e2e/safe: BW052 BW064 BW102" ]
  [ "${lines[3]}" = "bulwark-e2e/sock: BW015 BW016 BW017 BW018 BW019 BW028 BW040 BW042 BW050 BW064 BW070 BW101 BW102 BW103" ]
  [ "${lines[4]}" = "bulwark-e2e-other/plain: $def" ]
}

@test "e2e audit --containerd NAMESPACE: that namespace only; the config.json's lines" {
  run --separate-stderr "$BULWARK" audit --containerd-state "$E2E/containerd-state" --containerd bulwark-e2e-other
  [ "$status" -eq 1 ]
  [[ "${lines[0]}" == "bulwark-e2e-other/plain"* ]]
  ! grep -q "bulwark-e2e/" <<<"$output"
  # findings point into the bundle's config.json: BW050 at its "linux" key
  local cfg=$E2E/containerd-state/io.containerd.runtime.v2.task/bulwark-e2e-other/plain/config.json
  run "$BULWARK" audit --format sarif --containerd-state "$E2E/containerd-state" --containerd bulwark-e2e-other
  local loc
  loc=$(jq -c '.runs[0].results[] | select(.ruleId == "BW050") | .locations[0].physicalLocation |
    [.artifactLocation.uri, .region.startLine]' <<<"$output")
  [ "$loc" = "[\"$cfg\",$(grep -n '"linux"' "$cfg" | head -1 | cut -d: -f1)]" ]
}

@test "e2e audit --containerd: no containerd state there is exit 3, naming the directory" {
  run --separate-stderr "$BULWARK" audit --containerd-state "$E2E/nothing" --containerd
  [ "$status" -eq 3 ]
  [[ "$stderr" == *"$E2E/nothing/io.containerd.runtime.v2.task: no such directory"* ]]
}

@test "e2e audit --podman SOCKET: every running container, exact rule ids" {
  run --separate-stderr "$BULWARK" audit --format json --podman "$E2E/podman.sock"
  [ "$status" -eq 1 ]
  run per_target <<<"$output"
  echo "$output"
  # names carry the short id; compare without it, sorted by name
  run bash -c "sed 's/ ([0-9a-f]*):/:/' <<<'$output' | sort"
  [ "${lines[0]}" = "hostpid: BW015 BW016 BW017 BW028 BW040 BW042 BW052 BW053 BW060 BW064 BW101 BW103" ]
  [ "${lines[1]}" = "priv: BW001 BW010 BW011 BW012 BW013 BW014 BW015 BW016 BW017 BW018 BW019 BW020 BW021 BW022 BW023 BW024 BW025 BW026 BW027 BW028 BW030 BW040 BW042 BW050 BW053 BW064 BW082 BW090 BW091 BW092 BW093 BW101 BW103" ]
  [ "${lines[2]}" = "safe: BW040 BW052 BW064" ]
  [ "${lines[3]}" = "sock: BW015 BW016 BW017 BW028 BW040 BW042 BW052 BW053 BW064 BW070 BW101 BW103" ]
  [ "${#lines[@]}" -eq 4 ]
}

@test "e2e audit --podman: a rootless engine's containers are judged inside its user's namespace" {
  command -v newuidmap >/dev/null || skip "uidmap (newuidmap, newgidmap) is not installed"
  test_user_add "$RL_USER"
  local uid
  uid=$(id -u "$RL_USER")
  mkdir -p "$E2E/rl-home" "$E2E/rl-xdg"
  chown "$RL_USER:" "$E2E/rl-home" "$E2E/rl-xdg"
  chmod 700 "$E2E/rl-xdg"
  tar -C "$E2E/rootfs" -cf "$E2E/rootfs.tar" . && chmod 644 "$E2E/rootfs.tar"
  rl_pm import "$E2E/rootfs.tar" localhost/bw-busybox:rl >/dev/null 2>&1
  rl_pm system service --time=0 "unix://$E2E/rl-xdg/podman.sock" >"$E2E/rl.log" 2>&1 3>&- &
  echo $! >"$E2E/rl.bg"
  wait_for 60 test -S "$E2E/rl-xdg/podman.sock"
  # the service itself (su's shell does not pass a signal on)
  ss -xlpn | awk -v s="$E2E/rl-xdg/podman.sock" '$5 == s {match($0, /pid=[0-9]+/); print substr($0, RSTART+4, RLENGTH-4)}' \
    >"$E2E/rl-service.pid"
  local run="run -d --network none --ulimit nofile=1024:1024 --ulimit nproc=1024:1024"
  rl_pm $run --name rlpriv --privileged localhost/bw-busybox:rl sleep 600 >/dev/null
  rl_pm $run --name rlplain localhost/bw-busybox:rl sleep 600 >/dev/null

  run --separate-stderr "$BULWARK" audit --format json --podman "$E2E/rl-xdg/podman.sock"
  [ "$status" -eq 1 ]
  echo "$stderr"
  # Podman 4's compat /info does not say rootless; its /libpod/info does
  [[ "$stderr" == *"Podman engine at $E2E/rl-xdg/podman.sock runs rootless, as uid $uid: its containers' root is uid $uid on the host, never host root"* ]]
  run per_target <<<"$output"
  echo "$output"
  run bash -c "sed 's/ ([0-9a-f]*):/:/' <<<'$output' | sort"
  # no BW040, BW042: container root is uid $uid (BW043 says so); no
  # cgroup for a rootless runc on cgroup v1: no pids limit (BW102)
  [ "${lines[0]}" = "rlplain: BW015 BW016 BW017 BW028 BW043 BW052 BW053 BW064 BW101 BW102 BW103" ]
  [ "${lines[1]}" = "rlpriv: BW001 BW010 BW011 BW012 BW013 BW014 BW015 BW016 BW017 BW018 BW019 BW020 BW021 BW022 BW023 BW024 BW025 BW026 BW027 BW028 BW030 BW043 BW050 BW053 BW064 BW082 BW090 BW091 BW092 BW093 BW101 BW102 BW103" ]
  run --separate-stderr "$BULWARK" audit --format json --podman "$E2E/rl-xdg/podman.sock" rlplain
  [ "$(jq -r '.targets[0].findings[] | select(.rule == "BW043") | .detail' <<<"$output" | sort | head -1)" = \
    "linux/gidMappings[0] maps container 0-0 onto host gids $uid-$uid, below 65536 (the host's system and ordinary users)" ]
}
