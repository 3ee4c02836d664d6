#!/usr/bin/env bats
# The OCI lifecycle: create, start, run, state, kill, delete, list, ps.

bats_require_minimum_version 1.5.0
load helpers

setup() { setup_bundle; }
teardown() { teardown_bundle; }

@test "run: the container's output and exit status come back" {
  run run_in sh -c 'echo from-inside; exit 42'
  [ "$status" -eq 42 ]
  [ "$output" = "from-inside" ]
}

@test "run: a container killed by a signal exits 128+N" {
  config_edit '.process.args = ["sleep", "100"]'
  "$BULWARK" --root "$BW_ROOT" $BW_POLICY run --bundle "$BUNDLE" sig >"$BUNDLE/run.out" 2>&1 &
  local runner=$!
  for _ in $(seq 50); do [ "$(state_of sig 2>/dev/null)" = running ] && break; sleep 0.1; done
  [ "$(state_of sig)" = running ]
  bw kill sig KILL
  local rc=0
  wait $runner || rc=$?
  [ "$rc" -eq 137 ]
  # run deleted the container after it exited
  run bw state sig
  [ "$status" -ne 0 ]
}

@test "run: signals sent to bulwark are forwarded to the container" {
  config_edit '.process.args = ["sh", "-c", "trap \"echo got-usr1; exit 7\" USR1; echo ready; while :; do sleep 0.05; done"]'
  "$BULWARK" --root "$BW_ROOT" $BW_POLICY run --bundle "$BUNDLE" fwd >"$BUNDLE/run.out" 2>&1 &
  local runner=$!
  for _ in $(seq 50); do grep -q ready "$BUNDLE/run.out" && break; sleep 0.1; done
  kill -USR1 $runner
  local rc=0
  wait $runner || rc=$?
  [ "$rc" -eq 7 ]
  grep -q got-usr1 "$BUNDLE/run.out"
}

@test "run --keep leaves a stopped container; --detach returns at once" {
  config_edit '.process.args = ["true"]'
  run bw run --keep --bundle "$BUNDLE" kept
  [ "$status" -eq 0 ]
  [ "$(state_of kept)" = stopped ]
  bw delete kept
  config_edit '.process.args = ["sleep", "100"]'
  bw run --detach --bundle "$BUNDLE" det </dev/null >/dev/null 2>&1
  [ "$(state_of det)" = running ]
  bw delete --force det
}

@test "state moves created -> running -> stopped" {
  create_bg st sleep 100
  [ "$(state_of st)" = created ]
  local pid
  pid=$(bw state st | jq -r .pid)
  [ "$pid" -gt 1 ]
  # A parked init has not run the process yet.
  [ "$(cat /proc/$pid/comm)" = bulwark ] || [ "$(readlink /proc/$pid/exe)" != /bin/busybox ]
  bw start st
  [ "$(state_of st)" = running ]
  run bw start st
  [ "$status" -ne 0 ]
  [[ $output == *"only a created container can be started"* ]]
  bw kill st KILL
  for _ in $(seq 50); do [ "$(state_of st)" = stopped ] && break; sleep 0.1; done
  [ "$(state_of st)" = stopped ]
  [ "$(bw state st | jq -r .pid)" = 0 ]
  bw delete st
  run bw state st
  [ "$status" -ne 0 ]
  [[ $output == *"does not exist"* ]]
}

@test "state JSON carries the OCI fields and annotations" {
  config_edit '.annotations = {"org.example.key": "value"}'
  create_bg ann sleep 100
  run bw state ann
  [ "$status" -eq 0 ]
  [ "$(jq -r .ociVersion <<<"$output")" != null ]
  [ "$(jq -r .id <<<"$output")" = ann ]
  [ "$(jq -r .bundle <<<"$output")" = "$(cd "$BUNDLE" && pwd -P)" ]
  [ "$(jq -r '.annotations["org.example.key"]' <<<"$output")" = value ]
  bw delete ann
}

@test "start releases the parked init, whose output reaches create's stdio" {
  create_bg out sh -c 'echo released'
  ! grep -q released "$BUNDLE/out.log"
  bw start out
  for _ in $(seq 50); do grep -q released "$BUNDLE/out.log" && break; sleep 0.1; done
  grep -q released "$BUNDLE/out.log"
}

@test "--pid-file holds init's pid" {
  config_edit '.process.args = ["sleep", "100"]'
  bw create --pid-file "$BUNDLE/pid" --bundle "$BUNDLE" pf >/dev/null 2>&1 </dev/null
  [ "$(cat "$BUNDLE/pid")" = "$(bw state pf | jq -r .pid)" ]
}

@test "delete refuses a running container without --force and kills it with" {
  create_bg del sleep 100
  bw start del
  local pid
  pid=$(bw state del | jq -r .pid)
  run bw delete del
  [ "$status" -ne 0 ]
  [[ $output == *"is running"* ]]
  bw delete --force del
  [ ! -e "/proc/$pid" ] || [ "$(awk '{print $3}' /proc/$pid/stat)" = Z ]
  [ ! -e "$BW_ROOT/del" ]
}

@test "delete of a created container kills its parked init" {
  create_bg cdel sleep 100
  local pid
  pid=$(bw state cdel | jq -r .pid)
  bw delete cdel
  [ ! -e "$BW_ROOT/cdel" ]
  for _ in $(seq 20); do [ -e /proc/$pid ] || break; sleep 0.1; done
  [ ! -e "/proc/$pid" ] || [ "$(awk '{print $3}' /proc/$pid/stat)" = Z ]
}

@test "delete --force cleans up after a create that died half-way" {
  mkdir -p "$BW_ROOT/half"
  run bw delete half
  [ "$status" -ne 0 ]
  bw delete --force half
  [ ! -e "$BW_ROOT/half" ]
}

@test "kill takes signal names and numbers; --all reaches every process" {
  create_bg k sh -c 'trap "echo got-term; exit 3" TERM; echo ready; sleep 100 & while :; do sleep 0.05; done'
  bw start k
  for _ in $(seq 50); do grep -q ready "$BUNDLE/out.log" && break; sleep 0.1; done
  run bw kill k NOSUCHSIG
  [ "$status" -eq 2 ]
  # signal 0 only asks whether init is alive (runc and kill(1) allow it)
  bw kill k 0
  [ "$(state_of k)" = running ]
  bw kill k SIGTERM
  for _ in $(seq 50); do [ "$(state_of k)" = stopped ] && break; sleep 0.1; done
  [ "$(state_of k)" = stopped ]
  grep -q got-term "$BUNDLE/out.log"
  run bw kill k 9
  [ "$status" -ne 0 ]
  [[ $output == *"not running"* ]]
  run bw kill k 0
  [ "$status" -ne 0 ]
  bw delete k
  create_bg k2 sh -c 'sleep 100 & sleep 100 & wait'
  bw start k2
  for _ in $(seq 50); do [ "$(bw ps --format json k2 | jq length)" -ge 3 ] && break; sleep 0.1; done
  [ "$(bw ps --format json k2 | jq length)" -ge 3 ]
  bw kill --all k2 KILL
  for _ in $(seq 50); do [ "$(state_of k2)" = stopped ] && break; sleep 0.1; done
  [ "$(state_of k2)" = stopped ]
}

@test "ps lists the container's processes" {
  create_bg p sh -c 'sleep 100 & wait'
  bw start p
  for _ in $(seq 50); do bw ps p | grep -q 'sleep 100' && break; sleep 0.1; done
  run bw ps p
  [ "$status" -eq 0 ]
  [[ ${lines[0]} == UID*PID*CMD* ]]
  [[ $output == *"sleep 100"* ]]
  # only the container's processes: the header and two rows
  [ "${#lines[@]}" -eq 3 ]
  [ "$(bw ps --format json p | jq '.[0]')" = "$(bw state p | jq .pid)" ]
  # -e: without it ps(1) selects only the caller's euid, and in a user
  # namespace the container's processes run as another host uid.
  run bw ps p -- -e -o pid,comm
  [ "$status" -eq 0 ]
  [[ ${lines[0]} == *PID*COMMAND* ]]
  [ "$(printf '%s\n' "${lines[@]:1}" | awk '{print $2}' | sort | tr '\n' ' ')" = "sh sleep " ]
}

@test "list shows containers in table and json" {
  create_bg l1 sleep 100
  create_bg l2 sleep 100
  bw start l2
  run bw list
  [ "$status" -eq 0 ]
  [[ ${lines[0]} == ID*PID*STATUS*BUNDLE*CREATED*OWNER ]]
  [[ $output == *l1*created*root* ]]
  [ "$(bw list --format json | jq -r ".[0].owner")" = root ]
  [[ $output == *l1*created* ]]
  [[ $output == *l2*running* ]]
  [ "$(bw list --format json | jq -r 'map(.id) | join(",")')" = "l1,l2" ]
  # runc's json has the rootfs too
  [ "$(bw list --format json | jq -r '.[1].rootfs')" = "$(cd "$BUNDLE/rootfs" && pwd -P)" ]
  [ "$(bw list -q | tr '\n' ' ')" = "l1 l2 " ]
}

@test "invalid ids are refused with a usage error" {
  local id
  for id in "../escape" "a/b" ".." "." "" "sp ace" "$(printf 'x%.0s' $(seq 1025))"; do
    run bw create --bundle "$BUNDLE" "$id"
    [ "$status" -eq 2 ]
  done
  [ -z "$(state_left)" ]
  run bw state "../../etc"
  [ "$status" -eq 2 ]
}

@test "concurrent creates of one id: exactly one wins" {
  config_edit '.process.args = ["sleep", "100"]'
  local i
  for i in 1 2 3 4; do
    (bw create --bundle "$BUNDLE" same </dev/null >"$BUNDLE/c$i.log" 2>&1 && echo 0 >"$BUNDLE/rc$i" || echo 1 >"$BUNDLE/rc$i") &
  done
  wait
  [ "$(cat "$BUNDLE"/rc* | grep -c '^0$')" -eq 1 ]
  grep -l "already exists" "$BUNDLE"/c*.log | wc -l | grep -qx 3
  [ "$(state_of same)" = created ]
}

@test "concurrent operations on one container serialize" {
  create_bg ser sleep 100
  (bw start ser && echo 0 >"$BUNDLE/s1" || echo 1 >"$BUNDLE/s1") &
  (bw start ser && echo 0 >"$BUNDLE/s2" || echo 1 >"$BUNDLE/s2") &
  wait
  [ "$(cat "$BUNDLE"/s1 "$BUNDLE"/s2 | sort | tr '\n' ' ')" = "0 1 " ]
  [ "$(state_of ser)" = running ]
}

@test "a config without process.args is refused at create" {
  config_edit 'del(.process.args)'
  run bw create --bundle "$BUNDLE" noargs
  [ "$status" -ne 0 ]
  [[ $output == *"process.args"* ]]
  [ ! -e "$BW_ROOT/noargs" ]
}

@test "a process that cannot be executed fails with 127 and a message" {
  run -127 run_in /no/such/binary
  [ "$status" -eq 127 ]
  [[ $output == *"/no/such/binary"* ]]
}

@test "a create killed mid-way leaves no process, and delete --force removes the rest" {
  config_edit '.process.args = ["sleep", "100"] | .hooks = {createRuntime: [{path: "/bin/sleep", args: ["sleep", "30"]}]}'
  "$BULWARK" --root "$BW_ROOT" $BW_POLICY create --bundle "$BUNDLE" killed </dev/null >/dev/null 2>&1 &
  local creator=$!
  for _ in $(seq 50); do pgrep -P $creator >/dev/null && break; sleep 0.1; done
  # init is the creator's child that is not the hook
  local init hook
  for _ in $(seq 50); do
    hook=$(pgrep -P $creator -x sleep || true)
    [ -n "$hook" ] && break
    sleep 0.1
  done
  init=$(pgrep -P $creator | while read -r p; do [ "$p" != "$hook" ] && echo "$p"; done | head -1)
  [ -n "$init" ] && [ -n "$hook" ]
  kill -KILL $creator
  wait $creator || true
  # init sees its parent's end of the socket close and exits.
  for _ in $(seq 50); do [ -e /proc/$init ] && [ "$(awk '{print $3}' /proc/$init/stat)" != Z ] || break; sleep 0.1; done
  [ ! -e /proc/$init ] || [ "$(awk '{print $3}' /proc/$init/stat)" = Z ]
  run bw state killed
  [ "$status" -ne 0 ]
  [[ $output == *"delete --force"* ]]
  bw delete --force killed
  [ ! -e "$BW_ROOT/killed" ]
  kill "$hook" 2>/dev/null || true
}

@test "delete --force of a container that does not exist succeeds (as runc; shims clean up with it), delete without --force fails" {
  run bw delete --force never-created
  [ "$status" -eq 0 ]
  [ -z "$output" ]
  run bw delete never-created
  [ "$status" -eq 1 ]
  [[ $output == *"container never-created does not exist"* ]]
}

@test "a missing executable fails create itself (not a start that reports success), and leaves nothing" {
  config_edit '.process.args = ["/no/such/binary"]'
  run -127 bw create --bundle "$BUNDLE" nx </dev/null
  [ "$status" -eq 127 ]
  [[ $output == *"executable /no/such/binary"*"No such file or directory"* ]]
  [ ! -e "$BW_ROOT/nx" ]
  config_edit '.process.args = ["no-such-command"]'
  run -127 bw create --bundle "$BUNDLE" nx </dev/null
  [ "$status" -eq 127 ]
  [[ $output == *"no-such-command not found in the container's PATH"* ]]
  [ ! -e "$BW_ROOT/nx" ]
  # a directory is not an executable either
  config_edit '.process.args = ["/etc"]'
  run bw create --bundle "$BUNDLE" nx </dev/null
  [ "$status" -ne 0 ]
  [ ! -e "$BW_ROOT/nx" ]
}

@test "startContainer hooks run under the process's seccomp filter and no_new_privs, as runc (same with the policy off and under the default policy)" {
  config_edit '.process.noNewPrivileges = true
    | .mounts += [{destination: "/tmp", type: "tmpfs", source: "tmpfs", options: ["nosuid", "nodev", "mode=1777"]}]
    | .linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", architectures: ["SCMP_ARCH_X86_64"],
        syscalls: [{names: ["mkdir", "mkdirat"], action: "SCMP_ACT_ERRNO", errnoRet: 1}]}
    | .hooks = {startContainer: [{path: "/bin/sh", args: ["sh", "-c",
        "{ mkdir /tmp/hook-made 2>/dev/null && echo hook-mkdir-ok || echo hook-mkdir-refused; grep -E \"^(Seccomp|NoNewPrivs):\" /proc/self/status; } >/tmp/hook.out"]}]}'
  run run_in sh -c 'cat /tmp/hook.out; echo main; test -e /tmp/hook-made && echo made || echo not-made'
  [ "$status" -eq 0 ]
  [[ $output == *hook-mkdir-refused* ]]
  [[ $output != *hook-mkdir-ok* ]]
  [[ $output == *"Seccomp:	2"* ]]
  [[ $output == *"NoNewPrivs:	1"* ]]
  [[ $output == *main*not-made* ]]
}

@test "start of a paused created container is refused at once, and works after resume (same with the policy off and under the default policy)" {
  create_bg sp sh -c 'echo started'
  bw pause sp
  # shellcheck disable=SC2086
  run timeout -s KILL 20 "$BULWARK" --root "$BW_ROOT" $BW_POLICY start sp
  [ "$status" -eq 1 ]
  [[ $output == *"container sp is paused; only a created container can be started (resume it first)"* ]]
  bw resume sp
  [ "$(state_of sp)" = created ]
  bw start sp
  for _ in $(seq 50); do grep -q started "$BUNDLE/out.log" && break; sleep 0.1; done
  grep -qx started "$BUNDLE/out.log"
}
