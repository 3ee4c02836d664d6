#!/usr/bin/env bats
# The systemd cgroup driver (--systemd-cgroup) in real containers: the
# scope systemd makes for each, its properties, limits in force, update,
# annotations, and the scope gone after delete. Needs systemd as PID 1 on a
# cgroup v2 host (the guest of scripts/guest); elsewhere those tests skip
# with the reason, and the ones about a host without systemd run.

load helpers

setup() {
  setup_bundle
  config_edit '.process.args = ["sleep", "300"]'
}

teardown() {
  teardown_bundle
}

have_systemd() {
  [[ -d /run/systemd/system && $(cat /proc/1/comm) == systemd ]]
}

need_systemd() {
  have_systemd || skip "no systemd as PID 1 here (run in the systemd guest)"
  [[ $(stat -fc %T /sys/fs/cgroup) == cgroup2fs ]] || skip "not a cgroup v2 only host"
}

sdbw() {
  bw --systemd-cgroup "$@"
}

prop() { # prop UNIT NAME: a unit property's value as systemctl shows it
  systemctl show -p "$2" --value "$1"
}

# delete --force through systemd: no fallback to removing the cgroup
# behind systemd's back (it warns when it has to).
sd_delete() {
  run sdbw delete --force "$1"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ $output != *warning* ]]
}

@test "without systemd: --systemd-cgroup fails create with what is missing and the fix, leaving nothing" {
  have_systemd && skip "this host runs systemd"
  run sdbw create --bundle "$BUNDLE" nosd
  [ "$status" -eq 1 ]
  [[ $output == *"this host does not run systemd (no /run/systemd/system)"* ]]
  [[ $output == *"use the cgroupfs driver"*"native.cgroupdriver=cgroupfs"*"SystemdCgroup = false"* ]]
  [ -z "$(state_left)" ]
}

@test "a cgroupsPath in the systemd form without --systemd-cgroup: told to give it" {
  config_edit '.linux.cgroupsPath = "system.slice:bwtest:x"'
  run fails_to_create form
  [ "$status" -eq 1 ]
  [[ $output == *'cgroupsPath "system.slice:bwtest:x" is in the systemd form slice:prefix:name'*"give --systemd-cgroup"* ]]
  [ -z "$(state_left)" ]
}

@test "a container's scope exists with its properties while it runs and is gone after delete" {
  need_systemd
  local id=sd$$ unit
  unit=bulwark-$id.scope
  config_edit '.linux.resources.memory = {"limit": 67108864} | .linux.resources.pids = {"limit": 42}
    | .linux.resources.cpu = {"shares": 2048, "quota": 50000, "period": 100000}'
  sdbw create --bundle "$BUNDLE" "$id"
  local pid cg
  pid=$(bw state "$id" | jq .pid)
  [ "$(prop "$unit" ActiveState)" = active ]
  [ "$(prop "$unit" Slice)" = system.slice ]
  [ "$(prop "$unit" Delegate)" = yes ]
  [ "$(prop "$unit" MemoryMax)" = 67108864 ]
  [ "$(prop "$unit" TasksMax)" = 42 ]
  [ "$(prop "$unit" CPUWeight)" = 79 ]
  [ "$(prop "$unit" CPUQuotaPerSecUSec)" = 500ms ]
  [ "$(prop "$unit" Description)" = "bulwark container $id" ]
  cg=$(prop "$unit" ControlGroup)
  [ "$cg" = "/system.slice/$unit" ]
  # init is in it, and the files say what systemd was told.
  [ "$(cat /proc/"$pid"/cgroup)" = "0::$cg" ]
  grep -qx "$pid" "/sys/fs/cgroup$cg/cgroup.procs"
  [ "$(cat "/sys/fs/cgroup$cg/memory.max")" = 67108864 ]
  [ "$(cat "/sys/fs/cgroup$cg/pids.max")" = 42 ]
  [ "$(cat "/sys/fs/cgroup$cg/cpu.max")" = "50000 100000" ]
  sdbw start "$id"
  [ "$(state_of "$id")" = running ]
  sd_delete "$id"
  [ "$(prop "$unit" ActiveState)" = inactive ]
  [ ! -e "/sys/fs/cgroup$cg" ]
  [ -z "$(state_left)" ]
}

@test "slice:prefix:name names the unit and its slice, nested slices expanded" {
  need_systemd
  local id=sn$$
  config_edit --arg p "bwtest-inner.slice:bwt:$id" '.linux.cgroupsPath = $p'
  sdbw create --bundle "$BUNDLE" "$id"
  [ "$(prop "bwt-$id.scope" Slice)" = bwtest-inner.slice ]
  [ "$(prop "bwt-$id.scope" ControlGroup)" = "/bwtest.slice/bwtest-inner.slice/bwt-$id.scope" ]
  [ -d "/sys/fs/cgroup/bwtest.slice/bwtest-inner.slice/bwt-$id.scope" ]
  # A second container may not take the same unit.
  run sdbw create --bundle "$BUNDLE" "${id}b"
  [ "$status" -eq 1 ]
  [[ $output == *"already"* ]]
  [ "$(prop "bwt-$id.scope" ActiveState)" = active ]
  sd_delete "$id"
  [ "$(prop "bwt-$id.scope" ActiveState)" = inactive ]
  [ -z "$(state_left)" ]
}

@test "a memory hog is OOM-killed inside the scope, at systemd's MemoryMax" {
  need_systemd
  local id=oom$$ cg
  config_edit '.linux.resources.memory = {"limit": 33554432, "swap": 33554432}
    | .process.args = ["sh", "-c", "dd if=/dev/zero of=/dev/null bs=128M count=1; echo dd=$?; sleep 300"]'
  sdbw create --bundle "$BUNDLE" "$id" >"$BUNDLE/out.log" 2>&1
  cg=$(prop "bulwark-$id.scope" ControlGroup)
  [ "$(prop "bulwark-$id.scope" MemoryMax)" = 33554432 ]
  [ "$(prop "bulwark-$id.scope" MemorySwapMax)" = 0 ]
  sdbw start "$id"
  local i
  for i in $(seq 100); do grep -q dd= "$BUNDLE/out.log" && break; sleep 0.1; done
  grep -qx dd=137 "$BUNDLE/out.log"
  [ "$(awk '$1 == "oom_kill" {print $2}' "/sys/fs/cgroup$cg/memory.events")" -ge 1 ]
  sd_delete "$id"
}

@test "a fork bomb stops at the scope's TasksMax" {
  need_systemd
  local id=fb$$
  config_edit '.linux.resources.pids = {"limit": 10}
    | .process.args = ["sh", "-c", "for i in $(seq 30); do sleep 2 & done; wait; echo done; sleep 300"]'
  sdbw create --bundle "$BUNDLE" "$id" >"$BUNDLE/out.log" 2>&1
  [ "$(prop "bulwark-$id.scope" TasksMax)" = 10 ]
  sdbw start "$id"
  local i
  for i in $(seq 100); do grep -q done "$BUNDLE/out.log" && break; sleep 0.1; done
  grep -q "can't fork\|Resource temporarily unavailable" "$BUNDLE/out.log"
  sd_delete "$id"
}

@test "update changes the unit's properties and the cgroup's files" {
  need_systemd
  local id=up$$ cg
  config_edit '.linux.resources.memory = {"limit": 67108864} | .linux.resources.pids = {"limit": 20}'
  sdbw create --bundle "$BUNDLE" "$id"
  cg=$(prop "bulwark-$id.scope" ControlGroup)
  sdbw update --memory 134217728 --pids-limit 30 --cpu-quota 20000 --cpu-period 100000 "$id"
  [ "$(prop "bulwark-$id.scope" MemoryMax)" = 134217728 ]
  [ "$(prop "bulwark-$id.scope" TasksMax)" = 30 ]
  [ "$(prop "bulwark-$id.scope" CPUQuotaPerSecUSec)" = 200ms ]
  [ "$(cat "/sys/fs/cgroup$cg/memory.max")" = 134217728 ]
  [ "$(cat "/sys/fs/cgroup$cg/pids.max")" = 30 ]
  [ "$(cat "/sys/fs/cgroup$cg/cpu.max")" = "20000 100000" ]
  # systemd re-applying its properties (as at daemon-reload) keeps them.
  systemctl daemon-reload
  [ "$(cat "/sys/fs/cgroup$cg/memory.max")" = 134217728 ]
  [ "$(cat "/sys/fs/cgroup$cg/pids.max")" = 30 ]
  sd_delete "$id"
}

@test "org.systemd.property annotations reach the unit; those bulwark sets itself are refused" {
  need_systemd
  local id=an$$
  config_edit '.annotations = {"org.systemd.property.CollectMode": "'"'inactive-or-failed'"'",
    "org.systemd.property.TimeoutStopSec": "uint64 7"}'
  sdbw create --bundle "$BUNDLE" "$id"
  [ "$(prop "bulwark-$id.scope" CollectMode)" = inactive-or-failed ]
  [ "$(prop "bulwark-$id.scope" TimeoutStopUSec)" = 7s ]
  sd_delete "$id"
  config_edit '.annotations = {"org.systemd.property.Delegate": "false"}'
  run sdbw create --bundle "$BUNDLE" "${id}x"
  [ "$status" -eq 1 ]
  [[ $output == *"org.systemd.property.Delegate: bulwark sets Delegate itself"* ]]
  [ "$(prop "bulwark-${id}x.scope" LoadState)" = not-found ]
  [ -z "$(state_left)" ]
}

@test "exec joins the scope; ps lists it" {
  need_systemd
  local id=ex$$ cg
  sdbw run -d --bundle "$BUNDLE" "$id"
  cg=$(prop "bulwark-$id.scope" ControlGroup)
  sdbw exec -d "$id" sleep 200
  [ "$(wc -l <"/sys/fs/cgroup$cg/cgroup.procs")" -eq 2 ]
  [ "$(sdbw ps --format json "$id" | jq length)" -eq 2 ]
  sdbw kill --all "$id" KILL
  sd_delete "$id"
  [ "$(prop "bulwark-$id.scope" ActiveState)" = inactive ]
}

@test "the default policy (own user namespace) under the systemd driver" {
  need_systemd
  BW_POLICY=
  local id=po$$ pid
  sdbw create --bundle "$BUNDLE" "$id"
  pid=$(bw state "$id" | jq .pid)
  [ "$(awk '/^Uid:/ {print $2}' /proc/"$pid"/status)" -ne 0 ]
  [ "$(cat /proc/"$pid"/cgroup)" = "0::/system.slice/bulwark-$id.scope" ]
  sd_delete "$id"
  [ "$(prop "bulwark-$id.scope" ActiveState)" = inactive ]
}

@test "a container that exited: its scope is collected and delete still succeeds" {
  need_systemd
  local id=gone$$
  config_edit '.process.args = ["true"]'
  sdbw run --bundle "$BUNDLE" "$id"
  [ "$(prop "bulwark-$id.scope" ActiveState)" = inactive ]
  [ -z "$(state_left)" ]
}
