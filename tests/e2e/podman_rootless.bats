#!/usr/bin/env bats
# Rootless Podman driving bulwark with --runtime, as a test user made for
# this file (with /etc/subuid and /etc/subgid ranges, a runtime directory
# as a login session has, storage of its own under $E2E), all removed in
# teardown_file (test_user.bash; on a shared host run it under
# `flock /run/bw-subuid.lock`, which guards edits of those files). bulwark
# runs under its default policy, as Podman's runtime inside the user's
# namespace (it is uid 0 there). Skips, saying why, when rootless Podman
# cannot run here.
#   BULWARK=build/bulwark bats tests/e2e/podman_rootless.bats
# The fuse-overlayfs tests use a second storage whose overlay is mounted by
# fuse-overlayfs (Podman's mount_program), as Podman chooses where the
# kernel's overlay is not usable in a user namespace.
# Needs: podman, uidmap, setpriv, busybox-static, python3, fuse-overlayfs.

load helpers

RL_USER=bwrl-podman
IMG=localhost/bw-busybox:rootless
PAUSE=localhost/bw-pause:rootless

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

# Podman on a storage of its own whose overlay is fuse-overlayfs.
FUSE_OPTS=(--storage-opt overlay.mount_program=/usr/bin/fuse-overlayfs)
pmf_cmd() {
  echo podman --root "$E2E/fstorage" --runroot "$E2E/frun" --tmpdir "$E2E/tmp" --storage-driver overlay \
    "${FUSE_OPTS[@]}" --runtime "$E2E/bulwark" --cgroup-manager cgroupfs --events-backend file
}
pmf() {
  # shellcheck disable=SC2046 # pmf_cmd is a command line
  as_user $(pmf_cmd) "$@" 2> >(tee -a "$E2E/podman.log" >&2)
}

# fuse-overlayfs needs /dev/fuse, which udev makes 0666 on a Debian host;
# a host without udev (this VM) leaves it 0600 root's: the test user's
# group is given it until teardown_file puts the old owner and mode back.
# Then the image is imported into the FUSE storage (once).
fuse_ready() {
  [ -x /usr/bin/fuse-overlayfs ] || skip "fuse-overlayfs is not installed (scripts/deps)"
  [ -c /dev/fuse ] || skip "no /dev/fuse on this host"
  if ! as_user sh -c 'exec 9<>/dev/fuse' 2>/dev/null; then
    [[ -s $E2E/fuse.was ]] || stat -c '%a %u:%g' /dev/fuse >"$E2E/fuse.was"
    chgrp "$RL_GID" /dev/fuse && chmod g+rw /dev/fuse
  fi
  [[ -f $E2E/fstorage.ok ]] && return 0
  # shellcheck disable=SC2046 # pmf_cmd is a command line
  if ! as_user sh -c "tar -C rootfs -c . | $(pmf_cmd) import - $IMG" >>"$E2E/import.log" 2>&1; then
    skip "rootless podman cannot import an image onto fuse-overlayfs here: $(tail -1 "$E2E/import.log")"
  fi
  touch "$E2E/fstorage.ok"
}

# No fuse-overlayfs mount of this file's storage left in Podman's mount
# namespace.
no_fuse_mount() {
  [ -z "$(pmf unshare awk -v d="$E2E/" '$9 == "fuse-overlayfs" && index($5, d) == 1' /proc/self/mountinfo)" ]
}

ULIMITS=(--ulimit nofile=1024:1024 --ulimit nproc=1024:1024)

setup_file() {
  command -v podman >/dev/null || skip "podman is not installed"
  command -v newuidmap >/dev/null || skip "uidmap (newuidmap, newgidmap) is not installed"
  command -v setpriv >/dev/null || skip "setpriv is not installed"
  test_user_add "$RL_USER"
  export RL_UID=$TEST_USER_UID RL_GID=$TEST_USER_GID RL_START=$TEST_USER_START
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
  [[ -n ${E2E:-} ]] || { test_user_del "$RL_USER"; return 0; }
  pm rm -af -t 0 >/dev/null 2>&1 || true
  pm pod rm -af -t 0 >/dev/null 2>&1 || true
  [[ -d $E2E/fstorage ]] && { pmf rm -af -t 0 >/dev/null 2>&1 || true; }
  # /dev/fuse's owner and mode as they were before fuse_ready
  if [[ -s $E2E/fuse.was ]]; then
    read -r mode owner <"$E2E/fuse.was"
    chown "$owner" /dev/fuse && chmod "$mode" /dev/fuse
  fi
  test_user_del "$RL_USER"
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
  run pm inspect p1
  [ "$status" -ne 0 ]
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
  run pm inspect p2
  [ "$status" -ne 0 ]
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
  run --separate-stderr pm run --rm --network none "${ULIMITS[@]}" -v rlvol:/data "$IMG" stat -c %u:%g /data/f
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

# fuse-overlayfs: the rootfs is a FUSE mount the user's Podman made in its
# own user namespace. The kernel cannot idmap a FUSE mount, and a rootless
# bulwark needs no idmapped view: Podman's namespace already maps its root
# to the user. bulwark must use the mount as it is, in a user namespace of
# its own whose root is the user (never host root, never Podman's root).

@test "rootless podman on fuse-overlayfs: run; owners inside and on the host, uid_map, the user namespace" {
  fuse_ready
  pmf run -d --name f1 --network none "${ULIMITS[@]}" "$IMG" \
    sh -c 'echo new >/etc/new; mkdir /d; chown 100:100 /d; echo ready >/tmp/ready; sleep 600'
  wait_for 20 pmf exec f1 cat /tmp/ready
  run --separate-stderr pmf exec f1 sh -c 'awk "\$5 == \"/\" {for (i = 7; \$i != \"-\"; i++); print \$(i + 1)}" /proc/self/mountinfo; id -u; stat -c %u:%g /bin/busybox /etc/new /d'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = fuse.fuse-overlayfs ] # the rootfs is the FUSE mount
  [ "${lines[1]}" = 0 ]
  [ "${lines[2]}" = 0:0 ] # the image's root files are container root's
  [ "${lines[3]}" = 0:0 ]
  [ "${lines[4]}" = 100:100 ]
  local pid
  pid=$(pmf inspect -f '{{.State.Pid}}' f1)
  # on the host: the user, through the user's own and subordinate ids
  [ "$(host_uid "$pid")" = "$RL_UID" ]
  [ "$(awk '{print $1, $2, $3}' "/proc/$pid/uid_map" | paste -sd,)" = "0 $RL_UID 1,1 $RL_START 65536" ]
  [ "$(awk '{print $1, $2, $3}' "/proc/$pid/gid_map" | paste -sd,)" = "0 $RL_GID 1,1 $RL_START 65536" ]
  # a user namespace bulwark made inside Podman's, not Podman's own
  [ "$(readlink "/proc/$pid/ns/user")" != "$(pmf unshare readlink /proc/self/ns/user)" ]
  # what container root wrote is the user's on the host; id 100 a subordinate id
  local up
  up=$(pmf inspect -f '{{.GraphDriver.Data.UpperDir}}' f1)
  [ -d "$up" ]
  [ "$(stat -c %u:%g "$up/etc/new")" = "$RL_UID:$RL_GID" ]
  [ "$(stat -c %u:%g "$up/d")" = "$((RL_START + 99)):$((RL_START + 99))" ]
  [ -z "$(find "$up" \( -uid 0 -o -gid 0 \) -print)" ]
  pmf rm -f -t 0 f1
}

@test "rootless podman on fuse-overlayfs: exec (status, output, the container's ids), stop, rm leaves no mount" {
  fuse_ready
  pmf run -d --name f2 --network none "${ULIMITS[@]}" "$IMG" sh -c 'trap "exit 9" TERM; while :; do sleep 0.1; done'
  run pmf exec f2 sh -c 'echo in; id -u; exit 4'
  [ "$status" -eq 4 ]
  [ "${lines[0]}" = in ]
  [ "${lines[1]}" = 0 ]
  pmf exec -d f2 sleep 301
  local e
  wait_for 20 pgrep -u "$RL_UID" -f '^sleep 301$'
  e=$(pgrep -u "$RL_UID" -f '^sleep 301$') # the exec'd process: the user on the host
  [ -n "$e" ]
  [ "$(awk '{print $1, $2, $3}' "/proc/$e/uid_map" | paste -sd,)" = "0 $RL_UID 1,1 $RL_START 65536" ]
  # its rootfs is a FUSE mount in Podman's mount namespace, until rm
  run pmf unshare awk -v d="$E2E/" '$9 == "fuse-overlayfs" && index($5, d) == 1 {print $5}' /proc/self/mountinfo
  [[ $output == *"$(pmf inspect -f '{{.GraphDriver.Data.MergedDir}}' f2)"* ]]
  pmf stop -t 20 f2
  [ "$(pmf inspect -f '{{.State.ExitCode}}' f2)" = 9 ]
  pmf rm f2
  # the FUSE mount (in Podman's mount namespace) is gone with the container
  # (Podman's cleanup unmounts it, after rm returns)
  wait_for 40 no_fuse_mount
}

@test "rootless podman on fuse-overlayfs: a named volume, and run --rm's rootfs writable, the image untouched" {
  fuse_ready
  run --separate-stderr pmf run --rm --network none "${ULIMITS[@]}" -v fvol:/data "$IMG" \
    sh -c 'echo x >/data/f; mkdir /data/d; chown 100:100 /data/d; echo new >/etc/new; cat /etc/new; awk "\$5 == \"/\" {for (i = 7; \$i != \"-\"; i++); print \$(i + 1)}" /proc/self/mountinfo'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = new ]
  [ "${lines[1]}" = fuse.fuse-overlayfs ]
  local d
  d=$(pmf volume inspect -f '{{.Mountpoint}}' fvol)
  [ "$(stat -c %u:%g "$d/f")" = "$RL_UID:$RL_GID" ]
  [ "$(stat -c %u:%g "$d/d")" = "$((RL_START + 99)):$((RL_START + 99))" ]
  [ -z "$(find "$d" \( -uid 0 -o -gid 0 \) -print)" ]
  run --separate-stderr pmf run --rm --network none "${ULIMITS[@]}" -v fvol:/data "$IMG" stat -c %u:%g /data/f
  [ "$output" = 0:0 ]
  # --rm removed it: a new container starts from the image, nothing is left
  run --separate-stderr pmf run --rm --network none "${ULIMITS[@]}" "$IMG" cat /etc/new
  [ "$status" -ne 0 ]
  [ -z "$(pmf ps -aq)" ]
  pmf volume rm fvol >/dev/null
}
