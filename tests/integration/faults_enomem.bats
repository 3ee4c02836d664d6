#!/usr/bin/env bats
# Out of memory at every allocation: create, run, exec, delete and update of
# a dynamically linked bulwark (-Dstatic=disabled) with the Nth malloc,
# calloc, realloc, strdup or strndup of each of its processes failing
# (tests/faults/failmalloc.c, preloaded; nothing in the product). Each run
# must end in success or a clear error (exit status 1, or 255 for exec as
# runc; a line "bulwark: ..." naming what failed), never a crash, and leave
# nothing behind.
#
# CI runs a sample of N (1, 4, 16, 64 ... up to the command's last
# allocation). BW_FAULTS_FULL=1 tries every N (scripts/soak), from
# BW_FAULTS_FROM (1) on, up to BW_FAULTS_TO when it is set: run makes
# create's allocations first, so after a
# full create sweep a run sweep from create's last N covers what is run's
# own (start).
# BULWARK_DYNAMIC names the dynamic binary (default: BULWARK when it is
# dynamic, else build-dev/bulwark of this tree); the shim is the one built
# next to it (tests/faults/failmalloc.so).

bats_require_minimum_version 1.5.0
load helpers
load ../faults/host_state

setup() {
  local top
  top=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
  DYN=${BULWARK_DYNAMIC:-}
  if [ -z "$DYN" ]; then
    if file -L "$BULWARK" | grep -q 'dynamically linked'; then DYN=$BULWARK; else DYN=$top/build-dev/bulwark; fi
  fi
  SHIM=$(dirname "$DYN")/tests/faults/failmalloc.so
  [ -x "$DYN" ] || skip "needs a dynamically linked bulwark: meson setup build-dev -Dstatic=disabled && ninja -C build-dev (or BULWARK_DYNAMIC)"
  file -L "$DYN" | grep -q 'dynamically linked' || skip "$DYN is static: an LD_PRELOAD shim cannot reach it"
  [ -f "$SHIM" ] || skip "no $SHIM (built with a dynamic bulwark and no sanitizer)"
  BULWARK=$DYN
  setup_bundle
  # The default policy: a user namespace and an id range for every
  # container, the path with the most to lose.
  BW_POLICY=
  config_edit '.process.args = ["sleep", "1000"]'
  # one container first: the seccomp cache is filled, so every run that
  # follows makes the same allocations
  bw run --detach --bundle "$BUNDLE" "warm$$" </dev/null >/dev/null 2>&1
  bw delete --force "warm$$" >/dev/null 2>&1
}
teardown() { teardown_bundle; }

# The values of N to try: all of them with BW_FAULTS_FULL=1, else 1, 4,
# 16, 64 ... (a few per command, for CI). Ends when a run met no fault.
next_n() {
  local n=$1
  if [ "${BW_FAULTS_FULL:-0}" = 1 ]; then echo $((n + 1)); else echo $((n * 4)); fi
}

# Run bulwark with the Nth allocation failing; sets status, output and
# met (whether the fault was met by any process).
with_enomem() {
  local n=$1; shift
  rm -f "$BUNDLE/fm.log"
  status=0
  # output to a file: a create that wrongly leaves an init would hold a pipe
  # timeout itself runs without the shim (env sets it for bulwark alone):
  # a fault in timeout's own allocations ended it with status 125
  timeout -s KILL 60 env LD_PRELOAD="$SHIM" BW_FAILMALLOC_N="$n" BW_FAILMALLOC_LOG="$BUNDLE/fm.log" \
    "$BULWARK" --root "$BW_ROOT" "$@" </dev/null >"$BUNDLE/fm.out" 2>&1 || status=$?
  output=$(cat "$BUNDLE/fm.out")
  met=0
  [ -s "$BUNDLE/fm.log" ] && met=1
  return 0
}

# The outcome of one run: success or a clear error, never a crash or a hang.
check_outcome() {
  local what=$1 allowed=${2:-1}
  if [ "$status" -ne 0 ] && [ "$status" -ne "$allowed" ] && [ "$status" -ne 1 ]; then
    echo "$what: exit status $status (a crash or a hang): $output"
    echo "fault: $(cat "$BUNDLE/fm.log" 2>/dev/null)"
    return 1
  fi
  if [ "$status" -ne 0 ]; then
    local last
    last=$(tail -1 <<<"$output")
    if [[ $last != "bulwark: "* ]] || [[ $last == *"(null)"* ]] || [ ${#last} -lt 20 ]; then
      echo "$what: exit status $status without a clear message: $output"
      return 1
    fi
  fi
  return 0
}

# Nothing left of container ID: delete --force (without faults) ends it
# and the host holds nothing of it.
check_clean() {
  local what=$1 id=$2 out
  out=$(bw delete --force "$id" 2>&1) || { echo "$what: delete --force failed afterwards: $out"; return 1; }
  out=$(leftovers "$id")
  [ -z "$out" ] || { echo "$what: left behind: $out"; return 1; }
}

# Try every N of the sample for one command. PREP makes the container the
# command starts from, CHECK judges the state after it.
sweep() {
  local cmd=$1 n=${BW_FAULTS_FROM:-1} id tried=0 failed=0 errs=0
  while :; do
    id=m$$x$n
    prep_$cmd "$id"
    # shellcheck disable=SC2046
    with_enomem "$n" $(argv_$cmd "$id")
    local what="$cmd with allocation #$n failing"
    [ "$status" -ne 0 ] && errs=$((errs + 1))
    check_outcome "$what" "$(allowed_$cmd)" || failed=$((failed + 1))
    after_$cmd "$what" "$id" || failed=$((failed + 1))
    check_clean "$what" "$id" || failed=$((failed + 1))
    tried=$((tried + 1))
    [ -n "${BW_FAULTS_VERBOSE:-}" ] && echo "# $what: status $status, met $met" >&3
    [ "$met" = 1 ] || break
    n=$(next_n "$n")
    [ -z "${BW_FAULTS_TO:-}" ] || [ "$n" -le "$BW_FAULTS_TO" ] || break
  done
  echo "# $cmd: $tried values of N up to $n (the last met no fault), $errs ended in an error, $failed failures" >&3
  [ -n "${BW_FAULTS_TO:-}" ] || [ "$tried" -ge 4 ]
  [ "$failed" -eq 0 ]
}

running() { [ "$(bw state "$1" 2>/dev/null | jq -r .status)" = running ]; }

prep_create() { :; }
argv_create() { echo create --bundle "$BUNDLE" "$1"; }
allowed_create() { echo 1; }
after_create() { # an error leaves nothing, before any delete
  local out
  if [ "$status" -ne 0 ]; then
    out=$(leftovers "$2")
    [ -z "$out" ] || { echo "$1: failed and left: $out"; return 1; }
  fi
  return 0
}

prep_run() { :; }
argv_run() { echo run --detach --bundle "$BUNDLE" "$1"; }
allowed_run() { echo 1; }
after_run() {
  if [ "$status" -eq 0 ]; then running "$2" || { echo "$1: succeeded but not running"; return 1; }; fi
  after_create "$@"
}

prep_exec() { bw run --detach --bundle "$BUNDLE" "$1" </dev/null >/dev/null 2>&1; }
argv_exec() { echo exec "$1" touch "/dev/shm/exec-$1"; }
allowed_exec() { echo 255; }
after_exec() { # the container lives on whatever exec did
  running "$2" || { echo "$1: the container is no longer running"; return 1; }
  if [ "$status" -eq 0 ]; then
    bw exec "$2" test -e "/dev/shm/exec-$2" || { echo "$1: succeeded but its process did not run"; return 1; }
  fi
}

prep_delete() { bw run --detach --bundle "$BUNDLE" "$1" </dev/null >/dev/null 2>&1; }
argv_delete() { echo delete --force "$1"; }
allowed_delete() { echo 1; }
after_delete() {
  if [ "$status" -eq 0 ]; then
    local out
    out=$(leftovers "$2")
    [ -z "$out" ] || { echo "$1: succeeded and left: $out"; return 1; }
  fi
  return 0
}

prep_update() { bw run --detach --bundle "$BUNDLE" "$1" </dev/null >/dev/null 2>&1; }
argv_update() { echo update --pids-limit 99 "$1"; }
allowed_update() { echo 1; }
after_update() {
  running "$2" || { echo "$1: the container is no longer running"; return 1; }
  local max
  max=$(pids_max "$2")
  if [ "$status" -eq 0 ] && [ "$max" != 99 ]; then echo "$1: succeeded but pids.max is $max"; return 1; fi
  return 0
}

# The pids limit of container ID as the kernel holds it (v2 or v1).
pids_max() {
  local pid f
  pid=$(bw state "$1" | jq -r .pid)
  f=$(awk -F: '$2 == "pids" || $2 == "" { print $3; exit }' "/proc/$pid/cgroup")
  for d in "/sys/fs/cgroup$f" "/sys/fs/cgroup/pids$f"; do
    [ -f "$d/pids.max" ] && { cat "$d/pids.max"; return; }
  done
  echo unknown
}

@test "faults_enomem: create with the Nth allocation failing: success or a clear error, nothing left" { sweep create; }
@test "faults_enomem: run --detach with the Nth allocation failing" { sweep run; }
@test "faults_enomem: exec with the Nth allocation failing: the container lives on" { sweep exec; }
@test "faults_enomem: delete --force with the Nth allocation failing: a second delete cleans up" { sweep delete; }
@test "faults_enomem: update with the Nth allocation failing: the limit is set or the error is clear" { sweep update; }
