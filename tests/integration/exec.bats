#!/usr/bin/env bats
# exec into a running container, and the console socket.

bats_require_minimum_version 1.5.0
load helpers

setup() {
  setup_bundle
  config_edit '.hostname = "exechost" | .process.args = ["sleep", "1000"]'
  bw create --bundle "$BUNDLE" ex >"$BUNDLE/out.log" 2>&1 </dev/null
  bw start ex
}
teardown() { teardown_bundle; }

@test "exec joins the container's namespaces and keeps its security settings" {
  local pid
  pid=$(bw state ex | jq -r .pid)
  run bw exec ex sh -c 'hostname; readlink /proc/self/ns/mnt; grep -E "^(CapEff|CapBnd|NoNewPrivs)" /proc/self/status'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = exechost ]
  [ "${lines[1]}" = "$(readlink /proc/$pid/ns/mnt)" ]
  [[ $output == *"CapEff:	0000000020000420"* ]]
  [[ $output == *"CapBnd:	0000000020000420"* ]]
  [[ $output == *"NoNewPrivs:	1"* ]]
}

@test "CVE-2024-21626: exec leaks no fd into the container" {
  bw exec --detach --pid-file "$BUNDLE/p" ex sleep 100 9</etc/hostname 8>"$BUNDLE/leak" </dev/null >/dev/null 2>&1
  local p
  p=$(cat "$BUNDLE/p")
  [ "$(ls /proc/$p/fd | sort -n | tr '\n' ' ')" = "0 1 2 " ]
  [ "$(readlink /proc/$p/cwd)" = "$(readlink /proc/$(bw state ex | jq -r .pid)/root)" ] || [ "$(readlink /proc/$p/cwd)" = / ]
}

@test "exec passes the exit status through, and 128+N for a signal" {
  run bw exec ex sh -c 'exit 33'
  [ "$status" -eq 33 ]
  run bw exec ex sh -c 'kill -9 $$'
  [ "$status" -eq 137 ]
}

@test "exec --user --env --cwd --cap --no-new-privs" {
  config_edit '.process.noNewPrivileges = false'
  run bw exec --user 1000:2000 --env FOO=bar --cwd /tmp ex sh -c 'id -u; id -g; echo $FOO; pwd; grep NoNewPrivs /proc/self/status'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = 1000 ]
  [ "${lines[1]}" = 2000 ]
  [ "${lines[2]}" = bar ]
  [ "${lines[3]}" = /tmp ]
  run bw exec --cap CAP_NET_RAW ex grep CapEff /proc/self/status
  [ "$output" = "CapEff:	0000000020002420" ]
  run bw exec --cap NOT_A_CAP ex true
  [ "$status" -eq 2 ]
}

@test "exec --process reads a process.json" {
  cat >"$BUNDLE/process.json" <<'JSON'
{"args": ["sh", "-c", "echo from-file; id -u"], "cwd": "/", "user": {"uid": 7, "gid": 7}, "env": ["PATH=/bin"]}
JSON
  run bw exec --process "$BUNDLE/process.json" ex
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = from-file ]
  [ "${lines[1]}" = 7 ]
  echo '{"args": "not-a-list"}' >"$BUNDLE/bad.json"
  run bw exec --process "$BUNDLE/bad.json" ex
  [ "$status" -ne 0 ]
  [[ $output == *bad.json:1:* ]]
}

@test "exec --detach --pid-file leaves the process running in the container" {
  bw exec --detach --pid-file "$BUNDLE/exec.pid" ex sleep 500 </dev/null >/dev/null 2>&1
  local p
  p=$(cat "$BUNDLE/exec.pid")
  [ "$(readlink /proc/$p/ns/pid)" = "$(readlink /proc/$(bw state ex | jq -r .pid)/ns/pid)" ]
  bw ps --format json ex | jq -e --argjson p "$p" 'index($p) != null'
}

@test "exec of a missing binary fails with a message; exec into a stopped container fails" {
  run bw exec ex /no/such
  [ "$status" -ne 0 ]
  [[ $output == *"/no/such"* ]]
  bw kill ex KILL
  for _ in $(seq 50); do [ "$(state_of ex)" = stopped ] && break; sleep 0.1; done
  run bw exec ex true
  [ "$status" -ne 0 ]
  [[ $output == *stopped* ]]
}

@test "the exec'd process cannot reach the runtime binary through /proc/PID/exe" {
  # While exec's child is still bulwark (between fork and execve) its exe
  # is the sealed copy; afterwards it is the container's binary.
  run bw exec ex sh -c 'readlink /proc/$$/exe'
  [ "$output" = /bin/busybox ]
}

@test "console socket: create sends a pty master; the process has a real terminal" {
  local sock=$BUNDLE/console.sock
  python3 "$BATS_TEST_DIRNAME/console_recv.py" "$sock" >"$BUNDLE/console.out" 2>&1 3>&- &
  local recv=$!
  for _ in $(seq 50); do [ -e "$sock.ready" ] && break; sleep 0.1; done
  config_edit '.process.terminal = true | .process.args = ["sh", "-c", "tty; stty size; echo on-the-tty"]
               | .process.consoleSize = {"height": 30, "width": 100}'
  bw create --console-socket "$sock" --bundle "$BUNDLE" tty1 </dev/null >/dev/null 2>&1
  bw start tty1
  for _ in $(seq 50); do grep -q on-the-tty "$BUNDLE/console.out" && break; sleep 0.1; done
  kill $recv 2>/dev/null || true
  cat "$BUNDLE/console.out"
  grep -q "name=/dev/ptmx" "$BUNDLE/console.out"
  grep -q "^/dev/pts/0" "$BUNDLE/console.out"
  grep -q "^30 100" "$BUNDLE/console.out"
  grep -q on-the-tty "$BUNDLE/console.out"
}

@test "exec --tty with a console socket" {
  local sock=$BUNDLE/exec.sock
  python3 "$BATS_TEST_DIRNAME/console_recv.py" "$sock" >"$BUNDLE/console.out" 2>&1 3>&- &
  local recv=$!
  for _ in $(seq 50); do [ -e "$sock.ready" ] && break; sleep 0.1; done
  bw exec --tty --console-socket "$sock" --detach ex sh -c 'tty; echo exec-tty' </dev/null >/dev/null 2>&1
  for _ in $(seq 50); do grep -q exec-tty "$BUNDLE/console.out" && break; sleep 0.1; done
  kill $recv 2>/dev/null || true
  grep -q "^/dev/pts/" "$BUNDLE/console.out"
  grep -q exec-tty "$BUNDLE/console.out"
}

@test "exec --tty: the terminal belongs to the process's user, as create's does" {
  local sock=$BUNDLE/exec.sock
  python3 "$BATS_TEST_DIRNAME/console_recv.py" "$sock" >"$BUNDLE/console.out" 2>&1 3>&- &
  local recv=$!
  for _ in $(seq 50); do [ -e "$sock.ready" ] && break; sleep 0.1; done
  bw exec --tty --console-socket "$sock" --user 1000:1000 --detach ex sh -c 'stat -c "own %u %g" $(tty)' \
    </dev/null >/dev/null 2>&1
  for _ in $(seq 50); do grep -q "own " "$BUNDLE/console.out" && break; sleep 0.1; done
  kill $recv 2>/dev/null || true
  cat "$BUNDLE/console.out"
  grep -q "^own 1000 5" "$BUNDLE/console.out"
}

@test "the terminal belongs to the process's user, as under runc" {
  config_edit '.process.terminal = true | .process.user = {"uid": 1000, "gid": 1000} | .process.args = ["sh", "-c", "stat -c \"%u %g\" $(tty)"]'
  run bw run --bundle "$BUNDLE" ttyown </dev/null
  [ "$status" -eq 0 ]
  [[ $output == *"1000 5"* ]]
}

@test "terminal: true without --console-socket is refused by create" {
  config_edit '.process.terminal = true'
  run bw create --bundle "$BUNDLE" notty
  [ "$status" -ne 0 ]
  [[ $output == *console-socket* ]]
  [ ! -e "$BW_ROOT/notty" ]
}

@test "run with terminal: true copies the pty to its stdio" {
  config_edit '.process.terminal = true | .process.args = ["sh", "-c", "tty; exit 4"]'
  run bw run --bundle "$BUNDLE" runtty </dev/null
  [ "$status" -eq 4 ]
  [[ $output == */dev/pts/0* ]]
}

@test "exec into a container with a user namespace runs as its mapped root" {
  config_edit '.linux.namespaces += [{"type": "user"}]
    | .linux.uidMappings = [{"containerID": 0, "hostID": 200000, "size": 65536}]
    | .linux.gidMappings = [{"containerID": 0, "hostID": 200000, "size": 65536}]'
  bw create --bundle "$BUNDLE" exu >/dev/null 2>&1 </dev/null
  bw start exu
  bw exec --detach --pid-file "$BUNDLE/u.pid" exu sleep 100 </dev/null >/dev/null 2>&1
  local p
  p=$(cat "$BUNDLE/u.pid")
  [ "$(awk '/^Uid:/ {print $2}' /proc/$p/status)" = 200000 ]
  [ "$(readlink /proc/$p/ns/user)" = "$(readlink /proc/$(bw state exu | jq -r .pid)/ns/user)" ]
  run bw exec --user 1000 exu id -u
  [ "$output" = 1000 ]
}

@test "exec --preserve-fds passes exactly N extra fds" {
  bw exec --detach --preserve-fds 1 --pid-file "$BUNDLE/pf.pid" ex sleep 100 3</etc/hostname 4</etc/hostname </dev/null >/dev/null 2>&1
  local p
  p=$(cat "$BUNDLE/pf.pid")
  [ "$(ls /proc/$p/fd | sort -n | tr '\n' ' ')" = "0 1 2 3 " ]
  [ "$(readlink /proc/$p/fd/3)" = /etc/hostname ]
}

# bulwark with a hard end: a wait without one would hang the suite.
bw_bounded() {
  # shellcheck disable=SC2086 # BW_POLICY holds several flags
  timeout -s KILL 20 "$BULWARK" --root "$BW_ROOT" $BW_POLICY "$@"
}

@test "exec into a paused container is refused with 255 at once; --ignore-paused starts it frozen until resume (same with the policy off and under the default policy)" {
  bw pause ex
  run bw_bounded exec ex sh -c 'echo ran; touch /dev/shm/ran'
  [ "$status" -eq 255 ]
  [[ $output == *"cannot exec in a paused container"*"--ignore-paused"* ]]
  [[ $output != *ran* ]]
  bw_bounded exec --ignore-paused ex sh -c 'echo ignored-pause; exit 6' >"$BUNDLE/ip.out" 2>&1 &
  local job=$!
  sleep 1
  # Still frozen: nothing has run yet, and exec waits.
  [ ! -s "$BUNDLE/ip.out" ]
  kill -0 "$job"
  bw resume ex
  local st=0
  wait "$job" || st=$?
  [ "$st" -eq 6 ]
  [ "$(cat "$BUNDLE/ip.out")" = ignored-pause ]
  [ "$(state_of ex)" = running ]
  run bw_bounded exec ex test -e /dev/shm/ran
  [ "$status" -eq 1 ]
  # the marker is writable: its absence above means the process never ran
  bw_bounded exec ex touch /dev/shm/ran
}

@test "exec's own failures exit 255, the process's status passes through (same with the policy off and under the default policy)" {
  run bw_bounded exec ex /no/such/binary
  [ "$status" -eq 255 ]
  [[ $output == *"/no/such/binary"* ]]
  run bw_bounded exec ex sh -c 'exit 1'
  [ "$status" -eq 1 ]
  run bw_bounded exec ex sh -c 'exit 255'
  [ "$status" -eq 255 ]
  run bw_bounded exec --cwd /no/such/dir ex true
  [ "$status" -eq 255 ]
  run bw_bounded exec nosuchcontainer true
  [ "$status" -eq 255 ]
  # Usage errors keep 2.
  run bw_bounded exec --additional-gids x ex true
  [ "$status" -eq 2 ]
}

@test "exec --additional-gids adds groups to the process (same with the policy off and under the default policy)" {
  run bw_bounded exec --additional-gids 5 -g 7 ex id -G
  [ "$status" -eq 0 ]
  [ "$output" = "0 5 7" ]
  run bw_bounded exec --user 1000:1000 --additional-gids 44 ex id -G
  [ "$status" -eq 0 ]
  [ "$output" = "1000 44" ]
}

@test "exec --cgroup puts the process in an existing sub-cgroup of the container's, never outside it (same with the policy off and under the default policy)" {
  local pid line path dir want
  pid=$(bw state ex | jq -r .pid)
  if line=$(grep -E '^[0-9]+:([^:]*,)?pids(,[^:]*)?:' /proc/$pid/cgroup); then
    path=${line#*:*:}
    dir=$(awk '$5 == "/sys/fs/cgroup/pids" {print $5}' /proc/self/mountinfo)
    [ -n "$dir" ]
    mkdir "$dir$path/sub"
    bw_bounded exec --detach --pid-file "$BUNDLE/cg.pid" --cgroup pids:sub ex sleep 100 </dev/null >/dev/null 2>&1
    grep -qx "[0-9]*:pids:$path/sub" /proc/"$(cat "$BUNDLE/cg.pid")"/cgroup
    # the other hierarchies keep the container's own cgroup
    grep -qx "[0-9]*:memory:$path" /proc/"$(cat "$BUNDLE/cg.pid")"/cgroup
    want=pids:sub
  else
    path=$(sed -n 's/^0:://p' /proc/$pid/cgroup)
    mkdir "/sys/fs/cgroup$path/sub"
    bw_bounded exec --detach --pid-file "$BUNDLE/cg.pid" --cgroup sub ex sleep 100 </dev/null >/dev/null 2>&1
    grep -qx "0::$path/sub" /proc/"$(cat "$BUNDLE/cg.pid")"/cgroup
    run bw_bounded exec --cgroup pids:sub ex true
    [ "$status" -eq 2 ]
    [[ $output == *"cgroup v2 has one hierarchy"* ]]
  fi
  run bw_bounded exec --cgroup ../.. ex true
  [ "$status" -eq 2 ]
  [[ $output == *"must stay under the container's cgroup"* ]]
  run bw_bounded exec --cgroup nosuchsub ex true
  [ "$status" -eq 255 ]
  [[ $output == *"no sub-cgroup nosuchsub"* ]]
  run bw_bounded exec --cgroup nosuchctrl:sub ex true
  [ "$status" -eq 2 ]
  [[ $output == *"unknown controller 'nosuchctrl'"* ]]
  kill -9 "$(cat "$BUNDLE/cg.pid")"
  : "$want"
}

@test "exec --ignore-paused waiting for resume ends on SIGTERM with 255, and its process never runs (same with the policy off and under the default policy)" {
  bw pause ex
  # shellcheck disable=SC2086
  "$BULWARK" --root "$BW_ROOT" $BW_POLICY exec --ignore-paused ex sh -c 'touch /dev/shm/ran' >"$BUNDLE/sig.out" 2>&1 &
  local job=$! st=0
  sleep 1
  kill -0 "$job"
  kill -TERM "$job"
  # it ends within seconds (a hang is killed and fails the test)
  for _ in $(seq 50); do kill -0 "$job" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$job" 2>/dev/null && { kill -9 "$job"; false; }
  wait "$job" || st=$?
  [ "$st" -eq 255 ]
  grep -q "interrupted by signal 15 before the process started" "$BUNDLE/sig.out"
  bw resume ex
  sleep 0.5
  run bw_bounded exec ex test -e /dev/shm/ran
  [ "$status" -eq 1 ]
  [ "$(bw ps --format json ex | jq length)" -eq 1 ]
  bw_bounded exec ex touch /dev/shm/ran
}
