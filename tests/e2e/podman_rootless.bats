#!/usr/bin/env bats
# Rootless Podman driving bulwark with --runtime, as a test user made for
# this file (with /etc/subuid and /etc/subgid ranges, a runtime directory
# as a login session has, storage of its own under $E2E), all removed in
# teardown_file. bulwark runs under its default policy, as Podman's
# runtime inside the user's namespace (it is uid 0 there). Skips, saying
# why, when rootless Podman cannot run here.
#   BULWARK=build/bulwark bats tests/e2e/podman_rootless.bats
# Needs: podman, uidmap, setpriv, busybox-static, python3.

load helpers

RL_USER=bwrl-podman
IMG=localhost/bw-busybox:rootless
PAUSE=localhost/bw-pause:rootless

remove_user() {
  local uid pid
  uid=$(id -u "$RL_USER" 2>/dev/null) || uid=
  if [ -n "$uid" ]; then
    for pid in $(pgrep -u "$uid" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
    userdel "$RL_USER" 2>/dev/null || true
    rm -rf "/run/user/$uid"
  fi
  sed -i "/^$RL_USER:/d" /etc/subuid /etc/subgid
}

# Run "$@" as the test user, with the environment of a login session.
as_user() {
  (cd "$E2E" && setpriv --reuid="$RL_UID" --regid="$RL_GID" --init-groups \
    env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="$E2E/home" USER="$RL_USER" \
    XDG_RUNTIME_DIR="/run/user/$RL_UID" "$@")
}

pm_cmd() {
  echo podman --root "$E2E/storage" --runroot "$E2E/run" --tmpdir "$E2E/tmp" --storage-driver overlay \
    --runtime "$E2E/bulwark" --cgroup-manager cgroupfs --events-backend file
}
pm() {
  # shellcheck disable=SC2046 # pm_cmd is a command line
  as_user $(pm_cmd) "$@" 2> >(tee -a "$E2E/podman.log" >&2)
}

ULIMITS=(--ulimit nofile=1024:1024 --ulimit nproc=1024:1024)

setup_file() {
  command -v podman >/dev/null || skip "podman is not installed"
  command -v newuidmap >/dev/null || skip "uidmap (newuidmap, newgidmap) is not installed"
  command -v setpriv >/dev/null || skip "setpriv is not installed"
  remove_user
  useradd --no-create-home --shell /bin/sh "$RL_USER"
  sed -i "/^$RL_USER:/d" /etc/subuid /etc/subgid
  local start
  start=$(cat /etc/subuid /etc/subgid | awk -F: 'NF == 3 && $2 + $3 > m {m = $2 + $3} END {print (m < 100000 ? 100000 : m)}')
  echo "$RL_USER:$start:65536" >>/etc/subuid
  echo "$RL_USER:$start:65536" >>/etc/subgid
  RL_UID=$(id -u "$RL_USER")
  RL_GID=$(id -g "$RL_USER")
  export RL_UID RL_GID RL_START=$start
  mkdir -p "/run/user/$RL_UID" && chown "$RL_USER:" "/run/user/$RL_UID" && chmod 700 "/run/user/$RL_UID"
  e2e_dir podman-rootless
  mkdir -p "$E2E/home" "$E2E/tmp"
  chown "$RL_USER:" "$E2E" "$E2E/home" "$E2E/tmp"
  cp "$BULWARK" "$E2E/bulwark"
  chmod 755 "$E2E/bulwark"
  busybox_rootfs "$E2E/rootfs"
  chmod -R a+rX "$E2E/rootfs" # root's files, as in an image; the user's tar reads them
  # an infra image for pods (the usual one needs catatonit)
  if ! as_user sh -c "tar -C rootfs -c . | podman --root $E2E/storage --runroot $E2E/run --tmpdir $E2E/tmp --storage-driver overlay import - $IMG" >"$E2E/import.log" 2>&1 ||
    ! as_user sh -c "tar -C rootfs -c . | podman --root $E2E/storage --runroot $E2E/run --tmpdir $E2E/tmp --storage-driver overlay import --change 'CMD [\"/bin/sleep\", \"1000000\"]' - $PAUSE" >>"$E2E/import.log" 2>&1; then
    local why
    why=$(tail -1 "$E2E/import.log")
    skip "rootless podman cannot import an image here: $why"
  fi
}

teardown_file() {
  [[ -n ${E2E:-} ]] || { remove_user; return 0; }
  pm rm -af -t 0 >/dev/null 2>&1 || true
  pm pod rm -af -t 0 >/dev/null 2>&1 || true
  remove_user
  umount_under "$E2E"
  rm -rf "$E2E"
}

teardown() {
  if [[ -z ${BATS_TEST_COMPLETED:-} ]]; then
    echo "---- podman's view ----"
    pm ps -a 2>&1 || true
    show_log "$E2E/podman.log" 40
  fi
}

# The host uid of a container's process.
host_uid() { awk '/^Uid:/ {print $2}' "/proc/$1/status"; }

@test "rootless podman run: exit status, output; container root is the user on the host, in a user namespace of its own" {
  run --separate-stderr pm run --rm --network none "${ULIMITS[@]}" "$IMG" sh -c 'echo out; id -u; readlink /proc/self/ns/user; exit 3'
  [ "$status" -eq 3 ]
  [ "${lines[0]}" = out ]
  [ "${lines[1]}" = 0 ]
  # not Podman's own user namespace: bulwark made one inside it
  [ "${lines[2]}" != "$(pm unshare readlink /proc/self/ns/user)" ]
  pm run -d --name who --network none "${ULIMITS[@]}" "$IMG" sleep 100
  local pid
  pid=$(pm inspect -f '{{.State.Pid}}' who)
  [ "$(host_uid "$pid")" = "$RL_UID" ]
  [ "$(readlink "/proc/$pid/exe")" = /bin/busybox ]
  pm rm -f -t 0 who
  run pm info --format '{{.Host.OCIRuntime.Path}}'
  [ "$output" = "$E2E/bulwark" ]
}

@test "rootless podman run -d, exec (status, output), stop (SIGTERM to the handler), rm" {
  pm run -d --name p1 --network none "${ULIMITS[@]}" "$IMG" \
    sh -c 'trap "echo got-term; exit 9" TERM; echo up; while :; do sleep 0.1; done'
  [ "$(pm inspect -f '{{.State.Running}}' p1)" = true ]
  local cid
  cid=$(pm inspect -f '{{.Id}}' p1)
  [ -n "$(find "/run/user/$RL_UID" -name "$cid" -path '*bulwark*')" ] # bulwark's state for it
  run pm exec p1 sh -c 'echo in; exit 4'
  [ "$status" -eq 4 ]
  [ "$output" = in ]
  pm stop -t 20 p1
  [ "$(pm inspect -f '{{.State.ExitCode}}' p1)" = 9 ]
  [[ $(pm logs p1) == *got-term* ]]
  pm rm p1
  ! pm inspect p1 >/dev/null 2>&1
  # nothing of it left in bulwark's state
  [ -z "$(find "/run/user/$RL_UID" -name "$cid")" ]
}

@test "rootless podman rm -f of a running container kills it and leaves nothing" {
  pm run -d --name p2 --network none "${ULIMITS[@]}" "$IMG" sleep 600
  local pid
  pid=$(pm inspect -f '{{.State.Pid}}' p2)
  [ "$pid" -gt 0 ]
  kill -0 "$pid"
  pm rm -f -t 0 p2
  ! pm inspect p2 >/dev/null 2>&1
  wait_for 20 sh -c "! kill -0 $pid 2>/dev/null"
}

@test "rootless podman run -it: a terminal whose size follows the user's" {
  command -v python3 >/dev/null || skip "python3 drives the terminal"
  # shellcheck disable=SC2046 # pm_cmd is a command line
  run as_user python3 "$BATS_TEST_DIRNAME/pty_run.py" 30 100 READY 40 120 -- \
    $(pm_cmd) run --rm -it --network none "${ULIMITS[@]}" "$IMG" sh -c 'sleep 1; stty size; echo READY; read x; sleep 1; stty size; exit 7'
  echo "$output"
  [ "$status" -eq 7 ]
  [[ $output == *"30 100"* ]]
  [[ $output == *"40 120"* ]]
}

@test "rootless podman --userns=keep-id: the user's uid inside, the user's uid on the host" {
  run --separate-stderr pm run --rm --network none "${ULIMITS[@]}" --userns=keep-id "$IMG" id -u
  [ "$status" -eq 0 ]
  [ "$output" = "$RL_UID" ]
  pm run -d --name k1 --network none "${ULIMITS[@]}" --userns=keep-id "$IMG" sleep 100
  [ "$(host_uid "$(pm inspect -f '{{.State.Pid}}' k1)")" = "$RL_UID" ]
  pm rm -f -t 0 k1
}

@test "rootless podman named volume: container root's files are the user's on the host" {
  pm run --rm --network none "${ULIMITS[@]}" -v rlvol:/data "$IMG" sh -c 'echo x >/data/f; mkdir /data/d; chown 100:100 /data/d'
  local d
  d=$(pm volume inspect -f '{{.Mountpoint}}' rlvol)
  [ "$(stat -c %u:%g "$d/f")" = "$RL_UID:$RL_GID" ]
  # container id 100 is the user's subordinate id 100 (its namespace's 100)
  [ "$(stat -c %u:%g "$d/d")" = "$((RL_START + 99)):$((RL_START + 99))" ]
  [ -z "$(find "$d" \( -uid 0 -o -gid 0 \) -print)" ]
  run pm run --rm --network none "${ULIMITS[@]}" -v rlvol:/data "$IMG" stat -c %u:%g /data/f
  [ "$output" = 0:0 ]
  pm volume rm rlvol >/dev/null
}

@test "rootless podman run --rm: its volatile overlay is the rootfs, writable, the image untouched" {
  run --separate-stderr pm run --rm --network none "${ULIMITS[@]}" "$IMG" sh -c 'echo new >/etc/new; cat /etc/new; stat -c %u /bin/busybox; awk "\$5 == \"/\" {print \$9}" /proc/self/mountinfo'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = new ]
  [ "${lines[1]}" = 0 ]
  [ "${lines[2]}" = overlay ]
  # a second container starts from the image again
  run --separate-stderr pm run --rm --network none "${ULIMITS[@]}" "$IMG" cat /etc/new
  [ "$status" -ne 0 ]
}

@test "rootless podman pods: members share the infra's ipc, uts and network namespaces and its user namespace" {
  pm pod create --name pod1 --network none --infra-image "$PAUSE" >/dev/null
  pm run -d --pod pod1 --name m1 "${ULIMITS[@]}" "$IMG" sleep 100
  run --separate-stderr pm run --rm --pod pod1 "${ULIMITS[@]}" "$IMG" sh -c 'for n in ipc uts net user; do readlink /proc/self/ns/$n; done; hostname'
  [ "$status" -eq 0 ]
  local m1
  m1=$(pm inspect -f '{{.State.Pid}}' m1)
  local i=0 n
  for n in ipc uts net user; do
    [ "${lines[$i]}" = "$(readlink "/proc/$m1/ns/$n")" ]
    i=$((i + 1))
  done
  [ "${lines[4]}" = pod1 ]
  # the members are not host root, nor in Podman's own user namespace
  [ "$(host_uid "$m1")" = "$RL_UID" ]
  [ "$(readlink "/proc/$m1/ns/user")" != "$(pm unshare readlink /proc/self/ns/user)" ]
  pm pod rm -f -t 0 pod1 >/dev/null
}
