#!/usr/bin/env bats
# Races between commands on one container, each tried RACE_TRIES times
# (default 5 in CI; scripts/soak: 20) and judged by the state it leaves, not by exit codes alone:
# the same id created twice at once, delete during start, kill during exec,
# update during pause, two containers of one rootfs created at once.

bats_require_minimum_version 1.5.0
load helpers
load ../faults/host_state

TRIES=${RACE_TRIES:-5}

setup() {
  setup_bundle
  # The default policy: a user namespace and an id range for every container.
  BW_POLICY=
  config_edit '.process.args = ["sleep", "1000"]'
}
teardown() { teardown_bundle; }

# bulwark in the background, output to a file (an init would hold a pipe).
bg() {
  local out=$1; shift
  bw "$@" </dev/null >"$out" 2>&1 &
}

# Ranges held for container ID (files of the store naming it).
ranges_of() {
  grep -lF "\"owner\": \"$1\"" /var/lib/bulwark/idranges/range-*.json 2>/dev/null |
    xargs -r grep -lF "\"root\": \"$BW_ROOT\"" | wc -l
}

fail_with() { echo "$*"; return 1; }

@test "races: the same id created twice at once: exactly one wins, the loser gets a clear error and leaves nothing" {
  for ((i = 0; i < TRIES; i++)); do
    local id=same$$x$i
    bg "$BUNDLE/a" create --bundle "$BUNDLE" "$id"; local pa=$!
    bg "$BUNDLE/b" create --bundle "$BUNDLE" "$id"; local pb=$!
    local sa=0 sb=0
    wait $pa || sa=$?
    wait $pb || sb=$?
    echo "try $i: $sa $sb: $(cat "$BUNDLE/a" "$BUNDLE/b")"
    # exactly one wins
    { [ $sa -eq 0 ] && [ $sb -ne 0 ]; } || { [ $sa -ne 0 ] && [ $sb -eq 0 ]; } || fail_with "statuses $sa and $sb"
    local loser=$BUNDLE/a
    [ $sa -eq 0 ] && loser=$BUNDLE/b
    grep -q "^bulwark: .*$id" "$loser" || fail_with "the loser's error does not name the id: $(cat "$loser")"
    # the winner is whole: created, its init alive, one range, one cgroup
    [ "$(state_of "$id")" = created ] || fail_with "state $(state_of "$id")"
    kill -0 "$(bw state "$id" | jq .pid)"
    [ "$(ranges_of "$id")" -eq 1 ] || fail_with "$(ranges_of "$id") ranges held for $id"
    bw start "$id"
    [ "$(state_of "$id")" = running ]
    bw delete --force "$id"
    local left
    left=$(leftovers "$id")
    [ -z "$left" ] || fail_with "left: $left"
  done
}

@test "races: delete --force during start: the container ends whole, nothing left" {
  for ((i = 0; i < TRIES; i++)); do
    local id=ds$$x$i
    bw create --bundle "$BUNDLE" "$id" </dev/null >/dev/null 2>&1
    local pid
    pid=$(bw state "$id" | jq .pid)
    bg "$BUNDLE/s" start "$id"; local ps=$!
    bg "$BUNDLE/d" delete --force "$id"; local pd=$!
    local ss=0 sd=0
    wait $ps || ss=$?
    wait $pd || sd=$?
    echo "try $i: start $ss, delete $sd: $(cat "$BUNDLE/s" "$BUNDLE/d")"
    # a start that lost says so; a delete that lost (the start held the
    # lock) is followed by one that must work
    [ $ss -eq 0 ] || grep -q '^bulwark: ' "$BUNDLE/s" || fail_with "start failed silently"
    if [ $sd -ne 0 ]; then
      grep -q '^bulwark: ' "$BUNDLE/d" || fail_with "delete failed silently"
      bw delete --force "$id"
    fi
    local left
    left=$(leftovers "$id")
    [ -z "$left" ] || fail_with "left: $left"
    # the container's process is gone (or a zombie being reaped)
    for _ in $(seq 50); do
      { [ ! -e "/proc/$pid" ] || grep -q '^State:.*Z' "/proc/$pid/status" 2>/dev/null; } && break
      sleep 0.1
    done
    { [ ! -e "/proc/$pid" ] || grep -q '^State:.*Z' "/proc/$pid/status" 2>/dev/null; } || fail_with "init $pid lives on"
  done
}

@test "races: kill during exec: exec returns within bounds, no exec'd process lives on" {
  for ((i = 0; i < TRIES; i++)); do
    local id=ke$$x$i
    bw run --detach --bundle "$BUNDLE" "$id" </dev/null >/dev/null 2>&1
    local pid
    pid=$(bw state "$id" | jq .pid)
    # a process that names itself: found on the host by its arguments
    # (124: the timeout; 137 is exec passing on its process's SIGKILL)
    (
      se=0
      timeout -k 5 30 "$BULWARK" --root "$BW_ROOT" exec "$id" sleep 77$$ </dev/null >"$BUNDLE/e" 2>&1 || se=$?
      echo $se >"$BUNDLE/e.rc"
    ) &
    local pe=$!
    sleep "0.$((RANDOM % 4))"
    bw kill "$id" KILL >/dev/null 2>&1 || true
    wait $pe
    local se
    se=$(cat "$BUNDLE/e.rc")
    echo "try $i: exec $se: $(cat "$BUNDLE/e")"
    # never the timeout's kill: exec noticed its container die
    [ "$se" -ne 124 ] || fail_with "exec hung after its container was killed"
    # it ran and was killed, or failed to start with a clear error
    [ "$se" -eq 137 ] || [ "$se" -eq 0 ] || grep -q '^bulwark: ' "$BUNDLE/e" || fail_with "exec ended $se without a message"
    bw delete --force "$id"
    local left
    left=$(leftovers "$id")
    [ -z "$left" ] || fail_with "left: $left"
    ! pgrep -f "sleep 77$$" || fail_with "the exec'd process lives on"
  done
}

@test "races: update during pause: both end consistent, resume gives a running container with the new limit" {
  for ((i = 0; i < TRIES; i++)); do
    local id=up$$x$i
    bw run --detach --bundle "$BUNDLE" "$id" </dev/null >/dev/null 2>&1
    bg "$BUNDLE/p" pause "$id"; local pp=$!
    bg "$BUNDLE/u" update --pids-limit $((100 + i)) "$id"; local pu=$!
    local sp=0 su=0
    wait $pp || sp=$?
    wait $pu || su=$?
    echo "try $i: pause $sp, update $su: $(cat "$BUNDLE/p" "$BUNDLE/u")"
    [ $sp -eq 0 ] || grep -q '^bulwark: ' "$BUNDLE/p" || fail_with "pause failed silently"
    [ $su -eq 0 ] || grep -q '^bulwark: ' "$BUNDLE/u" || fail_with "update failed silently"
    local st
    st=$(state_of "$id")
    if [ $sp -eq 0 ]; then
      [ "$st" = paused ] || fail_with "pause succeeded, state $st"
      bw resume "$id"
    fi
    [ "$(state_of "$id")" = running ] || fail_with "state after resume: $(state_of "$id")"
    # the container answers (not left frozen)
    timeout 20 "$BULWARK" --root "$BW_ROOT" exec "$id" true </dev/null || fail_with "exec into the resumed container failed"
    if [ $su -eq 0 ]; then
      local f pid
      pid=$(bw state "$id" | jq .pid)
      f=$(awk -F: '$2 == "pids" || $2 == "" { print $3; exit }' "/proc/$pid/cgroup")
      local max=unknown d
      for d in "/sys/fs/cgroup$f" "/sys/fs/cgroup/pids$f"; do [ -f "$d/pids.max" ] && max=$(cat "$d/pids.max"); done
      [ "$max" = $((100 + i)) ] || fail_with "update succeeded, pids.max $max"
    fi
    bw delete --force "$id"
    local left
    left=$(leftovers "$id")
    [ -z "$left" ] || fail_with "left: $left"
  done
}

@test "races: two containers of one rootfs created at once: different id ranges, or one refused clearly" {
  for ((i = 0; i < TRIES; i++)); do
    local a=ra$$x$i b=rb$$x$i
    bg "$BUNDLE/a" create --bundle "$BUNDLE" "$a"; local pa=$!
    bg "$BUNDLE/b" create --bundle "$BUNDLE" "$b"; local pb=$!
    local sa=0 sb=0
    wait $pa || sa=$?
    wait $pb || sb=$?
    echo "try $i: $sa $sb: $(cat "$BUNDLE/a" "$BUNDLE/b")"
    [ $sa -eq 0 ] || grep -q '^bulwark: ' "$BUNDLE/a" || fail_with "$a failed silently"
    [ $sb -eq 0 ] || grep -q '^bulwark: ' "$BUNDLE/b" || fail_with "$b failed silently"
    [ $sa -eq 0 ] || [ $sb -eq 0 ] || fail_with "both refused"
    if [ $sa -eq 0 ] && [ $sb -eq 0 ]; then
      local ua ub
      ua=$(jq -r '.linux.uidMappings[0].hostID' "$BW_ROOT/$a/config.hardened.json")
      ub=$(jq -r '.linux.uidMappings[0].hostID' "$BW_ROOT/$b/config.hardened.json")
      [ "$ua" != "$ub" ] || fail_with "both run on host uid $ua"
      # the root each init sees: not one mount shared by both
      local ma mb
      ma=$(awk '$5 == "/" { print $3, $4 }' "/proc/$(bw state "$a" | jq .pid)/mountinfo")
      mb=$(awk '$5 == "/" { print $3, $4 }' "/proc/$(bw state "$b" | jq .pid)/mountinfo")
      echo "roots: $ua $ma / $ub $mb"
      [ "$(ranges_of "$a")" -eq 1 ] && [ "$(ranges_of "$b")" -eq 1 ] || fail_with "ranges: $(ranges_of "$a") and $(ranges_of "$b")"
    fi
    bw delete --force "$a" 2>/dev/null || true
    bw delete --force "$b" 2>/dev/null || true
    local left
    left="$(leftovers "$a")$(leftovers "$b")"
    [ -z "$left" ] || fail_with "left: $left"
  done
}
