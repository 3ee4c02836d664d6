#!/usr/bin/env bats
# Docker, Podman and containerd with their systemd cgroup drivers, bulwark
# as their runtime: each container's scope (the name the engine asks for)
# exists with its limits while it runs and is gone once it is removed.
# Needs systemd as PID 1 and cgroup v2 only (the guest of scripts/guest);
# elsewhere every test skips with the reason.
#   BULWARK=build/bulwark bats tests/e2e/systemd_engines.bats
# Needs: docker.io, podman, containerd, busybox-static, jq.

load helpers

setup_file() {
  e2e_dir sdengines
  # One busybox rootfs and its tar for the three engines (a rootfs costs a
  # fork per applet: seconds under emulation).
  busybox_rootfs "$E2E/rootfs"
  tar -C "$E2E/rootfs" -cf "$E2E/rootfs.tar" .
}

teardown_file() {
  [[ -n ${E2E:-} ]] || return 0
  if [[ -S $E2E/docker.sock ]]; then
    local ids
    ids=$(DOCKER_HOST=unix://$E2E/docker.sock docker ps -aq 2>/dev/null)
    [[ -z $ids ]] || DOCKER_HOST=unix://$E2E/docker.sock docker rm -f $ids >/dev/null 2>&1 || true
  fi
  stop_dockerd
  stop_containerd
  podman --root "$E2E/storage" --runroot "$E2E/run" rm -af -t 0 >/dev/null 2>&1 || true
  umount_under "$E2E"
  rm -rf "$E2E"
}

teardown() {
  teardown_show_logs "$E2E/dockerd.log" "$E2E/containerd.log" "$E2E/podman.log"
}

need_systemd() {
  [[ -d /run/systemd/system && $(cat /proc/1/comm) == systemd ]] || skip "no systemd as PID 1 here (run in the systemd guest)"
  [[ $(stat -fc %T /sys/fs/cgroup) == cgroup2fs ]] || skip "not a cgroup v2 only host"
}

prop() {
  systemctl show -p "$2" --value "$1"
}

@test "Docker with native.cgroupdriver=systemd runs bulwark containers in their scopes" {
  need_systemd
  need docker dockerd
  # A config file of this test's own (a host's /etc/docker/daemon.json may
  # set exec-opts or a "bulwark" runtime of its own).
  jq -n --arg p "$BULWARK" '{"exec-opts": ["native.cgroupdriver=systemd"], runtimes: {bulwark: {path: $p}}}' \
    >"$E2E/daemon.json"
  # The driver is this file's, not the run's (the guest's --driver sets
  # BW_E2E_CGROUP_DRIVER, which start_dockerd would pass as a flag too).
  BW_E2E_CGROUP_DRIVER="" start_dockerd --config-file "$E2E/daemon.json"
  [ "$(docker info --format '{{.CgroupDriver}}')" = systemd ]
  docker import - bw-busybox:sd <"$E2E/rootfs.tar" >/dev/null
  run docker run --rm --runtime bulwark --network none bw-busybox:sd sh -c 'echo hello; exit 3'
  echo "$output"
  [ "$status" -eq 3 ]
  [ "$output" = hello ]
  local id unit
  id=$(docker run -d --runtime bulwark --network none --memory 64m --pids-limit 50 bw-busybox:sd sleep 300)
  unit=docker-$id.scope
  [ "$(prop "$unit" ActiveState)" = active ]
  [ "$(prop "$unit" Slice)" = system.slice ]
  [ "$(prop "$unit" MemoryMax)" = 67108864 ]
  [ "$(prop "$unit" TasksMax)" = 50 ]
  # docker update goes through bulwark update: the unit follows.
  docker update --memory 96m --memory-swap 96m --pids-limit 60 "$id" >/dev/null
  [ "$(prop "$unit" MemoryMax)" = 100663296 ]
  [ "$(prop "$unit" TasksMax)" = 60 ]
  # A fork bomb stops at the limit.
  run docker exec "$id" sh -c 'for i in $(seq 80); do sleep 5 & done 2>&1; wait'
  echo "$output"
  [[ $output == *"can't fork"* || $output == *"Resource temporarily unavailable"* ]]
  docker rm -f "$id" >/dev/null
  [ "$(prop "$unit" ActiveState)" = inactive ]
  stop_dockerd
}

@test "Podman with --cgroup-manager=systemd runs bulwark containers in their scopes, under the default policy" {
  need_systemd
  need podman
  # bulwark's default policy: an automatic user namespace. Podman binds a
  # tmpfs of its own at /dev/shm, which kernels before 6.3 cannot idmap:
  # bulwark binds it without an idmapped view there (container root is an
  # unprivileged host uid all the same), and idmaps it from 6.3.
  local pm=(podman --root "$E2E/storage" --runroot "$E2E/run" --runtime "$BULWARK" --cgroup-manager systemd
    --events-backend file)
  "${pm[@]}" import - localhost/bw-busybox:sd <"$E2E/rootfs.tar" >/dev/null 2>>"$E2E/podman.log"
  run "${pm[@]}" run --rm --network none localhost/bw-busybox:sd sh -c 'echo hello; exit 3'
  echo "$output"
  [ "$status" -eq 3 ]
  [ "$(grep -v 'WARN\|warning' <<<"$output")" = hello ]
  local id pid host
  id=$("${pm[@]}" run -d --network none --memory 64m localhost/bw-busybox:sd sleep 300 2>>"$E2E/podman.log")
  [ "$(prop "libpod-$id.scope" ActiveState)" = active ]
  [ "$(prop "libpod-$id.scope" MemoryMax)" = 67108864 ]
  # root inside is an unprivileged host uid, and it writes its /dev/shm
  pid=$("${pm[@]}" inspect -f '{{.State.Pid}}' "$id")
  host=$(awk '$1 == 0 {print $2}' "/proc/$pid/uid_map")
  [ -n "$host" ] && [ "$host" -ne 0 ]
  run "${pm[@]}" exec "$id" sh -c 'echo shared >/dev/shm/note && cat /dev/shm/note && id -u'
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = shared ] && [ "${lines[1]}" = 0 ]
  local shm
  # the tmpfs Podman bound there (its config's /dev/shm source)
  shm=$(jq -r '.mounts[] | select(.destination == "/dev/shm") | .source' "$E2E/storage/overlay-containers/$id/userdata/config.json")
  [ "$(stat -fc %T "$shm")" = tmpfs ]
  [ "$(stat -c %u "$shm/note")" -ne 0 ]
  "${pm[@]}" rm -f -t 0 "$id" >/dev/null 2>>"$E2E/podman.log"
  [ "$(prop "libpod-$id.scope" ActiveState)" = inactive ]
}

@test "containerd with SystemdCgroup = true runs bulwark containers in their scopes" {
  need_systemd
  need containerd ctr
  start_containerd
  oci_image_tar "$E2E/rootfs" "$E2E/image.tar" docker.io/library/bw-busybox:sd
  ctr image import "$E2E/image.tar" >/dev/null
  local id=sd$$
  # What the CRI plugin passes with SystemdCgroup = true: the runc shim's
  # --systemd-cgroup and a slice:prefix:name cgroupsPath.
  ctr run -d --runc-binary "$BULWARK" --runc-root "$E2E/bulwark-root" --runc-systemd-cgroup \
    --cgroup "system.slice:cri-containerd:$id" --memory-limit 67108864 \
    docker.io/library/bw-busybox:sd "$id" sleep 300
  [ "$(prop "cri-containerd-$id.scope" ActiveState)" = active ]
  [ "$(prop "cri-containerd-$id.scope" MemoryMax)" = 67108864 ]
  ctr task kill -s KILL "$id"
  local i
  for i in $(seq 50); do [[ $(ctr task ls | awk -v id="$id" '$1 == id {print $3}') == STOPPED ]] && break; sleep 0.1; done
  ctr task delete "$id"
  ctr container rm "$id"
  [ "$(prop "cri-containerd-$id.scope" ActiveState)" = inactive ]
  stop_containerd
}
