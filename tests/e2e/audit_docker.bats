#!/usr/bin/env bats
# bulwark audit --docker against a real dockerd: this file starts its own
# daemon (own data-root, exec-root and socket, no iptables, no bridge),
# imports a busybox rootfs, runs containers with the flags people worry
# about under the default runc, and checks the exact rule ids audit reports
# for each. It also audits the config.json dockerd actually handed runc and
# checks the translation of `docker inspect` reaches the same verdict.
#   BULWARK=build/bulwark bats tests/e2e/audit_docker.bats
# Needs: docker.io (dockerd, containerd, runc), busybox-static, jq.

load helpers

setup_file() {
  e2e_dir audit-docker
  start_dockerd
  docker_import_busybox bw-busybox:e2e

  local run=(docker run -d --network none)
  "${run[@]}" --name clean --cap-drop ALL --user 1000:1000 --read-only --security-opt no-new-privileges \
    --pids-limit 100 --memory 64m --cgroupns private bw-busybox:e2e sleep 600 >/dev/null
  "${run[@]}" --name sock -v /var/run/docker.sock:/var/run/docker.sock bw-busybox:e2e sleep 600 >/dev/null
  "${run[@]}" --name sysadmin --cap-add SYS_ADMIN bw-busybox:e2e sleep 600 >/dev/null
  "${run[@]}" --name hostpid --pid host bw-busybox:e2e sleep 600 >/dev/null
  "${run[@]}" --name netraw --cap-add NET_RAW bw-busybox:e2e sleep 600 >/dev/null
  # A host whose own bounding set lacks a capability cannot start a
  # privileged container (runc: "unable to apply caps"); the container is
  # still created, which is all audit needs.
  if ! "${run[@]}" --name priv --privileged bw-busybox:e2e sleep 600 >"$E2E/priv.log" 2>&1; then
    docker inspect priv >/dev/null
  fi
}

teardown_file() {
  [[ -n ${E2E:-} ]] || return 0
  docker rm -f clean sock sysadmin hostpid netraw priv >/dev/null 2>&1 || true
  stop_dockerd
  rm -rf "$E2E"
}

teardown() {
  teardown_show_logs "$E2E/dockerd.log"
}

# The sorted unique ids audit --docker reports for one container.
ids() {
  "$BULWARK" audit --format json --docker "$(docker inspect -f '{{.Id}}' "$1")" |
    jq -r '[.targets[].findings[].rule] | unique | join(" ")'
}

# Docker's default container, as the rules see it: Docker's 14 capabilities
# (CHOWN DAC_OVERRIDE FOWNER MKNOD NET_RAW SETFCAP among them), no user
# namespace, root, no_new_privs off, no pids or memory limit, a writable
# rootfs, the host's cgroup namespace (cgroup v1), and Docker 20.10's
# default seccomp profile, which allows io_uring (BW052).
DEFAULT="BW015 BW016 BW017 BW018 BW019 BW028 BW040 BW042 BW052 BW053 BW064 BW101 BW102 BW103"

with() { tr ' ' '\n' <<<"$DEFAULT $*" | sort -u | paste -sd' '; }

@test "e2e docker: --privileged" {
  run ids priv
  [ "$output" = "BW001 BW010 BW011 BW012 BW013 BW014 BW015 BW016 BW017 BW018 BW019 BW020 BW021 BW022 BW023 BW024 BW025 BW026 BW027 BW028 BW030 BW040 BW042 BW050 BW053 BW064 BW082 BW090 BW091 BW092 BW093 BW101 BW102 BW103" ]
}

@test "e2e docker: -v /var/run/docker.sock:/var/run/docker.sock" {
  run ids sock
  [ "$output" = "$(with BW070)" ]
}

@test "e2e docker: --cap-add SYS_ADMIN (and the seccomp rules it opens)" {
  run ids sysadmin
  [ "$output" = "$(with BW010)" ]
}

@test "e2e docker: --pid host" {
  run ids hostpid
  [ "$output" = "$(with BW060)" ]
}

@test "e2e docker: --cap-add NET_RAW" {
  run ids netraw
  [ "$output" = "$DEFAULT" ]
}

@test "e2e docker: a locked-down container leaves only the missing user namespace and Docker's io_uring allowance" {
  run ids clean
  [ "$output" = "BW040 BW052" ]
}

@test "e2e docker: --docker without ids audits every running container" {
  run "$BULWARK" audit --format json --docker
  [ "$status" -eq 1 ]
  running=$(docker ps -q | wc -l)
  jq -e --argjson n "$running" '.targets | length == $n' <<<"$output"
  jq -e '[.targets[].name | sub(" .*"; "")] | index("sock") and index("clean")' <<<"$output"
  # one text report, grouped by container
  run "$BULWARK" audit --docker
  [[ "$output" == *"sock ("*"BW070"* ]]
}

@test "e2e docker: inspect translation matches the config.json dockerd gave runc" {
  for name in clean sock sysadmin hostpid netraw; do
    id=$(docker inspect -f '{{.Id}}' "$name")
    cfg=$(find "$E2E/exec" -path "*/$id/config.json" | head -1)
    [ -f "$cfg" ]
    real=$("$BULWARK" audit --format json "$cfg" | jq -r '[.targets[].findings[].rule] | unique | join(" ")')
    # Docker 20.10 adds its libnetwork-setkey prestart hook (BW110), which
    # inspect does not show; everything else must agree.
    real=${real/ BW110/}
    real=${real/BW110/}
    translated=$(ids "$name")
    echo "$name: real='$real' translated='$translated'"
    [ "$real" = "$translated" ]
  done
}
