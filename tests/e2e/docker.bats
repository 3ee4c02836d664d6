#!/usr/bin/env bats
# Docker driving bulwark, unchanged: this file starts its own dockerd (own
# data-root, exec-root and socket, no iptables, no bridge) with bulwark
# registered both ways people do it (--add-runtime, and daemon.json
# "runtimes" with runtimeArgs), imports a busybox rootfs, and checks what
# a docker user sees: exit codes, output, terminals, lifecycle verbs,
# mounts, capabilities, limits, and the policy's refusals.
#   BULWARK=build/bulwark bats tests/e2e/docker.bats
# Needs: docker.io, busybox-static, jq, python3.

load helpers

IMG=bw-busybox:e2e

setup_file() {
  e2e_dir docker
  # runtimeArgs come before the engine's own arguments: --debug makes
  # bulwark write debug lines into the log the shim hands it; bulwark-warn
  # runs what the default policy refuses, with warnings.
  jq -n --arg p "$BULWARK" '{runtimes: {"bulwark-debug": {path: $p, runtimeArgs: ["--debug"]},
    "bulwark-warn": {path: $p, runtimeArgs: ["--policy-mode=warn"]},
    "bulwark-restricted": {path: $p, runtimeArgs: ["--profile=restricted"]}}}' >"$E2E/daemon.json"
  start_dockerd --config-file "$E2E/daemon.json" --add-runtime "bulwark=$BULWARK"
  docker_import_busybox "$IMG"
}

teardown_file() {
  [[ -n ${E2E:-} ]] || return 0
  if [[ -S $E2E/docker.sock ]]; then
    local ids
    ids=$(docker ps -aq 2>/dev/null)
    [[ -z $ids ]] || docker rm -f $ids >/dev/null 2>&1 || true
  fi
  stop_dockerd
  rm -rf "$E2E"
}

teardown() {
  teardown_show_logs "$E2E/dockerd.log"
}

# docker run under bulwark, removed afterwards, no network unless asked.
drun() {
  docker run --rm --runtime bulwark "$@"
}

# Features that arrive with later work on main: the tests for them exist
# and run as soon as the binary has them.
have_cmd() {
  "$BULWARK" --help | grep -qE "^  $1 "
}
need_wire() {
  have_cmd update || skip "this bulwark has no pause/update: cgroups applied at create, pause/resume/update and policy enforcement at create come with the wire branch"
}
need_userns() {
  need_wire
  have_cmd setup || skip "this bulwark has no automatic user namespace (the userns branch)"
}

# The --root dockerd's shim gives bulwark for a container (Docker 20.10:
# EXEC-ROOT/runtime-runc/moby whatever the runtime's name).
bw_root_of() {
  dirname "$(find "$E2E/exec" -maxdepth 3 -type d -path "*/runtime-*/*/$1" | head -1)"
}

host_pid() {
  docker inspect -f '{{.State.Pid}}' "$1"
}

@test "docker run: exit status and output of a run to completion" {
  run --separate-stderr drun --network none "$IMG" sh -c 'echo out; echo err >&2; exit 3'
  [ "$status" -eq 3 ]
  [ "$output" = out ]
  [ "$stderr" = err ]
  run drun --network none "$IMG" sh -c 'exit 0'
  [ "$status" -eq 0 ]
}

@test "docker run: the container ran under bulwark (its state under dockerd's --root for the runtime)" {
  docker run -d --name which --runtime bulwark --network none "$IMG" sleep 600
  local id
  id=$(docker inspect -f '{{.Id}}' which)
  local root
  root=$(bw_root_of "$id")
  [ -d "$root" ]
  run "$BULWARK" --root "$root" state "$id"
  [ "$status" -eq 0 ]
  [ "$(jq -r .status <<<"$output")" = running ]
  [ "$(jq -r .pid <<<"$output")" = "$(host_pid which)" ]
  docker rm -f which
  # rm -f leaves nothing behind in bulwark's state
  run "$BULWARK" --root "$root" list -q
  [[ $output != *"$id"* ]]
}

@test "daemon.json runtimes with runtimeArgs: the arguments reach bulwark" {
  docker run -d --name dbg --runtime bulwark-debug --network none "$IMG" sleep 600
  local id log
  id=$(docker inspect -f '{{.Id}}' dbg)
  log=$(find "$E2E/exec" -path "*/$id/log.json" | head -1)
  [ -f "$log" ]
  # --debug: debug lines in the log the shim gave bulwark with --log
  grep -q '"level":"debug"' "$log"
  # Docker's libnetwork-setkey hook, /proc/PID/exe of this dockerd, runs dockerd's own file
  grep -q '/exe (/usr/.*bin/dockerd, device' "$log"
  [ "$(docker exec dbg echo reached)" = reached ]
  docker rm -f dbg
}

@test "docker run -it: a real terminal, window size changes reach it, exit status kept" {
  run "$BATS_TEST_DIRNAME/pty_run.py" 30 100 READY 40 120 -- \
    docker run --rm -it --runtime bulwark --network none "$IMG" \
    sh -c 'tty; sleep 1; echo READY; read x; sleep 1; stty size; exit 7'
  echo "$output"
  [ "$status" -eq 7 ]
  [[ $output == *"/dev/pts/"* ]]
  [[ $output == *"40 120"* ]]
}

@test "docker exec: plain, exit status, and -it with a terminal and resize" {
  docker run -d --name ex --runtime bulwark --network none "$IMG" sleep 600
  run --separate-stderr docker exec ex sh -c 'echo in; id -u; tty; exit 5'
  [ "$status" -eq 5 ]
  [ "${lines[0]}" = in ]
  [ "${lines[1]}" = 0 ]
  [ "${lines[2]}" = "not a tty" ]
  run "$BATS_TEST_DIRNAME/pty_run.py" 30 100 READY 40 120 -- \
    docker exec -it ex sh -c 'sleep 1; stty size; tty; echo READY; read x; sleep 1; stty size; exit 6'
  echo "$output"
  [ "$status" -eq 6 ]
  [[ $output == *"30 100"* ]]
  [[ $output == *"/dev/pts/"* ]]
  [[ $output == *"40 120"* ]]
  # the exec'd processes are gone; init is still there
  [ "$(docker exec ex sh -c 'ps -o comm | grep -c sleep')" = 1 ]
  docker rm -f ex
}

@test "docker stop delivers SIGTERM (the container's handler runs), docker kill SIGKILL or the named signal" {
  docker run -d --name st --runtime bulwark --network none "$IMG" \
    sh -c 'trap "echo got-term; exit 9" TERM; trap "echo got-usr1" USR1; echo up; while :; do sleep 0.1; done'
  wait_for 20 sh -c 'docker logs st | grep -q up'
  docker kill -s USR1 st
  wait_for 20 sh -c 'docker logs st | grep -q got-usr1'
  [ "$(docker inspect -f '{{.State.Running}}' st)" = true ]
  docker stop -t 20 st
  [ "$(docker inspect -f '{{.State.ExitCode}}' st)" = 9 ]
  [[ $(docker logs st) == *got-term* ]]
  docker start st
  [ "$(docker inspect -f '{{.State.Running}}' st)" = true ]
  docker kill st
  [ "$(docker inspect -f '{{.State.ExitCode}}' st)" = 137 ]
  docker rm st
}

@test "docker restart: a new init, running, exec works; rm -f removes a running container and its processes" {
  docker run -d --name rs --runtime bulwark --network none "$IMG" sleep 600
  local before after
  before=$(host_pid rs)
  docker restart -t 1 rs
  after=$(host_pid rs)
  [ "$after" -gt 0 ]
  [ "$after" != "$before" ]
  ! kill -0 "$before" 2>/dev/null
  [ "$(docker inspect -f '{{.State.Running}}' rs)" = true ]
  [ "$(docker exec rs echo again)" = again ]
  docker rm -f rs
  ! docker inspect rs >/dev/null 2>&1
  wait_for 20 sh -c "! kill -0 $after 2>/dev/null"
}

@test "docker logs: stdout and stderr of a detached container, kept apart" {
  docker run -d --name lg --runtime bulwark --network none "$IMG" sh -c 'echo to-stdout; echo to-stderr >&2; exit 4'
  [ "$(docker wait lg)" = 4 ]
  docker logs lg >"$E2E/lg.out" 2>"$E2E/lg.err"
  [ "$(cat "$E2E/lg.out")" = to-stdout ]
  [ "$(cat "$E2E/lg.err")" = to-stderr ]
  docker rm lg
}

@test "--read-only: the rootfs refuses writes (and is writable without it)" {
  run drun --network none --read-only "$IMG" sh -c 'touch /x'
  [ "$status" -ne 0 ]
  [[ $output == *"Read-only file system"* ]]
  run drun --network none "$IMG" sh -c 'touch /x && echo wrote'
  [ "$status" -eq 0 ]
  [ "$output" = wrote ]
}

@test "--user 1000:1000: the process has those ids" {
  run drun --network none --user 1000:1000 "$IMG" id
  [ "$status" -eq 0 ]
  [ "$output" = "uid=1000(user) gid=1000(user) groups=1000(user)" ]
}

# The volume range: the first 65,536 ids of the bulwark user.
vol_uid() { awk -F: '$1 == "bulwark" { print $2; exit }' /etc/subuid; }
vol_gid() { awk -F: '$1 == "bulwark" { print $2; exit }' /etc/subgid; }
# No file below $1 (what containers wrote) belongs to host uid or gid 0.
none_root_owned() {
  local found
  found=$(find "$@" \( -uid 0 -o -gid 0 \) -print)
  [ -z "$found" ] || { echo "owned by host root: $found"; return 1; }
}

@test "-v HOSTDIR:/data: a host folder is read-only to container root (even 777) until bulwark share; then writes land in the volume range" {
  need_userns
  mkdir -p "$E2E/vol"
  chmod 777 "$E2E/vol"
  echo from-host >"$E2E/vol/host-file"
  run --separate-stderr drun --network none -v "$E2E/vol:/data" "$IMG" sh -c 'cat /data/host-file; stat -c %u /data/host-file; echo by-root >/data/root-file && echo WROTE'
  echo "$output $stderr"
  [ "${lines[0]}" = from-host ]
  [ "${lines[1]}" = 65534 ]
  [[ $stderr == *"Permission denied"* && $output != *WROTE* ]]
  [ ! -e "$E2E/vol/root-file" ]
  "$BULWARK" share "$E2E/vol"
  run drun --network none -v "$E2E/vol:/data" "$IMG" sh -c 'stat -c %u /data/host-file; echo by-root >/data/root-file && cat /data/root-file'
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$output" = "$(printf '0\nby-root')" ]
  run drun --network none --user 1000:1000 -v "$E2E/vol:/data" "$IMG" sh -c 'echo by-user >/data/user-file'
  [ "$status" -eq 0 ]
  [ "$(cat "$E2E/vol/user-file")" = by-user ]
  local v g
  v=$(vol_uid) g=$(vol_gid)
  [ "$(stat -c %u:%g "$E2E/vol/root-file")" = "$v:$g" ]
  [ "$(stat -c %u:%g "$E2E/vol/user-file")" = "$((v + 1000)):$((g + 1000))" ]
  none_root_owned "$E2E/vol"
  run --separate-stderr drun --network none -v "$E2E/vol:/data:ro" "$IMG" sh -c 'cat /data/host-file; touch /data/new'
  [ "$status" -ne 0 ]
  [ "${lines[0]}" = from-host ]
  [[ $stderr == *"Read-only file system"* ]]
}

@test "named volume: data written by container root lands in the volume range, is read by the next container" {
  need_userns
  run drun --network none -v bwvol:/data "$IMG" sh -c 'echo kept >/data/f; stat -c %u /data'
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$output" = 0 ]
  run drun --network none -v bwvol:/data "$IMG" sh -c 'cat /data/f; stat -c %u:%g /data/f'
  [ "$status" -eq 0 ]
  [ "$output" = "$(printf 'kept\n0:0')" ]
  local d=$E2E/data/volumes/bwvol/_data
  [ "$(cat "$d/f")" = kept ]
  [ "$(stat -c %u:%g "$d/f")" = "$(vol_uid):$(vol_gid)" ]
  none_root_owned "$d"
  docker volume rm bwvol >/dev/null
}

@test "named volume filled from the image, chowned by root to a service user who then writes as that user" {
  need_userns
  mkdir -p "$E2E/svcroot" && cp -a "$E2E/rootfs/." "$E2E/svcroot/"
  mkdir -p "$E2E/svcroot/srv/app" && echo seed >"$E2E/svcroot/srv/app/seed"
  tar -C "$E2E/svcroot" -c . | docker import - bw-svc:e2e >/dev/null
  # the entrypoint's part as root, then the service's as uid 1000
  run drun --network none -v svcdata:/srv/app bw-svc:e2e sh -c 'cat /srv/app/seed; chown -R 1000:1000 /srv/app && echo CHOWNED'
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$output" = "$(printf 'seed\nCHOWNED')" ]
  run drun --network none --user 1000:1000 -v svcdata:/srv/app bw-svc:e2e sh -c 'echo w >/srv/app/w && stat -c %u:%g /srv/app /srv/app/seed /srv/app/w'
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$output" = "$(printf '1000:1000\n1000:1000\n1000:1000')" ]
  local d=$E2E/data/volumes/svcdata/_data v g
  v=$(vol_uid) g=$(vol_gid)
  [ "$(stat -c %u:%g "$d/w")" = "$((v + 1000)):$((g + 1000))" ]
  [ "$(stat -c %u:%g "$d/seed")" = "$((v + 1000)):$((g + 1000))" ]
  none_root_owned "$d"
  docker volume rm svcdata >/dev/null
  docker rmi bw-svc:e2e >/dev/null
}

@test "two containers (different ranges) share a named volume with the same owners" {
  need_userns
  docker run -d --name sa --runtime bulwark --network none -v shared:/s "$IMG" sh -c 'echo a >/s/a; sleep 600' >/dev/null
  wait_for 40 test -e "$E2E/data/volumes/shared/_data/a"
  run drun --network none -v shared:/s "$IMG" sh -c 'stat -c %u:%g /s/a; cat /s/a; echo b >>/s/a && echo APPENDED; cat /proc/self/uid_map'
  echo "$output"
  local map_a
  map_a=$(docker exec sa cat /proc/self/uid_map)
  docker rm -f sa >/dev/null
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = 0:0 ]
  [ "${lines[1]}" = a ]
  [ "${lines[2]}" = APPENDED ]
  [ "$(echo "${lines[3]}" | awk '{print $2}')" != "$(echo "$map_a" | awk '{print $2}')" ]
  local d=$E2E/data/volumes/shared/_data
  [ "$(cat "$d/a")" = "$(printf 'a\nb')" ]
  none_root_owned "$d"
  docker volume rm shared >/dev/null
}

@test "/etc/hosts, hostname and resolv.conf are container root's (shifted into the volume range once); a read-only host site dir is readable" {
  need_userns
  mkdir -p "$E2E/site" && echo '<h1>hi</h1>' >"$E2E/site/index.html"
  docker run -d --name hs --runtime bulwark --network none -v "$E2E/site:/usr/share/site:ro" "$IMG" sleep 600 >/dev/null
  run docker exec hs sh -c 'echo "10.9.8.7 extra" >>/etc/hosts && grep -c extra /etc/hosts; stat -c %u /etc/hosts /etc/hostname; cat /usr/share/site/index.html; { echo x >/usr/share/site/new; } 2>&1'
  echo "$output"
  local hosts owners
  hosts=$(docker inspect -f '{{.HostsPath}}' hs)
  owners=$(stat -c %u "$hosts" "$(docker inspect -f '{{.HostnamePath}}' hs)" "$(docker inspect -f '{{.ResolvConfPath}}' hs)")
  docker rm -f hs >/dev/null
  [ "${lines[0]}" = 1 ]
  [ "${lines[1]}" = 0 ]
  [ "${lines[2]}" = 0 ]
  [ "${lines[3]}" = '<h1>hi</h1>' ]
  [[ $output == *"Read-only file system"* ]]
  local v
  v=$(vol_uid)
  [ "$owners" = "$(printf '%s\n%s\n%s' "$v" "$v" "$v")" ]
  [ "$(stat -c %u "$E2E/site/index.html")" = 0 ] # the host's site is untouched
  [ ! -e "$E2E/site/new" ]
}

@test "--tmpfs: a writable tmpfs at the path" {
  run drun --network none --tmpfs /scratch:size=1m "$IMG" sh -c 'grep " /scratch " /proc/mounts; echo x >/scratch/f && cat /scratch/f'
  [ "$status" -eq 0 ]
  [[ ${lines[0]} == "tmpfs /scratch tmpfs "*size=1024k* ]]
  [ "${lines[1]}" = x ]
}

@test "--cap-drop/--cap-add are what the process holds (CapEff)" {
  run drun --network none --cap-drop ALL --cap-add CHOWN --cap-add NET_BIND_SERVICE "$IMG" grep CapEff /proc/self/status
  [ "$status" -eq 0 ]
  [ "$output" = "CapEff:	0000000000000401" ]
  # CHOWN (bit 0) is in Docker's default set; --cap-drop CHOWN takes it away
  local with without
  with=$(drun --network none "$IMG" awk '/CapEff/ {print $2}' /proc/self/status)
  without=$(drun --network none --cap-drop CHOWN "$IMG" awk '/CapEff/ {print $2}' /proc/self/status)
  (( (0x$with & 1) == 1 ))
  (( (0x$without & 1) == 0 ))
  # and the capability really is gone: chown fails
  run drun --network none --cap-drop CHOWN "$IMG" sh -c 'touch /f && chown 5 /f'
  [ "$status" -ne 0 ]
  [[ $output == *"Operation not permitted"* ]]
}

@test "--security-opt no-new-privileges sets NoNewPrivs" {
  run drun --network none --security-opt no-new-privileges "$IMG" grep NoNewPrivs /proc/self/status
  [ "$status" -eq 0 ]
  [ "$output" = "NoNewPrivs:	1" ]
}

@test "--network none: only lo, another network namespace" {
  local host_ns
  host_ns=$(readlink /proc/$$/ns/net)
  run drun --network none "$IMG" sh -c 'readlink /proc/self/ns/net; tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " "'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" != "$host_ns" ]
  [ "${lines[1]}" = lo ]
  [ "${#lines[@]}" -eq 2 ]
}

@test "--network host (a path to a bind of the host's netns) is refused under the default policy as BW061; in warn mode it is the host's" {
  need_wire
  local host_ns
  host_ns=$(readlink /proc/$$/ns/net)
  # Docker keeps a network namespace in the config and names the host's by
  # a path: bulwark must see that the path is the host's namespace.
  run drun --network host "$IMG" readlink /proc/self/ns/net
  echo "$output"
  [ "$status" -ne 0 ]
  [[ $output == *"refused by bulwark's policy"* ]]
  # BW061 is high: baseline refuses it, and harden cannot fix it without
  # taking the host's network away from the workload
  [[ $output == *"BW061 [high] Host network namespace: the network namespace $E2E/exec/netns/default is the host's own"* ]]
  [[ $output == *"Drop docker run --network host"* ]]
  run docker run --rm --runtime bulwark-warn --network host "$IMG" readlink /proc/self/ns/net
  [ "$status" -eq 0 ]
  [ "$output" = "$host_ns" ]
}

@test "healthcheck: docker runs it inside and reports healthy, then unhealthy" {
  docker run -d --name hc --runtime bulwark --network none \
    --health-cmd 'test -f /tmp/ready' --health-interval 1s --health-retries 1 --health-timeout 5s \
    "$IMG" sh -c 'touch /tmp/ready; sleep 600'
  wait_for 60 sh -c '[ "$(docker inspect -f "{{.State.Health.Status}}" hc)" = healthy ]'
  docker exec hc rm /tmp/ready
  wait_for 60 sh -c '[ "$(docker inspect -f "{{.State.Health.Status}}" hc)" = unhealthy ]'
  docker rm -f hc
}

@test "--memory and --pids-limit reach the container's cgroups; a fork bomb stops at the limit" {
  need_wire
  docker run -d --name lim --runtime bulwark --network none --memory 64m --pids-limit 20 "$IMG" sleep 600
  local pid
  pid=$(host_pid lim)
  [ "$(cat "$(cgroup_dir_of "$pid" pids)/pids.max")" = 20 ]
  [ "$(cat "$(cgroup_file_of "$pid" memory memory.limit_in_bytes memory.max)")" = 67108864 ]
  # 40 sleepers cannot all start under a limit of 20
  run docker exec lim sh -c 'for i in $(seq 40); do sleep 30 & done; wait'
  echo "$output"
  [[ $output == *"can't fork"* || $output == *"Resource temporarily unavailable"* ]]
  local n
  n=$(cat "$(cgroup_dir_of "$pid" pids)/pids.current")
  echo "pids.current $n"
  [ "$n" -le 20 ]
  docker rm -f lim
}

@test "docker pause/unpause freeze and thaw the container" {
  need_wire
  docker run -d --name pz --runtime bulwark --network none "$IMG" \
    sh -c 'i=0; while :; do i=$((i + 1)); echo $i >/tmp/tick; sleep 0.1; done'
  local id pid tick a b
  id=$(docker inspect -f '{{.Id}}' pz)
  pid=$(host_pid pz)
  tick=/proc/$pid/root/tmp/tick
  wait_for 20 test -s "$tick"
  docker pause pz
  [ "$(docker inspect -f '{{.State.Paused}}' pz)" = true ]
  [ "$("$BULWARK" --root "$(bw_root_of "$id")" state "$id" | jq -r .status)" = paused ]
  [ "$(freezer_state_of "$pid")" = FROZEN ]
  a=$(cat "$tick"); sleep 0.5; b=$(cat "$tick")
  [ "$a" = "$b" ]
  docker unpause pz
  [ "$(docker inspect -f '{{.State.Paused}}' pz)" = false ]
  [ "$(freezer_state_of "$pid")" = THAWED ]
  a=$(cat "$tick"); sleep 0.5; b=$(cat "$tick")
  [ "$a" != "$b" ]
  docker rm -f pz
}

@test "docker update --pids-limit --memory changes a running container's limits" {
  need_wire
  docker run -d --name up --runtime bulwark --network none --memory 64m --pids-limit 100 "$IMG" sleep 600
  local pid
  pid=$(host_pid up)
  [ "$(cat "$(cgroup_dir_of "$pid" pids)/pids.max")" = 100 ]
  docker update --pids-limit 50 --memory 128m --memory-swap 256m up
  [ "$(cat "$(cgroup_dir_of "$pid" pids)/pids.max")" = 50 ]
  [ "$(cat "$(cgroup_file_of "$pid" memory memory.limit_in_bytes memory.max)")" = 134217728 ]
  docker rm -f up
}

@test "the container's root is an unprivileged host uid while docker exec id says 0" {
  need_userns
  docker run -d --name un --runtime bulwark --network none "$IMG" sleep 600
  local pid uid
  pid=$(host_pid un)
  uid=$(host_uid_of "$pid")
  echo "host uid of the container's init: $uid"
  [ "$uid" -ne 0 ]
  [ "$(docker exec un id -u)" = 0 ]
  [ "$(docker exec un sh -c 'id -u; sleep 0' )" = 0 ]
  # the exec'd process is the same unprivileged host uid
  docker exec -d un sleep 77
  local epid
  wait_for 20 pgrep -f 'sleep 77'
  epid=$(pgrep -f 'sleep 77')
  [ "$(host_uid_of "$epid")" = "$uid" ]
  docker rm -f un
}

@test "--pid container:X under the default policy: the second container shares X's pid and user namespaces, sees X's processes, and its root is X's host uid" {
  need_userns
  docker run -d --name pidsrc --runtime bulwark --network none "$IMG" sleep 611
  local pid
  pid=$(host_pid pidsrc)
  run drun --network none --pid container:pidsrc "$IMG" sh -c \
    'readlink /proc/self/ns/pid; readlink /proc/self/ns/user; ps -o args | grep -c "^sleep 611"; id -u; cat /proc/self/uid_map | tr -s " "'
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "$(readlink /proc/$pid/ns/pid)" ]
  [ "${lines[1]}" = "$(readlink /proc/$pid/ns/user)" ]
  [ "${lines[2]}" = 1 ]
  [ "${lines[3]}" = 0 ]
  [ "${lines[4]}" = "$(tr -s ' ' </proc/$pid/uid_map)" ]
  [ "$(host_uid_of "$pid")" -ne 0 ]
  docker rm -f pidsrc
}

@test "--ipc container:X under the default policy: the second container shares X's IPC and user namespaces and X's message queues" {
  need_userns
  docker run -d --name ipcsrc --runtime bulwark --network none --ipc shareable "$IMG" sleep 612
  local pid
  pid=$(host_pid ipcsrc)
  run drun --network none --ipc container:ipcsrc "$IMG" sh -c 'readlink /proc/self/ns/ipc; readlink /proc/self/ns/user; id -u'
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "$(readlink /proc/$pid/ns/ipc)" ]
  [ "${lines[1]}" = "$(readlink /proc/$pid/ns/user)" ]
  [ "${lines[2]}" = 0 ]
  docker rm -f ipcsrc
}

@test "docker run --privileged is refused under the default policy, with bulwark's message" {
  need_wire
  run drun --network none --privileged "$IMG" true
  [ "$status" -ne 0 ]
  [[ $output == *"refused by bulwark's policy"* ]]
  [[ $output == *BW001* ]]
  [[ $output == *"docker run --privileged"* ]]
}

@test "-v /var/run/docker.sock:/var/run/docker.sock is refused under the default policy, with bulwark's message" {
  need_wire
  # the host's engine socket if there is one, else this file's dockerd's
  local sock=/var/run/docker.sock
  [ -S "$sock" ] || sock=$E2E/docker.sock
  run drun --network none -v "$sock:/var/run/docker.sock" "$IMG" true
  [ "$status" -ne 0 ]
  [[ $output == *"refused by bulwark's policy"* ]]
  [[ $output == *BW070* ]]
}

@test "breakout-test --engine docker: through this dockerd, runc escapes under docker's default and through a folder holding a socket; bulwark contains both and refuses --privileged" {
  run --separate-stderr "$BULWARK" breakout-test --engine docker --runtime bulwark --runtime bulwark-restricted \
    --runtime runc --config docker --config privileged --config engine-socket-parent --format json
  [ "$status" -eq 0 ]
  local j=$output
  # runc with --privileged is left out of the verdicts: on a host whose
  # bounding set lacks a capability (CAP_SYS_RESOURCE here) runc cannot start it
  [ "$(jq -r '[.runs[] | select(.runtime != "runc" or .config != "privileged") | .runtime + "/" + .config + "=" + .verdict] | join(" ")' <<<"$j")" = \
    "bulwark/docker=contained bulwark-restricted/docker=contained runc/docker=escaped bulwark/privileged=refused bulwark-restricted/privileged=refused bulwark/engine-socket-parent=contained bulwark-restricted/engine-socket-parent=contained runc/engine-socket-parent=escaped" ]
  [ "$(jq '[.runs[] | select(.runtime | startswith("bulwark")) | .totals.escaped] | add' <<<"$j")" = 0 ]
  # the battery ran under docker's own settings: runc's container is root on the host with docker's caps
  for t in raw-socket read-foreign-file chown-foreign-file; do
    [ "$(jq -r --arg t "$t" '.runs[] | select(.runtime == "runc" and .config == "docker") | .attacks[] | select(.technique == $t) | .result' <<<"$j")" = escaped ]
  done
  # the socket in the folder: connect() reached it under runc, not from bulwark's unprivileged root
  [ "$(jq -r '.runs[] | select(.runtime == "runc" and .config == "engine-socket-parent") | .reason' <<<"$j")" = "observed inside: BW070" ]
  [ "$(jq -c '[.runs[] | select(.runtime == "bulwark" and .config == "engine-socket-parent") | .findings[] | select(. == "BW070")]' <<<"$j")" = '[]' ]
  # bulwark's refusal reached docker's error, with the rule ids
  [[ $(jq -r '.runs[] | select(.runtime == "bulwark" and .config == "privileged") | .reason' <<<"$j") == "refused by the policy: BW001 "* ]]
  # nothing left: no container, and the image it imported is gone
  [ -z "$(docker ps -aq --filter name=bw-breakout-)" ]
  [ -z "$(docker images -q 'bulwark-breakout')" ]
}
