#!/usr/bin/env bats
# bulwark run by an ordinary user in a cgroup v2 subtree that systemd
# delegated to it: a test user with a user manager of its own (linger),
# bulwark started in a delegated scope of that manager (systemd-run --user
# --scope -p Delegate=yes), the config's pids and memory limits in force in
# the container's cgroup under the user's subtree, and that cgroup gone
# after delete. Runs in the systemd guest (scripts/guest/suites.sh);
# elsewhere it skips, saying what is missing.
#   BULWARK=build/bulwark bats tests/integration/rootless_cgroup.bats
# The user (with /etc/subuid and /etc/subgid ranges; test_user.bash) is
# removed in teardown_file, with its linger and its user manager. No lock
# is taken here: the guest runs one suite at a time; on a shared host, run
# it under `flock /run/bw-subuid.lock`, as the other rootless suites.

bats_require_minimum_version 1.5.0
load helpers

RL_USER=bwrl-cgroup

# bats 1.8 cannot skip from setup_file: the reason is kept for setup().
not_here() { export RL_NOT_HERE=$1; }

setup_file() {
  [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ] ||
    { not_here "no delegated subtree here: /sys/fs/cgroup is not cgroup v2 alone (systemd delegates only on a unified host)"; return 0; }
  [ -d /run/systemd/system ] || { not_here "no delegated subtree here: systemd is not PID 1 (it is what delegates one)"; return 0; }
  local c
  for c in systemd-run loginctl setpriv newuidmap; do
    command -v "$c" >/dev/null || { not_here "$c is not installed"; return 0; }
  done
  # a home, and the user's manager (linger) running: it makes /run/user/UID
  # and gets user@UID.service, delegated, as its cgroup
  test_user_add --home --manager "$RL_USER"
  export RL_UID=$TEST_USER_UID RL_GID=$TEST_USER_GID RL_START=$TEST_USER_START
  [ -z "$TEST_USER_WHY" ] || { not_here "no delegated subtree here: $TEST_USER_WHY"; return 0; }
  RL_SUBTREE=/sys/fs/cgroup/user.slice/user-$RL_UID.slice/user@$RL_UID.service
  export RL_SUBTREE
  [ "$(stat -c %u "$RL_SUBTREE" 2>/dev/null)" = "$RL_UID" ] ||
    { not_here "no delegated subtree here: $RL_SUBTREE is not the user's"; return 0; }
}

teardown_file() {
  test_user_del --home --manager "$RL_USER"
}

setup() {
  [ -z "${RL_NOT_HERE:-}" ] || skip "$RL_NOT_HERE"
  BUNDLE=$(mktemp -d /tmp/bulwark-test-bundle.XXXXXX)
  chmod 755 "$BUNDLE"
  make_rootfs "$BUNDLE/rootfs"
  cp "$BULWARK" "$BUNDLE/bulwark"
  chown "$RL_USER" "$BUNDLE"
  as_user "$BUNDLE/bulwark" spec --rootless --bundle "$BUNDLE"
  # bulwark maps the user's range itself; limits the kernel can show
  config_edit '.process.args = ["sh", "-c", "for i in $(seq 60); do sleep 1000 >/dev/null 2>&1 & done 2>/dev/null; sleep 1000"]
    | del(.linux.uidMappings, .linux.gidMappings)
    | .linux.resources.pids = {"limit": 42} | .linux.resources.memory = {"limit": 67108864}'
  chmod -R a+rX "$BUNDLE"
}

teardown() {
  local id
  for id in $(as_user "$BUNDLE/bulwark" list -q 2>/dev/null); do
    as_user "$BUNDLE/bulwark" delete --force "$id" >/dev/null 2>&1 || true
  done
  rm -rf "$BUNDLE"
}

# "$@" as the test user with its session's environment: its runtime
# directory and its manager's bus.
as_user() {
  (cd "$BUNDLE" && setpriv --reuid="$RL_UID" --regid="$RL_GID" --init-groups \
    env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="/home/$RL_USER" USER="$RL_USER" \
    XDG_RUNTIME_DIR="/run/user/$RL_UID" DBUS_SESSION_BUS_ADDRESS="unix:path=/run/user/$RL_UID/bus" "$@")
}

# "$@" as the user in a new scope of its manager, delegated to it.
in_scope() {
  as_user systemd-run --user --scope -q -p Delegate=yes -- "$@"
}

# The cgroup2 directory of a pid.
cgroup_of() { echo "/sys/fs/cgroup$(sed -n 's/^0:://p' "/proc/$1/cgroup")"; }

@test "rootless, delegated cgroup v2: pids.max and memory.max in force in the container's cgroup under the user's subtree; gone after delete" {
  in_scope "$BUNDLE/bulwark" create rl-dg </dev/null >"$BUNDLE/create.out" 2>&1 3>&-
  cat "$BUNDLE/create.out"
  # limits applied: no warning that they were ignored
  [ -z "$(grep 'linux.resources ignored' "$BUNDLE/create.out")" ]
  local pid cg
  pid=$(as_user "$BUNDLE/bulwark" state rl-dg | jq -r .pid)
  [ "$pid" -gt 0 ]
  [ "$(awk '/^Uid:/ {print $2}' "/proc/$pid/status")" = "$RL_UID" ]
  cg=$(cgroup_of "$pid")
  echo "container cgroup: $cg"
  # under the user's delegated subtree, the user's, the container's alone
  [[ $cg == "$RL_SUBTREE/"* ]]
  [ "$(stat -c %u "$cg")" = "$RL_UID" ]
  [ "$(cat "$cg/cgroup.procs")" = "$pid" ]
  [ "$(cat "$cg/pids.max")" = 42 ]
  [ "$(cat "$cg/memory.max")" = 67108864 ]
  # in force: the container's process tries 60 tasks, and a fork fails
  as_user "$BUNDLE/bulwark" start rl-dg
  local i
  for ((i = 0; i < 120; i++)); do
    [ "$(awk '$1 == "max" {print $2}' "$cg/pids.events")" -gt 0 ] && break
    sleep 0.5
  done
  cat "$cg/pids.events"
  # the kernel refused a fork at the limit (busybox sh then gives up)
  [ "$(awk '$1 == "max" {print $2}' "$cg/pids.events")" -gt 0 ]
  as_user "$BUNDLE/bulwark" delete --force rl-dg
  [ ! -e "$cg" ]
  [ -z "$(as_user "$BUNDLE/bulwark" list -q)" ]
}

@test "rootless, delegated cgroup v2: run's exit status, and nothing of the container's cgroup left after it" {
  config_edit '.process.args = ["sh", "-c", "cat /proc/self/cgroup; cat /sys/fs/cgroup/pids.max 2>/dev/null; exit 3"]'
  run --separate-stderr in_scope "$BUNDLE/bulwark" run rl-dr
  echo "$output"; echo "$stderr"
  [ "$status" -eq 3 ]
  [[ $stderr != *'linux.resources ignored'* ]]
  [ -z "$(find "$RL_SUBTREE" -type d -name rl-dr)" ]
}

@test "rootless, no delegation where bulwark runs: one warning naming it, the run goes on" {
  # the test's own cgroup is root's (a system service's), not the user's
  config_edit '.process.args = ["sh", "-c", "exit 5"]'
  run --separate-stderr as_user "$BUNDLE/bulwark" run rl-nd
  [ "$status" -eq 5 ]
  [[ $stderr == "bulwark: warning: linux.resources ignored (no pids, memory or cpu limit applies): your cgroup "*" is not yours (no cgroup is delegated to uid $RL_UID); run bulwark in a delegated one, e.g. systemd-run --user --scope bulwark ..." ]]
}
