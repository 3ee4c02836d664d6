#!/usr/bin/env bats
# Podman (as root) driving bulwark with --runtime, on an image made by
# `podman import` of a busybox rootfs. Storage, run root and tmpdir are
# private to this file. Podman's default RLIMIT_NOFILE/NPROC exceed this
# machine's hard limits (no CAP_SYS_RESOURCE in the VM's bounding set), so
# every run passes --ulimit, as it would have to under runc or crun.
#   BULWARK=build/bulwark bats tests/e2e/podman.bats
# Needs: podman, busybox-static, python3.

load helpers

IMG=localhost/bw-busybox:e2e

setup_file() {
  need podman
  e2e_dir podman
  busybox_rootfs "$E2E/rootfs"
  mkdir -p "$E2E/tmp"
  tar -C "$E2E/rootfs" -c . | pm import - "$IMG" >"$E2E/import.log" 2>&1 || {
    cat "$E2E/import.log" >&3
    return 1
  }
}

teardown_file() {
  [[ -n ${E2E:-} ]] || return 0
  pm rm -af -t 0 >/dev/null 2>&1 || true
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

# bulwark runs under its default policy (an automatic user namespace, an
# idmapped rootfs rebuilt over podman's overlay layers) unless a test says
# otherwise in PM_FLAGS.
PM_FLAGS=()

# podman with this file's storage and bulwark as the runtime; its own log
# (podman writes the runtime's errors to stderr) goes to $E2E/podman.log.
pm_cmd() {
  echo podman --root "$E2E/storage" --runroot "$E2E/run" --tmpdir "$E2E/tmp" \
    --runtime "$BULWARK" "${PM_FLAGS[@]}" --cgroup-manager "${BW_E2E_CGROUP_DRIVER:-cgroupfs}" --events-backend file
}
pm() {
  $(pm_cmd) "$@" 2> >(tee -a "$E2E/podman.log" >&2)
}

ULIMITS=(--ulimit nofile=1024:1024 --ulimit nproc=1024:1024)

# The volume range: the first 65,536 ids of the bulwark user.
vol_uid() { awk -F: '$1 == "bulwark" { print $2; exit }' /etc/subuid; }
vol_gid() { awk -F: '$1 == "bulwark" { print $2; exit }' /etc/subgid; }

@test "podman run: exit status and output; the runtime is bulwark" {
  run --separate-stderr pm run --rm --network none "${ULIMITS[@]}" "$IMG" sh -c 'echo out; id -u; exit 3'
  [ "$status" -eq 3 ]
  [ "${lines[0]}" = out ]
  [ "${lines[1]}" = 0 ]
  run pm info --format '{{.Host.OCIRuntime.Path}}'
  [ "$output" = "$BULWARK" ]
}

@test "podman run -d, exec (status, output), stop (SIGTERM to the handler), rm" {
  pm run -d --name p1 --network none "${ULIMITS[@]}" "$IMG" \
    sh -c 'trap "echo got-term; exit 9" TERM; echo up; while :; do sleep 0.1; done'
  [ "$(pm inspect -f '{{.State.Running}}' p1)" = true ]
  run pm exec p1 sh -c 'echo in; exit 4'
  [ "$status" -eq 4 ]
  [ "$output" = in ]
  pm stop -t 20 p1
  [ "$(pm inspect -f '{{.State.ExitCode}}' p1)" = 9 ]
  [[ $(pm logs p1) == *got-term* ]]
  pm rm p1
  ! pm inspect p1 >/dev/null 2>&1
}

@test "podman rm -f of a running container kills it and leaves nothing" {
  pm run -d --name p2 --network none "${ULIMITS[@]}" "$IMG" sleep 600
  local pid
  pid=$(pm inspect -f '{{.State.Pid}}' p2)
  [ "$pid" -gt 0 ]
  kill -0 "$pid"
  pm rm -f -t 0 p2
  ! pm inspect p2 >/dev/null 2>&1
  wait_for 20 sh -c "! kill -0 $pid 2>/dev/null"
}

@test "podman run -it: a terminal whose size follows the user's" {
  run "$BATS_TEST_DIRNAME/pty_run.py" 30 100 READY 40 120 -- \
    $(pm_cmd) run --rm -it --network none "${ULIMITS[@]}" "$IMG" sh -c 'sleep 1; stty size; echo READY; read x; sleep 1; stty size; exit 7'
  echo "$output"
  [ "$status" -eq 7 ]
  [[ $output == *"30 100"* ]]
  [[ $output == *"40 120"* ]]
}

@test "podman: --read-only, --user, a bind mount and --cap-drop reach the container" {
  mkdir -p "$E2E/vol"
  run --separate-stderr pm run --rm --network none "${ULIMITS[@]}" --read-only --user 1000:1000 --cap-drop ALL \
    -v "$E2E/vol:/data" "$IMG" sh -c 'id -u; grep CapEff /proc/self/status; touch /x 2>&1; { echo ok >/data/f; } 2>&1'
  echo "$output"
  [ "${lines[0]}" = 1000 ]
  [ "${lines[1]}" = "CapEff:	0000000000000000" ]
  [[ ${lines[2]} == *"Read-only file system"* ]]
  # uid 1000 without DAC_OVERRIDE cannot write the root-owned 0755 dir
  [[ ${lines[3]} == *"Permission denied"* ]]
  # root inside neither: a host folder is the host's until bulwark share
  run pm run --rm --network none "${ULIMITS[@]}" -v "$E2E/vol:/data" "$IMG" sh -c 'echo ok >/data/f'
  [ "$status" -ne 0 ]
  [ ! -e "$E2E/vol/f" ]
  "$BULWARK" share "$E2E/vol"
  run pm run --rm --network none "${ULIMITS[@]}" -v "$E2E/vol:/data" "$IMG" sh -c 'echo ok >/data/f'
  [ "$status" -eq 0 ]
  [ "$(cat "$E2E/vol/f")" = ok ]
  [ "$(stat -c %u "$E2E/vol/f")" = "$(vol_uid)" ]
}

@test "podman under bulwark's default policy: an automatic user namespace, root inside is an unprivileged host uid" {
  # not `run`: conmon keeps the stderr pipe of a detached run open
  pm run -d --name un --network none "${ULIMITS[@]}" "$IMG" sleep 600 >"$E2E/un.log" 2>&1 || {
    cat "$E2E/un.log"
    return 1
  }
  local pid uid
  pid=$(pm inspect -f '{{.State.Pid}}' un)
  uid=$(host_uid_of "$pid")
  echo "host uid of the container's init: $uid"
  [ "$uid" -ne 0 ]
  [ "$(pm exec un id -u)" = 0 ]
  # the container's map: 0 is the unprivileged uid
  run pm exec un cat /proc/self/uid_map
  [[ $output =~ ^[[:space:]]*0[[:space:]]+$uid[[:space:]]+65536 ]]
  # an exec'd process is that uid too
  pm exec -d un sleep 77
  wait_for 20 pgrep -f '^sleep 77$'
  [ "$(host_uid_of "$(pgrep -f '^sleep 77$')")" = "$uid" ]
  # image files are root's inside; podman's own files in the upper layer
  # (/etc/mtab) and a copy-up land in the container's range on the host
  run pm exec un sh -c 'stat -c "%u %g" /bin/busybox /etc/mtab /etc/hosts; echo x >/etc/new; stat -c "%u" /etc/new'
  echo "$output"
  [ "$output" = "$(printf '0 0\n0 0\n0 0\n0')" ]
  local upper
  upper=$(pm inspect -f '{{.GraphDriver.Data.UpperDir}}' un)
  [ "$(stat -c %u "$upper/etc/new")" = "$uid" ]
  [ "$(stat -c %u "$upper/etc/mtab")" = "$uid" ]
  # the image's layer is untouched: still host root's
  [ "$(stat -c %u "$(pm inspect -f '{{.GraphDriver.Data.LowerDir}}' un | cut -d: -f1)/bin/busybox")" = 0 ]
  pm rm -f -t 0 un
}

@test "podman under the default policy: a host folder's files are nobody's inside and not writable; shared, root's writes land in the volume range" {
  mkdir -p "$E2E/vol2"
  echo hi >"$E2E/vol2/hostfile"
  pm run --rm --network none "${ULIMITS[@]}" -v "$E2E/vol2:/data" "$IMG" sh -c 'stat -c %u /data/hostfile; { echo made >/data/made; } 2>/dev/null || echo REFUSED' >"$E2E/vol2.out" 2>&1 || true
  cat "$E2E/vol2.out"
  grep -qx 65534 "$E2E/vol2.out"
  grep -qx REFUSED "$E2E/vol2.out"
  [ ! -e "$E2E/vol2/made" ]
  "$BULWARK" share "$E2E/vol2" >/dev/null
  pm run --rm --network none "${ULIMITS[@]}" -v "$E2E/vol2:/data" "$IMG" sh -c 'stat -c %u /data/hostfile; echo made >/data/made' >"$E2E/vol2.out"
  [ "$(cat "$E2E/vol2.out")" = 0 ]
  [ "$(stat -c %u "$E2E/vol2/made")" = "$(vol_uid)" ]
  [ "$(cat "$E2E/vol2/made")" = made ]
}

@test "podman named volume and /etc/hosts: container root writes them, on the host they are in the volume range, never host root's" {
  pm run --rm --network none "${ULIMITS[@]}" -v pmvol:/data "$IMG" sh -c 'echo x >/data/f; mkdir /data/d; echo "10.9.8.7 extra" >>/etc/hosts && grep -c extra /etc/hosts' >"$E2E/pmvol.out" 2>&1
  cat "$E2E/pmvol.out"
  [ "$(cat "$E2E/pmvol.out")" = 1 ]
  local d
  d=$(pm volume inspect -f '{{.Mountpoint}}' pmvol)
  echo "volume at $d"
  [ "$(stat -c %u:%g "$d/f")" = "$(vol_uid):$(vol_gid)" ]
  [ "$(stat -c %u "$d/d")" = "$(vol_uid)" ]
  [ -z "$(find "$d" \( -uid 0 -o -gid 0 \) -print)" ]
  # a second container sees the same owners
  run pm run --rm --network none "${ULIMITS[@]}" -v pmvol:/data "$IMG" stat -c %u:%g /data/f
  [ "$output" = 0:0 ]
  pm volume rm pmvol >/dev/null
}

@test "podman run --rm under the default policy: its volatile overlay is rebuilt, the rootfs writable, root's files root's" {
  local n
  for n in 1 2; do
    run --separate-stderr pm run --rm --network none "${ULIMITS[@]}" "$IMG" \
      sh -c 'echo $0 >/etc/motd && cat /etc/motd && stat -c "%u %g" /etc/motd /etc/passwd /etc/mtab' "run$n"
    echo "$output"
    [ "$status" -eq 0 ]
    [ "$output" = "$(printf 'run%s\n0 0\n0 0\n0 0' "$n")" ]
  done
  # podman's overlay is volatile indeed; the rebuild works beside its work dir
  pm run -d --rm --name vo --network none "${ULIMITS[@]}" "$IMG" sleep 600 >/dev/null
  local merged work
  merged=$(pm inspect -f '{{.GraphDriver.Data.MergedDir}}' vo)
  work=$(pm inspect -f '{{.GraphDriver.Data.WorkDir}}' vo)
  awk -v m="$merged" '$5 == m' /proc/self/mountinfo | grep -Eq '(,|fsync=)volatile'
  [ -d "$(dirname "$work")/bulwark-work/work" ]
  [ "$(pm exec vo id -u)" = 0 ]
  pm rm -f -t 0 vo
}

@test "podman restart under the default policy: the same host uid, the upper layer's files still root's inside" {
  pm run -d --name rs --network none "${ULIMITS[@]}" "$IMG" sh -c 'echo x >>/etc/count; sleep 600' >/dev/null
  local uid1 uid2
  uid1=$(host_uid_of "$(pm inspect -f '{{.State.Pid}}' rs)")
  pm restart -t 0 rs >/dev/null
  uid2=$(host_uid_of "$(pm inspect -f '{{.State.Pid}}' rs)")
  [ "$uid1" -ne 0 ]
  [ "$uid1" = "$uid2" ]
  local i
  for ((i = 0; i < 20; i++)); do
    [ "$(pm exec rs cat /etc/count 2>/dev/null | wc -l)" -ge 2 ] && break
    sleep 0.5
  done
  run pm exec rs sh -c 'wc -l </etc/count; stat -c "%u %g" /etc/count /etc/mtab'
  echo "$output"
  [ "${lines[0]}" = 2 ]
  [ "${lines[1]}" = "0 0" ]
  [ "${lines[2]}" = "0 0" ]
  pm rm -f -t 0 rs
}

@test "podman with --runtime-flag policy-mode=warn: podman's config as podman wrote it, no user namespace" {
  PM_FLAGS=(--runtime-flag policy-mode=warn --runtime-flag "log=$E2E/warn.log")
  run --separate-stderr pm run --rm --network none "${ULIMITS[@]}" "$IMG" sh -c 'cat /proc/self/uid_map'
  PM_FLAGS=()
  [ "$status" -eq 0 ]
  [[ $output =~ ^[[:space:]]*0[[:space:]]+0[[:space:]]+4294967295 ]]
  # the findings are warnings in bulwark's log, nothing was changed
  grep -q 'warning: policy (profile baseline): BW040 No user namespace' "$E2E/warn.log"
  ! grep -q hardened "$E2E/warn.log"
}
