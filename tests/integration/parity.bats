#!/usr/bin/env bats
# The config `runc spec` writes gives the same observable results under
# bulwark as under runc.

bats_require_minimum_version 1.5.0
load helpers

setup() {
  command -v runc >/dev/null || skip "runc is not installed"
  setup_bundle
  RUNC_ROOT=$(mktemp -d /tmp/bulwark-runc-root.XXXXXX)
}
teardown() {
  runc --root "$RUNC_ROOT" delete --force parity >/dev/null 2>&1 || true
  rm -rf "$RUNC_ROOT"
  teardown_bundle
}

# What the container sees: ids, caps, no_new_privs, seccomp, hostname,
# limits, /dev, and each mount point with ro/rw. The cgroup tree's layout
# is the cgroup issue's and is left out, and so are host submounts of an
# rbind of /sys (e.g. tracefs): runc makes only the top of an "rbind,ro"
# read-only, bulwark the whole tree (checked below).
PROBE='id; hostname; env | sort; umask; pwd; grep -E "^(Cap|NoNewPrivs|Seccomp:)" /proc/self/status; ulimit -n; ulimit -u
ls -l /dev | awk "NR > 1 {print \$1, \$5, \$6, \$NF}"
awk "{split(\$6, o, \",\"); print \$5, o[1]}" /proc/self/mountinfo | grep -Ev "^/sys/(fs/cgroup|kernel)" | sort
echo $$; exit 7'

@test "runc spec: bulwark and runc show the same container" {
  config_edit --arg p "$PROBE" '.process.args = ["sh", "-c", $p]'
  run runc --root "$RUNC_ROOT" run -b "$BUNDLE" parity
  local runc_status=$status runc_out=$output
  run bw run --bundle "$BUNDLE" parity
  [ "$runc_status" -eq 7 ]
  [ "$status" -eq "$runc_status" ]
  diff <(echo "$runc_out") <(echo "$output")
}

@test "runc spec with a user: the same ids and capabilities as runc" {
  config_edit --arg p "$PROBE" '.process.args = ["sh", "-c", $p]
    | .process.user = {"uid": 1000, "gid": 1000, "additionalGids": [10, 20]}
    | .hostname = "parity-host"'
  run runc --root "$RUNC_ROOT" run -b "$BUNDLE" parity
  local runc_status=$status runc_out=$output
  run bw run --bundle "$BUNDLE" parity
  [ "$status" -eq "$runc_status" ]
  diff <(echo "$runc_out") <(echo "$output")
}

@test "runc spec --rootless: the same user-namespace view as runc" {
  (cd "$BUNDLE" && rm -f config.json && runc spec --rootless >/dev/null)
  config_edit --arg p "cat /proc/self/uid_map /proc/self/gid_map; $PROBE" '.process.terminal = false | .process.args = ["sh", "-c", $p]'
  run runc --root "$RUNC_ROOT" run -b "$BUNDLE" parity
  local runc_status=$status runc_out=$output
  run bw run --bundle "$BUNDLE" parity
  [ "$status" -eq "$runc_status" ]
  diff <(echo "$runc_out") <(echo "$output")
}

@test "rbind,ro is read-only all the way down (stricter than runc)" {
  (cd "$BUNDLE" && rm -f config.json && runc spec --rootless >/dev/null)
  config_edit '.process.terminal = false | .process.args = ["sh", "-c", "awk \"\\$5 ~ /^\\\\/sys\\\\// {split(\\$6, o, \\\",\\\"); print \\$5, o[1]}\" /proc/self/mountinfo"]'
  run bw run --bundle "$BUNDLE" rbro
  [ "$status" -eq 0 ]
  [ -n "$output" ]
  ! grep -q ' rw$' <<<"$output"
}

@test "exec: the same process view as runc exec" {
  config_edit '.process.args = ["sleep", "100"]'
  runc --root "$RUNC_ROOT" create -b "$BUNDLE" parity </dev/null >/dev/null 2>&1
  runc --root "$RUNC_ROOT" start parity
  bw create --bundle "$BUNDLE" parity </dev/null >/dev/null 2>&1
  bw start parity
  local probe='id; env | sort; pwd; grep -E "^(Cap|NoNewPrivs)" /proc/self/status; ls /proc/$$/ns >/dev/null; exit 9'
  run runc --root "$RUNC_ROOT" exec --user 1000:1000 --env FOO=bar --cwd /tmp parity sh -c "$probe"
  local runc_status=$status runc_out=$output
  run bw exec --user 1000:1000 --env FOO=bar --cwd /tmp parity sh -c "$probe"
  [ "$runc_status" -eq 9 ]
  [ "$status" -eq 9 ]
  diff <(echo "$runc_out") <(echo "$output")
}
